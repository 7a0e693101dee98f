"""Part of stage 5, render: the plan of every HTML page of the site (its
URL, template, title and values), as plain `PageSpec` values that render.py
renders and the reuse machinery keys."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Node, SiteGraph
from .urls import KIND_NAMES


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
    unpublished: str = ""  # "Draft" or "Scheduled for ...": shown by the preview only

    def inputs(self) -> tuple:
        """The page's own values as plain data (nodes by their key): with the
        site-wide values and the reads recorded while rendering it, all that
        the page is made from."""
        return (
            self.url,
            self.template,
            self.title,
            self.description,
            _keyed(self.vars),
            _keyed(self.node),
            self.kind,
            self.image,
            self.image_alt,
            self.noindex,
            self.unpublished,
        )


def _unpublished(node: Node, today) -> str:
    """Why a page the preview shows (built with drafts or future articles)
    would not be published by `prehab build`, or ""."""
    if getattr(node.meta, "draft", False):
        return "Draft"
    if node.kind == "articles" and node.meta.date > today:
        return f"Scheduled for {node.meta.date.isoformat()}"
    return ""


def _keyed(value):
    if isinstance(value, Node):
        return ("node", value.kind, value.slug)
    if isinstance(value, (tuple, list)):
        return tuple(_keyed(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _keyed(v)) for k, v in value.items())
    return value


def page_specs(graph: SiteGraph) -> list[PageSpec]:
    """Every HTML page of the site, in a stable order."""
    cfg, urls = graph.config, graph.urls
    specs = [PageSpec(urls.home(), "home.html", cfg.title, cfg.description, {}, kind="home")]
    for node in graph.by_key.values():
        image, alt = node_image(node)
        specs.append(
            PageSpec(
                node.url,
                f"{KIND_NAMES[node.kind]}.html",
                node.title,
                _summary(node),
                {},
                node,
                node.kind,
                image,
                alt,
                noindex=bool(_unpublished(node, graph.build_date)),
                unpublished=_unpublished(node, graph.build_date),
            )
        )
    per_page = cfg.articles_per_page
    chunks = [
        graph.articles[i : i + per_page] for i in range(0, len(graph.articles), per_page)
    ] or [()]
    for number, chunk in enumerate(chunks, start=1):
        pager = {
            "number": number,
            "count": len(chunks),
            "prev": urls.section("articles", number - 1) if number > 1 else None,
            "next": urls.section("articles", number + 1) if number < len(chunks) else None,
        }
        title = "Articles" if number == 1 else f"Articles, page {number}"
        specs.append(
            PageSpec(
                urls.section("articles", number),
                "article_list.html",
                title,
                "Every article on running injuries, newest first.",
                {"articles": chunk, "pager": pager},
            )
        )
    specs.append(
        PageSpec(
            urls.section("exercises"),
            "exercise_list.html",
            "Exercise library",
            "Strength and mobility exercises for runners, "
            "with doses, cues and the studies behind them.",
            {},
        )
    )
    specs.append(
        PageSpec(
            urls.section("routines"),
            "routine_list.html",
            "Routines",
            "Short routines to print and follow, a few times a week.",
            {},
        )
    )
    specs.append(
        PageSpec(
            urls.asset("routines/builder/"),
            "builder.html",
            "Build your own routine",
            "Pick exercises from the library, set the dose "
            "and print your own one-page routine card.",
            {},
            kind="builder",
        )
    )
    specs.append(
        PageSpec(
            urls.asset("search/"),
            "search.html",
            "Search",
            f"Search every article, exercise and routine on {cfg.title}.",
            {},
            kind="search",
        )
    )
    specs.append(
        PageSpec(
            urls.section("authors"),
            "author_list.html",
            "Authors",
            "Who writes this publication.",
            {},
        )
    )
    for taxonomy, terms, label in (
        ("tags", graph.tags, "Topics"),
        ("body-areas", graph.areas, "Body areas"),
    ):
        specs.append(
            PageSpec(
                urls.taxonomy(taxonomy),
                "term_list.html",
                label,
                f"{label} covered by {cfg.title}.",
                {"terms": terms, "label": label},
            )
        )
        for term in terms:
            specs.append(
                PageSpec(
                    term.url,
                    "term.html",
                    term.name,
                    f"Articles, exercises and routines on {term.name.lower()}.",
                    {"term": term, "label": label},
                )
            )
    return specs


def _summary(node: Node) -> str:
    if node.kind == "authors":
        return f"{node.meta.name}" + (f", {node.meta.role}" if node.meta.role else "")
    return node.meta.summary or node.title


def node_image(node: Node) -> tuple[str | None, str | None]:
    """The picture a page shows of itself (hero, exercise image, author photo), with its alt."""
    meta = node.meta
    if node.kind == "articles" and meta.hero:
        return meta.hero.image, meta.hero.alt
    if node.kind == "exercises" and meta.image:
        return meta.image.src, meta.image.alt
    if node.kind == "authors" and meta.photo:
        return meta.photo.src, meta.photo.alt
    return None, None
