"""The demo site in a real headless Chromium: phones get no sideways
scrolling, nothing is fetched from another origin, the routine page prints
as the one-page card on A4 and Letter, and the print button appears only
with JavaScript."""

from __future__ import annotations

import io

import pytest
from browser import chromium, static_server
from pypdf import PdfReader

PAGES = [
    "/",
    "/articles/lower-back-pain-running/",
    "/exercises/goblet-squat/",
    "/routines/lower-back-strength/",
    "/exercises/",
    "/routines/",
    "/about/",
]


@pytest.fixture(scope="module")
def site(demo_build):
    with static_server(demo_build[0]) as base, chromium() as browser:
        yield base, browser


@pytest.mark.parametrize("path", PAGES)
def test_pages_fit_a_phone_screen_and_request_only_their_own_origin(site, path):
    base, browser = site
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    assert requests and all(url.startswith(base) or url.startswith("data:") for url in requests), (
        requests
    )
    context.close()


@pytest.mark.parametrize("paper, size", [("A4", (595, 842)), ("Letter", (612, 792))])
def test_routine_page_prints_as_the_one_page_card(site, paper, size):
    base, browser = site
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/routines/lower-back-strength/")
    page.wait_for_load_state("networkidle")
    pdf = PdfReader(io.BytesIO(page.pdf(format=paper, print_background=True)))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (
        abs(float(box.width) - size[0]) < 1.5 and abs(float(box.height) - size[1]) < 1.5
    )  # Chromium rounds to pixels
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "Lower back strength" in text and "Goblet squat" in text and "3 x 8, rest 90 s" in text
    assert "Tick off each session" in text and "prehab.example/routines/lower-back-strength" in text
    assert "Skip to content" not in text and "Browse the routines" not in text
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden() and page.locator(".print-card").is_visible()
    context.close()


def test_print_button_opens_the_print_dialog_only_with_javascript(site):
    base, browser = site
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    page.goto(base + "/routines/lower-back-strength/")
    button = page.get_by_role("button", name="Print this routine")
    button.click()
    assert page.evaluate("window.__printed") == 1
    context.close()
    no_js = browser.new_context(java_script_enabled=False)
    page = no_js.new_page()
    page.goto(base + "/routines/lower-back-strength/")
    assert page.get_by_role("button", name="Print this routine").count() == 0
    no_js.close()


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(site):
    base, browser = site
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/articles/lower-back-pain-running/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert page.locator(".skip-link").evaluate("el => el.getBoundingClientRect().top >= 0")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    context.close()


@pytest.mark.parametrize(
    "query, expected_url, expected_type",
    [
        ("goblet", "/exercises/goblet-squat/", "Exercise"),
        ("back pain", "/articles/lower-back-pain-running/", "Article"),
    ],
)
def test_search_finds_pages_in_a_real_browser(site, query, expected_url, expected_type):
    base, browser = site
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/")
    page.get_by_role("searchbox", name="Search articles, exercises and routines").first.fill(query)
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    first = page.locator(".search-result").first
    first.wait_for(timeout=15000)
    links = page.locator(".search-result h2 a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(min(3, links.count()))]
    assert expected_url in hrefs
    row = page.locator(".search-result", has=page.locator(f"a[href='{expected_url}']"))
    assert row.locator(".kind").text_content() == expected_type
    assert row.locator("p").inner_text().strip()
    context.close()


def test_search_filters_by_type_and_area_and_keeps_them_in_the_url(site):
    base, browser = site
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/search/?q=knee")
    page.locator(".search-result").first.wait_for(timeout=15000)
    page.get_by_role("checkbox", name="Exercise").check()
    page.wait_for_function("() => location.search.includes('type=Exercise')")
    # The results are redrawn after the filter changes: wait until the new list is there,
    # because an empty list between two draws would pass an "every result" check.
    page.wait_for_function(
        "() => { const kinds = [...document.querySelectorAll('.search-result .kind')];"
        " return kinds.length > 0 && kinds.every(k => k.textContent === 'Exercise'); }",
        timeout=15000,
    )
    page.reload()
    page.locator(".search-result").first.wait_for(timeout=15000)
    assert page.get_by_role("checkbox", name="Exercise").is_checked()
    context.close()


def test_search_page_without_javascript_says_so_and_links_the_lists(site):
    base, browser = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/search/")
    notice = page.locator(".notice")
    assert "Search needs JavaScript" in notice.inner_text()
    assert notice.locator("a[href='/exercises/']").count() == 1
    context.close()
