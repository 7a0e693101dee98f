"""The search index cache (generator/search.py) is never changed by a later
index: the dev server re-indexes its preview folder in place, and that
folder's index may be the cached one, linked. Pagefind rewrites some of its
files in place (pagefind-entry.json), so writing over the links changed the
cached index of the pages as they were."""

from __future__ import annotations

from pathlib import Path

from conftest import snapshot

from generator.search import index_search

PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
    "<body><main data-pagefind-body><h1>{title}</h1><p>{text}</p></main></body></html>"
)


def write_site(folder: Path, text: str) -> None:
    for slug in ("one", "two"):
        page = folder / slug / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.unlink(missing_ok=True)  # as every build writes: a new file, never in place
        page.write_text(PAGE.format(title=slug.title(), text=text), encoding="utf-8")


def test_reindexing_a_folder_restored_from_the_cache_leaves_the_cached_index_as_it_was(tmp_path):
    cache = tmp_path / "cache"
    first, preview = tmp_path / "first", tmp_path / "preview"
    write_site(first, "Calf raises for the achilles")
    assert index_search(first, cache) is True  # Pagefind ran, and its index was cached
    cached = snapshot(cache / "search")
    write_site(preview, "Calf raises for the achilles")
    assert index_search(preview, cache) is False  # the same pages: the cached index, linked
    write_site(preview, "Hip bridges for the knee")
    assert index_search(preview, cache) is True  # new pages: Pagefind ran over the preview
    now = snapshot(cache / "search")
    assert {path: data for path, data in now.items() if path in cached} == cached
    assert not [p for p in preview.iterdir() if p.name.startswith(".pagefind-")]  # no leftovers
    assert snapshot(preview / "pagefind") != snapshot(first / "pagefind")
