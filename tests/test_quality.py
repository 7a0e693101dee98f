"""Standards and budgets over the demo build: every page passes the Nu Html
Checker with no error and no warning, axe-core finds no accessibility
violation of any impact (minor included) on every page type in a real
browser, in light and dark, an article loads under 100 KB before images,
images cause no layout shift, and keyboard focus is visible. (Lighthouse
scores depend on the machine's speed, so they are `make audit`, not here.)"""

from __future__ import annotations

import json
import subprocess

import pytest
from browser import chromium, load_every_image, static_server
from conftest import REPO

TOOLS = REPO / "tools" / "node_modules"
# one page of every type
AXE_PAGES = [
    "/",
    "/articles/",
    "/articles/lower-back-pain-running/",
    "/exercises/",
    "/exercises/goblet-squat/",
    "/routines/",
    "/routines/lower-back-strength/",
    "/routines/builder/",
    "/search/?q=knee",
    "/about/",
    "/authors/",
    "/authors/maria-lindqvist/",
    "/tags/",
    "/tags/knee-pain/",
    "/body-areas/",
    "/body-areas/knee/",
    "/404.html",
]


def test_every_page_passes_the_nu_html_checker_with_no_warning(demo_build):
    out, _ = demo_build
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(TOOLS / "vnu-jar/build/dist/vnu.jar"),
            "--skip-non-html",
            "--format",
            "json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    # errors, warnings (type "info", subType "warning") and unreadable files; plain info passes
    problems = [
        f"{m.get('url', '').split(str(out))[-1]}:{m.get('lastLine')}: {m['type']} {m['message']}"
        for m in messages
        if m["type"] != "info" or m.get("subType") == "warning"
    ]
    assert problems == []
    assert len(list(out.rglob("*.html"))) > 50


@pytest.fixture(scope="module")
def site(demo_build):
    with static_server(demo_build[0]) as base, chromium() as browser:
        yield base, browser


@pytest.mark.parametrize("path", AXE_PAGES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_of_any_impact(site, path, scheme):
    base, browser = site
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    if "?q=" in path:  # the results themselves, not the empty page before them
        page.wait_for_selector("#search-results li")
    page.add_script_tag(path=str(TOOLS / "axe-core/axe.min.js"))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
    ]
    assert violations == [], path
    context.close()


def test_an_article_loads_under_100_kb_before_images_with_no_layout_shift(site):
    base, browser = site
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.add_init_script(
        """
        window.__shift = 0;
        new PerformanceObserver(list => { for (const e of list.getEntries()) """
        """if (!e.hadRecentInput) window.__shift += e.value; })
            .observe({type: 'layout-shift', buffered: true});
    """
    )
    sizes = {}
    page.on(
        "response",
        lambda r: sizes.__setitem__(r.url, (r.request.resource_type, len(r.body()) if r.ok else 0)),
    )
    page.goto(base + "/articles/lower-back-pain-running/")
    page.wait_for_load_state("networkidle")
    load_every_image(page)
    before_images = sum(size for kind, size in sizes.values() if kind != "image")
    assert before_images < 100_000, sizes
    assert page.evaluate("window.__shift") == 0
    context.close()


def test_keyboard_focus_is_visible(site):
    base, browser = site
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/")
    for _ in range(3):
        page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), outline
    context.close()
