"""A content-hash cache for expensive outputs (PDF cards): values are
stored under `.prehab-cache/<namespace>/<key>` and written atomically, so a
build interrupted mid-write never leaves a half file that looks valid."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from . import __version__


def content_key(*parts: bytes | str) -> str:
    """A key over every input that shapes an output, plus prehab's version."""
    digest = hashlib.sha256(__version__.encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class Cache:
    def __init__(self, root: Path | None, namespace: str):
        self.folder = root / namespace if root else None

    def get(self, key: str) -> tuple[bytes, dict] | None:
        if self.folder is None:
            return None
        try:
            meta = json.loads((self.folder / f"{key}.json").read_text())
            data = (self.folder / f"{key}.bin").read_bytes()
        except (OSError, ValueError):
            return None
        if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            return None
        return data, meta

    def put(self, key: str, data: bytes, meta: dict) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        meta = {**meta, "sha256": hashlib.sha256(data).hexdigest()}
        for name, payload in ((f"{key}.bin", data), (f"{key}.json", json.dumps(meta).encode())):
            tmp = self.folder / f".{name}.{os.getpid()}.tmp"
            tmp.write_bytes(payload)
            os.replace(tmp, self.folder / name)
