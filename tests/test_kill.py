"""Builds killed by a signal, SIGKILL included: while their workers render
PDF cards, no worker outlives the build and nothing blocks the next build or
the dev server; between the two renames of the output swap, the next build
puts the last good site back before anything else.

Real processes throughout: `prehab build` in a subprocess, killed by the
test; the workers are found by their pids (each one writes its pid when it
starts a card) and checked in /proc. Timeouts here only guard against hangs."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import HELD_CARDS_BUILD, REPO, run_cli, snapshot, without_card_time_limit

from generator import cli
from generator.write import MARKER

HANG_GUARD = 300  # seconds: far beyond any build here; only a hang gets there
GONE_GUARD = 60  # seconds for a dead build's workers to be gone (they go at once)


def running(pid: int) -> bool:
    """A process that exists and is not a zombie (a zombie runs nothing)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return stat.rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")


def parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def wait_until(condition, seconds: float = HANG_GUARD) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def demo_copy(tmp_path: Path) -> Path:
    """The demo publication (content/, templates/) in tmp_path, its cards
    without a time limit."""
    root = tmp_path / "demo"
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    site = root / "content/site.toml"
    site.write_text(without_card_time_limit(site.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def cards_to_render(root: Path) -> int:
    import tomllib

    site = tomllib.loads((root / "content/site.toml").read_text(encoding="utf-8"))
    return len(list((root / "content/routines").glob("*.md"))) * len(site["pdf"]["page_sizes"])


class HeldBuild:
    """`prehab build` in its own session, held with every card worker in
    the middle of a card."""

    def __init__(self, root: Path, tmp_path: Path):
        self.root = root
        self.started, self.release = tmp_path / "started", tmp_path / "release"
        self.started.mkdir()
        self.log = tmp_path / "held-build.log"
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", HELD_CARDS_BUILD, str(self.started), str(self.release)],
                cwd=root,
                stdout=log,
                stderr=log,
                start_new_session=True,  # its own process group: a Ctrl-C to it reaches no test
            )
        self.workers: set[int] = set()

    def wait_for_workers(self) -> set[int]:
        expected = min(cards_to_render(self.root), os.cpu_count() or 1)  # one worker per card
        wait_until(
            lambda: len(list(self.started.iterdir())) >= expected or self.process.poll() is not None
        )
        self.workers = {int(p.name) for p in self.started.iterdir()}
        assert len(self.workers) == expected, self.log.read_text()
        assert {parent_of(pid) for pid in self.workers} == {self.process.pid}
        return self.workers

    def end(self) -> None:
        """Release the cards and end whatever of this build still runs (by pid)."""
        self.release.touch()
        for pid in self.workers | {self.process.pid}:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=60)


@pytest.fixture
def held_build(tmp_path):
    builds: list[HeldBuild] = []

    def start(root: Path) -> HeldBuild:
        build = HeldBuild(root, tmp_path)
        builds.append(build)
        return build

    yield start
    for build in builds:
        build.end()


@pytest.mark.parametrize(
    "signum, to_the_group, status",
    [
        pytest.param(signal.SIGKILL, False, -signal.SIGKILL, id="SIGKILL"),
        pytest.param(signal.SIGTERM, False, cli.EXIT_INTERRUPTED, id="SIGTERM"),
        pytest.param(signal.SIGINT, True, cli.EXIT_INTERRUPTED, id="SIGINT-to-the-group"),
    ],
)
def test_a_build_killed_while_rendering_cards_leaves_no_worker_and_the_next_build_runs(
    tmp_path, held_build, signum, to_the_group, status
):
    root = demo_copy(tmp_path)
    assert run_cli("build", "--no-pdf", cwd=root).returncode == 0
    before = snapshot(root / "site_output")
    build = held_build(root)
    workers = build.wait_for_workers()
    if to_the_group:
        os.killpg(build.process.pid, signum)  # what Ctrl-C in a terminal does
    else:
        build.process.send_signal(signum)
    assert build.process.wait(timeout=HANG_GUARD) == status, build.log.read_text()
    assert wait_until(lambda: not any(running(pid) for pid in workers), GONE_GUARD), (
        f"workers still running after the build ended: {[p for p in workers if running(p)]}"
    )
    if signum != signal.SIGKILL:
        err = build.log.read_text()
        assert "interrupted; the previous site was left as it was" in err
        assert "Traceback" not in err
    assert snapshot(root / "site_output") == before
    assert not list(root.glob(".site_output.*"))
    # the cards were never released: a worker still holding them (or the lock) would hang this
    again = subprocess.run(
        [sys.executable, "-m", "generator", "build"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
    )
    assert again.returncode == 0, again.stderr
    assert "waiting for" not in again.stderr
    assert f"{cards_to_render(root)} rendered" in again.stdout


def test_the_dev_server_starts_after_a_build_killed_mid_card(tmp_path, held_build):
    import socket
    import urllib.request

    root = demo_copy(tmp_path)
    build = held_build(root)
    build.wait_for_workers()
    build.process.kill()
    build.process.wait(timeout=HANG_GUARD)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--no-pdf", "--port", str(port)],
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def serving() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
                return response.status == 200 and b"<html" in response.read()
        except OSError:
            return False

    try:
        assert wait_until(serving), log.read_text()
        assert "waiting for" not in log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=60)


# A process that takes the build lock, forks a child that does nothing to die
# with it (no death signal), writes the child's pid and SIGKILLs itself.
ORPHAN_WITH_LOCK = """
import os, signal, sys, time
from pathlib import Path

from generator.lock import project_lock

project, pid_file = Path(sys.argv[1]), Path(sys.argv[2])
with project_lock(project, "prehab build"):
    child = os.fork()
    if child == 0:
        time.sleep(600)  # an orphan, as long as the test needs it
        os._exit(0)
    pid_file.write_text(str(child))
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_forked_child_that_outlives_its_parent_does_not_keep_the_lock(tmp_path):
    project = tmp_path / "project"
    pid_file = tmp_path / "orphan.pid"
    parent = subprocess.run(
        [sys.executable, "-c", ORPHAN_WITH_LOCK, str(project), str(pid_file)],
        cwd=REPO,
        timeout=HANG_GUARD,
    )
    assert parent.returncode == -signal.SIGKILL
    orphan = int(pid_file.read_text())
    try:
        assert running(orphan)  # it shares the lock file's open description with its dead parent
        with open(project / ".prehab-cache/build.lock", "a+") as handle:
            # BlockingIOError if the orphan kept the lock
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.kill(orphan, signal.SIGKILL)


# `prehab build` that SIGKILLs itself between the two renames of the swap:
# the old site renamed aside, the new one not yet renamed in.
KILLED_MID_SWAP = """
import os, pathlib, signal, sys

real_rename = pathlib.Path.rename


def rename(self, target):
    moved = real_rename(self, target)
    if self.name == "site_output" and ".site_output.old-" in str(target):
        os.kill(os.getpid(), signal.SIGKILL)
    return moved


pathlib.Path.rename = rename
from generator.cli import main

sys.exit(main(["build", "--no-pdf"]))
"""


def test_sigkill_between_the_two_renames_leaves_a_state_the_next_build_repairs(make_project):
    root = make_project()
    about = root / "content/pages/about.md"
    good = about.read_text()
    assert run_cli("build", "--no-pdf", cwd=root).returncode == 0
    before = snapshot(root / "site_output")
    about.write_text(good.replace("We are runners.", "We are runners and physios."))
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_SWAP], cwd=root, capture_output=True, timeout=HANG_GUARD
    )
    assert killed.returncode == -signal.SIGKILL
    # the state the kill left: no site, the last good one renamed aside, the new one staged
    assert not (root / "site_output").exists()
    (old,) = root.glob(".site_output.old-*")
    assert (old / MARKER).is_file() and list(root.glob(".site_output.staging-*"))

    # a build that fails on the content still puts the last good site back, before anything
    about.write_text(good.replace("We are runners.", "See [[no-such-page]]."))
    failed = run_cli("build", "--no-pdf", cwd=root)
    assert failed.returncode == cli.EXIT_CONTENT, failed.stderr
    assert snapshot(root / "site_output") == before
    assert not list(root.glob(".site_output.*"))
    # it is the last build's site exactly: with the content as it was, nothing is left to do
    about.write_text(good)
    same = run_cli("build", "--no-pdf", cwd=root)
    assert same.returncode == 0 and same.stdout.startswith("Nothing changed"), same.stdout
    # and the next real build succeeds
    about.write_text(good.replace("We are runners.", "We are runners and physios."))
    assert run_cli("build", "--no-pdf", cwd=root).returncode == 0
    assert "runners and physios" in (root / "site_output/about/index.html").read_text()
    # beside it only the spare (the site it replaced, for the next build to reuse)
    assert [p.name for p in root.glob(".site_output.*")] == [".site_output.spare"]
    assert snapshot(root / ".site_output.spare") == before


# A stand-in for Pagefind that never finishes: found on PYTHONPATH before the
# real one, it is what the build's `python -m pagefind` runs (exec'd, like the
# real package's launcher). It writes its pid, then waits.
SLOW_PAGEFIND = """
import os, sys, time
with open(os.environ["PAGEFIND_PID_FILE"], "w") as handle:
    handle.write(str(os.getpid()))
time.sleep(600)
"""


def test_pagefind_dies_with_a_build_killed_by_sigkill(make_project, tmp_path):
    root = make_project()
    fake = tmp_path / "fake-pagefind/pagefind"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "__main__.py").write_text(SLOW_PAGEFIND)
    pid_file = tmp_path / "pagefind.pid"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(fake.parent), str(REPO)]),
        "PAGEFIND_PID_FILE": str(pid_file),
    }
    build = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--no-pdf"], cwd=root, env=env
    )
    try:
        assert wait_until(lambda: pid_file.is_file() and pid_file.read_text()), "never indexed"
        pagefind = int(pid_file.read_text())
        assert running(pagefind) and parent_of(pagefind) == build.pid
        build.kill()
        build.wait(timeout=HANG_GUARD)
        assert wait_until(lambda: not running(pagefind), GONE_GUARD), "Pagefind outlived the build"
    finally:
        build.kill()
        if pid_file.is_file() and pid_file.read_text() and running(int(pid_file.read_text())):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
    assert (root / "site_output").exists() is False  # the first build never swapped anything in
