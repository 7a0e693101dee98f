"""Search as a reader meets it, in Chromium on the demo's own Pagefind
index: named queries put the pages a reader wants first, and excerpts are
the page's own sentences, not its chips, lists of other pages or buttons."""

from __future__ import annotations

import pytest
from browser import chromium, static_server

# What a furniture-free excerpt never contains: the body-area chips glued
# together, the "Used in" lists, the download buttons, the facts table.
FURNITURE = ("Lower backKnee", "KneeHip", "Used in", "Download card", "LevelBeginner", "Dose4")


@pytest.fixture(scope="module")
def search(demo_build):
    with static_server(demo_build[0]) as base, chromium() as browser:
        context = browser.new_context()
        page = context.new_page()

        def results(query: str) -> list[tuple[str, str, str]]:
            page.goto(f"{base}/search/?q={query}")
            page.locator(".search-result").first.wait_for(timeout=15000)
            # the results are drawn after every excerpt is loaded: wait for the count line
            page.wait_for_function(
                "() => /result/.test(document.querySelector('#search-status').textContent)"
            )
            return page.eval_on_selector_all(
                ".search-result",
                "els => els.map(e => [e.querySelector('h2 a').getAttribute('href'),"
                " e.querySelector('.kind').textContent, e.querySelector('p').textContent])",
            )

        yield results, page
        context.close()


def test_goblet_finds_the_goblet_squat_first(search):
    results, _ = search
    assert results("goblet")[0][0] == "/exercises/goblet-squat/"


def test_knee_pain_puts_the_knee_articles_first(search):
    results, _ = search
    first_two = {url for url, _, _ in results("knee pain")[:2]}
    assert first_two == {"/articles/runners-knee/", "/articles/it-band-pain/"}


def test_achilles_finds_the_achilles_article_and_its_exercises_before_anything_else(
    search, demo_build
):
    results, _ = search
    graph = demo_build[1].graph
    article = graph.get("articles", "achilles-pain")
    routine = graph.get("routines", article.meta.routine)
    own = {article.url, routine.url}
    own |= {graph.get("exercises", f.exercise).url for f in article.features}
    found = [url for url, _, _ in results("achilles")]
    assert found[0] == article.url
    assert set(found[: len(own)]) == own, found


@pytest.mark.parametrize("query", ["goblet", "knee pain", "achilles", "heel", "walk"])
def test_excerpts_are_the_pages_own_words(search, query):
    results, _ = search
    for url, kind, excerpt in results(query):
        assert excerpt.strip(), url
        for furniture in FURNITURE:
            assert furniture not in excerpt, (url, excerpt)
        assert kind in {"Article", "Exercise", "Routine", "Page"}


def test_type_and_body_area_are_filters_not_excerpt_text(search):
    results, page = search
    results("knee")
    areas = page.locator("#search-filters fieldset", has_text="Body area")
    assert areas.get_by_role("checkbox", name="Knee").count() == 1
    page.get_by_role("checkbox", name="Knee").check()
    page.wait_for_function("() => location.search.includes('area=Knee')")
    # the list is redrawn after the filter changes; wait for the filtered one (or time out)
    page.wait_for_function(
        "() => { const hits = [...document.querySelectorAll('.search-result h2 a')]"
        ".map(a => a.pathname);"
        " return hits.length > 0 && !hits.includes('/articles/achilles-pain/'); }",
        timeout=15000,
    )
