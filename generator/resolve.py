"""Stage 3, resolve: turn validated documents into one immutable site graph.
Every reference (authors, exercises, routines, studies, body areas, images,
`[[slug]]` links, `[@id]` citations) is checked here, drafts and future
articles are filtered, doses fall back to the exercise's own and citations
are numbered. Backlinks, related pages and taxonomy terms, derived across all
nodes, are relations.py's."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import replace

from .config import BuildOptions, SiteConfig
from .diagnostics import WARNING, Diagnostic
from .dose_words import dose_word_warnings
from .links import find_refs, without_citations
from .model import Body, Dose, Feature, Node, Review, SiteGraph, Step
from .references import References
from .relations import taxonomy_terms, with_backlinks, with_related
from .schema import FeaturedExercise
from .urls import slug_refusal, slugify
from .validate import Document, ValidContent


def resolve_site(
    content: ValidContent, config: SiteConfig, options: BuildOptions, today: dt.date
) -> tuple[SiteGraph, list[Diagnostic]]:
    return _Resolver(content, config, options, today).run()


class _Resolver(References):
    # -- nodes ----------------------------------------------------------
    def node(self, doc: Document) -> Node:
        meta = doc.meta
        body = Body(doc.body, doc.path, doc.body_line)
        citations: list[str] = []
        links: set = set()
        fields: dict = {}
        if doc.kind == "exercises" and meta.why_it_works is not None:
            why = Body(
                meta.why_it_works,
                doc.path,
                doc.line_of(("why_it_works",)) + (1 if "\n" in meta.why_it_works else 0),
            )
            self.body_refs(doc, why, citations, links, front=True)
            fields["why"] = why
        if doc.kind == "exercises":
            if meta.dose is not None:
                fields["dose"] = Dose(**meta.dose.model_dump())
            if meta.image:
                self.image(doc, meta.image.src, doc.line_of(("image", "src")), "image.src")
            for name in ("easier", "harder"):  # progressions: other exercises, by slug
                for i, slug in enumerate(getattr(meta, name, None) or ()):
                    line = doc.line_of((name, i))
                    if slug == doc.slug:
                        self.error(
                            doc,
                            line,
                            f"'{name}' lists the exercise itself ('{slug}'): name another "
                            "exercise, or remove it",
                            "self-progression",
                        )
                    elif self.ref(doc, "exercises", slug, line):
                        links.add(("exercises", slug))
        self.body_refs(doc, body, citations, links)
        if doc.kind == "articles":
            if meta.author is not None:
                self.ref(doc, "authors", meta.author, doc.line_of(("author",)))
                links.add(("authors", meta.author))
            if meta.routine and self.ref(doc, "routines", meta.routine, doc.line_of(("routine",))):
                links.add(("routines", meta.routine))
            if meta.hero:
                self.image(doc, meta.hero.image, doc.line_of(("hero", "image")), "hero.image")
            features = []
            for i, item in enumerate(meta.exercises or ()):
                item = (
                    item if isinstance(item, FeaturedExercise) else FeaturedExercise(exercise=item)
                )
                if self.ref(doc, "exercises", item.exercise, doc.line_of(("exercises", i))):
                    exercise = self.published[("exercises", item.exercise)]
                    if item.why is not None:
                        why = Body(item.why, doc.path, doc.line_of(("exercises", i, "why")))
                        self.body_refs(doc, why, citations, links, front=True)
                        features.append(Feature(item.exercise, why))
                    else:
                        features.append(self.borrowed_why(exercise, item.exercise, links))
                    links.add(("exercises", item.exercise))
            tag_slugs = []
            for i, tag in enumerate(meta.tags or ()):
                if not slugify(tag):
                    self.error(
                        doc,
                        doc.line_of(("tags", i)),
                        f"tag '{tag}' has no Latin letters or digits to make its address "
                        "(/tags/.../) from; write it with some, e.g. 'knee pain'",
                        "bad-tag",
                    )
                elif slug_refusal(slugify(tag)):
                    self.error(
                        doc,
                        doc.line_of(("tags", i)),
                        f"tag '{tag}' cannot be an address: {slug_refusal(slugify(tag))}",
                        "bad-tag",
                    )
                else:
                    tag_slugs.append(slugify(tag))
            fields.update(features=tuple(features), tags=tuple(dict.fromkeys(tag_slugs)))
        if doc.kind == "routines":
            steps = []
            for i, step in enumerate(meta.exercises or ()):
                if self.ref(
                    doc, "exercises", step.exercise, doc.line_of(("exercises", i, "exercise"))
                ):
                    steps.append(Step(step.exercise, self.step_dose(step), step.note))
                    links.add(("exercises", step.exercise))
            fields["steps"] = tuple(steps)
        if doc.kind in ("articles", "exercises"):
            fields["review"] = self.review(doc, links)
        if doc.kind == "authors" and meta.photo:
            self.image(doc, meta.photo.src, doc.line_of(("photo", "src")), "photo.src")
        fields_of_kind = type(meta).model_fields
        for i, study_id in enumerate((meta.studies or ()) if "studies" in fields_of_kind else ()):
            if self.study(doc, study_id, doc.line_of(("studies", i))) and study_id not in citations:
                citations.append(study_id)
        if "body_areas" in fields_of_kind:
            fields["areas"] = self.areas(doc, meta.body_areas or ())
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

    def borrowed_why(self, exercise: Document, slug: str, links: set) -> Feature:
        """A featured exercise without the article's own `why`: the
        exercise's "why it works", shown without its citation markers (its
        studies are the exercise page's evidence, not the article's). Made
        once per exercise (it is the same for every article featuring it:
        12,000 times at 4,000 articles), its links added each time."""
        known = self.borrowed.get(slug)
        if known is None:
            text = exercise.meta.why_it_works
            why = Body(without_citations(text), exercise.path, exercise.line_of(("why_it_works",)))
            found: set = set()
            self.body_refs(exercise, why, [], found, front=True)
            cited = any(ref.kind == "cite" for ref in find_refs(text, why.first_line))
            known = self.borrowed[slug] = (Feature(slug, why, cited_elsewhere=cited), found)
        links |= known[1]
        return known[0]

    def review(self, doc: Document, links: set) -> Review | None:
        """Who reviewed the page and when (both or neither), checked like `author`."""
        by, on = doc.meta.reviewed_by, doc.meta.reviewed
        if by is None and on is None:
            return None
        if (by is None or on is None) and (doc.kind, doc.slug) in self.content.failed:
            return None  # the missing one was written, and rejected: reported already
        if by is None or on is None:
            given, missing = ("reviewed_by", "reviewed")[:: 1 if on is None else -1]
            self.error(
                doc,
                doc.line_of((given,)),
                f"'{given}' needs '{missing}' too: who reviewed the page (an author's file "
                "name, without .md) and on which date, e.g. reviewed: 2026-05-01",
                "missing-field",
            )
            return None
        if not self.ref(doc, "authors", by, doc.line_of(("reviewed_by",))):
            return None
        links.add(("authors", by))
        return Review(by, on, months_after(on, self.config.review.interval_months))

    def step_dose(self, step) -> Dose:
        """The step's own dose values, each omitted one the exercise's (a
        hold only goes with reps: a step timed in seconds drops it)."""
        base = self.published[("exercises", step.exercise)].meta.dose
        reps, seconds = (
            (step.reps, None)
            if step.reps is not None
            else (None, step.seconds)
            if step.seconds is not None
            else (base.reps, base.seconds)
        )

        def own(name):
            value = getattr(step, name)
            return value if value is not None else getattr(base, name)

        return Dose(
            sets=own("sets"),
            reps=reps,
            seconds=seconds,
            per_side=own("per_side"),
            rest_seconds=own("rest_seconds"),
            hold_seconds=own("hold_seconds") if reps is not None else None,
            tempo=own("tempo"),
            effort=own("effort"),
            times_per_week=own("times_per_week"),
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
            study_lines={entry.id: entry.line for entry in self.content.studies},
        )
        self.check_unpublished()
        self.warn_unused(graph)
        self.problems += dose_word_warnings(graph)
        return graph, self.problems

    def check_unpublished(self) -> None:
        """The mistakes of documents this build does not publish, found all
        the same: rejected front matter (its fields that passed) and, as
        warnings labelled with the reason, drafts and scheduled articles. What
        they cite or feature counts as used, so no false 'cited nowhere'."""
        held = [d for d in self.all_docs.values() if (d.kind, d.slug) not in self.published]
        held += [d for d in self.content.rejected if self._held_back(d)]
        for doc in self.content.rejected:
            if not self._held_back(doc):
                self._check_only(self, doc)
        if not held:
            return
        shadow = _Resolver(
            self.content,
            self.config,
            replace(self.options, drafts=True, future=True),
            self.today,
        )
        shadow.check_slugs()
        shadow.problems = []
        for doc in held:
            self._check_only(shadow, doc)
        held_paths = {d.path: d for d in held}
        for problem in shadow.problems:
            doc = held_paths.get(problem.path)
            if doc is None:
                continue  # a published file's own mistake, reported by the build itself
            self.problems.append(
                replace(
                    problem, message=f"({self._reason(doc)}) {problem.message}", severity=WARNING
                )
            )
        self.cited |= shadow.cited
        self.featured |= shadow.featured

    def _held_back(self, doc: Document) -> bool:
        return doc.meta is not None and not self._is_published(doc)

    def _reason(self, doc: Document) -> str:
        if getattr(doc.meta, "draft", False):
            return "draft"
        return f"scheduled for {doc.meta.date.isoformat()}"

    @staticmethod
    def _check_only(resolver: _Resolver, doc: Document) -> None:
        """Run `doc` through the checks of `resolver`; nothing is kept but
        the problems and what it uses."""
        if doc.meta is None:  # unreadable front matter: its body is still checked
            resolver.body_refs(doc, Body(doc.body, doc.path, doc.body_line), [], set())
            resolver.blind = True
            return
        node = resolver.node(doc)
        resolver.featured |= {s for (k, s) in node.links_to if k == "exercises"}

    def warn_unused(self, graph: SiteGraph) -> None:
        path = self.content.studies_path
        lines = {entry.id: entry.line for entry in self.content.studies}
        if self.blind:
            return  # a file that could not be read may cite or feature any of them
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
            if not node.used_in and node.slug not in self.featured:
                self.problems.append(
                    Diagnostic(
                        node.path,
                        1,
                        f"exercise '{node.slug}' is featured in no article or routine",
                        severity=WARNING,
                        code="unused-exercise",
                    )
                )


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has fewer)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))
