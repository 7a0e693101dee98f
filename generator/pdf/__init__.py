"""Printable routine cards (render stage): one-page PDFs per routine and
page size, and a booklet of them all, rendered with WeasyPrint from the
same Jinja templates and data as the web pages. Cards are cached on a hash
of everything that shapes them and rendered in parallel on a cache miss."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from ..forking import fork_pool
from ..cache import Cache, content_key
from ..diagnostics import Diagnostic
from ..model import Output, SiteGraph
from .card import LEVELS, card_context, file_inputs
from .pool import Exceeded, run_limited
from .worker import CardJob, CardResult, render_card, render_single

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


def render_cards(graph: SiteGraph, env: jinja2.Environment, project: Path, cache_root: Path | None,
                 progress=None, workers: int | None = None) -> CardsResult:
    result = CardsResult()
    cache = Cache(cache_root, "cards")
    stylesheet = project / "templates" / "static" / "card.css"
    allowed = (str(project / "content" / "images"), str(project / "templates"))
    base_url = (project / "content").as_uri() + "/"
    jobs: list[tuple[str, str, str, CardJob]] = []  # (slug, size, key, job)
    for routine in graph.routines:
        for size in graph.config.pdf.page_sizes:
            layouts = tuple(env.get_template("card.html").render(
                site=graph.config, card=card_context(graph, routine, size, level, stylesheet.as_uri()))
                for level in range(len(LEVELS)))
            inputs = file_inputs(graph, routine, project, stylesheet)
            key = content_key(size, *layouts, *inputs)
            jobs.append((routine.slug, size, key, CardJob(routine.path, size, layouts, base_url, allowed)))

    done: dict[str, CardResult] = {}
    misses = []
    for slug, size, key, job in jobs:
        hit = cache.get(key)
        if hit:
            done[key] = CardResult(hit[0], hit[1]["level"], 1)
            result.cache_hits += 1
        else:
            misses.append((slug, size, key, job))
    if misses:
        import weasyprint  # noqa: F401  loaded once, here; every forked worker inherits it warm (the memory cap then counts rendering, not importing)

        count = workers or min(len(misses), os.cpu_count() or 1)
        if progress:
            progress(f"rendering {len(misses)} PDF card{'s' if len(misses) != 1 else ''} on {count} core{'s' if count != 1 else ''} ({result.cache_hits} from cache)")
        settings = graph.config.pdf
        cards = run_limited(render_card, [m[3] for m in misses], count, settings.timeout_seconds, settings.memory_mb * 2**20)
        for i, ((slug, size, key, job), card) in enumerate(zip(misses, cards), start=1):
            done[key] = card
            if isinstance(card, Exceeded):
                result.problems.append(Diagnostic(job.source, None, f"card rendering exceeded {card} for the {size} card; simplify the routine or its images", code="card-limit"))
            elif card.data is not None:
                cache.put(key, card.data, {"level": card.level})
                result.rendered += 1
            if progress:
                progress(f"  [{i}/{len(misses)}] {slug} ({size})")

    for slug, size, key, job in jobs:
        card = done[key]
        node = graph.get("routines", slug)
        if isinstance(card, Exceeded):
            continue
        if card.refused:
            for url in card.refused:
                result.problems.append(Diagnostic(job.source, None, f"routine card refers to '{url}', which prehab will not fetch: a card may only use files under content/images/ and templates/ (no network, no other folders)", code="card-fetch-refused"))
        elif card.data is None:
            result.problems.append(Diagnostic(job.source, None, f"routine card does not fit on one {size} page: {len(node.steps)} exercises and a {node.meta.weeks}-week tracker need {card.pages} pages even in the most compact layout (two columns, no pictures, one cue each); split the routine or shorten 'weeks'", code="card-overflow"))
        else:
            url = f"{node.url}{slug}-{size.lower()}.pdf"
            result.outputs.append(Output(graph.urls.output_path(url), card.data))
            result.links.setdefault(slug, []).append(CardLink(size, url, card.level))
    if not result.problems and graph.routines:
        result.outputs.extend(_booklets(graph, env, result, stylesheet, base_url, allowed, cache))
    return result


@dataclass(frozen=True)
class RoutineCards:
    """What a routine page says about its cards: the PDF links, whether they
    are being re-rendered, and the card its print view shows, laid out like
    the most compact of its PDFs (so it fits any paper)."""

    links: tuple[CardLink, ...]
    updating: bool
    level: int
    graph: SiteGraph = field(repr=False, compare=False)
    routine: object = field(repr=False, compare=False)

    def print_card(self) -> dict:
        return card_context(self.graph, self.routine, "auto", self.level, "", self.graph.urls.asset)


def routine_cards(graph: SiteGraph, cards: CardsResult, updating: frozenset[str] = frozenset()) -> dict[str, RoutineCards]:
    views = {}
    for routine in graph.routines:
        links = tuple(cards.links.get(routine.slug, ()))
        level = max((link.level for link in links), default=2)
        views[routine.slug] = RoutineCards(links, routine.slug in updating, level, graph, routine)
    return views


def _booklets(graph, env, result: CardsResult, stylesheet: Path, base_url: str, allowed, cache: Cache) -> list[Output]:
    """Every card in one PDF per size, after a cover listing them: the cards'
    own pages are reused, not rendered again."""
    pages_by_url = {o.path: o.data for o in result.outputs}
    booklets, misses = [], []
    for size in graph.config.pdf.page_sizes:
        cover_html = env.get_template("booklet_cover.html").render(
            site=graph.config, routines=graph.routines, page_size=size, stylesheet=stylesheet.as_uri())
        cards = [pages_by_url[graph.urls.output_path(link.url)] for slug in (r.slug for r in graph.routines)
                 for link in result.links.get(slug, []) if link.size == size]
        key = content_key("booklet", cover_html, stylesheet.read_bytes(), *cards)
        path = graph.urls.output_path(graph.urls.asset(f"routines/routines-{size.lower()}.pdf"))
        hit = cache.get(key)
        booklets.append((path, key, hit[0] if hit else None))
        if not hit:
            misses.append((cover_html, cards, f"{graph.config.title}: every routine card ({size})", graph.config.title,
                           graph.config.language, base_url, allowed))
    if len(misses) > 1:  # one size per core: the cover's layout and the merge take seconds at 100 routines
        with fork_pool(len(misses)) as pool:
            made = list(pool.map(_assemble, misses))
    else:
        made = [_assemble(job) for job in misses]
    outputs = []
    for path, key, data in booklets:
        if data is None:
            data = made.pop(0)
            cache.put(key, data, {})
        outputs.append(Output(path, data))
    return outputs


def _assemble(job) -> bytes:
    """The cover, rendered, then the cards' own pages, merged into one PDF."""
    from pypdf import PdfReader, PdfWriter

    cover_html, cards, title, author, language, base_url, allowed = job
    cover, _ = render_single(cover_html, base_url, allowed)
    writer = PdfWriter()
    for part in [cover] + cards:
        writer.append(PdfReader(io.BytesIO(part)))
    writer.add_metadata({"/Title": title, "/Author": author})
    writer._root_object[_name("/Lang")] = _text(language)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _name(text):
    from pypdf.generic import NameObject

    return NameObject(text)


def _text(text):
    from pypdf.generic import TextStringObject

    return TextStringObject(text)
