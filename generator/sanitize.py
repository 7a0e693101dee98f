"""One policy for everything content can put in a page (markup stage):
URLs (normalised, then only https, http, mailto and site paths; an image
from another site only from a host `[images] allowed_hosts` in site.toml
names), and raw HTML in Markdown, cleaned with the nh3 allow-list sanitiser.
`url_policy` is the one URL check: resolve applies it to every address it
finds in the Markdown source (to report it at its line), and `clean_html`
applies it again to every href, src and srcset of the final HTML (to drop
whatever the source scan could not see). What is removed is reported, so
editors know."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from .remembered import remembered

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
# `<https://x.example/>` and `<me@x.example>`: Markdown links, not elements.
AUTOLINK_OR_MAIL = re.compile(
    r"<(?:[a-zA-Z][a-zA-Z0-9+.-]*:|[/\\]{2})[^<>\s]*>|<[^<>\s!@]+@[^<>\s@]+>"
)
# Each attribute that makes the browser load an image (not follow a link).
IMAGE_ATTRS = {("img", "src"), ("img", "srcset"), ("source", "srcset")}
# Schemes nh3 itself lets through to `url_policy`, which then refuses all
# but ALLOWED_SCHEMES with a reason (any other scheme nh3 drops on its own).
_SEEN_SCHEMES = ALLOWED_SCHEMES | {"javascript", "vbscript", "data", "file", "blob", "ftp"}


def url_problem(raw: str) -> str | None:
    """Why a content URL is refused, or None. Decodes entities and strips
    control characters and spaces first, as browsers do, so 'java&#115;cript:'
    or ' JaVa\\tScRiPt:' are caught."""
    text = _normalised(raw)
    if len(text) >= 2 and set(text[:2]) <= {
        "/",
        "\\",
    }:  # '//host', '\\\\host', '/\\host', '\\/host'
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


def _normalised(raw: str) -> str:
    """A URL as a browser reads it: entities decoded, controls and spaces gone."""
    return CONTROL.sub("", html.unescape(raw))


def image_host(raw: str) -> str | None:
    """The other site an image address loads from ('images.example.org'),
    or None for a path on this site. Call after `url_problem` found nothing."""
    text = _normalised(raw)
    if urlsplit(text).scheme.lower() in ("http", "https"):
        return (urlsplit(text).hostname or "").lower()
    return None


def url_policy(
    raw: str, image: bool = False, allowed_hosts: tuple[str, ...] | None = None
) -> tuple[str, str] | None:
    """The one URL policy: (code, why) when content may not use `raw` as a
    link or, with `image`, as an image source; None when it may. An image
    from another site is allowed only from `allowed_hosts` (site.toml
    `[images] allowed_hosts`); None: no host may be allowed (front matter,
    whose images the build resizes and prints)."""
    problem = url_problem(raw)
    if problem:
        return "unsafe-url", problem
    if not image:
        return None
    if _normalised(raw).lower().startswith("mailto:"):
        return "unsafe-url", f"'{raw}' is not an image address; use a path under content/images/"
    host = image_host(raw)
    if host is None or host in (allowed_hosts or ()):
        return None
    allow = (
        f', or allow its host in content/site.toml: [images] allowed_hosts = ["{host}"]'
        if allowed_hosts is not None
        else ""
    )
    return "external-image", (
        f"'{raw}' loads from {host}, another site, in every reader's browser (the site "
        f"makes no outside requests): copy the image under content/images/ and use its path{allow}"
    )


def srcset_urls(value: str) -> list[str]:
    """The address of each candidate of a srcset ('a.png 1x, b.png 2x')."""
    return [part.split()[0] for part in value.split(",") if part.strip()]


def attribute_policy(
    tag: str, name: str, value: str, allowed_hosts: tuple[str, ...] = ()
) -> tuple[str, str, str] | None:
    """(code, why, url) when an attribute of a content element carries a
    URL the policy refuses (href, src, srcset); None otherwise, and for an
    element or attribute the sanitiser removes anyway."""
    if name not in URL_ATTRS and name != "srcset":
        return None
    if tag not in TAGS or name not in ATTRS["*"] | ATTRS.get(tag, set()):
        return None
    image = (tag, name) in IMAGE_ATTRS
    for url in srcset_urls(value) if name == "srcset" else [value]:
        found = url_policy(url, image, allowed_hosts)
        if found:
            return found[0], found[1], url
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
        for name, _ in attrs:  # a refused URL is an error, reported with the links
            if name not in allowed:
                self.removed.append(f"'{name}' attribute on <{tag}>")


def feed_leniently(parser: HTMLParser, text: str) -> None:
    """parser.feed(text) for an editor's raw text. Python 3.11's HTMLParser
    raises AssertionError on a malformed declaration (']#<![    - <', found
    by the fuzz test): what came before it is read, the rest is not taken for
    HTML here (nh3, which cleans every converted body, keeps it as text)."""
    try:
        parser.feed(text)
    except AssertionError:
        pass


@remembered
def raw_html_problems(markdown: str, first_line: int) -> tuple[tuple[int, str], ...]:
    """(line, what) for each piece of raw HTML the sanitiser will remove.
    A pure function, remembered like the link scan."""
    problems, fence = [], None
    for offset, line in enumerate(markdown.split("\n")):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            fence = None if fence else stripped[:3]
            continue
        if fence or "<" not in line:
            continue
        parser = _RawHtml()
        feed_leniently(parser, AUTOLINK_OR_MAIL.sub("", re.sub(r"`[^`]*`", "", line)))
        problems += [(first_line + offset, what) for what in parser.removed]
    return tuple(problems)


def clean_html(fragment: str, allowed_hosts: tuple[str, ...] = ()) -> tuple[str, list]:
    """The fragment through nh3, and each URL the policy refused in it as
    (code, why, url): the refused attribute is left out. This is the one
    place every href, src and srcset of a body passes after Markdown
    (inline, reference-style, autolinks, raw HTML, attribute lists)."""
    refused: list[tuple[str, str, str]] = []

    def keep(tag: str, name: str, value: str) -> str | None:
        found = attribute_policy(tag, name, value, allowed_hosts)
        if found is None:
            return value
        refused.append(found)
        return None

    cleaned = nh3.clean(
        fragment,
        tags=TAGS,
        attributes=ATTRS,
        url_schemes=_SEEN_SCHEMES,
        link_rel=None,
        strip_comments=True,
        attribute_filter=keep,
    )
    return cleaned, refused
