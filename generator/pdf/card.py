"""What a routine card shows, as plain data for the card template: the
same values at every compaction level, only the layout switches change."""

from __future__ import annotations

import re

from ..model import Citation, Node, SiteGraph

# From roomiest to most compact: (pictures, cues per exercise, one-line why)
LEVELS = (
    {"images": True, "cues": 2, "why": True},
    {"images": True, "cues": 2, "why": True},
    {"images": True, "cues": 2, "why": True},
    {"images": True, "cues": 2, "why": True},
    {"images": True, "cues": 1, "why": False},
    {"images": False, "cues": 1, "why": False},
)
MARKDOWN = re.compile(r"\[\[([^\]|]+)\|?([^\]]*)\]\]|\s*\[@[^\]]+\]|[*_`]")
WHY_LIMIT = 150


def one_line(markdown: str) -> str:
    """The first sentence of a Markdown 'why it works', as plain text."""
    text = MARKDOWN.sub(lambda m: (m.group(2) or m.group(1)) if m.group(1) else "", markdown)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = " ".join(text.split())
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)[0]
    if len(first) > WHY_LIMIT:
        first = first[: WHY_LIMIT - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return first


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
        image = exercise.meta.image
        items.append(
            {
                "name": exercise.title,
                "dose": step.dose.text,
                "note": step.note,
                "cues": exercise.meta.cues,
                "why": one_line(exercise.meta.why_it_works),
                "image": image_url(image.src) if image else None,
                "alt": image.alt if image else "",
            }
        )
    dates = [
        (a.meta.updated or a.meta.date)
        for kind, slug in routine.used_in
        if kind == "articles"
        for a in [graph.get(kind, slug)]
    ]
    url = short_url(graph, routine)
    return {
        "title": routine.title,
        "summary": routine.meta.summary,
        "times_per_week": routine.meta.times_per_week,
        "minutes": routine.meta.minutes,
        "weeks": routine.meta.weeks,
        "exercises": items,
        "citations": card_citations(graph, routine),
        "short_url": url,
        "level": level,
        "images": layout["images"],
        "cues": layout["cues"],
        "why": layout["why"],
        "page_size": size,
        "stylesheet": stylesheet,
        "date": max(dates).isoformat() if dates else None,
    }
