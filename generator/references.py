"""Part of stage 3, resolve: the check of every reference a document makes
(authors, exercises, routines, studies, body areas, images, `[[slug]]` links,
`[@id]` citations, URLs in bodies), each mistake a diagnostic at its line.
resolve.py builds the graph on top of these checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from .config import BuildOptions, SiteConfig
from .diagnostics import WARNING, Diagnostic, did_you_mean
from .links import IMAGE_SOURCE, find_refs
from .model import Body
from .sanitize import image_host, raw_html_problems, url_policy
from .urls import KIND_NAMES, RESERVED, Urls
from .validate import Document, ValidContent


class References:
    def __init__(
        self, content: ValidContent, config: SiteConfig, options: BuildOptions, today: dt.date
    ):
        self.content = content
        self.config = config
        self.options = options
        self.today = today
        self.urls = Urls(config.base_path)
        self.problems: list[Diagnostic] = []
        self.studies = {entry.id: entry.study for entry in content.studies}
        self.all_docs = {(d.kind, d.slug): d for d in content.documents}
        self.published = {key: d for key, d in self.all_docs.items() if self._is_published(d)}
        self.slug_owner: dict[str, Document] = {}
        self.cited: set[str] = set()
        self.featured: set[str] = set()  # exercises featured by documents not published
        self.blind = False  # a document could not be read: what it uses is unknown
        self.image_refs: dict[str, tuple[str, int]] = {}
        self.borrowed: dict[str, tuple] = {}  # exercise slug -> (its Feature, the links in it)

    def _is_published(self, doc: Document) -> bool:
        if getattr(doc.meta, "draft", None) and not self.options.drafts:
            return False
        date = getattr(doc.meta, "date", None)
        if doc.kind == "articles" and date and date > self.today and not self.options.future:
            return False
        return True

    def error(self, doc: Document | str, line: int | None, message: str, code: str) -> None:
        path = doc if isinstance(doc, str) else doc.path
        self.problems.append(Diagnostic(path, line, message, code=code))

    # -- checks ---------------------------------------------------------
    def check_slugs(self) -> None:
        for doc in sorted(self.published.values(), key=lambda d: d.path):
            other = self.slug_owner.get(doc.slug)
            if other:
                self.error(
                    doc,
                    1,
                    f"duplicate slug '{doc.slug}': {other.path} uses it too, so "
                    f"[[{doc.slug}]] would be ambiguous; rename one of the files",
                    "duplicate-slug",
                )
            else:
                self.slug_owner[doc.slug] = doc
            if doc.kind == "pages" and doc.slug in RESERVED:
                self.error(
                    doc,
                    1,
                    f"a page may not be called '{doc.slug}': /{doc.slug}/ "
                    "belongs to the site itself; rename the file",
                    "reserved-slug",
                )

    def ref(self, doc: Document, kind: str, slug: str, line: int) -> bool:
        """Check that `doc` may point at (kind, slug); report why not."""
        if (kind, slug) in self.published:
            return True
        if (kind, slug) in self.content.failed:
            return False  # its own errors are reported already
        name = KIND_NAMES[kind]
        target = self.all_docs.get((kind, slug))
        if target is not None and getattr(target.meta, "draft", False):
            self.error(
                doc,
                line,
                f"{name} '{slug}' is a draft, so it is not published: publish it "
                f"(draft: false in {target.path}) or remove the reference",
                "unpublished-ref",
            )
        elif target is not None:
            self.error(
                doc,
                line,
                f"{name} '{slug}' is scheduled for {target.meta.date.isoformat()} and is not "
                "published until then: remove the reference, or add it on that day",
                "unpublished-ref",
            )
        else:
            known = [
                s for (k, s) in self.all_docs | dict.fromkeys(self.content.failed) if k == kind
            ]
            self.error(
                doc,
                line,
                f"unknown {name} '{slug}': create content/{kind}/{slug}.md "
                f"or fix the name{did_you_mean(slug, known, name + 's')}",
                "unknown-ref",
            )
        return False

    def known_slugs(self) -> set[str]:
        """Every slug an editor has written a file for, published or not."""
        return {
            s for (k, s) in self.all_docs | dict.fromkeys(self.content.failed) if k != "studies"
        }

    def study(self, doc: Document, study_id: str, line: int) -> bool:
        if study_id in self.studies:
            self.cited.add(study_id)
            return True
        if ("studies", study_id) in self.content.failed:
            return False
        self.error(
            doc,
            line,
            f"unknown study '{study_id}': add it to content/studies.yml or "
            f"fix the id{did_you_mean(study_id, self.studies, 'studies')}",
            "unknown-study",
        )
        return False

    def areas(self, doc: Document, areas: tuple[str, ...]) -> tuple[str, ...]:
        good = []
        for i, area in enumerate(areas):
            if area in self.config.body_areas:
                good.append(area)
            else:
                self.error(
                    doc,
                    doc.line_of(("body_areas", i)),
                    f"unknown body area '{area}': the areas are listed in content/site.toml under "
                    f"[body_areas]{did_you_mean(area, self.config.body_areas, 'body areas')}",
                    "unknown-area",
                )
        return tuple(good)

    def image(self, doc: Document, src: str, line: int, field: str) -> None:
        path = src.lstrip("/")
        # Only a body's images ("image") may come from a host site.toml allows.
        hosts = self.config.images.allowed_hosts if field == "image" else None
        found = url_policy(src, image=True, allowed_hosts=hosts)
        if found:
            self.error(doc, line, f"{field} {found[1]}", found[0])
        elif image_host(src):
            return  # an allowed host's: loaded by the reader's browser, not copied
        elif path in self.content.images:
            self.image_refs.setdefault(path, (doc.path, line))
        else:
            close = did_you_mean(path, self.content.images, "images")
            self.error(
                doc,
                line,
                f"missing image '{src}': image paths are relative to "
                f"content/, e.g. images/exercises/goblet-squat.svg{close}",
                "missing-image",
            )

    def body_refs(
        self, doc: Document, body: Body, citations: list[str], links: set, front: bool = False
    ) -> None:
        """Check the references of `body`; `front`: it is a front-matter value."""
        for line, what in raw_html_problems(body.markdown, body.first_line):
            self.problems.append(
                Diagnostic(
                    doc.path,
                    line,
                    f"removed unsafe HTML: {what}; content may not carry "
                    "scripts, event handlers, styles, frames or forms",
                    severity=WARNING,
                    code="unsafe-html",
                )
            )
        for ref in find_refs(body.markdown, body.first_line):
            if front:
                ref = replace(ref, line=_written_line(doc, body.first_line, ref))
            if ref.kind == "cite":
                if self.study(doc, ref.target, ref.line) and ref.target not in citations:
                    citations.append(ref.target)
            elif ref.kind == "link":
                owner = self.slug_owner.get(ref.target)
                if owner is not None:
                    links.add((owner.kind, owner.slug))
                elif any(
                    s == ref.target for (_, s) in self.all_docs | dict.fromkeys(self.content.failed)
                ):
                    kind = next(
                        k
                        for (k, s) in self.all_docs | dict.fromkeys(self.content.failed)
                        if s == ref.target
                    )
                    self.ref(doc, kind, ref.target, ref.line)
                else:
                    self.error(
                        doc,
                        ref.line,
                        f"unknown link [[{ref.target}]]: [[...]] takes the file "
                        "name (without .md) of an article, exercise, routine or "
                        f"page{did_you_mean(ref.target, self.known_slugs(), 'slugs')}",
                        "unknown-link",
                    )
            elif ref.kind == "url":
                image = ref.label == IMAGE_SOURCE  # a raw <img src>, not a link
                hosts = self.config.images.allowed_hosts
                found = url_policy(ref.target, image=image, allowed_hosts=hosts)
                if found:
                    self.error(
                        doc, ref.line, f"{'image' if image else 'link'} {found[1]}", found[0]
                    )
            elif ref.kind == "image":
                self.image(doc, ref.target, ref.line, "image")
                if not ref.label.strip():
                    self.error(
                        doc,
                        ref.line,
                        f"image '{ref.target}' has no alt text: write what it shows between "
                        f"the brackets, e.g. ![A runner stretching a calf]({ref.target})",
                        "missing-alt",
                    )


def _written_line(doc: Document, first_line: int, ref) -> int:
    """The file line where a reference inside a front-matter value stands:
    YAML joins a folded value's lines, so the value's own text cannot say."""
    needle = ("@" if ref.kind == "cite" else "") + ref.target
    lines = doc.front_text.split("\n")
    for index in range(max(first_line - 2, 0), len(lines)):
        if needle in lines[index]:
            return index + 2  # the front matter starts at file line 2
    return ref.line
