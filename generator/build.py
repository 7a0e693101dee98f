"""The build, in order: `compile_site()` is the whole pipeline, top to
bottom, in memory; `build_site()` adds the write, and is the one entry point
of `prehab build` and of every rebuild of `prehab serve`.

config -> load -> validate -> resolve -> [gate] -> markup -> PDF cards ->
pages, feeds, assets -> [gate] -> links [gate] -> write. No events, no
signals: each stage takes the previous stage's frozen values and returns its
own plus diagnostics. A stage may take one optional reuse value (generator/incremental,
beside the pipeline); it gives the same result with it or without it."""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import threading
import time
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from .assets import content_images, theme_assets
from .builder_data import builder_data
from .clock import StageClock
from .config import LimitSettings, load_config
from .diagnostics import ContentErrors, Diagnostic, Report
from .feeds import render_feeds
from .forking import frozen_gc
from .images import process_images
from .incremental.memo import Reuse
from .incremental.memo_file import load_memo, save_memo
from .incremental.uptodate import (
    CACHE_FOLDER,
    STAMP_NAME,
    Check,
    Stamp,
    check,
    output_hash,
    unchanged_summary,
    warnings_of,
    write_stamp,
)
from .jinja_env import make_environment, read_templates
from .load import Limits, load_content
from .lock import project_lock
from .markup import render_markup
from .model import Copy, Output, SiteGraph
from .options import BuildOptions
from .pdf import (
    CardsResult,
    booklet_links,
    card_files,
    render_booklets,
    render_cards,
    routine_cards,
    stale_cards,
)
from .redirects import alias_problems, dropped_addresses, render_redirects
from .render import render_pages
from .resolve import resolve_site
from .search import index_search
from .sharing import share_pictures
from .site_links import Targets, check_body_links, not_reported, rejected_pages
from .validate import validate_content
from .view import Sources
from .write import check_output_folder, sync_folder, write_site

MEMO_NAME = "memo.pickle"  # what the last build made, and from what


@dataclass
class Session:
    """What the builds of one long-running process (the dev server) keep
    between them: the memo in memory, the cards of the last build with
    cards, and what was written into the output folder."""

    reuse: Reuse
    cards: CardsResult | None = None
    written: dict = field(default_factory=dict)


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
    updating: frozenset[str] = (
        frozenset()
    )  # routines whose cards are being re-rendered (dev server)
    unchanged: bool = False  # nothing changed since the last build: nothing was done
    stamp: Stamp | None = None  # with `unchanged`: what the last build made

    @property
    def pages_rendered(self) -> int:
        return len(self.rendered_urls)

    def summary(self) -> str:
        if self.unchanged:
            return unchanged_summary(self.stamp, self.output, self.seconds)
        return (
            f"Built {self.pages} pages, {self.pdfs_rendered + self.pdf_cache_hits} PDFs "
            f"({self.pdfs_rendered} rendered, {self.pdf_cache_hits} from cache) into {self.output} "
            f"in {self.seconds:.2f} s"
        )


def compile_site(
    project: Path,
    options: BuildOptions = BuildOptions(),
    today: dt.date | None = None,
    reuse: Reuse | None = None,
    progress=None,
    cards: CardsResult | None = None,
) -> BuildResult:
    """Every output of the site, in memory. Raises ContentErrors (carrying
    every problem) when the content has errors. With `options.pdf` off and
    the `cards` of an earlier build (the dev server), routine pages link
    those cards and say which are being re-rendered. `reuse` only saves work."""
    project = project.absolute()
    clock = StageClock()
    report = Report()
    result = BuildResult(report)

    config, problems = load_config(project)
    report.add(problems)
    if options.base_url and config is not None:
        config = config.model_copy(update={"base_url": options.base_url.rstrip("/")})
    limits = config.limits if config is not None else LimitSettings()
    loaded, problems = load_content(
        project,
        reuse.parsed if reuse else None,
        Limits(limits.markdown_kb * 1024, limits.front_matter_kb * 1024, limits.image_kb * 1024),
    )
    report.add(problems)
    clock.lap("load")
    content, problems = validate_content(loaded, reuse.validated if reuse else None)
    report.add(problems)
    clock.lap("validate")
    if config is None:
        raise ContentErrors(report)
    graph, problems = resolve_site(content, config, options, today or dt.date.today())
    report.add(problems)
    report.add(alias_problems(graph))
    templates, problems = read_templates(project / "templates")
    report.add(problems)
    clock.lap("resolve")
    if problems:  # with a template unreadable, every page would fail for it
        raise ContentErrors(report)
    # With mistakes in the content, the build still goes on to the pages and
    # the link gate, over what did resolve, so that one run reports every
    # mistake (links, anchors, templates too); it stops before the cards and
    # the write.
    workers = options.workers or os.cpu_count() or 1
    images, image_outputs, problems = process_images(
        graph, project / "content", reuse.cache("images") if reuse else None, workers
    )
    report.add(problems)
    clock.lap("images")
    html, problems = render_markup(graph, images, reuse, workers=workers)
    report.add(problems)
    clock.lap("markup")
    shared, problems = share_pictures(graph, images, project, reuse, workers, report.has_errors())
    report.add(problems)
    clock.lap("share pictures")

    def environment():
        return make_environment(
            project / "templates", templates, reuse.template_code if reuse else None
        )

    env = reuse.environment(templates, environment) if reuse else environment()
    updating = frozenset()
    held = report.has_errors()  # cards are rendered only from content without mistakes
    unbuilt = rejected_pages(graph, content.failed) | card_files(graph) if held else set()
    if options.pdf and not held:
        cards = render_cards(graph, env, templates, project, reuse, progress)
        clock.lap("pdf cards")
        cards = render_booklets(graph, env, cards, project, reuse)
        report.add(cards.problems)
        clock.lap("pdf booklets")
    elif cards is not None and reuse is not None:
        updating = stale_cards(graph, templates, project, reuse, cards)
    cards = cards or CardsResult()
    assets, asset_outputs = theme_assets(project / "templates", graph.urls.base_path)
    sources = Sources(
        graph,
        html,
        images,
        routine_cards(graph, cards, updating),
        booklet_links(graph, cards),
        templates,
    )
    done = render_pages(graph, sources, env, assets, reuse, workers=workers, held=held)
    report.add(done.problems)
    pages, rendered = done.outputs, done.urls
    unbuilt |= done.missing
    page_urls = [
        graph.urls.asset(o.path[: -len("index.html")])
        for o in pages
        if o.path.endswith("index.html")
    ]
    result.outputs = (
        pages
        + _unless_dangling(held, lambda: render_feeds(graph, page_urls, html))
        + _unless_dangling(held, lambda: [builder_data(graph)])
        + render_redirects(graph)
        + asset_outputs
        + image_outputs
        + shared
        + cards.outputs
    )
    # An image published from its cleaned bytes (an SVG) is not also copied.
    made = {o.path for o in image_outputs}
    result.copies = content_images(project / "content", graph.images - made)
    report.add(output_collisions(result.outputs, result.copies))
    clock.lap("render")
    # The link gate: only now does every page, file and element id exist.
    targets = Targets.of(graph, result.outputs, result.copies, unbuilt)
    report.add(not_reported(check_body_links(graph, html, targets), report.errors))
    if report.has_errors():
        raise ContentErrors(report)
    clock.lap("links")

    result.pages, result.rendered_urls = len(pages), rendered
    result.pdfs_rendered, result.pdf_cache_hits = cards.rendered, cards.cache_hits
    result.graph, result.cards, result.updating = graph, cards, updating
    result.timings = clock.timings
    result.seconds = time.perf_counter() - clock.start
    return result


def _unless_dangling(held: bool, make) -> list[Output]:
    """`make()`, or nothing when the content has mistakes and it read a
    rejected document (the site is not written: nothing is lost)."""
    try:
        return make()
    except KeyError:
        if not held:
            raise
        return []


def output_collisions(outputs: list[Output], copies: list[Copy]) -> list[Diagnostic]:
    """Two outputs at the same path, or at paths that differ only by case or
    Unicode normalisation (they overwrite each other on macOS and Windows)."""
    seen: dict[str, list[str]] = {}
    for path, source in [(o.path, f"generated {o.path}") for o in outputs] + [
        (c.path, f"content/{c.path}") for c in copies
    ]:
        seen.setdefault(unicodedata.normalize("NFC", path).casefold(), []).append(source)
    return [
        Diagnostic(
            sorted(s for s in sources if s.startswith("content/"))[0]
            if any(s.startswith("content/") for s in sources)
            else sources[0],
            None,
            "these files would land on the same output path "
            f"({', '.join(sorted(sources))}); rename one",
            code="output-collision",
        )
        for sources in seen.values()
        if len(sources) > 1
    ]


def build_site(
    project: Path,
    output: Path | None = None,
    options: BuildOptions = BuildOptions(),
    today: dt.date | None = None,
    progress=None,
    session: Session | None = None,
    checked: Check | None = None,
) -> BuildResult:
    """Build the site of `project` into `output` (default project/site_output).
    The previous output is replaced only when the whole build succeeded.
    Without a `session`, the memo comes from and goes back to the project's
    cache and the output folder is swapped whole; with one (the dev server),
    the memo stays in memory and changed files are replaced in place.
    `checked`: the up-to-date check of these very arguments, made by a
    caller that took the project lock for it and holds it still (the
    command line), so it is neither taken nor checked again."""
    start = time.perf_counter()
    project = project.absolute()
    today = today or dt.date.today()
    output = (output or project / "site_output").absolute()
    check_output_folder(output, project)
    # Objects alive before the build (a dev server's memo: hundreds of thousands
    # of small tuples) are left out of garbage collection while it runs: a full
    # collection in the middle of a rebuild costs 150 ms at 2,000 articles.
    held = checked is not None
    lock = project_lock(project, "prehab serve" if session else "prehab build", on_wait=progress)
    with nullcontext() if held else lock, frozen_gc():
        if session is not None:
            result = _build_in_place(project, output, options, today, progress, session)
        else:
            result = _build_and_swap(project, output, options, today, progress, checked)
    result.output = output
    result.seconds = time.perf_counter() - start + (checked.seconds if held else 0.0)
    return result


def _build_in_place(
    project: Path, output: Path, options: BuildOptions, today: dt.date, progress, session: Session
) -> BuildResult:
    session.reuse.start()
    result = compile_site(project, options, today, session.reuse, progress, cards=session.cards)
    result.files, session.written = sync_folder(
        output, result.outputs, result.copies, session.written
    )
    session.reuse.finish()
    if options.pdf:
        session.cards = result.cards
    return result


def _build_and_swap(
    project: Path, output: Path, options: BuildOptions, today: dt.date, progress, checked
) -> BuildResult:
    start = time.perf_counter()
    now = checked or check(project, output, options, today)
    last = now.stamp
    if now.current:
        result = BuildResult(
            Report(warnings_of(last.warnings)),
            output,
            unchanged=True,
            stamp=last,
            pages=last.totals["pages"],
            files=last.totals["files"],
            pdf_cache_hits=last.totals["pdfs"],
        )
        result.timings = {"up-to-date check": time.perf_counter() - start}
        return result
    memo_path = project / CACHE_FOLDER / MEMO_NAME
    reuse = Reuse(load_memo(memo_path), output if now.untouched else None, project / CACHE_FOLDER)
    gc.freeze()  # the memo just loaded (a million small objects at 4,000 articles) too
    result = compile_site(project, options, today, reuse, progress)
    result.timings = {"up-to-date check": now.seconds, **result.timings}
    dropped = dropped_addresses(output, result.outputs)  # read before the old site goes
    if progress:
        progress(f"writing {len(result.outputs) + len(result.copies)} files")
    write_start = time.perf_counter()
    timings = result.timings

    def search(staging: Path) -> None:
        timings["write"] = time.perf_counter() - write_start
        if options.search:
            index_search(staging, project / CACHE_FOLDER)
            timings["search index"] = time.perf_counter() - write_start - timings["write"]

    removing: list[threading.Thread] = []  # the replaced output is deleted while the memo is saved

    def remove_old(folder: Path) -> None:
        removing.append(
            threading.Thread(target=shutil.rmtree, args=(folder, True), name="prehab-remove-old")
        )
        removing[-1].start()

    result.bytes_written = write_site(
        output, result.outputs, result.copies, before_swap=search, remove_old=remove_old
    )
    reuse.finish()
    save_memo(memo_path, reuse.memo)
    result.files = len(result.outputs) + len(result.copies)
    totals = {
        "pages": result.pages,
        "files": result.files,
        "pdfs": result.pdfs_rendered + result.pdf_cache_hits,
    }
    write_stamp(
        project / CACHE_FOLDER / STAMP_NAME,
        Stamp(
            now.inputs,
            output_hash(output),
            totals,
            [d.as_record() for d in result.report.warnings],
            now.files,
        ),
    )
    for thread in removing:
        thread.join()
    # Said once, by the build that drops the address (not kept in the stamp).
    result.report.add(dropped)
    return result
