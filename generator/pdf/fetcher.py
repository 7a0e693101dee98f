"""The PDF renderer's only window on the world: a URL fetcher that serves
`data:` URLs and regular files inside the allowed folders, and refuses
everything else (the network, file:// elsewhere, other schemes, redirects),
recording each refusal so the build can report it, and each file it served
with its sha256 (a cached card is reused only while those files are unchanged)."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class SafeFetcher(URLFetcher):
    def __init__(self, allowed: tuple[Path, ...]):
        super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)
        self.allowed = tuple(p.resolve() for p in allowed)
        self.refused: list[str] = []
        self.read: dict[str, str] = {}  # path -> sha256 of the bytes served

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and parts.netloc in ("", "localhost"):
            real = Path(unquote(parts.path)).resolve()
            if (
                any(real == root or root in real.parents for root in self.allowed)
                and real.is_file()
            ):
                mime, _ = mimetypes.guess_type(real.name)
                data = real.read_bytes()
                self.read[str(real)] = hashlib.sha256(data).hexdigest()
                return URLFetcherResponse(
                    real.as_uri(), data, {"Content-Type": mime or "application/octet-stream"}
                )
        self.refused.append(url)
        raise ValueError(f"prehab refused to fetch {url}")
