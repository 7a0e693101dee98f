"""No page jumps while it loads: cumulative layout shift stays under 0.05
(Google's "good" is 0.1) on every page type, on a phone and on a desktop,
in Chromium. Each script is held back a moment, as on a slow phone, so the
page is drawn before its scripts run: whatever a script changes after that
is measured, not hidden by a fast machine."""

from __future__ import annotations

import time

import pytest
from browser import chromium, static_server

PAGES = {
    "home": "/",
    "article list": "/articles/",
    "article": "/articles/lower-back-pain-running/",
    "exercise library": "/exercises/",
    "exercise": "/exercises/goblet-squat/",
    "routine list": "/routines/",
    "routine": "/routines/lower-back-strength/",
    "builder": "/routines/builder/",
    "search page": "/search/",
    "search results": "/search/?q=knee",
    "page": "/about/",
    "author list": "/authors/",
    "author": "/authors/tom-okafor/",
    "topic list": "/tags/",
    "topic": "/tags/strength-training/",
    "body areas": "/body-areas/",
    "body area": "/body-areas/knee/",
    "not found": "/404.html",
}
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}

# The sum of every shift not caused by the reader, once the page has settled.
CLS = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 1500);
})"""


@pytest.fixture(scope="module")
def browser(demo_build):
    with static_server(demo_build[0]) as base, chromium() as browser:
        yield base, browser


def slow_script(route):
    time.sleep(0.4)  # a slow phone: the page is drawn before the script arrives
    route.continue_()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PAGES)
def test_no_layout_shift_while_the_page_loads(browser, name, size):
    base, chromium_browser = browser
    width, height = SIZES[size]
    context = chromium_browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.route("**/*.js", slow_script)
    page.goto(base + PAGES[name])
    page.wait_for_load_state("load")
    shift = page.evaluate(CLS)
    context.close()
    assert shift < 0.05, f"{PAGES[name]} at {width} px: layout shift {shift:.3f}"
