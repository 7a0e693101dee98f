"""The PDF renderer's only window on the world: a URL fetcher that serves
`data:` URLs and, through the file gate (files.py), regular files inside
the allowed folders, and refuses everything else (the network, file://
elsewhere, other schemes, redirects), recording each refusal so the build
can report it, and each file it served with its sha256 (a cached card is
reused only while those files are unchanged)."""

from __future__ import annotations

import hashlib
import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..files import FETCH_LIMIT, Gate, Refusal, holds


class SafeFetcher(URLFetcher):
    def __init__(self, allowed: tuple[Path, ...]):
        super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)
        # The file gate of the folder holding them all (the project): a file
        # is served only if it is a regular file (never a pipe or device)
        # whose real path is inside an allowed folder, itself resolved by the
        # gate (an allowed folder that is a link out of the project allows nothing).
        self.gate = Gate(Path(os.path.commonpath([os.path.abspath(p) for p in allowed])))
        self.allowed = tuple(real for real in map(self._real, allowed) if real)
        self.refused: list[str] = []
        self.read: dict[str, str] = {}  # path -> sha256 of the bytes served

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and parts.netloc in ("", "localhost"):
            served = self._file(unquote(parts.path))
            if served is not None:
                data, real = served
                mime, _ = mimetypes.guess_type(real)
                self.read[real] = hashlib.sha256(data).hexdigest()
                return URLFetcherResponse(
                    Path(real).as_uri(), data, {"Content-Type": mime or "application/octet-stream"}
                )
        self.refused.append(url)
        raise ValueError(f"prehab refused to fetch {url}")

    def digest(self, path: str) -> str | None:
        """The sha256 of an allowed file as it is now (None: not servable)."""
        served = self._file(path)
        return hashlib.sha256(served[0]).hexdigest() if served else None

    def _real(self, path) -> str | None:
        try:
            return self.gate.resolve(path)
        except Refusal:
            return None

    def _file(self, path: str) -> tuple[bytes, str] | None:
        """(bytes, real path) of a file in an allowed folder, or None."""
        real = self._real(path)
        if real is None or not any(holds(folder, real) for folder in self.allowed):
            return None
        try:
            data, opened = self.gate.read_real(real, FETCH_LIMIT)
        except Refusal:
            return None
        return (data, opened) if any(holds(f, opened) for f in self.allowed) else None
