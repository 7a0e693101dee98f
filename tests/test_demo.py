"""The demo publication builds cleanly and is what the brief promises:
enough content, every link and image resolving, light pages."""

from __future__ import annotations

import json

from conftest import soup
from site_checks import broken_links, html_pages


def test_demo_builds_without_errors_or_warnings(demo_build):
    _, result = demo_build
    assert result.report.errors == [] and result.report.warnings == []


def test_demo_has_the_promised_content(demo_build):
    _, result = demo_build
    graph = result.graph
    assert (
        len(graph.articles) >= 6
        and len(graph.exercises) >= 15
        and len(graph.routines) >= 4
        and len(graph.authors) >= 2
    )
    assert ("pages", "about") in graph.by_key
    back = graph.get("routines", "lower-back-strength")
    assert len(back.steps) == 3 and back.meta.times_per_week == 3
    assert [s.exercise for s in back.steps] == ["goblet-squat", "romanian-deadlift", "bird-dog"]
    titles = {e.title for e in graph.exercises}
    assert {"Goblet squat", "Dumbbell Romanian deadlift", "Bird dog"} <= titles


def test_demo_has_no_broken_internal_link_or_image(demo_build):
    out, _ = demo_build
    assert broken_links(out) == []


def test_every_demo_image_has_alt_text_or_is_marked_decorative(demo_build):
    out, _ = demo_build
    for page in html_pages(out):
        for img in soup(page).find_all("img"):
            assert img.has_attr("alt"), (page, img)
            if img["alt"] == "":
                assert img.find_parent(attrs={"aria-hidden": "true"}) is not None, (page, img)
            assert (
                img.has_attr("width") and img.has_attr("height") or img.find_parent(class_="prose")
            ), (page, img)


def test_every_cited_article_links_each_citation_to_a_reference_with_a_doi_or_pubmed(demo_build):
    out, result = demo_build
    for article in result.graph.articles:
        page = soup(out / f"articles/{article.slug}/index.html")
        refs = page.select(".reference-list > li")
        assert len(refs) == len(article.citations) > 0, article.slug
        for sup in page.select("sup.cite a"):
            assert page.find(id=sup["href"][1:]) in refs
        for li in refs:
            assert li.find(
                "a",
                href=lambda h: (
                    h
                    and (
                        h.startswith("https://doi.org/10.")
                        or h.startswith("https://pubmed.ncbi.nlm.nih.gov/")
                    )
                ),
            )


def test_a_typical_article_page_is_under_50_kb_of_html_and_css(demo_build):
    out, _ = demo_build
    page = out / "articles/lower-back-pain-running/index.html"
    css = [
        out / link["href"].lstrip("/")
        for link in soup(page).find_all("link", rel="stylesheet")
        if not link.get("media") == "print"
    ]
    total = page.stat().st_size + sum(p.stat().st_size for p in css)
    assert total < 50_000, total


def test_demo_pages_make_no_outside_requests(demo_build):
    out, _ = demo_build
    for page in html_pages(out):
        doc = soup(page)
        for el in doc.find_all(["script", "link", "img", "iframe", "source"]):
            ref = el.get("src") or (
                el.get("href")
                if el.name == "link" and "canonical" not in el.get("rel", [])
                else None
            )
            assert not ref or ref.startswith("/") or ref.startswith("data:"), (page, ref)


def test_structured_data_parses_on_every_demo_page(demo_build):
    out, _ = demo_build
    kinds = set()
    for page in html_pages(out):
        data = json.loads(soup(page).find("script", type="application/ld+json").string)
        kinds.add(data["@type"])
    assert {"Article", "HowTo", "ExercisePlan", "WebSite", "CollectionPage"} <= kinds
