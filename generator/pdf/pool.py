"""Card rendering in worker processes with a time limit and a memory cap:
a card that renders forever or blows up memory fails alone, with a clear
message, and its worker is killed; the other cards are unaffected."""

from __future__ import annotations

import errno
import resource
import signal
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..forking import fork_context, frozen_gc


def _limit_memory(limit_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled once, by the build


class Exceeded(Exception):
    """A job went over its time or memory limit (the message says which)."""


def run_limited(function, jobs: list, workers: int, seconds: float, memory_bytes: int) -> list:
    """function(job) for each job, in order; a job over a limit gives an
    Exceeded instance in its place."""
    with frozen_gc():  # forked workers then do not copy the parent's heap
        return _run_limited(function, jobs, workers, seconds, memory_bytes)


def _run_limited(function, jobs: list, workers: int, seconds: float, memory_bytes: int) -> list:
    results: list = [None] * len(jobs)
    pending = list(range(len(jobs)))
    while pending:
        pool = ProcessPoolExecutor(
            max_workers=max(1, min(workers, len(pending))),
            mp_context=fork_context(),
            initializer=_limit_memory,
            initargs=(memory_bytes,),
        )
        running: dict = {}
        killed = False
        try:
            while (pending or running) and not killed:
                while pending and len(running) < workers:
                    index = pending.pop(0)
                    running[pool.submit(function, jobs[index])] = (index, time.monotonic())
                done, _ = wait(running, timeout=min(0.2, seconds / 4), return_when=FIRST_COMPLETED)
                for future in done:
                    index, start = running.pop(future)
                    try:
                        results[index] = future.result()
                        if time.monotonic() - start > seconds:  # finished, but later than allowed
                            results[index] = Exceeded(f"the time limit ({seconds:g} s)")
                    except (
                        MemoryError,
                        SystemError,
                    ):  # C code that ran out of memory may say SystemError
                        results[index] = Exceeded(f"the memory limit ({memory_bytes // 2**20} MB)")
                    except OSError as exc:
                        if exc.errno != errno.ENOMEM:
                            raise
                        results[index] = Exceeded(f"the memory limit ({memory_bytes // 2**20} MB)")
                    except BrokenProcessPool:
                        results[index] = Exceeded("the memory limit (the renderer crashed)")
                        killed = True
                now = time.monotonic()
                late = [f for f, (_, start) in running.items() if now - start > seconds]
                for future in late:
                    index, _ = running.pop(future)
                    results[index] = Exceeded(f"the time limit ({seconds:g} s)")
                    killed = True
                if killed:  # the pool cannot stop one task: stop them all, retry the innocent ones
                    pending = [i for i, _ in running.values()] + pending
                    running.clear()
                    for process in list(getattr(pool, "_processes", {}).values()):
                        process.kill()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return results
