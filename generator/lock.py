"""One prehab at a time per project: builds (and the dev server's rebuilds)
take an exclusive lock, so two terminals never interleave their writes. The
second one says who holds the lock and waits.

The lock is the kernel's (`flock` on an open file), never a pid file: it
goes with the process that holds it, however that process ends (`kill -9`
included), so a killed build can never block the next one. A `flock` lock
belongs to the open file, which a forked child shares: each child made by
fork while the lock is held (the worker pools of generator/forking.py and
generator/pdf/pool.py) lets go of its copy at once, so an orphaned worker
cannot keep the lock after its parent is gone."""

from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = "build.lock"

_HELD: set[int] = set()  # descriptors of this process's lock files, from open to close
_OPENING = threading.Lock()  # no fork between opening a lock file and adding it to _HELD


def _release_in_child() -> None:
    """In a child just forked: point every inherited lock descriptor at
    /dev/null (dup2: the number stays valid, so nothing in the child can
    close an unrelated file through it later); the lock stays the parent's."""
    _OPENING.release()
    if not _HELD:
        return
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        for fd in _HELD:
            os.dup2(null, fd, inheritable=False)
    finally:
        os.close(null)
    _HELD.clear()


os.register_at_fork(
    before=_OPENING.acquire, after_in_parent=_OPENING.release, after_in_child=_release_in_child
)


@contextmanager
def project_lock(project: Path, what: str, on_wait=None):
    folder = project / ".prehab-cache"
    folder.mkdir(parents=True, exist_ok=True)
    with _OPENING:
        handle = open(folder / LOCK_NAME, "a+")  # closed in the last finally
        _HELD.add(handle.fileno())
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another prehab process"
            if on_wait:
                on_wait(f"waiting for {holder} to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{what} (pid {os.getpid()})")
            handle.flush()
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        with _OPENING:
            _HELD.discard(handle.fileno())
            handle.close()
