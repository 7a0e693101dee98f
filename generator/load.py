"""Stage 1, load: walk `content/`, read each source, the study registry and
the list of images, each checked before it is read (size caps, symlinks out
of the project, pipes and devices, NUL bytes, UTF-8). What a source's text
means (front matter, body, the file line of every key) is front_matter.py's."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic
from .front_matter import LineMap, SourceFile, parse_source, parse_yaml
from .markdown_guard import markdown_problem
from .urls import is_slug, slugify

KINDS = ("articles", "exercises", "routines", "authors", "pages")
IGNORED_PREFIXES = (".", "#", "~")
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".bak", ".orig")
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


def is_editor_junk(name: str) -> bool:
    return name.startswith(IGNORED_PREFIXES) or name.endswith(IGNORED_SUFFIXES)


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
    for kind in KINDS:
        folder = content / kind
        if not folder.is_dir():
            continue
        for file in sorted(folder.iterdir()):
            if is_editor_junk(file.name) or not file.name.endswith(".md"):
                continue
            rel = f"content/{kind}/{file.name}"
            slug = file.name[: -len(".md")]
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
            raw, problem = read_text(file, root, limits.markdown_bytes)
            if problem:
                diagnostics.append(Diagnostic(rel, None, problem, code="unreadable"))
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
    if studies_path.is_file():
        raw, problem = read_text(studies_path, root, limits.markdown_bytes * 4)
        if problem:
            diagnostics.append(Diagnostic("content/studies.yml", None, problem, code="unreadable"))
        else:
            data, lines, problems = parse_yaml("content/studies.yml", raw, 1)
            diagnostics.extend(problems)
            if problems:  # its ids still exist: no 'unknown study' at every citation
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
    slow = markdown_problem(raw)
    if slow:
        return None, [Diagnostic(rel, slow[0], slow[1], code="too-complex")]
    return parse_source(kind, slug, rel, raw, limits.front_matter_bytes)


def _inside(path: Path, root: Path) -> bool:
    real, base = path.resolve(), root.resolve()
    return real == base or base in real.parents


def _list_images(root: Path, limits: Limits) -> tuple[frozenset[str], list[Diagnostic]]:
    """Files under content/images, without following symlinked folders (no
    loops); a symlink that leads outside the project is an error."""
    content = root / "content"
    found, problems = set(), []
    for folder, dirs, files in os.walk(content / "images", followlinks=False):
        dirs[:] = sorted(d for d in dirs if not is_editor_junk(d))
        for name in sorted(files):
            path = Path(folder) / name
            rel = path.relative_to(content).as_posix()
            if is_editor_junk(name):
                continue
            if path.is_symlink() and not _inside(path, root):
                problems.append(
                    Diagnostic(
                        f"content/{rel}",
                        None,
                        "this symlink points outside the project; prehab never "
                        "reads files outside it: copy the file in instead",
                        code="unsafe-path",
                    )
                )
                continue
            try:
                info = path.stat()
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                problems.append(
                    Diagnostic(
                        f"content/{rel}",
                        None,
                        "not a regular file (a pipe, device or broken link); remove it",
                        code="unreadable",
                    )
                )
            elif info.st_size > limits.image_bytes:
                problems.append(
                    Diagnostic(
                        f"content/{rel}",
                        None,
                        f"image is {info.st_size // 1024} KB; "
                        f"the limit is {limits.image_bytes // 1024} KB "
                        "(site.toml [limits] image_kb): export it smaller",
                        code="too-large",
                    )
                )
            else:
                found.add(rel)
    return frozenset(found), problems


def read_text(file: Path, root: Path, limit: int) -> tuple[str, str | None]:
    """The text of a source, or why it cannot be used. Checks the kind and
    size of the file before reading it, so a pipe or a huge file never hangs."""
    if file.is_symlink() and not _inside(file, root):
        return (
            "",
            "this symlink points outside the project; prehab never "
            "reads files outside it: copy the file in instead",
        )
    try:
        info = file.stat()
    except OSError as exc:
        return "", f"cannot read the file: {exc.strerror}"
    if not stat.S_ISREG(info.st_mode):
        return "", "not a regular file (a pipe, device or folder); remove it"
    if info.st_size > limit:
        return (
            "",
            f"the file is {info.st_size // 1024} KB; the limit is "
            f"{limit // 1024} KB (site.toml [limits] markdown_kb): split it",
        )
    try:
        data = file.read_bytes()
    except OSError as exc:
        return "", f"cannot read the file: {exc.strerror}"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return (
            "",
            f"line {line}: the file contains a NUL byte, "
            "so it is not text; re-save it as UTF-8 text",
        )
    try:
        return data.decode("utf-8").replace("\r\n", "\n"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return "", f"line {line}: the file is not valid UTF-8 text; save it as UTF-8"


def suggest_slug(text: str) -> str:
    """A valid slug made from any text: 'Knee Pain!' -> 'knee-pain', '!!' -> 'untitled'."""
    return slugify(text) or "untitled"
