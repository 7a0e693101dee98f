"""Content images (render stage): the size of every image, so pages carry
width and height (no layout shift), and for PNG, JPEG and WebP a few smaller
widths plus WebP, for srcset. SVG passes through. Resized files are cached
on a hash of the image, so an unchanged image costs nothing."""

from __future__ import annotations

import hashlib
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import ERROR, WARNING, Diagnostic
from .files import Gate, Limit, Refusal
from .forking import map_in_workers
from .model import Output, SiteGraph
from .svg_clean import UnsafeSvg, clean_svg

WIDTHS = (480, 960, 1440)
RASTER = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}
MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
NUMBER = re.compile(r"^\s*([0-9.]+)\s*(px)?\s*$")


@dataclass(frozen=True)
class Variant:
    url: str
    width: int
    mime: str


@dataclass(frozen=True)
class ImageInfo:
    url: str
    width: int
    height: int
    webp: tuple[Variant, ...] = ()  # smaller widths and full size, as WebP
    same: tuple[Variant, ...] = ()  # smaller widths in the original format

    def srcset(self, variants) -> str:
        return ", ".join(f"{v.url} {v.width}w" for v in variants)


def svg_size(data: bytes) -> tuple[int, int] | None:
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None
    width, height = root.get("width", ""), root.get("height", "")
    if NUMBER.match(width) and NUMBER.match(height):
        return round(float(NUMBER.match(width).group(1))), round(
            float(NUMBER.match(height).group(1))
        )
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        return round(float(box[2])), round(float(box[3]))
    return None


def _resize(data: bytes, fmt: str, width: int | None) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        if width and width < image.width:
            image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
        if fmt == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        options = {
            "JPEG": {"quality": 82, "optimize": True, "progressive": True},
            "PNG": {"optimize": True},
            "WEBP": {"quality": 80, "method": 4},
        }[fmt]
        image.save(out, fmt, **options)  # no EXIF or other metadata is carried over
        return out.getvalue()


TOO_MANY_PIXELS = "has more pixels than"


def problem_code(problem: str) -> str:
    return "too-large" if TOO_MANY_PIXELS in problem else "bad-image"


def _raster_size(data: bytes, fmt: str, megapixels: int) -> tuple[tuple[int, int], str | None]:
    """The size of a photo, read from its header, and checked against the
    pixel cap before anything is decoded (memory stays bounded)."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    limit = f"the limit is {megapixels} megapixels (site.toml [limits] image_megapixels)"
    try:
        with warnings.catch_warnings():
            # prehab's own cap decides, below; Pillow's warning would only be noise
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > megapixels * 1_000_000:
                    return (width, height), (
                        f"{TOO_MANY_PIXELS} the limit: it is {width} x {height} pixels "
                        f"({width * height / 1e6:.0f} megapixels), {limit}; export it smaller"
                    )
                probe.verify()
    except Image.DecompressionBombError:
        return (0, 0), f"{TOO_MANY_PIXELS} the limit (far more); {limit}; export it smaller"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        return (0, 0), f"cannot be read as {fmt} ({exc}); re-export it"
    return (width, height), None


def _cleaned(rel: str, data: bytes, outputs: list[Output]) -> tuple[bytes, Diagnostic | None]:
    """An SVG without its active parts; when anything was removed, the
    clean copy is published in place of the file (and a warning says what)."""
    try:
        clean, removed = clean_svg(data)
    except UnsafeSvg as exc:
        return data, Diagnostic(f"content/{rel}", None, f"SVG refused: {exc}", code="unsafe-svg")
    if not removed:
        return data, None
    outputs.append(Output(rel, clean))
    return clean, Diagnostic(
        f"content/{rel}",
        None,
        f"removed from the SVG before publishing: {', '.join(removed)}; a picture on the "
        "site may not run scripts or load other files",
        severity=WARNING,
        code="svg-cleaned",
    )


def process_images(
    graph: SiteGraph, content: Path, cache=None, workers: int = 1
) -> tuple[dict[str, ImageInfo], list[Output], list[Diagnostic]]:
    """Sizes of every image and resized variants of photos. `cache` (the
    reuse value, an incremental.Cache) keeps resized files between builds;
    the variants it does not have are made on `workers` processes."""
    infos: dict[str, ImageInfo] = {}
    outputs: list[Output] = []
    problems: list[Diagnostic] = []
    resizes: list[tuple[int, str, tuple[bytes, str, int]]] = []  # (output index, key, job)
    gate = Gate(content.parent)
    limit = Limit(
        graph.config.limits.image_kb * 1024, "site.toml [limits] image_kb", "export it smaller"
    )
    for rel in sorted(graph.images):
        where = graph.image_refs.get(rel, (f"content/{rel}", None))
        url = graph.urls.asset(rel)
        suffix = Path(rel).suffix.lower()
        try:  # through the file gate: Pillow only ever sees these bytes, never a path
            data = gate.read(content / rel, limit)
        except Refusal as refusal:
            why = f"cannot read image '{rel}': {refusal.message}"
            problems.append(Diagnostic(*where, why, code="bad-image"))
            continue
        if suffix == ".svg":
            data, problem = _cleaned(rel, data, outputs)
            if problem is not None:
                problems.append(problem)
                if problem.severity == ERROR:
                    continue
            size = svg_size(data)
            if size is None and rel in graph.image_refs:
                problems.append(
                    Diagnostic(
                        *where,
                        f"image '{rel}' is not a valid SVG with a width and height or a viewBox",
                        code="bad-image",
                    )
                )
            elif size:
                infos[rel] = ImageInfo(url, *size)
            continue
        if suffix not in RASTER:
            continue
        size, problem = _raster_size(data, RASTER[suffix], graph.config.limits.image_megapixels)
        if problem:
            problems.append(
                Diagnostic(*where, f"image '{rel}' {problem}", code=problem_code(problem))
            )
            continue
        width, height = size
        digest = hashlib.sha256(data).hexdigest()
        stem, fmt = rel[: -len(suffix)], RASTER[suffix]
        smaller = [w for w in WIDTHS if w < width]
        plan = [(w, "WEBP") for w in smaller] + (
            [] if fmt == "WEBP" else [(width, "WEBP")] + [(w, fmt) for w in smaller]
        )
        webp, same = [], []
        for target, out_fmt in plan:
            key = cache.key("image", digest, out_fmt, str(target)) if cache else ""
            hit = cache.get(key) if cache else None
            if not hit:
                resizes.append((len(outputs), key, (data, out_fmt, target)))
            path = f"{stem}-{target}w{'.webp' if out_fmt == 'WEBP' else suffix}"
            outputs.append(Output(path, hit[0] if hit else None))
            (webp if out_fmt == "WEBP" else same).append(
                Variant(graph.urls.asset(path), target, MIME[out_fmt])
            )
        (webp if fmt == "WEBP" else same).append(
            Variant(url, width, MIME[fmt])
        )  # the original, copied as is
        infos[rel] = ImageInfo(url, width, height, tuple(webp), tuple(same))
    jobs = [job for _, _, job in resizes]
    made = map_in_workers(_resize_all, jobs, workers) if workers > 1 and len(jobs) > 1 else None
    for (index, key, _), encoded in zip(resizes, made or _resize_all(jobs), strict=True):
        outputs[index] = Output(outputs[index].path, encoded)
        if cache:
            cache.put(key, encoded, {})
    return infos, outputs, problems


def _resize_all(jobs: list[tuple[bytes, str, int]]) -> list[bytes]:
    return [_resize(*job) for job in jobs]
