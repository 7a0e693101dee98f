"""What a page shows when it is shared (render stage): a 1200 x 630 PNG share
picture for every page a reader may share (articles, exercises, routines,
authors, plain pages, home and every list page; not the 404 page nor a page
marked noindex), its alt text, and the page's Open Graph locale.

A share picture is drawn from the page's title, a label (its kind and body
areas), the site's name and the page's own picture (an article's hero, an
exercise's image, an author's photo; a routine shows its first exercise's):
SVGs rasterised with resvg, everything composed with Pillow in DejaVu Sans
Bold. Content pictures are read through the file gate, and SVGs cleaned by
svg_clean as the images stage does, so a share picture shows exactly what
the page publishes.

Each picture is remembered (incremental.Reuse.picture) on the exact values
`draw()` is given (a `Job`: text, picture bytes, font), with the font's
hash, the layout constants (`LAYOUT`) and the renderers' versions: the same
inputs give the same bytes, reused or not. A picture drawn by the last build
from the same inputs is linked from its output, not drawn nor copied: no
cache file is written for a picture (writing two files each cost more than
half the drawing). The drawing itself, and the title rule: sharing/draw.py."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import WARNING, Diagnostic
from ..files import Gate, Limit, Refusal
from ..forking import map_in_workers
from ..model import Output, SiteGraph
from ..page_specs import PageSpec, node_image, page_specs
from ..svg_clean import UnsafeSvg, clean_svg
from .draw import LAYOUT, Job, draw_groups

# DejaVu Sans Bold where Debian/Ubuntu (fonts-dejavu-core), Fedora, Arch and
# macOS (Homebrew cask font-dejavu) put it.
FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "~/Library/Fonts/DejaVuSans-Bold.ttf",
    "/Library/Fonts/DejaVuSans-Bold.ttf",
)
KIND_LABELS = {
    "articles": "Article",
    "exercises": "Exercise",
    "routines": "Routine",
    "authors": "Author",
}
PARALLEL_FROM = 8  # pictures to draw before forked workers pay for themselves
# Default regions for bare languages whose country code is not the language code.
REGIONS = {
    "en": "US",
    "sv": "SE",
    "da": "DK",
    "nb": "NO",
    "nn": "NO",
    "ja": "JP",
    "ko": "KR",
    "zh": "CN",
    "el": "GR",
    "cs": "CZ",
    "uk": "UA",
    "he": "IL",
    "hi": "IN",
    "ar": "SA",
    "et": "EE",
    "sl": "SI",
    "ca": "ES",
    "eu": "ES",
    "ga": "IE",
    "vi": "VN",
    "fa": "IR",
}
LANGUAGE = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}))?(?:[-_].*)?$")


def og_locale(language: str) -> str:
    """The Open Graph locale (ll_CC) of a site language: 'en' -> 'en_US',
    'en-GB' -> 'en_GB', 'de' -> 'de_DE'; '' when it is not a language code."""
    match = LANGUAGE.match(language.strip())
    if match is None:
        return ""
    lang = match.group(1).lower()
    return f"{lang}_{(match.group(2) or REGIONS.get(lang, lang)).upper()}"


@dataclass(frozen=True)
class ShareCard:
    """What one page's share picture shows."""

    url: str  # the page's
    title: str
    label: str  # "Article · Lower back", or ""
    picture: str | None  # a content image, e.g. images/x.svg
    picture_alt: str | None


def share_card(spec: PageSpec, graph) -> ShareCard | None:
    """The share picture of a page, or None for a page without one. `graph`
    is the site graph or a view of it (generator/view.py: every read recorded)."""
    if spec.noindex:  # the 404 page, drafts and scheduled articles in the preview
        return None
    cfg = graph.config
    node = graph.get(spec.node.kind, spec.node.slug) if spec.node is not None else None
    title = (cfg.voice.tagline or cfg.description or spec.title) if spec.kind == "home" else ""
    label, picture, alt = "", None, None
    if node is not None:
        areas = [cfg.body_areas.get(a, a) for a in node.areas]
        label = " · ".join(x for x in [KIND_LABELS.get(node.kind, ""), ", ".join(areas)] if x)
        picture, alt = _picture(node, graph)
    elif "term" in spec.vars:
        label = "Topic" if spec.vars["term"].taxonomy == "tags" else "Body area"
    return ShareCard(spec.url, title or spec.title, label, picture, alt)


def _picture(node, graph) -> tuple[str | None, str | None]:
    """The page's own picture (page_specs.node_image); a routine shows its first exercise's."""
    if node.kind == "routines" and node.steps:
        return _picture(graph.get("exercises", node.steps[0].exercise), graph)
    return node_image(node)


def share_alt(card: ShareCard, site: str) -> str:
    """The picture's alt text: what it says and what it shows."""
    shown = f" {card.picture_alt.strip()}" if card.picture_alt else ""
    end = "" if shown.endswith((".", "!", "?")) or not shown else "."
    return f"{card.title} — {site}.{shown}{end}"


def share_pictures(
    graph: SiteGraph,
    images: dict,
    project: Path,
    reuse=None,
    workers: int = 1,
    held: bool = False,
) -> tuple[list[Output], list[Diagnostic]]:
    """The share picture of every page that has one; none when `held` (the
    content has mistakes: the site will not be written). `images`: the
    images stage's infos (a picture it refused is left out). With `reuse`
    (an incremental.Reuse), a picture the last build drew from the same
    inputs is taken from it."""
    if held:
        return [], []
    content = project / "content"
    font = next((p for p in map(os.path.expanduser, FONT_PATHS) if os.path.isfile(p)), None)
    if font is None:
        return [], [_missing_font()]
    with open(font, "rb") as handle:
        font_sha = hashlib.sha256(handle.read()).hexdigest()
    cards = [card for card in map(lambda s: share_card(s, graph), page_specs(graph)) if card]
    pictures = _read_pictures(graph, {c.picture for c in cards if c.picture in images}, content)
    versions = _versions()
    outputs: list[Output] = []
    misses: list[tuple[int, bytes, Job, ShareCard]] = []
    for card in cards:
        data = pictures.get(card.picture)
        job = Job(card.title, card.label, graph.config.title, data, _is_svg(card.picture), font)
        path = graph.urls.output_path(graph.urls.share_image(card.url))
        inputs = reuse.inputs((LAYOUT, job, font_sha, versions)) if reuse else b""
        known = reuse.picture(path, inputs) if reuse else None
        if known is None:
            misses.append((len(outputs), inputs, job, card))
        outputs.append(known or Output(path, None))
    drawn = _draw_all([job for _, _, job, _ in misses], workers)
    problems = []
    for (index, inputs, _, card), (data, problem) in zip(misses, drawn, strict=True):
        outputs[index] = Output(outputs[index].path, data)
        if problem:  # drawn without its picture, and not cached: said again next build
            problems.append(
                Diagnostic(
                    f"content/{card.picture}",
                    None,
                    f"the share picture of {card.url} is drawn without "
                    f"this image: it cannot be rasterised ({problem}); re-export it",
                    severity=WARNING,
                    code="bad-image",
                )
            )
        elif reuse:
            reuse.keep_picture(outputs[index].path, inputs, data)
    return outputs, problems


def _draw_all(jobs: list[Job], workers: int) -> list[tuple[bytes, str | None]]:
    """Every job drawn, in order. Pictures with the same background (an
    exercise's drawing, a routine's, the brand mark) are drawn side by side,
    so each worker rasterises a background once, not once per stride."""
    if len(jobs) < PARALLEL_FROM or workers < 2:
        return draw_groups([tuple(jobs)])[0]
    order = sorted(range(len(jobs)), key=lambda i: (jobs[i].svg, jobs[i].picture or b""))
    count = workers * 4
    size = -(-len(order) // count)
    slices = [order[k : k + size] for k in range(0, len(order), size)]
    groups = [tuple(jobs[i] for i in piece) for piece in slices]
    drawn: list = [None] * len(jobs)
    for piece, pictures in zip(slices, map_in_workers(draw_groups, groups, workers), strict=True):
        for i, picture in zip(piece, pictures, strict=True):
            drawn[i] = picture
    return drawn


def _missing_font() -> Diagnostic:
    return Diagnostic(
        FONT_PATHS[0],
        None,
        "share pictures are drawn in DejaVu Sans Bold, which is not installed: install it "
        "(Debian and Ubuntu: apt-get install fonts-dejavu-core; Fedora: dnf install "
        "dejavu-sans-fonts; macOS: brew install --cask font-dejavu)",
        code="missing-font",
    )


def _is_svg(rel: str | None) -> bool:
    return bool(rel) and rel.lower().endswith(".svg")


def _read_pictures(graph: SiteGraph, wanted: set[str], content: Path) -> dict[str, bytes]:
    """The bytes of each picture a share picture shows, as the site
    publishes them: read through the file gate, SVGs cleaned."""
    gate = Gate(content.parent)
    limit = Limit(graph.config.limits.image_kb * 1024, "site.toml [limits] image_kb", "")
    found: dict[str, bytes] = {}
    for rel in sorted(wanted):
        try:
            data = gate.read(content / rel, limit)
            found[rel] = clean_svg(data)[0] if _is_svg(rel) else data
        except (Refusal, UnsafeSvg):  # the images stage has reported it
            continue
    return found


def _versions() -> tuple[str, ...]:
    import resvg_py
    from PIL import __version__, features

    return (
        resvg_py.__version__,
        resvg_py.__resvg_version__,
        __version__,
        features.version("freetype2") or "",
        features.version("zlib") or "",
    )
