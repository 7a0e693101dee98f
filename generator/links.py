"""The prehab link syntax in Markdown: `[[slug]]`, `[[slug|label]]`,
`[@study]`, `[@a; @b]` and images `![alt](path)`, and every address a body
writes (inline and reference-style links, autolinks, raw HTML `href`, `src`
and `srcset`). Finds them with their file lines (skipping code), for
resolve; markup uses the same patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from .remembered import remembered
from .sanitize import ATTRS, IMAGE_ATTRS, TAGS, feed_leniently, srcset_urls

WIKI_LINK = re.compile(r"\[\[\s*([^\]|]+?)\s*(?:\|\s*([^\]]+?)\s*)?\]\]")
CITATION = re.compile(r"\[(@[^\]\[]+)\]")
CITATION_ID = re.compile(r"^@([A-Za-z0-9][A-Za-z0-9_.:-]*)$")
IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\n]*?)>?(?:\s+\"[^\"]*\")?\s*\)")
AUTOLINK = re.compile(r"<((?:[a-zA-Z][a-zA-Z0-9+.-]*:|[/\\]{2})[^>\s]+)>")
# A reference definition, `[ref]: address` (also in a quote or a list item;
# `[^1]:` is a footnote, not a link).
REFERENCE = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d+[.)])[ \t]+)?\[(?!\^)[^\]]+\]:[ \t]*<?([^\s>]+)>?")
INLINE_CODE = re.compile(r"(`+)(?:.+?)\1")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class Ref:
    kind: str  # "link" ([[slug]]) | "cite" | "image" | "url" (any other address)
    target: str
    line: int
    label: str = ""  # a [[slug]]'s label, an image's alt; for a url, IMAGE_SOURCE or ""


IMAGE_SOURCE = "image"  # the label of a url that a raw <img> or <source> loads


class _RawUrls(HTMLParser):
    """The addresses of the elements and attributes the sanitiser keeps."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []  # (column, url, label)

    def handle_starttag(self, tag, attrs):
        allowed = ATTRS["*"] | ATTRS.get(tag, set())
        for name, value in attrs:
            if tag not in TAGS or name not in allowed or not value:
                continue
            label = IMAGE_SOURCE if (tag, name) in IMAGE_ATTRS else ""
            column = self.getpos()[1]
            if name == "srcset":
                self.found.extend((column, url, label) for url in srcset_urls(value))
            elif name in ("href", "src"):
                self.found.append((column, value, label))


def _raw_urls(text: str) -> list[tuple[int, str, str]]:
    parser = _RawUrls()
    feed_leniently(parser, AUTOLINK.sub(lambda m: " " * len(m.group(0)), text))
    return parser.found


_MARKER = re.compile(r"[ \t]*\[(@[^\]\[]+)\]")  # a citation with the space before it


def without_citations(markdown: str) -> str:
    """`markdown` with its `[@id]` markers (and the space before each) taken
    out; code spans and fenced blocks are left as they are."""

    def strip(text: str) -> str:
        return _MARKER.sub(lambda m: "" if citation_ids(m.group(1)) else m.group(0), text)

    lines, fence = [], None
    for line in markdown.split("\n"):
        opening = FENCE.match(line)
        if fence or opening:
            marks = opening.group(1) if opening else ""
            if fence is None:
                fence = marks
            elif marks[:1] == fence[0] and len(marks) >= len(fence):
                fence = None
            lines.append(line)
            continue
        kept, last = [], 0
        for m in INLINE_CODE.finditer(line):
            kept += [strip(line[last : m.start()]), m.group(0)]
            last = m.end()
        lines.append("".join(kept) + strip(line[last:]))
    return "\n".join(lines)


def citation_ids(inner: str) -> list[str] | None:
    """'@a; @b' -> ['a', 'b']; None when the text is not a citation."""
    ids = []
    for part in inner.split(";"):
        match = CITATION_ID.match(part.strip())
        if not match:
            return None
        ids.append(match.group(1))
    return ids


@remembered
def find_refs(markdown: str, first_line: int) -> tuple[Ref, ...]:
    """Every link, citation and image in a Markdown text, in reading order.
    A pure function, remembered between builds (generator/remembered.py)."""
    refs: list[Ref] = []
    fence = None
    for offset, line in enumerate(markdown.split("\n")):
        number = first_line + offset
        opening = FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        if ("[" not in line and "<" not in line) or (
            line.startswith(("    ", "\t")) and not line.strip().startswith(("-", "*", "1"))
        ):
            continue
        text = INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)
        found = []
        if "<" in text:
            for m in AUTOLINK.finditer(text):
                found.append((m.start(), Ref("url", m.group(1), number)))
            for column, url, label in _raw_urls(text):
                found.append((column, Ref("url", url, number, label)))
        if "[" not in text:
            refs.extend(ref for _, ref in sorted(found, key=lambda pair: pair[0]))
            continue
        reference = REFERENCE.match(text)
        if reference:
            found.append((reference.start(1), Ref("url", reference.group(1), number)))
        for m in WIKI_LINK.finditer(text):
            found.append((m.start(), Ref("link", m.group(1), number, m.group(2) or "")))
        for m in CITATION.finditer(text):
            ids = citation_ids(m.group(1))
            for study in ids or ():
                found.append((m.start(), Ref("cite", study, number)))
        for m in IMAGE.finditer(text):
            found.append((m.start(), Ref("image", m.group(2), number, m.group(1))))
        for m in LINK.finditer(text):
            found.append((m.start(), Ref("url", m.group(1), number)))
        refs.extend(ref for _, ref in sorted(found, key=lambda pair: pair[0]))
    return tuple(refs)
