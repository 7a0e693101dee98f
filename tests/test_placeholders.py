"""Placeholder text is never published: what `prehab new` and `prehab studies
import` write for the editor to replace is an error at its line (a warning
in a draft); `prehab new` refuses titles whose file name the build would
reject, and says how to preview the draft it made."""

from __future__ import annotations

import json
import re

import pytest
from conftest import build, build_errors, run_cli

from generator import placeholders as ph
from generator.scaffold import MAX_SLUG
from generator.studies_import import import_studies

ARTICLE = "content/articles/knee-pain.md"
PREVIEW = (
    "It is a draft: preview it with `prehab serve` (drafts are shown there) or "
    "`prehab build --drafts`; "
    "replace the placeholder text, then set draft: false to publish."
)


def new(root, kind: str, title: str):
    return run_cli("new", kind, title, cwd=root)


def publish(root, rel: str) -> None:
    """What an editor does to publish a new file: a fixed date (the build's
    `today` is fixed too) and draft: false."""
    path = root / rel
    text = re.sub(r"(?m)^date: \S+", "date: 2026-03-02", path.read_text())
    path.write_text(text.replace("draft: true", "draft: false"))


def test_new_article_cannot_be_published_until_its_placeholders_are_replaced(make_project):
    root = make_project()
    assert new(root, "article", "Knee pain").returncode == 0
    publish(root, ARTICLE)
    assert build_errors(root) == [
        f"{ARTICLE}:5: 'summary' still holds the placeholder text from 'prehab new'; "
        "write one or two sentences that describe the article",
        f"{ARTICLE}:18: 'Start with a short, reassuring opening.' is the placeholder text "
        "from 'prehab new'; write the article's opening here",
        f"{ARTICLE}:22: 'Cite studies like this: `[@study-id]`, ...' is the placeholder "
        "text from 'prehab new'; delete this line, which only shows how to cite studies "
        "and link pages, and write the section's text",
    ]
    path = root / ARTICLE
    text = (
        path.read_text()
        .replace(ph.ARTICLE_SUMMARY.text, "Why knees hurt on long runs, and what helps.")
        .replace(ph.ARTICLE_OPENING.text, "Most knee pain in runners settles with load.")
        .replace(ph.ARTICLE_GUIDE.text, "Too much, too soon [@smith-2020-squats].")
    )
    path.write_text(text)
    assert build(root).report.errors == []


def test_a_sentence_edited_around_is_still_found_and_a_short_one_only_on_its_own(make_project):
    root = make_project()
    assert new(root, "article", "Knee pain").returncode == 0
    publish(root, ARTICLE)
    path = root / ARTICLE
    text = path.read_text().replace(
        ph.ARTICLE_OPENING.text, "Knee pain is common. " + ph.ARTICLE_OPENING.text
    )
    path.write_text(text + "\nThis is not a short bio.\n")
    lines = [line.split(":")[1] for line in build_errors(root)]
    assert lines == ["5", "18", "22"]


@pytest.mark.parametrize("kind", ["exercise", "routine", "author", "page"])
def test_every_kind_of_new_file_has_its_placeholders_found_at_their_lines(make_project, kind):
    root = make_project()
    result = new(root, kind, "Fresh start")
    assert result.returncode == 0, result.stderr
    rel = result.stdout.strip()
    publish(root, rel)
    # by construction: a line that is not a comment and holds a placeholder's text
    texts = [p.text for p in (*ph.FRONT, *ph.BODY)]
    expected = [
        n
        for n, line in enumerate((root / rel).read_text().split("\n"), 1)
        if not line.lstrip().startswith("#") and any(t in line for t in texts)
    ]
    errors = build_errors(root)
    assert expected and all(e.startswith(f"{rel}:") for e in errors)
    assert [int(e.split(":")[1]) for e in errors] == expected
    assert all("placeholder text from 'prehab new'" in e for e in errors)


def test_a_draft_with_placeholders_is_reported_but_still_previews(make_project):
    root = make_project()
    assert new(root, "article", "Knee pain").returncode == 0
    assert build(root).report.errors == []
    report = build(root, drafts=True).report
    assert report.errors == []
    assert [(d.path, d.line, d.code) for d in report.warnings if d.code == "placeholder"] == [
        (ARTICLE, 5, "placeholder"),
        (ARTICLE, 18, "placeholder"),
        (ARTICLE, 22, "placeholder"),
    ]


def test_placeholders_uncommented_in_front_matter_are_found_too(make_project):
    root = make_project()
    assert new(root, "article", "Knee pain").returncode == 0
    publish(root, ARTICLE)
    path = root / ARTICLE
    text = path.read_text().replace(
        "exercises: []",
        f'exercises:\n  - {{exercise: goblet-squat, why: "{ph.FEATURE_WHY.text}"}}\n'
        f'hero:\n  image: images/hero.svg\n  alt: "{ph.HERO_ALT.text}"',
    )
    path.write_text(text)
    errors = build_errors(root)
    assert (
        f"{ARTICLE}:15: 'exercises[1].why' still holds the placeholder text from "
        "'prehab new'; say why this exercise helps in this article" in errors
    )
    assert (
        f"{ARTICLE}:18: 'hero.alt' still holds the placeholder text from 'prehab new'; "
        "describe what the picture shows, for readers who cannot see it" in errors
    )


@pytest.mark.parametrize(
    ("kind", "title", "message"),
    [
        (
            "page",
            "Tags",
            "error: a page may not be called 'tags': /tags/ belongs to the site itself; "
            "choose another title",
        ),
        (
            "article",
            "Goblet squat",
            "error: content/exercises/goblet-squat.md already uses the name 'goblet-squat', "
            "and two files may not share one ([[goblet-squat]] would be ambiguous); "
            "choose another title",
        ),
        (
            "author",
            "Back basics",
            "error: content/routines/back-basics.md already uses the name 'back-basics', "
            "and two files may not share one ([[back-basics]] would be ambiguous); "
            "choose another title",
        ),
        (
            "page",
            "!!!",
            "error: cannot make a file name from '!!!': a file name needs Latin letters "
            "or digits (a-z, 0-9); add some to the title (e.g. a transliteration) and "
            "change the title inside the file afterwards",
        ),
        (
            "article",
            "Бег и колени",
            "error: cannot make a file name from 'Бег и колени': a file name needs Latin "
            "letters or digits (a-z, 0-9); add some to the title (e.g. a transliteration) "
            "and change the title inside the file afterwards",
        ),
        (
            "article",
            "Knee " * 20,
            f"error: the file name 'knee-knee-knee-knee-knee-knee-knee-knee...' would be 99 "
            f"characters, more than {MAX_SLUG}: use a shorter title and write the full one "
            "inside the file afterwards",
        ),
    ],
)
def test_new_refuses_a_title_whose_file_name_the_build_would_reject(
    make_project, kind, title, message
):
    root = make_project()
    before = sorted(p.relative_to(root) for p in (root / "content").rglob("*"))
    result = new(root, kind, title)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", message + "\n")
    assert sorted(p.relative_to(root) for p in (root / "content").rglob("*")) == before


def test_reserved_names_are_for_pages_only_and_80_characters_are_allowed(make_project):
    root = make_project()
    assert new(root, "article", "Search").returncode == 0
    title = "a" * MAX_SLUG
    assert new(root, "page", title).stdout.strip() == f"content/pages/{title}.md"


def test_new_says_how_to_preview_a_draft_and_that_pages_have_none(make_project):
    root = make_project()
    made = new(root, "article", "Knee pain")
    assert (made.stdout, made.stderr) == (ARTICLE + "\n", PREVIEW + "\n")
    page = new(root, "page", "Contact us")
    assert page.stderr == (
        "Pages have no drafts: replace the placeholder text before the next build, "
        "which refuses it.\n"
    )
    # what the hint promises: drafts in the preview unless hidden, and a --drafts build
    assert "--no-drafts" in run_cli("serve", "--help", cwd=root).stdout
    assert "--drafts" in run_cli("build", "--help", cwd=root).stdout


def test_an_imported_studys_todo_finding_is_an_error_at_its_line(make_project, tmp_path):
    root = make_project()
    export = tmp_path / "export.json"
    export.write_text(
        json.dumps(
            [
                {
                    "title": "Hip strengthening for runners",
                    "author": [{"family": "Lee", "given": "Kim"}],
                    "issued": {"date-parts": [[2021]]},
                    "container-title": "Journal of Running",
                    "DOI": "10.1000/hip.2021",
                }
            ]
        )
    )
    assert import_studies(root, export).added == ["lee-2021-hip"]
    registry = root / "content/studies.yml"
    assert registry.read_text().split("\n")[24] == f"  finding: '{ph.STUDY_FINDING.text}'"
    assert build_errors(root) == [
        "content/studies.yml:25: study 'lee-2021-hip': 'finding' still holds the "
        "placeholder text from 'prehab studies import'; "
        "write the study's finding in one plain sentence"
    ]
    registry.write_text(
        registry.read_text().replace(ph.STUDY_FINDING.text, "Hip work eased knee pain.")
    )
    assert build(root).report.errors == []


def test_only_the_imported_todo_is_an_error_a_hand_written_one_is_left_to_check(make_project):
    root = make_project()
    registry = root / "content/studies.yml"
    registry.write_text(registry.read_text().replace("Walking helped too.", "TODO write it"))
    assert build(root).report.errors == []  # `prehab check` warns about it (todo-finding)
