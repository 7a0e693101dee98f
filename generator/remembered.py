"""Pure functions of a text whose results the memo keeps between builds.
The stages' scans wear the decorator; the memo (incremental/memo.py) saves
and restores the results, so the stages never import the reuse machinery.

The link scan, the raw-HTML scan and the dose-word scan read every body on
every build; in a fresh `prehab build` after one edit they were a second
of the 4,000-article rebuild. Each is a pure function of its arguments (the
body's text itself, not a name for it), so a result remembered under those
arguments is the result: nothing can go stale. A stage calls the function
as before and gets the same value with or without the memo. The memo keeps
the results the last build asked for; the toolchain key drops them all when
prehab's code changes."""

from __future__ import annotations

import functools

_MISSING = object()
_LIMIT = 100_000  # results kept per function when no build ever ends (a library caller)
_ALL: dict[str, Remembered] = {}


class Remembered:
    def __init__(self, function):
        self.function = function
        self.known: dict = {}  # what earlier builds asked for (restored from the memo)
        self.asked: dict = {}  # what this build asked for: the memo keeps these
        functools.update_wrapper(self, function)
        _ALL[f"{function.__module__}.{function.__qualname__}"] = self

    def __call__(self, *args):
        result = self.asked.get(args, _MISSING)
        if result is _MISSING:
            result = self.known.get(args, _MISSING)
            if result is _MISSING:
                result = self.function(*args)
            if len(self.asked) >= _LIMIT:
                self.asked.clear()
            self.asked[args] = result
        return result


def remembered(function) -> Remembered:
    """Decorate a pure function of plain, hashable values returning plain values."""
    return Remembered(function)


def restore(tables: dict[str, dict]) -> None:
    """Start from what a memo kept (a fresh process)."""
    for name, remembered_here in _ALL.items():
        remembered_here.known = tables.get(name, {})
        remembered_here.asked = {}


def begin() -> None:
    """A build starts: what the last build asked for is what is known."""
    for remembered_here in _ALL.values():
        if remembered_here.asked:
            remembered_here.known, remembered_here.asked = remembered_here.asked, {}


def harvest() -> dict[str, dict]:
    """What this build asked for, for the memo."""
    return {name: dict(r.asked) for name, r in _ALL.items() if r.asked}
