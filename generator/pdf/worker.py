"""Renders one card in a worker process: finds the roomiest of its layouts
(roomiest first) that fits on exactly one page, and writes that one.

Every layout tried costs a full WeasyPrint layout, so the layouts are not
tried in turn: each try measures how tall the card's exercises and the rest
came out, and the next try is the layout that measurement says will just
fit (card.py LEVELS says about how tall the exercises are at each layout),
inside the bracket of layouts already known to fit and not to fit. The search ends
when the layout that fits sits next to one that does not (or is the
first): as each layout is at least as compact as the one before, that is
the one trying every layout in order finds, in about three tries instead
of up to fourteen. The stylesheets the layouts link are parsed once."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from .card import LEVELS

# The first guess, before anything is measured: on an A4 card at layout 7 an
# exercise is about 0.125 pages tall and the rest of the card half a page,
# more with a longer tracker (as measured on the demo's cards).
EXERCISE, REST, TRACKER_ROW, STACKED = 0.125, 0.50, 0.04, 0.07
PAGE = {"A4": 1.0, "Letter": 1.07}  # Letter is shorter: the same card is taller in pages
# A guess that fills more than this of the page is taken as not fitting
# (parts kept whole at a page break leave a little space unused).
FULL = 0.99
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"<>]+)">')
STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S | re.I)
PAGE_SIZE = re.compile(r"\s*@page\s*\{\s*size:\s*[\w ]+;?\s*\}\s*")


@dataclass(frozen=True)
class CardJob:
    source: str  # content/routines/x.md, for messages
    size: str  # "A4" | "Letter"
    layouts: tuple[str, ...]  # card HTML per compaction level
    base_url: str  # file:// URL of content/, for relative images
    allowed: tuple[str, ...]  # folders the fetcher may read
    start: int | None = None  # the layout to try first (its A4 card's), else a guess


@dataclass(frozen=True)
class CardResult:
    data: bytes | None
    level: int
    pages: int
    refused: tuple[str, ...] = ()
    read: tuple[tuple[str, str], ...] = ()  # (path, sha256) of every file the renderer read
    tries: int = 0  # layouts rendered to find this one


def render_card(job: CardJob) -> CardResult:
    from weasyprint import HTML  # imported here: a build without cards never loads WeasyPrint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetchingError

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = _fetcher(job.allowed)
    try:
        sheets, fonts = stylesheets(job, fetcher)
    except URLFetchingError as exc:  # unreadable: linked as they are, WeasyPrint goes without
        if str(exc).startswith("MemoryError"):  # over the memory cap (pool.py says so)
            raise MemoryError from exc
        sheets, fonts = [], FontConfiguration()
    if fetcher.refused:
        return CardResult(None, 0, 0, tuple(dict.fromkeys(fetcher.refused)))
    images = {}  # pictures decoded once for every layout tried

    count = len(job.layouts)
    about = [layout["about"] for layout in LEVELS] if count == len(LEVELS) else None
    fitting = {}  # the last layout found to fit, rendered

    def attempt(level: int) -> tuple[int, tuple[float, float] | None]:
        html = STYLESHEET.sub("", job.layouts[level]) if sheets else job.layouts[level]
        document = HTML(string=html, base_url=job.base_url, url_fetcher=fetcher).render(
            pdf_variant="pdf/ua-1", stylesheets=sheets, font_config=fonts, cache=images
        )
        if fetcher.refused:
            raise _Refused(level, len(document.pages))
        if len(document.pages) == 1:
            fitting.clear()
            fitting[level] = document
        return len(document.pages), _heights(document)

    # Starting where the A4 card ended does better than predicting from its heights: a
    # routine's Letter card is its A4 layout or the next (126 layouts for 50 cards at
    # 1,000 articles against 137 from the heights scaled to Letter).
    if job.start is not None and 0 <= job.start < count:
        first = job.start
    else:
        first = first_guess(job.layouts[0], job.size, about) if about else count // 2
    try:
        level, pages, tries = find_layout(count, first, attempt, about)
    except _Refused as refused:
        return CardResult(None, refused.level, refused.pages, tuple(dict.fromkeys(fetcher.refused)))
    if level == count:
        return CardResult(None, count - 1, pages, tries=tries)
    data = fitting[level].write_pdf(pdf_variant="pdf/ua-1")
    if fetcher.refused:  # fetched while writing (attachments): refused all the same
        return CardResult(None, level, 1, tuple(dict.fromkeys(fetcher.refused)))
    return CardResult(data, level, 1, read=tuple(sorted(fetcher.read.items())), tries=tries)


# Parsed stylesheets, kept per process: the parent parses them once before
# forking the card workers (prepare), so no card parses them again. An entry
# is used only while every file it read still has the same sha256.
_SHEETS: dict[tuple[str, ...], tuple[list, object, dict[str, str]]] = {}


def shared_links(layouts: tuple[str, ...]) -> list[str]:
    """The stylesheets every layout links, to be given to WeasyPrint apart.
    Given apart, they count as the reader's, beneath the page's own <style>:
    so only while that says no more than the page size, else as linked."""
    links = [STYLESHEET.findall(html) for html in layouts]
    plain = all(PAGE_SIZE.fullmatch(style) for html in layouts for style in STYLE.findall(html))
    same = bool(links) and all(found == links[0] for found in links)
    return links[0] if plain and same else []


def stylesheets(job: CardJob, fetcher) -> tuple[list, object]:
    """The job's shared stylesheets, parsed (or from _SHEETS), and the font
    configuration they were parsed with; what they read goes on `fetcher`."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    urls = tuple(shared_links(job.layouts))
    held = _SHEETS.get(urls)
    if held and all(fetcher.digest(path) == sha for path, sha in held[2].items()):
        fetcher.read.update(held[2])
        return held[0], held[1]
    fonts = FontConfiguration()
    before = dict(fetcher.read)
    sheets = [CSS(url=url, url_fetcher=fetcher, font_config=fonts) for url in urls]
    if not fetcher.refused:
        _SHEETS[urls] = (sheets, fonts, {p: h for p, h in fetcher.read.items() if p not in before})
    return sheets, fonts


def prepare(job: CardJob) -> None:
    """Parse the job's stylesheets in this process, for the workers it forks."""
    try:
        stylesheets(job, _fetcher(job.allowed))
    except Exception:  # noqa: BLE001  the workers meet it again and report it
        _SHEETS.clear()


class _Refused(Exception):
    def __init__(self, level: int, pages: int):
        super().__init__(level, pages)
        self.level, self.pages = level, pages


def find_layout(count: int, first: int, attempt, about=None) -> tuple[int, int, int]:
    """(the first of `count` layouts on one page, or `count` if none is;
    the pages of the most compact one tried that is not; the tries), where
    `attempt(level)` renders a layout and says (its pages, its heights).
    Layouts are taken as ever more compact: once one fits, so do the rest."""
    fits, fails, pages, tries = count, -1, 0, 0
    level = first
    while fits - fails > 1:
        found, parts = attempt(level)
        tries += 1
        if found == 1:
            fits = level
        else:
            fails, pages = level, found
        if fits - fails > 1:
            level = next_level(fails, fits, parts, level, about)
    return fits, pages, tries


def first_guess(html: str, size: str, about) -> int:
    """The layout to try first: the first the card's contents (how many
    exercises, how long its tracker) say will fit, by the numbers above."""
    exercises = html.count('<li class="rc-ex')
    tables = max(1, html.count('<table class="rc-track"'))
    rows = html.count('<tr><th scope="row">') / tables
    page = PAGE.get(size, 1.0)
    rest = (REST + TRACKER_ROW * max(0.0, rows - 6) + STACKED * ("rc-stacked" in html)) * page
    parts = (EXERCISE * exercises * page * about[0] / about[7], rest)
    return next_level(-1, len(about), parts, 0, about)


def next_level(fails: int, fits: int, parts: tuple[float, float] | None, level: int, about) -> int:
    """The layout to try next, strictly between `fails` (-1: none) and
    `fits` (the count: none): the first that the heights just measured at
    `level` (the exercises and the rest, in pages) say comes to one page,
    with the exercises scaled by LEVELS' `about`. Without those: halfway."""
    low, high = fails + 1, fits - 1
    if parts is None or about is None:
        return (low + high) // 2
    exercises, rest = parts
    for guess in range(low, high + 1):
        if rest + exercises * about[guess] / about[level] <= FULL:
            return guess
    return high


def _heights(document) -> tuple[float, float] | None:
    """How tall the card's exercises and the rest of it are, in pages: the
    card's parts on every page, summed (a part kept whole and moved to the
    next page leaves the rest of its page empty, which does not count).
    None if WeasyPrint's boxes are not what this expects."""
    try:
        exercises = rest = 0.0
        for page in document.pages:
            box = page._page_box
            node = box.children[0]
            while len(node.children) == 1:  # html, body, the card
                node = node.children[0]
            for child in node.children:
                height = child.margin_height() / box.height
                if "rc-exercises" in (child.element.get("class") or "").split():
                    exercises += height
                else:
                    rest += height
        return exercises, rest
    except (AttributeError, IndexError, TypeError, ValueError, ZeroDivisionError):
        return None


def render_cover(
    html: str, base_url: str, allowed: tuple[str, ...]
) -> tuple[bytes, tuple, tuple[str, ...]]:
    """A document that may have any number of pages (the booklet's cover),
    with the files read and the URLs refused."""
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = _fetcher(allowed)
    data = HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
        pdf_variant="pdf/ua-1"
    )
    return data, tuple(sorted(fetcher.read.items())), tuple(fetcher.refused)


def _fetcher(allowed: tuple[str, ...]):
    """The URL fetcher of one render: only files under `allowed` folders."""
    from .fetcher import SafeFetcher  # imported here, as WeasyPrint is

    return SafeFetcher(tuple(Path(p) for p in allowed))
