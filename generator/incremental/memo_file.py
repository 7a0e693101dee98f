"""The memo on disk (reuse machinery): a base file and a delta beside it.

The memo is 80 MB at 4,000 articles; pickling, signing and writing it whole
after a one-article edit took 0.65-1 s. So a build writes only what changed
since the base was written: every entry that is not the very object the
base held, and every entry the base held that is gone. The delta is
cumulative (one file, rewritten by each build); once it reaches a quarter
of the base's size, the whole memo is written as the new base and the delta
is removed.

Both files are signed with the user's key (pickle can run code: a planted
file is never unpickled), and a delta names the base it applies to by that
base's signature, so a delta left from an older base is never applied."""

from __future__ import annotations

import gc
import hashlib
import hmac
import os
import pickle
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_atomic
from .memo import Entry, Memo
from .toolchain import toolchain

TABLES = ("parsed", "validated", "bodies", "pages", "cards", "pictures", "templates")
REWRITE_AT = 4  # write a new base when the delta is over 1/REWRITE_AT of it
_MISSING = object()
# what reading or unpickling a damaged or foreign file raises
_ERRORS = (
    OSError,
    EOFError,
    pickle.UnpicklingError,
    ValueError,
    TypeError,
    AttributeError,
    ImportError,
)


@dataclass
class Origin:
    """The base a memo was read from: its signature, its size and its tables
    as read (shallow copies: the entries themselves, kept alive so that `is`
    can tell them apart), keyed as _tables() keys them."""

    path: Path
    signature: bytes
    size: int
    tables: dict


def load_memo(path: Path) -> Memo:
    """The memo an earlier build left in the cache, or a fresh one. A memo
    made by other code or libraries (the toolchain) is not used; a file that
    is unreadable or not signed by this user's key is never unpickled."""
    signature, base = _read_signed(path)
    if base is None:
        return Memo()
    try:
        made_by, memo = base
    except (TypeError, ValueError):
        return Memo()
    if made_by != toolchain() or not isinstance(memo, Memo):
        return Memo()
    tables = _tables(memo)  # before the delta: what the base holds
    _, delta = _read_signed(delta_of(path))
    if isinstance(delta, tuple) and len(delta) == 4 and delta[:2] == (made_by, signature):
        _apply(memo, delta[2], delta[3])
    memo.origin = Origin(path, signature, path.stat().st_size, tables)
    return memo


def save_memo(path: Path, memo: Memo) -> None:
    """Write the memo, signed and atomically: the delta from its base when
    that is small, else the whole memo as a new base. Pages' and share
    pictures' bytes are left out (the output folder holds those)."""
    stored = _stored(memo)
    tables = _tables(stored)
    origin = memo.origin
    if isinstance(origin, Origin) and origin.path == path and path.exists():
        changed, removed = _delta(origin.tables, tables)
        data = _signed((toolchain(), origin.signature, changed, removed))
        if len(data) * REWRITE_AT < origin.size:
            write_atomic(delta_of(path), data)
            return
    data = _signed((toolchain(), stored))
    write_atomic(path, data)
    delta_of(path).unlink(missing_ok=True)
    memo.origin = Origin(path, data[:32], len(data), tables)


def delta_of(path: Path) -> Path:
    return path.with_name(path.name + ".delta")


def _stored(memo: Memo) -> Memo:
    """The memo as saved: pages and pictures without their bytes (an entry
    already without them is kept as the same object, for the delta)."""
    pages = {
        url: e if e.value is None else Entry(e.inputs, e.trace, None)
        for url, e in memo.pages.items()
    }
    pictures = {
        path: e if e.value is None and not e.trace else Entry(e.inputs, (), None)
        for path, e in memo.pictures.items()
    }
    return Memo(
        memo.parsed,
        memo.validated,
        memo.bodies,
        pages,
        memo.cards,
        pictures,
        memo.remembered,
        memo.templates,
    )


def _tables(memo: Memo) -> dict[tuple, dict]:
    """Every table of the memo, shallowly copied (a dict copy is one C call:
    flattening 40,000 entries into (table, name) keys took 0.1 s at 4,000
    articles), keyed (table,) or ("remembered", function)."""
    found = {(table,): dict(getattr(memo, table)) for table in TABLES}
    for function, results in memo.remembered.items():
        found[("remembered", function)] = dict(results)
    return found


def _delta(base: dict[tuple, dict], now: dict[tuple, dict]) -> tuple[dict, list]:
    """What a delta is made of: every entry of `now` that is not the very
    object `base` held, keyed (table, name) or ("remembered", function,
    args), and the keys of the entries `base` held that are gone."""
    changed, removed = {}, []
    for key, table in now.items():
        held = base.get(key, {})
        changed.update(
            {(*key, name): v for name, v in table.items() if held.get(name, _MISSING) is not v}
        )
        removed += [(*key, name) for name in held if name not in table]
    for key, held in base.items():
        if key not in now:
            removed += [(*key, name) for name in held]
    return changed, removed


def _apply(memo: Memo, changed: dict, removed: list) -> None:
    for key in removed:
        _table(memo, key).pop(key[-1], None)
    for key, value in changed.items():
        _table(memo, key)[key[-1]] = value


def _table(memo: Memo, key: tuple) -> dict:
    if key[0] == "remembered":
        return memo.remembered.setdefault(key[1], {})
    return getattr(memo, key[0])


def _signed(value) -> bytes:
    with _no_collection():
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return hmac.new(_memo_key(), payload, hashlib.sha256).digest() + payload


def _read_signed(path: Path) -> tuple[bytes, object]:
    """(signature, value) of a signed file; (b"", None) when it is missing,
    unreadable or not signed by this user's key (then never unpickled)."""
    try:
        data = path.read_bytes()
        signature, payload = data[:32], data[32:]
        if not hmac.compare_digest(
            signature, hmac.new(_memo_key(), payload, hashlib.sha256).digest()
        ):
            return b"", None
        with _no_collection():
            return signature, pickle.loads(payload)
    except _ERRORS:
        return b"", None


@contextmanager
def _no_collection():
    """No garbage collection while a memo is unpickled or pickled: a million
    new objects (none of them garbage) set off collection after collection."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _memo_key() -> bytes:
    """A secret of this user's, outside the project: a memo file planted in a
    repository (pickle can run code) fails the signature and is ignored."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "prehab"
    path = folder / "memo.key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another build made it meanwhile
            return path.read_bytes()
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(32))
        return path.read_bytes()
