"""Build options: what the command line (or the dev server) asks of a build.
Kept apart from config.py so that the quick "nothing changed" path of
`prehab build` starts without loading pydantic."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BuildOptions:
    drafts: bool = False
    future: bool = False
    pdf: bool = True
    search: bool = True
    workers: int | None = None  # processes for Markdown and cards (default: every core)
    base_url: str | None = None  # overrides site.toml (the dev server's local address)
