"""One prehab at a time per project: builds (and the dev server's rebuilds)
take an exclusive lock, so two terminals never interleave their writes. The
second one says who holds the lock and waits."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = "build.lock"


@contextmanager
def project_lock(project: Path, what: str, on_wait=None):
    folder = project / ".prehab-cache"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_NAME, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another prehab process"
            if on_wait:
                on_wait(f"waiting for {holder} to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{what} (pid {os.getpid()})")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
