"""Stage 1, load: walk `content/`, read each source, split its front matter
from its body and record the file line of every front-matter key, so that
later stages can point editors at the exact line of a mistake."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from .diagnostics import Diagnostic
from .urls import is_slug, slugify

KINDS = ("articles", "exercises", "routines", "authors", "pages")
FENCE = "---"
IGNORED_PREFIXES = (".", "#", "~")
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".bak", ".orig")

LineMap = dict[tuple, int]
MAX_DEPTH = 12  # nesting levels a front matter may use


@dataclass(frozen=True)
class Limits:
    """Size caps, checked before a file is read (site.toml [limits])."""

    markdown_bytes: int = 512 * 1024
    front_matter_bytes: int = 64 * 1024
    image_bytes: int = 20 * 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    """A Markdown source as read from disk, before validation."""

    kind: str
    slug: str
    path: str  # project-relative, e.g. "content/articles/x.md"
    front: dict
    lines: LineMap  # key path -> 1-based file line; () -> first front-matter line
    body: str
    body_line: int  # file line of the body's first line
    front_digest: str  # hash of the front-matter text: what other pages show of this one

    def line_of(self, loc: tuple) -> int:
        return nearest_line(self.lines, loc)


def nearest_line(lines: LineMap, loc: tuple) -> int:
    """The file line of a key path, falling back to its nearest parent."""
    loc = tuple(loc)
    while loc and loc not in lines:
        loc = loc[:-1]
    return lines.get(loc, 1)


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
                        f"bad file name '{file.name}': a slug may only hold lowercase letters, digits and single hyphens (e.g. '{suggest_slug(slug)}.md'); rename the file",
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
                parsed[cache_key] = parse_source(kind, slug, rel, raw, limits)
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
                        "this symlink points outside the project; prehab never reads files outside it: copy the file in instead",
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
                        f"image is {info.st_size // 1024} KB; the limit is {limits.image_bytes // 1024} KB (site.toml [limits] image_kb): export it smaller",
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
            "this symlink points outside the project; prehab never reads files outside it: copy the file in instead",
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
            f"the file is {info.st_size // 1024} KB; the limit is {limit // 1024} KB (site.toml [limits] markdown_kb): split it",
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
            f"line {line}: the file contains a NUL byte, so it is not text; re-save it as UTF-8 text",
        )
    try:
        return data.decode("utf-8").replace("\r\n", "\n"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return "", f"line {line}: the file is not valid UTF-8 text; save it as UTF-8"


def parse_source(
    kind, slug, rel, raw, limits: Limits = Limits()
) -> tuple[SourceFile | None, list[Diagnostic]]:
    lines = raw.split("\n")
    if lines[0].strip() != FENCE:
        return None, [
            Diagnostic(
                rel,
                1,
                "missing front matter: start the file with a '---' line, the fields, then another '---' line",
                code="no-front-matter",
            )
        ]
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == FENCE)
    except StopIteration:
        return None, [
            Diagnostic(
                rel,
                1,
                "the front matter opened here is never closed: add a '---' line after the last field",
                code="unclosed-front-matter",
            )
        ]
    block = "\n".join(lines[1:end])
    if len(block.encode()) > limits.front_matter_bytes:
        return None, [
            Diagnostic(
                rel,
                2,
                f"the front matter is {len(block.encode()) // 1024} KB; the limit is {limits.front_matter_bytes // 1024} KB: move long text into the body",
                code="too-large",
            )
        ]
    data, line_map, problems = parse_yaml(rel, block, 2)
    if problems:
        return None, problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [
            Diagnostic(
                rel, 2, "the front matter must be a list of 'field: value' lines", code="bad-yaml"
            )
        ]
    body = "\n".join(lines[end + 1 :])
    front_digest = hashlib.sha256(block.encode()).hexdigest()
    return SourceFile(kind, slug, rel, data, line_map, body, end + 2, front_digest), []


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML (libyaml's parser where present) that refuses duplicate keys."""


def _construct_mapping(loader, node, deep=False):
    seen: dict = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate field '{key}' (first on line {seen[key] + 1 + loader._line_offset})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _refuse_yaml_features(rel: str, text: str, first_line: int) -> list[Diagnostic]:
    """Anchors, aliases (alias bombs) and explicit tags are refused before
    anything is constructed."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for token in yaml.scan(text, Loader=loader):
            line = token.start_mark.line + first_line
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                return [
                    Diagnostic(
                        rel,
                        line,
                        "YAML anchors and aliases (&name, *name) are not allowed here: write the value out in full",
                        code="bad-yaml",
                    )
                ]
            if isinstance(token, yaml.TagToken):
                return [
                    Diagnostic(
                        rel,
                        line,
                        "YAML tags (!!type, !name) are not allowed here: write plain values, and quote text",
                        code="bad-yaml",
                    )
                ]
    except yaml.YAMLError:
        return []  # the parser below reports the syntax error with its position
    return []


def _depth(node, level: int = 0) -> int:
    if isinstance(node, yaml.MappingNode):
        return max((_depth(v, level + 1) for _, v in node.value), default=level + 1)
    if isinstance(node, yaml.SequenceNode):
        return max((_depth(v, level + 1) for v in node.value), default=level + 1)
    return level


def parse_yaml(rel: str, text: str, first_line: int):
    """Parse YAML and map every key path to its file line."""
    refused = _refuse_yaml_features(rel, text, first_line)
    if refused:
        return None, {}, refused
    try:
        loader = _StrictLoader(text)
        loader._line_offset = first_line - 1
        try:
            node = loader.get_single_node()
            if node is not None and _depth(node) > MAX_DEPTH:
                return (
                    None,
                    {},
                    [
                        Diagnostic(
                            rel,
                            first_line,
                            f"the YAML is nested more than {MAX_DEPTH} levels deep; flatten it",
                            code="bad-yaml",
                        )
                    ],
                )
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + first_line) if mark else first_line
        col = (mark.column + 1) if mark else None
        what = exc.problem or exc.context or "invalid YAML"
        quoted = ""
        if mark:
            src_lines = text.split("\n")
            if 0 <= mark.line < len(src_lines) and src_lines[mark.line].strip():
                text_line = src_lines[mark.line].strip()
                quoted = f" in '{text_line[:70]}{'...' if len(text_line) > 70 else ''}'"
        return (
            None,
            {},
            [
                Diagnostic(
                    rel,
                    line,
                    f"invalid YAML: {what}{quoted} (column {col}); check quotes, colons and indentation",
                    code="bad-yaml",
                    column=col,
                )
            ],
        )
    except yaml.YAMLError as exc:
        return None, {}, [Diagnostic(rel, first_line, f"invalid YAML: {exc}", code="bad-yaml")]
    lines: LineMap = {(): first_line}
    if node is not None:
        _map_lines(node, (), first_line - 1, lines)
    return data, lines, []


def _map_lines(node, loc: tuple, offset: int, out: LineMap) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            here = loc + (key.value,)
            out[here] = key.start_mark.line + 1 + offset
            _map_lines(value, here, offset, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            here = loc + (i,)
            out[here] = item.start_mark.line + 1 + offset
            _map_lines(item, here, offset, out)


def suggest_slug(text: str) -> str:
    """A valid slug made from any text: 'Knee Pain!' -> 'knee-pain', '!!' -> 'untitled'."""
    return slugify(text) or "untitled"
