"""The routine builder (/routines/builder/) in a real headless Chromium:
picking exercises from the library, setting doses, the routine kept in the
address, reordering, keyboard-only use, and the printed one-page card."""

from __future__ import annotations

import io
import json
import unicodedata
from urllib.parse import parse_qs, urlsplit

import pytest
from browser import chromium, static_server
from playwright.sync_api import expect
from pypdf import PdfReader

PATH = "/routines/builder/"


@pytest.fixture(scope="module")
def site(demo_build):
    with static_server(demo_build[0]) as base, chromium() as browser:
        yield base, browser


@pytest.fixture(scope="module")
def library(demo_build):
    return json.loads(
        (demo_build[0] / "routines/builder/exercises.json").read_text(encoding="utf-8")
    )


@pytest.fixture
def page(site):
    base, browser = site
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.base = base
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()
    assert not page.errors, page.errors


def open_builder(page, query: str = ""):
    page.goto(page.base + PATH + query)
    page.wait_for_selector("[data-library] li")
    return page


def library_region(page):
    return page.get_by_role("region", name="Pick exercises")


def item(page, name: str):
    return page.locator(".b-item", has=page.get_by_role("heading", name=name, exact=True))


def names(page, where: str) -> list[str]:
    selector = {"list": "[data-list] .b-item-name", "card": "#builder-card .rc-ex-name"}[where]
    texts = page.locator(selector).all_text_contents()
    return [" ".join(t.split()).lstrip("0123456789 ") for t in texts]


def card_doses(page) -> list[str]:
    return page.locator("#builder-card .rc-dose").all_text_contents()


def query(page) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(page.url).query).items()}


def announced(page, words: str):
    """The live region (role=status) says `words`."""
    expect(page.locator("#builder [role=status]")).to_contain_text(words)


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(p.extract_text() for p in reader.pages)
    return len(reader.pages), " ".join(unicodedata.normalize("NFKC", text).split())


def wait_for_card_images(page):
    page.wait_for_function(
        "[...document.querySelectorAll('#builder-card img')].every(img => img.complete)"
    )


def test_pick_three_set_doses_print_and_share(page, site, library):
    open_builder(page)
    assert page.locator("#builder").is_visible()
    assert page.get_by_text("No exercises yet").is_visible()
    lib = library_region(page)
    for name in ("Goblet squat", "Bird dog", "Glute bridge"):
        lib.get_by_role("button", name=f"Add {name}", exact=True).click()
    announced(page, "Added Glute bridge, 3 x 12, rest 45 s. 3 exercises in your routine.")
    assert lib.get_by_role("button", name="Remove Bird dog", exact=True).is_visible()

    bird = item(page, "Bird dog")
    bird.get_by_role("radio", name="Seconds", exact=True).check()
    bird.get_by_role("spinbutton", name="Seconds", exact=True).fill("30")
    bird.get_by_role("spinbutton", name="Sets").fill("2")
    assert bird.get_by_role("checkbox", name="Each side").is_checked()  # the exercise's own default
    assert bird.locator(".b-item-dose").text_content() == "2 x 30 s each side, rest 45 s"
    page.get_by_role("spinbutton", name="Times a week").fill("4")
    page.get_by_role("textbox", name="Title").fill("Back day")

    assert names(page, "list") == ["Goblet squat", "Bird dog", "Glute bridge"]
    assert names(page, "card") == ["Goblet squat", "Bird dog", "Glute bridge"]
    assert card_doses(page) == [
        "3 x 10, rest 90 s",
        "2 x 30 s each side, rest 45 s",
        "3 x 12, rest 45 s",
    ]
    card = page.locator("#builder-card .rc")
    assert "level-2" in card.get_attribute("class")
    assert page.locator("#builder-card .rc-title").text_content() == "Back day"
    assert page.locator("#builder-card .rc-facts li").all_text_contents() == [
        "4× a week",
        "about 15 minutes",
        "6 weeks",
    ]
    assert page.locator("#builder-card .rc-cues").first.locator("li").count() == 2
    assert page.locator("#builder-card .rc-why").count() == 3
    assert page.locator("#builder-card table").count() == 1  # 6 weeks: one table
    assert page.locator("#builder-card tbody tr").count() == 6
    assert page.locator("#builder-card .rc-box").count() == 6 * 4
    assert page.locator("#builder-card .rc-qr, #builder-card .rc-refs").count() == 0
    host = urlsplit(library["base_url"]).netloc
    assert (
        page.locator("#builder-card .rc-more").text_content()
        == f"Made with the routine builder at {host}/routines/builder/"
    )
    # the on-screen preview is the same card
    assert page.locator("[data-preview] .rc-dose").all_text_contents() == card_doses(page)

    # the address holds the routine...
    assert query(page) == {
        "title": "Back day",
        "t": "4",
        "w": "6",
        "e": "goblet-squat.3x10.r90,bird-dog.2x30s.s.r45,glute-bridge.3x12.r45",
    }
    # ...and a fresh page opened on it shows the same routine
    fresh = page.context.new_page()
    fresh.goto(page.url)
    fresh.wait_for_selector(".b-item")
    assert names(fresh, "list") == ["Goblet squat", "Bird dog", "Glute bridge"]
    assert card_doses(fresh) == card_doses(page)
    assert fresh.get_by_role("textbox", name="Title").input_value() == "Back day"
    assert fresh.get_by_role("spinbutton", name="Times a week").input_value() == "4"
    assert item(fresh, "Bird dog").get_by_role("radio", name="Seconds", exact=True).is_checked()
    assert fresh.url == page.url
    fresh.close()

    # printing: one A4 page, the card only
    wait_for_card_images(page)
    count, text = pdf_text(page.pdf(format="A4", print_background=True))
    assert count == 1
    for words in (
        "Back day",
        "Goblet squat",
        "3 x 10, rest 90 s",
        "Bird dog",
        "2 x 30 s each side, rest 45 s",
        "Glute bridge",
        "3 x 12, rest 45 s",
        "Tick off each session",
        f"{host}/routines/builder/",
    ):
        assert words in text, words
    assert text.index("Goblet squat") < text.index("Bird dog") < text.index("Glute bridge")
    assert "Pick exercises" not in text and "Skip to content" not in text and "Move up" not in text


def test_moving_an_exercise_up_changes_the_order_everywhere(page):
    open_builder(page, "?e=goblet-squat,bird-dog,glute-bridge")
    assert names(page, "list") == ["Goblet squat", "Bird dog", "Glute bridge"]
    move_up = page.get_by_role("button", name="Move up: Glute bridge", exact=True)
    move_up.click()
    assert names(page, "list") == ["Goblet squat", "Glute bridge", "Bird dog"]
    assert names(page, "card") == ["Goblet squat", "Glute bridge", "Bird dog"]
    assert query(page)["e"] == "goblet-squat.3x10.r90,glute-bridge.3x12.r45,bird-dog.3x8.s.r45"
    announced(page, "Moved Glute bridge up to position 2 of 3.")
    assert move_up.evaluate("el => el === document.activeElement")  # focus stays on the button
    move_up.click()
    assert names(page, "card") == ["Glute bridge", "Goblet squat", "Bird dog"]
    assert move_up.get_attribute("aria-disabled") == "true"
    page.keyboard.press(
        "Enter"
    )  # already first (aria-disabled, still focusable): nothing moves, and the reader is told
    assert names(page, "list") == ["Glute bridge", "Goblet squat", "Bird dog"]
    announced(page, "Glute bridge is already first.")
    page.get_by_role("button", name="Move down: Goblet squat", exact=True).click()
    assert names(page, "list") == ["Glute bridge", "Bird dog", "Goblet squat"]
    page.get_by_role("button", name="Remove: Bird dog", exact=True).click()
    assert names(page, "card") == ["Glute bridge", "Goblet squat"]
    announced(page, "Removed Bird dog. 2 exercises left in your routine.")
    assert query(page)["e"] == "glute-bridge.3x12.r45,goblet-squat.3x10.r90"


def tab_to(page, description: str, test: str, key: str = "Tab", limit: int = 80):
    """Press `key` until `test` (a JS expression on `el`, the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(
            f"(() => {{ const el = document.activeElement; return Boolean({test}); }})()"
        ):
            return
    raise AssertionError(f"{key} never reached {description}")


def test_keyboard_only_add_and_move(page):
    open_builder(page)
    tab_to(page, "the search box", "el.id === 'b-search'")
    page.keyboard.type("goblet")
    tab_to(
        page, "Add Goblet squat", "el.matches('.b-add') && el.textContent.includes('Goblet squat')"
    )
    page.keyboard.press("Enter")
    assert names(page, "list") == ["Goblet squat"]
    assert page.evaluate("document.activeElement.textContent") == "Remove Goblet squat"
    tab_to(page, "the search box", "el.id === 'b-search'", key="Shift+Tab")
    page.keyboard.press("Control+a")
    page.keyboard.type("bridge")
    assert library_region(page).locator(".b-lib-item:visible").count() == 1
    tab_to(
        page, "Add Glute bridge", "el.matches('.b-add') && el.textContent.includes('Glute bridge')"
    )
    page.keyboard.press("Space")
    assert names(page, "list") == ["Goblet squat", "Glute bridge"]
    announced(page, "Added Glute bridge")
    tab_to(
        page, "Move up: Glute bridge", "el.getAttribute('aria-label') === 'Move up: Glute bridge'"
    )
    page.keyboard.press("Enter")
    assert names(page, "list") == ["Glute bridge", "Goblet squat"]
    assert names(page, "card") == ["Glute bridge", "Goblet squat"]
    announced(page, "Moved Glute bridge up to position 1 of 2.")
    assert (
        page.evaluate("document.activeElement.getAttribute('aria-label')")
        == "Move up: Glute bridge"
    )
    # the focused control shows a visible focus ring
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    # dose fields take typed numbers too
    tab_to(
        page,
        "the sets of Glute bridge",
        "el.id && el.id.endsWith('-sets')"
        " && el.closest('.b-item').textContent.includes('Glute bridge')",
        key="Shift+Tab",
    )
    page.keyboard.press("Control+a")
    page.keyboard.type("4")
    assert card_doses(page)[0] == "4 x 12, rest 45 s"


def test_every_control_is_labelled_and_every_action_is_a_button(page):
    open_builder(page, "?e=goblet-squat,side-plank")
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('#builder input, #builder select, #builder textarea')]\n"
        "        .filter(el => !(el.labels && el.labels.length && el.labels[0].textContent.trim())"
        " && !el.getAttribute('aria-label'))\n"
        "        .map(el => el.outerHTML)"
    )
    assert unlabelled == []
    assert page.evaluate(
        "[...document.querySelectorAll('#builder button')].every(b => b.type === 'button')"
    )
    assert page.locator("#builder [role=button], #builder a:not([href])").count() == 0
    assert page.locator("#builder [role=status][aria-live=polite]").count() == 1
    # the preview is decoration for sighted readers; the routine list carries the content
    assert page.locator("[data-preview]").get_attribute("aria-hidden") == "true"
    assert page.get_by_role("heading", level=1).count() == 1


def test_address_is_read_safely(page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_builder(
        page,
        "?title=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&t=99&w=0"
        "&e=nope,goblet-squat.99x999.r9999,goblet-squat,bird-dog.2x45s.s,__proto__,wall-sit.junk,constructor",
    )
    assert names(page, "list") == ["Goblet squat", "Bird dog", "Wall sit"]
    assert card_doses(page) == ["10 x 100, rest 600 s", "2 x 45 s each side", "4 x 30 s, rest 60 s"]
    assert page.locator("#builder-card .rc-title").text_content() == "<img src=x onerror=alert(1)>"
    assert page.locator("img[src='x'], [onerror]").count() == 0
    assert page.get_by_role("spinbutton", name="Times a week").input_value() == "7"
    assert page.get_by_role("spinbutton", name="Weeks").input_value() == "1"
    assert page.locator("#builder-card tbody tr").count() == 1
    assert page.get_by_text("3 exercises in this link could not be added").is_visible()
    assert query(page)["e"] == "goblet-squat.10x100.r600,bird-dog.2x45s.s,wall-sit.4x30s.r60"
    assert query(page)["t"] == "7" and query(page)["w"] == "1"
    # every eager image has loaded or failed by now, so an injected onerror would have fired
    page.wait_for_function(
        "[...document.images].every(img => img.complete || img.loading === 'lazy')"
    )
    page.evaluate("() => new Promise(done => setTimeout(done, 0))")
    assert dialogs == []


def test_dose_words_read_like_the_site(page, library):
    open_builder(page)
    shown = dict(
        zip(
            page.locator(".b-lib-name").all_text_contents(),
            page.locator(".b-lib-dose").all_text_contents(),
            strict=True,
        )
    )
    assert shown == {ex["title"]: ex["dose_text"] for ex in library["exercises"]}
    library_region(page).get_by_role("button", name="Add Brisk walk", exact=True).click()
    walk = item(page, "Brisk walk")
    seconds = walk.get_by_role("spinbutton", name="Seconds", exact=True)
    expected = {
        "1200": "1 x 20 min",
        "120": "1 x 2 min",
        "125": "1 x 125 s",
        "60": "1 x 60 s",
        "180": "1 x 3 min",
    }
    for value, words in expected.items():
        seconds.fill(value)
        assert walk.locator(".b-item-dose").text_content() == words
    walk.get_by_role("spinbutton", name="Rest (sec)").fill("30")
    walk.get_by_role("checkbox", name="Each side").check()
    walk.get_by_role("radio", name="Reps", exact=True).check()
    assert walk.get_by_role("spinbutton", name="Reps", exact=True).input_value() == "10"
    assert card_doses(page) == ["1 x 10 each side, rest 30 s"]
    walk.get_by_role(
        "radio", name="Seconds", exact=True
    ).check()  # back to seconds: the value is remembered
    assert card_doses(page) == ["1 x 3 min each side, rest 30 s"]
    assert query(page)["e"] == "brisk-walk.1x180s.s.r30"


def test_library_search_and_filters(page, library):
    open_builder(page)
    lib = library_region(page)

    def visible():
        return lib.locator(".b-lib-item:visible .b-lib-name").all_text_contents()

    assert len(visible()) == len(library["exercises"])
    page.get_by_role("searchbox", name="Search exercises").fill("Calf raise")

    def words(ex):
        return " ".join(
            [
                ex["title"],
                ex["summary"],
                ex["level"],
                *ex["equipment"],
                *(a["name"] for a in ex["areas"]),
            ]
        ).lower()

    calf = sorted(
        ex["title"] for ex in library["exercises"] if "calf" in words(ex) and "raise" in words(ex)
    )
    assert calf and sorted(visible()) == calf
    expect(page.locator("[data-results]")).to_have_text(
        f"Showing {len(calf)} of {len(library['exercises'])} exercises."
    )
    page.get_by_role("searchbox", name="Search exercises").fill("")
    lib.get_by_role("radio", name="Knee").check()
    knee = sorted(
        ex["title"] for ex in library["exercises"] if any(a["slug"] == "knee" for a in ex["areas"])
    )
    assert sorted(visible()) == knee
    page.get_by_role("checkbox", name="No equipment needed").check()
    assert sorted(visible()) == sorted(
        ex["title"]
        for ex in library["exercises"]
        if any(a["slug"] == "knee" for a in ex["areas"]) and not ex["equipment"]
    )
    page.get_by_role("searchbox", name="Search exercises").fill("zzzz")
    assert visible() == []
    page.get_by_role("button", name="Show all exercises").click()
    assert len(visible()) == len(library["exercises"])


def test_print_button(page):
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    open_builder(page)
    page.get_by_role("button", name="Print card").click()
    assert page.evaluate("window.__printed") == 0
    expect(page.locator("[data-hint]")).to_have_text("Add at least one exercise to print a card.")
    library_region(page).get_by_role("button", name="Add Side plank", exact=True).click()
    page.get_by_role("button", name="Print card").click()
    assert page.evaluate("window.__printed") == 1


def test_copy_link_and_start_over(page):
    open_builder(page, "?title=Calves&e=heavy-calf-raise,seated-calf-raise")
    page.get_by_role("button", name="Copy link").click()
    share = page.get_by_role("textbox", name="Link to this routine (copy it to share or bookmark)")
    # the clipboard may be refused (headless, no permission): then the link is shown, selected,
    # to copy by hand
    expect(page.locator("[data-copy]").filter(has_text="Link copied").or_(share)).to_be_visible()
    if share.is_visible():
        assert share.input_value() == page.url
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Start over").click()
    assert names(page, "list") == [] and page.get_by_text("No exercises yet").is_visible()
    assert page.get_by_role("textbox", name="Title").input_value() == "My routine"
    assert urlsplit(page.url).query == ""


def test_a_full_card_still_prints_on_one_page(page, library):
    """The longest titles, 7 sessions a week for 12 weeks: still one page on A4 and on Letter."""
    slugs = [ex["slug"] for ex in sorted(library["exercises"], key=lambda ex: -len(ex["title"]))]
    title = "A long routine title that needs two lines on the printed card"
    for count, level in ((6, "level-2"), (10, "level-3"), (12, "level-4")):
        open_builder(page, f"?title={title}&t=7&w=12&e={','.join(slugs[:count])}")
        assert len(names(page, "card")) == count
        assert level in page.locator("#builder-card .rc").get_attribute("class")
        assert page.locator("#builder-card table").count() == 2  # 12 weeks: two tables of 6
        assert page.locator("#builder-card .rc-box").count() == 7 * 12
        cues = page.locator("#builder-card .rc-ex").first.locator(".rc-cues li").count()
        assert cues == (1 if count > 10 else 2)
        wait_for_card_images(page)
        for paper in ("A4", "Letter"):
            pages, text = pdf_text(page.pdf(format=paper, print_background=True))
            assert pages == 1, (count, paper)
            assert "Tick off each session" in text

    # a card holds 12 exercises at most
    open_builder(page, f"?e={','.join(slugs[:13])}")
    assert len(names(page, "list")) == 12
    assert page.get_by_text("1 exercise in this link could not be added").is_visible()
    extra = next(ex["title"] for ex in library["exercises"] if ex["slug"] == slugs[12])
    button = library_region(page).get_by_role("button", name=f"Add {extra}", exact=True)
    assert button.get_attribute("aria-disabled") == "true"
    button.focus()
    page.keyboard.press("Enter")
    assert len(names(page, "list")) == 12
    announced(page, "A card holds up to 12 exercises.")


@pytest.mark.parametrize("width", [360, 390])
def test_builder_fits_a_phone_and_stays_on_its_own_origin(site, width):
    base, browser = site
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + PATH + "?e=romanian-deadlift,bird-dog.2x30s.s.r45,glute-bridge")
    page.wait_for_selector(".b-item")
    page.wait_for_load_state("networkidle")
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )
    assert all(url.startswith(base) for url in requests), requests
    preview = page.locator("[data-frame]").bounding_box()
    assert (
        preview["width"] <= width and preview["height"] > preview["width"]
    )  # a whole, scaled-down page
    context.close()


def test_without_javascript_the_page_points_to_the_ready_made_routines(site):
    base, browser = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + PATH)
    assert page.locator("#builder").is_hidden()
    assert page.get_by_role("link", name="ready-made routines").is_visible()
    context.close()
