"""The routine builder's data (render stage): every published exercise as
JSON, read by /routines/builder/ in the browser. Serialised with json, in a
stable order, with the same dose words as the pages and cards.

`safety` is what every card's safety block says (generator/pdf/card.py
card_safety): the pain guide, when to stop, when to see someone, the red
flags of each body area (the builder adds those of the areas its exercises
cover) and the disclaimer."""

from __future__ import annotations

import json

from .model import Output, SiteGraph
from .pdf.card import one_line

DATA_PATH = "routines/builder/exercises.json"


def builder_data(graph: SiteGraph) -> Output:
    exercises = []
    for node in graph.exercises:
        meta = node.meta
        dose = node.dose
        exercises.append(
            {
                "slug": node.slug,
                "title": node.title,
                "url": node.url,
                "summary": meta.summary,
                "image": graph.urls.asset(meta.image.src) if meta.image else None,
                "alt": meta.image.alt if meta.image else "",
                "level": meta.level,
                "areas": [{"slug": a, "name": graph.config.body_areas[a]} for a in node.areas],
                "equipment": list(meta.equipment),
                "dose": {
                    "sets": dose.sets,
                    "reps": dose.reps,
                    "seconds": dose.seconds,
                    "per_side": dose.per_side,
                    "rest_seconds": dose.rest_seconds,
                    "hold_seconds": dose.hold_seconds,
                    "tempo": dose.tempo,
                    "effort": dose.effort,
                    "times_per_week": dose.times_per_week,
                },
                # every part of the dose, in the words of the exercise lists and the cards
                "dose_text": dose.full,
                "cues": list(meta.cues),
                "why": one_line(meta.why_it_works),
            }
        )
    data = {
        "site": graph.config.title,
        "base_url": graph.config.base_url,
        "safety": safety(graph),
        "exercises": exercises,
    }
    return Output(
        DATA_PATH,
        (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8"),
    )


def safety(graph: SiteGraph) -> dict:
    """The site's [safety], as card_safety words it for a routine of its own."""
    site = graph.config.safety
    return {
        "pain_guide": [
            {"scores": p.scores, "label": p.label, "advice": p.advice} for p in site.pain_guide
        ],
        "stop": list(site.stop),
        "see_someone": list(site.see_someone),
        "red_flags": {area: list(flags) for area, flags in site.red_flags.items()},
        "disclaimer": site.disclaimer or graph.config.voice.disclaimer,
    }
