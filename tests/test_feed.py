"""The Atom feed as a feed reader shows it: valid Atom, each entry the whole
article with every address absolute (a reader resolves links against the
feed, not the page), citations that lead to the article's own reference
list, and that list in the entry."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
from bs4 import BeautifulSoup
from conftest import MINIMAL, build, soup

from generator.feeds import absolute_links

ATOM = "{http://www.w3.org/2005/Atom}"
ARTICLE = "content/articles/back-pain.md"


def entries(out: Path) -> list[ET.Element]:
    return ET.parse(out / "feed.xml").getroot().findall(f"{ATOM}entry")


def content_of(entry: ET.Element) -> BeautifulSoup:
    return BeautifulSoup(entry.find(f"{ATOM}content").text, "html.parser")


def addresses(html: BeautifulSoup) -> list[str]:
    found = []
    for tag in html.find_all(True):
        found += [tag[name] for name in ("href", "src", "poster") if tag.has_attr(name)]
        if tag.has_attr("srcset"):
            found += [part.split()[0] for part in tag["srcset"].split(",") if part.strip()]
    return found


def test_the_feed_is_valid_atom_for_a_feed_parser(demo_build):
    out, result = demo_build
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert len(parsed.entries) == len(result.graph.articles)
    for entry in parsed.entries:
        assert entry.id and entry.title and entry.updated and entry.link.startswith("https://")
        assert entry.content[0].type == "text/html"


def test_each_entry_has_one_id_title_and_updated_and_an_alternate_link(demo_build):
    out, _ = demo_build
    for entry in entries(out):
        for name in ("id", "title", "updated", "published", "content"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        links = entry.findall(f"{ATOM}link")
        assert [(a.get("rel"), a.get("type")) for a in links] == [("alternate", "text/html")]
        assert links[0].get("href") == entry.find(f"{ATOM}id").text
        assert entry.find(f"{ATOM}content").get("type") == "html"


def test_every_address_in_the_demo_feed_is_absolute(demo_build):
    out, _ = demo_build
    for entry in entries(out):
        text = entry.find(f"{ATOM}content").text
        assert 'href="#' not in text and 'src="/' not in text and 'href="/' not in text
        for address in addresses(content_of(entry)):
            parts = urlsplit(address)
            assert parts.scheme in ("https", "http", "mailto") and (
                parts.netloc or parts.scheme == "mailto"
            ), address


def test_citations_lead_to_the_reference_list_on_the_article_page(demo_build):
    out, _ = demo_build
    cited = 0
    for entry in entries(out):
        page = entry.find(f"{ATOM}id").text
        for link in content_of(entry).select("sup.cite a"):
            cited += 1
            address = urlsplit(link["href"])
            assert f"{address.scheme}://{address.netloc}{address.path}" == page
            built = out / address.path.lstrip("/") / "index.html"
            assert soup(built).find(id=address.fragment) is not None, link["href"]
    assert cited > 10


def test_each_entry_carries_its_reference_list(demo_build):
    out, result = demo_build
    for entry in entries(out):
        html = content_of(entry)
        page = entry.find(f"{ATOM}id").text
        article = next(a for a in result.graph.articles if page.endswith(a.url))
        citations = result.graph.citations_of(article)
        numbers = {int(a.get_text()) for a in html.select("sup.cite a")}
        if not citations:
            continue
        heading = html.find("h2", string="References")
        assert heading is not None, page
        items = heading.find_next("ol").find_all("li", recursive=False)
        assert [int(li["value"]) for li in items] == [c.number for c in citations]
        assert numbers <= {c.number for c in citations}
        for li, citation in zip(items, citations, strict=True):
            assert citation.study.title in li.get_text(" ")


def test_relative_links_and_images_are_made_absolute_against_the_page(make_project):
    body = MINIMAL[ARTICLE].replace(
        "`[[not-a-link]]` stays code.",
        "See [the squat](../../exercises/goblet-squat/) and [the top](#how-to-fix-it).\n\n"
        '`<a href="/x">` stays code.',
    )
    root = make_project({ARTICLE: body})
    build(root, root / "out")
    (entry,) = entries(root / "out")
    html = content_of(entry)
    hrefs = {a.get_text(): a["href"] for a in html.find_all("a")}
    assert hrefs["the squat"] == "https://fixture.example/exercises/goblet-squat/"
    assert hrefs["the top"] == "https://fixture.example/articles/back-pain/#how-to-fix-it"
    assert html.find("img")["src"] == "https://fixture.example/images/hero.svg"
    assert '<a href="/x">' in html.find("code").get_text()  # code is text, left as written


def test_absolute_links_resolves_srcset_and_keeps_escapes():
    fragment = (
        '<img src="/a.png" srcset="/a-480w.webp 480w, /a.webp 960w" alt="x">'
        '<a href="?q=1&amp;e=2">q</a><a href="https://doi.org/10.1/x">d</a>'
    )
    page = "https://site.example/sub/articles/x/"
    assert absolute_links(fragment, page) == (
        '<img src="https://site.example/a.png" srcset="https://site.example/a-480w.webp 480w, '
        'https://site.example/a.webp 960w" alt="x">'
        '<a href="https://site.example/sub/articles/x/?q=1&amp;e=2">q</a>'
        '<a href="https://doi.org/10.1/x">d</a>'
    )
