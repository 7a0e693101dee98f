"""Static assets (render stage): the theme's files under templates/static
are minified and fingerprinted (style.<hash>.css) so browsers may cache them forever, and
content images are copied keeping their layout under content/."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .load import is_editor_junk
from .model import Copy, Output


def theme_assets(templates: Path, base_path: str) -> tuple[dict[str, str], list[Output]]:
    """Fingerprinted theme files: ({'style.css': '/static/style.1a2b3c4d.css'}, outputs)."""
    static = templates / "static"
    urls: dict[str, str] = {}
    outputs: list[Output] = []
    if not static.is_dir():
        return urls, outputs
    for file in sorted(p for p in static.rglob("*") if p.is_file() and not is_editor_junk(p.name)):
        rel = file.relative_to(static).as_posix()
        data = minified(file.suffix, file.read_bytes())
        digest = hashlib.sha256(data).hexdigest()[:10]
        stem, dot, ext = rel.rpartition(".")
        name = f"{stem}.{digest}.{ext}" if dot else f"{rel}.{digest}"
        urls[rel] = f"{base_path}/static/{name}"
        outputs.append(Output(f"static/{name}", data))
    return urls, outputs


def minified(suffix: str, data: bytes) -> bytes:
    """CSS and JS without comments and spaces (rcssmin, rjsmin); other files as they are."""
    if suffix == ".css":
        import rcssmin

        return rcssmin.cssmin(data.decode("utf-8")).encode("utf-8")
    if suffix == ".js":
        import rjsmin

        return rjsmin.jsmin(data.decode("utf-8")).encode("utf-8")
    return data


def content_images(content: Path, images: frozenset[str]) -> list[Copy]:
    return [Copy(rel, content / rel) for rel in sorted(images)]
