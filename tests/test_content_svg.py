"""Issue 15: an SVG in content/images/ is published without anything
active in it (each kind of removal a warning at the file); an SVG declaring
entities is refused; pages and scripts dropped into content/images/ are
refused. Proven in Chromium: the published SVG runs no script and makes no
request to another origin."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from browser import chromium, static_server
from conftest import build, build_errors

HOSTILE = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="40" height="40" viewBox="0 0 40 40" onload="alert('svg onload')">
  <script>alert('svg script')</script>
  <style>@import url(https://evil.example/x.css);</style>
  <circle id="dot" cx="20" cy="20" r="10" fill="teal" onclick="alert(2)"/>
  <foreignObject width="40" height="40"><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example/"/></foreignObject>
  <image href="https://tracker.example/pixel.png" width="1" height="1"/>
  <a xlink:href="javascript:alert(3)"><use href="#dot"/></a>
  <set attributeName="href" to="javascript:alert(4)"/>
</svg>
"""
CLEAN = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40">'
    '<circle cx="20" cy="20" r="10"/></svg>\n'
)
SVG_PATH = "content/images/hero.svg"


def test_every_active_part_is_removed_with_one_warning(make_project, tmp_path):
    root = make_project({SVG_PATH: HOSTILE})
    out = tmp_path / "out"
    report = build(root, out).report
    warnings = [d for d in report.warnings if d.code == "svg-cleaned"]
    assert len(warnings) == 1 and warnings[0].path == SVG_PATH
    for said in ("<script>", "<foreignObject>", "event handlers", "links to other files"):
        assert said in warnings[0].message, warnings[0].message
    published = (out / "images/hero.svg").read_bytes()
    tree = ET.fromstring(published)
    names = {element.tag.rsplit("}", 1)[-1] for element in tree.iter()}
    assert not names & {"script", "foreignObject", "iframe", "set"}
    attributes = [(k, v) for element in tree.iter() for k, v in element.attrib.items()]
    assert not [k for k, _ in attributes if k.rsplit("}", 1)[-1].startswith("on")]
    assert all(
        "evil" not in v and "tracker" not in v and "javascript" not in v for _, v in attributes
    )
    assert b"evil.example" not in published and b"@import" not in published
    # what is harmless stays: the picture and its link within itself
    assert "circle" in names and ("href", "#dot") in attributes


def test_a_clean_svg_is_published_byte_for_byte(make_project, tmp_path):
    root = make_project({SVG_PATH: CLEAN})
    out = tmp_path / "out"
    report = build(root, out).report
    assert not [d for d in report.warnings if d.code == "svg-cleaned"]
    assert (out / "images/hero.svg").read_text() == CLEAN


def test_an_svg_declaring_entities_is_refused(make_project):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]>'
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">&a;</svg>'
    )
    root = make_project({SVG_PATH: laughs})
    errors = build_errors(root)
    assert any(e.startswith(f"{SVG_PATH}: SVG refused: it declares XML entities") for e in errors)


@pytest.mark.parametrize("name", ["page.html", "app.js", "feed.xml", "x.XHTML"])
def test_pages_and_scripts_in_content_images_are_refused(make_project, tmp_path, name):
    root = make_project({f"content/images/{name}": "<script>alert(1)</script>"})
    errors = build_errors(root)
    assert errors == [
        f"content/images/{name}: '{name}' is a page or script, not an image: published from "
        "content/images/ it would run on the site's own address; remove it (pages belong in "
        "content/pages/)"
    ]


def test_the_published_svg_runs_nothing_in_chromium(make_project, tmp_path):
    root = make_project({SVG_PATH: HOSTILE})
    out = tmp_path / "out"
    build(root, out)
    with static_server(out) as base, chromium() as browser:
        page = browser.new_page()
        dialogs, foreign = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(base) else None)
        for path in ("/images/hero.svg", "/articles/back-pain/"):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.mouse.click(20, 20)
        assert dialogs == [] and foreign == []
