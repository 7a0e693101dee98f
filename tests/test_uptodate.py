"""A rebuild with nothing changed does nothing: no file in the output is
rewritten, the last build's warnings are shown again, and any real change
(content, a template, the date, an option, a deleted output file) builds."""

from __future__ import annotations

import datetime as dt
import os

from conftest import MINIMAL, TODAY, build

from generator.build import build_site
from generator.config import BuildOptions


def mtimes(folder):
    return {p: p.stat().st_mtime_ns for p in sorted(folder.rglob("*")) if p.is_file()}


def test_nothing_changed_rewrites_nothing_and_repeats_the_warnings(make_project):
    studies = (
        MINIMAL["content/studies.yml"]
        + "unused-2001-study:\n  title: Unused\n  authors: [A B]\n  year: 2001\n  journal: J\n"
        "  url: https://example.org/x\n  finding: Nothing.\n"
    )
    root = make_project({"content/studies.yml": studies})
    first = build(root)
    assert not first.unchanged and first.pages > 0
    before = mtimes(root / "site_output")
    again = build(root)
    assert again.unchanged and again.pages == first.pages and again.files == first.files
    assert mtimes(root / "site_output") == before
    assert (
        [d.format() for d in again.report.warnings]
        == [d.format() for d in first.report.warnings]
        != []
    )
    assert "Nothing changed since the last build" in again.summary()


def test_touching_a_file_without_changing_it_is_not_a_change(make_project):
    root = make_project()
    build(root)
    article = root / "content/articles/back-pain.md"
    os.utime(article, ns=(article.stat().st_atime_ns, article.stat().st_mtime_ns + 5_000_000_000))
    assert build(root).unchanged


def test_every_real_change_builds(make_project):
    root = make_project()
    build(root)
    article = root / "content/articles/back-pain.md"
    article.write_text(article.read_text().replace("\n---\n", "\n---\nA new first line.\n\n", 1))
    changed = build(root)
    assert not changed.unchanged and changed.rendered_urls
    assert "A new first line." in (root / "site_output/articles/back-pain/index.html").read_text()
    assert build(root).unchanged

    base = root / "templates/base.html"
    base.write_text(base.read_text().replace("</body>", "<!-- new footer note --></body>"))
    assert not build(root).unchanged
    assert "new footer note" in (root / "site_output/index.html").read_text()

    assert not build(root, search=False).unchanged  # another option
    assert not build_site(
        root, None, BuildOptions(pdf=False, search=False), today=TODAY + dt.timedelta(days=1)
    ).unchanged

    (root / "site_output/about/index.html").unlink()
    assert not build(root).unchanged
    assert (root / "site_output/about/index.html").is_file()


def test_a_hand_edited_added_or_emptied_output_builds_again(make_project):
    root = make_project()
    build(root)
    page = root / "site_output/about/index.html"
    clean = page.read_bytes()
    page.write_bytes(clean.replace(b"</body>", b"<p>edited by hand</p></body>"))
    assert not build(root).unchanged
    assert page.read_bytes() == clean

    stray = root / "site_output/about/notes.txt"
    stray.write_text("left here")
    assert not build(root).unchanged
    assert not stray.exists()

    (root / "site_output/empty-folder").mkdir()
    assert not build(root).unchanged
    assert not (root / "site_output/empty-folder").exists()
    assert build(root).unchanged


def test_the_command_says_nothing_changed_and_repeats_the_warnings(make_project):
    from conftest import run_cli

    studies = (
        MINIMAL["content/studies.yml"]
        + "unused-2001-study:\n  title: Unused\n  authors: [A B]\n  year: 2001\n  journal: J\n"
        "  url: https://example.org/x\n  finding: Nothing.\n"
    )
    root = make_project({"content/studies.yml": studies})
    first = run_cli("build", "--no-pdf", cwd=root)
    assert first.returncode == 0 and "Built " in first.stdout
    again = run_cli("build", "--no-pdf", cwd=root)
    assert again.returncode == 0 and "Nothing changed since the last build" in again.stdout
    assert (
        "unused-2001-study" in again.stderr
        and again.stderr.count("warning:") == first.stderr.count("warning:") == 1
    )
    built = run_cli("build", cwd=root)  # PDF cards on: another build
    assert built.returncode == 0 and "Built " in built.stdout


def test_a_newly_installed_font_rebuilds_and_renders_the_cards_again(make_project, tmp_path):
    """Fonts and PDF libraries shape the cards' bytes: a font installed since
    the last build (here in ~/.fonts) means a real build, and the cards are
    not taken from the cache."""
    import subprocess
    import sys

    root = make_project()
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}

    def cli_build() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "generator", "build", "--no-search"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "2 PDFs (2 rendered, 0 from cache)" in cli_build()
    assert "Nothing changed since the last build" in cli_build()
    (home / ".fonts").mkdir()
    (home / ".fonts" / "NewSans.ttf").write_bytes(
        b"not really a font, but a new file where fontconfig looks"
    )
    rebuilt = cli_build()
    assert "Nothing changed" not in rebuilt and "2 PDFs (2 rendered, 0 from cache)" in rebuilt
