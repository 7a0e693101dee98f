"""The resolved site graph: frozen values that resolve builds and render
and the PDF cards read. Relations are slugs, looked up in `SiteGraph`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import SiteConfig
from .schema import Study
from .urls import Urls


@dataclass(frozen=True)
class Output:
    """One file of the built site, path relative to the output folder: in
    memory, or (an unchanged page) the same file in the previous build's
    output, `source`, which the write stage links instead of rewriting."""

    path: str
    data: bytes | None
    source: Path | None = None


@dataclass(frozen=True)
class Copy:
    """A file of the built site copied as is from the project (content images)."""

    path: str  # relative to the output folder
    source: Path


@dataclass(frozen=True)
class Body:
    """A piece of Markdown and where it stands, for markup and its errors."""

    markdown: str
    path: str
    first_line: int


@dataclass(frozen=True)
class Dose:
    sets: int
    reps: int | None = None
    seconds: int | None = None
    per_side: bool = False
    rest_seconds: int | None = None
    hold_seconds: int | None = None  # with reps only
    tempo: str | None = None  # '3-1-1' or '3-0-1-0'
    effort: str | None = None  # 'a weight you could lift 2-3 more times'
    times_per_week: int | None = None

    @property
    def amount(self) -> str:
        """'3 x 10 each side', '3 x 30 s', '1 x 20 min'."""
        if self.seconds is not None:
            each = (
                f"{self.seconds // 60} min"
                if self.seconds >= 120 and self.seconds % 60 == 0
                else f"{self.seconds} s"
            )
        else:
            each = str(self.reps)
        return f"{self.sets} x {each}" + (" each side" if self.per_side else "")

    @property
    def rest(self) -> str:
        return f"rest {self.rest_seconds} s" if self.rest_seconds else ""

    @property
    def text(self) -> str:
        """'3 x 10 each side, rest 60 s': sets, reps or time and rest, the same
        words on every page and card (and in the routine builder)."""
        return ", ".join(part for part in (self.amount, self.rest) if part)

    @property
    def hold(self) -> str:
        return f"hold {self.hold_seconds} s" if self.hold_seconds and self.reps else ""

    @property
    def tempo_text(self) -> str:
        return f"tempo {self.tempo}" if self.tempo else ""

    @property
    def tempo_words(self) -> str:
        """'3-1-1' as 'lower in 3 s, pause 1 s, lift in 1 s' (0 s parts left out)."""
        if not self.tempo:
            return ""
        parts = [int(p) for p in self.tempo.split("-")]
        words = ("lower in {} s", "pause {} s", "lift in {} s", "pause {} s at the top")
        return ", ".join(w.format(n) for w, n in zip(words, parts, strict=False) if n)

    @property
    def frequency(self) -> str:
        n = self.times_per_week
        if not n:
            return ""
        return {1: "once a week", 2: "twice a week", 7: "every day"}.get(n, f"{n} times a week")

    @property
    def details(self) -> tuple[str, ...]:
        """What the dose adds to `text`: hold, tempo, how often, how hard."""
        parts = (self.hold, self.tempo_text, self.frequency, self.effort or "")
        return tuple(part for part in parts if part)

    @property
    def full(self) -> str:
        """Every part of the dose: '3 x 12, rest 120 s, tempo 3-0-3, a weight
        you could lift 2-3 more times'. Starts with `text`."""
        return ", ".join((self.text, *self.details))


ET_AL = re.compile(r"^\s*(et\.?\s+al\b|and others\b|others\s*$)", re.IGNORECASE)
# A study's `design` as reference lists show it: (label, short form for the cards).
DESIGNS = {
    "systematic-review": ("Systematic review", "SR"),
    "meta-analysis": ("Meta-analysis", "MA"),
    "rct": ("Randomized controlled trial", "RCT"),
    "cohort": ("Cohort study", "Cohort"),
    "case-control": ("Case-control study", "Case-control"),
    "cross-sectional": ("Cross-sectional study", "Cross-sectional"),
    "case-series": ("Case series", "Case series"),
    "narrative-review": ("Narrative review", "Review"),
    "guideline": ("Guideline", "Guideline"),
    "other": ("Other study type", "Other"),
}


@dataclass(frozen=True)
class Citation:
    number: int
    id: str
    study: Study
    # The ids of the citation markers on the page that cite it ('cite-1-a',
    # 'cite-1-b'), in reading order: its reference's back-links.
    backlinks: tuple[str, ...] = ()

    @property
    def design_label(self) -> str:
        """'Randomized controlled trial'; '' when the registry gives no design."""
        return DESIGNS[self.study.design][0] if self.study.design else ""

    @property
    def design_short(self) -> str:
        """'RCT', 'SR', 'Cohort': the card's short form; '' without a design."""
        return DESIGNS[self.study.design][1] if self.study.design else ""

    @property
    def backlink_letters(self) -> tuple[tuple[str, str], ...]:
        """(marker id, its letter): ('cite-1-b', 'b')."""
        return tuple((marker, marker.rsplit("-", 1)[1]) for marker in self.backlinks)

    @property
    def link(self) -> str:
        s = self.study
        if s.doi:
            return f"https://doi.org/{s.doi}"
        if s.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{s.pmid}/"
        return s.url or ""

    @property
    def people(self) -> tuple[str, ...]:
        """The authors who are people: an 'et al.' the registry writes for
        the names it could not check is none of them."""
        return tuple(a for a in self.study.authors if not ET_AL.match(a))

    @property
    def short_authors(self) -> str:
        names = [a.split()[-1] for a in self.people] or list(self.study.authors[:1])
        if len(names) == 1 and len(self.people) == len(self.study.authors):
            return names[0]
        if len(names) == 2 and len(self.people) == len(self.study.authors):
            return f"{names[0]} and {names[1]}"
        return f"{names[0]} et al."


@dataclass(frozen=True)
class Term:
    """A tag or a body area, with what it lists."""

    taxonomy: str  # "tags" | "body-areas"
    slug: str
    name: str
    url: str
    articles: tuple[str, ...] = ()
    exercises: tuple[str, ...] = ()
    routines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feature:
    """An exercise featured in an article, with the article's own 'why' (or
    the exercise's default 'why it works', its citation markers taken out:
    `cited_elsewhere` when it had some, which stay on the exercise page)."""

    exercise: str
    why: Body
    cited_elsewhere: bool = False


@dataclass(frozen=True)
class Review:
    """Who last checked a page against its studies, when, and when the next
    review is due (site.toml [review] interval_months later)."""

    by: str  # author slug
    on: dt.date
    due: dt.date


@dataclass(frozen=True)
class Step:
    """An exercise in a routine with its resolved dose."""

    exercise: str
    dose: Dose
    note: str | None = None


@dataclass(frozen=True)
class Node:
    """One published document: article, exercise, routine, author or page."""

    kind: str
    slug: str
    url: str
    path: str  # source path, e.g. content/articles/x.md
    meta: Any  # the kind's schema model
    body: Body
    front_digest: str  # hash of the front-matter text
    citations: tuple[str, ...] = ()  # study ids, in order of first citation
    features: tuple[Feature, ...] = ()  # articles
    steps: tuple[Step, ...] = ()  # routines
    dose: Dose | None = None  # exercises
    why: Body | None = None  # exercises: why it works
    review: Review | None = None  # articles and exercises
    tags: tuple[str, ...] = ()  # tag slugs
    areas: tuple[str, ...] = ()  # body area slugs
    used_in: tuple[tuple[str, str], ...] = ()  # (kind, slug) of pages featuring this one
    related: tuple[str, ...] = ()  # same kind, most related first
    links_to: tuple[tuple[str, str], ...] = ()  # (kind, slug) this document links or features
    lines: dict = field(
        default_factory=dict, repr=False, compare=False
    )  # front-matter key path -> file line

    def line_of(self, *loc) -> int:
        from .front_matter import nearest_line

        return nearest_line(self.lines, loc)

    @property
    def title(self) -> str:
        return getattr(self.meta, "title", None) or self.meta.name


@dataclass(frozen=True)
class SiteGraph:
    config: SiteConfig
    urls: Urls
    articles: tuple[Node, ...]  # newest first
    exercises: tuple[Node, ...]  # by title
    routines: tuple[Node, ...]
    authors: tuple[Node, ...]
    pages: tuple[Node, ...]
    studies: dict[str, Study]
    tags: tuple[Term, ...]
    areas: tuple[Term, ...]
    images: frozenset[str]
    image_refs: dict[str, tuple[str, int]]  # image -> (source, line) of its first use
    build_date: dt.date
    by_key: dict[tuple[str, str], Node] = field(default_factory=dict)  # (kind, slug) -> node
    by_slug: dict[str, Node] = field(default_factory=dict)  # slug -> node, for [[slug]]
    study_lines: dict[str, int] = field(default_factory=dict)  # study id -> its studies.yml line

    def get(self, kind: str, slug: str) -> Node:
        return self.by_key[(kind, slug)]

    def citations_of(self, node: Node) -> tuple[Citation, ...]:
        return tuple(
            Citation(i, sid, self.studies[sid]) for i, sid in enumerate(node.citations, start=1)
        )

    def term(self, taxonomy: str, slug: str) -> Term:
        terms = self.tags if taxonomy == "tags" else self.areas
        return next(t for t in terms if t.slug == slug)
