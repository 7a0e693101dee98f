"""The link gate: every site link, image and `#fragment` a content body
writes (inline `[x](/path/)`, reference-style, raw `<a href>` and
`<img src>`) must land on a file of the built site and, with a fragment, on
an element id of the target page. It runs in compile_site after the pages
are rendered, the first point where every output file and id exists, so a
broken link fails the build at its source line. The same checker serves
`prehab check`, which also runs it over the template-made links of every page.

The gate reads only the bodies' HTML (every build has all of it, reused or
not) and the output paths; a target page's ids are parsed only when a link
names a fragment on it. So it gives the same result with or without reuse."""

from __future__ import annotations

import difflib
import html as html_text
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from .diagnostics import Diagnostic
from .model import Body, Node, Output, SiteGraph

# Bodies are serialised by the sanitiser (generator/sanitize.py): attributes
# always as name="value", and '<' and '>' escaped in text and values alike. So
# a pattern finds the links, ten times faster than a parser over a thousand
# bodies. It leaves out the links markup makes itself, `[[slug]]` links to a
# resolved page and citation marks to the page's references (the templates'
# part, which `prehab check` checks over the whole page).
_BODY_LINK = re.compile(
    r'<a(?=\s)(?![^>]*\s(?:class="xref[ "]|role="doc-noteref"))[^>]*?\shref="([^"]*)"'
    r'|<img(?=\s)[^>]*?\ssrc="([^"]*)"'
)
_CLOSE_ID = 0.75  # how alike an id must be to be offered as "did you mean"


class PageLinks(HTMLParser):
    """The ids, links and images of one HTML page (any HTML, templates' too)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []  # (attribute, url)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "link" and "canonical" in (attrs.get("rel") or "")):
                self.refs.append((name, attrs[name]))


def page_links(data: bytes) -> PageLinks:
    parser = PageLinks()
    parser.feed(data.decode("utf-8"))
    parser.close()
    return parser


@dataclass
class Targets:
    """What a site link may point at: every output file, and the ids of each
    page, parsed from its bytes the first time a fragment asks for them."""

    graph: SiteGraph
    files: set[str]
    page_bytes: Callable[[str], bytes | None]
    data_cache: dict[str, bytes | None] = field(default_factory=dict)
    ids_cache: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, graph: SiteGraph, outputs: list[Output], copies, unbuilt=frozenset()) -> Targets:
        """`unbuilt`: files this run could not make (the pages of rejected
        documents): links to them are taken as good, their anchors unknown."""
        pages = {o.path: o for o in outputs if o.path.endswith(".html")}

        def page_bytes(path: str) -> bytes | None:
            page = pages.get(path)
            if page is None:
                return None
            # An unchanged page is the previous output's file, the same bytes.
            return page.data if page.data is not None else page.source.read_bytes()

        files = {o.path for o in outputs} | {c.path for c in copies} | set(unbuilt)
        return cls(graph, files, page_bytes)

    def has_id(self, path: str, fragment: str) -> bool | None:
        """Whether page `path` has an element with id `fragment` (None: not a
        page). A plain search of the bytes answers most fragments; only one it
        cannot find costs parsing the page."""
        if path not in self.data_cache:
            self.data_cache[path] = self.page_bytes(path)
        data = self.data_cache[path]
        if data is None:
            return None
        written = html_text.escape(fragment).encode()
        return _in_a_tag(data, b' id="' + written + b'"') or fragment in self.ids(path)

    def ids(self, path: str) -> set[str]:
        if path not in self.ids_cache:
            self.ids_cache[path] = page_links(self.data_cache[path]).ids
        return self.ids_cache[path]


def _in_a_tag(data: bytes, attribute: bytes) -> bool:
    """Whether `attribute` stands inside a tag of `data` (after a '<' with no
    '>' between: in text both are escaped). A byte search, fast enough to ask
    for every fragment of every body."""
    at = data.find(attribute)
    while at != -1:
        if data.rfind(b"<", 0, at) > data.rfind(b">", 0, at):
            return True
        at = data.find(attribute, at + 1)
    return False


def check_body_links(
    graph: SiteGraph, html: dict[tuple, str], targets: Targets
) -> list[Diagnostic]:
    """The gate: every broken link of every content body, at its source line."""
    problems = []
    for node in graph.by_key.values():
        page = graph.urls.output_path(node.url)
        for part, body in _parts(node):
            for url in body_urls(html.get((node.kind, node.slug) + part, "")):
                found = link_problem(url, page, targets)
                if found is not None:
                    message, code = found
                    problems.append(Diagnostic(*locate(node, url, page, body), message, code=code))
    return problems


def _parts(node: Node) -> list[tuple[tuple, Body]]:
    """The Markdown of each HTML part of a node (as markup keys them)."""
    parts = [(("body",), node.body)]
    if node.why is not None:
        parts.append((("why",), node.why))
    parts.extend((("feature", i), f.why) for i, f in enumerate(node.features))
    return parts


def body_urls(text: str) -> list[str]:
    """The href of each link and src of each image a body's text wrote."""
    return [html_text.unescape(href or src) for href, src in _BODY_LINK.findall(text)]


def link_problem(url: str, page: str, targets: Targets) -> tuple[str, str] | None:
    """(message, code) when a site link from `page` is broken, else None.
    External and other-scheme addresses are not this check's business."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    target = link_target(page, parts.path, targets.graph.urls.base_path)
    if target is None:
        return None
    if target not in targets.files:
        hint = _path_hint(url, target, targets)
        return f"broken link '{url}': no page or file at {parts.path}{hint}", "broken-link"
    fragment = unquote(parts.fragment)
    if not parts.fragment or targets.has_id(target, fragment) in (True, None):
        return None
    ids = sorted(targets.ids(target))
    close = difflib.get_close_matches(fragment, ids, n=1, cutoff=_CLOSE_ID)
    hint = f"; did you mean '#{close[0]}'?" if close else ""
    return (
        f"broken link '{url}': the page has no '#{parts.fragment}' "
        f"(no heading or element with that id){hint}",
        "broken-fragment",
    )


def _path_hint(url: str, target: str, targets: Targets) -> str:
    """A Markdown file named as a link becomes [[slug]]; a page address
    missing its trailing slash gets it."""
    if target.endswith(".md"):
        slug = posixpath.basename(target)[: -len(".md")]
        if slug in targets.graph.by_slug:
            return f"; link to the page with [[{slug}]]"
        return "; link to a page with [[slug]] (its file name without .md)"
    parts = urlsplit(url)
    if target + "/index.html" in targets.files:
        return f"; did you mean '{parts._replace(path=parts.path + '/').geturl()}'?"
    from_root = link_target("index.html", parts.path, "")
    if not parts.path.startswith("/") and from_root in targets.files:
        # A path written relative to content/ (as images are) but used as a link.
        return f"; did you mean '{targets.graph.urls.asset(parts.path)}'?"
    return ""


def link_target(page: str, link_path: str, base_path: str) -> str | None:
    """The output file a site link points at, or None for the page itself."""
    if not link_path:
        return page
    if link_path.startswith("/"):
        path = (
            link_path[len(base_path) :]
            if base_path and link_path.startswith(base_path)
            else link_path
        )
    else:
        path = posixpath.normpath(posixpath.join("/" + posixpath.dirname(page), link_path)) + (
            "/" if link_path.endswith("/") else ""
        )
    path = unquote(path).lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def locate(
    node: Node | None, url: str, page: str, body: Body | None = None
) -> tuple[str, int | None]:
    """The source line that produced a link: the line of `body` (by default
    the node's body) holding it, written as a Markdown or HTML address first,
    else the file (a link made from front matter), else the templates."""
    if node is None:
        return f"(generated page {page}, from the templates)", None
    body = body or node.body
    lines = body.markdown.split("\n")
    for written in (f"({url}", f"]: {url}", f'="{url}"', f"<{url}>", f"'{url}'", url):
        for offset, line in enumerate(lines):
            if written in line:
                return body.path, body.first_line + offset
    return node.path, None


def rejected_pages(graph: SiteGraph, failed) -> set[str]:
    """The pages of documents whose front matter was rejected: a link to one
    is not broken, the document is."""
    return {
        graph.urls.output_path(graph.urls.page(kind, slug))
        for kind, slug in failed
        if kind != "studies"
    }


def not_reported(problems: list[Diagnostic], earlier_errors: list[Diagnostic]) -> list[Diagnostic]:
    """The link gate's problems but those an earlier stage reported in the
    same file for the same address (a missing image or a `javascript:` link
    is one mistake, not two; the address is compared by its letters and
    digits, as Markdown and the sanitiser may have changed the rest)."""

    def address(message: str) -> str:
        quoted = message.split("'")[1] if message.count("'") >= 2 else ""
        return re.sub(r"[^0-9a-z]", "", quoted.lower())

    earlier: dict[str, set[str]] = {}
    for d in earlier_errors:
        if len(address(d.message)) >= 4:
            earlier.setdefault(d.path, set()).add(address(d.message))
    return [
        d
        for d in problems
        if not any(address(d.message).endswith(a) for a in earlier.get(d.path, ()))
    ]
