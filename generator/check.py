"""`prehab check`: everything the build validates, plus publication checks
over the site as it would be published (built in memory, never written):
every internal link, image and #fragment resolves, external URLs are
well-formed, and editorial warnings (duplicate titles, long summaries,
articles citing no study, unused images). Problems point at the source line."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .build import compile_site
from .diagnostics import ERROR, WARNING, ContentErrors, Diagnostic, Report
from .incremental.memo import Reuse
from .incremental.uptodate import CACHE_FOLDER
from .model import Node, SiteGraph
from .options import BuildOptions

SUMMARY_ADVICE = 160  # search engines cut descriptions at about this length


class _Page(HTMLParser):
    """The ids, links and images of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []  # (attribute, url)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "link" and "canonical" in (attrs.get("rel") or "")):
                self.refs.append((name, attrs[name]))


def check_site(
    project: Path,
    options: BuildOptions = BuildOptions(),
    external: bool = False,
    cache_root: Path | None = None,
    progress=None,
) -> Report:
    """All problems of the site, as one report. Writes nothing but caches."""
    try:
        cards_and_images = Reuse(
            cache_root=cache_root or project / CACHE_FOLDER
        )  # a check renders no card twice
        result = compile_site(project, options, reuse=cards_and_images, progress=progress)
    except ContentErrors as exc:
        return exc.report
    report = result.report
    graph = result.graph
    pages = {o.path: o.data for o in result.outputs if o.path.endswith(".html")}
    files = {o.path for o in result.outputs} | {c.path for c in result.copies}
    parsed = {}
    for path, data in pages.items():
        parser = _Page()
        parser.feed(data.decode("utf-8"))
        parsed[path] = parser
    sources = _page_sources(graph)
    external_urls: dict[str, list[tuple[str, int | None]]] = defaultdict(list)
    used_files: set[str] = set()
    for path, page in sorted(parsed.items()):
        node = sources.get(path)
        for _, url in page.refs:
            parts = urlsplit(url)
            where = _locate(node, url, path)
            if parts.scheme in ("http", "https"):
                if (
                    not parts.netloc
                    or " " in url
                    or "." not in parts.netloc.split(":")[0]
                    and parts.hostname != "localhost"
                ):
                    report.add(
                        [
                            Diagnostic(
                                *where,
                                f"malformed link '{url}': an external link needs "
                                "a full address such as https://example.org/page",
                                code="bad-url",
                            )
                        ]
                    )
                elif node is not None:
                    external_urls[url].append(where)
                continue
            if parts.scheme in ("mailto", "data") or (
                parts.scheme and parts.scheme not in ("http", "https")
            ):
                continue
            target = _target(path, parts.path, graph.urls.base_path)
            if target is None:
                continue
            used_files.add(target)
            if target not in files:
                report.add(
                    [
                        Diagnostic(
                            *where,
                            f"broken link '{url}': no page or file at {parts.path}",
                            code="broken-link",
                        )
                    ]
                )
            elif (
                parts.fragment
                and target in parsed
                and unquote(parts.fragment) not in parsed[target].ids
            ):
                report.add(
                    [
                        Diagnostic(
                            *where,
                            f"broken link '{url}': the page has no "
                            f"'#{parts.fragment}' (no heading or element with that id)",
                            code="broken-fragment",
                        )
                    ]
                )
    report.add(_editorial(graph, used_files))
    if external:
        from .external import check_external

        report.add(
            check_external(
                external_urls, cache_root or project / ".prehab-cache", progress=progress
            )
        )
    return report


def _page_sources(graph: SiteGraph) -> dict[str, Node]:
    return {graph.urls.output_path(node.url): node for node in graph.by_key.values()}


def _locate(node: Node | None, url: str, page: str) -> tuple[str, int | None]:
    """The source line that produced a link: the body line holding it, or the
    front-matter line (featured exercises, images), else the file."""
    if node is None:
        return f"(generated page {page}, from the templates)", None
    for offset, line in enumerate(node.body.markdown.split("\n")):
        if url in line:
            return node.path, node.body.first_line + offset
    return node.path, None


def _target(page: str, link_path: str, base_path: str) -> str | None:
    """The output file a site link points at, or None for the page itself."""
    if not link_path:
        return page
    if link_path.startswith("/"):
        path = (
            link_path[len(base_path) :]
            if base_path and link_path.startswith(base_path)
            else link_path
        )
    else:
        path = posixpath.normpath(posixpath.join("/" + posixpath.dirname(page), link_path)) + (
            "/" if link_path.endswith("/") else ""
        )
    path = unquote(path).lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def _editorial(graph: SiteGraph, used_files: set[str]) -> list[Diagnostic]:
    problems = []
    titles: dict[str, list[Node]] = defaultdict(list)
    for node in graph.by_key.values():
        if node.kind in ("articles", "exercises", "routines", "pages"):
            titles[node.title.strip().lower()].append(node)
        summary = getattr(node.meta, "summary", "") if node.kind != "authors" else ""
        if summary and len(summary) > SUMMARY_ADVICE:
            problems.append(
                Diagnostic(
                    node.path,
                    node.line_of("summary"),
                    f"summary is {len(summary)} characters; search results show "
                    f"about {SUMMARY_ADVICE}, so readers may not see the end",
                    WARNING,
                    "long-summary",
                )
            )
        if node.kind == "articles" and not node.citations:
            problems.append(
                Diagnostic(
                    node.path,
                    node.body.first_line,
                    "this article cites no study; back its claims with [@study-id]",
                    WARNING,
                    "no-citations",
                )
            )
    for same in titles.values():
        if len(same) > 1:
            for node in same:
                others = ", ".join(n.path for n in same if n is not node)
                problems.append(
                    Diagnostic(
                        node.path,
                        node.line_of("title"),
                        f"duplicate title '{node.title}' (also in {others}); "
                        "readers and search engines cannot tell them apart",
                        WARNING,
                        "duplicate-title",
                    )
                )
    for study_id, study in graph.studies.items():
        if study.finding.startswith("TODO"):
            problems.append(
                Diagnostic(
                    "content/studies.yml",
                    None,
                    f"study '{study_id}' has no finding yet: write it in one plain sentence",
                    WARNING,
                    "todo-finding",
                )
            )
    for image in sorted(graph.images):
        if image not in used_files:
            problems.append(
                Diagnostic(
                    f"content/{image}",
                    None,
                    "image is used on no page; remove it or show it somewhere",
                    WARNING,
                    "unused-image",
                )
            )
    return problems


def exit_status(report: Report, strict: bool) -> int:
    if report.has_errors() or (strict and report.warnings):
        return 1
    return 0


__all__ = ["check_site", "exit_status", "ERROR", "WARNING"]
