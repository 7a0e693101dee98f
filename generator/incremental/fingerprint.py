"""Digests of values (reuse machinery): the one definition of "the same
input". A fingerprint walks a value structurally (strings, numbers, dates,
tuples, dicts, sets, dataclasses, pydantic models) and refuses anything
else, so a value it cannot see into (a function, an open file) is a loud bug,
never a key that silently ignores part of the input."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import functools
import hashlib
import operator
from pathlib import PurePath

from pydantic import BaseModel

_PLAIN = (
    bool,
    int,
    float,
    type(None),
    dt.date,
    dt.datetime,
    dt.time,
    decimal.Decimal,
    PurePath,
    enum.Enum,
)


def digest(*parts: object) -> str:
    """The fingerprint of `parts` as one value, in hex (a file name)."""
    return Fingerprints().of(parts).hex()


class Fingerprints:
    """Fingerprints of values, remembering those of records (dataclasses and
    models: frozen values) by identity for as long as this object lives, so
    a node shown on a thousand pages is walked once per build."""

    def __init__(self, previous: Fingerprints | None = None):
        # id -> (the value, kept alive so the id is not reused; its fingerprint)
        self._records: dict[int, tuple[object, bytes]] = {}
        # the last build's (dev server): records that are still the very same
        # frozen objects (a model from the validate memo) keep their fingerprint
        self._previous = previous._records if previous is not None else {}

    def of(self, value: object) -> bytes:
        """16 bytes (128 bits of SHA-256): short to keep in the memo."""
        h = hashlib.sha256()
        self._feed(h, value)
        return h.digest()[:16]

    def _feed(self, h, value: object) -> None:
        kind = type(value)
        if kind is str:  # the common cases first, by exact type
            data = value.encode("utf-8", "surrogatepass")
            h.update(b"s%d:" % len(data))
            h.update(data)
        elif kind is tuple or kind is list:
            h.update(b"(%d" % len(value))
            feed, update = self._feed, h.update
            for item in value:
                if type(item) is str:  # inline: most items are text (a call each cost 1 µs)
                    data = item.encode("utf-8", "surrogatepass")
                    update(b"s%d:" % len(data))
                    update(data)
                else:
                    feed(h, item)
            update(b")")
        elif kind in _RECORDS:
            h.update(self._record(value))
        elif kind is int or kind is bool or value is None:
            h.update(f"{kind.__name__}:{value!r};".encode())
        elif isinstance(value, str):
            self._feed(h, str(value))
        elif isinstance(value, bytes):
            h.update(b"b%d:" % len(value))
            h.update(value)
        elif isinstance(value, _PLAIN):
            h.update(f"{type(value).__name__}:{value!r};".encode())
        elif isinstance(value, (tuple, list)):
            self._feed(h, tuple(value))
        elif isinstance(value, dict):
            h.update(b"{%d" % len(value))
            for key, item in value.items():
                self._feed(h, key)
                self._feed(h, item)
            h.update(b"}")
        elif isinstance(value, (set, frozenset)):
            h.update(b"<%d" % len(value))
            for item in sorted(self.of(v) for v in value):
                h.update(item)
            h.update(b">")
        elif dataclasses.is_dataclass(value) or isinstance(value, BaseModel):
            _RECORDS.add(kind)  # a record type: found by its type alone from now on
            h.update(self._record(value))
        else:
            raise TypeError(
                f"cannot fingerprint a {type(value).__qualname__}: give reused outputs plain values"
            )

    def _record(self, value) -> bytes:
        known = self._records.get(id(value)) or self._previous.get(id(value))
        if known is not None and known[0] is value:
            self._records[id(value)] = known
            return known[1]
        if isinstance(
            value, BaseModel
        ):  # pydantic-core serialises a model's fields (its schema fixes their types)
            h = hashlib.sha256(type(value).__qualname__.encode())
            h.update(value.model_dump_json(round_trip=True).encode())
        else:
            names, values = _fields(type(value))
            h = hashlib.sha256(names)  # the type's name and its fields' names, once per type
            self._feed(h, values(value))
        result = h.digest()[:16]
        self._records[id(value)] = (value, result)
        return result


_RECORDS: set[type] = set()  # dataclass and pydantic model types met so far


@functools.cache
def _fields(cls: type) -> tuple[bytes, object]:
    """A dataclass type's name and field names as bytes, and a getter of
    its field values as a tuple (in field order)."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    prefix = "\0".join((cls.__qualname__, *names)).encode()
    if len(names) == 1:  # attrgetter of one name returns the value, not a tuple
        return prefix, lambda value, name=names[0]: (getattr(value, name),)
    return prefix, operator.attrgetter(*names) if names else (lambda value: ())
