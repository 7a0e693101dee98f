"""The text `prehab new` and `prehab studies import` write where only the
editor knows what belongs, defined once: the scaffold and the importer write
these very constants and the load stage looks for them, so the two cannot
drift apart. A file still holding one is an error at its line; in a draft it
is a warning, because unfinished text is what drafts are for (and a draft's
placeholder must not stop the rest of the site from being published)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .diagnostics import ERROR, WARNING, Diagnostic

# Shorter texts are only placeholders when they are the whole value or line:
# "A short bio." could be part of a real sentence, a sentence of 30 or more
# characters written by the scaffold never is.
MIN_CONTAINED = 30


@dataclass(frozen=True)
class Placeholder:
    text: str
    advice: str  # what to write instead, in the words of the message


# Front matter (values).
ARTICLE_SUMMARY = Placeholder(
    "One or two sentences for lists, search results and social cards (at most 300 characters).",
    "write one or two sentences that describe the article",
)
EXERCISE_SUMMARY = Placeholder(
    "One sentence: what it is and what it does (at most 300 characters).",
    "write one sentence: what the exercise is and what it does",
)
EXERCISE_WHY = Placeholder(
    "Why it helps runners, in a sentence or two; cite studies with `[@study-id]` "
    "(without the backticks).",
    "write why the exercise helps runners, in a sentence or two",
)
ROUTINE_SUMMARY = Placeholder(
    "One line: what it is for.", "write one line that says what the routine is for"
)
PAGE_SUMMARY = Placeholder(
    "One sentence for search results.",
    "write one sentence that describes the page, or remove the line",
)
HERO_ALT = Placeholder(
    "What the picture shows", "describe what the picture shows, for readers who cannot see it"
)
FIGURE_ALT = Placeholder(
    "What the figure shows", "describe what the figure shows, for readers who cannot see it"
)
FEATURE_WHY = Placeholder("why it helps here", "say why this exercise helps in this article")

# Body (whole lines).
ARTICLE_OPENING = Placeholder(
    "Start with a short, reassuring opening.", "write the article's opening here"
)
ARTICLE_GUIDE = Placeholder(
    "Cite studies like this: `[@study-id]`, and link other pages like this: "
    "`[[goblet-squat]]` (without the backticks).",
    "delete this line, which only shows how to cite studies and link pages, "
    "and write the section's text",
)
EXERCISE_STEP_1 = Placeholder("1. First step.", "write the steps of the exercise, one per line")
EXERCISE_STEP_2 = Placeholder("2. Second step.", EXERCISE_STEP_1.advice)
ROUTINE_INTRO = Placeholder(
    "Introduce the routine: who it is for and how to progress.",
    "write who the routine is for and how to progress",
)
AUTHOR_BIO = Placeholder("A short bio.", "write a short bio of the author")
PAGE_TEXT = Placeholder("Write the page here.", "write the page's text")

# content/studies.yml (the finding of an imported study).
STUDY_FINDING = Placeholder(
    "TODO: the finding in one plain sentence.", "write the study's finding in one plain sentence"
)

FRONT = (
    ARTICLE_SUMMARY,
    EXERCISE_SUMMARY,
    EXERCISE_WHY,
    ROUTINE_SUMMARY,
    PAGE_SUMMARY,
    HERO_ALT,
    FIGURE_ALT,
    FEATURE_WHY,
)
BODY = (
    ARTICLE_OPENING,
    ARTICLE_GUIDE,
    EXERCISE_STEP_1,
    EXERCISE_STEP_2,
    ROUTINE_INTRO,
    AUTHOR_BIO,
    PAGE_TEXT,
)


def _pattern(placeholder: Placeholder) -> re.Pattern:
    text = re.escape(placeholder.text)
    if len(placeholder.text) < MIN_CONTAINED:
        return re.compile(rf"^{text}$")
    return re.compile(rf"(?<!\S){text}(?!\w)")  # a whole sentence, wherever it stands


_PATTERNS = {p.text: _pattern(p) for p in (*FRONT, *BODY, STUDY_FINDING)}


def found_in(text: str, candidates) -> Placeholder | None:
    """The first of `candidates` that `text` still holds, if any (whitespace
    as YAML or an editor may have re-wrapped it). Every line of every body is
    asked: a placeholder's exact text is looked for before its pattern."""
    flat = " ".join(text.split())
    return next((p for p in candidates if p.text in flat and _PATTERNS[p.text].search(flat)), None)


def source_placeholders(source) -> list[Diagnostic]:
    """Placeholders left in a parsed source (front-matter values and body lines)."""
    if source is None:
        return []
    front = source.front or {}
    severity = WARNING if front.get("draft") is True else ERROR
    found = []
    for loc, value in _strings(front, ()):
        placeholder = found_in(value, FRONT)
        if placeholder:
            message = f"'{_field_name(loc)}' still holds the placeholder text from 'prehab new'"
            found.append(_problem(source.path, source.line_of(loc), message, placeholder, severity))
    for offset, line in enumerate(source.body.split("\n")):
        placeholder = found_in(line, BODY) if line.strip() else None
        if placeholder:
            message = f"{_quoted(placeholder.text)} is the placeholder text from 'prehab new'"
            line_no = source.body_line + offset
            found.append(_problem(source.path, line_no, message, placeholder, severity))
    return found


def study_placeholders(path: str, data, lines: dict) -> list[Diagnostic]:
    """TODO findings left by `prehab studies import` in the study registry
    (it writes no caveats). Studies have no drafts, so these are always errors."""
    if not isinstance(data, dict):
        return []  # not a registry: its own error says so
    found = []
    for study_id, study in data.items():
        finding = study.get("finding") if isinstance(study, dict) else None
        if isinstance(finding, str) and found_in(finding, (STUDY_FINDING,)):
            message = (
                f"study '{study_id}': 'finding' still holds the placeholder text "
                "from 'prehab studies import'"
            )
            line = lines.get((study_id, "finding"), 1)
            found.append(_problem(path, line, message, STUDY_FINDING, ERROR))
    return found


def _problem(path, line, message, placeholder: Placeholder, severity) -> Diagnostic:
    return Diagnostic(
        path, line, f"{message}; {placeholder.advice}", severity=severity, code="placeholder"
    )


def _strings(value, loc: tuple):
    """(key path, text) of every text value, however deeply nested."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, loc + (str(key),))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, loc + (i,))


def _field_name(loc: tuple) -> str:
    """('exercises', 0, 'why') -> 'exercises[1].why', as validation names fields."""
    parts = []
    for part in loc:
        parts.append(f"[{part + 1}]" if isinstance(part, int) else ("." if parts else "") + part)
    return "".join(parts)


def _quoted(text: str) -> str:
    """The text in quotes, its first words only when long (the line is shown)."""
    return f"'{text}'" if len(text) <= 60 else f"'{text[:40].rsplit(' ', 1)[0]} ...'"
