"""Static assets (render stage): the theme's files under templates/static
are fingerprinted (style.<hash>.css) so browsers may cache them forever, and
content images are copied keeping their layout under content/."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .load import is_editor_junk
from .model import Output
from .write import Copy


def theme_assets(templates: Path, base_path: str) -> tuple[dict[str, str], list[Output]]:
    """Fingerprinted theme files: ({'style.css': '/static/style.1a2b3c4d.css'}, outputs)."""
    static = templates / "static"
    urls: dict[str, str] = {}
    outputs: list[Output] = []
    if not static.is_dir():
        return urls, outputs
    for file in sorted(p for p in static.rglob("*") if p.is_file() and not is_editor_junk(p.name)):
        rel = file.relative_to(static).as_posix()
        data = file.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:10]
        stem, dot, ext = rel.rpartition(".")
        name = f"{stem}.{digest}.{ext}" if dot else f"{rel}.{digest}"
        urls[rel] = f"{base_path}/static/{name}"
        outputs.append(Output(f"static/{name}", data))
    return urls, outputs


def content_images(content: Path, images: frozenset[str]) -> list[Copy]:
    return [Copy(rel, content / rel) for rel in sorted(images)]
