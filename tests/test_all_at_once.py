"""Issue 14's proof: nineteen ordinary mistakes in ten files of the demo
publication are all reported by one run of `prehab build`, each at its own
file line, and once they are fixed the next build succeeds with nothing new.
Also: drafts are checked (their mistakes are warnings labelled "(draft)"),
and the preview shows drafts with a badge and noindex."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from conftest import REPO, build, run_cli, soup, without_card_time_limit


@dataclass(frozen=True)
class Mistake:
    path: str  # project-relative
    old: str  # text replaced (must occur in the file)
    new: str
    marker: str  # the text at the line the message must name
    says: str  # a word the message must hold


MISTAKES = [
    # a wrong author and a broken [[link]] in the same article
    Mistake(
        "content/articles/runners-knee.md",
        "author: maria-lindqvist",
        "author: maria-lindqvst",
        "author: maria-lindqvst",
        "maria-lindqvist",
    ),
    Mistake(
        "content/articles/runners-knee.md",
        "## What causes it",
        "Start with [[no-such-page]].\n\n## What causes it",
        "[[no-such-page]]",
        "no-such-page",
    ),
    # an impossible date, and in the same (rejected) file an unknown citation
    Mistake(
        "content/articles/shin-splints.md",
        "\ndate: 2026-04-22",
        "\ndate: 2026-02-30",
        "date: 2026-02-30",
        "2026-02-30",
    ),
    Mistake(
        "content/articles/shin-splints.md",
        "\n## ",
        "\nAs shown before [@nosuch-2019].\n\n## ",
        "[@nosuch-2019]",
        "nosuch-2019",
    ),
    # front matter YAML cannot read (a tab), and a broken link in its body
    Mistake(
        "content/articles/achilles-pain.md",
        "\nsummary:",
        "\n\tsummary:",
        "\tsummary:",
        "tab",
    ),
    Mistake(
        "content/articles/achilles-pain.md",
        "\n## ",
        "\nUse [[achiles-and-calf]] for this.\n\n## ",
        "[[achiles-and-calf]]",
        "achilles-and-calf",
    ),
    # a dose written as text, and an unknown body area in the same file
    Mistake(
        "content/exercises/goblet-squat.md",
        "dose:\n  sets: 3\n  reps: 10\n  per_side: false\n  rest_seconds: 90\n",
        "dose: 3x10\n",
        "dose: 3x10",
        "reps",
    ),
    Mistake(
        "content/exercises/goblet-squat.md",
        "body_areas: [lower-back, knee, hip]",
        "body_areas: [lower-back, knees, hip]",
        "body_areas:",
        "knees",
    ),
    # a capitalised key, and an unknown study inside a folded why_it_works
    Mistake("content/exercises/bird-dog.md", "\ntitle:", "\nTitle: x\ntitle:", "Title: x", "Title"),
    Mistake(
        "content/exercises/bird-dog.md",
        "[@cai-2017-runners-clbp]",
        "[@nosuch-2020]",
        "[@nosuch-2020]",
        "nosuch-2020",
    ),
    # a routine: an unknown exercise and a step dose with two wrong numbers
    Mistake(
        "content/routines/knee-and-hip.md",
        "- exercise: glute-bridge",
        "- exercise: glute-brige",
        "glute-brige",
        "glute-bridge",
    ),
    Mistake(
        "content/routines/knee-and-hip.md",
        "    sets: 2\n    reps: 8",
        "    sets: 0\n    reps: -1",
        "sets: 0",
        "sets",
    ),
    Mistake("content/routines/knee-and-hip.md", "    reps: -1", "    reps: -1", "reps: -1", "reps"),
    # the study registry: an impossible date
    Mistake(
        "content/studies.yml",
        "  year: 2017\n",
        "  year: 2017\n  published: 2017-13-01\n",
        "published: 2017-13-01",
        "2017-13-01",
    ),
    # a page: a link to a Markdown file, a missing image, a broken anchor
    Mistake(
        "content/pages/about.md",
        "\n## ",
        "\nRead [the knee article](runners-knee.md).\n\n## ",
        "(runners-knee.md)",
        "[[runners-knee]]",
    ),
    Mistake(
        "content/pages/about.md",
        "\n## ",
        "\n![A knee](images/nope.png)\n\n## ",
        "images/nope.png",
        "nope.png",
    ),
    Mistake(
        "content/pages/about.md",
        "\n## ",
        "\nSee [the steps](/exercises/clamshell/#how-to-doit).\n\n## ",
        "#how-to-doit",
        "#how-to-do-it",
    ),
    # an author: a colon in an unquoted value
    Mistake(
        "content/authors/tom-okafor.md",
        "role: Sports doctor and marathon runner",
        "role: Sports doctor: marathon runner",
        "role: Sports doctor",
        "role",
    ),
    # a template mistake
    Mistake(
        "templates/page.html",
        "{% block main %}",
        "{% block main %}{{ node.title + 1 }}",
        "node.title + 1",
        "/about/",
    ),
]

DRAFT = """---
title: A draft about knees
date: 2026-01-01
summary: Not finished yet.
author: nobody-yet
draft: true
body_areas: [knee]
---
See [[nowhere-yet]].
"""


def copy_demo(root: Path) -> Path:
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    site = root / "content/site.toml"
    site.write_text(without_card_time_limit(site.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def make_mistakes(root: Path) -> dict[str, str]:
    """Apply every mistake; returns the original text of each file changed."""
    originals = {}
    for mistake in MISTAKES:
        path = root / mistake.path
        text = path.read_text(encoding="utf-8")
        originals.setdefault(mistake.path, text)
        assert mistake.old in text, mistake
        path.write_text(text.replace(mistake.old, mistake.new, 1), encoding="utf-8")
    return originals


def line_of(root: Path, mistake: Mistake) -> int:
    lines = (root / mistake.path).read_text(encoding="utf-8").split("\n")
    found = [i for i, line in enumerate(lines, start=1) if mistake.marker in line]
    assert len(found) == 1, (mistake, found)
    return found[0]


def test_every_mistake_in_one_run_then_a_clean_build(tmp_path):
    root = copy_demo(tmp_path / "project")
    good = run_cli("build", "--no-search", "--project", str(root), cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    site = root / "site_output"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    originals = make_mistakes(root)
    (root / "content/articles/a-draft.md").write_text(DRAFT, encoding="utf-8")
    assert len(MISTAKES) >= 15 and len(originals) >= 6

    run = run_cli("build", "--no-search", "--project", str(root), cwd=tmp_path)

    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and "bug in prehab" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if re.match(r"\S+:\d+: (?!warning)", line)]
    for mistake in MISTAKES:
        where = f"{mistake.path}:{line_of(root, mistake)}: "
        said = [e for e in errors if e.startswith(where) and mistake.says in e]
        assert said, f"{where} ({mistake.says}) not reported in:\n" + "\n".join(errors)
    # one message per mistake: nothing is reported twice or invented
    assert len(errors) == len(MISTAKES), "\n".join(errors)
    assert f"build failed: {len(MISTAKES)} errors" in run.stderr
    # the draft's own mistakes are reported too, as warnings, labelled
    draft = "content/articles/a-draft.md"
    assert f"{draft}:5: warning: (draft) unknown author 'nobody-yet'" in run.stderr
    assert f"{draft}:9: warning: (draft) unknown link [[nowhere-yet]]" in run.stderr
    # no false warnings from the files that were rejected
    assert "cited nowhere" not in run.stderr and "featured in no" not in run.stderr
    # the last good site is untouched
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before

    for rel, text in originals.items():
        (root / rel).write_text(text, encoding="utf-8")
    fixed = run_cli("build", "--no-search", "--project", str(root), cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    assert "error" not in fixed.stderr.replace("(draft)", "")
    assert not (site / "articles/a-draft/index.html").exists()


def test_check_reports_a_drafts_mistakes_labelled(tmp_path):
    root = copy_demo(tmp_path / "project")
    (root / "content/articles/a-draft.md").write_text(DRAFT, encoding="utf-8")
    run = run_cli("check", "--project", str(root), cwd=tmp_path)
    assert "content/articles/a-draft.md:5: warning: (draft) unknown author" in run.stdout + (
        run.stderr
    )


def test_a_link_to_a_scheduled_article_gives_its_date(tmp_path):
    root = copy_demo(tmp_path / "project")
    article = root / "content/articles/shin-splints.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(re.sub(r"\ndate: .*", "\ndate: 2099-03-04", text, count=1), "utf-8")
    page = root / "content/pages/about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [[shin-splints]].\n", "utf-8")
    run = run_cli("build", "--no-search", "--no-pdf", "--project", str(root), cwd=tmp_path)
    assert run.returncode == 1
    message = next(line for line in run.stderr.splitlines() if "[[" not in line and "2099" in line)
    assert "scheduled for 2099-03-04" in message
    assert "--future" not in message


def test_the_preview_shows_drafts_with_a_badge_and_noindex(tmp_path):
    root = copy_demo(tmp_path / "project")
    draft = DRAFT.replace("author: nobody-yet", "author: tom-okafor").replace(
        "See [[nowhere-yet]].", "Work in progress."
    )
    (root / "content/articles/a-draft.md").write_text(draft, encoding="utf-8")
    out = tmp_path / "preview"
    build(root, out, drafts=True)
    page = soup(out / "articles/a-draft/index.html")
    badge = page.select_one(".unpublished-badge")
    assert badge is not None and "Draft" in badge.get_text()
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    published = soup(out / "articles/runners-knee/index.html")
    assert published.select_one(".unpublished-badge") is None
    assert published.select_one('meta[name="robots"]') is None
