"""Output safety and determinism: the same content gives byte-identical
files, nothing lands outside the output folder, and prehab refuses to
replace a folder it did not make."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build, run_cli, snapshot

from generator.model import Output
from generator.write import MARKER, UnsafeOutput, safe_destination, write_site


def test_building_twice_and_in_two_folders_gives_identical_bytes(make_project, tmp_path):
    root = make_project()
    build(root, tmp_path / "one")
    first = snapshot(tmp_path / "one")
    build(root, tmp_path / "one")
    build(root, tmp_path / "two")
    assert snapshot(tmp_path / "one") == first
    assert snapshot(tmp_path / "two") == first
    assert len(first) > 20


@pytest.mark.parametrize(
    "relative", ["../evil.html", "/etc/evil", "a/../../evil", "a\\..\\evil", ""]
)
def test_paths_that_escape_the_output_folder_are_refused(tmp_path, relative):
    with pytest.raises(UnsafeOutput):
        safe_destination(tmp_path, relative)


def test_a_symlink_inside_the_staging_folder_cannot_lead_outside(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "site" / "link").symlink_to(tmp_path / "outside")
    with pytest.raises(UnsafeOutput):
        safe_destination(tmp_path / "site", "link/page.html")


def test_write_refuses_an_escaping_output_and_keeps_the_old_site(tmp_path):
    out = tmp_path / "site"
    write_site(out, [Output("index.html", b"old")], [])
    with pytest.raises(UnsafeOutput):
        write_site(out, [Output("index.html", b"new"), Output("../escaped.html", b"x")], [])
    assert (out / "index.html").read_bytes() == b"old"
    assert not (tmp_path / "escaped.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_build_refuses_to_replace_a_folder_prehab_did_not_make(make_project, tmp_path):
    root = make_project()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    result = run_cli("build", "--output", str(precious), cwd=root)
    assert result.returncode == 2
    assert "refusing to replace" in result.stderr and "Traceback" not in result.stderr
    assert (precious / "thesis.txt").read_text() == "years of work"
    for bad in (root, root / "content"):
        assert run_cli("build", "--output", str(bad), cwd=root).returncode == 2
    assert (root / "content/site.toml").is_file()


def test_output_folder_carries_the_marker_and_is_rebuilt_in_place(make_project):
    root = make_project()
    assert run_cli("build", cwd=root).returncode == 0
    assert (root / "site_output" / MARKER).is_file()
    (root / "site_output/stale.html").write_text("old page")
    assert run_cli("build", cwd=root).returncode == 0
    assert not (root / "site_output/stale.html").exists()


def test_build_outside_a_project_says_so_in_one_sentence(tmp_path):
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 2
    assert "is not a prehab project" in result.stderr and "Traceback" not in result.stderr


def test_the_demo_with_pdfs_and_search_builds_byte_identical_in_two_folders(
    demo_project, demo_build, tmp_path
):
    from conftest import TODAY

    from generator.build import build_site
    from generator.config import BuildOptions

    first, _ = demo_build
    build_site(demo_project, tmp_path / "again", BuildOptions(), today=TODAY)
    one, two = snapshot(first), snapshot(tmp_path / "again")
    assert one.keys() == two.keys()
    assert [p for p in one if one[p] != two[p]] == []
    assert any(p.endswith(".pdf") for p in one) and any(p.startswith("pagefind/") for p in one)


def test_a_rebuild_reuses_the_last_builds_pages_and_gives_the_same_bytes_as_a_clean_build(
    make_project, tmp_path
):
    from generator.build import CACHE_FOLDER

    root = make_project()  # no search index here: Pagefind's own bytes vary without its cache
    out = tmp_path / "a"
    first = build(root, out, search=False)
    assert first.pages_rendered == first.pages
    (root / "content/pages/about.md").write_text(
        "---\ntitle: About\nsummary: Who we are.\n---\nWe are runners and physios.\n"
    )
    changed = build(root, out, search=False)
    assert changed.rendered_urls == [
        "/about/"
    ]  # the other pages come from the last build's output, unrewritten
    import shutil

    shutil.rmtree(root / CACHE_FOLDER)
    clean = build(root, tmp_path / "d", search=False)
    assert clean.pages_rendered == clean.pages
    assert snapshot(out) == snapshot(tmp_path / "d")


def test_a_hand_edited_output_is_never_reused(make_project, tmp_path):
    root = make_project()
    out = tmp_path / "a"
    build(root, out, search=False)
    page = out / "articles/back-pain/index.html"
    page.write_text(page.read_text().replace("</body>", "<p>edited by hand</p></body>"))
    (root / "content/pages/about.md").write_text(
        "---\ntitle: About\nsummary: Who we are.\n---\nWe are runners.\n"
    )
    again = build(root, out, search=False)
    assert "/articles/back-pain/" in again.rendered_urls
    assert "edited by hand" not in page.read_text()
    elsewhere = build(root, tmp_path / "b", search=False)  # another folder: nothing to link from
    assert elsewhere.pages_rendered == elsewhere.pages


def test_a_memo_file_not_signed_by_this_user_is_never_unpickled(make_project, tmp_path):
    import pickle

    from generator.build import CACHE_FOLDER, MEMO_NAME

    root = make_project()
    planted = root / CACHE_FOLDER / MEMO_NAME
    planted.parent.mkdir(parents=True)

    class Boom:
        def __reduce__(self):
            return (open, (str(tmp_path / "owned"), "w"))

    planted.write_bytes(b"\0" * 32 + pickle.dumps(("0.1.0", Boom())))
    build(root, tmp_path / "out")
    assert not (tmp_path / "owned").exists()


# --output folders that are not output folders: each refused in one line
# (exit 2), before anything is read there. The up-to-date check, which
# would walk the folder's listing (all of `/`), must not even be reached.
# (what, the folder given project, tmp_path and the folder holding home/, why)
REFUSED_OUTPUTS = [
    ("/", lambda project, tmp, top: Path("/"), "it is the root of the filesystem"),
    ("link-to-/", lambda project, tmp, top: tmp / "link", "it is the root of the filesystem"),
    ("home", lambda project, tmp, top: top / "home", "it is your home folder"),
    ("holds-home", lambda project, tmp, top: top, "it holds your home folder"),
    ("project", lambda project, tmp, top: project, "it is the project folder"),
    ("holds-project", lambda project, tmp, top: project.parent, "it holds the project"),
    ("content", lambda project, tmp, top: project / "content", "it is inside content/"),
    ("in-content", lambda project, tmp, top: project / "content/images/x", "it is inside content/"),
    ("in-templates", lambda project, tmp, top: project / "templates/x", "it is inside templates/"),
]


@pytest.mark.parametrize(
    "folder, why", [pytest.param(f, why, id=what) for what, f, why in REFUSED_OUTPUTS]
)
def test_output_folders_that_cannot_be_output_folders_are_refused_at_once(
    make_project, tmp_path, monkeypatch, capsys, folder, why
):
    from generator import cli
    from generator.incremental import uptodate

    top = tmp_path / "top"  # holds the home folder, not the project
    (top / "home").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(top / "home"))
    (tmp_path / "link").symlink_to("/")
    project = make_project()
    assert cli.main(["build", "--project", str(project), "--no-pdf"]) == 0  # a stamp to check
    output = folder(project, tmp_path, top)

    def walked(*args):
        raise AssertionError("the output folder was read before it was refused")

    monkeypatch.setattr(uptodate, "check", walked)  # what would walk all of `/`
    capsys.readouterr()
    assert cli.main(["build", "--project", str(project), "--output", str(output)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"error: refusing to build into {output.resolve()}: {why}")
    assert err.endswith("; choose another --output\n") and "Traceback" not in err
    assert (project / "content/site.toml").is_file() and (
        project / "site_output" / MARKER
    ).is_file()


def test_output_slash_is_refused_by_the_prehab_command_in_one_line(make_project):
    root = make_project()
    assert run_cli("build", "--no-pdf", cwd=root).returncode == 0  # a stamp: a check would walk /
    result = run_cli("build", "--output", "/", cwd=root)  # run_cli's timeout guards against a walk
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "error: refusing to build into /: it is the root of the filesystem; "
        "choose another --output\n"
    )


def dead_pid() -> int:
    """The pid of a process that has ended and been waited for."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def killed_mid_swap(out: Path, pid: int) -> Path:
    """The state a build with `pid` leaves when killed between the two
    renames of its swap: `out` renamed aside, its new site staged, no `out`."""
    old = out.parent / f".{out.name}.old-{pid}-0"
    out.rename(old)
    staging = out.parent / f".{out.name}.staging-{pid}"
    staging.mkdir()
    (staging / "index.html").write_bytes(b"half of a new site")
    return old


def test_a_site_renamed_aside_by_a_killed_build_is_put_back_before_anything(make_project):
    from generator.write import check_output_folder

    root = make_project()
    out = root / "site_output"
    build(root, out)
    before = snapshot(out)
    killed_mid_swap(out, dead_pid())
    check_output_folder(out, root)  # the first thing a build does with its output folder
    assert snapshot(out) == before
    assert [p.name for p in root.glob(".site_output.*")] == []


def test_the_swap_of_a_build_still_running_is_left_alone(make_project):
    import os

    from generator.write import check_output_folder

    root = make_project()
    out = root / "site_output"
    build(root, out)
    old = killed_mid_swap(out, os.getppid())  # a live process: as if a build were between renames
    check_output_folder(out, root)
    assert not out.exists() and old.is_dir() and len(list(root.glob(".site_output.*"))) == 2


def test_a_build_after_a_kill_mid_swap_writes_the_new_site_and_leaves_nothing_behind(
    make_project,
):
    root = make_project()
    out = root / "site_output"
    build(root, out)
    before = snapshot(out)
    killed_mid_swap(out, dead_pid())
    (root / "content/pages/about.md").write_text("---\ntitle: About\n---\nRewritten.\n")
    build(root, out)
    assert "Rewritten." in (out / "about/index.html").read_text()
    # what is left beside it is the spare alone: the last good site, whole
    assert [p.name for p in root.glob(".site_output.*")] == [".site_output.spare"]
    assert snapshot(root / ".site_output.spare") == before


def test_a_replaced_site_half_deleted_by_a_killed_build_is_removed_not_restored(make_project):
    from generator.write import check_output_folder

    root = make_project()
    out = root / "site_output"
    build(root, out)
    current = snapshot(out)
    # killed after the swap, while the replaced site was being deleted
    half = root / f".site_output.old-{dead_pid()}-0"
    (half / "articles").mkdir(parents=True)
    (half / "articles/index.html").write_text("what was left of the old site")
    check_output_folder(out, root)
    assert snapshot(out) == current and not half.exists()
