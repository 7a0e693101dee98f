"""`prehab new KIND "Title"`: a new content file with every front-matter
field filled in or explained, ready to build (new articles, exercises and
routines start as drafts so nothing half-written is published)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import frontmatter

from . import placeholders as ph
from .urls import MAX_SLUG, RESERVED, WINDOWS_RESERVED, is_slug, slugify

KINDS = {
    "article": "articles",
    "exercise": "exercises",
    "routine": "routines",
    "author": "authors",
    "page": "pages",
}


# Longer file names make unwieldy addresses, and some file systems and
# tools cut them: a title this long wants a shorter file name.
DRAFT_KINDS = ("article", "exercise", "routine")  # the kinds whose schema has `draft`


class ScaffoldError(Exception):
    pass


def _first(project: Path, kind: str, fallback: str) -> str:
    files = sorted((project / "content" / kind).glob("*.md"))
    return files[0].stem if files else fallback


def _first_area(project: Path) -> str:
    import tomllib

    from .files import SETTINGS_LIMIT, Gate, Refusal

    try:  # through the gate: a site.toml linked out of the project is not read
        text = Gate(project).read(project / "content/site.toml", SETTINGS_LIMIT).decode()
        areas = tomllib.loads(text).get("body_areas", {})
    except (Refusal, ValueError):
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
summary: {_quote(ph.ARTICLE_SUMMARY.text)}
author: {_first(project, "authors", "your-author-slug")}          # a file name in content/authors/
# reviewed_by: another-author-slug  # who checked it against its studies (not its writer)
# reviewed: {today.isoformat()}     # when; the next review falls due 12 months later
tags: []                   # e.g. [low back pain, strength training]
body_areas: [{_first_area(project)}]     # from [body_areas] in content/site.toml
# hero:
#   image: images/articles/your-image.svg   # relative to content/
#   alt: {_quote(ph.HERO_ALT.text)}
exercises: []              # exercise slugs in order, or \
{{exercise: slug, why: {_quote(ph.FEATURE_WHY.text)}}}
# routine: a-routine-slug  # the routine readers should follow
draft: true                # remove this line (or set false) to publish
---
{ph.ARTICLE_OPENING.text}

## What causes it

{ph.ARTICLE_GUIDE.text}

## How to fix it
"""
    if kind == "exercise":
        return f"""---
title: {t}
summary: {_quote(ph.EXERCISE_SUMMARY.text)}
why_it_works: {_quote(ph.EXERCISE_WHY.text)}
body_areas: [{_first_area(project)}]     # at least one, from content/site.toml
muscles: []                # e.g. [glutes, hamstrings]
equipment: []              # [] means bodyweight only
level: beginner            # beginner | intermediate | advanced
# image:
#   src: images/exercises/your-image.svg
#   alt: {_quote(ph.FIGURE_ALT.text)}
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

{ph.EXERCISE_STEP_1.text}
{ph.EXERCISE_STEP_2.text}
"""
    if kind == "routine":
        return f"""---
title: {t}
summary: {_quote(ph.ROUTINE_SUMMARY.text)}
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
{ph.ROUTINE_INTRO.text}
"""
    if kind == "author":
        return f"""---
name: {t}
role: "Physiotherapist"    # shown next to the name
# photo:
#   src: images/authors/your-photo.svg
#   alt: "Portrait of {title}"
---
{ph.AUTHOR_BIO.text}
"""
    return f"""---
title: {t}
summary: {_quote(ph.PAGE_SUMMARY.text)}
---
{ph.PAGE_TEXT.text}
"""


def create(project: Path, kind: str, title: str, today: dt.date | None = None) -> Path:
    if kind not in KINDS:
        raise ScaffoldError(f"unknown kind '{kind}': use one of {', '.join(KINDS)}")
    slug = slugify(title)
    refuse_slug(project, kind, title, slug)
    path = project / "content" / KINDS[kind] / f"{slug}.md"
    text = template_for(kind, title, project, today or dt.date.today())
    frontmatter.loads(text)  # the scaffold itself must always be valid front matter
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def refuse_slug(project: Path, kind: str, title: str, slug: str) -> None:
    """Raise when the build would reject the file `new` is about to write:
    better refused now than found by the next build."""
    if not is_slug(slug):
        raise ScaffoldError(
            f"cannot make a file name from '{title}': a file name needs Latin letters "
            "or digits (a-z, 0-9); add some to the title (e.g. a transliteration) and "
            "change the title inside the file afterwards"
        )
    if slug in WINDOWS_RESERVED:
        raise ScaffoldError(
            f"'{slug}' is a name Windows reserves for a device, so the site could not be "
            "copied there; choose another title"
        )
    if len(slug) > MAX_SLUG:
        start = slug[:40].rstrip("-")
        raise ScaffoldError(
            f"the file name '{start}...' would be {len(slug)} characters, more than "
            f"{MAX_SLUG}: use a shorter title and write the full one inside the file afterwards"
        )
    if kind == "page" and slug in RESERVED:
        raise ScaffoldError(
            f"a page may not be called '{slug}': /{slug}/ belongs to the site itself; "
            "choose another title"
        )
    for folder in KINDS.values():  # one slug per site: [[slug]] must name one page
        taken = project / "content" / folder / f"{slug}.md"
        if taken.exists():
            where = taken.relative_to(project)
            if folder == KINDS[kind]:
                raise ScaffoldError(
                    f"{where} already exists; choose another title or edit that file"
                )
            raise ScaffoldError(
                f"{where} already uses the name '{slug}', and two files may not share "
                f"one ([[{slug}]] would be ambiguous); choose another title"
            )


def next_steps(kind: str) -> str:
    """What to do after `new`, printed under the file's path."""
    if kind in DRAFT_KINDS:
        return (
            "It is a draft: preview it with `prehab serve` (drafts are shown there) or "
            "`prehab build --drafts`; "
            "replace the placeholder text, then set draft: false to publish."
        )
    return (
        f"{kind.capitalize()}s have no drafts: replace the placeholder text before "
        "the next build, which refuses it."
    )
