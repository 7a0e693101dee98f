"""Stage 5, render: the Jinja environment (autoescape, StrictUndefined) and
one context per page, producing `Output` values in memory. Templates get
the site graph and the bodies' HTML; nothing here reads content files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from .dependencies import Memo, digest, list_deps, node_deps, template_hashes
from .diagnostics import ContentErrors, Diagnostic, Report
from .forking import map_in_workers
from .model import Node, Output, SiteGraph
from .structured_data import json_ld_for

HTML_TYPES = {"articles": "article", "exercises": "exercise", "routines": "routine", "authors": "author", "pages": "page"}


def make_environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["longdate"] = lambda d: f"{d.day} {d:%B %Y}"
    env.filters["isodate"] = lambda d: d.isoformat()
    env.filters["json_ld"] = _json_ld
    return env


def _json_ld(data) -> Markup:
    """JSON for a <script> element: serialised, with '<', '>' and '&' escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


@dataclass(frozen=True)
class PageSpec:
    """One page to render: where, with which template and variables."""

    url: str
    template: str
    title: str
    description: str
    vars: dict
    node: Node | None = None
    kind: str = "list"
    image: str | None = None
    image_alt: str | None = None
    noindex: bool = False
    deps: tuple = ()  # (kind, slug) of every node the page shows
    extra: object = None  # any other value the page shows, for its input hash


def page_specs(graph: SiteGraph) -> list[PageSpec]:
    """Every HTML page of the site, in a stable order."""
    cfg, urls = graph.config, graph.urls
    specs = [PageSpec(urls.home(), "home.html", cfg.title, cfg.description, {}, kind="home",
                      deps=list_deps(graph.articles[:7] + graph.routines + graph.exercises[:8], graph),
                      extra=(len(graph.exercises), graph.areas))]
    for node in graph.by_key.values():
        image, alt = _node_image(node)
        terms = [graph.term("tags", t).name for t in node.tags]
        specs.append(PageSpec(node.url, f"{HTML_TYPES[node.kind]}.html", node.title, _summary(node), {}, node, node.kind,
                              image, alt, deps=node_deps(node, graph), extra=terms))
    per_page = cfg.articles_per_page
    chunks = [graph.articles[i:i + per_page] for i in range(0, len(graph.articles), per_page)] or [()]
    for number, chunk in enumerate(chunks, start=1):
        pager = {"number": number, "count": len(chunks),
                 "prev": urls.section("articles", number - 1) if number > 1 else None,
                 "next": urls.section("articles", number + 1) if number < len(chunks) else None}
        title = "Articles" if number == 1 else f"Articles, page {number}"
        specs.append(PageSpec(urls.section("articles", number), "article_list.html", title,
                              "Every article on running injuries, newest first.", {"articles": chunk, "pager": pager},
                              deps=list_deps(chunk, graph), extra=pager))
    specs.append(PageSpec(urls.section("exercises"), "exercise_list.html", "Exercise library",
                          "Strength and mobility exercises for runners, with doses, cues and the studies behind them.", {},
                          deps=list_deps(graph.exercises, graph), extra=graph.areas))
    specs.append(PageSpec(urls.section("routines"), "routine_list.html", "Routines",
                          "Short routines to print and follow, a few times a week.", {}, deps=list_deps(graph.routines, graph)))
    specs.append(PageSpec(urls.asset("routines/builder/"), "builder.html", "Build your own routine",
                          "Pick exercises from the library, set the dose and print your own one-page routine card.", {},
                          kind="builder", deps=list_deps(graph.exercises, graph)))
    specs.append(PageSpec(urls.asset("search/"), "search.html", "Search", f"Search every article, exercise and routine on {cfg.title}.",
                          {}, kind="search"))
    specs.append(PageSpec(urls.section("authors"), "author_list.html", "Authors", "Who writes this publication.", {},
                          deps=list_deps(graph.authors, graph)))
    for taxonomy, terms, label in (("tags", graph.tags, "Topics"), ("body-areas", graph.areas, "Body areas")):
        specs.append(PageSpec(urls.taxonomy(taxonomy), "term_list.html", label,
                              f"{label} covered by {cfg.title}.", {"terms": terms, "label": label}, extra=terms))
        for term in terms:
            members = [graph.get(kind, slug) for kind in ("articles", "exercises", "routines") for slug in getattr(term, kind)]
            specs.append(PageSpec(term.url, "term.html", term.name, f"Articles, exercises and routines on {term.name.lower()}.",
                                  {"term": term, "label": label}, deps=list_deps(members, graph), extra=term))
    return specs


def _summary(node: Node) -> str:
    if node.kind == "authors":
        return f"{node.meta.name}" + (f", {node.meta.role}" if node.meta.role else "")
    return node.meta.summary or node.title


def _node_image(node: Node) -> tuple[str | None, str | None]:
    meta = node.meta
    if node.kind == "articles" and meta.hero:
        return meta.hero.image, meta.hero.alt
    if node.kind == "exercises" and meta.image:
        return meta.image.src, meta.image.alt
    if node.kind == "authors" and meta.photo:
        return meta.photo.src, meta.photo.alt
    return None, None


def render_pages(graph: SiteGraph, html: dict[tuple, str], env: jinja2.Environment, assets: dict[str, str],
                 cards: dict[str, dict], memo: Memo, fingerprints: dict, images: dict,
                 previous_output: Path | None = None, workers: int = 1) -> tuple[list[Output], list[str]]:
    """All HTML pages, and the URLs of those rendered: the rest, whose inputs
    were unchanged, come from `memo` (in memory) or, when the memo was read
    from disk without page bytes, from `previous_output` (the last build's
    output, known to be untouched). `assets` maps theme files to their URLs;
    `cards` maps a routine slug to its PDF links and its print-view card."""
    origin = _origin(graph.config.base_url)
    common = {"site": graph.config, "graph": graph, "urls": graph.urls, "html": html, "assets": assets,
              "cards": cards, "images": images, "absolute": lambda url: origin + url}
    templates = template_hashes(env, memo)
    site_wide = digest(graph.config, assets, ("pages", "about") in graph.by_key, sorted(images.items()))
    specs = page_specs(graph)
    specs.append(PageSpec(graph.urls.asset("404.html"), "404.html", "Page not found", "This page does not exist.", {}, noindex=True))
    outputs, keys, paths, missing = [], [], [], []
    for spec in specs:
        node_cards = cards.get(spec.node.slug) if spec.node is not None and spec.node.kind == "routines" else None
        key = digest(site_wide, templates.get(spec.template), spec.url, spec.title, spec.description, spec.image,
                     spec.image_alt, spec.extra, node_cards, [(d, fingerprints.get(d)) for d in spec.deps])
        previous = memo.pages.get(spec.url)
        path = graph.urls.output_path(spec.url)
        if previous and previous[0] == key and previous[1] is None and previous_output and (previous_output / path).is_file():
            outputs.append(Output(path, None, previous_output / path))
        elif previous and previous[0] == key and previous[1] is not None:
            outputs.append(Output(path, previous[1]))
        else:
            outputs.append(None)
            missing.append(len(keys))
        keys.append(key)
        paths.append(path)
    _RENDER.update(specs=specs, graph=graph, env=env, common=common, origin=origin)
    try:
        results = _render_all(missing, workers)
    finally:
        _RENDER.clear()
    problems = [problem for _, problem in results if problem is not None]
    if problems:
        report = Report()
        report.add(problems[:1])
        raise ContentErrors(report)
    for index, (data, _) in zip(missing, results):
        outputs[index] = Output(paths[index], data)
    memo.pages = {spec.url: (key, out.data) for spec, key, out in zip(specs, keys, outputs)}
    return outputs, [specs[index].url for index in missing]


PARALLEL_FROM = 300  # pages to render before a process pool pays for itself
_RENDER: dict = {}  # what the pages are rendered from: set before rendering, read by forked workers


def _render_chunk(indexes: list[int]) -> list[tuple[bytes | None, Diagnostic | None]]:
    spec_list, graph, env, common, origin = (_RENDER[k] for k in ("specs", "graph", "env", "common", "origin"))
    results = []
    for index in indexes:
        try:
            results.append((render_one(spec_list[index], graph, env, common, origin), None))
        except jinja2.TemplateError as exc:
            results.append((None, template_problem(exc, spec_list[index])))
    return results


def _render_all(indexes: list[int], workers: int) -> list[tuple[bytes | None, Diagnostic | None]]:
    """Render the pages at `indexes`, in forked worker processes when there
    are many (each has the graph and compiled templates by fork), merged in order."""
    if workers < 2 or len(indexes) < PARALLEL_FROM:
        return _render_chunk(indexes)
    return map_in_workers(_render_chunk, indexes, workers)


def template_problem(exc: jinja2.TemplateError, spec: PageSpec) -> Diagnostic:
    """A template mistake as `templates/x.html:LINE: message`, found in the
    traceback Jinja rewrites to point at template lines."""
    path, line = f"templates/{spec.template}", getattr(exc, "lineno", None)
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.name:
        path = f"templates/{exc.name}"
    else:
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if "/templates/" in filename and filename.endswith(".html"):
                path, line = "templates/" + filename.split("/templates/", 1)[1], tb.tb_lineno
            tb = tb.tb_next
    return Diagnostic(path, line, f"template error while rendering {spec.url}: {exc.message or exc}", code="template-error")


def render_one(spec: PageSpec, graph: SiteGraph, env: jinja2.Environment, common: dict, origin: str) -> bytes:
    page = {
        "url": spec.url,
        "canonical": origin + spec.url,
        "title": spec.title,
        "description": spec.description,
        "kind": spec.kind,
        "image": origin + graph.urls.asset(spec.image) if spec.image else None,
        "image_alt": spec.image_alt,
        "noindex": spec.noindex,
        "json_ld": json_ld_for(spec, graph, origin),
    }
    template = env.get_template(spec.template)
    return template.render(**common, page=page, node=spec.node, **spec.vars).encode("utf-8")


def _origin(base_url: str) -> str:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"
