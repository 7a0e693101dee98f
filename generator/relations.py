"""Stage 3, resolve (the graph-wide half): what is derived across all
resolved nodes rather than from one document: backlinks (which pages use an
exercise, a routine or an author), related pages (most shared tags, areas or
muscles) and taxonomy terms (tags and body areas with their members).
Pure functions of the nodes; resolve.py builds the nodes and the graph."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import replace

from .model import Node, Term
from .urls import Urls, slugify


def with_backlinks(nodes: list[Node]) -> list[Node]:
    """Each node with `used_in`, the pages that use it: the articles and
    routines featuring an exercise, the articles following a routine or
    written by an author."""
    used_in = defaultdict(list)
    for node in nodes:
        for feature in node.features:
            used_in[("exercises", feature.exercise)].append((node.kind, node.slug))
        for step in node.steps:
            used_in[("exercises", step.exercise)].append((node.kind, node.slug))
        if node.kind == "articles" and node.meta.routine:
            used_in[("routines", node.meta.routine)].append((node.kind, node.slug))
        if node.kind == "articles":
            used_in[("authors", node.meta.author)].append((node.kind, node.slug))
    return [
        replace(n, used_in=tuple(dict.fromkeys(sorted(used_in[(n.kind, n.slug)])))) for n in nodes
    ]


def with_related(nodes: list[Node], features, limit: int = 3) -> list[Node]:
    """Most shared features first, then the order `nodes` came in (recency)."""
    ranked = rank_related(tuple(frozenset(features(n)) for n in nodes), limit)
    return [
        replace(node, related=tuple(nodes[j].slug for j in ranked[i]))
        for i, node in enumerate(nodes)
    ]


@functools.lru_cache(maxsize=4)
def rank_related(keys: tuple[frozenset, ...], limit: int) -> tuple[tuple[int, ...], ...]:
    """For each position, the positions sharing most features (ties: the
    lower position first). Each feature is a bit mask over positions; a
    running count of masks ("shares at least c features") finds the best
    without counting every pair. A pure function, memoised: an edit that
    changes no tag or area (the usual edit in the dev server) reuses it."""
    holders: dict[str, int] = defaultdict(int)
    for i, key_set in enumerate(keys):
        for key in key_set:
            holders[key] |= 1 << i
    ranked = []
    for i, key_set in enumerate(keys):
        # at_least[c]: positions sharing c or more of these features
        at_least = [-1] + [0] * len(key_set)
        for key in key_set:
            mask = holders[key]
            for c in range(len(key_set), 0, -1):
                at_least[c] |= at_least[c - 1] & mask
        picked: list[int] = []
        more = 0  # positions sharing more than c
        for c in range(len(key_set), 0, -1):
            exactly = at_least[c] & ~more & ~(1 << i)
            more = at_least[c]
            while exactly and len(picked) < limit:
                lowest = exactly & -exactly
                picked.append(lowest.bit_length() - 1)
                exactly ^= lowest
        ranked.append(tuple(picked))
    return tuple(ranked)


def topic_name(text: str) -> str:
    """A tag as a heading names it: spaces tidied, the first letter a
    capital, as the body areas are written ('low back pain' -> 'Low back
    pain'; 'IT band' stays as written)."""
    words = " ".join(text.split())
    return words[:1].upper() + words[1:]


def taxonomy_terms(taxonomy: str, nodes, names: dict[str, str], urls: Urls) -> tuple[Term, ...]:
    """The terms of a taxonomy ("tags" or "body-areas") with their members by
    kind, sorted by display name; `names` gives display names known up front."""
    members: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    display: dict[str, str] = dict(names)
    for node in nodes:
        if taxonomy == "tags":
            # Tags written differently ('Shin splints', 'shin  splints') share a
            # slug: one tag, named as first written.
            for tag_text in node.meta.tags:
                if slugify(tag_text) in node.tags:
                    display.setdefault(slugify(tag_text), topic_name(tag_text))
            for slug in node.tags:
                members[slug][node.kind].append(node.slug)
        else:
            for area in node.areas:
                members[area][node.kind].append(node.slug)
    return tuple(
        Term(
            taxonomy,
            slug,
            display[slug],
            urls.term(taxonomy, slug),
            tuple(members[slug]["articles"]),
            tuple(members[slug]["exercises"]),
            tuple(members[slug]["routines"]),
        )
        for slug in sorted(members, key=lambda s: display[s].lower())
    )
