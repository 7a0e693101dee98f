"""Full-text search (write stage, before the swap): Pagefind indexes the
HTML in the staging folder and writes its static index into /pagefind/.
Pages mark what to index with data-pagefind-body and their type and body
areas with data-pagefind-filter; nothing here builds an index by hand.

Pagefind's filter and metadata files are not byte-stable between runs
(upstream: Pagefind issue 638), so the index is cached on a hash of the HTML
it was made from: unchanged pages reuse the same index, which keeps rebuilds
byte-identical and skips Pagefind entirely when no page changed."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .atomic import write_atomic
from .write import link_or_copy

UI_FILES = (
    "pagefind-component-ui.css",
    "pagefind-component-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-ui.css",
    "pagefind-ui.js",
    "pagefind-highlight.js",
)
KEEP = 3  # cached indexes kept


class SearchIndexError(Exception):
    pass


def html_key(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.html")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    from importlib.metadata import version

    digest.update(version("pagefind").encode())
    return digest.hexdigest()[:32]


def index_search(folder: Path, cache_root: Path | None = None, low_priority: bool = False) -> bool:
    """Write folder/pagefind; returns True when Pagefind ran (False: from cache).
    `low_priority` runs Pagefind niced (the dev server's background refresh)."""
    target = folder / "pagefind"
    cached = cache_root / "search" / html_key(folder) if cache_root else None
    if cached is not None and cached.is_dir():
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(
            cached, target, copy_function=link_or_copy
        )  # thousands of files: a copy costs seconds at 4,000 pages
        os.utime(cached)  # most recently used
        return False
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(folder), "--output-subdir", "pagefind"],
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=(lambda: os.nice(10)) if low_priority else None,
    )
    if result.returncode != 0:
        raise SearchIndexError(
            f"Pagefind failed to index the site:\n{result.stdout}\n{result.stderr}"
        )
    for extra in UI_FILES:
        (target / extra).unlink(missing_ok=True)  # prehab ships its own search page
    if cached is not None:
        write_atomic(cached, b"", fill=lambda tmp: shutil.copytree(target, tmp))
        for old in sorted(cached.parent.iterdir(), key=lambda p: p.stat().st_mtime)[:-KEEP]:
            shutil.rmtree(old, ignore_errors=True)
    return True
