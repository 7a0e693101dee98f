"""The build, in order: `compile_site()` is the whole pipeline, top to
bottom, in memory; `build_site()` adds the write.

config -> load -> validate -> resolve -> [gate] -> markup -> PDF cards ->
pages, feeds, assets -> [gate] -> write. No events, no signals: each stage
takes the previous stage's frozen values and returns its own plus
diagnostics. A `Memo` from an earlier build lets unchanged pages be reused."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .assets import content_images, theme_assets
from .builder_data import builder_data
from .config import BuildOptions, LimitSettings, load_config
from .dependencies import Memo, digest, load_memo, node_fingerprints, save_memo
from .diagnostics import ContentErrors, Diagnostic, Report
from .feeds import FEED_SIZE, render_feeds
from .images import process_images
from .load import Limits, load_content
from .lock import project_lock
from .markup import render_markup
from .model import Copy, Output, SiteGraph
from .pdf import CardsResult, render_cards, routine_cards
from .render import make_environment, render_pages
from .resolve import resolve_site
from .search import index_search
from .uptodate import CACHE_FOLDER, STAMP_NAME, Stamp, check, output_hash, unchanged_summary, warnings_of, write_stamp
from .validate import validate_content
from .write import check_output_folder, write_site

MEMO_NAME = "memo.pickle"  # what the last build rendered, keyed on content hashes


@dataclass
class BuildResult:
    report: Report
    output: Path | None = None
    pages: int = 0
    rendered_urls: list[str] = field(default_factory=list)
    files: int = 0
    bytes_written: int = 0
    pdfs_rendered: int = 0
    pdf_cache_hits: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    graph: SiteGraph | None = None
    outputs: list[Output] = field(default_factory=list)
    copies: list[Copy] = field(default_factory=list)
    cards: CardsResult | None = None
    unchanged: bool = False  # nothing changed since the last build: nothing was done
    stamp: Stamp | None = None  # with `unchanged`: what the last build made

    @property
    def pages_rendered(self) -> int:
        return len(self.rendered_urls)

    def summary(self) -> str:
        if self.unchanged:
            return unchanged_summary(self.stamp, self.output, self.seconds)
        return (f"Built {self.pages} pages, {self.pdfs_rendered + self.pdf_cache_hits} PDFs "
                f"({self.pdfs_rendered} rendered, {self.pdf_cache_hits} from cache) into {self.output} "
                f"in {self.seconds:.2f} s")


class _Clock:
    def __init__(self):
        self.start = self.last = time.perf_counter()
        self.timings: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
        self.last = now


def compile_site(project: Path, options: BuildOptions = BuildOptions(), today: dt.date | None = None,
                 memo: Memo | None = None, cards: CardsResult | None = None, updating=None,
                 progress=None, previous_output: Path | None = None) -> BuildResult:
    """Every output of the site, in memory. Raises ContentErrors (carrying
    every problem) when the content has errors. With `options.pdf` off,
    routine pages link the cards in `cards` (those of an earlier build), and
    the routines that `updating(graph, fingerprints)` names say their card is being re-rendered.
    `previous_output` is the last build's untouched output: unchanged pages are linked from it."""
    project = project.absolute()
    memo = memo if memo is not None else Memo()
    clock = _Clock()
    report = Report()
    result = BuildResult(report)

    config, problems = load_config(project)
    report.add(problems)
    if options.base_url and config is not None:
        config = config.model_copy(update={"base_url": options.base_url.rstrip("/")})
    limits = config.limits if config is not None else LimitSettings()
    loaded, problems = load_content(project, memo.parsed, Limits(limits.markdown_kb * 1024, limits.front_matter_kb * 1024,
                                                                limits.image_kb * 1024))
    report.add(problems)
    clock.lap("load")
    content, problems = validate_content(loaded, memo.validated)
    report.add(problems)
    clock.lap("validate")
    if config is None:
        raise ContentErrors(report)
    graph, problems = resolve_site(content, config, options, today or dt.date.today())
    report.add(problems)
    clock.lap("resolve")
    if report.has_errors():
        raise ContentErrors(report)

    images, image_outputs, problems = process_images(graph, project / "content", project / CACHE_FOLDER)
    report.add(problems)
    clock.lap("images")
    if report.has_errors():
        raise ContentErrors(report)
    fingerprints = node_fingerprints(graph)
    html, _ = render_markup(graph, memo, fingerprints, images, workers=options.workers or os.cpu_count() or 1)
    clock.lap("markup")
    env = memo.env or make_environment(project / "templates")
    memo.env = env
    if options.pdf:
        cards = render_cards(graph, env, project, project / CACHE_FOLDER, progress)
        report.add(cards.problems)
        clock.lap("pdf")
        if report.has_errors():
            raise ContentErrors(report)
    cards = cards or CardsResult()
    assets, asset_outputs = theme_assets(project / "templates", graph.urls.base_path)
    views = routine_cards(graph, cards, updating(graph, fingerprints) if updating else frozenset())
    pages, rendered = render_pages(graph, html, env, assets, views, memo, fingerprints, images, previous_output,
                                   workers=options.workers or os.cpu_count() or 1)
    page_urls = [graph.urls.asset(o.path[: -len("index.html")]) for o in pages if o.path.endswith("index.html")]
    feeds_key = digest(page_urls, [(a.url, fingerprints[("card", a.kind, a.slug)], html[(a.kind, a.slug, "body")])
                                   for a in graph.articles[:FEED_SIZE]], [(a.url, a.meta.updated or a.meta.date) for a in graph.articles])
    if memo.feeds[0] != feeds_key:
        memo.feeds = (feeds_key, render_feeds(graph, page_urls, html))
    result.outputs = pages + memo.feeds[1] + [builder_data(graph)] + asset_outputs + image_outputs + cards.outputs
    result.copies = content_images(project / "content", graph.images)
    report.add(output_collisions(result.outputs, result.copies))
    if report.has_errors():
        raise ContentErrors(report)
    clock.lap("render")

    result.pages, result.rendered_urls = len(pages), rendered
    result.pdfs_rendered, result.pdf_cache_hits = cards.rendered, cards.cache_hits
    result.graph, result.cards = graph, cards
    result.timings = clock.timings
    result.seconds = time.perf_counter() - clock.start
    return result


def output_collisions(outputs: list[Output], copies: list[Copy]) -> list[Diagnostic]:
    """Two outputs at the same path, or at paths that differ only by case or
    Unicode normalisation (they overwrite each other on macOS and Windows)."""
    seen: dict[str, list[str]] = {}
    for path, source in [(o.path, f"generated {o.path}") for o in outputs] + [(c.path, f"content/{c.path}") for c in copies]:
        seen.setdefault(unicodedata.normalize("NFC", path).casefold(), []).append(source)
    return [Diagnostic(sorted(s for s in sources if s.startswith("content/"))[0] if any(s.startswith("content/") for s in sources) else sources[0],
                       None, f"these files would land on the same output path ({', '.join(sorted(sources))}); rename one", code="output-collision")
            for sources in seen.values() if len(sources) > 1]


def build_site(project: Path, output: Path | None = None, options: BuildOptions = BuildOptions(),
               today: dt.date | None = None, progress=None) -> BuildResult:
    """Build the site of `project` into `output` (default project/site_output).
    The previous output is replaced only when the whole build succeeded."""
    start = time.perf_counter()
    project = project.absolute()
    today = today or dt.date.today()
    output = (output or project / "site_output").absolute()
    check_output_folder(output, project)
    with project_lock(project, "prehab build", on_wait=progress):
        now = check(project, output, options, today)
        last, untouched = now.stamp, now.untouched
        if now.current:
            result = BuildResult(Report(warnings_of(last.warnings)), output, unchanged=True, stamp=last, pages=last.totals["pages"],
                                 files=last.totals["files"], pdf_cache_hits=last.totals["pdfs"])
            result.seconds = time.perf_counter() - start
            result.timings = {"up-to-date check": result.seconds}
            return result
        memo_path = project / CACHE_FOLDER / MEMO_NAME
        memo = load_memo(memo_path)
        result = compile_site(project, options, today, memo=memo, progress=progress, previous_output=output if untouched else None)
        if progress:
            progress(f"writing {len(result.outputs) + len(result.copies)} files")
        write_start = time.perf_counter()
        timings = result.timings

        def search(staging: Path) -> None:
            timings["write"] = time.perf_counter() - write_start
            if options.search:
                index_search(staging, project / CACHE_FOLDER)
                timings["search index"] = time.perf_counter() - write_start - timings["write"]

        removing: list[threading.Thread] = []  # the replaced output is deleted while the cache is saved

        def remove_old(folder: Path) -> None:
            removing.append(threading.Thread(target=shutil.rmtree, args=(folder, True), name="prehab-remove-old"))
            removing[-1].start()

        result.bytes_written = write_site(output, result.outputs, result.copies, before_swap=search, remove_old=remove_old)
        save_memo(memo_path, memo)
        result.files = len(result.outputs) + len(result.copies)
        totals = {"pages": result.pages, "files": result.files, "pdfs": result.pdfs_rendered + result.pdf_cache_hits}
        write_stamp(project / CACHE_FOLDER / STAMP_NAME, Stamp(now.inputs, output_hash(output), totals,
                                                               [d.as_record() for d in result.report.warnings], now.files))
        for thread in removing:
            thread.join()
    result.output = output
    result.seconds = time.perf_counter() - start
    return result
