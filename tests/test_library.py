"""The exercise library's filters (/exercises/) in a real headless Chromium:
each choice narrows the library to exactly the exercises the build's data
says match (OR within a group, AND across groups), shows each once, keeps
the choice in the URL so a filtered view can be shared, clears back to the
whole library, and without JavaScript the page stays the grouped lists."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from browser import chromium, static_server

VISIBLE_TITLES = """() => Array.from(document.querySelectorAll('.exercise-card'))
  .filter(card => card.getClientRects().length > 0)
  .map(card => card.querySelector('.card-title a').textContent.trim())"""
VISIBLE_LINKS = """() => Array.from(document.querySelectorAll('.exercise-card'))
  .filter(card => card.getClientRects().length > 0)
  .map(card => card.querySelector('.card-title a').getAttribute('href'))"""


@pytest.fixture(scope="module")
def site(demo_build):
    with static_server(demo_build[0]) as base, chromium() as browser:
        yield base, browser


@pytest.fixture(scope="module")
def exercises(demo_build):
    return demo_build[1].graph.exercises


def equipment_of(e) -> set[str]:
    """What an exercise's equipment filter values are: 'none' for bodyweight,
    and an item offering a choice ('kettlebell or dumbbell') counts as each."""
    return {part.strip() for item in e.meta.equipment for part in item.split(" or ")} or {"none"}


def titles(nodes) -> list[str]:
    return sorted(e.title for e in nodes)


def visible_titles(page) -> list[str]:
    return sorted(page.evaluate(VISIBLE_TITLES))


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def count_text(n: int) -> str:
    return "1 exercise" if n == 1 else f"{n} exercises"


def test_filters_narrow_to_the_data_combine_and_live_in_the_url(site, exercises):
    base, browser = site
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "/exercises/")
    status = page.get_by_role("status")
    assert page.locator("#library-filter").is_visible()
    assert status.text_content() == count_text(len(exercises))
    assert page.get_by_role("button", name="Clear filters").is_hidden()

    knee = [e for e in exercises if "knee" in e.areas]
    page.get_by_role("checkbox", name="Knee").check()
    assert visible_titles(page) == titles(knee)  # each once, in one results grid
    assert (
        page.locator("#library-groups").is_hidden()
        and page.locator("#library-results").is_visible()
    )
    assert status.text_content() == count_text(len(knee))
    assert query(page) == {"area": ["knee"]}

    knee_no_kit = [e for e in knee if not e.meta.equipment]
    assert 0 < len(knee_no_kit) < len(knee)  # the demo data makes this a real narrowing
    page.get_by_role("checkbox", name="No equipment").check()
    assert visible_titles(page) == titles(knee_no_kit)
    assert status.text_content() == count_text(len(knee_no_kit))
    assert query(page) == {"area": ["knee"], "equipment": ["none"]}
    assert urlsplit(page.url).path == "/exercises/"
    # the cards keep their links to the exercise pages
    assert sorted(page.evaluate(VISIBLE_LINKS)) == sorted(e.url for e in knee_no_kit)
    shared = page.url

    page.get_by_role("button", name="Clear filters").click()
    assert visible_titles(page) == titles(
        e for e in exercises for _ in e.areas
    )  # the grouped view again
    assert (
        page.locator("#library-groups").is_visible()
        and page.locator("#library-results").is_hidden()
    )
    assert status.text_content() == count_text(len(exercises))
    assert urlsplit(page.url).query == ""
    assert page.get_by_role("checkbox", checked=True).count() == 0
    assert page.evaluate(
        "document.activeElement.closest('form') !== null"
    )  # focus stays in the form
    context.close()

    fresh = browser.new_context()
    page = fresh.new_page()
    page.goto(shared)
    assert visible_titles(page) == titles(knee_no_kit)
    assert page.get_by_role("status").text_content() == count_text(len(knee_no_kit))
    assert page.get_by_role("checkbox", name="Knee").is_checked()
    assert page.get_by_role("checkbox", name="No equipment").is_checked()
    assert page.get_by_role("checkbox", checked=True).count() == 2
    assert page.get_by_role("button", name="Clear filters").is_visible()
    fresh.close()
    assert errors == []


def test_several_values_in_a_group_widen_and_groups_combine(site, exercises):
    base, browser = site
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/exercises/?area=knee&area=shin&level=beginner")
    expected = [
        e for e in exercises if {"knee", "shin"} & set(e.areas) and e.meta.level == "beginner"
    ]
    assert visible_titles(page) == titles(expected)
    page.goto(base + "/exercises/?equipment=dumbbell&equipment=step")
    expected = [e for e in exercises if {"dumbbell", "step"} & equipment_of(e)]
    assert visible_titles(page) == titles(expected)
    assert any("kettlebell or dumbbell" in e.meta.equipment for e in expected)  # either will do
    # unknown values are dropped from the URL and do not filter
    page.goto(base + "/exercises/?area=elbow&utm_source=x")
    assert visible_titles(page) == titles(e for e in exercises for _ in e.areas)
    assert query(page) == {"utm_source": ["x"]}
    context.close()


def test_option_counts_follow_the_other_groups(site, exercises):
    base, browser = site
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/exercises/?level=beginner")
    beginner = [e for e in exercises if e.meta.level == "beginner"]
    knee = page.get_by_role("checkbox", name="Knee")
    assert knee.evaluate(
        "el => el.closest('label').querySelector('[data-count]').textContent"
    ) == str(sum("knee" in e.areas for e in beginner))
    level = page.get_by_role("checkbox", name="Beginner")
    assert level.evaluate(
        "el => el.closest('label').querySelector('[data-count]').textContent"
    ) == str(len(beginner))
    context.close()


def test_an_empty_result_says_so(site, exercises):
    base, browser = site
    areas = sorted({a for e in exercises for a in e.areas})
    kit = sorted({k for e in exercises for k in equipment_of(e)})
    area, item = next(
        (a, k)
        for a in areas
        for k in kit
        if not any(a in e.areas and k in equipment_of(e) for e in exercises)
    )
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/exercises/?area={area}&equipment={item}")
    assert visible_titles(page) == []
    assert page.get_by_role("status").text_content() == "0 exercises"
    assert page.get_by_text("No exercise matches all of these filters").is_visible()
    assert page.get_by_role("button", name="Clear filters").is_visible()
    context.close()


def test_filters_are_labelled_groups_and_work_from_the_keyboard(site, exercises):
    base, browser = site
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/exercises/")
    form = page.get_by_role("form", name="Filter exercises")
    for legend in ["Body area", "Equipment", "Level"]:
        assert form.get_by_role("group", name=legend).count() == 1
    assert (
        form.get_by_role("group", name="Equipment")
        .get_by_role("checkbox", name="No equipment")
        .count()
        == 1
    )
    shin = page.get_by_role("checkbox", name="Shin")
    shin.focus()
    assert shin.evaluate("el => el.matches(':focus-visible') || document.activeElement === el")
    page.keyboard.press("Space")
    assert shin.is_checked() and query(page) == {"area": ["shin"]}
    assert visible_titles(page) == titles(e for e in exercises if "shin" in e.areas)
    page.get_by_role("button", name="Clear filters").focus()
    page.keyboard.press("Enter")
    assert not shin.is_checked() and urlsplit(page.url).query == ""
    context.close()


def test_phone_panel_starts_closed_and_names_the_chosen_filters(site, exercises):
    base, browser = site
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(base + "/exercises/?area=knee&equipment=none")
    knee = page.get_by_role("checkbox", name="Knee")
    assert knee.is_hidden()  # the panel is closed so the results are in view
    assert page.locator(".filter-chosen").text_content() == "Knee · No equipment"
    assert (
        page.locator(".exercise-card:visible").first.evaluate(
            "el => el.getBoundingClientRect().top"
        )
        < 844
    )
    page.get_by_text("Filter exercises").click()
    assert knee.is_visible() and knee.is_checked()
    page.get_by_role("checkbox", name="Hip").check()
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )
    assert query(page) == {"area": ["hip", "knee"], "equipment": ["none"]}
    context.close()


def test_without_javascript_every_exercise_is_listed_by_body_area(site, exercises):
    base, browser = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/exercises/?area=knee")  # a shared link still shows the whole library
    assert page.locator("#library-filter").is_hidden()
    assert page.locator("#library-results").is_hidden()
    assert set(visible_titles(page)) == {e.title for e in exercises}
    assert visible_titles(page) == titles(
        e for e in exercises for _ in e.areas
    )  # under each of its areas
    areas = sorted({a for e in exercises for a in e.areas})
    for area in areas:
        section = page.locator(f"section.library-group:has(h2#area-{area})")
        expected = [e for e in exercises if area in e.areas]
        assert sorted(section.locator(".card-title a").all_text_contents()) == titles(expected)
    jump = page.get_by_role("navigation", name="Body areas")
    assert jump.is_visible() and jump.get_by_role("link").count() == len(areas)
    context.close()
