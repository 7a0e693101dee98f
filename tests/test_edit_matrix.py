"""A cached or incremental rebuild always equals a clean build.

The edit matrix applies well over a hundred kinds of edit, one on top of the
other, to one project (the minimal fixture plus a few files so that every
kind has something to act on). After each edit the site is rebuilt two ways,
and each result is compared byte for byte with a clean build of the same
files (`prehab build --no-pdf --no-search` in a fresh copy of content/ and
templates/, without a cache):

* `prehab build --no-pdf --no-search` in the project itself (incremental:
  the project keeps its .prehab-cache and site_output from edit to edit);
* one `generator.serve.Preview`, alive for the whole matrix (the dev
  server's in-memory state), rebuilt after each edit.

A failing comparison names the edit, lists every differing file (saying
which went stale at an earlier edit) and shows a short diff of the first.

A second test draws random sequences of independent, re-applicable edits
with Hypothesis and compares an in-process incremental build with a clean
one after each sequence.

The CLI has no --today flag, so the matrix uses dates well in the past of
the real clock; "an article whose date passes today" is an article dated
2099 (not published without --future) whose date is then moved into the
past, so that it appears."""

from __future__ import annotations

import datetime as dt
import difflib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import TODAY, write_project
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from PIL import Image

from generator.build import build_site
from generator.options import BuildOptions
from generator.serve import Preview

MARKER = ".prehab-output"  # the output folder's "made by prehab" file
CLI_BUILD = ("build", "--no-pdf", "--no-search")
DIFF_LINES = 40  # of the unified diff shown for the first differing text file
DIFF_WIDTH = 240  # characters of each diff line (minified CSS is one long line)


# -- files ------------------------------------------------------------------


def svg(width: int, height: int, colour: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}">'
        f'<title>figure</title><rect width="{width}" height="{height}" fill="{colour}"/></svg>\n'
    )


def png(width: int, height: int, colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def drill(number: int) -> str:
    """An exercise that sorts after the fixture's two ('Zz drill 01' ...)."""
    return f"""\
---
title: Zz drill {number:02d}
summary: Drill number {number}.
why_it_works: Drill {number} builds the knee.
body_areas: [knee]
level: beginner
dose:
  sets: 1
  reps: 5
---
Do drill {number}.
"""


DRAFT_ARTICLE = """\
---
title: Club news
date: 2026-05-01
summary: What the running club did this spring.
author: ann-author
tags: [news]
body_areas: [knee]
draft: true
---
We ran a lot and [[zz-drill-04|did some drills]].
"""

# Added to conftest's minimal fixture: nine more exercises (so that the home
# page's exercises[:8] leaves some out), a draft article and a PNG photo.
MATRIX_FILES = {f"content/exercises/zz-drill-{n:02d}.md": drill(n) for n in range(1, 10)}
MATRIX_FILES["content/articles/draft-news.md"] = DRAFT_ARTICLE


class Project:
    """Plain file edits under one project root. Every replacement asserts
    that the text it replaces is there, so an edit that no longer matches
    the project fails instead of silently doing nothing."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        path = self.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def write_bytes(self, rel: str, data: bytes) -> None:
        path = self.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def create(self, rel: str, text: str) -> None:
        assert not self.path(rel).exists(), f"{rel} exists already"
        self.write(rel, text)

    def replace(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert old in text, f"{rel} does not contain {old!r}"
        self.write(rel, text.replace(old, new, 1))

    def append(self, rel: str, text: str) -> None:
        self.write(rel, self.read(rel) + text)

    def set_line(self, rel: str, pattern: str, line: str) -> None:
        """Replace the first line matching `pattern` (a regex for a whole line)."""
        text, count = re.subn(
            rf"^{pattern}$", lambda _: line, self.read(rel), count=1, flags=re.MULTILINE
        )
        assert count == 1, f"{rel} has no line matching {pattern!r}"
        self.write(rel, text)

    def sub(self, rel: str, pattern: str, replacement: str) -> None:
        """Replace every match of a regex (at least one)."""
        text, count = re.subn(pattern, lambda _: replacement, self.read(rel))
        assert count >= 1, f"{rel} has no match for {pattern!r}"
        self.write(rel, text)

    def delete(self, rel: str) -> None:
        assert self.path(rel).is_file(), f"{rel} does not exist"
        self.path(rel).unlink()

    def rename(self, old: str, new: str) -> None:
        assert self.path(old).is_file(), f"{old} does not exist"
        assert not self.path(new).exists(), f"{new} exists already"
        self.path(old).rename(self.path(new))


# -- the edit matrix ----------------------------------------------------------
# (name, function) pairs, applied in this order, each on top of the previous
# ones. Edits in NO_HTML_EFFECT change inputs that a --no-pdf build does not
# show (PDF settings and templates, size limits, a study's caveats, an
# article dated in the future); every other edit must change the clean build.

EDITS: list[tuple[str, Callable[[Project], None]]] = []
NO_HTML_EFFECT: set[str] = set()

SITE = "content/site.toml"
ANN = "content/authors/ann-author.md"
ARTICLE = "content/articles/back-pain.md"
SQUAT = "content/exercises/goblet-squat.md"
BIRD = "content/exercises/bird-dog.md"
ROUTINE = "content/routines/back-basics.md"
ABOUT = "content/pages/about.md"
STUDIES = "content/studies.yml"


def edit(name: str, shows_in_html: bool = True):
    def register(function: Callable[[Project], None]):
        assert name not in dict(EDITS), f"two edits are called {name!r}"
        EDITS.append((name, function))
        if not shows_in_html:
            NO_HTML_EFFECT.add(name)
        return function

    return register


# site.toml: every key of SiteConfig (title, base_url, language, description,
# body_areas, cta, pdf, articles_per_page, limits)


@edit("site.toml: title")
def _(p):
    p.replace(SITE, 'title = "Fixture Prehab"', 'title = "Fixture Prehab Weekly"')


@edit("site.toml: description")
def _(p):
    p.replace(
        SITE,
        'description = "A tiny fixture publication."',
        'description = "A small fixture publication about running injuries."',
    )


@edit("site.toml: language")
def _(p):
    p.replace(SITE, 'language = "en"', 'language = "en-GB"')


@edit("site.toml: base_url with a path")
def _(p):
    p.replace(SITE, 'base_url = "https://fixture.example"', 'base_url = "https://x.example/sub"')


@edit("site.toml: base_url on another host, same path")
def _(p):
    p.replace(SITE, 'base_url = "https://x.example/sub"', 'base_url = "https://z.example/sub"')


@edit("site.toml: base_url back to the first host")
def _(p):
    p.replace(SITE, 'base_url = "https://z.example/sub"', 'base_url = "https://x.example/sub"')


@edit("site.toml: body_areas names")
def _(p):
    p.replace(SITE, 'lower-back = "Lower back"', 'lower-back = "Low back"')
    p.replace(SITE, 'knee = "Knee"', 'knee = "Knee joint"')


@edit("site.toml: body_areas new area (and an exercise in it)")
def _(p):
    p.replace(SITE, 'knee = "Knee joint"\n', 'knee = "Knee joint"\nhip = "Hip"\n')
    p.replace("content/exercises/zz-drill-01.md", "body_areas: [knee]", "body_areas: [knee, hip]")


@edit("site.toml: cta added")
def _(p):
    p.append(
        SITE,
        '\n[cta]\ntitle = "Get the weekly plan"\ntext = "One routine a week, by email."\n'
        'url = "https://x.example/newsletter"\nlabel = "Subscribe"\n',
    )


@edit("site.toml: cta label, text and url")
def _(p):
    p.replace(SITE, 'label = "Subscribe"', 'label = "Sign me up"')
    p.replace(
        SITE,
        'text = "One routine a week, by email."',
        'text = "One routine a week, in your inbox."',
    )
    p.replace(
        SITE, 'url = "https://x.example/newsletter"', 'url = "https://x.example/sub/newsletter/"'
    )


@edit("site.toml: pdf settings", shows_in_html=False)
def _(p):
    p.append(SITE, '\n[pdf]\npage_sizes = ["A4"]\ntimeout_seconds = 30\nmemory_mb = 1024\n')


@edit("site.toml: limits", shows_in_html=False)
def _(p):
    p.append(SITE, "\n[limits]\nmarkdown_kb = 256\nimage_kb = 4096\nfront_matter_kb = 32\n")


# the author: name, role, bio, photo (src, alt)


@edit("author: name")
def _(p):
    p.replace(ANN, "name: Ann Author", "name: Ann Q. Author")


@edit("author: role")
def _(p):
    p.replace(ANN, "role: Physiotherapist", "role: Sports physiotherapist")


@edit("author: bio")
def _(p):
    p.replace(ANN, "Ann writes about knees.", "Ann writes about knees, hips and the long run.")


@edit("author: photo src (a new SVG)")
def _(p):
    p.write("content/images/ann-2.svg", svg(60, 60, "#b4501c"))
    p.replace(ANN, "src: images/ann.svg", "src: images/ann-2.svg")


@edit("author: photo alt")
def _(p):
    p.replace(ANN, "alt: Ann smiling", "alt: Ann laughing at the finish line")


# the article: every front-matter field, its body, drafts and dates


@edit("article: title")
def _(p):
    p.replace(ARTICLE, "title: Lower back pain when running", "title: Lower back pain and running")


@edit("article: date")
def _(p):
    p.replace(ARTICLE, "date: 2026-03-01", "date: 2026-02-14")


@edit("article: updated added")
def _(p):
    p.replace(ARTICLE, "date: 2026-02-14\n", "date: 2026-02-14\nupdated: 2026-04-02\n")


@edit("article: updated changed")
def _(p):
    p.replace(ARTICLE, "updated: 2026-04-02", "updated: 2026-05-20")


@edit("article: summary")
def _(p):
    p.replace(
        ARTICLE,
        "summary: Why runners get back pain and what helps.",
        "summary: Why runners get back pain, and the strength work that helps.",
    )


@edit("article: tag added")
def _(p):
    p.replace(ARTICLE, "tags: [low back pain, strength]", "tags: [low back pain, strength, core]")


@edit("article: tag renamed")
def _(p):
    p.replace(
        ARTICLE,
        "tags: [low back pain, strength, core]",
        "tags: [low back pain, strength training, core]",
    )


@edit("article: body_areas")
def _(p):
    p.replace(ARTICLE, "body_areas: [lower-back]", "body_areas: [lower-back, knee]")


@edit("article: hero image becomes a PNG")
def _(p):
    p.replace(ARTICLE, "image: images/hero.svg", "image: images/photo.png")


@edit("article: hero alt")
def _(p):
    p.replace(ARTICLE, "alt: A runner on a road at dawn", "alt: A runner on a wet road at dusk")


@edit("article: exercise added to the list")
def _(p):
    p.replace(
        ARTICLE, "exercises:\n  - goblet-squat\n", "exercises:\n  - zz-drill-01\n  - goblet-squat\n"
    )


@edit("article: exercises reordered")
def _(p):
    p.replace(ARTICLE, "  - zz-drill-01\n  - goblet-squat\n", "  - goblet-squat\n  - zz-drill-01\n")


@edit("article: featured exercise's why")
def _(p):
    p.replace(
        ARTICLE,
        "why: Calm work for a sore back [@jones-2019-walking].",
        "why: Calm, slow work for a sore back [@jones-2019-walking].",
    )


@edit("article: body")
def _(p):
    p.replace(ARTICLE, "Build strength slowly", "Build strength gradually")


@edit("article: draft published (draft: true -> false)")
def _(p):
    p.replace("content/articles/draft-news.md", "draft: true", "draft: false")


@edit("site.toml: articles_per_page")
def _(p):
    p.replace(
        SITE,
        'description = "A small fixture publication about running injuries."\n',
        'description = "A small fixture publication about running injuries."\n'
        "articles_per_page = 1\n",
    )


@edit("article added, dated in the future (not published yet)", shows_in_html=False)
def _(p):
    p.create(
        "content/articles/race-day.md",
        """\
---
title: Race day
date: 2099-01-01
summary: What to do on race day.
author: ann-author
tags: [racing]
body_areas: [knee]
exercises: [bird-dog]
routine: back-basics
---
Warm up with the [[bird-dog]].
""",
    )


@edit("article: its date passes today (moved into the past: it appears)")
def _(p):
    # the observable effect of the calendar reaching an article's date
    p.replace("content/articles/race-day.md", "date: 2099-01-01", "date: 2026-06-01")


@edit("article: file renamed")
def _(p):
    p.rename("content/articles/race-day.md", "content/articles/race-week.md")


# exercises: every front-matter field, added, renamed, deleted


@edit("exercise: title")
def _(p):
    p.replace(SQUAT, "title: Goblet squat\n", "title: Goblet squat hold\n")


@edit("exercise: summary")
def _(p):
    p.replace(
        SQUAT,
        "summary: A squat holding a weight at the chest.",
        "summary: A deep squat holding one weight at the chest.",
    )


@edit("exercise: why_it_works")
def _(p):
    p.replace(
        SQUAT, "hold the trunk upright under load", "hold the trunk upright under a heavy load"
    )


@edit("exercise: body_areas")
def _(p):
    p.replace(BIRD, "body_areas: [lower-back]", "body_areas: [lower-back, hip]")


@edit("exercise: muscles")
def _(p):
    p.replace(SQUAT, "muscles: [quadriceps, glutes]", "muscles: [quadriceps, glutes, adductors]")


@edit("exercise: equipment")
def _(p):
    p.replace(SQUAT, "equipment: [dumbbell]", "equipment: [kettlebell or dumbbell]")
    p.replace(BIRD, "equipment: []", "equipment: [mat]")


@edit("exercise: level")
def _(p):
    p.replace(SQUAT, "level: beginner", "level: intermediate")


@edit("exercise: image alt")
def _(p):
    p.replace(
        SQUAT,
        "alt: A person squatting with a dumbbell at the chest",
        "alt: A person squatting with a kettlebell at the chest",
    )


@edit("exercise: video added")
def _(p):
    p.replace(
        SQUAT,
        "level: intermediate\n",
        "level: intermediate\nvideo: https://video.example/goblet-squat\n",
    )


@edit("exercise: dose sets")
def _(p):
    p.replace(SQUAT, "  sets: 3\n", "  sets: 4\n")


@edit("exercise: dose reps")
def _(p):
    p.replace(SQUAT, "  reps: 10\n", "  reps: 12\n")


@edit("exercise: dose seconds")
def _(p):
    p.replace(BIRD, "  seconds: 30\n", "  seconds: 45\n")


@edit("exercise: dose per_side")
def _(p):
    p.replace(BIRD, "  per_side: true\n", "  per_side: false\n")


@edit("exercise: dose rest_seconds")
def _(p):
    p.replace(SQUAT, "  rest_seconds: 60\n", "  rest_seconds: 90\n")


@edit("exercise: cues")
def _(p):
    p.replace(SQUAT, "  - Knees over toes\n", "  - Knees track the toes\n  - Heels down\n")


@edit("exercise: studies")
def _(p):
    p.replace(
        SQUAT,
        "studies: [smith-2020-squats]\n",
        "studies: [smith-2020-squats, jones-2019-walking]\n",
    )


@edit("exercise: body")
def _(p):
    p.replace(SQUAT, "Sit down between your heels.", "Sit down slowly between your heels.")


@edit("exercise: draft (an unused exercise is unpublished)")
def _(p):
    p.replace(
        "content/exercises/zz-drill-03.md", "level: beginner\n", "level: beginner\ndraft: true\n"
    )


@edit("exercise added")
def _(p):
    p.create("content/exercises/zz-drill-10.md", drill(10))


@edit("exercise: file renamed")
def _(p):
    p.rename("content/exercises/zz-drill-07.md", "content/exercises/zz-drill-seven.md")


@edit("exercise deleted")
def _(p):
    p.delete("content/exercises/zz-drill-08.md")


@edit("template home.html: 12 exercises instead of 8")
def _(p):
    p.replace("templates/home.html", "graph.exercises[:8]", "graph.exercises[:12]")


@edit("exercise: title of one shown on the home page only thanks to [:12]")
def _(p):
    # sorted by title, 'Zz drill 09' is the ninth exercise: off the home page with [:8]
    p.replace("content/exercises/zz-drill-09.md", "title: Zz drill 09", "title: Zz drill 09 (hops)")


# the routine: every front-matter field, step overrides, added, draft, renamed, deleted


@edit("routine: title")
def _(p):
    p.replace(ROUTINE, "title: Back basics", "title: Back basics plus")


@edit("routine: summary")
def _(p):
    p.replace(
        ROUTINE,
        "summary: Two exercises, three times a week.",
        "summary: A few exercises, a few times a week.",
    )


@edit("routine: body_areas")
def _(p):
    p.replace(ROUTINE, "body_areas: [lower-back]", "body_areas: [lower-back, knee]")


@edit("routine: times_per_week")
def _(p):
    p.replace(ROUTINE, "times_per_week: 3", "times_per_week: 4")


@edit("routine: weeks")
def _(p):
    p.replace(ROUTINE, "weeks: 6", "weeks: 8")


@edit("routine: minutes")
def _(p):
    p.replace(ROUTINE, "minutes: 15", "minutes: 20")


@edit("routine: step dose override (sets, reps, rest_seconds)")
def _(p):
    p.replace(ROUTINE, "    reps: 8\n", "    sets: 2\n    reps: 6\n    rest_seconds: 45\n")


@edit("routine: step dose override (seconds, per_side)")
def _(p):
    p.replace(
        ROUTINE,
        "  - exercise: bird-dog\n",
        "  - exercise: bird-dog\n    seconds: 20\n    per_side: true\n",
    )


@edit("routine: step note")
def _(p):
    p.replace(ROUTINE, "note: Slow and steady", "note: Slow, steady, breathing out")


@edit("routine: step added")
def _(p):
    p.replace(
        ROUTINE,
        "studies: [jones-2019-walking]\n",
        "  - exercise: zz-drill-02\n    sets: 1\n    seconds: 40\n    note: Finish easy\n"
        "studies: [jones-2019-walking]\n",
    )


@edit("routine: studies")
def _(p):
    p.replace(
        ROUTINE,
        "studies: [jones-2019-walking]\n",
        "studies: [jones-2019-walking, smith-2020-squats]\n",
    )


@edit("routine: body")
def _(p):
    p.replace(
        ROUTINE, "Do this routine three times a week.", "Do this routine four times a week, slowly."
    )


@edit("routine added as a draft", shows_in_html=False)
def _(p):
    p.create(
        "content/routines/knee-care.md",
        """\
---
title: Knee care
summary: Two drills for the knee.
body_areas: [knee]
times_per_week: 2
minutes: 10
exercises:
  - exercise: zz-drill-04
  - exercise: zz-drill-05
    reps: 8
draft: true
---
Easy knee work.
""",
    )


@edit("routine: draft published")
def _(p):
    p.replace("content/routines/knee-care.md", "draft: true", "draft: false")


@edit("article: routine")
def _(p):
    p.replace(ARTICLE, "routine: back-basics", "routine: knee-care")


@edit("routine: file renamed (and the article's reference)")
def _(p):
    p.rename("content/routines/knee-care.md", "content/routines/knee-plan.md")
    p.replace(ARTICLE, "routine: knee-care", "routine: knee-plan")


@edit("routine deleted (the article points back)")
def _(p):
    p.replace(ARTICLE, "routine: knee-plan", "routine: back-basics")
    p.delete("content/routines/knee-plan.md")


# authors added, switched, renamed, deleted


@edit("author added")
def _(p):
    p.create(
        "content/authors/bo-writer.md",
        "---\nname: Bo Writer\nrole: Coach\n---\nBo coaches a running club.\n",
    )


@edit("article: author")
def _(p):
    p.replace(ARTICLE, "author: ann-author", "author: bo-writer")


@edit("author: file renamed (and the article's reference)")
def _(p):
    p.rename("content/authors/bo-writer.md", "content/authors/bo-author.md")
    p.replace(ARTICLE, "author: bo-writer", "author: bo-author")


@edit("author deleted (its article goes back to Ann)")
def _(p):
    p.replace(ARTICLE, "author: bo-author", "author: ann-author")
    p.delete("content/authors/bo-author.md")


@edit("article deleted")
def _(p):
    p.delete("content/articles/race-week.md")


# pages


@edit("page: title")
def _(p):
    p.replace(ABOUT, "title: About", "title: About us")


@edit("page: summary")
def _(p):
    p.replace(ABOUT, "summary: Who we are.", "summary: Who we are and why we write.")


@edit("page: body")
def _(p):
    p.replace(ABOUT, "We are runners.", "We are runners and physiotherapists.")


@edit("page added")
def _(p):
    p.create(
        "content/pages/contact.md",
        "---\ntitle: Contact\nsummary: How to reach us.\n---\nWrite to us.\n",
    )


@edit("page: file renamed")
def _(p):
    p.rename("content/pages/contact.md", "content/pages/get-in-touch.md")


@edit("page deleted")
def _(p):
    p.delete("content/pages/get-in-touch.md")


@edit("page 'about' deleted (the nav's About falls back to the authors)")
def _(p):
    p.delete(ABOUT)


@edit("page 'about' added back")
def _(p):
    p.create(ABOUT, "---\ntitle: About\nsummary: Who we are.\n---\nWe are back.\n")


# studies.yml: every field of a study


@edit("study: title")
def _(p):
    p.replace(STUDIES, "title: Squats for runners", "title: Goblet squats for runners")


@edit("study: authors")
def _(p):
    p.replace(
        STUDIES, "  - Ola Nordmann\n", "  - Ola Nordmann\n  - Kari Nordmann\n  - Per Hansen\n"
    )


@edit("study: year")
def _(p):
    p.replace(STUDIES, "year: 2019", "year: 2018")


@edit("study: journal")
def _(p):
    p.replace(STUDIES, "journal: Fixture Review", "journal: Fixture Review Letters")


@edit("study: volume, issue and pages")
def _(p):
    p.replace(
        STUDIES,
        "  journal: Journal of Fixtures\n",
        "  journal: Journal of Fixtures\n  volume: 12\n  issue: 3\n  pages: 101-109\n",
    )


@edit("study: doi")
def _(p):
    p.replace(STUDIES, "doi: 10.1234/fixture.2020", "doi: 10.1234/fixture.2020.77")


@edit("study: pmid")
def _(p):
    p.replace(STUDIES, "pmid: '12345678'", "pmid: '87654321'")


@edit("study: finding")
def _(p):
    p.replace(STUDIES, "finding: Squats helped.", "finding: Squats helped most runners.")


@edit("study: caveats", shows_in_html=False)
def _(p):
    p.replace(
        STUDIES,
        "  finding: Walking helped too.\n",
        "  finding: Walking helped too.\n  caveats: A small study.\n",
    )


@edit("study added (a url, no doi or pmid) and cited")
def _(p):
    p.append(
        STUDIES,
        "lee-2021-hops:\n  title: Hops for knees\n  authors:\n  - Min Lee\n  year: 2021\n"
        "  journal: Knee Notes\n"
        "  url: https://studies.example/lee-2021\n  finding: Hops helped knees.\n",
    )
    p.replace(
        "content/exercises/zz-drill-02.md",
        "why_it_works: Drill 2 builds the knee.",
        "why_it_works: Drill 2 builds the knee [@lee-2021-hops].",
    )


@edit("study: url")
def _(p):
    p.replace(
        STUDIES,
        "url: https://studies.example/lee-2021\n",
        "url: https://studies.example/lee-2021-hops\n",
    )


# images: added, replaced (SVG and PNG), renamed, deleted


@edit("image added (an SVG nothing uses yet)")
def _(p):
    p.create("content/images/extra/diagram.svg", svg(50, 20, "#3a6ea5"))


@edit("image replaced: SVG with another size and colour")
def _(p):
    before = p.read("content/images/ann-2.svg")
    p.write("content/images/ann-2.svg", svg(90, 80, "#3a6ea5"))
    assert p.read("content/images/ann-2.svg") != before


@edit("image: file renamed (and the exercise's reference)")
def _(p):
    p.rename("content/images/squat.svg", "content/images/squat-front.svg")
    p.replace(SQUAT, "src: images/squat.svg", "src: images/squat-front.svg")


@edit("image deleted")
def _(p):
    p.delete("content/images/extra/diagram.svg")


@edit("image added: a PNG, used by an exercise")
def _(p):
    p.write_bytes("content/images/drill.png", png(640, 480, "#d9a441"))
    p.replace(
        "content/exercises/zz-drill-02.md",
        "level: beginner\n",
        "level: beginner\nimage:\n  src: images/drill.png\n  alt: A runner doing drill 2\n",
    )


@edit("image replaced: PNG in another colour, same size")
def _(p):
    p.write_bytes("content/images/photo.png", png(800, 600, "#b4501c"))


@edit("image replaced: PNG larger (more srcset widths)")
def _(p):
    p.write_bytes("content/images/photo.png", png(1600, 1200, "#b4501c"))


@edit("image replaced: PNG smaller (no srcset widths left)")
def _(p):
    p.write_bytes("content/images/photo.png", png(400, 300, "#0f5257"))


@edit("image deleted: the PNG and its use")
def _(p):
    p.replace(
        "content/exercises/zz-drill-02.md",
        "image:\n  src: images/drill.png\n  alt: A runner doing drill 2\n",
        "",
    )
    p.delete("content/images/drill.png")


# every template file: a visible change each (home.html is above, next to
# the exercise it reveals)


@edit("template 404.html")
def _(p):
    p.replace(
        "templates/404.html",
        '<p class="lede">This page does not exist, or it has moved.</p>',
        '<p class="lede">This page of {{ site.title }} does not exist, or it has moved.</p>',
    )


@edit("template article.html: the summary twice")
def _(p):
    p.replace(
        "templates/article.html",
        "  {% if a.features %}\n",
        '  <p class="summary-again wrap-narrow">In short: {{ a.meta.summary }}</p>\n'
        "  {% if a.features %}\n",
    )


@edit("template article_list.html")
def _(p):
    p.replace(
        "templates/article_list.html",
        "<h1>{{ page.title }}</h1>",
        '<h1>{{ page.title }}</h1>\n  <p class="count">{{ articles | length }} on this page</p>',
    )


@edit("template author.html")
def _(p):
    p.replace(
        "templates/author.html",
        '<h2 id="by-title">Articles by {{ a.meta.name }}</h2>',
        '<h2 id="by-title">{{ written | length }} articles by {{ a.meta.name }}</h2>',
    )


@edit("template author_list.html")
def _(p):
    p.replace(
        "templates/author_list.html",
        "<h1>{{ page.title }}</h1>",
        "<h1>{{ page.title }} ({{ graph.authors | length }})</h1>",
    )


@edit("template base.html: nav label")
def _(p):
    p.replace(
        "templates/base.html",
        '("Articles", urls.section("articles"))',
        '("Stories", urls.section("articles"))',
    )


@edit("template booklet_cover.html (PDF only)", shows_in_html=False)
def _(p):
    p.replace(
        "templates/booklet_cover.html",
        '<h1 class="rc-title">Routine cards</h1>',
        '<h1 class="rc-title">Every routine card</h1>',
    )


@edit("template builder.html")
def _(p):
    p.replace(
        "templates/builder.html",
        '<p class="lede">{{ page.description }}</p>',
        '<p class="lede">{{ page.description }} {{ graph.exercises | length }} exercises'
        " to choose from.</p>",
    )


@edit("template card.html (PDF only)", shows_in_html=False)
def _(p):
    p.replace(
        "templates/card.html",
        "<title>{{ card.title }}: printable routine card</title>",
        "<title>{{ card.title }}: routine card to print</title>",
    )


@edit("template exercise.html")
def _(p):
    p.replace(
        "templates/exercise.html",
        "<div><dt>Level</dt><dd>{{ e.meta.level | capitalize }}</dd></div>",
        "<div><dt>Level</dt><dd>{{ e.meta.level | capitalize }}</dd></div>\n"
        "        <div><dt>Cues</dt><dd>{{ e.meta.cues | length }}</dd></div>",
    )


@edit("template exercise_list.html")
def _(p):
    p.replace(
        "templates/exercise_list.html",
        '<h2 id="area-{{ term.slug }}">{{ term.name }}</h2>',
        '<h2 id="area-{{ term.slug }}">{{ term.name }} '
        '<span class="count">({{ term.exercises | length }})</span></h2>',
    )


@edit("template page.html")
def _(p):
    p.replace(
        "templates/page.html",
        "<h1>{{ node.title }}</h1>",
        '<h1>{{ node.title }}</h1>\n  <p class="eyebrow">{{ site.title }}</p>',
    )


@edit("template routine.html")
def _(p):
    p.replace(
        "templates/routine.html",
        "<li><strong>{{ r.meta.weeks }}</strong> weeks</li>",
        "<li><strong>{{ r.meta.weeks }}</strong> weeks</li>\n"
        "      <li><strong>{{ r.meta.weeks * r.meta.times_per_week }}</strong>"
        " sessions in all</li>",
    )


@edit("template routine_list.html")
def _(p):
    p.replace(
        "templates/routine_list.html",
        '<p class="lede">{{ page.description }}</p>',
        '<p class="lede">{{ page.description }} {{ graph.routines | length }} routines.</p>',
    )


@edit("template search.html")
def _(p):
    p.replace("templates/search.html", "<h1>Search</h1>", "<h1>Search {{ site.title }}</h1>")


@edit("template term.html")
def _(p):
    p.replace(
        "templates/term.html",
        "<h1>{{ term.name }}</h1>",
        '<h1>{{ term.name }} <span class="count">'
        "{{ (term.articles | length) + (term.exercises | length)"
        " + (term.routines | length) }} pages</span></h1>",
    )


@edit("template term_list.html")
def _(p):
    p.replace(
        "templates/term_list.html",
        "<h1>{{ label }}</h1>",
        "<h1>{{ label }} ({{ terms | length }})</h1>",
    )


@edit("template partials/card.html (the routine page's print view)")
def _(p):
    p.replace(
        "templates/partials/card.html",
        "<li><strong>{{ card.weeks }}</strong> weeks</li>",
        "<li><strong>{{ card.weeks }}</strong> weeks</li>\n"
        "      <li><strong>{{ card.exercises | length }}</strong> exercises</li>",
    )


@edit("template partials/macros.html: exercise cards show the muscles")
def _(p):
    p.replace(
        "templates/partials/macros.html",
        '<p class="card-text">{{ e.meta.summary }}</p>',
        '<p class="card-text">{{ e.meta.summary }}</p>\n'
        "    {% if e.meta.muscles %}"
        '<p class="card-muscles">{{ e.meta.muscles | join(", ") }}</p>{% endif %}',
    )


@edit("static style.css")
def _(p):
    p.append(
        "templates/static/style.css",
        "\n.summary-again { font-style: italic; }\n.card-muscles { color: var(--muted); }\n",
    )


@edit("static card.css")
def _(p):
    p.append("templates/static/card.css", "\n.rc-facts li { font-weight: 600; }\n")


@edit("static builder.css")
def _(p):
    p.append("templates/static/builder.css", "\n.b-total { font-weight: 600; }\n")


@edit("static library.css")
def _(p):
    p.append("templates/static/library.css", "\n.filter-count { opacity: .8; }\n")


@edit("static builder.js")
def _(p):
    p.append("templates/static/builder.js", '\nwindow.prehabBuilderVersion = "2";\n')


@edit("static library.js")
def _(p):
    p.append("templates/static/library.js", '\nwindow.prehabLibraryVersion = "2";\n')


@edit("static print.js")
def _(p):
    p.replace(
        "templates/static/print.js",
        "function () { window.print(); }",
        "function () { window.focus(); window.print(); }",
    )


@edit("static search.js")
def _(p):
    p.append("templates/static/search.js", '\nform.dataset.version = "2";\n')


@edit("static favicon.svg")
def _(p):
    p.replace("templates/static/favicon.svg", 'r="15" fill="#0f5257"', 'r="15" fill="#b4501c"')


# the end: the site settings once more


@edit("site.toml: base_url on another host, without a path")
def _(p):
    p.replace(SITE, 'base_url = "https://x.example/sub"', 'base_url = "https://y.example"')


@edit("site.toml: title again")
def _(p):
    p.replace(SITE, 'title = "Fixture Prehab Weekly"', 'title = "Prehab Fixture"')


# -- building and comparing -----------------------------------------------------


def start_cli_build(root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *CLI_BUILD, "--project", str(root)],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


@dataclass
class CliRun:
    returncode: int
    stdout: str
    stderr: str


def finish(process: subprocess.Popen) -> CliRun:
    stdout, stderr = process.communicate(timeout=300)
    return CliRun(process.returncode, stdout, stderr)


def clean_copy(root: Path, target: Path) -> Path:
    """content/ and templates/ of `root` in a fresh folder: no cache, no output."""
    target.mkdir(parents=True)
    for folder in ("content", "templates"):
        shutil.copytree(root / folder, target / folder)
    return target


def snapshot(folder: Path, skip: frozenset[str] = frozenset()) -> dict[str, bytes]:
    """relative path -> bytes of every file under folder."""
    files = {}
    if not folder.is_dir():
        return files
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if rel not in skip and (path.is_file() or path.is_symlink()):
            files[rel] = path.read_bytes()
    return files


def differing(clean: dict[str, bytes], other: dict[str, bytes]) -> dict[str, str]:
    """path -> how `other` differs from the clean build there."""
    found = {}
    for rel in sorted(clean.keys() | other.keys()):
        if rel not in other:
            found[rel] = "missing"
        elif rel not in clean:
            found[rel] = "extra (not in the clean build)"
        elif clean[rel] != other[rel]:
            found[rel] = "different bytes"
    return found


def display_lines(text: str) -> list[str]:
    """Lines to diff: one-line XML (the feed, the sitemap), minified CSS and
    JSON are split at element, rule and item boundaries first."""
    lines = text.splitlines()
    if any(len(line) > DIFF_WIDTH for line in lines):
        text = re.sub(
            r"(>)(<)|([};,])",
            lambda m: f"{m.group(1)}\n{m.group(2)}" if m.group(1) else m.group(3) + "\n",
            text,
        )
        lines = text.splitlines()
    return lines


def unified_diff(rel: str, clean: bytes, other: bytes, other_name: str) -> str:
    try:
        a, b = clean.decode("utf-8"), other.decode("utf-8")
    except UnicodeDecodeError:
        return (
            f"{rel}: binary, {len(clean)} bytes in the clean build, "
            f"{len(other)} in the {other_name} build"
        )
    lines = list(
        difflib.unified_diff(
            display_lines(a),
            display_lines(b),
            f"clean/{rel}",
            f"{other_name}/{rel}",
            n=1,
            lineterm="",
        )
    )
    clipped = [
        line if len(line) <= DIFF_WIDTH else line[:DIFF_WIDTH] + " …" for line in lines[:DIFF_LINES]
    ]
    if len(lines) > DIFF_LINES:
        clipped.append(f"… ({len(lines) - DIFF_LINES} more diff lines)")
    return "\n".join(clipped)


def first_text_diff(
    files: list[str], clean: dict[str, bytes], other: dict[str, bytes], other_name: str
) -> str:
    both = [rel for rel in files if rel in clean and rel in other]
    for rel in both:
        try:
            clean[rel].decode("utf-8"), other[rel].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return unified_diff(rel, clean[rel], other[rel], other_name)
    return unified_diff(both[0], clean[both[0]], other[both[0]], other_name) if both else ""


class Tracker:
    """Differences of one way of rebuilding (incremental CLI, dev server)
    from the clean build, edit after edit: a file that went stale at one
    edit and is still stale later is reported with the edit that broke it."""

    def __init__(self, name: str):
        self.name = name
        self.since: dict[str, str] = {}  # stale file -> the edit after which it first differed

    def compare(self, label: str, clean: dict[str, bytes], other: dict[str, bytes]) -> str | None:
        found = differing(clean, other)
        self.since = {rel: self.since.get(rel, label) for rel in found}
        if not found:
            return None
        new = [rel for rel in found if self.since[rel] == label]
        listing = "\n".join(
            f"    {rel}: {why}"
            + ("" if self.since[rel] == label else f" (stale since {self.since[rel]})")
            for rel, why in found.items()
        )
        diff = first_text_diff(new or list(found), clean, other, self.name)
        return (
            f"{label}: the {self.name} build differs from a clean build in {len(found)} file(s)"
            f" ({len(new)} new at this edit):\n{listing}" + (f"\n{diff}" if diff else "")
        )


def test_every_kind_of_edit_rebuilds_exactly_like_a_clean_build(tmp_path, monkeypatch):
    assert len(EDITS) >= 30
    monkeypatch.setenv(
        "XDG_CACHE_HOME", str(tmp_path / "user-cache")
    )  # prehab's memo key; inherited by the CLI
    root = write_project(tmp_path / "project", MATRIX_FILES)
    project = Project(root)
    project.write_bytes("content/images/photo.png", png(800, 600, "#0f5257"))
    log: list[str] = []
    # Without a base_url override the preview's pages are comparable with the CLI's.
    preview = Preview(root, BuildOptions(pdf=False, search=False), cards=False, log=log.append)
    served = root / ".prehab-serve" / "site"
    cli, serve = Tracker("incremental CLI"), Tracker("dev server (Preview)")
    failures: list[str] = []
    previous_clean: dict[str, bytes] | None = None

    for number, (name, apply) in enumerate([("the project as written", None)] + EDITS):
        label = f"edit {number} '{name}'"
        if apply is not None:
            apply(project)
        clean_root = clean_copy(root, tmp_path / "clean" / f"{number:03d}")
        incremental_process, clean_process = start_cli_build(root), start_cli_build(clean_root)
        # meanwhile the dev server rebuilds (it takes the project's lock, as the incremental
        # CLI build does)
        try:
            del log[:]
            rendered = preview.rebuild(f"edit {number}")
            served_files = snapshot(served, frozenset({MARKER}))
        finally:
            incremental_run, clean_run = finish(incremental_process), finish(clean_process)
        if clean_run.returncode != 0:
            pytest.fail(
                f"{label}: the site no longer builds from scratch (exit {clean_run.returncode}); "
                f"the edit must keep the site valid:\n{clean_run.stderr}{clean_run.stdout}"
            )
        clean = snapshot(clean_root / "site_output")
        if previous_clean is not None and name not in NO_HTML_EFFECT:
            assert clean != previous_clean, (
                f"{label} changes nothing in a clean build, so it tests nothing"
            )
        previous_clean = clean

        if incremental_run.returncode != 0:
            failures.append(
                f"{label}: the incremental CLI build failed (exit {incremental_run.returncode}) "
                f"where a clean build succeeds:\n{incremental_run.stderr}{incremental_run.stdout}"
            )
        else:
            problem = cli.compare(label, clean, snapshot(root / "site_output"))
            if problem:
                failures.append(problem)

        if rendered is None or preview.errors:
            failures.append(
                f"{label}: the dev server's rebuild failed where a clean build succeeds: "
                f"{preview.errors}\n" + "\n".join(log)
            )
        problem = serve.compare(
            label, {k: v for k, v in clean.items() if k != MARKER}, served_files
        )
        if problem:
            failures.append(problem)
        shutil.rmtree(clean_root)  # keep tmp_path small; the snapshot is in memory

    if failures:
        pytest.fail(
            f"{len(failures)} rebuild(s) out of {2 * (len(EDITS) + 1)} differ from a clean build "
            "(first the edit, then each differing file):\n\n" + "\n\n".join(failures)
        )


# -- random sequences of edits (Hypothesis) ---------------------------------------

HYPOTHESIS_OPTIONS = BuildOptions(pdf=False, search=False)
WORDS = st.lists(
    st.sampled_from(["alpha", "beta", "gamma", "delta", "x"]), min_size=1, max_size=3
).map(" ".join)
COLOURS = st.sampled_from(["#0f5257", "#b4501c", "#3a6ea5", "#d9a441"])
TAGS = ["low back pain", "strength", "core", "racing"]

# The shared project: the minimal fixture, a second article with a draft
# flag to toggle, a PNG on the bird dog, a few more exercises for the home
# page's slice, articles_per_page set, and a style.css rule to recolour.
HYPOTHESIS_FILES = {f"content/exercises/zz-drill-{n:02d}.md": drill(n) for n in range(1, 9)}
HYPOTHESIS_FILES["content/articles/draft-news.md"] = DRAFT_ARTICLE


def _q(value: str) -> str:
    return json.dumps(value)  # a double-quoted string: valid YAML and TOML


@dataclass(frozen=True)
class Change:
    """An edit setting something to a drawn value: applicable in any order, any number of times."""

    name: str
    values: st.SearchStrategy
    apply: Callable[[Project, object], None]


CHANGES = [
    Change("site title", WORDS, lambda p, v: p.set_line(SITE, r"title = .*", f"title = {_q(v)}")),
    Change(
        "site description",
        WORDS,
        lambda p, v: p.set_line(SITE, r"description = .*", f"description = {_q(v)}"),
    ),
    Change(
        "site base_url",
        st.sampled_from(
            ["https://fixture.example", "https://x.example/sub", "https://y.example/a/b"]
        ),
        lambda p, v: p.set_line(SITE, r"base_url = .*", f"base_url = {_q(v)}"),
    ),
    Change(
        "site articles_per_page",
        st.integers(1, 3),
        lambda p, v: p.set_line(SITE, r"articles_per_page = .*", f"articles_per_page = {v}"),
    ),
    Change(
        "site body area name", WORDS, lambda p, v: p.set_line(SITE, r"knee = .*", f"knee = {_q(v)}")
    ),
    Change(
        "article title", WORDS, lambda p, v: p.set_line(ARTICLE, r"title: .*", f"title: {_q(v)}")
    ),
    Change(
        "article summary",
        WORDS,
        lambda p, v: p.set_line(ARTICLE, r"summary: .*", f"summary: {_q(v)}"),
    ),
    Change(
        "article date",
        st.dates(dt.date(2025, 1, 1), TODAY),
        lambda p, v: p.set_line(ARTICLE, r"date: .*", f"date: {v.isoformat()}"),
    ),
    Change(
        "article tags",
        st.lists(st.sampled_from(TAGS), unique=True, max_size=3),
        lambda p, v: p.set_line(ARTICLE, r"tags: .*", f"tags: [{', '.join(v)}]"),
    ),
    Change(
        "second article draft",
        st.booleans(),
        lambda p, v: p.set_line(
            "content/articles/draft-news.md", r"draft: .*", f"draft: {str(v).lower()}"
        ),
    ),
    Change(
        "exercise title", WORDS, lambda p, v: p.set_line(SQUAT, r"title: .*", f"title: {_q(v)}")
    ),
    Change(
        "drill title (off the home page unless the slice is long)",
        WORDS,
        lambda p, v: p.set_line(
            "content/exercises/zz-drill-07.md", r"title: .*", f"title: {_q('Zz ' + v)}"
        ),
    ),
    Change(
        "exercise sets",
        st.integers(1, 5),
        lambda p, v: p.set_line(SQUAT, r"  sets: \d+", f"  sets: {v}"),
    ),
    Change(
        "exercise seconds",
        st.integers(10, 90),
        lambda p, v: p.set_line(BIRD, r"  seconds: \d+", f"  seconds: {v}"),
    ),
    Change(
        "routine minutes",
        st.integers(5, 60),
        lambda p, v: p.set_line(ROUTINE, r"minutes: \d+", f"minutes: {v}"),
    ),
    Change(
        "routine step note",
        WORDS,
        lambda p, v: p.set_line(ROUTINE, r"    note: .*", f"    note: {_q(v)}"),
    ),
    Change("author name", WORDS, lambda p, v: p.set_line(ANN, r"name: .*", f"name: {_q(v)}")),
    Change(
        "study finding",
        WORDS,
        lambda p, v: p.set_line(STUDIES, r"  finding: .*", f"  finding: {_q(v)}"),
    ),
    Change("page title", WORDS, lambda p, v: p.set_line(ABOUT, r"title: .*", f"title: {_q(v)}")),
    Change(
        "SVG size and colour",
        st.tuples(st.sampled_from([30, 40, 50]), COLOURS),
        lambda p, v: p.write("content/images/squat.svg", svg(v[0], v[0] * 3 // 4, v[1])),
    ),
    Change(
        "PNG size and colour",
        st.tuples(st.sampled_from([(300, 200), (800, 600), (1000, 500)]), COLOURS),
        lambda p, v: p.write_bytes("content/images/photo.png", png(*v[0], v[1])),
    ),
    Change(
        "home.html exercise slice",
        st.integers(1, 12),
        lambda p, v: p.sub(
            "templates/home.html", r"graph\.exercises\[:\d+\]", f"graph.exercises[:{v}]"
        ),
    ),
    Change(
        "base.html nav label",
        st.sampled_from(["Articles", "Stories", "Reads"]),
        lambda p, v: p.sub(
            "templates/base.html",
            r'\("(?:Articles|Stories|Reads)", urls\.section\("articles"\)\)',
            f'("{v}", urls.section("articles"))',
        ),
    ),
    Change(
        "style.css colour",
        COLOURS,
        lambda p, v: p.set_line(
            "templates/static/style.css",
            r"\.edit-matrix \{ color: #[0-9a-f]{6}; \}",
            f".edit-matrix {{ color: {v}; }}",
        ),
    ),
]

CHANGE_BY_NAME = {change.name: change for change in CHANGES}
# (name, value) pairs, so that a falsifying example reads as the edits it made
EDIT_STEPS = st.one_of([st.tuples(st.just(change.name), change.values) for change in CHANGES])


def make_hypothesis_project(root: Path) -> Project:
    write_project(root, HYPOTHESIS_FILES)
    project = Project(root)
    project.replace(
        SITE,
        'description = "A tiny fixture publication."\n',
        'description = "A tiny fixture publication."\narticles_per_page = 10\n',
    )
    project.replace(
        BIRD,
        "equipment: []\n",
        "equipment: []\nimage:\n  src: images/photo.png\n  alt: A bird dog on a mat\n",
    )
    project.write_bytes("content/images/photo.png", png(800, 600, "#0f5257"))
    project.append("templates/static/style.css", "\n.edit-matrix { color: #000000; }\n")
    return project


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(EDIT_STEPS, min_size=2, max_size=5))
def test_random_edit_sequences_rebuild_exactly_like_a_clean_build(tmp_path, monkeypatch, steps):
    # One project for every example (tmp_path is the same across them), so
    # each incremental build starts from the cache the previous example left.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = tmp_path / "project"
    out = root / "site_output"
    history = tmp_path / "history.txt"  # every edit applied to the shared project so far
    if not root.exists():
        make_hypothesis_project(root)
        build_site(root, out, HYPOTHESIS_OPTIONS, today=TODAY)
        history.write_text("")
    project = Project(root)
    for name, value in steps:
        CHANGE_BY_NAME[name].apply(project, value)
        with history.open("a") as log:
            log.write(f"{name} = {value!r}\n")
    build_site(root, out, HYPOTHESIS_OPTIONS, today=TODAY)
    (tmp_path / "clean").mkdir(exist_ok=True)
    clean_root = clean_copy(root, Path(tempfile.mkdtemp(dir=tmp_path / "clean")) / "project")
    build_site(clean_root, clean_root / "site_output", HYPOTHESIS_OPTIONS, today=TODAY)
    clean, incremental = snapshot(clean_root / "site_output"), snapshot(out)
    shutil.rmtree(clean_root)
    found = differing(clean, incremental)
    assert not found, (
        "the incremental build differs from a clean build in:\n"
        + "\n".join(f"    {rel}: {why}" for rel, why in found.items())
        + "\n"
        + first_text_diff(list(found), clean, incremental, "incremental")
        + "\nafter these edits (all examples so far, in order; this example's last):\n"
        + history.read_text()
    )
