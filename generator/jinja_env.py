"""Stage 5, render (its Jinja environment): the template texts of the
project's templates/ over the built-in theme (generator/theme.py), read once
per build (the static files aside), and the environment that renders pages
and cards from them: autoescaping, StrictUndefined, prehab's filters, and a
record of every template a render loads (a page's memo trace includes them)."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from .diagnostics import Diagnostic
from .files import STATIC_LIMIT, TEMPLATE_LIMIT, Found, Gate, Refusal
from .outline import in_outline_order, sections
from .theme import from_theme, layers, theme_file
from .view import Reads


def read_templates(folder: Path) -> tuple[dict[str, str], list[Diagnostic]]:
    """Every template of the project's templates/ (`folder`, which need not
    exist) and, beneath it, of the built-in theme (the static files aside),
    by name, read once per build through the file gate: a project's file
    hides the theme's of the same name. Pages render from these texts, and
    a page's memo trace records the ones it loaded. The static files are
    only listed here, so that a link out of the project, a pipe or a file
    over the cap among them stops the build before anything reads them
    (assets.theme_assets reads them later, and has no way to report)."""
    sources: dict[str, str] = {}
    problems: list[Diagnostic] = []
    seen: set[str] = set()  # names the project has, static files included
    for layer, gate, is_theme in layers(folder):
        found, trouble = gate.walk(layer)
        for file in found:
            if file.rel in seen:
                continue
            seen.add(file.rel)
            if file.rel.startswith("static/"):
                too_large = gate.too_large(file, STATIC_LIMIT)
                trouble.extend([too_large] if too_large else [])
                continue
            text, problem = _read_template(gate, file)
            if problem:
                trouble.append(problem)
            else:
                sources[file.rel] = text
        problems += [from_theme(d) for d in trouble] if is_theme else trouble
    return dict(sorted(sources.items())), problems


def _read_template(gate: Gate, file: Found) -> tuple[str, Diagnostic | None]:
    """A template's text, or why it cannot be used."""
    try:
        data = gate.read(file.path, TEMPLATE_LIMIT)
    except Refusal as refusal:
        return "", refusal.diagnostic()
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        why = "this template is not valid UTF-8 text; save it as UTF-8"
        return "", Diagnostic(f"templates/{file.rel}", line, why, code="template-error")


class _Sources(jinja2.BaseLoader):
    """Templates from the texts read for this build. Each keeps the name of
    the file it came from (the project's templates/x.html, or the theme's),
    so that template errors point at templates/x.html:LINE."""

    def __init__(self, folder: Path, sources: dict[str, str]):
        self.folder, self.sources = folder, sources

    def get_source(self, environment, name):
        if name not in self.sources:
            raise jinja2.TemplateNotFound(name)
        return self.sources[name], str(theme_file(self.folder, name)), lambda: True

    def list_templates(self):
        return sorted(self.sources)


class _Environment(jinja2.Environment):
    """Records every template a render loads (extends, include, import) into
    `reads`, the memo trace of the page being rendered."""

    reads: Reads | None = None

    def _load_template(self, name, globals):
        if self.reads is not None and isinstance(name, str):
            self.reads.add(("templates", name))
        return super()._load_template(name, globals)


def make_environment(
    folder: Path, sources: dict[str, str], bytecode_cache: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    """The one Jinja environment of the site; `bytecode_cache` (reuse machinery)
    only saves compiling templates whose source it has seen."""
    env = _Environment(
        bytecode_cache=bytecode_cache,
        loader=_Sources(folder, sources),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["longdate"] = lambda d: f"{d.day} {d:%B %Y}"
    env.filters["isodate"] = lambda d: d.isoformat()
    env.filters["json_ld"] = _json_ld
    env.filters["qr_code"] = qr_code
    env.filters["keep_units"] = keep_units
    env.filters["counted"] = counted
    env.filters["sections"] = sections
    env.filters["outline_order"] = in_outline_order
    return env


@functools.lru_cache(maxsize=1024)
def qr_code(url: str) -> str:
    """The filter `qr_code`: a card's address ('site.example/routines/x') as
    a QR code, an SVG data URI. Encoding takes 9-45 ms and every card shows
    it at each layout and page size, so it is made once per address."""
    import segno

    return segno.make(f"https://{url}/", error="m").svg_data_uri(scale=4, border=0, dark="#1d2a30")


def _json_ld(data) -> Markup:
    """JSON for a <script> element: serialised, with '<', '>' and '&' escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


# A number and what follows it (a unit, "x", "times", "minutes"), and "3 x 10", never
# broken across lines: "rest 90⏎s" reads as a different dose.
_UNIT = re.compile(
    r"(\d)\s+(?=(?:x|×|s|min|minutes?|seconds?|reps?|sets?|times|kg|km|weeks?)\b|\d)"
)
_TIMES = re.compile(r"(?<=\d)\s+(x|×)\s+(?=\d)")


def keep_units(text: str) -> str:
    """`text` with no-break spaces inside each number-and-unit."""
    return _UNIT.sub("\\1\u00a0", _TIMES.sub("\u00a0\\1\u00a0", str(text)))


def counted(number: int, word: str, plural: str | None = None) -> str:
    """'1 article', '2 articles': the number and the word that agrees with it."""
    return f"{number} {word if number == 1 else plural or word + 's'}"
