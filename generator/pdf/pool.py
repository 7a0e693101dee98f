"""Card rendering in worker processes with a time limit and a memory cap:
a card that renders forever or blows up memory fails alone, with a clear
message, and its worker is killed; the other cards are unaffected. The
workers die with the build (generator/forking.py): a build killed mid-card,
even by SIGKILL, leaves no renderer behind, and one stopped by Ctrl-C or
SIGTERM kills its renderers instead of waiting for their cards."""

from __future__ import annotations

import errno
import resource
import time
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool

from ..forking import frozen_gc, kill_workers, worker_pool


def _limit_memory(limit_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


class Exceeded(Exception):
    """A job went over its time or memory limit (the message says which)."""


def run_limited(
    function, jobs: list, workers: int, seconds: float, memory_bytes: int, prepare=None
) -> list:
    """function(job) for each job, in order; a job over a limit gives an
    Exceeded instance in its place. With `prepare(index, results)`, a job is
    what that returns when it is handed to a worker (`results`: those so far)."""
    with frozen_gc():  # forked workers then do not copy the parent's heap
        return _run_limited(function, jobs, workers, seconds, memory_bytes, prepare)


def _run_limited(
    function, jobs: list, workers: int, seconds: float, memory_bytes: int, prepare
) -> list:
    results: list = [None] * len(jobs)
    pending = list(range(len(jobs)))
    while pending:
        pool = worker_pool(max(1, min(workers, len(pending))), _limit_memory, (memory_bytes,))
        running: dict = {}
        killed = False
        try:
            while (pending or running) and not killed:
                while pending and len(running) < workers:
                    index = pending.pop(0)
                    job = jobs[index] if prepare is None else prepare(index, results)
                    running[pool.submit(function, job)] = (index, time.monotonic())
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
                    kill_workers(pool)
        except BaseException:  # Ctrl-C, SIGTERM, a bug: the cards being rendered are not needed
            kill_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return results
