"""What shapes output bytes besides the project (reuse machinery): prehab's
own code, the versions of the libraries it renders with, and the system
pieces WeasyPrint uses for PDFs (Pango, HarfBuzz and its subsetter,
fontconfig, the installed fonts). Every reused output is keyed on this, so
installing `libharfbuzz-subset0`, a font or a new WeasyPrint re-renders."""

from __future__ import annotations

import functools
import glob
import hashlib
import os
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

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


def code_files() -> list[str]:
    """prehab's own source files (the package, without compiled caches)."""
    found = []
    for root, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found += [
            os.path.join(root, name)
            for name in sorted(files)
            if not name.endswith((".pyc", ".tmp"))
        ]
    return found


def library_versions() -> list[str]:
    lines = [f"python={sys.version}"]
    for name in LIBRARIES:
        try:
            lines.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            lines.append(f"{name}=-")
    return lines


def system_files() -> list[str]:
    """Name, size and time of the system libraries and fonts that shape PDFs."""
    lines = []
    for folder in LIBRARY_FOLDERS:
        for pattern in SYSTEM_LIBRARIES:
            lines += [_stat_line(path) for path in sorted(glob.glob(os.path.join(folder, pattern)))]
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
    for path in code_files():
        with open(path, "rb") as handle:
            h.update(
                os.path.relpath(path, PACKAGE).encode()
                + b"\0"
                + hashlib.file_digest(handle, "sha256").digest()
            )
    for line in library_versions() + system_files():
        h.update(line.encode() + b"\0")
    return h.hexdigest()
