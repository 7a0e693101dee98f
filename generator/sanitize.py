"""One policy for everything content can put in a page (markup stage):
URLs (normalised, then only https, http, mailto and site paths), and raw
HTML in Markdown, cleaned with the nh3 allow-list sanitiser. What is removed
is reported as a warning at its source line, so editors know."""

from __future__ import annotations

import functools
import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

ALLOWED_SCHEMES = {"http", "https", "mailto"}
CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]+")
TAGS = set(nh3.ALLOWED_TAGS) | {
    "figure",
    "figcaption",
    "details",
    "summary",
    "kbd",
    "picture",
    "source",
    "mark",
}
GLOBAL_ATTRS = {
    "id",
    "class",
    "title",
    "role",
    "lang",
    "aria-label",
    "aria-hidden",
    "aria-describedby",
}
ATTRS = {
    "*": GLOBAL_ATTRS,
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes"},
    "source": {"type", "srcset", "sizes"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "scope", "align"},
    "time": {"datetime"},
    "abbr": {"title"},
}
URL_ATTRS = {"href", "src"}


def url_problem(raw: str) -> str | None:
    """Why a content URL is refused, or None. Decodes entities and strips
    control characters and spaces first, as browsers do, so 'java&#115;cript:'
    or ' JaVa\\tScRiPt:' are caught."""
    text = CONTROL.sub("", html.unescape(raw))
    if text.startswith("//") or text.startswith("\\\\") or text.startswith("/\\"):
        return f"'{raw}' is a protocol-relative address (it leaves the site); write it in full with https://"
    scheme = urlsplit(text).scheme.lower() if ":" in text.split("/", 1)[0] else ""
    if scheme and scheme not in ALLOWED_SCHEMES:
        return (
            f"'{raw}' uses '{scheme}:', which is not allowed; links may only be https, http, "
            "mailto or paths on this site"
        )
    if scheme in ("http", "https"):
        host = urlsplit(text).hostname or ""
        if not host or ("." not in host and host != "localhost") or " " in raw.strip():
            return f"'{raw}' is not a complete web address; write it in full, e.g. https://example.org/page"
    return None


class _RawHtml(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.removed: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in TAGS:
            self.removed.append(f"<{tag}> element")
            return
        allowed = ATTRS["*"] | ATTRS.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                self.removed.append(f"'{name}' attribute on <{tag}>")
            elif name in URL_ATTRS and value and url_problem(value):
                self.removed.append(f"{name}={value!r} on <{tag}> ({url_problem(value)})")


@functools.lru_cache(maxsize=50_000)
def raw_html_problems(markdown: str, first_line: int) -> tuple[tuple[int, str], ...]:
    """(line, what) for each piece of raw HTML the sanitiser will remove.
    A pure function, memoised like the link scan."""
    problems, fence = [], None
    for offset, line in enumerate(markdown.split("\n")):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            fence = None if fence else stripped[:3]
            continue
        if fence or "<" not in line:
            continue
        parser = _RawHtml()
        parser.feed(re.sub(r"`[^`]*`", "", line))
        problems += [(first_line + offset, what) for what in parser.removed]
    return tuple(problems)


def clean_html(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=TAGS,
        attributes=ATTRS,
        url_schemes=ALLOWED_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
