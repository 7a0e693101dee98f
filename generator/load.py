"""Stage 1, load: walk `content/`, read each source, the study registry and
the list of images, each through the file gate (files.py: size caps,
symlinks out of the project, pipes and devices) and then checked for NUL
bytes and UTF-8. What a source's text means (front matter, body, the file
line of every key) is front_matter.py's."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic
from .files import Gate, Limit, Refusal, is_junk
from .front_matter import LineMap, SourceFile, parse_source, parse_yaml
from .markdown_guard import markdown_problem
from .placeholders import source_placeholders, study_placeholders
from .text_hygiene import invisible_warnings, without_controls
from .urls import is_slug, slug_refusal, slugify

KINDS = ("articles", "exercises", "routines", "authors", "pages")
STUDY_ID = re.compile(r"^['\"]?([a-z0-9][a-z0-9-]*)['\"]?:", re.MULTILINE)


@dataclass(frozen=True)
class Limits:
    """Size caps, checked before a file is read (site.toml [limits])."""

    markdown_bytes: int = 512 * 1024
    front_matter_bytes: int = 64 * 1024
    image_bytes: int = 20 * 1024 * 1024


@dataclass(frozen=True)
class DataFile:
    """A YAML data file (the study registry) with its line map."""

    path: str
    data: dict
    lines: LineMap
    digest: str


@dataclass(frozen=True)
class LoadedContent:
    sources: tuple[SourceFile, ...]
    studies: DataFile
    images: frozenset[str]  # content-relative paths of files under content/images
    rejected: frozenset[tuple[str, str]] = (
        frozenset()
    )  # (kind, slug) of sources that could not be read


is_editor_junk = is_junk  # the one definition is files.py's (serve.py imports it from here)


def load_content(
    root: Path, parsed: dict | None = None, limits: Limits = Limits()
) -> tuple[LoadedContent, list[Diagnostic]]:
    """Read every source under `root/content`. Never raises on bad content.
    `parsed` (kept between builds by the caller) skips re-parsing files whose
    text is unchanged."""
    parsed = {} if parsed is None else parsed
    seen = set()

    content = root / "content"
    diagnostics: list[Diagnostic] = []
    sources: list[SourceFile] = []
    rejected: set[tuple[str, str]] = set()
    gate = Gate(root)
    for kind in KINDS:
        folder = content / kind
        names, problems = gate.names(folder)
        diagnostics.extend(problems)
        for file in (folder / name for name in names):
            if not file.name.endswith(".md"):
                continue
            rel = f"content/{kind}/{file.name}"
            slug = file.name[: -len(".md")]
            if is_slug(slug) and slug_refusal(slug):
                diagnostics.append(
                    Diagnostic(
                        rel,
                        1,
                        f"bad file name '{file.name}': {slug_refusal(slug)}; rename the file",
                        code="bad-slug",
                    )
                )
                continue
            if not is_slug(slug):
                diagnostics.append(
                    Diagnostic(
                        rel,
                        1,
                        f"bad file name '{file.name}': a slug may only hold "
                        "lowercase letters, digits and single hyphens "
                        f"(e.g. '{suggest_slug(slug)}.md'); rename the file",
                        code="bad-slug",
                    )
                )
                continue
            raw, problem = read_text(file, root, limits.markdown_bytes, gate)
            if problem:
                diagnostics.append(problem)
                rejected.add((kind, slug))
                continue
            cache_key = (rel, hashlib.sha256(raw.encode()).digest())
            seen.add(cache_key)
            if cache_key not in parsed:
                parsed[cache_key] = _parse_checked(kind, slug, rel, raw, limits)
            source, problems = parsed[cache_key]
            diagnostics.extend(problems)
            if source:
                sources.append(source)
            else:
                rejected.add((kind, slug))

    studies_path = content / "studies.yml"
    studies = DataFile("content/studies.yml", {}, {}, "")
    if os.path.lexists(studies_path):  # a pipe or a link is there too: the gate says why
        raw, problem = read_text(studies_path, root, limits.markdown_bytes * 4)
        if problem:
            diagnostics.append(problem)
        else:
            raw, controls = without_controls("content/studies.yml", raw)
            data, lines, problems = parse_yaml("content/studies.yml", raw, 1)
            diagnostics.extend(controls + problems)
            diagnostics.extend(study_placeholders("content/studies.yml", data, lines))
            if problems and data is None:  # its ids still exist: no "unknown study" anywhere
                rejected |= {("studies", m.group(1)) for m in STUDY_ID.finditer(raw)}
            if data is not None and not isinstance(data, dict):
                diagnostics.append(
                    Diagnostic(
                        "content/studies.yml",
                        1,
                        "the study registry must map study ids to studies",
                        code="bad-yaml",
                    )
                )
                data = {}
            studies = DataFile(
                "content/studies.yml", data or {}, lines, hashlib.sha256(raw.encode()).hexdigest()
            )

    for stale in set(parsed) - seen:
        del parsed[stale]
    images, problems = _list_images(root, limits)
    diagnostics.extend(problems)
    return LoadedContent(tuple(sources), studies, images, frozenset(rejected)), diagnostics


def _parse_checked(kind, slug, rel, raw, limits: Limits):
    """parse_source, after the check that the text can be converted in
    reasonable time (before any link scan or Markdown reads it)."""
    raw, controls = without_controls(rel, raw)
    slow = markdown_problem(raw)
    if slow:
        return None, controls + [Diagnostic(rel, slow[0], slow[1], code="too-complex")]
    source, problems = parse_source(kind, slug, rel, raw, limits.front_matter_bytes)
    if source is None:
        return source, controls + problems
    return source, controls + problems + source_placeholders(source) + invisible_warnings(source)


def _list_images(root: Path, limits: Limits) -> tuple[frozenset[str], list[Diagnostic]]:
    """Files under content/images, through the file gate: symlinks out of
    the project, pipes, devices and files over the cap are errors (listed
    here, before anything reads them), folder loops are cut."""
    gate = Gate(root)
    found, problems = gate.walk(root / "content" / "images")
    limit = Limit(limits.image_bytes, "site.toml [limits] image_kb", "export it smaller")
    images = set()
    for file in found:
        too_large = gate.too_large(file, limit)
        if too_large:
            problems.append(too_large)
        elif file.path.suffix.lower() in ACTIVE_SUFFIXES:
            problems.append(
                Diagnostic(
                    f"content/images/{file.rel}",
                    None,
                    f"'{file.path.name}' is a page or script, not an image: published from "
                    "content/images/ it would run on the site's own address; remove it "
                    "(pages belong in content/pages/)",
                    code="active-file",
                )
            )
        else:
            images.add(f"images/{file.rel}")
    return frozenset(images), problems


# Files a browser runs rather than shows: never published from content/images/.
ACTIVE_SUFFIXES = frozenset(
    {".html", ".htm", ".xhtml", ".shtml", ".js", ".mjs", ".xml", ".xsl", ".xslt", ".php", ".swf"}
)


def read_text(
    file: Path, root: Path, limit: int, gate: Gate | None = None
) -> tuple[str, Diagnostic | None]:
    """The text of a source, or why it cannot be used. The file gate checks
    where the file really is, its kind and size before reading it, so a
    pipe, a link out of the project or a huge file is never read."""
    gate = gate or Gate(root)
    try:
        data = gate.read(file, Limit(limit, "site.toml [limits] markdown_kb", "split it"))
    except Refusal as refusal:
        return "", refusal.diagnostic()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        why = f"line {line}: the file contains a NUL byte, so it is not text; "
        why += "re-save it as UTF-8 text"
        return "", Diagnostic(gate.rel(file), None, why, code="unreadable")
    try:
        return data.decode("utf-8").replace("\r\n", "\n"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        why = f"line {line}: the file is not valid UTF-8 text; save it as UTF-8"
        return "", Diagnostic(gate.rel(file), None, why, code="unreadable")


def suggest_slug(text: str) -> str:
    """A valid slug made from any text: 'Knee Pain!' -> 'knee-pain', '!!' -> 'untitled'."""
    return slugify(text) or "untitled"
