"""`prehab check`: everything the build validates, plus publication checks
over the site as it would be published (built in memory, never written):
every internal link, image and #fragment resolves, external URLs are
well-formed, and editorial warnings (duplicate titles, long summaries,
articles citing no study, unused images). Problems point at the source line."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from .build import compile_site
from .diagnostics import ERROR, WARNING, ContentErrors, Diagnostic, Report
from .incremental.memo import Reuse
from .incremental.uptodate import CACHE_FOLDER
from .model import Node, SiteGraph
from .options import BuildOptions
from .site_links import Targets, link_problem, link_target, locate, page_links

SUMMARY_ADVICE = 160  # search engines cut descriptions at about this length
_MALFORMED = (
    "malformed link '{url}': an external link needs a full address such as https://example.org/page"
)


def check_site(
    project: Path,
    options: BuildOptions = BuildOptions(),
    external: bool = False,
    cache_root: Path | None = None,
    progress=None,
    strict: bool = False,
    today: dt.date | None = None,
) -> Report:
    """All problems of the site, as one report. Writes nothing but caches.
    `strict` (check --strict) adds the warnings of what a publication should
    have before it goes out: a reviewer for every article, a design for every
    cited study. `today` (default: the real one) is the day reviews fall due against."""
    try:
        cards_and_images = Reuse(
            cache_root=cache_root or project / CACHE_FOLDER
        )  # a check renders no card twice
        result = compile_site(project, options, today, cards_and_images, progress)
    except ContentErrors as exc:
        return exc.report
    report = result.report
    graph = result.graph
    targets = Targets.of(graph, result.outputs, result.copies)
    parsed = {
        path: page_links(targets.page_bytes(path))
        for path in sorted(targets.files)
        if path.endswith(".html")
    }
    sources = _page_sources(graph)
    external_urls: dict[str, list[tuple[str, int | None]]] = defaultdict(list)
    used_files: set[str] = set()
    for path, page in parsed.items():
        node = sources.get(path)
        for _, url in page.refs:
            parts = urlsplit(url)
            where = locate(node, url, path)
            if parts.scheme in ("http", "https"):
                if _malformed(url):
                    report.add([Diagnostic(*where, _MALFORMED.format(url=url), code="bad-url")])
                elif node is not None:
                    external_urls[url].append(where)
                continue
            if parts.scheme or parts.netloc:  # mailto:, data: and the like
                continue
            target = link_target(path, parts.path, graph.urls.base_path)
            used_files.add(target)
            found = link_problem(url, path, targets)
            if found is not None:
                report.add([Diagnostic(*where, found[0], code=found[1])])
    report.add(_editorial(graph, used_files))
    report.add(_evidence(graph, strict))
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


def _malformed(url: str) -> bool:
    parts = urlsplit(url)
    host = parts.netloc.split(":")[0]
    return not parts.netloc or " " in url or ("." not in host and parts.hostname != "localhost")


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


def _evidence(graph: SiteGraph, strict: bool) -> list[Diagnostic]:
    """Whether readers can check the evidence: reviews falling due, articles
    showing an exercise's default "why it works" (its citations stay on the
    exercise page) and, with `strict`, unreviewed articles and cited studies
    of no stated design."""
    problems = []
    interval = graph.config.review.interval_months
    for node in graph.by_key.values():
        review = node.review
        if review is not None and review.due < graph.build_date:
            problems.append(
                Diagnostic(
                    node.path,
                    node.line_of("reviewed"),
                    f"review overdue: {review.by} reviewed this page on {review.on.isoformat()}, "
                    f"and the next review (every {interval} months, site.toml [review]) was due "
                    f"on {review.due.isoformat()}; check it against its studies again and "
                    "update 'reviewed'",
                    WARNING,
                    "review-overdue",
                )
            )
        for i, feature in enumerate(node.features):
            if feature.cited_elsewhere:
                problems.append(
                    Diagnostic(
                        node.path,
                        node.line_of("exercises", i),
                        f"article '{node.slug}' shows exercise '{feature.exercise}''s default "
                        "'why it works', whose citations stay on the exercise page; write the "
                        "article's own `why` to cite them here",
                        WARNING,
                        "borrowed-citations",
                    )
                )
        published = not node.meta.draft if node.kind == "articles" else False
        if strict and published and node.meta.date <= graph.build_date and review is None:
            problems.append(
                Diagnostic(
                    node.path,
                    node.line_of("author"),
                    "this article names no reviewer: add 'reviewed_by' (the file name of an "
                    "author who checked it against its studies, not its writer) and 'reviewed' "
                    "(the date)",
                    WARNING,
                    "no-reviewer",
                )
            )
    cited = {study_id for node in graph.by_key.values() for study_id in node.citations}
    for study_id in sorted(cited) if strict else ():
        if graph.studies[study_id].design is None:
            problems.append(
                Diagnostic(
                    "content/studies.yml",
                    graph.study_lines.get(study_id),
                    f"study '{study_id}' has no 'design': say what kind of study it was "
                    "(systematic-review, meta-analysis, rct, cohort, case-control, "
                    "cross-sectional, case-series, narrative-review, guideline or other); "
                    "every reference shows it",
                    WARNING,
                    "no-design",
                )
            )
    return problems


def exit_status(report: Report, strict: bool) -> int:
    if report.has_errors() or (strict and report.warnings):
        return 1
    return 0


__all__ = ["check_site", "exit_status", "ERROR", "WARNING"]
