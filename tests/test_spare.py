"""The spare: a build keeps the site it replaced beside the output and the
next build brings it up to date instead of making every folder again. The
site it swaps in must be exactly a clean build's, and the live site must
never change while the next one is put together."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import build, snapshot

from generator.write import MARKER

ABOUT = "content/pages/about.md"
TEAM = "content/pages/team.md"


def page(title: str, body: str) -> str:
    return f"---\ntitle: {title}\nsummary: A page.\n---\n{body}\n"


def with_a_spare(make_project) -> tuple[Path, Path, Path]:
    """A project built twice (a team page added in between): its root, its
    output and the spare, which holds the first build's site."""
    root = make_project()
    out, spare = root / "site_output", root / ".site_output.spare"
    build(root, out, search=False)
    (root / TEAM).write_text(page("Team", "Two physios."))
    build(root, out, search=False)
    return root, out, spare


def assert_a_clean_build(root: Path, out: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    build(root, clean, search=False)
    assert snapshot(out) == snapshot(clean)


def test_a_site_made_from_the_spare_is_a_clean_builds_byte_for_byte(make_project, tmp_path):
    root = make_project()
    out, spare = root / "site_output", root / ".site_output.spare"
    build(root, out, search=False)
    (root / TEAM).write_text(page("Team", "Two physios."))
    (root / ABOUT).write_text(page("About", "We are runners and physios."))
    build(root, out, search=False)  # the first site becomes the spare
    assert spare.is_dir() and "team/index.html" not in snapshot(spare)
    # the spare now has a page too many (team) and one out of date (about, which
    # this build does not change: it comes from the live site)
    (root / TEAM).unlink()
    claimed = os.stat(spare).st_ino
    build(root, out, search=False)
    assert os.stat(out).st_ino == claimed  # built from the spare, not a fresh folder
    assert_a_clean_build(root, out, tmp_path)
    assert b"runners and physios" in (out / "about/index.html").read_bytes()
    assert not (out / "team").exists()


def test_the_live_site_is_never_written_through_a_link_the_spare_shares(make_project):
    root, out, spare = with_a_spare(make_project)
    live = snapshot(out)
    about = out / "about/index.html"
    # the about page did not change in the last build: the live file and the spare's are one
    assert os.path.samefile(about, spare / "about/index.html")
    (root / ABOUT).write_text(page("About", "We are runners and physios."))
    build(root, out, search=False)
    assert b"runners and physios" in (out / "about/index.html").read_bytes()
    # the site it replaced (now the spare) kept its own about page, unchanged
    assert snapshot(spare) == live


def test_unchanged_pages_are_the_same_files_in_the_spare_and_are_left_alone(make_project):
    root, out, spare = with_a_spare(make_project)
    (root / TEAM).write_text(page("Team", "Three physios."))
    build(root, out, search=False)
    # the goblet squat page was made once: the live site and the spare hold that one file
    assert os.path.samefile(
        out / "exercises/goblet-squat/index.html", spare / "exercises/goblet-squat/index.html"
    )
    assert (out / MARKER).is_file()


def test_a_spare_holding_a_symlink_is_not_used_and_nothing_is_written_through_it(
    make_project, tmp_path
):
    root, out, spare = with_a_spare(make_project)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_text("not the site's")
    shutil.rmtree(spare / "about")
    (spare / "about").symlink_to(outside, target_is_directory=True)
    (root / ABOUT).write_text(page("About", "We are runners and physios."))
    build(root, out, search=False)
    assert (outside / "index.html").read_text() == "not the site's"
    assert not (out / "about").is_symlink()
    assert_a_clean_build(root, out, tmp_path)


def test_a_spare_with_files_where_folders_go_and_folders_where_files_go_is_mended(
    make_project, tmp_path
):
    root, out, spare = with_a_spare(make_project)
    shutil.rmtree(spare / "about")
    (spare / "about").write_text("a file where a folder goes")
    (spare / "sitemap.xml").unlink()
    (spare / "sitemap.xml").mkdir()
    (spare / "sitemap.xml/stray.html").write_text("a folder where a file goes")
    # folders the new site does not have, one named like the start of another
    # ("stray" sorts before "stray-too", which sorts before "stray/deep")
    (spare / "stray/deep").mkdir(parents=True)
    (spare / "stray/deep/x.html").write_text("not in the new site")
    (spare / "stray-too").mkdir()
    (spare / "stray-too/y.html").write_text("not in the new site either")
    claimed = os.stat(spare).st_ino
    (root / ABOUT).write_text(page("About", "We are runners and physios."))
    build(root, out, search=False)
    assert os.stat(out).st_ino == claimed  # the spare, mended, is the new site
    assert_a_clean_build(root, out, tmp_path)
    assert not list(root.glob(".site_output.old-*"))  # what was dropped is deleted
