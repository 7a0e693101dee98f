"""Stage 5, render: one context per page, rendered in the Jinja environment
of generator/jinja_env.py, producing `Output` values in memory. Templates see
the site through `view.SiteView` (every read recorded), never the graph
itself; nothing here reads content."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from .diagnostics import Diagnostic
from .forking import map_in_workers
from .model import Output, SiteGraph
from .page_specs import PageSpec, page_specs
from .sharing import og_locale, share_alt, share_card
from .structured_data import json_ld_for
from .view import Reads, SiteView, Sources


def render_pages(
    graph: SiteGraph,
    sources: Sources,
    env: jinja2.Environment,
    assets: dict[str, str],
    reuse=None,
    workers: int = 1,
    held: bool = False,
) -> RenderedPages:
    """All HTML pages, and the URLs of those rendered. `held`: the content
    has mistakes (the site will not be written), so a page that reads a
    rejected document is left out, not an error. `sources` holds what
    templates may read besides the graph (bodies' HTML, images, routine
    cards, template texts); `assets` maps theme files to their URLs. With
    `reuse` (an incremental.Reuse), a page whose inputs and recorded reads
    are unchanged is taken from the last build instead of rendered."""
    common = {"site": graph.config, "urls": graph.urls, "assets": assets}
    specs = page_specs(graph)
    specs.append(
        PageSpec(
            graph.urls.asset("404.html"),
            "404.html",
            "Page not found",
            "This page does not exist.",
            {},
            noindex=True,
        )
    )
    site_wide = reuse.inputs((graph.config, assets)) if reuse else b""  # read by every page
    outputs: list[Output | None] = []
    inputs, missing = [], []
    for index, spec in enumerate(specs):
        inputs.append(reuse.inputs((site_wide, spec.inputs())) if reuse else "")
        hit = (
            reuse.page(spec.url, graph.urls.output_path(spec.url), inputs[-1], sources)
            if reuse
            else None
        )
        outputs.append(hit)
        if hit is None:
            missing.append(index)
    _RENDER.update(specs=specs, sources=sources, env=env, common=common, held=held)
    try:
        results = _render_all(missing, workers)
    finally:
        _RENDER.clear()
    done = RenderedPages([], [specs[index].url for index in missing], [], set())
    done.problems = distinct_problems(problem for _, _, problem in results if problem is not None)
    for index, (data, reads, _) in zip(missing, results, strict=True):
        path = graph.urls.output_path(specs[index].url)
        if data is None:
            done.missing.add(path)
            continue
        outputs[index] = Output(path, data)
        if reuse:
            reuse.keep_page(specs[index].url, inputs[index], reads, sources, data)
    done.outputs = [output for output in outputs if output is not None]
    return done


@dataclass
class RenderedPages:
    outputs: list[Output]
    urls: list[str]  # of the pages rendered (not reused)
    problems: list[Diagnostic]  # template mistakes, each once
    missing: set[str]  # output paths of pages that could not be rendered


PARALLEL_FROM = 300  # pages to render before a process pool pays for itself
_RENDER: dict = {}  # what the pages are rendered from: set before rendering, read by forked workers


def _render_chunk(indexes: list[int]) -> list[tuple[bytes | None, tuple, Diagnostic | None]]:
    specs, sources, env, common = (_RENDER[k] for k in ("specs", "sources", "env", "common"))
    results = []
    for index in indexes:
        reads = Reads()
        try:
            data = render_one(specs[index], SiteView(sources, reads), env, common, reads)
            results.append((data, tuple(reads.keys), None))
        except Exception as exc:  # noqa: BLE001 (a template's own mistake, or re-raised)
            if _RENDER["held"] and _dangling(exc):
                results.append((None, (), None))  # a consequence of a mistake reported already
            else:
                results.append((None, (), template_problem(exc, specs[index], sources.templates)))
    return results


def _dangling(exc: BaseException | None) -> bool:
    """Whether `exc` comes from a page reading a document that is not in the
    graph: with rejected documents, the pages that refer to them."""
    while exc is not None:
        if isinstance(exc, KeyError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def distinct_problems(problems) -> list[Diagnostic]:
    """Each template mistake once, with the first page it broke: the same
    line failing on 500 pages is one mistake."""
    first: dict[tuple, Diagnostic] = {}
    for problem in problems:
        first.setdefault(
            (problem.path, problem.line, problem.message.rsplit(" (while", 1)[0]), problem
        )
    return list(first.values())


def _render_all(
    indexes: list[int], workers: int
) -> list[tuple[bytes | None, tuple, Diagnostic | None]]:
    """Render the pages at `indexes`, in forked worker processes when there
    are many (each has the graph and compiled templates by fork), merged in order."""
    if workers < 2 or len(indexes) < PARALLEL_FROM:
        return _render_chunk(indexes)
    return map_in_workers(_render_chunk, indexes, workers)


def template_problem(exc: Exception, spec: PageSpec, templates: dict | None = None) -> Diagnostic:
    """A template mistake as `templates/x.html:LINE: message (while rendering
    /url/)`, found in the traceback Jinja rewrites to point at template
    lines. An error raised with no template line on the way (a bug in
    prehab's own code) is raised again."""
    frames = _template_frames(exc)
    path, line = (
        _looping_frame(frames, templates or {})
        if isinstance(exc, RecursionError)
        else (frames[-1] if frames else (None, None))
    )
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.name:
        path, line = f"templates/{exc.name}", exc.lineno
    elif isinstance(exc, jinja2.TemplateNotFound) and path is None:
        path = f"templates/{spec.template}"
    if path is None and not isinstance(exc, jinja2.TemplateError):
        raise exc
    return Diagnostic(
        path or f"templates/{spec.template}",
        line,
        f"{_template_message(exc)} (while rendering {spec.url})",
        code="template-error",
    )


def _template_frames(exc: BaseException) -> list[tuple[str, int]]:
    """(templates/x.html, line) of each template frame in the traceback, outermost first."""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if "/templates/" in filename and filename.endswith((".html", ".xml", ".txt", ".css")):
            frames.append(("templates/" + filename.split("/templates/", 1)[1], tb.tb_lineno))
        tb = tb.tb_next
    return frames


def _looping_frame(frames: list[tuple[str, int]], templates: dict) -> tuple[str | None, int | None]:
    """Endless recursion: the first line that repeats, an include or import
    rather than the `extends` or block calls on the way."""
    repeated = [frame for frame in dict.fromkeys(frames) if frames.count(frame) > 1]

    def loads(frame) -> bool:
        lines = templates.get(frame[0].removeprefix("templates/"), "").split("\n")
        text = lines[frame[1] - 1] if 0 < frame[1] <= len(lines) else ""
        return any(word in text for word in ("include", "import", "call"))

    chosen = next(filter(loads, repeated), repeated[0] if repeated else None)
    return chosen or (frames[-1] if frames else (None, None))


def _template_message(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return (
            "template error: this template includes or extends itself without end; "
            "remove the include (or add a condition that stops it)"
        )
    if isinstance(exc, jinja2.TemplateNotFound):
        return (
            f"template error: template '{exc.name}' does not exist; create "
            f"templates/{exc.name} or fix the name"
        )
    if isinstance(exc, jinja2.TemplateError):
        return f"template error: {exc.message or exc}"
    return f"template error: {exc} ({type(exc).__name__}); fix the expression on this line"


def render_one(
    spec: PageSpec, view: SiteView, env: jinja2.Environment, common: dict, reads: Reads
) -> bytes:
    """One page, from `common` (site-wide values), the spec and what it
    reads through `view`: templates never see the graph itself."""
    origin = view.config.origin
    node = view.wrap(spec.node)
    share = share_card(spec, view)  # the page's share picture (generator/sharing)
    page = {
        "url": spec.url,
        "canonical": origin + spec.url,
        "title": spec.title,
        "description": spec.description,
        "kind": spec.kind,
        "image": origin + view.urls.share_image(spec.url) if share else None,
        "image_alt": share_alt(share, view.config.title) if share else None,
        "locale": og_locale(view.config.language),
        "noindex": spec.noindex,
        "unpublished": spec.unpublished,
        "json_ld": json_ld_for(spec, node, view),
    }
    env.reads = reads
    try:
        template = env.get_template(spec.template)
        context = {
            **common,
            "graph": view,
            "html": view.mapping("html"),
            "images": view.mapping("images"),
            "cards": view.mapping("cards"),
            **view.wrap(spec.vars),
        }
        return template.render(context, page=page, node=node).encode("utf-8")
    finally:
        env.reads = None
