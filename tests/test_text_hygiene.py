"""Issue 15, text hygiene: control characters are errors at their line,
invisible characters in titles and tags are warnings, file names and tags
that cannot be addresses everywhere are refused, and tags written
differently are one tag with one name."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from conftest import MINIMAL, build, build_errors, soup

ARTICLE = "content/articles/back-pain.md"


def article_with(old: str, new: str) -> str:
    text = MINIMAL[ARTICLE]
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x7f", "\x0b"])
def test_a_control_character_is_an_error_at_its_line(make_project, char):
    root = make_project(
        {ARTICLE: article_with("title: Lower back pain", f"title: Lower{char} back pain")}
    )
    errors = build_errors(root)
    assert errors == [
        f"{ARTICLE}:2: line 2 holds an invisible control character (U+{ord(char):04X}, "
        "column 13); delete it (it often comes from pasting out of a PDF or a word processor)"
    ]


def test_a_control_character_hides_no_other_mistake(make_project):
    text = article_with("title: Lower back pain", "title: Lower\x07 back pain")
    text = text.replace("author: ann-author", "author: nobody")
    root = make_project({ARTICLE: text})
    errors = build_errors(root)
    assert [e.split(": ")[0] for e in errors] == [f"{ARTICLE}:2", f"{ARTICLE}:5"]
    assert "unknown author 'nobody'" in errors[1]


def test_a_control_character_in_the_study_registry_is_an_error(make_project):
    studies = MINIMAL["content/studies.yml"]
    first_title = next(line for line in studies.split("\n") if "title:" in line)
    root = make_project(
        {"content/studies.yml": studies.replace(first_title, first_title + "\x01", 1)}
    )
    line = studies.split("\n").index(first_title) + 1
    assert build_errors(root)[0].startswith(f"content/studies.yml:{line}: line {line} holds")


def test_without_the_control_character_the_feed_is_valid_xml(make_project, tmp_path):
    root = make_project()
    build(root, tmp_path / "out")
    ET.parse(tmp_path / "out/feed.xml")  # the baseline parses


@pytest.mark.parametrize(
    "char, name", [("\u202e", "right-to-left override"), ("\u200b", "zero width space")]
)
def test_invisible_characters_in_titles_and_tags_are_warnings(make_project, tmp_path, char, name):
    text = article_with("title: Lower back pain", f"title: Lower back{char} pain")
    text = text.replace("tags: [low back pain, strength]", f"tags: [low back pain, str{char}ength]")
    root = make_project({ARTICLE: text})
    report = build(root, tmp_path / "out").report
    warnings = [d.format() for d in report.warnings if d.code == "invisible-character"]
    assert warnings == [
        f"{ARTICLE}:2: warning: 'title' holds an invisible character ({name}, "
        f"U+{ord(char):04X}) that can make it read differently from what it is; delete it",
        f"{ARTICLE}:6: warning: 'tags' holds an invisible character ({name}, "
        f"U+{ord(char):04X}) that can make it read differently from what it is; delete it",
    ]


@pytest.mark.parametrize("name", ["con", "nul", "aux", "com1", "lpt9"])
def test_windows_reserved_file_names_are_refused(make_project, name):
    root = make_project({f"content/pages/{name}.md": "---\ntitle: A page\n---\nText.\n"})
    errors = build_errors(root)
    assert errors == [
        f"content/pages/{name}.md:1: bad file name '{name}.md': '{name}' is a name Windows "
        "reserves for a device (the site could not be copied there); rename the file"
    ]


def test_a_file_name_over_80_characters_is_refused(make_project):
    slug = "-".join(["knee"] * 17)  # 84 characters
    root = make_project({f"content/pages/{slug}.md": "---\ntitle: A page\n---\nText.\n"})
    assert build_errors(root) == [
        f"content/pages/{slug}.md:1: bad file name '{slug}.md': it is 84 characters long; "
        "the limit is 80; rename the file"
    ]


def test_a_tag_that_would_be_a_reserved_name_is_refused(make_project):
    root = make_project({ARTICLE: article_with("tags: [low back pain, strength]", "tags: [Con]")})
    assert build_errors(root) == [
        f"{ARTICLE}:6: tag 'Con' cannot be an address: 'con' is a name Windows reserves "
        "for a device (the site could not be copied there)"
    ]


def test_a_tag_without_latin_letters_says_what_to_write(make_project):
    root = make_project({ARTICLE: article_with("tags: [low back pain, strength]", "tags: [膝]")})
    assert build_errors(root) == [
        f"{ARTICLE}:6: tag '膝' has no Latin letters or digits to make its address (/tags/.../) "
        "from; write it with some, e.g. 'knee pain'"
    ]


def test_tags_that_differ_by_case_or_spacing_are_one_tag_with_one_name(make_project, tmp_path):
    text = article_with(
        "tags: [low back pain, strength]", "tags: [Shin splints, shin  splints, couch to 5k]"
    )
    root = make_project({ARTICLE: text})
    out = tmp_path / "out"
    build(root, out)
    # named with a capital, as body areas are, whatever case the editor typed
    assert soup(out / "tags/couch-to-5k/index.html").h1.get_text(strip=True) == "Couch to 5k"
    assert soup(out / "tags/shin-splints/index.html").h1.get_text(strip=True) == "Shin splints"
    listed = [a.get_text(strip=True) for a in soup(out / "tags/index.html").select("main a")]
    assert listed.count("Shin splints") == 1 and "shin  splints" not in listed
