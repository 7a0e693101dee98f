"""The build, in order: `build_site()` is the whole pipeline, top to bottom.

config -> load -> validate -> resolve -> [gate] -> markup -> render pages,
feeds, assets -> [gate] -> write. No events, no signals: each stage takes
the previous stage's frozen values and returns its own plus diagnostics."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from .assets import content_images, theme_assets
from .config import BuildOptions, load_config
from .diagnostics import ContentErrors, Report
from .feeds import render_feeds
from .load import load_content
from .markup import render_markup
from .model import SiteGraph
from .pdf import CardsResult, render_cards, routine_cards
from .render import make_environment, render_pages
from .resolve import resolve_site
from .validate import validate_content
from .write import check_output_folder, write_site

CACHE_FOLDER = ".prehab-cache"


@dataclass
class BuildResult:
    report: Report
    output: Path
    pages: int = 0
    files: int = 0
    bytes_written: int = 0
    pdfs_rendered: int = 0
    pdf_cache_hits: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    graph: SiteGraph | None = None

    def summary(self) -> str:
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


def build_site(project: Path, output: Path | None = None, options: BuildOptions = BuildOptions(),
               today: dt.date | None = None, progress=None) -> BuildResult:
    """Build the site of `project` into `output` (default project/site_output).
    Raises ContentErrors (with every problem) when the content has errors;
    the previous output is then left untouched."""
    project = project.absolute()
    output = (output or project / "site_output").absolute()
    clock = _Clock()
    report = Report()
    result = BuildResult(report, output)

    check_output_folder(output, project)
    config, problems = load_config(project)
    report.add(problems)
    if options.base_url and config is not None:
        config = config.model_copy(update={"base_url": options.base_url.rstrip("/")})
    loaded, problems = load_content(project)
    report.add(problems)
    clock.lap("load")
    content, problems = validate_content(loaded)
    report.add(problems)
    clock.lap("validate")
    if config is None:
        raise ContentErrors(report)
    graph, problems = resolve_site(content, config, options, today or dt.date.today())
    report.add(problems)
    clock.lap("resolve")
    if report.has_errors():
        raise ContentErrors(report)

    html = render_markup(graph)
    clock.lap("markup")
    env = make_environment(project / "templates")
    assets, asset_outputs = theme_assets(project / "templates", graph.urls.base_path)
    cards = CardsResult()
    if options.pdf:
        cards = render_cards(graph, env, project, project / CACHE_FOLDER, progress)
        report.add(cards.problems)
        clock.lap("pdf")
        if report.has_errors():
            raise ContentErrors(report)
    pages = render_pages(graph, html, env, assets, routine_cards(graph, cards))
    page_urls = [graph.urls.asset(o.path[: -len("index.html")]) for o in pages if o.path.endswith("index.html")]
    outputs = pages + render_feeds(graph, page_urls, html) + asset_outputs + cards.outputs
    copies = content_images(project / "content", graph.images)
    clock.lap("render")

    if progress:
        progress(f"writing {len(outputs) + len(copies)} files")
    result.bytes_written = write_site(output, outputs, copies)
    clock.lap("write")
    result.pages = len(pages)
    result.pdfs_rendered, result.pdf_cache_hits = cards.rendered, cards.cache_hits
    result.files = len(outputs) + len(copies)
    result.graph = graph
    result.timings = clock.timings
    result.seconds = time.perf_counter() - clock.start
    return result

