"""What shapes output bytes besides the project (reuse machinery): prehab's
own code, the versions of the libraries it renders with, and the system
pieces WeasyPrint uses for PDFs (Pango, HarfBuzz and its subsetter,
fontconfig, the installed fonts). Every reused output is keyed on this, so
installing `libharfbuzz-subset0`, a font or a new WeasyPrint re-renders."""

from __future__ import annotations

import fnmatch
import functools
import glob
import hashlib
import os
import re
import sys
from pathlib import Path

from ..theme import THEME

PACKAGE = Path(__file__).resolve().parent.parent
LIBRARIES = (
    "jinja2",
    "markupsafe",
    "markdown",
    "python-frontmatter",
    "PyYAML",
    "pydantic",
    "pydantic-core",
    "nh3",
    "pillow",
    "resvg-py",
    "weasyprint",
    "pydyf",
    "tinycss2",
    "cssselect2",
    "tinyhtml5",
    "fonttools",
    "pypdf",
    "segno",
    "rcssmin",
    "rjsmin",
    "pagefind",
    "pagefind-bin",
)
SYSTEM_LIBRARIES = (
    "libharfbuzz.so*",
    "libharfbuzz-subset.so*",
    "libpango-1.0.so*",
    "libpangoft2-1.0.so*",
    "libfontconfig.so*",
    "libfreetype.so*",
)
# one pattern for them all: a folder like /usr/lib/x86_64-linux-gnu lists
# thousands of names, matched once each rather than once per library
_SYSTEM_LIBRARY = re.compile("|".join(fnmatch.translate(p) for p in SYSTEM_LIBRARIES))
LIBRARY_FOLDERS = (
    "/usr/lib",
    "/usr/lib/*-linux-gnu",
    "/usr/local/lib",
    "/opt/homebrew/lib",
    "/lib/*-linux-gnu",
)
FONT_FOLDERS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.fonts",
    "~/.local/share/fonts",
    "/etc/fonts",
)


def code_files(theme: bool = True) -> list[str]:
    """prehab's own source files (the package, without compiled caches) and,
    with `theme`, the built-in theme's files (generator/templates: a link
    in a source checkout, a folder in a wheel; either way walked as THEME).
    The toolchain digest leaves the theme out: every cache already keys on
    the template texts and on the files a card read, so an edit of the
    theme does not throw away the memo and every card."""
    found = []
    for folder in (PACKAGE, THEME) if theme else (PACKAGE,):
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(
                d
                for d in dirs
                if d != "__pycache__" and os.path.join(root, d) != str(PACKAGE / "templates")
            )
            found += [
                os.path.join(root, name)
                for name in sorted(files)
                if not name.endswith((".pyc", ".tmp"))
            ]
    return found


def library_versions() -> list[str]:
    """Python's version and each library's, read from the installed
    `.dist-info` folders' names (one listing per folder of sys.path)."""
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and "-" in name:
                project, _, release = name[: -len(".dist-info")].rpartition("-")
                found.setdefault(_normal(project), release)
    lines = [f"python={sys.version}"]
    for name in LIBRARIES:
        release = found.get(_normal(name))
        if release is None:  # not installed as a wheel: ask the slower way
            from importlib.metadata import PackageNotFoundError, version

            try:
                release = version(name)
            except PackageNotFoundError:
                release = "-"
        lines.append(f"{name}={release}")
    return lines


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def system_files() -> list[str]:
    """Name, size and time of the system libraries and fonts that shape PDFs."""
    lines = []
    for pattern in LIBRARY_FOLDERS:
        for folder in sorted(glob.glob(pattern)):
            try:
                names = sorted(os.listdir(folder))
            except OSError:
                continue
            for name in names:
                if _SYSTEM_LIBRARY.match(name):
                    lines.append(_stat_line(os.path.join(folder, name)))
    for folder in FONT_FOLDERS:
        for root, dirs, files in os.walk(os.path.expanduser(folder)):
            dirs.sort()
            lines += [_stat_line(os.path.join(root, name)) for name in sorted(files)]
    return lines


def _stat_line(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return f"{path} -"
    return f"{path} {info.st_size} {info.st_mtime_ns}"


@functools.cache
def toolchain() -> str:
    """One digest over prehab's code, its libraries and the system pieces.
    Computed once per process: a dev server restarted after an upgrade sees it."""
    h = hashlib.sha256()
    for path in code_files(theme=False):
        with open(path, "rb") as handle:
            h.update(
                os.path.relpath(path, PACKAGE).encode()
                + b"\0"
                + hashlib.file_digest(handle, "sha256").digest()
            )
    for line in library_versions() + system_files():
        h.update(line.encode() + b"\0")
    return h.hexdigest()
