"""The `prehab` command: parses arguments, runs a command, prints problems
and a summary, and owns the exit codes (0 ok, 1 content errors, 2 usage or
unsafe output, 70 a bug in prehab, 74 an I/O error such as a full disk,
130 interrupted by Ctrl-C or SIGTERM)."""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
import traceback
from pathlib import Path

from . import __version__
from .diagnostics import ContentErrors, Report
from .init import add_commands
from .lock import project_lock
from .options import BuildOptions
from .theme import labelled

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUG, EXIT_IO, EXIT_INTERRUPTED = 0, 1, 2, 70, 74, 130


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_USAGE
    if getattr(args, "needs_project", False):
        problem = _check_project(args.project)
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return EXIT_USAGE
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        signal.signal(
            signal.SIGINT, signal.SIG_IGN
        )  # a second signal must not cut the clean exit short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("\ninterrupted; the previous site was left as it was", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:  # the disk, not the content: full, read-only, permissions
        where = f" ({exc.filename})" if exc.filename else ""
        print(
            f"error: cannot write the site: {exc.strerror or exc}{where}; "
            "the previous site was left as it was",
            file=sys.stderr,
        )
        return EXIT_IO
    except Exception:  # a bug in prehab, never a content mistake
        traceback.print_exc()
        print(
            f"\nprehab {__version__} crashed: this is a bug in prehab, not in your content. "
            "Please report it with the traceback above.",
            file=sys.stderr,
        )
        return EXIT_BUG


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # SIGTERM ends a build like Ctrl-C: staging removed, old site kept


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="prehab",
        description="Build the prehab publication: Markdown in content/, site in site_output/.",
    )
    parser.add_argument("--version", action="version", version=f"prehab {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    build = sub.add_parser(
        "build",
        help="build the site into site_output/",
        description="Build the site from content/ (and templates/, over the built-in theme) "
        "into site_output/ (or --output).",
    )
    _add_build_flags(build)
    build.add_argument(
        "--output", type=Path, help="the output folder (default: PROJECT/site_output)"
    )
    build.add_argument("--no-pdf", action="store_true", help="skip the printable routine cards")
    build.add_argument("--no-search", action="store_true", help="skip the search index")
    build.add_argument("--timings", action="store_true", help="print the time each stage took")
    build.set_defaults(run=_run_build, needs_project=True)

    serve = sub.add_parser(
        "serve",
        help="live preview with reload on save",
        description="Build into a private folder, serve it on 127.0.0.1 and rebuild on every "
        "change.",
    )
    _add_build_flags(serve, base_url=False)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, this machine only)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--open", action="store_true", help="open the site in a browser")
    serve.add_argument("--no-pdf", action="store_true", help="skip the printable routine cards")
    serve.add_argument(
        "--no-drafts",
        action="store_true",
        help="hide drafts, as the published site does (the preview shows them, marked 'Draft')",
    )
    serve.set_defaults(run=_run_serve, needs_project=True)

    new = sub.add_parser(
        "new",
        help="start a new article, exercise, routine, author or page",
        description="Create content/<kind>/<slug>.md from a title, with every field filled in or "
        "explained.",
    )
    new.add_argument("kind", choices=["article", "exercise", "routine", "author", "page"])
    new.add_argument("title", help='the title, e.g. "Knee pain when running"')
    new.add_argument(
        "--project", type=Path, default=Path("."), help="the project folder (default: here)"
    )
    new.set_defaults(run=_run_new)

    check = sub.add_parser(
        "check",
        help="check everything before publishing, without building",
        description="Every build error plus publication checks (links, anchors, images, summaries, "
        "citations). "
        "Errors exit 1; warnings alone exit 0 unless --strict.",
    )
    _add_build_flags(check)
    check.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="json: one record per problem, for editors and CI",
    )
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument(
        "--external",
        action="store_true",
        help="also check external links over the network (cached for a day)",
    )
    check.set_defaults(run=_run_check, needs_project=True)

    add_commands(sub)  # `prehab init DIR` and `prehab theme copy` (generator/init.py)

    schema = sub.add_parser(
        "schema",
        help="write JSON Schemas of the front matter",
        description="Write one JSON Schema per content kind (and the study registry), generated "
        "from the models the build uses.",
    )
    schema.add_argument(
        "--project", type=Path, default=Path("."), help="the project folder (default: here)"
    )
    schema.add_argument(
        "--output",
        type=Path,
        default=None,
        help="folder for the schemas (default: PROJECT/schemas)",
    )
    schema.add_argument(
        "--docs",
        type=Path,
        default=None,
        help="also refresh the generated front-matter reference in this Markdown file",
    )
    schema.set_defaults(run=_run_schema)

    studies = sub.add_parser(
        "studies", help="manage content/studies.yml", description="Manage the study registry."
    )
    studies_sub = studies.add_subparsers(title="commands", metavar="COMMAND")
    imp = studies_sub.add_parser(
        "import",
        help="add studies from a CSL-JSON or BibTeX export",
        description="Add studies from a Zotero/Mendeley export (CSL-JSON or BibTeX) to "
        "content/studies.yml; "
        "existing entries and comments are kept, duplicates by DOI are skipped.",
    )
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--project", type=Path, default=Path("."), help="the project folder (default: here)"
    )
    imp.set_defaults(run=_run_import)
    return parser


def _add_build_flags(parser: argparse.ArgumentParser, base_url: bool = True) -> None:
    parser.add_argument(
        "--project",
        type=Path,
        default=Path("."),
        help="the project folder holding content/ (and templates/, if any) (default: here)",
    )
    parser.add_argument("--drafts", action="store_true", help="include drafts")
    parser.add_argument(
        "--future", action="store_true", help="include articles dated in the future"
    )
    if base_url:
        parser.add_argument(
            "--base-url",
            type=_base_url,
            metavar="URL",
            help="the site's address for this build instead of site.toml's base_url (a "
            "preview): canonical links, feed, sitemap, robots.txt and the cards' QR codes",
        )


def _base_url(value: str) -> str:
    """--base-url checked as site.toml's base_url is (pydantic is loaded only with it)."""
    from pydantic import ValidationError

    from .config import SiteConfig

    try:
        return SiteConfig(title="-", base_url=value).base_url
    except ValidationError as exc:
        message = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise argparse.ArgumentTypeError(message) from None


def _check_project(project: Path) -> str | None:
    if not (project / "content").is_dir():
        return (
            f"{project.absolute()} is not a prehab project: it has no content/ folder (run "
            "prehab in the folder holding content/, or pass --project; `prehab init DIR` "
            "starts a new publication)"
        )
    return None


def print_report(report: Report, stream=sys.stderr, project: Path | None = None) -> None:
    for item in labelled(report.errors + report.warnings, project):  # theme files named so
        print(item.format(), file=stream)


def _run_build(args) -> int:
    from .write import UnsafeOutput, check_output_folder

    options = BuildOptions(
        drafts=args.drafts,
        future=args.future,
        pdf=not args.no_pdf,
        search=not args.no_search,
        base_url=args.base_url,
    )
    project = args.project.absolute()
    try:  # at once, before the up-to-date check reads the output folder (`--output /`)
        check_output_folder((args.output or project / "site_output").absolute(), project)
    except UnsafeOutput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    today = dt.date.today()  # one date for the check and the build
    # One hold of the lock for the check and the build: the build uses this check, not its own
    with project_lock(project, "prehab build", on_wait=_progress):
        now = _up_to_date(args, options, today)
        if now is None:
            return EXIT_OK
        return _build(args, options, project, today, now)


def _progress(message: str) -> None:
    print(message, file=sys.stderr)


def _build(args, options: BuildOptions, project: Path, today, now) -> int:
    from .build import build_site
    from .write import UnsafeOutput

    try:
        result = build_site(
            args.project, args.output, options, today, progress=_progress, checked=now
        )
    except ContentErrors as exc:
        print_report(exc.report, project=project)
        errors = len(exc.report.errors)
        print(
            f"\nbuild failed: {errors} error{'s' if errors != 1 else ''} "
            "in the content; the previous site was left as it was",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    except UnsafeOutput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print_report(result.report, project=project)
    print(result.summary())
    _print_stages(args, result.timings)
    return EXIT_OK


def _up_to_date(args, options: BuildOptions, today):
    """The quick path, before the build machinery is imported: when nothing changed, say so
    (with the last build's warnings) and give None; else the check. The caller holds the lock."""
    from .incremental.uptodate import check, unchanged_summary, warnings_of

    project = args.project.absolute()
    output = (args.output or project / "site_output").absolute()
    now = check(project, output, options, today)
    if not now.current:
        return now
    print_report(Report(warnings_of(now.stamp.warnings)), project=project)
    print(unchanged_summary(now.stamp, output, now.seconds))
    _print_stages(args, {"up-to-date check": now.seconds})
    return None


def _print_stages(args, timings: dict[str, float]) -> None:
    if args.timings:
        print(
            "stages: " + ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in timings.items())
        )


def _run_serve(args) -> int:
    from .serve import serve

    return serve(
        args.project,
        host=args.host,
        port=args.port,
        drafts=not args.no_drafts,
        future=args.future,
        open_browser=args.open,
        cards=not args.no_pdf,
    )


def _run_new(args) -> int:
    from .scaffold import ScaffoldError, create, next_steps

    if not (args.project / "content").is_dir():
        print(f"error: {_check_project(args.project)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        path = create(args.project, args.kind, args.title)
    except ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    # stdout is the path alone, for scripts (`$EDITOR "$(prehab new ...)"`); advice goes to stderr
    print(path.relative_to(args.project) if not args.project.is_absolute() else path)
    print(next_steps(args.kind), file=sys.stderr)
    return EXIT_OK


def _run_check(args) -> int:
    import json

    from .check import check_site, exit_status

    options = BuildOptions(drafts=args.drafts, future=args.future, base_url=args.base_url)
    report = check_site(
        args.project, options, args.external, progress=_progress, strict=args.strict
    )
    items = labelled(report.errors + report.warnings, args.project)
    if args.format == "json":
        print(json.dumps([d.as_record() for d in items], indent=2))
    else:
        for item in items:
            print(item.format())
        print(
            f"{len(report.errors)} error{'s' if len(report.errors) != 1 else ''}, "
            f"{len(report.warnings)} warning{'s' if len(report.warnings) != 1 else ''}",
            file=sys.stderr,
        )
    return exit_status(report, args.strict)


def _run_schema(args) -> int:
    from .schema_export import run_command

    return run_command(args)


def _run_import(args) -> int:
    from .studies_import import run_command

    return run_command(args)
