"""One dose per exercise on a page: an article that recommends a routine
shows the routine's dose for the exercises they share, its own words that
give other numbers are a `check` warning at their line, and a number never
breaks from its unit."""

from __future__ import annotations

from conftest import MINIMAL, build, soup

ARTICLE = "content/articles/back-pain.md"


def with_paragraph(text: str) -> dict[str, str]:
    return {ARTICLE: MINIMAL[ARTICLE] + "\n" + text + "\n"}


def line_of(root, needle: str) -> int:
    lines = (root / ARTICLE).read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def dose_warnings(result) -> list[str]:
    return [d.format() for d in result.report.warnings if d.code == "dose-disagrees"]


def test_the_article_shows_the_routines_dose_not_the_exercises_own(make_project, tmp_path):
    out = tmp_path / "site"
    result = build(make_project({}), out)
    # the goblet squat is 3 x 10 on its own page, 3 x 8 in the routine the article recommends
    assert result.graph.get("exercises", "goblet-squat").dose.text.startswith("3 x 10")
    page = soup(out / "articles/back-pain/index.html")
    doses = {
        li.select_one("h3").get_text(strip=True): li.select_one(".dose").get_text()
        for li in page.select(".feature")
    }
    assert doses["Goblet squat"] == "3\u00a0x\u00a08, rest 60\u00a0s"


def test_words_that_give_other_numbers_are_a_warning_at_their_line(make_project):
    root = make_project(with_paragraph("Start with 3 x 10 goblet squats, then the bird dog."))
    [warning] = dose_warnings(build(root))
    line = line_of(root, "Start with 3 x 10")
    assert warning.startswith(
        f"{ARTICLE}:{line}: warning: the text gives '3 x 10' for Goblet squat"
    )
    assert "the routine 'back-basics'" in warning and "3 x 8, rest 60 s" in warning


def test_a_time_range_for_a_timed_exercise_is_a_warning(make_project):
    root = make_project(with_paragraph("Finish with a 20 to 30-minute bird dog session."))
    [warning] = dose_warnings(build(root))
    assert "'20 to 30-minute' for Bird dog" in warning


def test_words_that_agree_and_numbers_about_no_exercise_are_fine(make_project):
    text = (
        "Do 3 sets of 8 of the [[goblet-squat]]. The whole routine takes about 15 minutes.\n\n"
        "Run 3 x 10 minutes easy on other days."
    )
    assert dose_warnings(build(make_project(with_paragraph(text)))) == []


def test_the_number_goes_with_the_exercise_named_nearest(make_project):
    text = "After the goblet squat, hold the bird dog for 3 x 10."
    [warning] = dose_warnings(build(make_project(with_paragraph(text))))
    assert "for Bird dog" in warning
