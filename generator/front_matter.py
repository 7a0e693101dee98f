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


class WrittenKey(str):
    """A key YAML would read as something other than text (`on`, `1`,
    `null`, a date, a list), kept as written: validation then names it as the
    editor wrote it, at its line, and says what YAML made of it."""

    read_as: str = ""

    def __new__(cls, text: str, read_as: str = ""):
        key = super().__new__(cls, text)
        key.read_as = read_as
        return key


# What YAML makes of a key that is not text, in the words of an error message.
_READ_AS = {
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "nothing (null)",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:merge": "a merge marker",
    "tag:yaml.org,2002:seq": "a list",
    "tag:yaml.org,2002:map": "a group of fields",
}


def key_text(node, text: str) -> str:
    """A key as written: a plain word as is, a list or group as its source text."""
    if isinstance(node, yaml.ScalarNode):
        return node.value
    return text[node.start_mark.index : node.end_mark.index].strip() or "?"


def _construct_key(loader, node):
    """Keys are names, so they are never constructed: one YAML would read as
    a boolean, number, date or list becomes a WrittenKey (and never crashes
    the build as an unhashable list would)."""
    if node.tag == "tag:yaml.org,2002:str":
        return loader.construct_object(node)
    return WrittenKey(key_text(node, loader._text), _READ_AS.get(node.tag, "something else"))


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    mapping: dict = {}
    seen: dict = {}
    for key_node, value_node in node.value:
        key = _construct_key(loader, key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate field '{key}' (first on line {seen[key] + 1 + loader._line_offset})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


def _construct_timestamp(loader, node):
    """A date that does not exist (2026-02-30, 2026-13-01) is a content
    mistake at its line, not a ValueError from deep inside PyYAML."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise ImpossibleDate(node.value, str(exc), node.start_mark) from None


class ImpossibleDate(yaml.YAMLError):
    def __init__(self, written: str, why: str, mark):
        super().__init__(written)
        self.written, self.why, self.mark = written, why, mark


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


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
        loader._line_offset, loader._text = first_line - 1, text
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
    except ImpossibleDate as exc:
        return None, {}, [_impossible_date(rel, exc, first_line)]
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
        _map_lines(node, (), first_line - 1, lines, text)
    return data, lines, []


def _impossible_date(rel: str, exc: ImpossibleDate, first_line: int) -> Diagnostic:
    return Diagnostic(
        rel,
        exc.mark.line + first_line,
        f"'{exc.written}' is not a real date ({exc.why}): write a date that exists, "
        "as year-month-day (e.g. 2026-02-28), or put it in quotes if it is text",
        code="invalid-field",
        column=exc.mark.column + 1,
    )


def _map_lines(node, loc: tuple, offset: int, out: LineMap, text: str) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            here = loc + (key_text(key, text),)
            out[here] = key.start_mark.line + 1 + offset
            _map_lines(value, here, offset, out, text)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            here = loc + (i,)
            out[here] = item.start_mark.line + 1 + offset
            _map_lines(item, here, offset, out, text)
