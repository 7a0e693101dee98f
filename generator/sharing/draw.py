"""Drawing one share picture (part of generator/sharing): the page's title,
label and site name in DejaVu Sans Bold beside its picture (an SVG
rasterised by resvg, or a photo, cropped to fill the right-hand panel,
centred), composed with Pillow into a 1200 x 630 PNG. A pure function of
its `Job` and `LAYOUT`: the same values, the same bytes (no PNG metadata,
fixed compression; a picture without a photo in it is stored with a
256-colour palette, half the bytes and a third of the time). The palette is
made once per background (its own colours, plus the blends of each text
colour with what it is drawn on), so each picture is only mapped to it, not
quantised anew: 1 ms instead of 8. Text is drawn straight onto the
background already in that palette, each pixel the blend its coverage
gives (_PalettePen), rather than drawn in full colour and mapped.

Title rule: the title wraps on spaces at the largest size at which it fits
on at most three lines, balanced (as even lines as that many allow); at the
smallest size, words that do not fit on the third line are dropped and the
line ends with "…". A single word too wide for a whole line at the
smallest size is the only thing ever cut inside a word, and it too ends
with "…". The label and the site name are one line each, cut with "…"."""

from __future__ import annotations

import functools
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

ELLIPSIS = "…"


@dataclass(frozen=True)
class Layout:
    """Every constant of the drawing, in pixels and theme colours (part of each cache key)."""

    size: tuple[int, int] = (1200, 630)
    panel: int = 540  # the picture's width on the right; the text has the rest
    pad: int = 64
    title_sizes: tuple[int, ...] = (64, 60, 56, 52, 48, 44)
    max_lines: int = 3
    line_height: float = 1.18
    label_size: int = 24
    site_size: int = 32
    mark_size: int = 48
    teal: str = "#0f5257"
    teal_light: str = "#176a70"
    sand: str = "#f2e8dc"
    paper: str = "#fffdf9"
    orange: str = "#e07a3f"
    ink: str = "#1d2a30"
    # zlib's run-length strategy suits flat colours: 1.7 ms a picture at 19 KB (its
    # default strategy at level 6: 4.4 ms for 16 KB); the row filters take most of it
    compress_level: int = 1
    compress_type: int = 3  # zlib.Z_RLE
    palette: int = 224  # a background's own colours, in a picture without a photo in it
    blends: int = 16  # steps between each text colour and what it is drawn on
    # the brand mark of templates/base.html, in two colours
    mark: str = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="{s}" height="{s}">'
        '<circle cx="16" cy="16" r="15" fill="{circle}"/><path d="M9 20c3-1 4-6 7-6s3 5 7 4" '
        'stroke="{wave}" stroke-width="2.6" fill="none" stroke-linecap="round"/></svg>'
    )


LAYOUT = Layout()
# each text colour and what it is drawn on, in the order their blends follow a
# background's own colours in its palette (the title and site name; the label)
BLENDS = ((LAYOUT.sand, LAYOUT.teal), (LAYOUT.ink, LAYOUT.orange))


@dataclass(frozen=True)
class Job:
    """Everything `draw()` draws from (with LAYOUT): the cache key is made of it."""

    title: str
    label: str
    site: str
    picture: bytes | None  # cleaned SVG or image file bytes
    svg: bool
    font: str  # the font file's path (its bytes' hash goes into the key beside)


def draw_groups(groups: list[tuple[Job, ...]]) -> list[list[tuple[bytes, str | None]]]:
    """Each group's pictures, with what they share (fonts, backgrounds) made once."""
    memo: dict[tuple, object] = {}
    return [[draw(job, memo) for job in group] for group in groups]


def draw(job: Job, memo: dict) -> tuple[bytes, str | None]:
    """The PNG, and why the page's picture could not be drawn in it. `memo`
    keeps what pictures of one chunk share: fonts, marks, backgrounds."""
    from PIL import Image

    def once(key: tuple, make):
        if key not in memo:
            memo[key] = make()
        return memo[key]

    def font(size: int):
        return once(("font", size), lambda: _Face(job.font, size))

    L = LAYOUT
    background, text_width, problem, palette = once(
        ("background", job.picture, job.svg), lambda: _background(job)
    )
    if palette is None:  # a photo: drawn in full colour
        canvas = background.copy()
        pen = _ColourPen(canvas)
    else:  # flat colours: drawn straight onto the background mapped to its palette
        flat = once(
            ("flat", job.picture, job.svg),
            lambda: background.quantize(palette=palette, dither=Image.Dither.NONE),
        )
        canvas = flat.copy()
        pen = _PalettePen(canvas)
    top = L.pad
    if job.label:
        small = font(L.label_size)
        label = _fit_line(job.label.upper(), small, text_width - 32)
        box = (L.pad, top, L.pad + small.getlength(label) + 32, top + L.label_size + 24)
        pen.box(box, (box[3] - box[1]) // 2, L.orange)
        pen.text((L.pad + 16, top + 12), label, small.face, L.ink, L.orange)
        top = box[3]
    size, lines = title_lines(job.title, font, text_width)
    step = round(size * L.line_height)
    footer = L.size[1] - L.pad - L.mark_size
    y = top + (footer - top - step * len(lines)) // 2
    for line in lines:
        pen.text((L.pad, y), line, font(size).face, L.sand, L.teal)
        y += step
    site = _fit_line(job.site, font(L.site_size), text_width - L.mark_size - 16)
    middle = footer + L.mark_size // 2
    pen.text((L.pad + L.mark_size + 16, middle), site, font(L.site_size).face, L.sand, L.teal, "lm")
    out = io.BytesIO()
    # no text chunks, no time
    canvas.save(out, "PNG", compress_level=L.compress_level, compress_type=L.compress_type)
    return out.getvalue(), problem


class _ColourPen:
    """Shapes and text on a full-colour canvas."""

    def __init__(self, canvas):
        from PIL import ImageDraw

        self.draw = ImageDraw.Draw(canvas)

    def box(self, box: tuple, radius: int, colour: str) -> None:
        self.draw.rounded_rectangle(box, radius=radius, fill=colour)

    def text(self, xy, text: str, face, colour: str, under: str, anchor=None) -> None:
        self.draw.text(xy, text, font=face, fill=colour, anchor=anchor)


class _PalettePen:
    """Shapes and text on a canvas already in _palette()'s colours: each
    text pixel takes the blend of the text colour with what it is drawn on
    that its coverage gives, as mapping a full-colour drawing to the
    palette would, without mapping the whole picture (1.4 ms of 5.7)."""

    def __init__(self, canvas):
        from PIL import ImageDraw

        self.canvas = canvas
        self.draw = ImageDraw.Draw(canvas)

    def box(self, box: tuple, radius: int, colour: str) -> None:
        # a flat colour: the first blend of a text colour drawn on it
        text = next((t for t, under in BLENDS if under == colour), None)
        self.draw.rounded_rectangle(box, radius=radius, fill=_blend_index(text, colour))

    def text(self, xy, text: str, face, colour: str, under: str, anchor=None) -> None:
        from PIL import Image, ImageDraw

        left, top, right, bottom = self.draw.textbbox(xy, text, font=face, anchor=anchor)
        if right <= left or bottom <= top:
            return
        coverage = Image.new("L", (right - left, bottom - top))
        ImageDraw.Draw(coverage).text(
            (xy[0] - left, xy[1] - top), text, font=face, fill=255, anchor=anchor
        )
        # on Pillow's core images: Image.point() rounds its table anew on every call,
        # and Image.paste() would convert an "L" image to the palette by its grey
        # values, where the core paste copies the indexes as they are
        shades = coverage.im.point(_shades(_blend_index(colour, under)), None)
        inked = coverage.im.point(_INKED, None)
        self.canvas.im.paste(shades, (left, top, right, bottom), inked)


_INKED = [255 if c else 0 for c in range(256)]  # where a glyph covers anything


@functools.cache
def _shades(base: int) -> list[int]:
    """Coverage (0-255) -> the palette index of the blend step it gives."""
    steps = LAYOUT.blends - 1
    return [base + round(c * steps / 255) for c in range(256)]


def _blend_index(colour: str, under: str) -> int:
    """The palette index of the first blend of `colour` drawn on `under`:
    `under` itself (BLENDS' order). Raises ValueError for a pair not there."""
    return LAYOUT.palette + BLENDS.index((colour, under)) * LAYOUT.blends


class _Face:
    """A font at one size that remembers the width of every text it measured
    (the title rule measures the same lines many times)."""

    def __init__(self, path: str, size: int):
        from PIL import ImageFont

        self.face = ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)
        self.widths: dict[str, float] = {}

    def getlength(self, text: str) -> float:
        width = self.widths.get(text)
        if width is None:
            width = self.widths[text] = self.face.getlength(text)
        return width


def _background(job: Job):
    """The picture's part of the drawing, and the brand mark: (canvas, the
    text's width, why the picture could not be drawn, the palette of a
    picture without a photo in it or None)."""
    from PIL import Image

    L = LAYOUT
    width, height = L.size
    canvas = Image.new("RGB", L.size, L.teal)
    picture, problem = None, None
    if job.picture is not None:
        try:
            picture = _fitted(job, (L.panel, height))
        except (ValueError, OSError, ET.ParseError) as exc:
            problem = str(exc)
    if picture is not None:
        canvas.paste(Image.new("RGB", (L.panel, height), L.paper), (width - L.panel, 0))
        canvas.paste(picture, (width - L.panel, 0), picture)
        text_width = width - L.panel - 2 * L.pad
    else:  # the brand mark, large, where a picture would be
        big = _mark(round(height * 0.9), L.teal_light, L.teal)
        canvas.paste(big, (width - round(height * 0.72), round(height * 0.05)), big)
        text_width = width - round(height * 0.72) - 2 * L.pad
    small = _mark(L.mark_size, L.sand, L.teal)
    canvas.paste(small, (L.pad, height - L.pad - L.mark_size), small)
    flat = job.picture is None or job.svg or problem
    return canvas, text_width, problem, _palette(canvas) if flat else None


def _palette(background):
    """A palette image for pictures drawn on `background`: its own colours,
    then each text colour blended in steps with the colour it is drawn on
    (sand on teal for the title and site name, ink on orange for the label)."""
    from PIL import Image

    L = LAYOUT
    # its colours from a quarter-size copy: the same flat colours, in a sixteenth of the time
    # (quantising the whole background took 8 ms for each picture an exercise has)
    own = background.reduce(4).quantize(L.palette, method=Image.Quantize.FASTOCTREE)
    colours = own.getpalette()[: 3 * L.palette]
    colours += [0] * (3 * L.palette - len(colours))
    for text, under in BLENDS:
        a, b = _rgb(text), _rgb(under)
        for step in range(L.blends):
            t = step / (L.blends - 1)
            colours += [round(b[i] + (a[i] - b[i]) * t) for i in range(3)]
    palette = Image.new("P", (1, 1))
    palette.putpalette(colours)
    return palette


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _fitted(job: Job, box: tuple[int, int]):
    """The picture cropped to fill `box` (centred), as RGBA."""
    from PIL import Image, ImageOps

    if not job.svg:
        with Image.open(io.BytesIO(job.picture)) as image:
            return ImageOps.fit(image.convert("RGBA"), box, Image.LANCZOS)
    return _svg_image(_sized_svg(job.picture, box), job.font)


def _sized_svg(data: bytes, box: tuple[int, int]) -> str:
    """The SVG drawn at `box`, filling it: its viewBox kept (or made from its
    width and height), sliced to the box's shape."""
    root = ET.fromstring(data)
    if not root.get("viewBox"):
        w, h = (re.sub(r"[^0-9.]", "", root.get(k, "") or "") for k in ("width", "height"))
        if not (w and h):
            raise ValueError("the SVG has neither a viewBox nor a width and height")
        root.set("viewBox", f"0 0 {w} {h}")
    root.set("width", str(box[0]))
    root.set("height", str(box[1]))
    root.set("preserveAspectRatio", "xMidYMid slice")
    return ET.tostring(root, encoding="unicode")


def _svg_image(svg: str, font: str):
    import resvg_py
    from PIL import Image

    fonts = [font] if font else None  # text in an SVG: DejaVu, never whatever the system has
    png = resvg_py.svg_to_bytes(svg_string=svg, skip_system_fonts=True, font_files=fonts)
    with Image.open(io.BytesIO(bytes(png))) as image:
        return image.convert("RGBA")


def _mark(size: int, circle: str, wave: str):
    return _svg_image(LAYOUT.mark.format(s=size, circle=circle, wave=wave), "")


def title_lines(title: str, font, width: int) -> tuple[int, list[str]]:
    """The largest title size whose lines fit, and the lines (the rule: module docstring)."""
    words = title.split()
    for size in LAYOUT.title_sizes:
        lines = _wrap(words, font(size), width)
        if lines is not None and len(lines) <= LAYOUT.max_lines:
            return size, _balanced(words, font(size), width, lines)
    size = LAYOUT.title_sizes[-1]
    face = font(size)
    words = [_fit_line(w, face, width) for w in words]
    lines = _wrap(words, face, width) or []
    if len(lines) > LAYOUT.max_lines:
        kept = lines[: LAYOUT.max_lines]
        last = kept[-1].split()
        while len(last) > 1 and face.getlength(" ".join(last) + ELLIPSIS) > width:
            last.pop()
        kept[-1] = _fit_line(" ".join(last).rstrip(",;:.") + ELLIPSIS, face, width)
        lines = kept
    return size, lines


def _balanced(words: list[str], face, width: int, lines: list[str]) -> list[str]:
    """The same number of lines, as even as they go (no word left alone on
    the last line): wrapped at the narrowest width that still gives as many."""
    low, high = 1, width
    while low < high:
        middle = (low + high) // 2
        tried = _wrap(words, face, middle)
        if tried is not None and len(tried) <= len(lines):
            high = middle
        else:
            low = middle + 1
    return _wrap(words, face, low) or lines


def _wrap(words: list[str], face, width: int) -> list[str] | None:
    """Greedy lines of `words` no wider than `width`; None when a word alone is wider."""
    lines: list[str] = []
    for word in words:
        if face.getlength(word) > width:
            return None
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fit_line(text: str, face, width: int) -> str:
    """`text`, or as much of it as fits with "…" after it."""
    if face.getlength(text) <= width:
        return text
    while text and face.getlength(text + ELLIPSIS) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS
