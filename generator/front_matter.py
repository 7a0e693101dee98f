"""Stage 1, load (the text half): split a source into its front matter and
its body, and parse YAML strictly (no duplicate keys, anchors, aliases, tags or
deep nesting) while mapping every key path to its file line, so that later
stages can point editors at the exact line of a mistake. Pure functions of
text: finding, checking and reading the files is load.py's."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import yaml

from .diagnostics import Diagnostic

FENCE = "---"
MAX_DEPTH = 12  # nesting levels a front matter may use

LineMap = dict[tuple, int]


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


def parse_source(
    kind, slug, rel, raw, max_bytes: int
) -> tuple[SourceFile | None, list[Diagnostic]]:
    """A source's text split at its '---' fences; the front matter (at most
    `max_bytes`) parsed, with the file line of every key."""
    lines = raw.split("\n")
    if lines[0].strip() != FENCE:
        return None, [
            Diagnostic(
                rel,
                1,
                "missing front matter: start the file with a "
                "'---' line, the fields, then another '---' line",
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
                "the front matter opened here is never "
                "closed: add a '---' line after the last field",
                code="unclosed-front-matter",
            )
        ]
    block = "\n".join(lines[1:end])
    if len(block.encode()) > max_bytes:
        return None, [
            Diagnostic(
                rel,
                2,
                f"the front matter is {len(block.encode()) // 1024} KB; the limit is "
                f"{max_bytes // 1024} KB: move long text into the body",
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
                        "YAML anchors and aliases (&name, *name) are "
                        "not allowed here: write the value out in full",
                        code="bad-yaml",
                    )
                ]
            if isinstance(token, yaml.TagToken):
                return [
                    Diagnostic(
                        rel,
                        line,
                        "YAML tags (!!type, !name) are not allowed "
                        "here: write plain values, and quote text",
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
                    f"invalid YAML: {what}{quoted} (column {col}); "
                    "check quotes, colons and indentation",
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
