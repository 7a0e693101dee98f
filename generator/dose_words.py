"""Part of stage 3, resolve: an article's own words about a dose checked
against the routine it recommends. The article page shows the routine's
dose for every exercise the two share (one dose per exercise on a page), so
a paragraph that names one of those exercises and gives it other numbers
("3 x 10", "3 sets of 10", "10 to 20 minutes") would contradict the page:
a warning at that line.

Numbers are tied to the shared exercise named nearest to them in the same
sentence (by its title or a [[slug]] link): "followed by a 10 to 20-minute
brisk walk" is about the walk even where the sentence names another
exercise first. Numbers in a sentence that names none are not read."""

from __future__ import annotations

import re
from typing import NamedTuple

from .diagnostics import WARNING, Diagnostic
from .model import Dose, Node, SiteGraph
from .remembered import remembered

SETS_REPS = re.compile(r"\b(\d{1,2})\s*(?:x|×|sets? of)\s*(\d{1,3})\b", re.I)
MINUTES = re.compile(r"\b(\d{1,3})(?:\s*(?:to|-|–)\s*(\d{1,3}))?[\s-]*min(?:ute)?s?\b", re.I)


def dose_word_warnings(graph: SiteGraph) -> list[Diagnostic]:
    found = []
    for article in graph.articles:
        if ("routines", article.meta.routine) not in graph.by_key:
            continue
        routine = graph.get("routines", article.meta.routine)
        featured = {f.exercise for f in article.features}
        shared = {s.exercise: s.dose for s in routine.steps if s.exercise in featured}
        # every exercise the page names can be the nearest, but only shared ones are checked
        named = featured | {s.exercise for s in routine.steps}
        names = tuple((slug, graph.get("exercises", slug).title) for slug in sorted(named))
        body = article.body
        for line, said, slug in _numbers(body.markdown, body.first_line, names):
            if slug in shared and not _agrees(said, shared[slug]):
                title = dict(names)[slug]
                found.append(_warning(article, routine, line, said.text, title, shared[slug]))
    return found


SENTENCE_END = re.compile(r"[.!?]")
# what every dose the patterns read contains: "min", "sets of", or a digit then "x" or "×"
# (one pass over the text: most bodies give no dose)
DIGIT_X = re.compile(r"\d ?[x×]", re.I)


def _has_clue(text: str) -> bool:
    low = text.lower()
    return "min" in low or "set of" in low or "sets of" in low or bool(DIGIT_X.search(low))


class Said(NamedTuple):
    """Dose words as written: '3 x 10' (sets and reps) or '10 to 20-minute'."""

    text: str
    sets_reps: bool
    first: int
    second: int | None


@remembered
def _numbers(text: str, first_line: int, names: tuple[tuple[str, str], ...]) -> tuple:
    """(file line, Said, slug) for each dose-like number in a body with the
    exercise named nearest to it in its sentence (none named: left out), of
    the (slug, title) `names`. A pure function, remembered between builds
    (generator/remembered.py)."""
    return tuple(
        (line, Said(m[0], m.re is SETS_REPS, int(m[1]), int(m[2]) if m[2] else None), slug)
        for line, m, slug in _numbers_in(text, first_line, dict(names))
    )


def _numbers_in(text: str, first_line: int, names: dict[str, str]):
    if not _has_clue(text):  # most bodies give no dose: a quick look
        return
    said = [m for pattern in (SETS_REPS, MINUTES) for m in _matches(pattern, text)]
    if not said:  # most bodies give no numbers: nothing more to read
        return
    low = text.lower()
    by_name = {title.lower(): slug for slug, title in names.items()}
    by_name |= {f"[[{slug}": slug for slug in names}
    named = re.compile("|".join(re.escape(n) for n in sorted(by_name, key=len, reverse=True)))
    for match in sorted(said, key=lambda m: m.start()):
        start = max((m.end() for m in SENTENCE_END.finditer(text, 0, match.start())), default=0)
        end = SENTENCE_END.search(text, match.end())
        mentions = list(named.finditer(low, start, end.end() if end else len(text)))
        if not mentions:
            continue
        nearest = min(mentions, key=lambda m: max(m.start() - match.end(), match.start() - m.end()))
        line = first_line + text.count("\n", 0, match.start())
        yield line, match, by_name[nearest[0]]


DIGITS = re.compile(r"\d+")


def _matches(pattern: re.Pattern, text: str):
    """pattern.finditer(text) for a pattern that starts with a word boundary
    and a digit: tried only where a number starts (scanning every position
    of every body cost a quarter of a second at 1,000 articles)."""
    end = 0
    for number in DIGITS.finditer(text):
        if number.start() < end:
            continue
        match = pattern.match(text, number.start())
        if match:
            end = match.end()
            yield match


def _agrees(said: Said, dose: Dose) -> bool:
    if said.sets_reps:
        return dose.reps is not None and (said.first, said.second) == (dose.sets, dose.reps)
    low, high = said.first, said.first if said.second is None else said.second
    return dose.seconds is not None and low == high == dose.seconds / 60


def _warning(article: Node, routine: Node, line: int, said: str, name: str, dose: Dose):
    return Diagnostic(
        article.path,
        line,
        f"the text gives '{said}' for {name}, but the routine '{routine.slug}' this article "
        f"recommends gives {dose.text}, which is what the page shows; make the text agree "
        "with the routine (or change the routine's dose)",
        severity=WARNING,
        code="dose-disagrees",
    )
