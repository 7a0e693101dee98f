"""Shared test fixtures: `make_project` writes a tiny inline site (a valid
minimal publication, plus or minus the files a test names), `demo_project`
is a copy of the demo content, `demo_build` builds it once per session, and
helpers parse HTML.

Hygiene: tests never write outside their own temporary folders. Before any
test runs, this module points the per-user folders (XDG_CACHE_HOME and
friends, inherited by every subprocess: prehab's memo key, Chromium's crash
reports, dconf) and Hypothesis's storage at a session temp folder, and
snapshots the repository and the real ~/.cache/prehab; at the end of the
session `pytest_sessionfinish` fails the run and lists every path a test
created, changed or deleted there."""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The real per-user prehab folder, resolved before the environment is redirected.
REAL_USER_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "prehab"
USER_DIRS = Path(tempfile.mkdtemp(prefix="prehab-tests-user-"))
atexit.register(shutil.rmtree, USER_DIRS, ignore_errors=True)
for _name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
    (USER_DIRS / _name.lower()).mkdir()
    os.environ[_name] = str(USER_DIRS / _name.lower())
os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(
    USER_DIRS / "hypothesis"
)  # not ./.hypothesis in the repository

import pytest  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402
from hypothesis.configuration import set_hypothesis_home_dir  # noqa: E402

from generator.build import build_site  # noqa: E402
from generator.config import BuildOptions  # noqa: E402
from generator.diagnostics import ContentErrors  # noqa: E402

set_hypothesis_home_dir(USER_DIRS / "hypothesis")

# Relative to REPO: never looked into. site_output and .prehab-cache are
# watched: `make test` writes them with its own `prehab build`, but before
# the session starts, so any change during the session is a test's.
UNWATCHED = {".git", ".venv", ".pytest_cache", "tools/node_modules"}


def tree_state(root: Path, skip: set[str] = frozenset()) -> dict[str, tuple]:
    """relative path -> (kind, mtime, size, inode) of every file, link and
    folder under root (folders by existence only: their mtimes move when
    Python writes a __pycache__ into them)."""
    state: dict[str, tuple] = {}
    if not root.exists():
        return state
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        rel_here = here.relative_to(root)
        dirs[:] = [d for d in dirs if d != "__pycache__" and (rel_here / d).as_posix() not in skip]
        for name in dirs:
            state[(rel_here / name).as_posix() + "/"] = ("dir",)
        for name in files:
            try:
                info = (here / name).lstat()
            except FileNotFoundError:  # vanished while we looked
                continue
            state[(rel_here / name).as_posix()] = (
                "file",
                info.st_mtime_ns,
                info.st_size,
                info.st_ino,
            )
    return state


def outside_state() -> dict[str, dict[str, tuple]]:
    return {
        str(REPO): tree_state(REPO, UNWATCHED),
        str(REAL_USER_CACHE): tree_state(REAL_USER_CACHE),
    }


def outside_changes(
    before: dict[str, dict[str, tuple]], after: dict[str, dict[str, tuple]]
) -> list[str]:
    """'created/deleted/modified path' lines; a created or deleted folder
    stands for everything in it."""
    problems = []
    for root, old in before.items():
        new = after[root]
        folders: list[str] = []  # created or deleted folders already listed
        for rel in sorted(new.keys() | old.keys()):
            if any(rel.startswith(folder) for folder in folders):
                continue
            if rel not in old or rel not in new:
                problems.append(f"{'created ' if rel not in old else 'deleted '} {root}/{rel}")
                if rel.endswith("/"):
                    folders.append(rel)
            elif old[rel] != new[rel]:
                problems.append(f"modified {root}/{rel}")
    return problems


BEFORE_SESSION = outside_state()


def pytest_sessionfinish(session, exitstatus):
    problems = outside_changes(BEFORE_SESSION, outside_state())
    if problems:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = [
            "tests wrote outside their temporary folders (the repository or ~/.cache/prehab):",
            *problems,
        ]
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_sep("=", "test hygiene", red=True)
            for line in lines:
                reporter.write_line(line, red=True)
        else:
            print("\n".join(lines), file=sys.stderr)
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


TODAY = dt.date(2026, 11, 25)
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 30" width="40" height="30">'
    '<title>figure</title><rect width="40" height="30" fill="#0f5257"/></svg>\n'
)

MINIMAL: dict[str, str] = {
    "content/site.toml": """\
title = "Fixture Prehab"
base_url = "https://fixture.example"
language = "en"
description = "A tiny fixture publication."

[body_areas]
lower-back = "Lower back"
knee = "Knee"
""",
    "content/studies.yml": """\
smith-2020-squats:
  title: Squats for runners
  authors:
  - Jane Smith
  - Ola Nordmann
  year: 2020
  journal: Journal of Fixtures
  doi: 10.1234/fixture.2020
  finding: Squats helped.
jones-2019-walking:
  title: Walking for backs
  authors:
  - Sam Jones
  year: 2019
  journal: Fixture Review
  pmid: '12345678'
  finding: Walking helped too.
""",
    "content/authors/ann-author.md": """\
---
name: Ann Author
role: Physiotherapist
photo:
  src: images/ann.svg
  alt: Ann smiling
---
Ann writes about knees.
""",
    "content/exercises/goblet-squat.md": """\
---
title: Goblet squat
summary: A squat holding a weight at the chest.
why_it_works: The back muscles hold the trunk upright under load [@smith-2020-squats].
body_areas: [lower-back, knee]
muscles: [quadriceps, glutes]
equipment: [dumbbell]
level: beginner
image:
  src: images/squat.svg
  alt: A person squatting with a dumbbell at the chest
dose:
  sets: 3
  reps: 10
  rest_seconds: 60
cues:
  - Chest up
  - Knees over toes
  - Breathe out on the way up
studies: [smith-2020-squats]
---
1. Hold the weight at your chest.
2. Sit down between your heels.
""",
    "content/exercises/bird-dog.md": """\
---
title: Bird dog
summary: Opposite arm and leg reach on all fours.
why_it_works: Gentle work for the back and hips.
body_areas: [lower-back]
equipment: []
dose:
  sets: 2
  seconds: 30
  per_side: true
---
Reach long.
""",
    "content/routines/back-basics.md": """\
---
title: Back basics
summary: Two exercises, three times a week.
body_areas: [lower-back]
times_per_week: 3
weeks: 6
minutes: 15
exercises:
  - exercise: goblet-squat
    reps: 8
  - exercise: bird-dog
    note: Slow and steady
studies: [jones-2019-walking]
---
Do this routine three times a week.
""",
    "content/articles/back-pain.md": """\
---
title: Lower back pain when running
date: 2026-03-01
summary: Why runners get back pain and what helps.
author: ann-author
tags: [low back pain, strength]
body_areas: [lower-back]
hero:
  image: images/hero.svg
  alt: A runner on a road at dawn
exercises:
  - goblet-squat
  - exercise: bird-dog
    why: Calm work for a sore back [@jones-2019-walking].
routine: back-basics
---
Running is good for the back [@smith-2020-squats].

## How to fix it

Build strength slowly [@jones-2019-walking; @smith-2020-squats], starting with the [[goblet-squat]]
and the [[back-basics|back routine]]. Again [@smith-2020-squats].

`[[not-a-link]]` stays code.
""",
    "content/pages/about.md": """\
---
title: About
summary: Who we are.
---
We are runners.
""",
    "content/images/ann.svg": SVG,
    "content/images/squat.svg": SVG,
    "content/images/hero.svg": SVG,
}


def write_project(
    root: Path, files: dict[str, str | None], base: dict[str, str] | None = MINIMAL
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "templates", root / "templates", dirs_exist_ok=True)
    merged = dict(base or {})
    merged.update(files)
    for rel, text in merged.items():
        if text is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def make_project(tmp_path):
    """make_project({"content/x.md": "...", "content/y.md": None}) -> project root."""
    counter = iter(range(1000))

    def make(
        files: dict[str, str | None] | None = None, base: dict[str, str] | None = MINIMAL
    ) -> Path:
        return write_project(tmp_path / f"project{next(counter)}", files or {}, base)

    return make


def snapshot(folder: Path) -> dict[str, bytes]:
    """relative path -> bytes of every file under `folder`: a site compared whole."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def link(project: Path, rel: str, target: Path) -> None:
    """Replace project/rel (a file or folder, if there) by a symlink to target."""
    path = project / rel
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def build(root: Path, output: Path | None = None, **options):
    return build_site(root, output, BuildOptions(**{"pdf": False, **options}), today=TODAY)


def build_errors(root: Path, **options) -> list[str]:
    """The formatted error lines of a build expected to fail."""
    with pytest.raises(ContentErrors) as caught:
        build(root, **options)
    return [d.format() for d in caught.value.report.errors]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# A card may take as long as it likes in a test: the time limit is its own
# test (test_pdf), and a loaded machine must not fail a card that fits.
NO_CARD_TIME_LIMIT = "timeout_seconds = 3600"


def without_card_time_limit(site_toml: str) -> str:
    """site.toml text with the card time limit at its maximum."""
    if "\n[pdf]\n" in site_toml:
        return site_toml.replace("\n[pdf]\n", f"\n[pdf]\n{NO_CARD_TIME_LIMIT}\n", 1)
    return site_toml.rstrip("\n") + f"\n\n[pdf]\n{NO_CARD_TIME_LIMIT}\n"


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory):
    """A copy of the demo publication (content/ and templates/), so that its
    builds, caches and locks land in a temporary folder, never in the
    repository. Shared by the session: tests only build and check it."""
    root = tmp_path_factory.mktemp("demo") / "project"
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    site = root / "content/site.toml"
    site.write_text(without_card_time_limit(site.read_text(encoding="utf-8")), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def demo_build(demo_project, tmp_path_factory):
    """The demo publication, built once: (output folder, BuildResult)."""
    out = tmp_path_factory.mktemp("demo-site") / "site"
    result = build_site(demo_project, out, BuildOptions(), today=TODAY)
    return out, result


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory):
    """The minimal fixture site, built once: (output folder, BuildResult)."""
    root = write_project(tmp_path_factory.mktemp("fixture") / "project", {})
    out = root / "site_output"
    return out, build(root, out)


# `prehab build` whose card workers each write their pid into a folder, then
# hold at the start of rendering their card until the test says so (or 600 s
# pass): a signal then lands in the middle of card rendering on any machine.
HELD_CARDS_BUILD = """
import os, sys, time
from pathlib import Path

import weasyprint

started, release = Path(sys.argv[1]), Path(sys.argv[2])
real_render = weasyprint.HTML.render


def held_render(self, *args, **kwargs):
    (started / str(os.getpid())).touch()
    deadline = time.monotonic() + 600
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return real_render(self, *args, **kwargs)


weasyprint.HTML.render = held_render  # card workers are forked from this process: they inherit it
from generator.cli import main

sys.exit(main(["build"]))
"""
