"""Part of stage 1, load: characters that do not belong in content text.
C0 control characters (but tab, newline and carriage return) are errors at
their line: they make feeds invalid XML and cannot be seen in an editor. They
are removed before parsing, so the rest of the file is still checked. Bidi
overrides and zero-width characters in titles and tags are warnings: they
can make a title or link read differently from what it is."""

from __future__ import annotations

import re
import unicodedata

from .diagnostics import WARNING, Diagnostic

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SHOWN = ("title", "name", "tags")  # the fields whose text is a page's name or a link's


def without_controls(rel: str, text: str, first_line: int = 1) -> tuple[str, list[Diagnostic]]:
    """`text` with its control characters removed, and an error for each line holding one."""
    problems = []
    for number, line in enumerate(text.split("\n"), start=first_line):
        found = _CONTROL.search(line)
        if found:
            problems.append(
                Diagnostic(
                    rel,
                    number,
                    f"line {number} holds an invisible control character "
                    f"(U+{ord(found.group()):04X}, column {found.start() + 1}); delete it "
                    "(it often comes from pasting out of a PDF or a word processor)",
                    code="control-character",
                    column=found.start() + 1,
                )
            )
    return (_CONTROL.sub("", text) if problems else text), problems


def invisible_warnings(source) -> list[Diagnostic]:
    """A warning for each title, name or tag holding a bidi override or a
    zero-width character."""
    if not isinstance(source.front, dict):
        return []
    problems = []
    for key in _SHOWN:
        value = source.front.get(key)
        values = value if isinstance(value, list) else [value]
        for index, text in enumerate(values):
            found = _INVISIBLE.search(text) if isinstance(text, str) else None
            if found:
                loc = (key, index) if isinstance(value, list) else (key,)
                name = unicodedata.name(found.group(), f"U+{ord(found.group()):04X}")
                problems.append(
                    Diagnostic(
                        source.path,
                        source.line_of(loc),
                        f"'{key}' holds an invisible character ({name.lower()}, "
                        f"U+{ord(found.group()):04X}) that can make it read differently "
                        "from what it is; delete it",
                        severity=WARNING,
                        code="invisible-character",
                    )
                )
    return problems
