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
import time
from pathlib import Path

from .atomic import write_atomic
from .forking import dies_with_this_process
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
    _run_pagefind(folder, target, low_priority)
    for extra in UI_FILES:
        (target / extra).unlink(missing_ok=True)  # prehab ships its own search page
    if cached is not None:
        # linked, not copied (0.3-0.8 s at 4,000 pages): nothing writes an index file in
        # place, Pagefind included (it writes a fresh folder, _run_pagefind)
        write_atomic(
            cached, b"", fill=lambda tmp: shutil.copytree(target, tmp, copy_function=link_or_copy)
        )
        for old in sorted(cached.parent.iterdir(), key=lambda p: p.stat().st_mtime)[:-KEEP]:
            shutil.rmtree(old, ignore_errors=True)
    return True


def _run_pagefind(folder: Path, target: Path, low_priority: bool) -> None:
    """Pagefind's index of `folder`, put at `target` whole. It is written into a
    fresh folder and swapped in, never over the files already
    at `target`: those may be links to a cached index (restored above), and
    Pagefind rewrites its fixed-name files in place, which changed the cached
    index of other pages (the dev server re-indexing after a restore). The old
    index stays served until the new one is complete. Pagefind dies with the
    build, SIGKILL included (generator/forking.py)."""
    # a dot folder inside the site (no page links it; removed however Pagefind ends),
    # made with the usual permissions: a web server must read what is swapped in
    fresh = folder / f".pagefind-{os.getpid()}-{time.monotonic_ns()}"
    fresh.mkdir()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pagefind", "--site", str(folder), "--output-path", str(fresh)],
            capture_output=True,
            text=True,
            timeout=600,
            preexec_fn=dies_with_this_process(nice=10 if low_priority else 0),
        )
        if result.returncode != 0:
            raise SearchIndexError(
                f"Pagefind failed to index the site:\n{result.stdout}\n{result.stderr}"
            )
        old = fresh.with_name(fresh.name + ".old")
        if target.exists():
            os.replace(target, old)
        os.replace(fresh, target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
