"""Part of stage 5, render: old addresses that keep working. Every page may
list `aliases:` (the addresses it was published at before a rename); each
gets a small page that sends the reader on (meta refresh, a canonical link,
`noindex` and a visible link, so it works without JavaScript and is never
indexed) and a line in `_redirects` (the Netlify and Cloudflare Pages format,
a real 301 where the host reads it). Printed QR codes point at addresses
that must never die: a build that would drop one warns."""

from __future__ import annotations

import os
from pathlib import Path

from markupsafe import escape

from .diagnostics import WARNING, Diagnostic
from .model import Node, Output, SiteGraph
from .urls import RESERVED, SECTIONS

REDIRECTS_FILE = "_redirects"


def alias_problems(graph: SiteGraph) -> list[Diagnostic]:
    """An alias that is the address of a page, or of another alias, is an
    error naming both files."""
    return [problem for _, _, problem in _aliases(graph) if problem is not None]


def render_redirects(graph: SiteGraph) -> list[Output]:
    """A redirect page per alias, and `_redirects` when there is any."""
    lines, outputs = [], []
    for node, url, problem in _aliases(graph):
        if problem is None:
            outputs.append(Output(graph.urls.output_path(url), _page(graph, node)))
            lines.append(f"{url} {node.url} 301\n")
    if lines:
        outputs.append(Output(REDIRECTS_FILE, "".join(lines).encode()))
    return outputs


def _aliases(graph: SiteGraph):
    """(node, alias URL, the problem with it or None), in file order."""
    pages = {node.url: node.path for node in graph.by_key.values()}
    aliases: dict[str, str] = {}
    for node in sorted(graph.by_key.values(), key=lambda n: n.path):
        for index, alias in enumerate(getattr(node.meta, "aliases", ())):
            url = graph.urls.asset(alias)
            if url in pages:
                taken = f"the address of {pages[url]}"
            elif url in aliases:
                taken = f"already an alias in {aliases[url]}"
            else:
                aliases[url] = node.path
                yield node, url, None
                continue
            yield (
                node,
                url,
                Diagnostic(
                    node.path,
                    node.lines.get(("aliases", index), node.lines.get(("aliases",), 1)),
                    f"alias '{alias}' is {taken}; an address can lead to one page only: "
                    "remove the alias, or rename one of the pages",
                    code="alias-collision",
                ),
            )


def _page(graph: SiteGraph, node: Node) -> bytes:
    target, title = escape(node.url), escape(node.title)
    canonical = escape(graph.config.origin + node.url)
    return (
        f'<!doctype html>\n<html lang="{escape(graph.config.language)}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>Moved: {title}</title>\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        f'<link rel="canonical" href="{canonical}">\n'
        '<meta name="robots" content="noindex">\n</head>\n<body>\n'
        f'<p>This page has moved to <a href="{target}">{title}</a>.</p>\n</body>\n</html>\n'
    ).encode()


def dropped_addresses(output: Path, outputs: list[Output]) -> list[Diagnostic]:
    """A warning for each page address of the last published site (in
    `output`) that this build no longer makes: a link or a printed QR code
    to it would break."""
    made = {o.path for o in outputs}
    return [
        Diagnostic(
            f"{output.name}/{path[: -len('index.html')]}",
            None,
            f"/{path[: -len('index.html')]} is no longer published; add "
            f"`aliases: [/{path[: -len('index.html')]}]` to the page that replaces it, so "
            "links and printed QR codes to it keep working",
            severity=WARNING,
            code="dropped-address",
        )
        for path in sorted(_published_pages(output))
        if path not in made
    ]


def _published_pages(output: Path) -> set[str]:
    """The pages of content documents in a built site: /<page>/ and
    /<section>/<slug>/ (lists, tags and pagination are not addresses anyone
    prints)."""
    sections = {s for s in SECTIONS.values() if s}
    found = set()
    for top in _folders(output):
        if top in sections:
            found |= {f"{top}/{sub}/index.html" for sub in _folders(output / top) if sub != "page"}
        elif top not in RESERVED and (output / top / "index.html").is_file():
            found.add(f"{top}/index.html")
    return {p for p in found if (output / p).is_file()}


def _folders(path: Path) -> list[str]:
    try:
        with os.scandir(path) as entries:
            return [e.name for e in entries if e.is_dir(follow_symlinks=False)]
    except OSError:
        return []
