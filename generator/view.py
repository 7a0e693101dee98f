"""What templates and the Markdown extensions see of the site (render and
markup stages): a read-only view of the site graph in which every read is
recorded as a plain key, e.g. ("attr", "exercises", "bird-dog", "title").

Pages and bodies reach the site only through this view (nodes arrive as
`NodeView`s, never as graph nodes), so the keys recorded while an output was
made are exactly the data it was made from. `lookup(key, sources)` is the one
definition of what a key reads: the view serves every read through it, and
the reuse machinery (generator/incremental) calls the same function to check,
in a later build, that a remembered output would read the same values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import Citation, SiteGraph

LISTS = ("articles", "exercises", "routines", "authors", "pages")


@dataclass(frozen=True)
class Sources:
    """Everything a view reads from: the graph and the outputs of the
    stages before render (bodies' HTML, images, routine cards), and the
    template sources (recorded as templates are loaded)."""

    graph: SiteGraph
    html: dict = field(default_factory=dict)
    images: dict = field(default_factory=dict)
    cards: dict = field(default_factory=dict)
    booklets: tuple = ()  # (size, URL) of each booklet of every card
    templates: dict = field(default_factory=dict)  # template name -> source text


def lookup(key: tuple, sources: Sources) -> Any:
    """The value that `key` reads. Raises KeyError for a node, term or
    study that no longer exists (a remembered output is then out of date)."""
    what, graph = key[0], sources.graph
    if what == "attr":
        value = getattr(graph.by_key[(key[1], key[2])], key[3])
        if callable(value):  # a node's methods are prehab's, not data a template may show
            raise AttributeError(key[3])
        return value
    if what == "list":
        return tuple((n.kind, n.slug) for n in getattr(graph, key[1]))
    if what == "has":
        return (key[1], key[2]) in graph.by_key
    if what == "slug":
        node = graph.by_slug.get(key[1])
        return (node.kind, node.slug) if node is not None else None
    if what == "terms":
        return getattr(graph, key[1])
    if what == "term":
        return graph.term(key[1], key[2])
    if what == "study":
        return graph.studies[key[1]]
    if what == "booklets":
        return sources.booklets
    if what in ("html", "images", "cards", "templates"):
        return getattr(sources, what).get(key[1])
    raise ValueError(f"unknown read {key!r}")


class Reads:
    """The keys one output read, in first-read order."""

    def __init__(self):
        self.keys: dict[tuple, None] = {}

    def add(self, key: tuple) -> None:
        self.keys[key] = None


class SiteView:
    """The site as templates see it: `graph.articles`, `graph.get(kind,
    slug)`, `graph.term(...)`, `graph.citations_of(node)`, `graph.has(...)`.
    The site-wide values (`config`, `urls`) are part of every output's key."""

    def __init__(self, sources: Sources, reads: Reads):
        self._sources = sources
        self._reads = reads
        self.config = sources.graph.config
        self.urls = sources.graph.urls

    def read(self, key: tuple) -> Any:
        self._reads.add(key)
        return lookup(key, self._sources)

    def get(self, kind: str, slug: str) -> NodeView:
        """The node's view; reading any of its attributes records it (and
        fails, as a KeyError, for a node that does not exist)."""
        return NodeView(kind, slug, self)

    def has(self, kind: str, slug: str) -> bool:
        return self.read(("has", kind, slug))

    def by_slug(self, slug: str) -> NodeView | None:
        found = self.read(("slug", slug))
        return NodeView(found[0], found[1], self) if found else None

    def term(self, taxonomy: str, slug: str):
        return self.read(("term", taxonomy, slug))

    def study(self, study_id: str):
        return self.read(("study", study_id))

    def citations_of(self, node: NodeView) -> tuple[Citation, ...]:
        """Numbered as on the page: read as the node's study ids and each
        study (a study cited on a thousand pages is fingerprinted once),
        each with the ids of the markers that cite it on the page (markup's
        ("cites",) part), for its back-links."""
        ids = node.citations
        markers = (self.read(("html", (node.kind, node.slug, "cites"))) or "").split()
        return tuple(
            Citation(
                i, sid, self.study(sid), tuple(m for m in markers if m.startswith(f"cite-{i}-"))
            )
            for i, sid in enumerate(ids, start=1)
        )

    def nodes(self, name: str) -> tuple[NodeView, ...]:
        return tuple(NodeView(kind, slug, self) for kind, slug in self.read(("list", name)))

    articles = property(lambda self: self.nodes("articles"))
    exercises = property(lambda self: self.nodes("exercises"))
    routines = property(lambda self: self.nodes("routines"))
    authors = property(lambda self: self.nodes("authors"))
    pages = property(lambda self: self.nodes("pages"))
    studies = property(lambda self: self.mapping("study"))
    booklets = property(lambda self: self.read(("booklets",)))
    tags = property(lambda self: self.read(("terms", "tags")))
    areas = property(lambda self: self.read(("terms", "areas")))

    def wrap(self, value: Any) -> Any:
        """`value` with every graph node in it (in tuples, lists and dicts)
        replaced by its view, so that no node reaches a template unrecorded."""
        from .model import Node

        if isinstance(value, Node):
            return NodeView(value.kind, value.slug, self)
        if isinstance(value, (tuple, list)):
            return type(value)(self.wrap(v) for v in value)
        if isinstance(value, dict):
            return {k: self.wrap(v) for k, v in value.items()}
        return value

    def mapping(self, name: str) -> Recorded:
        return Recorded(name, self)


class NodeView:
    """A node as templates see it: `kind` and `slug` are its identity; any
    other attribute (`title`, `meta`, `dose`, `used_in`...) is a recorded read."""

    __slots__ = ("kind", "slug", "_view")

    def __init__(self, kind: str, slug: str, view: SiteView):
        self.kind, self.slug, self._view = kind, slug, view

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._view.read(("attr", self.kind, self.slug, name))

    def __eq__(self, other) -> bool:
        return isinstance(other, NodeView) and (self.kind, self.slug) == (other.kind, other.slug)

    def __hash__(self) -> int:
        return hash((self.kind, self.slug))

    def __repr__(self) -> str:
        return f"NodeView({self.kind!r}, {self.slug!r})"


class Recorded:
    """One of the earlier stages' outputs (html, images, cards) as a
    read-only mapping whose every lookup is recorded."""

    __slots__ = ("_name", "_view")

    def __init__(self, name: str, view: SiteView):
        self._name, self._view = name, view

    def get(self, key, default=None):
        value = self._view.read((self._name, key))
        return default if value is None else value

    def __getitem__(self, key):
        value = self._view.read((self._name, key))
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key) -> bool:
        return self._view.read((self._name, key)) is not None
