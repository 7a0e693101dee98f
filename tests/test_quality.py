"""Standards and budgets over the demo build: every page passes the Nu Html
Checker, axe-core finds no serious or critical accessibility violation in a
real browser, an article loads under 100 KB before images, images cause no
layout shift, and keyboard focus is visible."""

from __future__ import annotations

import json
import subprocess

import pytest
from browser import chromium, static_server
from conftest import REPO

TOOLS = REPO / "tools" / "node_modules"
AXE_PAGES = [
    "/",
    "/articles/lower-back-pain-running/",
    "/exercises/goblet-squat/",
    "/routines/lower-back-strength/",
    "/exercises/",
    "/routines/builder/",
    "/search/?q=knee",
]


def test_every_page_passes_the_nu_html_checker(demo_build):
    out, _ = demo_build
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(TOOLS / "vnu-jar/build/dist/vnu.jar"),
            "--errors-only",
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
    problems = [
        f"{m['url'].split(str(out))[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    assert problems == []
    assert len(list(out.rglob("*.html"))) > 50


@pytest.fixture(scope="module")
def site(demo_build):
    with static_server(demo_build[0]) as base, chromium() as browser:
        yield base, browser


@pytest.mark.parametrize("path", AXE_PAGES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violations(site, path, scheme):
    base, browser = site
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(TOOLS / "axe-core/axe.min.js"))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], path
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
    # bring every lazy image in, one by one, and wait until each has loaded (not a fixed time)
    page.evaluate("""async () => {
        for (const img of document.images) {
            img.scrollIntoView({block: 'center'});
            await img.decode().catch(() => {});
        }
        window.scrollTo(0, document.body.scrollHeight);
        await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    }""")
    page.wait_for_function("[...document.images].every(img => img.complete)")
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
