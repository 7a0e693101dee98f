"""Random content never crashes the build: structured front matter (random
keys and values of random types), raw front-matter text and Markdown bodies
made of Markdown's metacharacters either build or fail with content errors
(`path:line: message`), never with another exception."""

from __future__ import annotations

import datetime as dt

import yaml
from conftest import MINIMAL, build, write_project
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from generator.diagnostics import ContentErrors

ARTICLE = "content/articles/back-pain.md"
EXERCISE = "content/exercises/goblet-squat.md"
PAGE = "content/pages/about.md"

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FIELDS = [
    "title",
    "Title",
    "date",
    "updated",
    "summary",
    "author",
    "tags",
    "body_areas",
    "hero",
    "exercises",
    "routine",
    "draft",
    "dose",
    "image",
    "cues",
    "studies",
    "level",
    "str",
    "on",
    "a[0]",
]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
    | st.sampled_from(["goblet-squat", "ann-author", "back-basics", "2026-02-30", "[[x]]"])
)
KEYS = st.sampled_from(FIELDS) | st.text(max_size=12) | st.integers(-5, 5) | st.booleans()
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)
YAMLISH = st.lists(
    st.sampled_from(list("abc019 :-[]{}#&*!|>'\"%@`,?~\n\t.=<\\") + ["2026-02-30", "on", "  "]),
    max_size=120,
).map("".join)
MARKDOWN = st.lists(
    st.sampled_from(
        list("*_`[]()<>!&#-+=|~\\:;@ \n")
        + ["\n\n", "    ", "[[", "]]", "[@", "](", "<a ", "-->"]
        + ["<!--", "```", "> ", "1. ", "- ", "x", "word", "&amp;", "![", "|---|", "\t", "\u00e9"]
    ),
    max_size=300,
).map("".join)


def fuzz_project(tmp_path):
    """One project for every example of a test (tmp_path is shared by them)."""
    root = tmp_path / "project"
    if not root.exists():
        write_project(root, {})
    return root


def builds_or_reports(root, tmp_path) -> None:
    """The build succeeds or raises ContentErrors pointing into the project."""
    try:
        build(root, tmp_path / "out", search=False)
    except ContentErrors as exc:
        errors = exc.report.errors
        assert errors, "a failed build names at least one problem"
        for error in errors:
            assert error.path.startswith(("content/", "templates/")), error
            assert error.message, error


def front_matter_file(front: dict, body: str = "Some text.\n") -> str:
    text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    return f"---\n{text}---\n{body}"


@FUZZ
@given(fields=st.dictionaries(KEYS, VALUES, max_size=6), into=st.sampled_from([ARTICLE, EXERCISE]))
def test_random_front_matter_fields_never_crash_the_build(tmp_path, fields, into):
    root = fuzz_project(tmp_path)
    valid = yaml.safe_load(MINIMAL[into].split("---\n")[1])
    for path in (ARTICLE, EXERCISE):
        (root / path).write_text(MINIMAL[path], encoding="utf-8")
    (root / into).write_text(front_matter_file({**valid, **fields}), encoding="utf-8")
    builds_or_reports(root, tmp_path)


@FUZZ
@given(text=YAMLISH)
def test_random_front_matter_text_never_crashes_the_build(tmp_path, text):
    root = fuzz_project(tmp_path)
    (root / ARTICLE).write_text(f"---\n{text}\n---\nSome text.\n", encoding="utf-8")
    builds_or_reports(root, tmp_path)


@FUZZ
@given(body=MARKDOWN)
@example(body="]#<![    - <")  # a malformed declaration: Python 3.11's HTMLParser asserts
def test_random_markdown_bodies_never_crash_the_build(tmp_path, body):
    root = fuzz_project(tmp_path)
    (root / PAGE).write_text(MINIMAL[PAGE] + body, encoding="utf-8")
    builds_or_reports(root, tmp_path)
