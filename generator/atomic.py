"""The one rule for writing a file that someone may read at any moment (a
cache entry, the memo, the build stamp, a file of the live preview): write a
temporary sibling, then rename it over the target. A reader sees the old file
or the new one, never half of one; a crash leaves at most a `.tmp` file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def temporary_sibling(path: Path) -> Path:
    """A name beside `path` that no other process uses and no build publishes
    (dot files and `.tmp` files are ignored everywhere)."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_atomic(path: Path, data: bytes, fill=None) -> None:
    """Put `data` at `path` atomically, or, with `fill(tmp)`, whatever that
    function writes at the temporary path (a copied file, a folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_sibling(path)
    try:
        if fill is None:
            tmp.write_bytes(data)
        else:
            fill(tmp)
        os.replace(tmp, path)
    except BaseException:
        if tmp.is_dir() and not tmp.is_symlink():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
        raise
