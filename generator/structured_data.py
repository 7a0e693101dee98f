"""Schema.org JSON-LD for each page (render stage): articles as Article on
a MedicalWebPage with their citations as ScholarlyArticle, exercises as
HowTo, routines as ExercisePlan. Plain data; the template serialises it."""

from __future__ import annotations

import re

from .model import Citation

ORDERED_ITEM = re.compile(r"^\s{0,3}\d+[.)]\s+(.+)$")
MARKDOWN_NOISE = re.compile(r"[*_`]|\[\[([^\]|]+)\|?([^\]]*)\]\]|\[@[^\]]+\]")


def json_ld_for(spec, node, graph) -> dict:
    """The page's JSON-LD; `node` is the page's node as the template sees it
    and `graph` the site view (generator/view.py), so every read is recorded."""
    cfg = graph.config
    origin = cfg.origin
    url = origin + spec.url
    publisher = {"@type": "Organization", "name": cfg.title, "url": origin + graph.urls.home()}
    image = origin + graph.urls.asset(spec.image) if spec.image else None
    if node is None:
        kind = "WebSite" if spec.kind == "home" else "CollectionPage"
        data = {
            "@context": "https://schema.org",
            "@type": kind,
            "name": spec.title,
            "url": url,
            "description": spec.description,
            "inLanguage": cfg.language,
        }
        return data
    base = {
        "@context": "https://schema.org",
        "name": node.title,
        "url": url,
        "description": spec.description,
        "inLanguage": cfg.language,
    }
    if image:
        base["image"] = image
    citations = [_scholarly(c) for c in graph.citations_of(node)]
    if node.kind == "articles":
        author = graph.get("authors", node.meta.author)
        data = {
            **base,
            "@type": "Article",
            "headline": node.title,
            "datePublished": node.meta.date.isoformat(),
            "dateModified": (node.meta.updated or node.meta.date).isoformat(),
            "author": {"@type": "Person", "name": author.meta.name, "url": origin + author.url},
            "publisher": publisher,
            "mainEntityOfPage": {"@type": "MedicalWebPage", "@id": url, **_review(node, graph)},
            "about": [cfg.body_areas[a] for a in node.areas],
            "keywords": list(node.meta.tags),
        }
        if citations:
            data["citation"] = citations
        return data
    if node.kind == "exercises":
        steps = [
            MARKDOWN_NOISE.sub(_plain, m.group(1)).strip()
            for line in node.body.markdown.split("\n")
            if (m := ORDERED_ITEM.match(line))
        ]
        data = {
            **base,
            "@type": "HowTo",
            "step": [
                {"@type": "HowToStep", "position": i, "text": text}
                for i, text in enumerate(steps, start=1)
            ],
            "tool": [{"@type": "HowToTool", "name": e} for e in node.meta.equipment],
            "yield": node.dose.full,
        }
        if node.review:
            data["mainEntityOfPage"] = {"@type": "MedicalWebPage", "@id": url}
            data["mainEntityOfPage"].update(_review(node, graph))
        if citations:
            data["citation"] = citations
        return data
    if node.kind == "routines":
        meta = node.meta
        data = {
            **base,
            "@type": "ExercisePlan",
            "activityFrequency": f"{meta.times_per_week} times per week",
            "activityDuration": f"PT{meta.minutes}M",
            "exerciseType": "Strength training",
            "workload": [
                f"{graph.get('exercises', s.exercise).title}: {s.dose.full}" for s in node.steps
            ],
        }
        if citations:
            data["citation"] = citations
        return data
    if node.kind == "authors":
        return {
            **base,
            "@type": "ProfilePage",
            "mainEntity": {
                "@type": "Person",
                "name": node.meta.name,
                "jobTitle": node.meta.role or "",
            },
        }
    return {**base, "@type": "WebPage"}


def _review(node, graph) -> dict:
    """reviewedBy (the reviewer as a Person) and lastReviewed, for a reviewed page."""
    review = node.review
    if review is None:
        return {}
    reviewer = graph.get("authors", review.by)
    person = {
        "@type": "Person",
        "name": reviewer.meta.name,
        "url": graph.config.origin + reviewer.url,
    }
    return {"reviewedBy": person, "lastReviewed": review.on.isoformat()}


def _plain(match) -> str:
    if match.group(1):
        return match.group(2) or match.group(1)
    return ""


def _scholarly(citation: Citation) -> dict:
    s = citation.study
    data = {
        "@type": "ScholarlyArticle",
        "name": s.title,
        "datePublished": str(s.year),
        "author": [{"@type": "Person", "name": a} for a in citation.people],
        "isPartOf": {"@type": "Periodical", "name": s.journal},
    }
    if s.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": s.doi}
        data["sameAs"] = f"https://doi.org/{s.doi}"
    elif citation.link:
        data["sameAs"] = citation.link
    return data
