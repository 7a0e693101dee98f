"""An article's body as its sections (render stage, a Jinja filter): the
body's HTML cut before each <h2>, so the article template can put the
exercises and the routine where the outline has them (after the body's
"The exercises" section, before "When to see someone") and list the
sections in a table of contents. Each heading also gets a link to itself.

The HTML is the markup stage's own output (Python-Markdown's toc extension
gives every heading an id), so its headings are found by their exact form;
a heading's text for the contents list is its HTML with the tags taken out,
still escaped."""

from __future__ import annotations

import re
from dataclasses import dataclass

# the headings Python-Markdown writes: <h2 id="how-to-fix-it">How to fix it</h2>
HEADING = re.compile(r'<h([23]) id="([^"<>]+)">(.*?)</h\1>', re.S)
TAG = re.compile(r"<[^>]*>")

# the ids the outline places (from the headings "The exercises" and "When to see someone")
EXERCISES = "the-exercises"
SEE_SOMEONE = "when-to-see-someone"


@dataclass(frozen=True)
class Section:
    id: str  # "" for the opening, before the first heading
    title: str  # the heading's text, escaped HTML without tags
    html: str  # the heading and everything up to the next <h2>


def sections(html: str) -> list[Section]:
    """The body cut before each <h2>, headings given self-links."""
    found = []
    starts = [m for m in HEADING.finditer(html) if m.group(1) == "2"]
    bounds = [0, *(m.start() for m in starts), len(html)]
    for i, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
        heading = starts[i - 1] if i else None
        part = html[start:end]
        if heading is None and not part.strip():
            continue
        title = " ".join(TAG.sub("", heading.group(3)).split()) if heading else ""
        found.append(Section(heading.group(2) if heading else "", title, anchored(part)))
    return found


def anchored(html: str) -> str:
    """Every h2 and h3 with a link to itself after its text, for readers who
    want to share or bookmark a section (CSS shows it as '#')."""

    def add(match: re.Match) -> str:
        level, slug, inner = match.groups()
        label = " ".join(TAG.sub("", inner).split()).replace('"', "&quot;")
        return (
            f'<h{level} id="{slug}">{inner}<a class="heading-anchor" href="#{slug}" '
            f'aria-label="Link to the section {label}"></a></h{level}>'
        )

    return HEADING.sub(add, html)


def in_outline_order(parts: list[Section]) -> tuple[list[Section], list[Section]]:
    """(the sections up to and including "The exercises" or, without one,
    every section but "When to see someone"; the rest, which come after the
    exercises and the routine, "When to see someone" last)."""
    see = [p for p in parts if p.id == SEE_SOMEONE]
    others = [p for p in parts if p.id != SEE_SOMEONE]
    ids = [p.id for p in others]
    cut = ids.index(EXERCISES) + 1 if EXERCISES in ids else len(others)
    return others[:cut], others[cut:] + see
