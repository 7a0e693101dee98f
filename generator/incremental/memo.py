"""What each page depends on (render stage), so that a rebuild re-renders
only the pages whose inputs changed. Inputs are fingerprints of resolved
graph nodes (their content, resolved references, backlinks and cited
studies), the templates a page uses (followed through extends/include),
and a few site-wide values. Everything here is derived from the graph that
resolve built; nothing is guessed from file names."""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
from pathlib import Path
from dataclasses import dataclass, field

import jinja2
from jinja2 import meta

from . import __version__
from .model import Node, SiteGraph

Key = tuple[str, str]


@dataclass
class Memo:
    """What a previous build rendered, keyed by the hash of its inputs."""

    markup: dict[str, dict] = field(default_factory=dict)  # node input hash -> {part: html}
    pages: dict[str, tuple[str, bytes | None]] = field(default_factory=dict)  # url -> (input hash, bytes; None once saved)
    parsed: dict = field(default_factory=dict)  # (path, text hash) -> parsed source, for load
    validated: dict = field(default_factory=dict)  # (path, front-matter hash) -> model, for validate
    feeds: tuple[str, list] = ("", [])  # (input hash, outputs)
    env: jinja2.Environment | None = None  # compiled templates (Jinja reloads changed files itself)
    templates: tuple[str, dict[str, str]] = ("", {})  # (hash of all sources, template_hashes)


def _memo_key() -> bytes:
    """A secret of this user's, outside the project: a memo file planted in a
    repository (pickle can run code) fails the signature and is ignored."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "prehab"
    path = folder / "memo.key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(32))
        return path.read_bytes()


def load_memo(path: Path) -> Memo:
    """The memo an earlier build left in the cache, or a fresh one. Entries
    are keyed on content hashes, so an old memo can only save work, never
    change a result; a file that is unreadable or not signed by this user's
    key is ignored (never unpickled)."""
    try:
        data = path.read_bytes()
        signature, payload = data[:32], data[32:]
        if not hmac.compare_digest(signature, hmac.new(_memo_key(), payload, hashlib.sha256).digest()):
            return Memo()
        version, memo = pickle.loads(payload)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return Memo()
    return memo if version == __version__ and isinstance(memo, Memo) else Memo()


def save_memo(path: Path, memo: Memo) -> None:
    """Write the memo atomically and signed, without the compiled templates
    and without the pages' bytes (the output folder holds those; two thirds
    of the memo at 4,000 articles): the next build links unchanged pages
    from the output when it is untouched, and renders them again otherwise."""
    env, memo.env = memo.env, None
    pages, memo.pages = memo.pages, {url: (key, None) for url, (key, _) in memo.pages.items()}
    try:
        payload = pickle.dumps((__version__, memo), protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(hmac.new(_memo_key(), payload, hashlib.sha256).digest() + payload)
        os.replace(tmp, path)
    finally:
        memo.env, memo.pages = env, pages


def digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode() if isinstance(part, str) else repr(part).encode()
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def node_fingerprints(graph: SiteGraph) -> dict[Key, str]:
    """Two hashes per node: (kind, slug) over everything its own page shows;
    ("card", kind, slug) over what other pages show of it (title, summary,
    image, dose, cues: its front matter and which studies it cites, not its
    body, backlinks or the studies' text), so editing a body re-renders only
    its own page."""
    prints: dict = {}
    studies = {sid: digest(study) for sid, study in graph.studies.items()}
    for key, node in graph.by_key.items():
        cited = list(node.citations)
        for step in node.steps:  # a routine's printable card lists its exercises' studies too
            cited += graph.get("exercises", step.exercise).citations
        resolved = (node.url, node.citations, node.tags, node.areas, node.used_in, node.related, node.links_to,
                    tuple((f.exercise, f.why.markdown) for f in node.features),
                    tuple((s.exercise, s.dose.text, s.note) for s in node.steps),
                    node.dose.text if node.dose else "")
        prints[key] = digest(node.front_digest, node.body.markdown, str(resolved).encode(),
                             "".join(studies[s] for s in dict.fromkeys(cited)).encode())
        prints[("card",) + key] = digest(node.front_digest, str(resolved[:4]).encode(), len(node.steps),
                                         resolved[9].encode())
    return prints


def node_deps(node: Node, graph: SiteGraph) -> tuple[tuple, ...]:
    """What a node's own page shows: all of itself, and the card of each
    node it links, features, is used in or is related to."""
    others = {*node.links_to, *node.used_in}
    others.update((node.kind, slug) for slug in node.related)
    for kind, slug in list(others):
        if kind == "articles":
            others.add(("authors", graph.get(kind, slug).meta.author))
    others.discard((node.kind, node.slug))
    return ((node.kind, node.slug),) + tuple(("card",) + key for key in sorted(others))


def list_deps(nodes, graph: SiteGraph) -> tuple[tuple, ...]:
    """The cards of the listed nodes, and of the authors they name."""
    deps = {(n.kind, n.slug) for n in nodes}
    deps.update(("authors", n.meta.author) for n in nodes if n.kind == "articles")
    return tuple(("card",) + key for key in sorted(deps))


def template_hashes(env: jinja2.Environment, memo: Memo | None = None) -> dict[str, str]:
    """Per template: a hash over its source and every template it pulls in."""
    sources = {name: env.loader.get_source(env, name)[0]
               for name in env.list_templates(filter_func=lambda n: n.endswith(".html"))}
    everything = digest(sorted(sources.items()))
    if memo is not None and memo.templates[0] == everything:
        return memo.templates[1]
    refs = {name: {r for r in meta.find_referenced_templates(env.parse(source)) if r} for name, source in sources.items()}

    def closure(name: str, seen: set[str]) -> set[str]:
        if name in seen:
            return seen
        seen.add(name)
        for ref in refs.get(name, ()):
            closure(ref, seen)
        return seen

    hashes = {name: digest(*(sources[n] for n in sorted(closure(name, set())) if n in sources)) for name in sources}
    if memo is not None:
        memo.templates = (everything, hashes)
    return hashes
