"""Printable routine cards (render stage): one-page PDFs per routine and
page size, and a booklet of them all, rendered with WeasyPrint from the
same Jinja templates and data as the web pages.

A card is cached on what it is made from: its context at every layout (plain
data from `card_context`), the template texts and the toolchain; the files
WeasyPrint read while rendering it (stylesheet, pictures) are recorded with
their hashes, and the cached card is reused only while they are unchanged.
Nothing lists by hand what a card shows. Misses render in parallel."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from ..diagnostics import Diagnostic
from ..forking import fork_pool
from ..model import Node, Output, SiteGraph
from ..theme import THEME, theme_file
from ..view import Reads, SiteView, Sources
from .card import LEVELS, card_context
from .pool import Exceeded, run_limited
from .worker import CardJob, CardResult, prepare, render_card, render_cover

SIZES = {"A4": (595.28, 841.89), "Letter": (612.0, 792.0)}


@dataclass(frozen=True)
class CardLink:
    size: str
    url: str
    level: int


@dataclass
class CardsResult:
    outputs: list[Output] = field(default_factory=list)
    links: dict[str, list[CardLink]] = field(default_factory=dict)  # routine slug -> cards
    problems: list[Diagnostic] = field(default_factory=list)
    rendered: int = 0
    cache_hits: int = 0
    keys: dict[str, tuple[str, ...]] = field(
        default_factory=dict
    )  # routine slug -> its cards' cache keys


@dataclass(frozen=True)
class _Planned:
    slug: str
    size: str
    key: str  # "" without a cache
    source: str  # content/routines/x.md


class _Paths:
    """Where a card's renderer may read from, as WeasyPrint wants them."""

    def __init__(self, project: Path):
        # the project's card.css, else the built-in theme's (generator/theme.py)
        self.stylesheet = theme_file(project / "templates", "static/card.css")
        self.allowed = (
            str(project / "content" / "images"),
            str(project / "templates"),
            str(THEME / "static"),
        )
        self.base_url = (project / "content").as_uri() + "/"


def card_contexts(graph, slug: str, size: str, paths: _Paths) -> tuple[dict, ...]:
    """A card's context at every layout, roomiest first. `graph` is the site
    graph or a view of it (generator/view.py) that records what is read."""
    routine = graph.get("routines", slug)
    stylesheet = paths.stylesheet.as_uri()
    return tuple(
        card_context(graph, routine, size, level, stylesheet) for level in range(len(LEVELS))
    )


def plan_cards(
    graph: SiteGraph, templates: dict[str, str], project: Path, reuse=None
) -> list[_Planned]:
    """Every card to publish with its cache key: a fingerprint of its
    contexts, the template texts, the site configuration and the toolchain.
    With `reuse` (an incremental.Reuse), a key whose recorded reads are
    unchanged is not computed again. Without it there is no cache, no key."""
    paths = _Paths(project)
    sources = Sources(graph)
    shared = reuse.inputs((templates, graph.config, paths.stylesheet.as_uri())) if reuse else b""
    planned = []
    for routine in graph.routines:
        for size in graph.config.pdf.page_sizes:
            key = ""
            if reuse:
                name, inputs = (routine.slug, size), reuse.inputs((shared, size))
                key = reuse.find("cards", name, inputs, sources)
                if key is None:
                    reads = Reads()
                    contexts = card_contexts(SiteView(sources, reads), routine.slug, size, paths)
                    key = reuse.cache("cards").key("card", size, contexts, templates, graph.config)
                    reuse.keep("cards", name, inputs, tuple(reads.keys), sources, key)
            planned.append(_Planned(routine.slug, size, key, routine.path))
    return planned


def stale_cards(
    graph: SiteGraph, templates: dict[str, str], project: Path, reuse, held: CardsResult
) -> frozenset[str]:
    """Routines whose `held` cards (an earlier build's) are not what a build
    now would publish: made from other inputs, or from files changed since."""
    cache = reuse.cache("cards")
    planned: dict[str, list[str]] = {}
    stale = set()
    for card in plan_cards(graph, templates, project, reuse):
        planned.setdefault(card.slug, []).append(card.key)
        if cache.meta(card.key) is None:
            stale.add(card.slug)
    changed = {slug for slug, keys in planned.items() if held.keys.get(slug) != tuple(keys)}
    return frozenset(stale | changed)


def render_cards(
    graph: SiteGraph,
    env: jinja2.Environment,
    templates: dict[str, str],
    project: Path,
    reuse=None,
    progress=None,
    workers: int | None = None,
) -> CardsResult:
    """Every card (render_booklets then makes the booklets). With `reuse`
    (an incremental.Reuse), cards come from the cache when their key and
    the files they read match."""
    result = CardsResult()
    paths = _Paths(project)
    cache = reuse.cache("cards") if reuse else None
    planned = plan_cards(graph, templates, project, reuse)
    for card in planned:
        result.keys[card.slug] = result.keys.get(card.slug, ()) + (card.key,)
    done: dict[tuple[str, str], CardResult | Exceeded] = {}
    misses = []
    for card in planned:
        hit = cache.get(card.key) if cache else None
        if hit:
            done[(card.slug, card.size)] = CardResult(hit[0], hit[1]["level"], 1)
            result.cache_hits += 1
        else:
            layouts = tuple(
                env.get_template("card.html").render(site=graph.config, card=c)
                for c in card_contexts(graph, card.slug, card.size, paths)
            )
            misses.append(
                (card, CardJob(card.source, card.size, layouts, paths.base_url, paths.allowed))
            )
    if misses:
        import weasyprint  # noqa: F401  loaded once, here; every forked worker inherits it warm (the memory cap then counts rendering, not importing)

        prepare(misses[0][1])  # the stylesheets too: parsed once, not once per card

        count = workers or min(len(misses), os.cpu_count() or 1)
        if progress:
            progress(
                f"rendering {len(misses)} PDF card{'s' if len(misses) != 1 else ''} on "
                f"{count} core{'s' if count != 1 else ''} ({result.cache_hits} from cache)"
            )
        settings = graph.config.pdf
        limits = (count, settings.timeout_seconds, settings.memory_mb * 2**20)
        rendered = _render_leaders_first(misses, done, limits)
        for i, ((card, job), made) in enumerate(zip(misses, rendered, strict=True), start=1):
            done[(card.slug, card.size)] = made
            if isinstance(made, Exceeded):
                result.problems.append(
                    Diagnostic(
                        job.source,
                        None,
                        f"card rendering exceeded {made} for the {card.size} "
                        "card; simplify the routine or its images",
                        code="card-limit",
                    )
                )
            elif made.data is not None:
                result.rendered += 1
                if cache:
                    read = [list(r) for r in made.read]
                    cache.put(card.key, made.data, {"level": made.level, "read": read})
            if progress:
                progress(f"  [{i}/{len(misses)}] {card.slug} ({card.size})")

    for card in planned:
        made = done[(card.slug, card.size)]
        node = graph.get("routines", card.slug)
        if isinstance(made, Exceeded):
            continue
        if made.refused:
            for url in made.refused:
                result.problems.append(
                    Diagnostic(
                        card.source,
                        None,
                        f"routine card refers to '{url}', which prehab will not fetch: a "
                        "card may only use files under content/images/ "
                        "and templates/ (no network, no other folders)",
                        code="card-fetch-refused",
                    )
                )
        elif made.data is None:
            result.problems.append(
                Diagnostic(
                    card.source,
                    None,
                    f"routine card does not fit on one {card.size} page: {len(node.steps)} "
                    f"exercises and a {node.meta.weeks}-week tracker need {made.pages} "
                    "pages even in the most compact layout (two columns, no "
                    "pictures, one cue each); split the routine or shorten 'weeks'",
                    code="card-overflow",
                )
            )
        else:
            url = card_url(node, card.size)
            result.outputs.append(Output(graph.urls.output_path(url), made.data))
            result.links.setdefault(card.slug, []).append(CardLink(card.size, url, made.level))
    return result


LEADER = "A4"  # handed out first; a routine's other sizes start from its A4 card's layout


def _render_leaders_first(misses: list, done: dict, limits: tuple) -> list:
    """Render the missing cards (`done`: those from the cache), the A4 ones
    handed out first: a routine's other size, handed out later, starts its
    search at the layout its A4 card came out at (the same or the next,
    nearly always): 2 tries instead of 4 or 5 on the benchmark's corpus, 3 on
    the demo's. An A4 card starts where the last A4 card of the same shape
    (_shape) came out, when one has. Where a search starts changes how many
    layouts are tried, never which one wins."""
    order = sorted(range(len(misses)), key=lambda i: misses[i][0].size != LEADER)
    jobs = [misses[i][1] for i in order]
    slugs = [misses[i][0].slug for i in order]
    known = {slug: r.level for (slug, size), r in done.items() if size == LEADER}
    leaders = {slugs[k]: k for k, i in enumerate(order) if misses[i][0].size == LEADER}
    shapes = [_shape(job) for job in jobs]

    def prepare(k: int, results: list) -> CardJob:
        lead = leaders.get(slugs[k])
        if lead == k:  # an A4 card starts where the last one of the same shape ended
            alike = [j for j in range(k) if shapes[j] == shapes[k] and _rendered(results[j])]
            return replace(jobs[k], start=results[alike[-1]].level) if alike else jobs[k]
        found = results[lead] if lead is not None else None  # None: not rendered yet
        return replace(jobs[k], start=found.level if _rendered(found) else known.get(slugs[k]))

    made = run_limited(render_card, jobs, *limits, prepare=prepare)
    by_miss = dict(zip(order, made, strict=True))
    return [by_miss[i] for i in range(len(misses))]


def _shape(job: CardJob) -> tuple:
    """What a card's layout depends on most: its size, how many exercises
    and tracker rows it has, whether its exercises are stacked."""
    html = job.layouts[0]
    return (job.size, html.count('<li class="rc-ex'), html.count("<tr>"), "rc-stacked" in html)


def _rendered(result) -> bool:
    return isinstance(result, CardResult) and result.data is not None


def render_booklets(
    graph: SiteGraph, env: jinja2.Environment, cards: CardsResult, project: Path, reuse=None
) -> CardsResult:
    """The cards and, when every card was made, the booklets of them."""
    if cards.problems or not graph.routines:
        return cards
    # a copy with its own lists (the booklets add outputs, or problems), every other field as it is
    made = replace(cards, outputs=list(cards.outputs), problems=list(cards.problems))
    cache = reuse.cache("cards") if reuse else None
    made.outputs.extend(_booklets(graph, env, made, _Paths(project), cache))
    return made


def card_url(routine: Node, size: str) -> str:
    return f"{routine.url}{routine.slug}-{size.lower()}.pdf"


def booklet_url(graph: SiteGraph, size: str) -> str:
    return graph.urls.asset(f"routines/routines-{size.lower()}.pdf")


def card_files(graph: SiteGraph) -> set[str]:
    """The output path of every PDF the cards stage makes: what a link may
    point at when the build stopped before rendering them."""
    sizes = graph.config.pdf.page_sizes
    urls = [card_url(r, size) for r in graph.routines for size in sizes]
    urls += [booklet_url(graph, size) for size in sizes] if graph.routines else []
    return {graph.urls.output_path(url) for url in urls}


@dataclass(frozen=True)
class RoutineCards:
    """What a routine page says about its cards: the PDF links, whether they
    are being re-rendered, and the card its print view shows (plain data),
    laid out like the most compact of its PDFs (so it fits any paper)."""

    links: tuple[CardLink, ...]
    updating: bool
    level: int
    card: dict


def routine_cards(
    graph: SiteGraph, cards: CardsResult, updating: frozenset[str] = frozenset()
) -> dict[str, RoutineCards]:
    views = {}
    for routine in graph.routines:
        links = tuple(cards.links.get(routine.slug, ()))
        level = max((link.level for link in links), default=2)
        card = card_context(graph, routine, "auto", level, "", graph.urls.asset)
        views[routine.slug] = RoutineCards(links, routine.slug in updating, level, card)
    return views


def booklet_links(graph: SiteGraph, cards: CardsResult) -> tuple[CardLink, ...]:
    """The booklets a page may link: a size's, once every routine has its card."""
    sizes = [{link.size for link in cards.links.get(r.slug, ())} for r in graph.routines]
    return tuple(
        CardLink(size, booklet_url(graph, size), 0)
        for size in graph.config.pdf.page_sizes
        if sizes and all(size in made for made in sizes)
    )


def _booklets(graph, env, result: CardsResult, paths: _Paths, cache) -> list[Output]:
    """Every card in one PDF per size, after a cover listing them: the cards'
    own pages (and their tags) are reused, not laid out again."""
    pages_by_url = {o.path: o.data for o in result.outputs}
    booklets, misses = [], []
    for size in graph.config.pdf.page_sizes:
        cover_html = env.get_template("booklet_cover.html").render(
            site=graph.config,
            routines=graph.routines,
            page_size=size,
            stylesheet=paths.stylesheet.as_uri(),
        )
        cards = [
            (pages_by_url[graph.urls.output_path(link.url)], routine.title)
            for routine in graph.routines
            for link in result.links.get(routine.slug, [])
            if link.size == size
        ]
        key = cache.key("booklet", cover_html, *cards) if cache else ""
        path = graph.urls.output_path(booklet_url(graph, size))
        hit = cache.get(key) if cache else None
        booklets.append((path, key, hit[0] if hit else None))
        if not hit:
            misses.append((cover_html, cards, graph.config, paths.base_url, paths.allowed))
    # one size per core: the cover's layout and the join take seconds at 100 routines
    if len(misses) > 1:
        with fork_pool(len(misses)) as pool:
            made = list(pool.map(_assemble, misses))
    else:
        made = [_assemble(job) for job in misses]
    outputs = []
    for path, key, data in booklets:
        if data is None:
            data, read, refused = made.pop(0)
            if refused:  # the cover's template or stylesheet reached outside: no booklet
                result.problems.extend(
                    Diagnostic(
                        "templates/booklet_cover.html",
                        None,
                        f"routine booklet cover refers to '{url}', which prehab will not fetch: "
                        "a card may only use files under content/images/ "
                        "and templates/ (no network, no other folders)",
                        code="card-fetch-refused",
                    )
                    for url in dict.fromkeys(refused)
                )
                continue
            if cache:
                cache.put(key, data, {"read": [list(r) for r in read]})
        outputs.append(Output(path, data))
    return outputs


def _assemble(job) -> tuple[bytes, tuple, tuple]:
    """The cover, rendered, then the cards' own pages, joined into one tagged
    PDF; with the files read and the URLs refused while rendering the cover."""
    from .booklet import join_tagged  # pypdf, loaded only when a booklet is made

    cover_html, cards, config, base_url, allowed = job
    cover, read, refused = render_cover(cover_html, base_url, allowed)
    parts = [(cover, "Routine cards"), *cards]
    title = f"{config.title}: every routine card"
    return join_tagged(parts, title, config.title, config.language), read, refused
