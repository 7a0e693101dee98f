"""The floor: every article, exercise and routine body of a prehab project
converted by plain Python-Markdown (`extra` and `toc`, nothing of prehab's)
on every core, read from disk and nothing written. No generator can build the
same pages with Python-Markdown faster than this.

    python bench/floor.py PROJECT
"""

from __future__ import annotations

import os
import sys
from multiprocessing import get_context
from pathlib import Path

import markdown

_MD: list = []


def _convert(paths: list[str]) -> int:
    if not _MD:
        _MD.append(markdown.Markdown(extensions=["extra", "toc"]))
    md, size = _MD[0], 0
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        body = text.split("---\n", 2)[2] if text.startswith("---\n") else text
        size += len(md.reset().convert(body))
    return size


def main(project: Path) -> None:
    paths = sorted(str(p) for p in (project / "content").rglob("*.md"))
    workers = os.cpu_count() or 1
    chunks = [paths[i::workers] for i in range(workers)]
    with get_context("fork").Pool(workers) as pool:
        size = sum(pool.map(_convert, chunks))
    print(f"floor: {len(paths)} bodies, {size} characters of HTML")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
