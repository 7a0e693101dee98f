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


def page_specs(graph: SiteGraph) -> list[PageSpec]:
    """Every HTML page of the site, in a stable order."""
    cfg, urls = graph.config, graph.urls
    specs = [PageSpec(urls.home(), "home.html", cfg.title, cfg.description, {}, kind="home")]
    for node in graph.by_key.values():
        image, alt = _node_image(node)
        specs.append(PageSpec(node.url, f"{HTML_TYPES[node.kind]}.html", node.title, _summary(node), {}, node, node.kind, image, alt))
    per_page = cfg.articles_per_page
    chunks = [graph.articles[i:i + per_page] for i in range(0, len(graph.articles), per_page)] or [()]
    for number, chunk in enumerate(chunks, start=1):
        pager = {"number": number, "count": len(chunks),
                 "prev": urls.section("articles", number - 1) if number > 1 else None,
                 "next": urls.section("articles", number + 1) if number < len(chunks) else None}
        title = "Articles" if number == 1 else f"Articles, page {number}"
        specs.append(PageSpec(urls.section("articles", number), "article_list.html", title,
                              "Every article on running injuries, newest first.", {"articles": chunk, "pager": pager}))
    specs.append(PageSpec(urls.section("exercises"), "exercise_list.html", "Exercise library",
                          "Strength and mobility exercises for runners, with doses, cues and the studies behind them.", {}))
    specs.append(PageSpec(urls.section("routines"), "routine_list.html", "Routines",
                          "Short routines to print and follow, a few times a week.", {}))
    specs.append(PageSpec(urls.section("authors"), "author_list.html", "Authors", "Who writes this publication.", {}))
    for taxonomy, terms, label in (("tags", graph.tags, "Topics"), ("body-areas", graph.areas, "Body areas")):
        specs.append(PageSpec(urls.term(taxonomy, "").rstrip("/") + "/", "term_list.html", label,
                              f"{label} covered by {cfg.title}.", {"terms": terms, "label": label}))
        for term in terms:
            specs.append(PageSpec(term.url, "term.html", term.name, f"Articles, exercises and routines on {term.name.lower()}.",
                                  {"term": term, "label": label}))
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
                 cards: dict[str, list]) -> list[Output]:
    """All HTML pages. `assets` maps logical asset names to their URLs;
    `cards` maps a routine slug to its PDF links and its print-view card."""
    origin = _origin(graph.config.base_url)
    common = {"site": graph.config, "graph": graph, "urls": graph.urls, "html": html, "assets": assets,
              "cards": cards, "absolute": lambda url: origin + url}
    outputs = []
    for spec in page_specs(graph):
        outputs.append(Output(graph.urls.output_path(spec.url), render_one(spec, graph, env, common, origin)))
    not_found = PageSpec(graph.urls.asset("404.html"), "404.html", "Page not found",
                         "This page does not exist.", {}, noindex=True)
    outputs.append(Output("404.html", render_one(not_found, graph, env, common, origin)))
    return outputs


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
