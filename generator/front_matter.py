"""Stage 1, load (the text half): split a source into its front matter and
its body, and parse YAML strictly (no duplicate keys, anchors, aliases, tags or
deep nesting) while mapping every key path to its file line, so that later
stages can point editors at the exact line of a mistake. Pure functions of
text: finding, checking and reading the files is load.py's."""

from __future__ import annotations

import hashlib
import re
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
    front: dict | None  # None: the front matter is not readable YAML (its errors say why)
    lines: LineMap  # key path -> 1-based file line; () -> first front-matter line
    body: str
    body_line: int  # file line of the body's first line
    front_digest: str  # hash of the front-matter text: what other pages show of this one
    front_text: str = ""  # as written, from file line 2: where a folded value's words stand

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
    body = "\n".join(lines[end + 1 :])
    front_digest = hashlib.sha256(block.encode()).hexdigest()
    if problems and data is None:
        # The body is still read: its own mistakes are found in the same run.
        return SourceFile(kind, slug, rel, None, {}, body, end + 2, front_digest, block), problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [
            Diagnostic(
                rel, 2, "the front matter must be a list of 'field: value' lines", code="bad-yaml"
            )
        ]
    return SourceFile(kind, slug, rel, data, line_map, body, end + 2, front_digest, block), problems


_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser where present


class _StrictLoader(_SAFE):
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
        # Kept as a marked value, reported once: the rest is still read.
        loader._impossible.append(ImpossibleDate(node.value, str(exc), node.start_mark))
        return NotADate(node.value)


class NotADate(str):
    """A date field that names no real day; validation leaves it out (its
    mistake is reported by the parse) and rejects the document."""


class ImpossibleDate(Exception):
    def __init__(self, written: str, why: str, mark):
        super().__init__(written)
        self.written, self.why, self.mark = written, why, mark


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _refuse_yaml_features(rel: str, text: str, first_line: int) -> list[Diagnostic]:
    """Anchors, aliases (alias bombs) and explicit tags are refused before
    anything is constructed."""
    try:
        for token in yaml.scan(text, Loader=_SAFE):
            line = token.start_mark.line + first_line
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                why = "YAML anchors and aliases (&name, *name) are not allowed here: "
                why += "write the value out in full"
            elif isinstance(token, yaml.TagToken):
                why = "YAML tags (!!type, !name) are not allowed here: "
                why += "write plain values, and quote text"
            else:
                continue
            # '*Very* good' is text to the editor: show it quoted
            fix = _quote_fix(text.split("\n")[token.start_mark.line], token.start_mark.column)
            fix = f"; if it is text, write it in quotes: {fix.strip()}" if fix else ""
            return [Diagnostic(rel, line, why + fix, code="bad-yaml")]
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
                deep = f"the YAML is nested more than {MAX_DEPTH} levels deep; flatten it"
                return None, {}, [Diagnostic(rel, first_line, deep, code="bad-yaml")]
            loader._impossible = []
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        return None, {}, [_syntax_error(rel, exc, text.split("\n"), first_line)]
    except yaml.YAMLError as exc:
        return None, {}, [Diagnostic(rel, first_line, f"invalid YAML: {exc}", code="bad-yaml")]
    impossible = [_impossible_date(rel, exc, first_line) for exc in loader._impossible]
    lines: LineMap = {(): first_line}
    if node is not None:
        _map_lines(node, (), first_line - 1, lines, text)
    return data, lines, impossible


def _syntax_error(rel: str, exc, src: list[str], first_line: int) -> Diagnostic:
    """A YAML syntax error at its line, with the fix for a common mistake (a tab;
    a ': ', quote, '@', '`' or '[' in a value; a field indented under a value; a
    quote or list left open), once checked to get the parser past that line."""
    if (tab := _tab_at(exc, src)) is not None:
        row, col = tab
        message = _tab_message(src[row], row + first_line, col)
        return Diagnostic(rel, row + first_line, message, code="bad-yaml", column=col + 1)
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return Diagnostic(rel, first_line, f"invalid YAML: {exc}", code="bad-yaml")
    row, col = mark.line, mark.column
    what, fix = exc.problem or exc.context, _value_hint(exc.problem or "", src, row, col)
    if not fix and (opened := _left_open(src, row)):
        row, col, what, fix = opened
    here = src[row].strip() if row < len(src) else ""
    shown = f" in '{here[:70]}{'...' if len(here) > 70 else ''}'" if here else ""
    message = f"invalid YAML: {what}{shown} (column {col + 1}); check quotes, colons and "
    message += "indentation" + (f": {fix}" if fix else "")
    return Diagnostic(rel, row + first_line, message, code="bad-yaml", column=col + 1)


def _tab_at(exc, src: list[str]) -> tuple[int, int] | None:
    """(line, column) of the tab that broke the YAML, if one did: one libyaml names,
    or the parser stopped on, or at a line indented with."""
    mark, blamed = exc.problem_mark, "tab" in (exc.problem or "")
    if mark is None or mark.line >= len(src):
        return None
    row = mark.line
    if blamed and "\t" not in src[row]:
        row = next((i for i in range(row - 1, -1, -1) if "\t" in src[i]), row)
    line = src[row]
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in indent or (blamed and "\t" in line):
        return row, line.index("\t")
    return (row, mark.column) if line[mark.column : mark.column + 1] == "\t" else None


def _tab_message(line: str, number: int, col: int) -> str:
    before, what = line[:col].strip(), "is indented with a tab; use spaces"
    if before or not line.strip():
        what = f"has a tab after '{before}'; use a space" if before else "is only a tab; delete it"
    return f"line {number} {what} (YAML does not allow tabs for indentation)"


# 'key: value' or '- key: value', with the column where the value starts
_KEY_VALUE = re.compile(r"(\s*(?:-\s+)?)([A-Za-z0-9_][\w .-]*?):\s+(\S.*?)\s*$")
# Why a value must be quoted: by what the parser says, else by its first character
_WHY = {"mapping values": "a ': ' inside a value starts a new field"}
_WHY |= dict.fromkeys(("escape", "hexdecimal"), 'a \\ in "..." starts an escape (\\\\ is one \\)')
_WHY |= {c: f"a value cannot start with '{c}'" for c in "@`%*&!|>-"}
_WHY |= {b: f"text starting with '{b}' is read as a list or group" for b in "[{"}
_WHY |= {q: f"a value that starts with {q} ends at the next {q}" for q in "'\""}


def _value_hint(problem: str, src: list[str], row: int, col: int) -> str:
    line = src[row] if row < len(src) else ""
    fix = _quote_fix(line, col)
    if fix is None or not _gets_past(src, row, fix, row):
        return _indent_hint(src, row) if "mapping values" in problem else ""
    why = _WHY.get(_KEY_VALUE.match(line).group(3)[0], "YAML reads part of it as markup")
    why = next((w for k, w in _WHY.items() if len(k) > 1 and k in problem), why)
    return f"{why}, so write it in quotes: {fix.strip()}"


def _quote_fix(line: str, col: int) -> str | None:
    """`line` with its value (where column `col` stands) in double quotes, if
    that reads back as the same text: the line the editor should write."""
    match = _KEY_VALUE.match(line)
    if match is None or col < match.start(3):
        return None
    key, value = match.group(2), match.group(3)
    if value[0] in "'\"" and value[0] not in value[1:]:
        return None  # a quote left open: closing it is the fix (_left_open)
    if value[0] in "'\"" and value[-1] == value[0]:
        value = value[1:-1]  # the editor's own quotes, which ended the text early
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    try:
        same = yaml.safe_load(f"{key}: {quoted}") == {key: value}
    except yaml.YAMLError:
        same = False
    return f"{match.group(1)}{key}: {quoted}" if same else None


def _indent_hint(src: list[str], row: int) -> str:
    """For a field indented under one that already has a value."""
    above = next((s for s in reversed(src[:row]) if s.strip() and s.lstrip()[0] != "#"), "")
    match, here = _KEY_VALUE.match(above), src[row].strip()
    if match is None or not _gets_past(src, row, " " * len(match.group(1)) + here, row):
        return ""
    return (
        f"'{here.split(':')[0]}' is indented under '{above.strip()}', which already has "
        f"a value: line it up with '{match.group(2)}'"
    )


def _left_open(src: list[str], row: int):
    """(line, column, what, fix) for a quote or '[' opened at or above `row` and
    never closed (YAML notices lines later), if closing it gets the parser past `row`."""
    for at in range(min(row, len(src) - 1), -1, -1):
        match = _KEY_VALUE.match(src[at])
        value = match.group(3) if match else ""
        closer = {"'": "'", '"': '"', "[": "]", "{": "}"}.get(value[:1])
        if closer and closer not in value[1:]:  # the nearest one left open, if any
            fixed = src[at].rstrip() + closer
            if not _gets_past(src, at, fixed, row):
                return None
            return at, match.start(3), f"a {value[0]} is never closed", f"close it: {fixed.strip()}"
    return None


def _gets_past(src: list[str], at: int, line: str, row: int) -> bool:
    """Whether the YAML with `line` at index `at` parses, or fails only after line
    `row`: the hint then fixes the mistake. (Events only: no alias is expanded.)"""
    try:
        for _ in yaml.parse("\n".join([*src[:at], line, *src[at + 1 :]]), Loader=_SAFE):
            pass
    except yaml.MarkedYAMLError as exc:
        return exc.problem_mark is not None and exc.problem_mark.line > row
    return True


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
