"""What each page depends on (render stage), so that a rebuild re-renders
only the pages whose inputs changed. Inputs are fingerprints of resolved
graph nodes (their content, resolved references, backlinks and cited
studies), the templates a page uses (followed through extends/include),
and a few site-wide values. Everything here is derived from the graph that
resolve built; nothing is guessed from file names."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import jinja2
from jinja2 import meta

from .model import Node, SiteGraph

Key = tuple[str, str]


@dataclass
class Memo:
    """What a previous build rendered, keyed by the hash of its inputs."""

    markup: dict[str, dict] = field(default_factory=dict)  # node input hash -> {part: html}
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # url -> (input hash, bytes)


def digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode()
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def node_fingerprints(graph: SiteGraph) -> dict[Key, str]:
    """A hash per node over everything it shows, including cited studies."""
    return {key: digest(node, [graph.studies[s] for s in node.citations]) for key, node in graph.by_key.items()}


def node_deps(node: Node, graph: SiteGraph) -> tuple[Key, ...]:
    """The nodes whose content a node's own page shows."""
    deps = {(node.kind, node.slug), *node.links_to, *node.used_in}
    deps.update((node.kind, slug) for slug in node.related)
    for kind, slug in list(deps):
        if kind == "articles":
            deps.add(("authors", graph.get(kind, slug).meta.author))
    return tuple(sorted(deps))


def list_deps(nodes, graph: SiteGraph) -> tuple[Key, ...]:
    """The listed nodes, plus the authors named on article cards."""
    deps = {(n.kind, n.slug) for n in nodes}
    deps.update(("authors", n.meta.author) for n in nodes if n.kind == "articles")
    return tuple(sorted(deps))


def template_hashes(env: jinja2.Environment) -> dict[str, str]:
    """Per template: a hash over its source and every template it pulls in."""
    sources: dict[str, str] = {}
    refs: dict[str, set[str]] = {}
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        source = env.loader.get_source(env, name)[0]
        sources[name] = source
        refs[name] = {r for r in meta.find_referenced_templates(env.parse(source)) if r}

    def closure(name: str, seen: set[str]) -> set[str]:
        if name in seen:
            return seen
        seen.add(name)
        for ref in refs.get(name, ()):
            closure(ref, seen)
        return seen

    return {name: digest(*(sources[n] for n in sorted(closure(name, set())) if n in sources)) for name in sources}
