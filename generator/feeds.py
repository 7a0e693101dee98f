"""Stage 5, render (machine-readable outputs): the Atom feed, the sitemap and
robots.txt. Built with ElementTree so every text is escaped, and written by
`xml_document`, which drops the characters XML 1.0 forbids (a control
character in a title would otherwise make the whole feed unreadable); dates
come from content, never from the clock.

A feed entry is read away from the site, so it carries the whole article:
its body, the exercises it features with their "why", the routine it
recommends and its reference list; every address in it is absolute (a
citation's `#ref-2` becomes the article's own `https://site/x/#ref-2`).
The HTML around the bodies is put together with markupsafe, the escaping
of the templates."""

from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

from markupsafe import Markup

from .model import Citation, Node, Output, SiteGraph

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_SIZE = 20
# Everything but the characters XML 1.0 allows (tab, newline, carriage
# return, and U+0020 to U+10FFFF without the surrogates, U+FFFE and U+FFFF).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A start tag as the sanitiser writes it (text never holds a bare '<'; a
# value may hold '>'), and the attributes in it that hold addresses.
START_TAG = re.compile(r'<[A-Za-z][^\s/>]*(?:\s+[^\s="/>]+(?:="[^"]*")?)*\s*/?>')
URL_ATTRIBUTE = re.compile(r'(\s(href|src|srcset|poster)=")([^"]*)(")')


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def render_feeds(graph: SiteGraph, page_urls: list[str], html: dict[tuple, str]) -> list[Output]:
    origin = graph.config.origin
    sitemap = f"{origin}{graph.urls.asset('sitemap.xml')}"
    return [
        Output("feed.xml", _atom(graph, origin, html)),
        Output("sitemap.xml", _sitemap(graph, origin, page_urls)),
        Output("robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()),
    ]


def _atom(graph: SiteGraph, origin: str, html: dict[tuple, str]) -> bytes:
    ET.register_namespace("", ATOM)
    cfg = graph.config
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": cfg.language})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = cfg.title
    ET.SubElement(feed, f"{{{ATOM}}}subtitle").text = cfg.description
    ET.SubElement(feed, f"{{{ATOM}}}id").text = origin + graph.urls.home()
    home = {"rel": "alternate", "type": "text/html", "href": origin + graph.urls.home()}
    ET.SubElement(feed, f"{{{ATOM}}}link", home)
    ET.SubElement(
        feed, f"{{{ATOM}}}link", {"rel": "self", "href": origin + graph.urls.asset("feed.xml")}
    )
    articles = graph.articles[:FEED_SIZE]
    newest = max((a.meta.updated or a.meta.date for a in articles), default=dt.date(2000, 1, 1))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(newest)
    for article in articles:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = article.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = origin + article.url
        page = {"rel": "alternate", "type": "text/html", "href": origin + article.url}
        ET.SubElement(entry, f"{{{ATOM}}}link", page)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(article.meta.date)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(
            article.meta.updated or article.meta.date
        )
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = graph.get(
            "authors", article.meta.author
        ).meta.name
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = article.meta.summary
        content = ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"})
        content.text = absolute_links(_entry_html(graph, article, html), origin + article.url)
        for tag in article.meta.tags:
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": tag})
    return xml_document(feed)


def xml_document(root: ET.Element) -> bytes:
    """`root` as a UTF-8 XML 1.0 document. ElementTree escapes '<', '&' and
    quotes but writes any other character as it is: each text, tail and
    attribute value is first stripped of the characters XML 1.0 forbids."""
    for element in root.iter():
        if element.text:
            element.text = NOT_XML.sub("", element.text)
        if element.tail:
            element.tail = NOT_XML.sub("", element.tail)
        for name, value in element.attrib.items():
            element.set(name, NOT_XML.sub("", value))
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        + ET.tostring(root, encoding="utf-8", xml_declaration=False)
        + b"\n"
    )


def _entry_html(graph: SiteGraph, article: Node, html: dict[tuple, str]) -> str:
    """The article as its page shows it, in plain HTML: hero, body, the
    exercises it features with their "why", its routine and its references."""
    parts = []
    if article.meta.hero:
        hero = article.meta.hero
        parts.append(
            Markup('<p><img src="{}" alt="{}"></p>').format(graph.urls.asset(hero.image), hero.alt)
        )
    parts.append(Markup(html[("articles", article.slug, "body")]))
    features = []
    for i, feature in enumerate(article.features):
        exercise = graph.get("exercises", feature.exercise)
        why = html.get(("articles", article.slug, "feature", i))
        features.append(
            Markup('<li><a href="{}">{}</a>{}</li>').format(
                exercise.url, exercise.title, Markup(": {}").format(Markup(why)) if why else ""
            )
        )
    if features:
        parts.append(Markup("<h2>The exercises</h2><ol>{}</ol>").format(Markup("").join(features)))
    if article.meta.routine:
        routine = graph.get("routines", article.meta.routine)
        parts.append(
            Markup('<p>Put it into practice: <a href="{}">{}</a>.</p>').format(
                routine.url, routine.title
            )
        )
    citations = graph.citations_of(article)
    if citations:
        items = Markup("").join(_reference(c) for c in citations)
        parts.append(Markup("<h2>References</h2><ol>{}</ol>").format(items))
    return str(Markup("\n").join(parts))


def _reference(citation: Citation) -> Markup:
    """One study as the page's reference list writes it (templates/partials/macros.html)."""
    s = citation.study
    authors = ", ".join(s.authors) if len(s.authors) <= 3 else ", ".join(s.authors[:3]) + ", et al."
    stop = "" if s.title.endswith((".", "?", "!")) else "."
    source = s.journal + (f" {s.volume}" if s.volume else "") + (f"({s.issue})" if s.issue else "")
    source += f": {s.pages}." if s.pages else "."
    links = [("https://doi.org/" + s.doi, f"doi:{s.doi}")] if s.doi else []
    if s.pmid:
        links.append((f"https://pubmed.ncbi.nlm.nih.gov/{s.pmid}/", f"PubMed {s.pmid}"))
    if not links and s.url:
        links.append((s.url, s.url))
    return Markup('<li value="{}">{} ({}). <cite>{}</cite>{} {} {} {}</li>').format(
        citation.number,
        authors,
        s.year,
        s.title,
        stop,
        source,
        Markup(" · ").join(Markup('<a href="{}">{}</a>').format(url, text) for url, text in links),
        s.finding,
    )


def absolute_links(fragment: str, page: str) -> str:
    """Feed readers resolve links against the feed, not the page: every
    href, src and srcset address in the HTML made absolute against `page`
    (the page's own address): '/x/' -> 'https://site/x/', '#ref-1' ->
    'https://site/articles/a/#ref-1'. The sanitiser wrote every attribute as
    name="value": each value is unescaped, resolved and escaped again."""

    def address(match: re.Match) -> str:
        value = html.unescape(match.group(3))
        if match.group(2) == "srcset":
            value = ", ".join(
                " ".join([urljoin(page, words[0]), *words[1:]])
                for words in (candidate.split() for candidate in value.split(","))
                if words
            )
        else:
            value = urljoin(page, value.strip())
        return match.group(1) + html.escape(value, quote=True) + match.group(4)

    return START_TAG.sub(lambda tag: URL_ATTRIBUTE.sub(address, tag.group(0)), fragment)


def _sitemap(graph: SiteGraph, origin: str, page_urls: list[str]) -> bytes:
    ET.register_namespace("", SITEMAP)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    modified = {n.url: (n.meta.updated or n.meta.date) for n in graph.articles}
    for url in sorted(page_urls):
        entry = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
        ET.SubElement(entry, f"{{{SITEMAP}}}loc").text = origin + url
        if url in modified:
            ET.SubElement(entry, f"{{{SITEMAP}}}lastmod").text = modified[url].isoformat()
    return xml_document(urlset)
