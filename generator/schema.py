"""Front-matter models, one per content kind: field rules only (types,
required fields, bounds). References between documents are checked later, in
resolve. The same models generate the JSON Schemas and the docs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from .config import PainLevel
from .urls import SLUG_PATTERN

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# Numbers editors write unquoted (volume: 7, pmid: 28422125) are kept as text.
Code = Annotated[
    str, BeforeValidator(lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v)
]
# An old address of a page, as it was published: '/exercises/nordic-curl/'.
Alias = Annotated[str, StringConstraints(pattern=r"^/([A-Za-z0-9._~-]+/)+$")]
ALIASES = Field(
    default=(),
    description="Old addresses of this page, e.g. [/exercises/nordic-curl/]; each one "
    "redirects here, so links and printed QR codes keep working after a rename.",
)
SLUG_HINT = "use lowercase letters, digits and single hyphens, e.g. 'goblet-squat'"
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
# What kind of study it was (model.DESIGNS holds how each one is shown).
StudyDesign = Literal[
    "systematic-review",
    "meta-analysis",
    "rct",
    "cohort",
    "case-control",
    "cross-sectional",
    "case-series",
    "narrative-review",
    "guideline",
    "other",
]
REVIEWED_BY = Field(
    default=None,
    description="File name (without .md) of the author in content/authors/ who checked the "
    "page against its studies; give `reviewed` with it.",
)
REVIEWED = Field(
    default=None,
    description="When it was last reviewed; the next review is due [review] interval_months "
    "later (site.toml, default 12).",
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Image(Strict):
    """An illustration: `src` is relative to content/ (e.g. images/x.svg)."""

    src: Text
    alt: Text = Field(description="What the picture shows, for readers who cannot see it.")


class Hero(Strict):
    image: Text
    alt: Text = Field(description="What the picture shows, for readers who cannot see it.")


# A tempo: seconds lowering, pausing at the bottom, lifting (and pausing at the top).
TEMPO_PATTERN = r"^\d{1,2}-\d{1,2}-\d{1,2}(-\d{1,2})?$"
Tempo = Annotated[str, StringConstraints(strip_whitespace=True, pattern=TEMPO_PATTERN)]
Effort = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
HOLD = Field(
    default=None,
    ge=1,
    le=120,
    description="Seconds to hold each rep at its hardest point (with `reps` only).",
)
TEMPO = Field(
    default=None,
    description="Seconds for each part of a rep, e.g. '3-1-1' (lower in 3 s, pause 1 s, lift in "
    "1 s) or '3-0-1-0' (the fourth number: a pause at the top).",
)
EFFORT = Field(
    default=None,
    description="How hard it should feel, in a few words, e.g. 'a weight you could lift 2-3 "
    "more times'. (max length 80)",
)
TIMES_PER_WEEK = Field(
    default=None, ge=1, le=7, description="How many days a week to do this exercise."
)


class Dose(Strict):
    sets: int = Field(ge=1, le=20)
    reps: int | None = Field(default=None, ge=1, le=200)
    seconds: int | None = Field(default=None, ge=1, le=7200)
    per_side: bool = False
    rest_seconds: int | None = Field(default=None, ge=0, le=900)
    hold_seconds: int | None = HOLD
    tempo: Tempo | None = TEMPO
    effort: Effort | None = EFFORT
    times_per_week: int | None = TIMES_PER_WEEK

    @model_validator(mode="after")
    def _reps_or_seconds(self):
        if (self.reps is None) == (self.seconds is None):
            raise ValueError("give either 'reps' or 'seconds' (exactly one of them)")
        if self.hold_seconds is not None and self.seconds is not None:
            raise ValueError("'hold_seconds' goes with 'reps'; a timed exercise is one long hold")
        return self


class FeaturedExercise(Strict):
    exercise: Slug
    why: Text | None = Field(
        default=None, description="Markdown: why this exercise helps in this article."
    )


class Article(Strict):
    title: Text
    date: dt.date = Field(
        description="Publication date; a later date keeps the article unpublished until then "
        "(or build with --future)."
    )
    updated: dt.date | None = Field(default=None, description="When the article was last revised.")
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    author: Slug = Field(description="File name (without .md) of an author in content/authors/.")
    tags: tuple[Text, ...] = Field(
        default=(), description="Topics, e.g. [low back pain, strength training]; each gets a page."
    )
    body_areas: tuple[Slug, ...] = Field(
        default=(), description="Slugs from [body_areas] in content/site.toml."
    )
    hero: Hero | None = Field(
        default=None, description="The picture at the top: image path and alt text."
    )
    exercises: tuple[Slug | FeaturedExercise, ...] = Field(
        default=(),
        description='Featured exercises in order: a slug, or {exercise: slug, why: "..."} to '
        "explain it for this article.",
    )
    routine: Slug | None = Field(
        default=None, description="The routine readers should follow (a slug)."
    )
    draft: bool = Field(
        default=False, description="true keeps it unpublished (build with --drafts to preview)."
    )
    aliases: tuple[Alias, ...] = ALIASES
    reviewed_by: Slug | None = REVIEWED_BY
    reviewed: dt.date | None = REVIEWED

    @model_validator(mode="after")
    def _updated_after_date(self):
        if self.updated is not None and self.updated < self.date:
            raise ValueError("'updated' is earlier than 'date'")
        return self


class Exercise(Strict):
    title: Text
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    why_it_works: Text = Field(description="Markdown: why the exercise helps; may cite [@study].")
    body_areas: tuple[Slug, ...] = Field(
        min_length=1, description="At least one slug from [body_areas] in content/site.toml."
    )
    muscles: tuple[Text, ...] = ()
    equipment: tuple[Text, ...] = Field(default=(), description="[] means bodyweight only.")
    level: Literal["beginner", "intermediate", "advanced"] = "beginner"
    image: Image | None = Field(
        default=None, description="The illustration: src (relative to content/) and alt text."
    )
    video: str | None = Field(
        default=None, description="An https:// link to a video of the exercise."
    )
    dose: Dose = Field(description="The default dose; routines may override it.")
    cues: tuple[Text, ...] = Field(
        default=(),
        description="Short reminders; routine cards print the first ones and always the first "
        "warning cue (one that starts with Stop, Avoid, Do not, Don't or Never, or mentions pain).",
    )
    easier: tuple[Slug, ...] = Field(
        default=(), description="Exercises (slugs) to do instead when this one is too hard."
    )
    harder: tuple[Slug, ...] = Field(
        default=(), description="Exercises (slugs) to move on to when this one is easy."
    )
    studies: tuple[Text, ...] = Field(
        default=(), description="Ids from content/studies.yml that back the exercise."
    )
    draft: bool = Field(default=False, description="true keeps it unpublished.")
    aliases: tuple[Alias, ...] = ALIASES
    reviewed_by: Slug | None = REVIEWED_BY
    reviewed: dt.date | None = REVIEWED

    @field_validator("video")
    @classmethod
    def _https(cls, value):
        if value is not None and not re.match(r"^https://[^\s/]+\S*$", value):
            raise ValueError("must be an https:// URL")
        return value


class RoutineStep(Strict):
    exercise: Slug
    sets: int | None = Field(default=None, ge=1, le=20)
    reps: int | None = Field(default=None, ge=1, le=200)
    seconds: int | None = Field(default=None, ge=1, le=7200)
    per_side: bool | None = None
    rest_seconds: int | None = Field(default=None, ge=0, le=900)
    hold_seconds: int | None = HOLD
    tempo: Tempo | None = TEMPO
    effort: Effort | None = EFFORT
    times_per_week: int | None = TIMES_PER_WEEK
    note: Text | None = None

    @model_validator(mode="after")
    def _not_both(self):
        if self.reps is not None and self.seconds is not None:
            raise ValueError("give 'reps' or 'seconds', not both")
        if self.hold_seconds is not None and self.seconds is not None:
            raise ValueError("'hold_seconds' goes with 'reps'; a timed exercise is one long hold")
        return self


class RoutineSafety(Strict):
    """A routine's own safety words on its card; each part given replaces the
    site-wide one ([safety] in content/site.toml)."""

    pain_guide: tuple[PainLevel, ...] | None = Field(
        default=None, description="Bands of the 0-10 pain guide: scores, label, advice."
    )
    stop: tuple[Text, ...] | None = Field(default=None, description="When to stop the session.")
    see_someone: tuple[Text, ...] | None = Field(
        default=None,
        description="When to see a health professional; the red flags of the routine's body "
        "areas are added.",
    )


class Routine(Strict):
    title: Text
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    body_areas: tuple[Slug, ...] = ()
    times_per_week: int = Field(ge=1, le=7, description="Sessions per week.")
    weeks: int = Field(
        default=6, ge=1, le=52, description="How many weeks the card's tracker covers."
    )
    minutes: int = Field(ge=1, le=240, description="About how long one session takes.")
    exercises: tuple[RoutineStep, ...] = Field(
        min_length=1,
        description="The exercises in order; omitted dose values come from each exercise.",
    )
    studies: tuple[Text, ...] = ()
    safety: RoutineSafety | None = Field(
        default=None,
        description="This routine's own pain guide, stop signs or see-someone signs "
        "(pain_guide, stop, see_someone), replacing the site-wide ones of [safety] in "
        "content/site.toml.",
    )
    draft: bool = False
    aliases: tuple[Alias, ...] = ALIASES


class Author(Strict):
    name: Text
    role: Text | None = None
    photo: Image | None = None
    aliases: tuple[Alias, ...] = ALIASES


class Page(Strict):
    title: Text
    summary: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    aliases: tuple[Alias, ...] = ALIASES


class Study(Strict):
    title: Text
    authors: tuple[Text, ...] = Field(min_length=1)
    year: int = Field(ge=1800, le=2100)
    journal: Text
    volume: Code | None = None
    issue: Code | None = None
    pages: Code | None = None
    doi: str | None = None
    pmid: Code | None = None
    url: str | None = None
    finding: Text
    caveats: Text | None = Field(
        default=None,
        description="What the study does not show (design, who was studied, what was not "
        "measured); shown with the reference.",
    )
    design: StudyDesign | None = Field(
        default=None,
        description="What kind of study it was; shown as a label with every reference "
        "(`prehab check --strict` warns when a cited study has none).",
    )

    @field_validator("doi")
    @classmethod
    def _doi(cls, value):
        if value is not None and not DOI_RE.match(value):
            raise ValueError(
                "does not look like a DOI (e.g. '10.1038/srep45975', without 'https://doi.org/')"
            )
        return value

    @field_validator("pmid")
    @classmethod
    def _pmid(cls, value):
        if value is not None and not value.isdigit():
            raise ValueError("a PubMed id is digits only, e.g. '28422125'")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value):
        if value is not None and not re.match(r"^https?://[^\s/]+\S*$", value):
            raise ValueError("must be an http(s) URL")
        return value

    @model_validator(mode="after")
    def _some_identifier(self):
        if not (self.doi or self.pmid or self.url):
            raise ValueError(
                "give at least one of 'doi', 'pmid' or 'url' so readers can find the study"
            )
        return self


MODELS: dict[str, type[Strict]] = {
    "articles": Article,
    "exercises": Exercise,
    "routines": Routine,
    "authors": Author,
    "pages": Page,
}
