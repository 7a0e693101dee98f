"""The routine builder's data (render stage): every published exercise as
JSON, read by /routines/builder/ in the browser. Serialised with json, in a
stable order, with the same dose words as the pages and cards."""

from __future__ import annotations

import json

from .model import Output, SiteGraph
from .pdf.card import one_line

DATA_PATH = "routines/builder/exercises.json"


def builder_data(graph: SiteGraph) -> Output:
    exercises = []
    for node in graph.exercises:
        meta = node.meta
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
                    "sets": node.dose.sets,
                    "reps": node.dose.reps,
                    "seconds": node.dose.seconds,
                    "per_side": node.dose.per_side,
                    "rest_seconds": node.dose.rest_seconds,
                },
                "dose_text": node.dose.text,
                "cues": list(meta.cues),
                "why": one_line(meta.why_it_works),
            }
        )
    data = {"site": graph.config.title, "base_url": graph.config.base_url, "exercises": exercises}
    return Output(
        DATA_PATH,
        (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8"),
    )
