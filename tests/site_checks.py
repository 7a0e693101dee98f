"""Checks over a built site, shared by the fixture and demo tests: every
internal link and image resolves (fragments included)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def target_file(out: Path, url_path: str) -> Path:
    path = unquote(url_path).lstrip("/")
    target = out / path
    return target / "index.html" if url_path.endswith("/") or target.is_dir() else target


def broken_links(out: Path) -> list[str]:
    """'page: href' for every internal href/src that points at nothing."""
    ids: dict[Path, set[str]] = {}
    problems = []
    for page in html_pages(out):
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for el in doc.find_all(["a", "link", "img", "script", "source"]):
            ref = el.get("href") or el.get("src")
            if not ref or ref.startswith(("mailto:", "data:")):
                continue
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc:
                continue
            target = page if not parts.path else target_file(out, parts.path)
            if "//" in parts.path or not target.is_file():
                problems.append(f"{page.relative_to(out)}: {ref}")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in ids:
                    target_doc = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
                    ids[target] = {el["id"] for el in target_doc.find_all(id=True)}
                if parts.fragment not in ids[target]:
                    problems.append(f"{page.relative_to(out)}: {ref} (no such id)")
    return problems
