"""End to end on the fixture site: build it, parse the HTML and check what
a reader sees (pages, citations, links, doses, backlinks, feeds, meta)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from conftest import MINIMAL, build, soup
from site_checks import broken_links, html_pages


@pytest.fixture(scope="module")
def site(fixture_build):
    return fixture_build[0]


def test_every_page_exists_at_its_pretty_url(site):
    for url in [
        "",
        "articles/",
        "articles/back-pain/",
        "exercises/",
        "exercises/goblet-squat/",
        "exercises/bird-dog/",
        "routines/",
        "routines/back-basics/",
        "authors/",
        "authors/ann-author/",
        "tags/",
        "tags/low-back-pain/",
        "tags/strength/",
        "body-areas/",
        "body-areas/lower-back/",
        "about/",
    ]:
        assert (site / url / "index.html").is_file(), url
    for name in ["feed.xml", "sitemap.xml", "robots.txt", "404.html", "images/hero.svg"]:
        assert (site / name).is_file(), name


def test_no_internal_link_or_image_is_broken(site):
    assert broken_links(site) == []


def test_citations_are_numbered_in_order_of_first_use_and_link_to_references(site):
    page = soup(site / "articles/back-pain/index.html")
    cites = [[a.get_text() for a in sup.find_all("a")] for sup in page.select("sup.cite")]
    # body: [@smith], [@jones; @smith], [@smith]; then the bird dog's why as the
    # article overrides it: [@jones] (the goblet squat's own why is shown without
    # its citation, which stays on the exercise page: tests/test_evidence.py)
    assert cites == [["1"], ["2", "1"], ["1"], ["2"]]
    for sup in page.select("sup.cite a"):
        assert page.find(id=sup["href"][1:]) is not None
    refs = page.select(".reference-list > li")
    assert [li["id"] for li in refs] == ["ref-1", "ref-2"]
    assert "Smith" in refs[0].get_text() and "2020" in refs[0].get_text()
    assert refs[0].find("a", href="https://doi.org/10.1234/fixture.2020") is not None
    assert refs[1].find("a", href="https://pubmed.ncbi.nlm.nih.gov/12345678/") is not None


def test_wiki_links_resolve_to_titles_and_labels_and_code_is_left_alone(site):
    page = soup(site / "articles/back-pain/index.html")
    prose = page.select(".prose")  # the body, a block per section
    links = {a.get_text(): a["href"] for p in prose for a in p.find_all("a", class_="xref")}
    assert links == {
        "Goblet squat": "/exercises/goblet-squat/",
        "back routine": "/routines/back-basics/",
    }
    assert [c.get_text() for p in prose for c in p.find_all("code")] == ["[[not-a-link]]"]


def test_featured_exercises_show_dose_and_the_articles_own_why(site):
    page = soup(site / "articles/back-pain/index.html")
    features = page.select(".feature")
    assert [f.h3.get_text(strip=True) for f in features] == ["Goblet squat", "Bird dog"]
    # the dose of the routine the article recommends (3 x 8), not the exercise's own (3 x 10),
    # its numbers and units held together by no-break spaces
    assert features[0].select_one(".dose").get_text() == "3\u00a0x\u00a08, rest 60\u00a0s"
    assert features[1].select_one(".dose").get_text() == "2\u00a0x\u00a030\u00a0s each side"
    assert "The back muscles hold the trunk upright" in features[0].select_one(".why").get_text()
    assert "Calm work for a sore back" in features[1].select_one(".why").get_text()
    assert page.select_one(".routine-callout a")["href"] == "/routines/back-basics/"


def test_routine_table_shows_resolved_doses_with_fallback(site):
    page = soup(site / "routines/back-basics/index.html")
    rows = [
        [c.get_text(" ", strip=True).replace("\u00a0", " ") for c in tr.find_all(["th", "td"])]
        for tr in page.select(".dose-table tbody tr")
    ]
    assert rows == [
        ["1", "Goblet squat", "3 x 8", "rest 60 s"],
        ["2", "Bird dog Slow and steady", "2 x 30 s each side", "as needed"],
    ]


def test_exercise_page_lists_where_it_is_used(site):
    page = soup(site / "exercises/goblet-squat/index.html")
    used = [a.get_text() for a in page.select(".used-in a")]
    assert used == ["Lower back pain when running", "Back basics"]
    assert [li.get_text() for li in page.select(".cues li")] == [
        "Chest up",
        "Knees over toes",
        "Breathe out on the way up",
    ]
    assert page.select_one(".facts .dose").get_text() == "3\u00a0x\u00a010, rest 60\u00a0s"


def test_taxonomy_pages_list_their_members(site):
    tag = soup(site / "tags/low-back-pain/index.html")
    assert [a.get_text() for a in tag.select(".card-title a")] == ["Lower back pain when running"]
    area = soup(site / "body-areas/knee/index.html")
    assert [a.get_text() for a in area.select(".card-title a")] == ["Goblet squat"]


def test_every_page_has_title_description_canonical_og_and_json_ld(site):
    for path in html_pages(site):
        page = soup(path)
        assert page.title and page.title.get_text().strip(), path
        assert page.find("meta", attrs={"name": "description"})["content"], path
        canonical = page.find("link", rel="canonical")["href"]
        assert canonical.startswith("https://fixture.example/"), path
        assert page.find("meta", property="og:title")["content"], path
        data = json.loads(page.find("script", type="application/ld+json").string)
        assert data["@context"] == "https://schema.org"
        assert (
            page.find("main", id="main") and page.find("a", class_="skip-link")["href"] == "#main"
        )
        for img in page.find_all("img"):
            assert img.has_attr("alt"), (path, img)


def test_article_json_ld_cites_studies_with_dois(site):
    page = soup(site / "articles/back-pain/index.html")
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["@type"] == "Article"
    assert data["mainEntityOfPage"]["@type"] == "MedicalWebPage"
    assert [c["@type"] for c in data["citation"]] == ["ScholarlyArticle", "ScholarlyArticle"]
    assert data["citation"][0]["identifier"]["value"] == "10.1234/fixture.2020"
    routine = json.loads(
        soup(site / "routines/back-basics/index.html")
        .find("script", type="application/ld+json")
        .string
    )
    assert routine["@type"] == "ExercisePlan" and routine["activityFrequency"] == "3 times per week"
    exercise = json.loads(
        soup(site / "exercises/goblet-squat/index.html")
        .find("script", type="application/ld+json")
        .string
    )
    assert (
        exercise["@type"] == "HowTo"
        and exercise["step"][0]["text"] == "Hold the weight at your chest."
    )


def test_feed_and_sitemap_are_valid_xml_with_absolute_urls(site):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(site / "feed.xml").getroot()
    entries = feed.findall(f"{atom}entry")
    assert [e.find(f"{atom}link").get("href") for e in entries] == [
        "https://fixture.example/articles/back-pain/"
    ]
    assert feed.find(f"{atom}updated").text == "2026-03-01T00:00:00Z"
    content = entries[0].find(f"{atom}content").text
    assert 'href="https://fixture.example/exercises/goblet-squat/"' in content
    sm = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [loc.text for loc in ET.parse(site / "sitemap.xml").getroot().iter(f"{sm}loc")]
    assert "https://fixture.example/articles/back-pain/" in locs
    assert all(loc.startswith("https://fixture.example/") for loc in locs)
    assert "Sitemap: https://fixture.example/sitemap.xml" in (site / "robots.txt").read_text()


def test_drafts_and_future_articles_are_left_out_unless_asked(make_project):
    draft = MINIMAL["content/articles/back-pain.md"].replace(
        "date: 2026-03-01", "date: 2026-03-02\ndraft: true"
    )
    future = MINIMAL["content/articles/back-pain.md"].replace(
        "date: 2026-03-01", "date: 2027-01-01"
    )
    root = make_project(
        {"content/articles/draft-post.md": draft, "content/articles/future-post.md": future}
    )
    out = root / "site_output"
    build(root, out)
    assert (
        not (out / "articles/draft-post").exists() and not (out / "articles/future-post").exists()
    )
    assert (
        "draft-post" not in (out / "feed.xml").read_text()
        and "draft-post" not in (out / "sitemap.xml").read_text()
    )
    assert [a.get_text() for a in soup(out / "articles/index.html").select(".card-title a")] == [
        "Lower back pain when running"
    ]
    build(root, out, drafts=True, future=True)
    assert (out / "articles/draft-post/index.html").is_file() and (
        out / "articles/future-post/index.html"
    ).is_file()


def test_script_in_a_title_shows_as_text(make_project):
    hostile = '<script>alert(1)</script> & "quotes"'
    article = MINIMAL["content/articles/back-pain.md"].replace(
        "title: Lower back pain when running", f"title: '{hostile}'"
    )
    root = make_project({"content/articles/back-pain.md": article})
    out = root / "site_output"
    build(root, out)
    page = soup(out / "articles/back-pain/index.html")
    assert page.h1.get_text() == hostile
    # the only inline script is the JSON-LD; the others are theme files (cite-preview.js)
    scripts = [s for s in page.find_all("script") if not s.get("src")]
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    assert all(s["src"].startswith("/static/") for s in page.find_all("script", src=True))
    assert "<" not in scripts[0].string
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["headline"] == hostile
