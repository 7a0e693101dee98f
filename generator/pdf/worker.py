"""Renders one card in a worker process: tries each layout, from roomiest
to most compact, and keeps the first that fits on exactly one page."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CardJob:
    source: str  # content/routines/x.md, for messages
    size: str  # "A4" | "Letter"
    layouts: tuple[str, ...]  # card HTML per compaction level
    base_url: str  # file:// URL of content/, for relative images
    allowed: tuple[str, ...]  # folders the fetcher may read


@dataclass(frozen=True)
class CardResult:
    data: bytes | None
    level: int
    pages: int
    refused: tuple[str, ...] = ()
    read: tuple[tuple[str, str], ...] = ()  # (path, sha256) of every file the renderer read


def render_card(job: CardJob) -> CardResult:
    from weasyprint import HTML  # imported here: a build without cards never loads WeasyPrint

    from .fetcher import SafeFetcher

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = SafeFetcher(tuple(Path(p) for p in job.allowed))
    pages = 0
    for level, html in enumerate(job.layouts):
        document = HTML(string=html, base_url=job.base_url, url_fetcher=fetcher).render(
            pdf_variant="pdf/ua-1"
        )
        if fetcher.refused:
            return CardResult(
                None, level, len(document.pages), tuple(dict.fromkeys(fetcher.refused))
            )
        pages = len(document.pages)
        if pages == 1:
            data = document.write_pdf(pdf_variant="pdf/ua-1")
            if fetcher.refused:  # fetched while writing (attachments): refused all the same
                return CardResult(None, level, 1, tuple(dict.fromkeys(fetcher.refused)))
            return CardResult(data, level, 1, read=tuple(sorted(fetcher.read.items())))
    return CardResult(None, len(job.layouts) - 1, pages)


def render_single(
    html: str, base_url: str, allowed: tuple[str, ...]
) -> tuple[bytes, tuple[str, ...], tuple]:
    """A document that may have any number of pages (the booklet's cover)."""
    from weasyprint import HTML

    from .fetcher import SafeFetcher

    fetcher = SafeFetcher(tuple(Path(p) for p in allowed))
    data = HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
        pdf_variant="pdf/ua-1"
    )
    return data, tuple(fetcher.refused), tuple(sorted(fetcher.read.items()))
