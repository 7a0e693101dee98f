"""Faults mid-build: a full disk, a permission error, SIGTERM, a second
build at the same time. The previous site always survives, the staging
folder is cleaned up, and the exit status says what happened."""

from __future__ import annotations

import errno
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import HELD_CARDS_BUILD, run_cli, snapshot

from generator import cli
from generator.lock import project_lock


@pytest.mark.parametrize(
    "code, words", [(errno.ENOSPC, "No space left on device"), (errno.EACCES, "Permission denied")]
)
def test_disk_errors_while_writing_keep_the_old_site(
    make_project, monkeypatch, capsys, code, words
):
    root = make_project()
    assert cli.main(["build", "--project", str(root), "--no-pdf"]) == 0
    before = snapshot(root / "site_output")
    real = pathlib.Path.write_bytes
    calls = {"n": 0}

    def failing(self, data):
        if ".staging-" in str(self):
            calls["n"] += 1
            if calls["n"] > 5:
                raise OSError(code, os.strerror(code), str(self))
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", failing)
    (root / "content/pages/about.md").write_text("---\ntitle: About us\n---\nChanged.\n")
    capsys.readouterr()
    assert cli.main(["build", "--project", str(root), "--no-pdf"]) == cli.EXIT_IO
    err = capsys.readouterr().err
    assert f"error: cannot write the site: {words}" in err and "Traceback" not in err
    assert snapshot(root / "site_output") == before
    assert not list(root.glob(".site_output.*"))


def test_sigterm_mid_build_keeps_the_old_site_and_cleans_up(make_project, tmp_path):
    root = make_project()
    assert run_cli("build", "--no-pdf", cwd=root).returncode == 0
    before = snapshot(root / "site_output")
    for i in range(12):  # many cards to render
        (root / f"content/routines/r{i}.md").write_text(
            f"---\ntitle: Routine {i}\nsummary: S.\ntimes_per_week: 3\nminutes: 10\n"
            f"weeks: {i + 1}\nexercises:\n  - exercise: bird-dog\n---\nIntro.\n"
        )
    started, release = tmp_path / "card-started", tmp_path / "release-cards"
    started.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-c", HELD_CARDS_BUILD, str(started), str(release)],
        cwd=root,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(started.iterdir()) and process.poll() is None:
            time.sleep(0.05)
        assert any(started.iterdir()), "the build never started rendering a card"
        process.send_signal(signal.SIGTERM)  # the build is rendering cards: it cannot have finished
    finally:
        release.touch()
    _, err = process.communicate(timeout=120)
    assert process.returncode == cli.EXIT_INTERRUPTED, err
    assert "interrupted; the previous site was left as it was" in err and "Traceback" not in err
    assert snapshot(root / "site_output") == before
    assert not list(root.glob(".site_output.*"))


def test_a_second_build_waits_for_the_first_and_says_who_holds_the_lock(make_project):
    root = make_project()
    release = threading.Event()
    held = threading.Event()

    def hold():
        with project_lock(root, "prehab serve"):
            held.set()
            release.wait(600)  # until the test is done with it, however long that takes

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(60)
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "--no-pdf"],
            cwd=root,
            stderr=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = process.stderr.readline()
        assert line.startswith("waiting for prehab serve (pid ") and line.rstrip().endswith(
            "to finish"
        )
        # a build that did not wait would be done or writing by now; a slow machine only makes
        # this lenient
        time.sleep(0.5)
        assert process.poll() is None and not (root / "site_output").exists(), (
            "the second build did not wait"
        )
    finally:
        release.set()
        holder.join()
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0 and out.startswith("Built ")


def test_a_source_deleted_during_the_build_is_a_content_error_not_a_crash(
    make_project, monkeypatch
):
    from conftest import build_errors

    from generator import load

    root = make_project()
    real = load.read_text

    def vanish(file, *args):
        if file.name == "about.md":
            file.unlink()
        return real(file, *args)

    monkeypatch.setattr(load, "read_text", vanish)
    errors = build_errors(root)
    assert errors == ["content/pages/about.md: cannot read the file: No such file or directory"]


# A card (its template, its stylesheet) or the booklet's cover that refers to
# a real file outside content/images/ and templates/: the fetch is refused
# and the build fails naming the routine (or the cover) and the URL, rather
# than publishing the PDF without that file. The attachment is fetched only
# when the PDF is written, after the layout.
OUTSIDE_REFERENCES = {
    "card-stylesheet": (
        "templates/static/card.css",
        lambda text, url: text + f'\n.rc-head {{ background: url("{url}"); }}\n',
        "content/routines/back-basics.md: routine card refers to",
    ),
    "card-attachment": (
        "templates/partials/card.html",
        lambda text, url: text.replace(
            '<header class="rc-head">',
            f'<link rel="attachment" href="{url}"><header class="rc-head">',
        ),
        "content/routines/back-basics.md: routine card refers to",
    ),
    "booklet-cover": (
        "templates/booklet_cover.html",
        lambda text, url: text.replace(
            '<h1 class="rc-title">', f'<img src="{url}" alt="logo"><h1 class="rc-title">'
        ),
        "templates/booklet_cover.html: routine booklet cover refers to",
    ),
}


@pytest.mark.parametrize("where", OUTSIDE_REFERENCES)
def test_a_pdf_fetch_refused_while_a_card_is_written_fails_the_build(make_project, tmp_path, where):
    root = make_project()
    assert run_cli("build", cwd=root).returncode == 0  # with its cards
    before = snapshot(root / "site_output")
    outside = tmp_path / "outside.png"  # a real file, readable, outside the allowed folders
    outside.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    rel, edit, prefix = OUTSIDE_REFERENCES[where]
    (root / rel).write_text(edit((root / rel).read_text(), outside.as_uri()))
    result = run_cli("build", cwd=root)
    assert result.returncode == cli.EXIT_CONTENT, result.stderr
    assert (
        f"{prefix} '{outside.as_uri()}', which prehab will not fetch: a card may only use files "
        "under content/images/ and templates/ (no network, no other folders)"
    ) in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert snapshot(root / "site_output") == before
