"""Stage 3, resolve: turn validated documents into one immutable site graph.
Every reference (authors, exercises, routines, studies, body areas, images,
`[[slug]]` links, `[@id]` citations) is checked here, drafts and future
articles are filtered, doses fall back to the exercise's own and citations
are numbered. Backlinks, related pages and taxonomy terms, derived across all
nodes, are relations.py's."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from .config import BuildOptions, SiteConfig
from .diagnostics import WARNING, Diagnostic, did_you_mean
from .links import find_refs
from .model import Body, Dose, Feature, Node, SiteGraph, Step
from .relations import taxonomy_terms, with_backlinks, with_related
from .sanitize import raw_html_problems, url_problem
from .schema import FeaturedExercise
from .urls import KIND_NAMES, RESERVED, Urls, slugify
from .validate import Document, ValidContent


def resolve_site(
    content: ValidContent, config: SiteConfig, options: BuildOptions, today: dt.date
) -> tuple[SiteGraph, list[Diagnostic]]:
    return _Resolver(content, config, options, today).run()


class _Resolver:
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
        self.image_refs: dict[str, tuple[str, int]] = {}

    def _is_published(self, doc: Document) -> bool:
        if "draft" in type(doc.meta).model_fields and doc.meta.draft and not self.options.drafts:
            return False
        if doc.kind == "articles" and doc.meta.date > self.today and not self.options.future:
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
        if (kind, slug) in self.all_docs:
            self.error(
                doc,
                line,
                f"{name} '{slug}' is a draft or scheduled for later, so it is not published; "
                "publish it, remove the reference, or build with --drafts/--future",
                "unpublished-ref",
            )
        else:
            known = [s for (k, s) in self.published if k == kind]
            self.error(
                doc,
                line,
                f"unknown {name} '{slug}': create content/{kind}/{slug}.md "
                f"or fix the name{did_you_mean(slug, known, name + 's')}",
                "unknown-ref",
            )
        return False

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
        if url_problem(src):
            self.error(doc, line, f"{field} {url_problem(src)}", "unsafe-url")
        elif src.startswith(("http://", "https://", "//")):
            self.error(
                doc,
                line,
                f"{field} '{src}' points to another site; copy the image "
                "under content/images/ so the site makes no outside requests",
                "external-image",
            )
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

    def body_refs(self, doc: Document, body: Body, citations: list[str], links: set) -> None:
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
                        f"page{did_you_mean(ref.target, self.slug_owner, 'slugs')}",
                        "unknown-link",
                    )
            elif ref.kind == "url":
                problem = url_problem(ref.target)
                if problem:
                    self.error(doc, ref.line, f"link {problem}", "unsafe-url")
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

    # -- nodes ----------------------------------------------------------
    def node(self, doc: Document) -> Node:
        meta = doc.meta
        body = Body(doc.body, doc.path, doc.body_line)
        citations: list[str] = []
        links: set = set()
        fields: dict = {}
        if doc.kind == "exercises":
            why = Body(
                meta.why_it_works,
                doc.path,
                doc.line_of(("why_it_works",)) + (1 if "\n" in meta.why_it_works else 0),
            )
            self.body_refs(doc, why, citations, links)
            fields.update(why=why, dose=Dose(**meta.dose.model_dump()))
            if meta.image:
                self.image(doc, meta.image.src, doc.line_of(("image", "src")), "image.src")
        self.body_refs(doc, body, citations, links)
        if doc.kind == "articles":
            self.ref(doc, "authors", meta.author, doc.line_of(("author",)))
            links.add(("authors", meta.author))
            if meta.routine and self.ref(doc, "routines", meta.routine, doc.line_of(("routine",))):
                links.add(("routines", meta.routine))
            if meta.hero:
                self.image(doc, meta.hero.image, doc.line_of(("hero", "image")), "hero.image")
            features = []
            for i, item in enumerate(meta.exercises):
                item = (
                    item if isinstance(item, FeaturedExercise) else FeaturedExercise(exercise=item)
                )
                if self.ref(doc, "exercises", item.exercise, doc.line_of(("exercises", i))):
                    exercise = self.published[("exercises", item.exercise)]
                    if item.why is not None:
                        why = Body(item.why, doc.path, doc.line_of(("exercises", i, "why")))
                    else:
                        why = Body(
                            exercise.meta.why_it_works,
                            exercise.path,
                            exercise.line_of(("why_it_works",)),
                        )
                    self.body_refs(doc if item.why is not None else exercise, why, citations, links)
                    features.append(Feature(item.exercise, why))
                    links.add(("exercises", item.exercise))
            tag_slugs = []
            for i, tag in enumerate(meta.tags):
                if not slugify(tag):
                    self.error(
                        doc,
                        doc.line_of(("tags", i)),
                        f"tag '{tag}' has no letters or digits to make a URL from; use a word",
                        "bad-tag",
                    )
                else:
                    tag_slugs.append(slugify(tag))
            fields.update(features=tuple(features), tags=tuple(dict.fromkeys(tag_slugs)))
        if doc.kind == "routines":
            steps = []
            for i, step in enumerate(meta.exercises):
                if self.ref(
                    doc, "exercises", step.exercise, doc.line_of(("exercises", i, "exercise"))
                ):
                    steps.append(Step(step.exercise, self.step_dose(step), step.note))
                    links.add(("exercises", step.exercise))
            fields["steps"] = tuple(steps)
        if doc.kind == "authors" and meta.photo:
            self.image(doc, meta.photo.src, doc.line_of(("photo", "src")), "photo.src")
        fields_of_kind = type(meta).model_fields
        for i, study_id in enumerate(meta.studies if "studies" in fields_of_kind else ()):
            if self.study(doc, study_id, doc.line_of(("studies", i))) and study_id not in citations:
                citations.append(study_id)
        if "body_areas" in fields_of_kind:
            fields["areas"] = self.areas(doc, meta.body_areas)
        return Node(
            doc.kind,
            doc.slug,
            self.urls.page(doc.kind, doc.slug),
            doc.path,
            meta,
            body,
            doc.front_digest,
            citations=tuple(citations),
            links_to=tuple(sorted(links)),
            lines=doc.lines,
            **fields,
        )

    def step_dose(self, step) -> Dose:
        base = self.published[("exercises", step.exercise)].meta.dose
        reps, seconds = (
            (step.reps, None)
            if step.reps is not None
            else (None, step.seconds)
            if step.seconds is not None
            else (base.reps, base.seconds)
        )
        return Dose(
            sets=step.sets if step.sets is not None else base.sets,
            reps=reps,
            seconds=seconds,
            per_side=step.per_side if step.per_side is not None else base.per_side,
            rest_seconds=step.rest_seconds if step.rest_seconds is not None else base.rest_seconds,
        )

    # -- the graph ------------------------------------------------------
    def run(self) -> tuple[SiteGraph, list[Diagnostic]]:
        self.check_slugs()
        nodes = [self.node(doc) for doc in sorted(self.published.values(), key=lambda d: d.path)]
        nodes = with_backlinks(nodes)
        by_kind = defaultdict(list)
        for node in nodes:
            by_kind[node.kind].append(node)
        articles = sorted(by_kind["articles"], key=lambda n: (-n.meta.date.toordinal(), n.slug))
        exercises = sorted(by_kind["exercises"], key=lambda n: (n.title.lower(), n.slug))
        articles = with_related(articles, lambda n: set(n.tags) | {"area:" + a for a in n.areas})
        exercises = with_related(
            exercises, lambda n: set(n.areas) | {"muscle:" + m.lower() for m in n.meta.muscles}
        )
        graph_nodes = (
            articles + exercises + [n for k in ("routines", "authors", "pages") for n in by_kind[k]]
        )
        by_key = {(n.kind, n.slug): n for n in graph_nodes}
        graph = SiteGraph(
            config=self.config,
            urls=self.urls,
            articles=tuple(articles),
            exercises=tuple(exercises),
            routines=tuple(sorted(by_kind["routines"], key=lambda n: (n.title.lower(), n.slug))),
            authors=tuple(sorted(by_kind["authors"], key=lambda n: (n.title.lower(), n.slug))),
            pages=tuple(sorted(by_kind["pages"], key=lambda n: n.slug)),
            studies=dict(sorted(self.studies.items())),
            tags=taxonomy_terms("tags", articles, {}, self.urls),
            areas=taxonomy_terms("body-areas", graph_nodes, self.config.body_areas, self.urls),
            images=self.content.images,
            image_refs=dict(sorted(self.image_refs.items())),
            build_date=self.today,
            by_key=by_key,
            by_slug={n.slug: n for n in graph_nodes},
        )
        self.warn_unused(graph)
        return graph, self.problems

    def warn_unused(self, graph: SiteGraph) -> None:
        path = self.content.studies_path
        lines = {entry.id: entry.line for entry in self.content.studies}
        for study_id in sorted(set(self.studies) - self.cited):
            self.problems.append(
                Diagnostic(
                    path,
                    lines[study_id],
                    f"study '{study_id}' is cited nowhere; cite it with [@{study_id}] or remove it",
                    severity=WARNING,
                    code="unused-study",
                )
            )
        for node in graph.exercises:
            if not node.used_in:
                self.problems.append(
                    Diagnostic(
                        node.path,
                        1,
                        f"exercise '{node.slug}' is featured in no article or routine",
                        severity=WARNING,
                        code="unused-exercise",
                    )
                )
