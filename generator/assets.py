"""Static assets (render stage): the theme's files under templates/static
(the project's own over the built-in theme's, file by file) are minified and
fingerprinted (style.<hash>.css) so browsers may cache them forever, and
content images are copied keeping their layout under content/."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .files import STATIC_LIMIT, Gate, Refusal
from .model import Copy, Output
from .theme import layers


def theme_assets(templates: Path, base_path: str) -> tuple[dict[str, str], list[Output]]:
    """Fingerprinted theme files: ({'style.css': '/static/style.1a2b3c4d.css'}, outputs),
    read through the file gate, the project's templates/static/x over the
    built-in theme's. read_templates has already listed them and
    reported every refusal (the build stopped there), so a file refused here
    changed since (a race) and is left out: a page naming it fails instead."""
    urls: dict[str, str] = {}
    outputs: dict[str, Output] = {}
    seen: set[str] = set()  # a project's file hides the theme's, even when refused
    for folder, gate, _ in layers(templates):
        found, _ = gate.walk(folder / "static")  # junk (.DS_Store, x~) never publishes
        for file in found:
            if file.rel in seen:
                continue
            seen.add(file.rel)
            try:
                data = minified(file.path.suffix, gate.read(file.path, STATIC_LIMIT))
            except Refusal:
                continue
            digest = hashlib.sha256(data).hexdigest()[:10]
            stem, dot, ext = file.rel.rpartition(".")
            name = f"{stem}.{digest}.{ext}" if dot else f"{file.rel}.{digest}"
            urls[file.rel] = f"{base_path}/static/{name}"
            outputs[file.rel] = Output(f"static/{name}", data)
    return dict(sorted(urls.items())), [outputs[rel] for rel in sorted(outputs)]


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
    """The images to copy as they are, each from where it really is. Every
    one passed the file gate when load listed it; it is checked again here,
    and the write stage copies from the real path, so a link swapped since
    the listing is not followed. One refused now (a race) is left out: the
    link gate then reports the pages that show it."""
    gate, copies = Gate(content.parent), []
    for rel in sorted(images):
        try:
            real, _ = gate.check(content / rel)
        except Refusal:
            continue
        copies.append(Copy(rel, Path(real)))
    return copies
