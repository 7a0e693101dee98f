"""What a routine card shows, as plain data for the card template: the
same values at every layout, only the layout switches change.

Fitting. The worker (worker.py) uses the roomiest layout of LEVELS that
fits on one page. Spare space goes to larger type and pictures: the first
layouts only shrink the type scale and the pictures. When content must go,
whole optional parts go, in this order, and never part of a sentence:

1. the "why it works" sentence of each exercise, and the routine's summary;
2. the pictures get smaller, then the exercises go into two columns;
3. cues beyond the first (the first warning cue always stays);
4. the pictures;
5. the references (the card's address leads to them);
6. then the lines and rows close up (the last layout, "tight").

What stays on every card: the title, the facts, each exercise's name, dose,
easier/harder line, routine note, first cue and first warning cue, the
safety block (pain guide, when to stop, when to see someone, disclaimer),
the tracker and the card's address. If that does not fit the most compact
layout, the build fails (generator/pdf/__init__.py says so).

Type never goes below the floors the scale multiplies (card.css): title
22 pt, exercise names and doses 14 pt, body text 10 pt, the references
9 pt (tests/test_cards.py measures them in the PDFs).

A warning cue is a cue that starts with Stop, Avoid, Do not, Don't or
Never, or that mentions pain or hurting (WARNING below)."""

from __future__ import annotations

import re

from ..model import Citation, Node, SiteGraph

# From roomiest to most compact. scale: the type multiplier (1 = the floors);
# image: picture width in mm (0: none); columns: exercise columns; cues:
# cues shown besides the first warning cue; why: the one-line 'why it works';
# summary: the routine's summary; refs: the references; tight: closer lines
# and rows, the disclaimer beside the tracker. about: how tall the
# exercises come out, next to layout 7, as measured on the demo's cards (the
# worker's first guesses; a wrong one costs a try, never the right layout).
_ALL = {"why": True, "summary": True, "refs": True}
_LESS = {**_ALL, "why": False, "summary": False}
_TIGHT = {**_LESS, "refs": False, "tight": True}
LEVELS = (
    {"scale": 1.40, "image": 50, "columns": 1, "cues": 3, **_ALL, "about": 2.31},
    {"scale": 1.30, "image": 46, "columns": 1, "cues": 3, **_ALL, "about": 2.00},
    {"scale": 1.20, "image": 42, "columns": 1, "cues": 3, **_ALL, "about": 1.75},
    {"scale": 1.15, "image": 38, "columns": 1, "cues": 2, **_ALL, "about": 1.52},
    {"scale": 1.10, "image": 34, "columns": 1, "cues": 2, **_ALL, "about": 1.43},
    {"scale": 1.00, "image": 30, "columns": 1, "cues": 2, **_ALL, "about": 1.24},
    {"scale": 1.15, "image": 32, "columns": 1, "cues": 2, **_LESS, "about": 1.11},
    {"scale": 1.05, "image": 28, "columns": 1, "cues": 2, **_LESS, "about": 1.00},
    {"scale": 1.00, "image": 24, "columns": 1, "cues": 2, **_LESS, "about": 0.95},
    {"scale": 1.00, "image": 24, "columns": 2, "cues": 2, **_LESS, "about": 0.89},
    {"scale": 1.00, "image": 20, "columns": 2, "cues": 2, **_LESS, "about": 0.86},
    {"scale": 1.00, "image": 20, "columns": 2, "cues": 1, **_LESS, "about": 0.73},
    {"scale": 1.00, "image": 0, "columns": 2, "cues": 1, **_LESS, "about": 0.62},
    {"scale": 1.00, "image": 0, "columns": 2, "cues": 1, **_LESS, "refs": False, "about": 0.62},
    {"scale": 1.00, "image": 0, "columns": 2, "cues": 1, **_TIGHT, "about": 0.50},
)
MARKDOWN = re.compile(r"\[\[([^\]|]+)\|?([^\]]*)\]\]|\s*\[@[^\]]+\]|[*_`]")
WARNING = re.compile(r"^(stop|avoid|do not|don't|don’t|never)\b|\b(pain|painful|hurts?)\b", re.I)


def one_line(markdown: str) -> str:
    """The first sentence of a Markdown 'why it works', as plain text, whole."""
    text = MARKDOWN.sub(lambda m: (m.group(2) or m.group(1)) if m.group(1) else "", markdown)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = " ".join(text.split())
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)[0]


def is_warning(cue: str) -> bool:
    return bool(WARNING.search(cue))


def card_cues(cues: tuple[str, ...], count: int) -> list[dict]:
    """The first `count` cues, and the first warning cue wherever it stands
    (in its own place, so the card reads in the exercise's order)."""
    warning = next((i for i, cue in enumerate(cues) if is_warning(cue)), None)
    return [
        {"text": cue, "warning": i == warning}
        for i, cue in enumerate(cues)
        if i < count or i == warning
    ]


def card_citations(graph: SiteGraph, routine: Node) -> tuple[Citation, ...]:
    """Studies of the routine, then of its exercises in order, numbered."""
    ids: list[str] = list(routine.citations)
    for step in routine.steps:
        for study_id in graph.get("exercises", step.exercise).citations:
            if study_id not in ids:
                ids.append(study_id)
    return tuple(Citation(i, sid, graph.studies[sid]) for i, sid in enumerate(ids, start=1))


def short_url(graph: SiteGraph, routine: Node) -> str:
    """The card's printed address, without the scheme: 'example.org/routines/x'."""
    return (graph.config.origin.split("://", 1)[1] + routine.url).rstrip("/")


def card_safety(graph: SiteGraph, routine: Node) -> dict:
    """The safety block: the site's [safety], each part the routine's own
    where its front matter gives one, plus the red flags of its body areas
    (or, without any, of its exercises')."""
    site = graph.config.safety
    own = routine.meta.safety

    def part(name):
        value = getattr(own, name, None) if own is not None else None
        return tuple(value if value is not None else getattr(site, name))

    areas = list(routine.areas)
    if not areas:
        for step in routine.steps:
            areas += [a for a in graph.get("exercises", step.exercise).areas if a not in areas]
    see = list(part("see_someone"))
    for area in areas:
        see += [flag for flag in site.red_flags.get(area, ()) if flag not in see]
    return {
        "pain_guide": [
            {"scores": p.scores, "label": p.label, "advice": p.advice} for p in part("pain_guide")
        ],
        "stop": list(part("stop")),
        "see_someone": see,
        "disclaimer": site.disclaimer or graph.config.voice.disclaimer,
    }


def more_online(exercises: list[dict], citations) -> str:
    """What the card's address leads to, from what the pages really have."""
    parts = ["How to do each exercise"]
    if any(item["video"] for item in exercises):
        parts.append("videos")
    if any(item["easier"] or item["harder"] for item in exercises):
        parts.append("easier and harder versions")
    if citations:
        parts.append("the studies")
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


def _titles(graph, slugs) -> list[str]:
    """The titles of the exercises `slugs` names that exist (a build with
    mistakes still renders, to find them all)."""
    has = graph.has if hasattr(graph, "has") else lambda k, s: (k, s) in graph.by_key
    return [graph.get("exercises", slug).title for slug in slugs if has("exercises", slug)]


def tracker_rows(weeks: int) -> int:
    """Weeks per tracker table: all of them up to 8, else as evenly as
    tables of at most 8 allow (12 weeks: two tables of 6)."""
    tables = -(-weeks // 8)
    return -(-weeks // tables)


def card_context(
    graph: SiteGraph, routine: Node, size: str, level: int, stylesheet: str, image_url=None
) -> dict:
    """Template values for one card. `image_url` maps a content image path
    to the URL the renderer loads (default: relative to content/)."""
    layout = LEVELS[level]
    image_url = image_url or (lambda src: src)
    items = []
    for step in routine.steps:
        exercise = graph.get("exercises", step.exercise)
        meta = exercise.meta
        image = meta.image
        items.append(
            {
                "name": exercise.title,
                "dose": step.dose.text,
                "dose_parts": [part for part in (step.dose.amount, step.dose.rest) if part],
                "dose_details": list(step.dose.details),
                "effort": step.dose.effort or "",
                "tempo": step.dose.tempo or "",
                "note": step.note,
                "cues": meta.cues,
                "shown_cues": card_cues(meta.cues, layout["cues"]),
                "why": one_line(meta.why_it_works),
                "image": image_url(image.src) if image else None,
                "alt": image.alt if image else "",
                "video": bool(meta.video),
                "easier": _titles(graph, meta.easier),
                "harder": _titles(graph, meta.harder),
            }
        )
    dates = [
        (a.meta.updated or a.meta.date)
        for kind, slug in routine.used_in
        if kind == "articles"
        for a in [graph.get(kind, slug)]
    ]
    url = short_url(graph, routine)
    citations = card_citations(graph, routine)
    return {
        "title": routine.title,
        "summary": routine.meta.summary if layout["summary"] else "",
        "times_per_week": routine.meta.times_per_week,
        "minutes": routine.meta.minutes,
        "weeks": routine.meta.weeks,
        "tracker_rows": tracker_rows(routine.meta.weeks),
        "exercises": items,
        "tempo": any(item["tempo"] for item in items),
        "citations": citations,
        "safety": card_safety(graph, routine),
        "more": more_online(items, citations),
        "short_url": url,
        "level": level,
        **{k: v for k, v in layout.items() if k not in ("summary", "about")},
        "tight": layout.get("tight", False),
        "images": bool(layout["image"]),  # read by a card.html copied from an older theme
        "page_size": size,
        "stylesheet": stylesheet,
        "date": max(dates).isoformat() if dates else None,
    }
