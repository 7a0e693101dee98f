"""Stage 4, markup: Markdown bodies to HTML with Python-Markdown, plus two
inline extensions that substitute already-resolved `[[slug]]` links and
`[@id]` citations (code spans and blocks are left alone), and content image
paths rewritten to site URLs. Reads the site graph, never changes it."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from .forking import map_in_workers
from .links import WIKI_LINK, citation_ids
from .sanitize import clean_html
from .dependencies import Memo, digest
from .model import Body, Node, SiteGraph


@dataclass
class _Page:
    """What the extensions need while converting the bodies of one page."""

    graph: SiteGraph
    images: dict = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    cite_count: int = 0


class _WikiLink(InlineProcessor):
    def __init__(self, page_ref):
        super().__init__(WIKI_LINK.pattern)
        self.page_ref = page_ref

    def handleMatch(self, m, data):
        graph = self.page_ref().graph
        node = graph.by_slug.get(m.group(1).strip())
        if node is None:  # resolve has reported it; never reached in a good build
            return None, None, None
        a = etree.Element("a", {"href": node.url, "class": f"xref xref-{node.kind}"})
        a.text = m.group(2) or node.title
        return a, m.start(0), m.end(0)


class _Citation(InlineProcessor):
    def __init__(self, page_ref):
        super().__init__(r"\[(@[^\]\[]+)\]")
        self.page_ref = page_ref

    def handleMatch(self, m, data):
        ids = citation_ids(m.group(1))
        page = self.page_ref()
        if not ids or any(i not in page.numbers for i in ids):
            return None, None, None
        page.cite_count += 1
        sup = etree.Element("sup", {"class": "cite", "id": f"cite-{page.cite_count}"})
        for k, study_id in enumerate(ids):
            if k:
                sep = etree.SubElement(sup, "span", {"class": "cite-sep"})
                sep.text = ","
            number = page.numbers[study_id]
            a = etree.SubElement(sup, "a", {"href": f"#ref-{number}", "role": "doc-noteref", "aria-label": f"Reference {number}"})
            a.text = str(number)
        return sup, m.start(0), m.end(0)


class _Polish(Treeprocessor):
    """Content image paths become site URLs, and a citation hugs the word
    before it ('did [@x]' renders as 'did¹', not 'did ¹')."""

    def __init__(self, md, page_ref):
        super().__init__(md)
        self.page_ref = page_ref

    def run(self, root):
        page = self.page_ref()
        for parent in list(root.iter()):
            for index, img in enumerate(list(parent)):
                if img.tag != "img":
                    continue
                src = img.get("src", "").lstrip("/")
                info = page.images.get(src)
                img.set("src", info.url if info else page.graph.urls.asset(src))
                img.set("loading", "lazy")
                img.set("decoding", "async")
                if info is None:
                    continue
                img.set("width", str(info.width))
                img.set("height", str(info.height))
                if info.same or info.webp:
                    sizes = "(min-width: 45rem) 42rem, 100vw"
                    picture = etree.Element("picture")
                    picture.tail, img.tail = img.tail, None
                    if info.webp:
                        etree.SubElement(picture, "source", {"type": "image/webp", "srcset": info.srcset(info.webp), "sizes": sizes})
                    if info.same:
                        img.set("srcset", info.srcset(info.same))
                        img.set("sizes", sizes)
                    parent.remove(img)
                    picture.append(img)
                    parent.insert(index, picture)
        for parent in root.iter():
            previous = None
            for child in parent:
                if child.tag == "sup" and child.get("class") == "cite":
                    if previous is None:
                        parent.text = (parent.text or "").rstrip(" \t")
                    else:
                        previous.tail = (previous.tail or "").rstrip(" \t")
                previous = child


class _PrehabSyntax(Extension):
    def __init__(self, page_ref):
        super().__init__()
        self.page_ref = page_ref

    def extendMarkdown(self, md):
        md.inlinePatterns.register(_WikiLink(self.page_ref), "prehab-link", 176)
        md.inlinePatterns.register(_Citation(self.page_ref), "prehab-cite", 175)
        md.treeprocessors.register(_Polish(md, self.page_ref), "prehab-polish", 5)


class Markup:
    """One Markdown converter, reused for every body of a build."""

    def __init__(self, graph: SiteGraph, images: dict):
        self.images = images
        self.page = _Page(graph, images)
        self._node: Node | None = None
        self.md = markdown.Markdown(
            extensions=["extra", "sane_lists", "smarty", "toc", _PrehabSyntax(lambda: self.page)],
            extension_configs={"toc": {"permalink": False, "toc_depth": "2-3"}},
            output_format="html",
        )

    def html(self, body: Body, node: Node, graph: SiteGraph) -> str:
        if self._node is not node:
            self._node = node
            self.page = _Page(graph, self.images, {sid: i for i, sid in enumerate(node.citations, start=1)})
        self.md.reset()
        return clean_html(self.md.convert(body.markdown))

    def inline(self, text: str, node: Node, graph: SiteGraph) -> str:
        """A one-paragraph Markdown field (a 'why') without the <p> wrapper."""
        html = self.html(Body(text, node.path, 1), node, graph)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            return html[3:-4]
        return html


PARALLEL_FROM = 200  # bodies to convert before a process pool pays for itself


def _convert(converter: Markup, node: Node, graph: SiteGraph) -> dict:
    parts = {("body",): converter.html(node.body, node, graph)}
    if node.why is not None:
        parts[("why",)] = converter.inline(node.why.markdown, node, graph)
    for i, feature in enumerate(node.features):
        parts[("feature", i)] = converter.inline(feature.why.markdown, node, graph)
    return parts


_WORKER: dict = {}  # per worker process only: its converter, set once by _start_worker


def _start_worker(graph: SiteGraph, images: dict) -> None:
    """Runs in each forked worker: the graph arrives by fork, not by pickling."""
    _WORKER["graph"], _WORKER["converter"] = graph, Markup(graph, images)


def _convert_chunk(keys) -> list[dict]:
    graph, converter = _WORKER["graph"], _WORKER["converter"]
    return [_convert(converter, graph.by_key[key], graph) for key in keys]


def render_markup(graph: SiteGraph, memo: Memo, fingerprints: dict, images: dict, workers: int = 1) -> tuple[dict[tuple, str], int]:
    """HTML for every Markdown body in the graph, keyed (kind, slug, part),
    and how many nodes were converted (the rest come from `memo`). Many
    conversions are spread over `workers` forked processes, merged in order."""
    image_state = digest(sorted(images.items()))
    keyed = []
    for node in graph.by_key.values():
        key = (node.kind, node.slug)
        keyed.append((key, digest(fingerprints[key], [(k, graph.get(*k).title, graph.get(*k).url) for k in node.links_to], image_state)))
    missing = [key for key, memo_key in keyed if memo_key not in memo.markup]
    if workers > 1 and len(missing) >= PARALLEL_FROM:
        converted = dict(zip(missing, map_in_workers(_convert_chunk, missing, workers, _start_worker, (graph, images))))
    else:
        converter = Markup(graph, images)
        converted = {key: _convert(converter, graph.by_key[key], graph) for key in missing}
    html: dict[tuple, str] = {}
    done: dict[str, dict] = {}
    for key, memo_key in keyed:
        parts = converted.get(key) or memo.markup[memo_key]
        done[memo_key] = parts
        for part, value in parts.items():
            html[key + part] = value
    memo.markup = done
    return html, len(missing)
