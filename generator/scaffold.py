"""`prehab new KIND "Title"`: a new content file with every front-matter
field filled in or explained, ready to build (new articles, exercises and
routines start as drafts so nothing half-written is published)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import frontmatter

from .urls import is_slug, slugify

KINDS = {
    "article": "articles",
    "exercise": "exercises",
    "routine": "routines",
    "author": "authors",
    "page": "pages",
}


class ScaffoldError(Exception):
    pass


def _first(project: Path, kind: str, fallback: str) -> str:
    files = sorted((project / "content" / kind).glob("*.md"))
    return files[0].stem if files else fallback


def _first_area(project: Path) -> str:
    import tomllib

    try:
        areas = tomllib.loads((project / "content/site.toml").read_text()).get("body_areas", {})
    except (OSError, ValueError):
        areas = {}
    return next(iter(areas), "lower-back")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def template_for(kind: str, title: str, project: Path, today: dt.date) -> str:
    t = _quote(title)
    # a line ending in a backslash goes on in the next one: the file gets one line
    if kind == "article":
        return f"""---
title: {t}
date: {today.isoformat()}          # publication date; articles dated later stay \
unpublished until then
# updated: {today.isoformat()}     # when you revise it later
summary: "One or two sentences for lists, search results and social cards (at most 300 characters)."
author: {_first(project, "authors", "your-author-slug")}          # a file name in content/authors/
tags: []                   # e.g. [low back pain, strength training]
body_areas: [{_first_area(project)}]     # from [body_areas] in content/site.toml
# hero:
#   image: images/articles/your-image.svg   # relative to content/
#   alt: "What the picture shows"
exercises: []              # exercise slugs in order, or \
{{exercise: slug, why: "why it helps here"}}
# routine: a-routine-slug  # the routine readers should follow
draft: true                # remove this line (or set false) to publish
---
Start with a short, reassuring opening.

## What causes it

Cite studies like this: `[@study-id]`, and link other pages like this: `[[goblet-squat]]` \
(without the backticks).

## How to fix it
"""
    if kind == "exercise":
        return f"""---
title: {t}
summary: "One sentence: what it is and what it does (at most 300 characters)."
why_it_works: "Why it helps runners, in a sentence or two; cite studies with `[@study-id]` \
(without the backticks)."
body_areas: [{_first_area(project)}]     # at least one, from content/site.toml
muscles: []                # e.g. [glutes, hamstrings]
equipment: []              # [] means bodyweight only
level: beginner            # beginner | intermediate | advanced
# image:
#   src: images/exercises/your-image.svg
#   alt: "What the figure shows"
dose:
  sets: 3
  reps: 10                 # or seconds: 30 (one of the two)
  per_side: false
  rest_seconds: 60
cues: []                   # short reminders; the first two are printed on routine cards
studies: []                # study ids from content/studies.yml
draft: true                # remove this line (or set false) to publish
---
## How to do it

1. First step.
2. Second step.
"""
    if kind == "routine":
        return f"""---
title: {t}
summary: "One line: what it is for."
body_areas: [{_first_area(project)}]
times_per_week: 3          # 1 to 7
weeks: 6                   # rows of the tracker on the printable card
minutes: 20
exercises:                 # in order; sets/reps/seconds/per_side/rest_seconds/note override \
the exercise's dose
  - exercise: {_first(project, "exercises", "an-exercise-slug")}
studies: []
draft: true                # remove this line (or set false) to publish
---
Introduce the routine: who it is for and how to progress.
"""
    if kind == "author":
        return f"""---
name: {t}
role: "Physiotherapist"    # shown next to the name
# photo:
#   src: images/authors/your-photo.svg
#   alt: "Portrait of {title}"
---
A short bio.
"""
    return f"""---
title: {t}
summary: "One sentence for search results."
---
Write the page here.
"""


def create(project: Path, kind: str, title: str, today: dt.date | None = None) -> Path:
    if kind not in KINDS:
        raise ScaffoldError(f"unknown kind '{kind}': use one of {', '.join(KINDS)}")
    slug = slugify(title)
    if not is_slug(slug):
        raise ScaffoldError(
            f"cannot make a file name from '{title}': use a title with letters or digits"
        )
    path = project / "content" / KINDS[kind] / f"{slug}.md"
    if path.exists():
        raise ScaffoldError(
            f"{path.relative_to(project)} already exists; choose another title or edit that file"
        )
    text = template_for(kind, title, project, today or dt.date.today())
    frontmatter.loads(text)  # the scaffold itself must always be valid front matter
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
