"""Stage 4, markup: Markdown bodies to HTML with Python-Markdown, plus two
inline extensions that substitute already-resolved `[[slug]]` links and
`[@id]` citations (code spans and blocks are left alone), and content image
paths rewritten to site URLs. Each node's Markdown goes in as a plain
`BodyJob`; the extensions look up link targets and images through the site
view (generator/view.py), so every value a body's HTML depends on is either
in its job or recorded as a read.

Text from elsewhere (a linked page's title) goes in as an AtomicString, so
Markdown never parses it: the serialiser escapes it. Every body's final HTML
passes the sanitiser and the one URL policy (generator/sanitize.py); an
address the policy refuses there that resolve did not report at its line
(it was written where the line scan cannot see it) fails the build here."""

from __future__ import annotations

import html as html_text
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .diagnostics import Diagnostic
from .forking import map_in_workers
from .inline_passes import PatternsWhereNeeded, WhereNeededSmarty
from .links import IMAGE_SOURCE, WIKI_LINK, citation_ids, find_refs
from .markdown_guard import too_deep_message
from .model import Body, Node, SiteGraph
from .sanitize import clean_html, url_policy
from .view import Reads, SiteView, Sources


@dataclass(frozen=True)
class BodyJob:
    """Everything of one node that its bodies' HTML is made from."""

    kind: str
    slug: str
    body: Body
    why: Body | None  # exercises: why it works (one paragraph)
    features: tuple[Body, ...]  # articles: each featured exercise's own 'why'
    citations: tuple[str, ...]  # study ids, numbered in this order
    base_path: str
    image_hosts: tuple[str, ...] = ()  # site.toml [images] allowed_hosts

    @classmethod
    def of(cls, node: Node, base_path: str, image_hosts: tuple[str, ...] = ()) -> BodyJob:
        return cls(
            node.kind,
            node.slug,
            node.body,
            node.why,
            tuple(f.why for f in node.features),
            node.citations,
            base_path,
            image_hosts,
        )


@dataclass
class _Page:
    """What the extensions need while converting the bodies of one node."""

    view: SiteView
    numbers: dict[str, int] = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)  # citation marker ids, in reading order
    seen: dict[int, int] = field(default_factory=dict)  # reference number -> markers so far


class _WikiLink(InlineProcessor):
    def __init__(self, page_ref):
        super().__init__(WIKI_LINK.pattern)
        self.page_ref = page_ref

    def handleMatch(self, m, data):
        node = self.page_ref().view.by_slug(m.group(1).strip())
        if node is None:  # resolve has reported it; never reached in a good build
            return None, None, None
        a = etree.Element("a", {"href": node.url, "class": f"xref xref-{node.kind}"})
        # The label is the editor's Markdown, here; the title is plain text from
        # another file: never parsed as Markdown or HTML, escaped when serialised
        # ('&' first: the serialiser leaves '&name;' alone, taking it for an entity).
        title = _CONTROL.sub("", node.title).replace("&", "&amp;")
        a.text = m.group(2) or AtomicString(title)
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
        sup = etree.Element("sup", {"class": "cite"})
        for k, study_id in enumerate(ids):
            if k:
                sep = etree.SubElement(sup, "span", {"class": "cite-sep"})
                sep.text = ","
            number = page.numbers[study_id]
            # Each marker its own id, for the reference's back-links: cite-1-a, cite-1-b...
            page.seen[number] = page.seen.get(number, 0) + 1
            marker = f"cite-{number}-{_letters(page.seen[number])}"
            page.markers.append(marker)
            a = etree.SubElement(
                sup,
                "a",
                {
                    "id": marker,
                    "href": f"#ref-{number}",
                    "role": "doc-noteref",
                    "aria-label": f"Reference {number}",
                },
            )
            a.text = str(number)
        return sup, m.start(0), m.end(0)


def _letters(n: int) -> str:
    """1 -> 'a', 26 -> 'z', 27 -> 'aa': the n-th citation of one reference."""
    word = ""
    while n:
        n, rest = divmod(n - 1, 26)
        word = chr(ord("a") + rest) + word
    return word


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
                img.set("loading", "lazy")
                img.set("decoding", "async")
                written = img.get("src", "")
                if urlsplit(written).scheme or written.startswith(("//", "\\")):
                    continue  # another site's (the URL policy decides) or refused
                src = written.lstrip("/")
                info = page.view.mapping("images").get(src)
                img.set("src", info.url if info else page.view.urls.asset(src))
                if info is None:
                    continue
                img.set("width", str(info.width))
                img.set("height", str(info.height))
                if info.same or info.webp:
                    sizes = "(min-width: 45rem) 42rem, 100vw"
                    picture = etree.Element("picture")
                    picture.tail, img.tail = img.tail, None
                    if info.webp:
                        etree.SubElement(
                            picture,
                            "source",
                            {
                                "type": "image/webp",
                                "srcset": info.srcset(info.webp),
                                "sizes": sizes,
                            },
                        )
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

    def __init__(self):
        self.page: _Page | None = None
        self.md = markdown.Markdown(
            extensions=[
                "extra",
                "sane_lists",
                WhereNeededSmarty(),
                "toc",
                _PrehabSyntax(lambda: self.page),
                PatternsWhereNeeded(),
            ],
            extension_configs={"toc": {"permalink": False, "toc_depth": "2-3"}},
            output_format="html",
        )

    def convert(self, job: BodyJob, view: SiteView) -> dict:
        """The HTML parts of one node: ("body",), ("why",), ("feature", i),
        converted in reading order (an exercise's "why it works" stands
        above its body), and ("cites",): the ids of its citation markers in
        that order, space-separated, for the references' back-links.
        The addresses the URL policy refused in them, and resolve did not
        report, are left in `refused` as diagnostics."""
        self.page = _Page(view, {sid: i for i, sid in enumerate(job.citations, start=1)})
        self.refused: list[Diagnostic] = []
        self.hosts = job.image_hosts
        parts = {("why",): self._inline(job.why)} if job.why is not None else {}
        parts[("body",)] = self._html(job.body)
        for i, why in enumerate(job.features):
            parts[("feature", i)] = self._inline(why)
        parts[("cites",)] = " ".join(self.page.markers)
        return parts

    def _html(self, body: Body) -> str:
        self.md.reset()
        html, refused = clean_html(self.md.convert(body.markdown), self.hosts)
        if refused:
            self.refused.extend(_unreported(body, refused, self.hosts))
        return html

    def _inline(self, body: Body) -> str:
        """A one-paragraph Markdown field (a 'why') without the <p> wrapper."""
        html = self._html(body)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            return html[3:-4]
        return html


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # Markdown's own markers among them


def _unreported(body: Body, refused: list, hosts: tuple[str, ...]) -> list[Diagnostic]:
    """A diagnostic for each address the sanitiser's URL policy refused in
    `body`'s HTML but that resolve's line scan did not report (an address
    Markdown or the sanitiser rewrote is matched by its letters and digits)."""

    def letters(url: str) -> str:
        return re.sub(r"[^0-9a-z]", "", html_text.unescape(url).lower())

    scanned = [
        letters(ref.target)
        for ref in find_refs(body.markdown, body.first_line)
        if ref.kind in ("url", "image")
        and url_policy(ref.target, ref.kind == "image" or ref.label == IMAGE_SOURCE, hosts)
    ]
    problems = []
    for code, why, url in refused:
        key = letters(url)
        if any(key and seen and (key in seen or seen in key) for seen in scanned):
            continue
        what = "image" if code == "external-image" else "address"
        problems.append(Diagnostic(body.path, _line_of(body, url), f"{what} {why}", code=code))
    return problems


def _line_of(body: Body, url: str) -> int | None:
    """The line of `body` that wrote `url`, as a Markdown or HTML address
    (entities decoded), else None (the file)."""
    lines = body.markdown.split("\n")
    for written in (f"({url}", f"]: {url}", f'="{url}"', f"='{url}'", f"<{url}>", url):
        for offset, line in enumerate(lines):
            if written in line or written in html_text.unescape(line):
                return body.first_line + offset
    return None


def _blank(job: BodyJob) -> dict[tuple, str]:
    """Empty HTML for every part of a body that could not be converted (its
    mistake is reported; the site is not written), so pages still render
    and their other mistakes are still found."""
    parts = {("body",): "", ("cites",): ""} | ({("why",): ""} if job.why is not None else {})
    return parts | {("feature", i): "" for i in range(len(job.features))}


PARALLEL_FROM = 200  # bodies to convert before a process pool pays for itself
_WORKER: dict = {}  # per worker process only: its converter, set once by _start_worker


def _start_worker(sources: Sources, jobs: list[BodyJob]) -> None:
    """Runs in each forked worker: the graph and jobs arrive by fork, not by pickling."""
    _WORKER.update(sources=sources, jobs=jobs, converter=Markup())


def _convert_chunk(indexes: list[int]) -> list[tuple[dict | None, tuple, tuple[Diagnostic, ...]]]:
    sources, jobs, converter = _WORKER["sources"], _WORKER["jobs"], _WORKER["converter"]
    results = []
    for index in indexes:
        reads, job = Reads(), jobs[index]
        try:
            parts = converter.convert(job, SiteView(sources, reads))
            results.append((parts, reads.keys, tuple(converter.refused)))
        except (RecursionError, MemoryError) as exc:  # a body nested beyond any reason
            converter = _WORKER["converter"] = Markup()  # its state is half-way: start anew
            where = (job.body.path, job.body.first_line)
            results.append(
                (None, (), (Diagnostic(*where, too_deep_message(exc), code="too-complex"),))
            )
    return [(parts, tuple(keys), problems) for parts, keys, problems in results]


def render_markup(
    graph: SiteGraph, images: dict, reuse=None, workers: int = 1
) -> tuple[dict[tuple, str], list[Diagnostic]]:
    """HTML for every Markdown body in the graph, keyed (kind, slug, part),
    and the mistakes only conversion finds (a body nested too deep, an
    address the final-HTML check refuses).
    With `reuse` (an incremental.Reuse), a node whose job and recorded reads
    are unchanged keeps its HTML from the last build. Many conversions are
    spread over `workers` forked processes, merged in order."""
    sources = Sources(graph, images=images)
    hosts = graph.config.images.allowed_hosts
    jobs = [BodyJob.of(node, graph.urls.base_path, hosts) for node in graph.by_key.values()]
    inputs = [reuse.inputs(job) if reuse else "" for job in jobs]
    done = [
        reuse.body((job.kind, job.slug), key, sources) if reuse else None
        for job, key in zip(jobs, inputs, strict=True)
    ]
    missing = [i for i, parts in enumerate(done) if parts is None]
    if workers > 1 and len(missing) >= PARALLEL_FROM:
        converted = map_in_workers(_convert_chunk, missing, workers, _start_worker, (sources, jobs))
    else:
        _start_worker(sources, jobs)
        try:
            converted = _convert_chunk(missing)
        finally:
            _WORKER.clear()
    problems = [problem for _, _, found in converted for problem in found]
    html: dict[tuple, str] = {}
    for index, (parts, reads, found) in zip(missing, converted, strict=True):
        done[index] = parts if parts is not None else _blank(jobs[index])
        if reuse and not found:  # a body with mistakes is converted again until fixed
            reuse.keep_body(
                (jobs[index].kind, jobs[index].slug), inputs[index], reads, sources, parts
            )
    for job, parts in zip(jobs, done, strict=True):
        for part, value in parts.items():
            html[(job.kind, job.slug) + part] = value
    return html, problems
