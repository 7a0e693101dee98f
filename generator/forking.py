"""Worker processes made by fork, for the stages that spread work over the
cores (markup, render, PDF cards): each worker gets the site graph and the
compiled templates by fork, not by pickling. The garbage collector is frozen
while workers are forked, so they do not walk (and so copy) every object of
the parent's heap: about 8% faster card rendering at 4,000 articles.

Workers never outlive the build: each one asks the kernel to kill it when
its parent dies (`PR_SET_PDEATHSIG`, Linux; elsewhere a thread watches the
parent), and checks at once that the parent is still the one that forked it
(it may have died before the request was made). A build that stops early,
Ctrl-C or SIGTERM included, kills its workers rather than waiting for them.
A worker ignores Ctrl-C (the build handles it, once) and dies of SIGTERM."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


@contextmanager
def frozen_gc():
    """Objects that exist now are left alone by the collector until the end."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def fork_context():
    return multiprocessing.get_context("fork")


def _prctl():
    """libc's prctl (Linux), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _death_signal() -> bool:
    """Ask the kernel for SIGKILL when the parent dies; False where it cannot."""
    prctl = _prctl()
    return prctl is not None and prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0


def dies_with_this_process(nice: int = 0):
    """A `preexec_fn` for a program this process starts (Pagefind): the kernel
    kills it when this process dies, SIGKILL included (Linux), and it runs at
    `nice`. prctl is looked up here, before the fork: the child of a threaded
    process must not load a library between fork and exec."""
    parent, prctl, kill = os.getpid(), _prctl(), int(signal.SIGKILL)

    def start() -> None:
        if nice:
            os.nice(nice)
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, kill, 0, 0, 0)  # kept across exec
            if os.getppid() != parent:  # this process died before the request
                os._exit(1)

    return start


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        threading.Event().wait(0.5)
    os._exit(1)


def die_with_parent(parent: int) -> None:
    """First thing in a forked worker; `parent` is the pid that forked it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled once, by the build
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the build's handler, inherited by fork
    watched = _death_signal()
    if os.getppid() != parent:  # the parent died before the kernel was asked
        os._exit(1)
    if not watched:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's worker processes now (what they were doing is lost)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except (OSError, ValueError):  # already gone, or already closed
            pass


def _start_worker(parent: int, initializer, initargs) -> None:
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def worker_pool(workers: int, initializer=None, initargs=()) -> ProcessPoolExecutor:
    """A pool of forked workers that die with this process."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=fork_context(),
        initializer=_start_worker,
        initargs=(os.getpid(), initializer, initargs),
    )


@contextmanager
def fork_pool(workers: int, initializer=None, initargs=()):
    """worker_pool() for a `with` block: an exception in the block (Ctrl-C,
    SIGTERM) kills the workers instead of waiting for their work."""
    with frozen_gc():
        pool = worker_pool(workers, initializer, initargs)
        try:
            yield pool
        except BaseException:
            kill_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def map_in_workers(function, items: list, workers: int, initializer=None, initargs=()) -> list:
    """function(chunk) -> one result per item, over `workers` forked processes;
    the results come back in the order of `items`. Chunks are strided, so
    items of one kind (list pages, long articles) spread evenly."""
    chunks = [items[i :: workers * 4] for i in range(workers * 4)]
    done: dict = {}
    with fork_pool(workers, initializer, initargs) as pool:
        for chunk, results in zip(chunks, pool.map(function, chunks), strict=True):
            done.update(zip(chunk, results, strict=True))
    return [done[item] for item in items]
