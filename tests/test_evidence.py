"""Evidence a reader can check (issue 19): the design and caveats of every
study beside its reference, back-links from each reference to every place
that cites it, reference previews in a real browser, who reviewed a page and
when (on the page, in JSON-LD, and `check` warning when a review falls due),
and an article's references coming only from what the article itself says."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml
from browser import chromium, static_server
from conftest import MINIMAL, REPO, TODAY, build, build_errors, run_cli, soup
from site_checks import html_pages

from generator.build import compile_site
from generator.check import check_site
from generator.config import BuildOptions
from generator.incremental.memo import Reuse
from generator.model import DESIGNS, Citation
from generator.schema import Study
from generator.studies_import import import_studies

# The fixture article, with its own `why` for each exercise it features
ARTICLE = MINIMAL["content/articles/back-pain.md"].replace(
    "  - goblet-squat\n", "  - exercise: goblet-squat\n    why: Squats [@smith-2020-squats].\n"
)
BORROWING = MINIMAL["content/articles/back-pain.md"]  # shows the goblet squat's own why
STUDIES = MINIMAL["content/studies.yml"]
PREVIEW_PAGE = "/articles/lower-back-pain-running/"


def designed(studies: str = STUDIES) -> str:
    """The fixture registry with a design for each study."""
    return studies.replace(
        "  journal: Journal of Fixtures\n", "  journal: Journal of Fixtures\n  design: rct\n"
    ).replace("  journal: Fixture Review\n", "  journal: Fixture Review\n  design: cohort\n")


def reviewed(text: str, by: str = "ann-author", on: str = "2026-03-10") -> str:
    return text.replace(
        "author: ann-author\n", f"author: ann-author\nreviewed_by: {by}\nreviewed: {on}\n"
    )


def line_of(text: str, needle: str, start: int = 0) -> int:
    """The file line (1-based) of the first line holding `needle` from line `start`."""
    lines = text.split("\n")
    return next(i for i in range(start, len(lines)) if needle in lines[i]) + 1


def check(root, **kw) -> list[str]:
    report = check_site(root, BuildOptions(pdf=False), today=TODAY, **kw)
    return [d.format() for d in report.errors + report.warnings]


def reference_pages(out, graph):
    """(page soup, node) for every built page that lists references."""
    for node in graph.by_key.values():
        if node.citations:
            yield soup(out / graph.urls.output_path(node.url)), node


# -- design and caveats ---------------------------------------------------


def test_every_demo_reference_shows_its_study_design_and_caveats(demo_build):
    out, result = demo_build
    graph = result.graph
    pages = 0
    for page, node in reference_pages(out, graph):
        pages += 1
        items = page.select(".reference-list > li")
        assert len(items) == len(node.citations), node.url
        for number, (li, study_id) in enumerate(zip(items, node.citations, strict=True), 1):
            study = graph.studies[study_id]
            assert li["id"] == f"ref-{number}"
            assert study.design is not None, study_id  # every demo study says what it was
            label = li.select_one(".ref-design")
            assert label.get_text() == DESIGNS[study.design][0], (node.url, study_id)
            caveats = li.select_one(".ref-caveats")
            if study.caveats:
                assert caveats.get_text(" ", strip=True) == f"Caveats: {study.caveats}"
            else:
                assert caveats is None
    assert pages >= 20


def test_the_demo_registry_gives_every_study_a_design_from_its_own_text():
    registry = yaml.safe_load((REPO / "content/studies.yml").read_text(encoding="utf-8"))
    for study_id, fields in registry.items():
        title, design = fields["title"].lower(), fields["design"]
        if "meta-analysis" in title:
            assert design == "meta-analysis", study_id
        elif "randomized" in title or "randomised" in title:
            assert design == "rct", study_id
        elif "systematic review" in title:
            assert design == "systematic-review", study_id
        elif "cohort study" in title:
            assert design == "cohort", study_id
    assert registry["belavy-2017-disc"]["design"] == "cross-sectional"


def test_a_design_that_is_not_one_of_the_list_is_an_error_at_its_line_with_did_you_mean(
    make_project,
):
    studies = STUDIES.replace(
        "  journal: Journal of Fixtures\n", "  journal: Journal of Fixtures\n  design: RTC\n"
    )
    root = make_project({"content/studies.yml": studies})
    line = line_of(studies, "design: RTC")
    assert build_errors(root) == [
        f"content/studies.yml:{line}: study 'smith-2020-squats': 'design' is 'RTC'; expected "
        "'systematic-review', 'meta-analysis', 'rct', 'cohort', 'case-control', "
        "'cross-sectional', 'case-series', 'narrative-review', 'guideline' or 'other'; "
        "did you mean 'rct'?"
    ]
    # written as words, it is still recognised
    root = make_project({"content/studies.yml": studies.replace("RTC", "systematic review")})
    assert build_errors(root)[0].endswith("did you mean 'systematic-review'?")


def test_the_design_is_imported_where_an_export_names_it_plainly(make_project, tmp_path):
    root = make_project()
    csl = tmp_path / "export.json"
    base = {"container-title": "J", "issued": {"date-parts": [[2021]]}, "author": [{"family": "A"}]}
    csl.write_text(
        json.dumps(
            [
                {
                    **base,
                    "title": "One",
                    "DOI": "10.1000/a.1",
                    "genre": "Meta-Analysis",
                    "PublicationType": ["Journal Article", "Systematic Review", "Meta-Analysis"],
                },
                {
                    **base,
                    "title": "Two",
                    "DOI": "10.1000/a.2",
                    "type": "article-journal",
                    "keyword": "running, Randomized Controlled Trial",
                },
                {**base, "title": "Three", "DOI": "10.1000/a.3", "genre": "Review"},
            ]
        )
    )
    bib = tmp_path / "export.bib"
    bib.write_text(
        "@article{k, author = {Kong, P}, title = {Four}, journal = {J}, year = {2019},\n"
        "  doi = {10.1000/a.4}, keywords = {knee; prospective cohort study}}\n"
    )
    import_studies(root, csl)
    import_studies(root, bib)
    data = yaml.safe_load((root / "content/studies.yml").read_text(encoding="utf-8"))
    by_title = {fields["title"]: fields.get("design") for fields in data.values()}
    assert by_title == {
        "Squats for runners": None,
        "Walking for backs": None,
        "One": "meta-analysis",
        "Two": "rct",
        "Three": None,  # "Review" alone does not say which kind
        "Four": "cohort",
    }


def test_strict_check_warns_of_a_cited_study_without_a_design(make_project):
    root = make_project()
    assert not [line for line in check(root) if "has no 'design'" in line]
    lines = check(root, strict=True)
    for study_id in ("smith-2020-squats", "jones-2019-walking"):
        line = line_of(STUDIES, f"{study_id}:")
        assert (
            f"content/studies.yml:{line}: warning: study '{study_id}' has no 'design': say what "
            "kind of study it was (systematic-review, meta-analysis, rct, cohort, case-control, "
            "cross-sectional, case-series, narrative-review, guideline or other); every reference "
            "shows it" in lines
        )
    root = make_project({"content/studies.yml": designed()})
    assert not [line for line in check(root, strict=True) if "has no 'design'" in line]


# -- back-links -----------------------------------------------------------


def test_every_back_link_lands_on_a_citation_that_links_to_its_reference(demo_build):
    out, result = demo_build
    checked = 0
    for path in html_pages(out):
        page = soup(path)
        markers = page.select("sup.cite a")
        ids = [a.get("id") for a in markers]
        assert all(ids) and len(set(ids)) == len(ids), path  # each citation its own id
        landed = []
        for li in page.select(".reference-list > li"):
            backlinks = li.select('a[role="doc-backlink"]')
            for link in backlinks:
                target = page.find(id=link["href"][1:])
                assert target is not None and target.name == "a", (path, link["href"])
                assert target["href"] == f"#{li['id']}", (path, link["href"])
                assert target.find_parent("sup", class_="cite") is not None
                landed.append(target["id"])
                checked += 1
            cited = [a for a in markers if a["href"] == f"#{li['id']}"]
            assert len(backlinks) == len(cited), (path, li["id"])
            if len(cited) == 1:
                assert backlinks[0].get_text() == "↑"
                assert backlinks[0]["aria-label"] == "Back to the text"
            elif cited:
                letters = "abcdefghijklmnopqrstuvwxyz"[: len(cited)]
                assert li.select_one(".ref-backlinks").get_text(" ", strip=True) == "↑ " + " ".join(
                    letters
                )
                assert [a["id"] for a in cited] == [f"cite-{li['value']}-{x}" for x in letters]
        assert sorted(landed) == sorted(ids), path  # every citation has its way back
    assert checked > 40


def test_a_reference_cited_three_times_links_back_to_each_citation(fixture_build):
    out, _ = fixture_build  # the fixture article (its goblet squat shows the exercise's why)
    page = soup(out / "articles/back-pain/index.html")
    first = page.select_one("#ref-1")
    assert first.select_one(".ref-backlinks").get_text(" ", strip=True) == "↑ a b c"
    assert [a["href"] for a in first.select('[role="doc-backlink"]')] == [
        "#cite-1-a",
        "#cite-1-b",
        "#cite-1-c",
    ]
    # [@jones; @smith] is one marker group whose two links each keep an id
    group = page.select_one("#cite-2-a").parent
    assert [a["id"] for a in group.find_all("a")] == ["cite-2-a", "cite-1-b"]


def test_a_rebuild_after_a_new_citation_or_study_edit_is_the_clean_build(make_project):
    """Back-links, design labels, caveats and review lines come from what
    pages read (the markers of each body, the studies, the reviewer): an
    edit re-renders them exactly as a clean build does."""
    root = make_project({"content/articles/back-pain.md": reviewed(ARTICLE)})
    reuse, options = Reuse(), BuildOptions(pdf=False)

    def same_as_clean():
        reuse.start()
        incremental = compile_site(root, options, TODAY, reuse=reuse)
        reuse.finish()
        clean = compile_site(root, options, TODAY)
        assert {o.path: o.data for o in incremental.outputs} == {
            o.path: o.data for o in clean.outputs
        }
        return soup_of(incremental, "articles/back-pain/index.html")

    def edit(rel, old, new):
        path = root / rel
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new, 1))

    same_as_clean()
    edit(
        "content/articles/back-pain.md", "Running is good", "Running [@jones-2019-walking] is good"
    )
    page = same_as_clean()
    # Jones, now cited first, is reference 1: here, in the body, in the bird dog's why
    assert page.select_one("#ref-1 .ref-backlinks").get_text(" ", strip=True) == "↑ a b c"
    edit(
        "content/studies.yml",
        "  finding: Walking helped too.",
        "  finding: Walking helped.\n  caveats: One small trial.\n  design: rct",
    )
    page = same_as_clean()
    assert page.select_one("#ref-1 .ref-design").get_text() == "Randomized controlled trial"
    assert "One small trial." in page.select_one("#ref-1 .ref-caveats").get_text()
    edit("content/authors/ann-author.md", "name: Ann Author", "name: Ann Reviewer")
    page = same_as_clean()
    assert "Reviewed by Ann Reviewer" in page.select_one(".review-line").get_text()


def soup_of(result, path: str):
    from bs4 import BeautifulSoup

    data = next(o.data for o in result.outputs if o.path == path)
    return BeautifulSoup(data.decode("utf-8"), "html.parser")


def test_an_exercise_numbers_its_citations_in_reading_order(make_project):
    exercise = MINIMAL["content/exercises/goblet-squat.md"].replace(
        "1. Hold the weight at your chest.",
        "1. Hold the weight at your chest [@jones-2019-walking].",
    )
    root = make_project({"content/exercises/goblet-squat.md": exercise})
    out = root / "out"
    build(root, out)
    page = soup(out / "exercises/goblet-squat/index.html")
    # "why it works" stands above the body: its citation comes first
    assert [a["id"] for a in page.select("sup.cite a")] == ["cite-1-a", "cite-2-a"]
    assert page.select_one(".why-box #cite-1-a") is not None


# -- previews in a real browser --------------------------------------------

SHIFT_OBSERVER = """
window.__shift = 0;
new PerformanceObserver(list => { for (const e of list.getEntries()) window.__shift += e.value; })
    .observe({type: 'layout-shift', buffered: true});
"""


@pytest.fixture(scope="module")
def site(demo_build):
    with static_server(demo_build[0]) as base, chromium() as browser:
        yield base, browser


def expected_preview(page, href: str) -> dict:
    """What the preview of the citation linking to `href` should say, read
    from the reference list of the page itself."""
    return page.evaluate(
        """href => {
            const li = document.getElementById(href.slice(1));
            const t = s => li.querySelector(s).textContent.replace(/\\s+/g, ' ').trim();
            return {authors: t('.ref-authors'), year: t('.ref-year'), title: t('.ref-title'),
                    finding: t('.ref-finding'), design: t('.ref-design')};
        }""",
        href,
    )


def assert_preview_shows(page, href: str) -> None:
    preview = page.locator("#cite-preview")
    preview.wait_for(state="visible")
    text = " ".join(preview.text_content().split())
    for part in expected_preview(page, href).values():
        assert part and part in text, (part, text)
    assert f"Reference {href.removeprefix('#ref-')}" in text
    assert page.evaluate("getComputedStyle(document.getElementById('cite-preview')).position") in (
        "absolute",
        "fixed",
    )


def open_preview_page(base: str, browser):
    """The page with citation previews at desktop width, its layout shifts counted."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.add_init_script(SHIFT_OBSERVER)
    page.goto(base + PREVIEW_PAGE)
    page.wait_for_load_state("networkidle")
    return context, page


def test_hovering_a_citation_previews_its_reference_without_layout_shift(site):
    base, browser = site
    context, page = open_preview_page(base, browser)
    link = page.locator("sup.cite a").nth(1)
    link.scroll_into_view_if_needed()
    href = link.get_attribute("href")
    before = page.evaluate("document.querySelector('.prose').getBoundingClientRect().toJSON()")
    link.hover()
    assert_preview_shows(page, href)
    after = page.evaluate("document.querySelector('.prose').getBoundingClientRect().toJSON()")
    assert before == after  # nothing in the text moved
    assert page.evaluate("window.__shift") == 0
    assert page.evaluate("location.hash") == ""  # the reader stays in the text
    # the link inside the preview is reachable by the pointer: it stays open over it
    page.locator("#cite-preview").hover()
    assert page.locator("#cite-preview").is_visible()
    page.keyboard.press("Escape")
    page.locator("#cite-preview").wait_for(state="hidden")
    assert page.evaluate("window.__shift") == 0
    context.close()


def test_focusing_a_citation_with_the_keyboard_previews_it_and_escape_closes_it(site):
    base, browser = site
    context, page = open_preview_page(base, browser)
    for _ in range(300):  # Tab through the page until a citation number has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('sup.cite a')"):
            break
    else:
        raise AssertionError("no citation number is reachable with Tab")
    # Step back and count from here: the skip link moved when it had focus on the way
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Escape")
    page.locator("#cite-preview").wait_for(state="hidden")
    page.evaluate("window.__shift = 0")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('sup.cite a')")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert_preview_shows(page, href)
    assert page.evaluate("document.activeElement.getAttribute('aria-describedby')") == (
        "cite-preview"
    )
    page.keyboard.press("Escape")
    page.locator("#cite-preview").wait_for(state="hidden")
    assert page.evaluate("window.__shift") == 0
    assert page.evaluate("document.activeElement.matches('sup.cite a')")  # focus stays put
    page.keyboard.press("Enter")  # the plain link still goes to the reference
    page.wait_for_function(f"location.hash === '{href}'")
    context.close()


def test_an_open_preview_passes_axe(site):
    base, browser = site
    tools = REPO / "tools" / "node_modules"
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(base + PREVIEW_PAGE)
        page.wait_for_load_state("networkidle")
        page.locator("sup.cite a").first.focus()
        page.locator("#cite-preview").wait_for(state="visible")
        page.add_script_tag(path=str(tools / "axe-core/axe.min.js"))
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], scheme
        context.close()


def test_a_tap_shows_the_preview_with_a_link_to_the_reference(site):
    base, browser = site
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.add_init_script(SHIFT_OBSERVER)
    page.goto(base + PREVIEW_PAGE)
    page.wait_for_load_state("networkidle")
    link = page.locator("sup.cite a").first
    href = link.get_attribute("href")
    link.tap()
    assert_preview_shows(page, href)
    assert page.evaluate("location.hash") == ""  # the first tap only shows it
    width = page.evaluate("document.documentElement.clientWidth")
    box = page.locator("#cite-preview").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width  # on the phone's screen
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )
    page.locator("#cite-preview a").tap()
    page.wait_for_function(f"location.hash === '{href}'")
    page.locator("#cite-preview").wait_for(state="hidden")
    assert page.evaluate("window.__shift") == 0
    context.close()


def test_without_javascript_a_citation_is_a_plain_link_to_its_reference(site):
    base, browser = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + PREVIEW_PAGE)
    link = page.locator("sup.cite a").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(lambda url: url.endswith(PREVIEW_PAGE + href))
    assert page.locator("#cite-preview").count() == 0
    context.close()


def test_a_citation_number_is_a_24_px_tap_target_without_taller_lines(site):
    base, browser = site
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(base + PREVIEW_PAGE)
    page.wait_for_load_state("networkidle")
    found = page.evaluate(
        """() => {
            const a = [...document.querySelectorAll('.prose p sup.cite')]
                .find(sup => sup.querySelectorAll('a').length === 1).querySelector('a');
            a.scrollIntoView({block: 'center'});
            const r = a.getBoundingClientRect();
            const x = r.left + r.width / 2, y = r.top + r.height / 2;
            const hits = [[-11.5, 0], [11.5, 0], [0, -11.5], [0, 11.5], [-11, -11], [11, 11]]
                .map(([dx, dy]) => a.contains(document.elementFromPoint(x + dx, y + dy)));
            const p = a.closest('p');
            const line = parseFloat(getComputedStyle(p).lineHeight);
            const sup = a.closest('sup').getBoundingClientRect();
            return {hits, line, supHeight: sup.height, lines: p.getClientRects().length,
                    pHeight: p.getBoundingClientRect().height};
        }"""
    )
    assert all(found["hits"]), found
    assert found["supHeight"] <= found["line"]
    # the paragraph is a whole number of lines of its own line height
    lines = found["pHeight"] / found["line"]
    assert abs(lines - round(lines)) < 0.05, found
    context.close()


# -- review -----------------------------------------------------------------


def test_demo_articles_show_who_reviewed_them_and_when_the_next_review_is_due(demo_build):
    out, result = demo_build
    graph = result.graph
    assert graph.articles
    for article in graph.articles:
        review = article.review
        assert review is not None and review.by != article.meta.author, article.slug
        assert review.on.year == 2026
        reviewer = graph.get("authors", review.by)
        page = soup(out / f"articles/{article.slug}/index.html")
        line = page.select_one(".review-line")
        due = review.on.replace(year=review.on.year + 1)
        assert line.get_text(" ", strip=True) == (
            f"Reviewed by {reviewer.meta.name} on {review.on.day} {review.on:%B %Y} · "
            f"next review due {due.day} {due:%B %Y}"
        )
        assert line.find("a")["href"] == reviewer.url
        assert [t["datetime"] for t in line.find_all("time")] == [
            review.on.isoformat(),
            due.isoformat(),
        ]
        data = json.loads(page.find("script", type="application/ld+json").string)
        webpage = data["mainEntityOfPage"]
        assert webpage["lastReviewed"] == review.on.isoformat()
        assert webpage["reviewedBy"] == {
            "@type": "Person",
            "name": reviewer.meta.name,
            "url": graph.config.origin + reviewer.url,
        }


def test_an_exercise_may_be_reviewed_too_at_the_sites_interval(make_project):
    exercise = MINIMAL["content/exercises/bird-dog.md"].replace(
        "equipment: []\n", "equipment: []\nreviewed_by: ann-author\nreviewed: 2026-01-31\n"
    )
    site = MINIMAL["content/site.toml"] + "\n[review]\ninterval_months = 1\n"
    root = make_project({"content/exercises/bird-dog.md": exercise, "content/site.toml": site})
    out = root / "out"
    build(root, out)
    page = soup(out / "exercises/bird-dog/index.html")
    assert page.select_one(".review-line").get_text(" ", strip=True) == (
        "Reviewed by Ann Author on 31 January 2026 · next review due 28 February 2026"
    )
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["@type"] == "HowTo" and data["mainEntityOfPage"]["lastReviewed"] == "2026-01-31"
    assert data["mainEntityOfPage"]["reviewedBy"]["name"] == "Ann Author"


def test_an_overdue_review_is_a_check_warning_at_its_line(make_project):
    article = reviewed(ARTICLE, on="2025-11-24")  # due 2026-11-24, the day before TODAY
    root = make_project({"content/articles/back-pain.md": article})
    line = line_of(article, "reviewed: ")
    assert (
        f"content/articles/back-pain.md:{line}: warning: review overdue: ann-author reviewed "
        "this page on 2025-11-24, and the next review (every 12 months, site.toml [review]) was "
        "due on 2026-11-24; check it against its studies again and update 'reviewed'"
    ) in check(root)
    root = make_project({"content/articles/back-pain.md": reviewed(ARTICLE, on="2025-11-25")})
    assert not [line for line in check(root) if "review overdue" in line]  # due today


def test_strict_check_warns_of_a_published_article_without_a_reviewer(make_project):
    root = make_project(
        {"content/studies.yml": designed(), "content/articles/back-pain.md": ARTICLE}
    )
    assert check(root) == []
    line = line_of(ARTICLE, "author: ")
    warning = (
        f"content/articles/back-pain.md:{line}: warning: this article names no reviewer: add "
        "'reviewed_by' (the file name of an author who checked it against its studies, not its "
        "writer) and 'reviewed' (the date)"
    )
    assert warning in check(root, strict=True)
    done = run_cli("check", "--strict", cwd=root)
    assert done.returncode == 1 and warning in done.stdout
    done = run_cli("check", cwd=root)  # without --strict it is not asked for
    assert done.returncode == 0 and "names no reviewer" not in done.stdout
    # a draft is not published: nobody has to have reviewed it yet
    draft = ARTICLE.replace("author: ann-author\n", "author: ann-author\ndraft: true\n")
    root = make_project({"content/studies.yml": designed(), "content/articles/back-pain.md": draft})
    assert not [line for line in check(root, strict=True) if "names no reviewer" in line]
    root = make_project(
        {"content/studies.yml": designed(), "content/articles/back-pain.md": reviewed(ARTICLE)}
    )
    assert check(root, strict=True) == []


def test_a_reviewer_is_checked_like_an_author_at_its_line(make_project):
    article = reviewed(ARTICLE, by="ann-autor")
    root = make_project({"content/articles/back-pain.md": article})
    line = line_of(article, "reviewed_by:")
    assert build_errors(root) == [
        f"content/articles/back-pain.md:{line}: unknown author 'ann-autor': create "
        "content/authors/ann-autor.md or fix the name; did you mean 'ann-author'?"
    ]
    alone = ARTICLE.replace("author: ann-author\n", "author: ann-author\nreviewed: 2026-03-10\n")
    root = make_project({"content/articles/back-pain.md": alone})
    assert build_errors(root) == [
        f"content/articles/back-pain.md:{line_of(alone, 'reviewed:')}: 'reviewed' needs "
        "'reviewed_by' too: who reviewed the page (an author's file name, without .md) and on "
        "which date, e.g. reviewed: 2026-05-01"
    ]


# -- no borrowed citations --------------------------------------------------


def test_an_article_shows_an_exercises_default_why_without_borrowing_its_citations(
    make_project,
):
    # the article cites only Jones itself; the goblet squat's own "why it works" cites Smith
    article = BORROWING.replace("Running is good for the back [@smith-2020-squats].", "Running.")
    article = article.replace("[@jones-2019-walking; @smith-2020-squats]", "[@jones-2019-walking]")
    article = article.replace(" Again [@smith-2020-squats].", "")
    root = make_project({"content/articles/back-pain.md": article})
    out = root / "out"
    result = build(root, out)
    assert result.graph.get("articles", "back-pain").citations == ("jones-2019-walking",)
    page = soup(out / "articles/back-pain/index.html")
    refs = page.select(".reference-list > li")
    assert [li.select_one(".ref-authors").get_text() for li in refs] == ["Sam Jones"]
    why = page.select(".feature .why")[0]
    assert why.find("sup") is None and "[@" not in why.get_text()
    assert "The back muscles hold the trunk upright under load." in why.get_text()
    evidence = why.select_one("a.evidence-elsewhere")
    assert evidence.get_text() == "See the evidence on the exercise page"
    assert evidence["href"] == "/exercises/goblet-squat/#why-title"
    # the exercise page keeps the citation and its reference
    exercise = soup(out / "exercises/goblet-squat/index.html")
    assert exercise.select_one("#why-title") is not None
    assert exercise.select_one(".why-box sup.cite a")["href"] == "#ref-1"
    assert "Jane Smith" in exercise.select_one("#ref-1").get_text()
    # check says so, at the article's line for that exercise
    line = line_of(article, "  - goblet-squat")
    assert (
        f"content/articles/back-pain.md:{line}: warning: article 'back-pain' shows exercise "
        "'goblet-squat''s default 'why it works', whose citations stay on the exercise page; "
        "write the article's own `why` to cite them here"
    ) in check(root)


def test_a_default_why_without_citations_is_shown_as_it_is_and_not_reported(make_project):
    article = BORROWING.replace(
        "  - exercise: bird-dog\n    why: Calm work for a sore back [@jones-2019-walking].\n",
        "  - bird-dog\n",
    )
    root = make_project({"content/articles/back-pain.md": article})
    out = root / "out"
    build(root, out)
    why = soup(out / "articles/back-pain/index.html").select(".feature .why")[1]
    assert "Gentle work for the back and hips." in why.get_text()
    assert why.select_one(".evidence-elsewhere") is None
    assert not [line for line in check(root) if "'bird-dog''s default" in line]


def test_no_demo_article_borrows_an_exercises_citations(demo_build):
    out, result = demo_build
    graph = result.graph
    for article in graph.articles:
        own = set(article.citations)
        for feature in article.features:
            assert not feature.cited_elsewhere, (article.slug, feature.exercise)
        page = soup(out / f"articles/{article.slug}/index.html")
        for a in page.select(".feature .why sup.cite a"):
            number = int(a["href"].removeprefix("#ref-"))
            assert article.citations[number - 1] in own


# -- JSON-LD: no "et al." person ----------------------------------------------


def people(node) -> list[str]:
    """The name of every Person anywhere in a JSON-LD value."""
    if isinstance(node, list):
        return [name for value in node for name in people(value)]
    if not isinstance(node, dict):
        return []
    own = [node["name"]] if node.get("@type") == "Person" else []
    return own + [name for value in node.values() for name in people(value)]


def test_json_ld_never_lists_et_al_as_a_person(make_project, demo_build):
    studies = STUDIES.replace("  - Sam Jones\n", "  - Sam Jones\n  - et al.\n")
    root = make_project({"content/studies.yml": studies})
    out = root / "out"
    build(root, out)
    data = json.loads(
        soup(out / "articles/back-pain/index.html")
        .find("script", type="application/ld+json")
        .string
    )
    authors = {c["name"]: [p["name"] for p in c["author"]] for c in data["citation"]}
    assert authors["Walking for backs"] == ["Sam Jones"]
    demo_out, _ = demo_build
    for path in html_pages(demo_out):
        data = json.loads(soup(path).find("script", type="application/ld+json").string)
        names = people(data)
        assert not [n for n in names if "et al" in n.lower()], path
    # the card's short form says "et al." once, not "Frandsen and al."
    study = Study.model_validate(
        {
            "title": "T",
            "authors": ["Jesper Frandsen", "et al. (full list not verified)"],
            "year": 2025,
            "journal": "J",
            "doi": "10.1000/x.1",
            "finding": "F.",
            "design": "cohort",
        }
    )
    citation = Citation(1, "frandsen", study)
    assert citation.short_authors == "Frandsen et al."
    assert (citation.design_label, citation.design_short) == ("Cohort study", "Cohort")


def test_reviews_fall_due_a_whole_number_of_months_later():
    from generator.resolve import months_after

    assert months_after(dt.date(2026, 3, 9), 12) == dt.date(2027, 3, 9)
    assert months_after(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert months_after(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert months_after(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)
