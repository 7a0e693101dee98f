"""Shared test fixtures: `make_project` writes a tiny inline site (a valid
minimal publication, plus or minus the files a test names), `demo_build`
builds the real demo content once per session, and helpers parse HTML."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.build import build_site
from generator.config import BuildOptions
from generator.diagnostics import ContentErrors

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 25)
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 30" width="40" height="30"><title>figure</title><rect width="40" height="30" fill="#0f5257"/></svg>\n'

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


def write_project(root: Path, files: dict[str, str | None], base: dict[str, str] | None = MINIMAL) -> Path:
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

    def make(files: dict[str, str | None] | None = None, base: dict[str, str] | None = MINIMAL) -> Path:
        return write_project(tmp_path / f"project{next(counter)}", files or {}, base)

    return make


def build(root: Path, output: Path | None = None, **options):
    return build_site(root, output, BuildOptions(**{"pdf": False, **options}), today=TODAY)


def build_errors(root: Path, **options) -> list[str]:
    """The formatted error lines of a build expected to fail."""
    with pytest.raises(ContentErrors) as caught:
        build(root, **options)
    return [d.format() for d in caught.value.report.errors]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory):
    """The demo publication, built once: (output folder, BuildResult)."""
    out = tmp_path_factory.mktemp("demo") / "site"
    result = build_site(REPO, out, BuildOptions(), today=TODAY)
    return out, result


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory):
    """The minimal fixture site, built once: (output folder, BuildResult)."""
    root = write_project(tmp_path_factory.mktemp("fixture") / "project", {})
    out = root / "site_output"
    return out, build(root, out)
