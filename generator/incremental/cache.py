"""A content-hash cache for expensive outputs (PDF cards, resized images,
the search index): values are stored under `.prehab-cache/<namespace>/<key>`
and written atomically, so a build interrupted mid-write never leaves a half
file that looks valid. Every key includes the toolchain (prehab's code, its
libraries, the system fonts and PDF libraries), so an upgrade re-renders."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from ..atomic import write_atomic
from ..files import open_regular
from .fingerprint import digest
from .toolchain import toolchain


def content_key(*parts: object) -> str:
    """A key over every input that shapes an output (plain values: bytes,
    text, contexts, models), plus the toolchain."""
    return digest(toolchain(), parts)


# A file changed this recently may change again within the same timestamp
# tick: its hash is not remembered ("racy git").
RACY_NS = 2_000_000_000


def file_sha(path: str, known: dict | None = None) -> str:
    """The sha256 of a file's bytes ('' when it cannot be read). `known`
    remembers hashes by size and modification time (as git's index does),
    so an unchanged file is not read again by a long-running dev server."""
    try:
        info = os.stat(path)
        seen = known.get(path) if known is not None else None
        if seen and seen[0] == info.st_size and seen[1] == info.st_mtime_ns:
            return seen[2]
        # a project file a card read: never a pipe or device swapped in since
        with os.fdopen(open_regular(path), "rb") as handle:
            sha = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""
    if known is not None and time.time_ns() - info.st_mtime_ns > RACY_NS:
        known[path] = (info.st_size, info.st_mtime_ns, sha)
    return sha


def files_unchanged(recorded: list, known: dict | None = None) -> bool:
    """Whether every [path, sha256] that an output read still has those bytes."""
    return all(file_sha(path, known) == sha for path, sha in recorded)


class Cache:
    """One namespace of the cache; a stage that is given one computes its
    keys with `key()` (never by hand) and may only save work with it."""

    def __init__(self, root: Path | None, namespace: str, known: dict | None = None):
        self.folder = root / namespace if root else None
        self.known = known  # file hashes by size and time, kept by the caller between builds

    @staticmethod
    def key(*parts: object) -> str:
        return content_key(*parts)

    def meta(self, key: str) -> dict | None:
        """The entry's metadata when the entry is valid: its recorded file
        reads (`meta["read"]`, [path, sha256] pairs) still match the disk."""
        if self.folder is None:
            return None
        try:
            meta = json.loads((self.folder / f"{key}.json").read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or not files_unchanged(meta.get("read", []), self.known):
            return None
        return meta

    def get(self, key: str) -> tuple[bytes, dict] | None:
        meta = self.meta(key)
        if meta is None:
            return None
        try:
            data = (self.folder / f"{key}.bin").read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            return None
        return data, meta

    def put(self, key: str, data: bytes, meta: dict) -> None:
        if self.folder is None:
            return
        meta = {**meta, "sha256": hashlib.sha256(data).hexdigest()}
        write_atomic(self.folder / f"{key}.bin", data)
        write_atomic(self.folder / f"{key}.json", json.dumps(meta, sort_keys=True).encode())
