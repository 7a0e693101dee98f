"""Hostile and broken input: every case ends in `path:line: message`, exit
status 1 and an untouched previous site; nothing hangs, nothing outside the
project is read, nothing is constructed from YAML tags."""

from __future__ import annotations

import os
import threading

import pytest
from conftest import MINIMAL, build, build_errors, soup, write_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ABOUT = "content/pages/about.md"


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "---\ntitle: About\n\nNo closing line.\n",
            "content/pages/about.md:1: the front matter opened here is never closed: "
            "add a '---' line after the last field",
        ),
        (
            "---\n- a list\n- not a mapping\n---\nBody\n",
            "content/pages/about.md:2: the front matter must be a list of 'field: value' lines",
        ),
        (
            "---\ntitle: One\ntitle: Two\n---\nBody\n",
            "content/pages/about.md:3: invalid YAML: duplicate field 'title' (first on line 2)",
        ),
        (
            "---\nbase: &b About\ntitle: *b\n---\nBody\n",
            "content/pages/about.md:2: YAML anchors and aliases (&name, *name) are not allowed "
            "here: write the value out in full",
        ),
        (
            "---\ntitle: !!python/object/apply:os.system ['echo owned']\n---\n",
            "content/pages/about.md:2: YAML tags (!!type, !name) are not allowed here: "
            "write plain values, and quote text",
        ),
        (
            "---\ntitle: " + "[" * 40 + "x" + "]" * 40 + "\n---\n",
            "content/pages/about.md:2: the YAML is nested more than 12 levels deep; flatten it",
        ),
        (
            "---\ntitle: yes\n---\n",
            "content/pages/about.md:2: 'title' should be text, "
            "but found the boolean true; quote it",
        ),
        (
            "No front matter at all.\n",
            "content/pages/about.md:1: missing front matter: start the file with a '---' line, "
            "the fields, then another '---' line",
        ),
    ],
)
def test_broken_front_matter_is_an_error_never_body_text(make_project, text, expected):
    root = make_project({ABOUT: text})
    errors = build_errors(root)
    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_a_byte_order_mark_is_stripped_and_the_file_builds(make_project):
    root = make_project()
    (root / ABOUT).write_bytes(b"\xef\xbb\xbf" + MINIMAL[ABOUT].encode())
    out = root / "site_output"
    build(root, out)
    assert soup(out / "about/index.html").h1.get_text() == "About"


def test_yaml_error_is_reported_at_the_file_line_and_column(make_project):
    root = make_project({ABOUT: '---\ntitle: About\nsummary: "unclosed\n---\nBody\n'})
    errors = build_errors(root)
    assert (
        errors[0].startswith("content/pages/about.md:")
        and "invalid YAML" in errors[0]
        and "column" in errors[0]
    )


@pytest.mark.parametrize(
    "data, expected",
    [
        (
            b"---\ntitle: Caf\xe9\n---\n",
            "content/pages/about.md: line 2: the file is not valid UTF-8 text; save it as UTF-8",
        ),
        (
            b"---\ntitle: About\n---\nBody\x00\n",
            "content/pages/about.md: line 4: the file contains a NUL byte, so it is not text; "
            "re-save it as UTF-8 text",
        ),
    ],
)
def test_binary_or_non_utf8_files_are_errors(make_project, data, expected):
    root = make_project()
    (root / ABOUT).write_bytes(data)
    assert build_errors(root) == [expected]


def test_a_fifo_is_an_error_and_nothing_hangs(make_project):
    root = make_project()
    (root / ABOUT).unlink()
    os.mkfifo(root / ABOUT)
    result = []
    worker = threading.Thread(target=lambda: result.append(build_errors(root)))
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the build hung on a FIFO"
    assert result[0] == [
        "content/pages/about.md: not a regular file but a named pipe (FIFO); "
        "prehab reads only regular files: remove it"
    ]


def test_size_caps_are_checked_before_reading(make_project):
    root = make_project(
        {"content/site.toml": MINIMAL["content/site.toml"] + "\n[limits]\nmarkdown_kb = 1\n"}
    )
    (root / ABOUT).write_text(MINIMAL[ABOUT] + "x" * 5000)
    assert build_errors(root) == [
        "content/pages/about.md: the file is 4 KB; "
        "the limit is 1 KB (site.toml [limits] markdown_kb): split it"
    ]


def test_symlinks_pointing_outside_the_project_are_errors_and_loops_do_not_hang(
    make_project, tmp_path
):
    root = make_project()
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret\n---\nTOP SECRET\n")
    (root / "content/pages/leak.md").symlink_to(secret)
    (root / "content/images/loop").symlink_to(root / "content/images")
    (root / "content/images/outside.svg").symlink_to(secret)
    errors = build_errors(root)
    outside = (
        f"a symlink to {secret}, outside the project; prehab reads only files "
        "inside the project folder — copy the files in instead"
    )
    assert errors == [
        f"content/images/outside.svg: {outside}",
        f"content/pages/leak.md: {outside}",
    ]


def test_editor_junk_is_ignored(make_project):
    junk = {
        "content/pages/.#about.md": "garbage",
        "content/pages/about.md~": "garbage",
        "content/pages/.about.md.swp": "garbage",
        "content/pages/.DS_Store": "garbage",
        "content/images/.DS_Store": "garbage",
    }
    root = make_project(junk)
    out = root / "site_output"
    build(root, out)
    assert not any(".DS_Store" in str(p) or p.name.endswith("~") for p in out.rglob("*"))


def test_template_syntax_in_content_is_never_evaluated(make_project):
    root = make_project(
        {
            ABOUT: '---\ntitle: "{{ 7 * 7 }}"\n---\n'
            "Literal {{ config }} and {% if true %}x{% endif %}.\n"
        }
    )
    out = root / "site_output"
    build(root, out)
    page = soup(out / "about/index.html")
    assert page.h1.get_text() == "{{ 7 * 7 }}"
    assert (
        "Literal {{ config }} and {% if true %}x{% endif %}."
        in page.select_one(".prose").get_text()
    )


HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "</title><script>x()</script>",
        "]]></x><y>",
        "&lt;b&gt;",
        "'; alert(1); //",
        "</script><script>alert(1)</script>",
    ]
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=st.text(min_size=1, max_size=40).filter(lambda t: t.strip()) | HOSTILE,
    summary=HOSTILE | st.text(max_size=60),
)
def test_hostile_strings_in_front_matter_never_appear_unescaped(tmp_path_factory, title, summary):
    import json

    root = write_project(
        tmp_path_factory.mktemp("fuzz") / "p",
        {
            ABOUT: "---\n"
            + json.dumps({"title": title, "summary": summary}, ensure_ascii=False)[1:-1].replace(
                '", "', '"\n"'
            )
            + "\n---\nBody\n"
        },
    )
    try:
        build(root, root / "out", search=False)
    except Exception as exc:  # only clean content errors are acceptable
        from generator.diagnostics import ContentErrors

        assert isinstance(exc, ContentErrors), repr(exc)
        return
    html = (root / "out/about/index.html").read_text()
    for dangerous in ("<script>alert", "<img src=x", "</title><script>", "</script><script>"):
        if dangerous in title or dangerous in summary:
            assert dangerous not in html


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_arbitrary_markdown_files_never_crash_the_build(tmp_path_factory, text):
    root = write_project(tmp_path_factory.mktemp("fuzz") / "p", {ABOUT: text})
    from generator.diagnostics import ContentErrors

    try:
        build(root, root / "out", search=False)
    except ContentErrors as exc:
        assert all(d.path.startswith("content/") for d in exc.report.errors)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java&#115;cript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "//evil.example/x",
    ],
)
def test_every_disguise_of_a_dangerous_url_is_an_error_naming_the_field(make_project, url):
    root = make_project({ABOUT: f"---\ntitle: About\n---\nClick [here]({url}).\n"})
    errors = build_errors(root)
    assert len(errors) == 1 and errors[0].startswith("content/pages/about.md:4: link "), errors


def test_dangerous_urls_in_images_and_settings_are_errors(make_project):
    root = make_project(
        {
            "content/site.toml": MINIMAL["content/site.toml"]
            + '\n[cta]\ntitle = "x"\ntext = "y"\nurl = "javascript:alert(1)"\nlabel = "z"\n'
        }
    )
    assert build_errors(root)[0].startswith(
        "content/site.toml:13: setting 'cta.url': 'javascript:alert(1)' uses 'javascript:'"
    )
    root = make_project({ABOUT: "---\ntitle: About\n---\n![x](javascript:alert(1))\n"})
    assert build_errors(root)[0].startswith(
        "content/pages/about.md:4: image 'javascript:alert(1' uses 'javascript:'"
    )


def test_raw_html_is_sanitised_and_each_removal_is_a_warning(make_project):
    body = (
        "Fine <kbd>Ctrl</kbd> and <details><summary>More</summary>text</details>.\n\n"
        '<script>alert(1)</script>\n\n<p onclick="steal()" style="color:red">Styled</p>\n\n'
        '<iframe src="https://evil.example"></iframe>\n<form action="/x"><input name=a></form>\n'
        '<meta http-equiv="refresh" content="0;url=https://evil.example">\n'
    )
    root = make_project({ABOUT: "---\ntitle: About\n---\n" + body})
    out = root / "site_output"
    result = build(root, out)
    warnings = [d.format() for d in result.report.warnings if d.code == "unsafe-html"]
    assert [w.split(": warning: ")[0] for w in warnings] == [
        "content/pages/about.md:6",
        "content/pages/about.md:8",
        "content/pages/about.md:8",
        "content/pages/about.md:10",
        "content/pages/about.md:11",
        "content/pages/about.md:11",
        "content/pages/about.md:12",
    ]
    prose = soup(out / "about/index.html").select_one(".prose")
    assert prose.find("kbd").get_text() == "Ctrl" and prose.find("details") is not None
    for tag in ("script", "iframe", "form", "input", "meta", "style"):
        assert prose.find(tag) is None, tag
    assert not prose.find(attrs={"onclick": True}) and not prose.find(attrs={"style": True})


def test_output_paths_that_differ_only_by_case_or_normalisation_are_errors(make_project):
    svg = MINIMAL["content/images/hero.svg"]
    root = make_project(
        {
            "content/images/Hero.svg": svg,
            "content/images/caf\u00e9.svg": svg,
            "content/images/cafe\u0301.svg": svg,
        }
    )
    errors = build_errors(root)
    assert errors[0] == (
        "content/images/Hero.svg: these files would land on the same output path "
        "(content/images/Hero.svg, content/images/hero.svg); rename one"
    )
    assert (
        len(errors) == 2
        and errors[1].startswith("content/images/caf")
        and "would land on the same output path" in errors[1]
    )
