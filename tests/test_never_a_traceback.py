"""Every content mistake is `path:line: message` with a fix, `prehab build`
exits 1 (never 70, "a bug in prehab") and the last good site stays as it
was: impossible dates, odd front-matter keys, nesting beyond reason,
template mistakes, decompression-bomb images and Markdown that would take
minutes to convert."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from conftest import MINIMAL, build, build_errors, run_cli, tree_state
from PIL import Image

ARTICLE = "content/articles/back-pain.md"
PAGE = "content/pages/about.md"


def fails_and_keeps_the_site(root, mistake: dict[str, str | bytes]) -> str:
    """Build a good site with the CLI, make the mistake, build again: the
    second build exits 1 without a traceback and leaves the site untouched.
    Returns the second build's stderr."""
    good = run_cli("build", "--no-pdf", "--no-search", cwd=root)
    assert good.returncode == 0, good.stderr
    before = tree_state(root / "site_output")
    for rel, text in mistake.items():
        path = root / rel
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    result = run_cli("build", "--no-pdf", "--no-search", cwd=root)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "bug in prehab" not in result.stderr
    assert "the previous site was left as it was" in result.stderr
    assert tree_state(root / "site_output") == before
    return result.stderr


def with_field(line: str, before: str = "summary:") -> str:
    """The fixture article with `line` inserted before its summary (line 4)."""
    return MINIMAL[ARTICLE].replace(before, line + "\n" + before, 1)


# 1. Impossible dates


def test_an_impossible_article_date_is_an_error_at_its_line_via_the_cli(make_project):
    root = make_project()
    stderr = fails_and_keeps_the_site(
        root, {ARTICLE: MINIMAL[ARTICLE].replace("date: 2026-03-01", "date: 2026-02-30")}
    )
    assert f"{ARTICLE}:3: '2026-02-30' is not a real date (day is out of range" in stderr
    assert "write a date that exists" in stderr


@pytest.mark.parametrize(
    "field, line",
    [("updated: 2026-13-01", 4), ("draft: 2026-13-01", 4)],
)
def test_an_impossible_date_in_any_front_matter_field(make_project, field, line):
    errors = build_errors(make_project({ARTICLE: with_field(field)}))
    assert len(errors) == 1
    assert errors[0].startswith(f"{ARTICLE}:{line}: '2026-13-01' is not a real date (month")
    assert "or put it in quotes if it is text" in errors[0]


def test_an_impossible_date_in_the_study_registry_is_one_error_at_its_line(make_project):
    studies = MINIMAL["content/studies.yml"].replace("year: 2020", "year: 2026-02-30")
    errors = build_errors(make_project({"content/studies.yml": studies}))
    # one mistake, one error: the citations of the registry's studies are not all "unknown"
    assert errors == [
        "content/studies.yml:6: '2026-02-30' is not a real date (day is out of range for "
        "month): write a date that exists, as year-month-day (e.g. 2026-02-28), "
        "or put it in quotes if it is text"
    ]


# 2. Front-matter keys an editor did not mean


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Title: x", "unknown field 'Title': field names are lowercase; did you mean 'title'?"),
        ("Summary: y", "unknown field 'Summary': field names are lowercase; did you mean"),
        ("tags[0]: x", "unknown field 'tags[0]'; did you mean 'tags'?"),
        ('"a[b]": 1', "unknown field 'a[b]' (known fields: 'aliases', 'author'"),
        ("str: x", "unknown field 'str' (known fields: 'aliases', 'author'"),
        ("on: x", "unknown field 'on': YAML reads it as true or false, not as a name"),
        ("1: x", "unknown field '1': YAML reads it as a number, not as a name"),
        ("null: x", "unknown field 'null': YAML reads it as nothing (null), not as a name"),
        ("[a]: b", "unknown field '[a]': YAML reads it as a list, not as a name"),
        ("{a: 1}: b", "unknown field '{a: 1}': YAML reads it as a group of fields"),
        ("2026-01-01: x", "unknown field '2026-01-01': YAML reads it as a date"),
    ],
)
def test_an_odd_key_is_named_as_written_at_its_line(make_project, line, expected):
    errors = build_errors(make_project({ARTICLE: with_field(line)}))
    assert len(errors) == 1
    assert errors[0].startswith(f"{ARTICLE}:4: {expected}")


def test_an_odd_key_inside_a_group_is_named_with_a_suggestion(make_project):
    article = MINIMAL[ARTICLE].replace("  alt: A runner", "  Alt: A runner")
    errors = build_errors(make_project({ARTICLE: article}))
    assert f"{ARTICLE}:10: unknown field 'Alt': field names are lowercase; did you mean 'alt'?" in (
        errors
    )


def test_a_study_id_yaml_reads_as_a_number_is_named_as_written(make_project):
    studies = MINIMAL["content/studies.yml"] + "2020:\n  title: x\n"
    errors = build_errors(make_project({"content/studies.yml": studies}))
    assert errors == [
        "content/studies.yml:18: study id '2020' is not a slug (YAML reads it as a number): "
        "use lowercase letters, digits and single hyphens, e.g. 'goblet-squat'"
    ]


def test_a_capitalised_key_fails_the_cli_build_at_its_line(make_project):
    stderr = fails_and_keeps_the_site(make_project(), {ARTICLE: with_field("on: yes")})
    assert f"{ARTICLE}:4: unknown field 'on': YAML reads it as true or false" in stderr


# 3. Nesting beyond reason


def test_emphasis_nested_thousands_deep_is_an_error_naming_the_file(make_project):
    body = "*a " * 3000 + "x" + " a*" * 3000
    errors = build_errors(make_project({PAGE: MINIMAL[PAGE] + body}))
    assert errors == [
        f"{PAGE}:5: this Markdown is nested too deeply to convert (it ran out of depth): "
        "a list, quote or emphasis inside itself hundreds of times; flatten the nesting"
    ]


def test_a_list_nested_300_deep_builds_or_is_an_error_naming_the_file(make_project, tmp_path):
    body = "".join("    " * depth + "- x\n" for depth in range(300))
    root = make_project({PAGE: MINIMAL[PAGE] + body})
    try:
        build(root, tmp_path / "out", search=False)
    except Exception as exc:  # only a content error may come out
        errors = [d.format() for d in exc.report.errors]
        assert errors[0].startswith(f"{PAGE}:5: this Markdown is nested too deeply"), errors


def test_quotes_nested_hundreds_deep_are_an_error_at_their_line(make_project):
    body = "Fine.\n\n" + ">" * 500 + " deep\n"
    errors = build_errors(make_project({PAGE: MINIMAL[PAGE] + body}))
    assert len(errors) == 1
    assert errors[0].startswith(f"{PAGE}:8: this line opens 500 quotes inside each other")
    assert "use fewer '>'" in errors[0]


def test_settings_nested_too_deep_are_an_error_not_a_crash(make_project):
    site = MINIMAL["content/site.toml"] + "\n[extra]\ndeep = " + "[" * 3000 + "]" * 3000 + "\n"
    errors = build_errors(make_project({"content/site.toml": site}))
    assert errors == [
        "content/site.toml: the settings nest arrays or tables too deeply to read; flatten them"
    ]


# 4. Template mistakes


def broken_template(root, name: str, old: str, new: str) -> int:
    """Replace `old` by `new` in templates/name; returns the line changed."""
    path = root / "templates" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


@pytest.mark.parametrize(
    "new, expected",
    [
        (
            "<h1>{{ node.title + 1 }}</h1>",
            'template error: can only concatenate str (not "int") to str (TypeError); '
            "fix the expression on this line (while rendering /about/)",
        ),
        (
            '{% include "page.html" %}',
            "template error: this template includes or extends itself without end; "
            "remove the include (or add a condition that stops it) (while rendering /about/)",
        ),
        (
            '{% include "partials/nope.html" %}',
            "template error: template 'partials/nope.html' does not exist; create "
            "templates/partials/nope.html or fix the name (while rendering /about/)",
        ),
    ],
)
def test_a_template_mistake_is_one_error_at_its_line(make_project, new, expected):
    root = make_project()
    line = broken_template(root, "page.html", "<h1>{{ node.title }}</h1>", new)
    assert build_errors(root) == [f"templates/page.html:{line}: {expected}"]


def test_a_template_that_includes_itself_fails_the_cli_build(make_project):
    root = make_project()
    page = (root / "templates/page.html").read_text(encoding="utf-8")
    stderr = fails_and_keeps_the_site(
        root, {"templates/page.html": page.replace("<h1>", '{% include "page.html" %}<h1>', 1)}
    )
    assert "templates/page.html:4: template error: this template includes or extends" in stderr


def test_a_template_that_is_not_utf8_is_an_error_at_the_bad_line(make_project):
    root = make_project()
    path = root / "templates/page.html"
    path.write_bytes(path.read_bytes().replace(b"<h1>", b"<h1>\xff", 1))
    assert build_errors(root) == [
        "templates/page.html:4: this template is not valid UTF-8 text; save it as UTF-8"
    ]


def test_each_distinct_template_mistake_is_reported_once(make_project):
    root = make_project()
    article = broken_template(root, "article.html", "{{ a.title }}", "{{ a.titel }}")
    exercise = broken_template(root, "exercise.html", "{{ e.title }}", "{{ e.titel }}")
    errors = build_errors(root)
    # two exercises fail on the same line: one error, with the first page it broke
    assert len(errors) == 2, errors
    assert errors[0].startswith(f"templates/article.html:{article}: template error: ")
    assert errors[0].endswith("(while rendering /articles/back-pain/)")
    assert errors[1].startswith(f"templates/exercise.html:{exercise}: template error: ")
    assert "titel" in errors[1] and "(while rendering /exercises/" in errors[1]


# 5. Images with too many pixels


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims `width` x `height` pixels in a few bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def with_photo(make_project, site_toml: str = MINIMAL["content/site.toml"]):
    article = MINIMAL[ARTICLE] + "\n![A runner on a bridge](images/bridge.png)\n"
    root = make_project({ARTICLE: article, "content/site.toml": site_toml})
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (15, 82, 87)).save(picture, "PNG")
    (root / "content/images/bridge.png").write_bytes(picture.getvalue())
    return root


def test_a_decompression_bomb_is_refused_at_the_line_using_it(make_project):
    root = with_photo(make_project)
    stderr = fails_and_keeps_the_site(root, {"content/images/bridge.png": png_header(30000, 30000)})
    assert f"{ARTICLE}:26: image 'images/bridge.png' has more pixels than the limit" in stderr
    assert "site.toml [limits] image_megapixels" in stderr and "export it smaller" in stderr


def test_an_image_over_the_pixel_limit_is_refused_before_it_is_decoded(make_project):
    site = MINIMAL["content/site.toml"] + "\n[limits]\nimage_megapixels = 1\n"
    root = with_photo(make_project, site)
    picture = io.BytesIO()
    Image.new("RGB", (1200, 1000), (15, 82, 87)).save(picture, "PNG")
    (root / "content/images/bridge.png").write_bytes(picture.getvalue())
    assert build_errors(root) == [
        f"{ARTICLE}:26: image 'images/bridge.png' has more pixels than the limit: it is "
        "1200 x 1000 pixels (1 megapixels), the limit is 1 megapixels (site.toml [limits] "
        "image_megapixels); export it smaller"
    ]


# 6. Markdown that would take minutes


@pytest.mark.parametrize(
    "body, expected",
    [
        ("[" * 20000, "this text has 20000 unclosed '[' or '](' "),
        ("[[" * 10000, "this text has 20000 unclosed '[' or '](' "),
        ("![" * 10000, "this text has 10000 unclosed '[' or '](' "),
        ("[](" * 6000, "this text has 6000 unclosed '[' or '](' "),
        ("<a " * 6000, "this text has 6000 '<' opening a tag or comment with no closing '>'"),
    ],
)
def test_markdown_too_slow_to_convert_is_an_error_naming_the_file(make_project, body, expected):
    errors = build_errors(make_project({PAGE: MINIMAL[PAGE] + body}))
    assert len(errors) == 1
    assert errors[0].startswith(f"{PAGE}:6: {expected}")
    assert "in reasonable time; close each" in errors[0]


def test_one_huge_paragraph_of_inline_markup_is_an_error_at_its_line(make_project):
    body = "Intro.\n\n" + "Words *with emphasis* and `code` and a [link](/about/). " * 7500
    errors = build_errors(make_project({PAGE: MINIMAL[PAGE] + body}))
    assert errors == [
        f"{PAGE}:8: this paragraph holds so much inline markup (emphasis, links, code, tags, "
        "entities) that Markdown cannot convert it in reasonable time; "
        "split it into paragraphs with blank lines"
    ]


def test_a_file_of_too_many_list_items_is_an_error_where_the_limit_is_passed(make_project):
    body = "- item *x* and [[bird-dog]]\n" * 7000
    errors = build_errors(make_project({PAGE: MINIMAL[PAGE] + body}))
    assert errors == [
        f"{PAGE}:6006: this file has 7000 list items, table rows, headings and quote lines, "
        "more than the 6000 Markdown can convert in reasonable time "
        "(number 6001 is here); split it into several pages"
    ]


def test_unclosed_brackets_in_a_front_matter_field_are_found_at_its_line(make_project):
    exercise = MINIMAL["content/exercises/goblet-squat.md"].replace(
        "why_it_works: The back", "why_it_works: " + "[" * 20000 + " The back"
    )
    errors = build_errors(make_project({"content/exercises/goblet-squat.md": exercise}))
    assert errors[0].startswith("content/exercises/goblet-squat.md:4: this text has 20000")


def test_unclosed_brackets_fail_the_cli_build(make_project):
    stderr = fails_and_keeps_the_site(make_project(), {PAGE: MINIMAL[PAGE] + "[" * 20000})
    assert f"{PAGE}:6: this text has 20000 unclosed '['" in stderr


def test_thousands_of_ordinary_paragraphs_still_build(make_project, tmp_path):
    body = "A plain paragraph with a [link](/about/) and *emphasis*.\n\n" * 7000
    build(make_project({PAGE: MINIMAL[PAGE] + body}), tmp_path / "out", search=False)


def test_ordinary_links_by_the_thousand_still_build(make_project, tmp_path):
    sentence = "See [the squat](/exercises/goblet-squat/) and [[bird-dog]] <b>today</b>. "
    body = (sentence * 10 + "\n\n") * 300  # 225 KB
    build(make_project({PAGE: MINIMAL[PAGE] + body}), tmp_path / "out", search=False)
