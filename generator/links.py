"""The prehab link syntax in Markdown: `[[slug]]`, `[[slug|label]]`,
`[@study]`, `[@a; @b]` and images `![alt](path)`. Finds them with their file
lines (skipping code), for resolve; markup uses the same patterns."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

WIKI_LINK = re.compile(r"\[\[\s*([^\]|]+?)\s*(?:\|\s*([^\]]+?)\s*)?\]\]")
CITATION = re.compile(r"\[(@[^\]\[]+)\]")
CITATION_ID = re.compile(r"^@([A-Za-z0-9][A-Za-z0-9_.:-]*)$")
IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\n]*?)>?(?:\s+\"[^\"]*\")?\s*\)")
AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]+)>")
INLINE_CODE = re.compile(r"(`+)(?:.+?)\1")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class Ref:
    kind: str  # "link" ([[slug]]) | "cite" | "image" | "url" (a Markdown link)
    target: str
    line: int
    label: str = ""


def citation_ids(inner: str) -> list[str] | None:
    """'@a; @b' -> ['a', 'b']; None when the text is not a citation."""
    ids = []
    for part in inner.split(";"):
        match = CITATION_ID.match(part.strip())
        if not match:
            return None
        ids.append(match.group(1))
    return ids


@functools.lru_cache(maxsize=50_000)
def find_refs(markdown: str, first_line: int) -> tuple[Ref, ...]:
    """Every link, citation and image in a Markdown text, in reading order.
    A pure function, memoised: the dev server asks again for unchanged bodies."""
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
        if "[" not in line or (
            line.startswith(("    ", "\t")) and not line.strip().startswith(("-", "*", "1"))
        ):
            continue
        text = INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)
        found = []
        for m in WIKI_LINK.finditer(text):
            found.append((m.start(), Ref("link", m.group(1), number, m.group(2) or "")))
        for m in CITATION.finditer(text):
            ids = citation_ids(m.group(1))
            for study in ids or ():
                found.append((m.start(), Ref("cite", study, number)))
        for m in IMAGE.finditer(text):
            found.append((m.start(), Ref("image", m.group(2), number, m.group(1))))
        for pattern in (LINK, AUTOLINK):
            for m in pattern.finditer(text):
                found.append((m.start(), Ref("url", m.group(1), number)))
        refs.extend(ref for _, ref in sorted(found, key=lambda pair: pair[0]))
    return tuple(refs)
