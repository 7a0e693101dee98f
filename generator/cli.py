"""The `prehab` command: parses arguments, runs a command, prints problems
and a summary, and owns the exit codes (0 ok, 1 content errors, 2 usage or
unsafe output, 70 a bug in prehab, 130 interrupted)."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from . import __version__
from .config import BuildOptions
from .diagnostics import ContentErrors, Report

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 70, 130


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("\ninterrupted; the previous site was left as it was", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception:  # a bug in prehab, never a content mistake
        traceback.print_exc()
        print(f"\nprehab {__version__} crashed: this is a bug in prehab, not in your content. "
              "Please report it with the traceback above.", file=sys.stderr)
        return EXIT_BUG


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="prehab", description="Build the prehab publication: Markdown in content/, site in site_output/.")
    parser.add_argument("--version", action="version", version=f"prehab {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    build = sub.add_parser("build", help="build the site into site_output/", description="Build the site from content/ and templates/ into site_output/ (or --output).")
    _add_build_flags(build)
    build.add_argument("--output", type=Path, help="the output folder (default: PROJECT/site_output)")
    build.add_argument("--no-pdf", action="store_true", help="skip the printable routine cards")
    build.set_defaults(run=_run_build)

    serve = sub.add_parser("serve", help="live preview with reload on save", description="Build into a private folder, serve it on 127.0.0.1 and rebuild on every change.")
    _add_build_flags(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--open", action="store_true", help="open the site in a browser")
    serve.add_argument("--no-pdf", action="store_true", help="skip the printable routine cards")
    serve.set_defaults(run=_run_serve)
    return parser


def _add_build_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", type=Path, default=Path("."), help="the project folder holding content/ and templates/ (default: here)")
    parser.add_argument("--drafts", action="store_true", help="include drafts")
    parser.add_argument("--future", action="store_true", help="include articles dated in the future")


def _check_project(project: Path) -> str | None:
    missing = [name for name in ("content", "templates") if not (project / name).is_dir()]
    if missing:
        return f"{project.absolute()} is not a prehab project: it has no {' or '.join(n + '/' for n in missing)} folder (run prehab in the folder holding content/ and templates/, or pass --project)"
    return None


def print_report(report: Report, stream=sys.stderr) -> None:
    for item in report.errors + report.warnings:
        print(item.format(), file=stream)


def _run_build(args) -> int:
    from .build import build_site
    from .write import UnsafeOutput

    problem = _check_project(args.project)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    options = BuildOptions(drafts=args.drafts, future=args.future, pdf=not args.no_pdf)
    try:
        result = build_site(args.project, args.output, options, progress=lambda msg: print(msg, file=sys.stderr))
    except ContentErrors as exc:
        print_report(exc.report)
        errors = len(exc.report.errors)
        print(f"\nbuild failed: {errors} error{'s' if errors != 1 else ''} in the content; the previous site was left as it was", file=sys.stderr)
        return EXIT_CONTENT
    except UnsafeOutput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print_report(result.report)
    print(result.summary())
    return EXIT_OK


def _run_serve(args) -> int:
    from .serve import serve

    problem = _check_project(args.project)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    return serve(args.project, host=args.host, port=args.port, drafts=args.drafts, future=args.future,
                 open_browser=args.open, cards=not args.no_pdf)
