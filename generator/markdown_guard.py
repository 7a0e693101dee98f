"""Markdown that cannot be converted in reasonable time or depth is a
content error naming the file, found by a deterministic count when the file
is loaded (before any link scan or conversion), never by a clock.

Python-Markdown (and the link scan of links.py) looks for the closing `]` of
every `[` (and the closing `)` of every `](`) by scanning the rest of the
paragraph, and Python's HTML parser looks for the `>` of every `<tag`
through the rest of the text, so thousands of unclosed ones cost time in
the square of their number (20 KB of `[` took two minutes). The counts below
are the characters those scans would read, each found in one pass."""

from __future__ import annotations

import re
import string

# Characters the scans of one file may read: a body of ordinary links reads
# a few hundred thousand; each limit is about 2 s here, far below 10 s on a
# slow machine. The tag scan is a regular expression, about ten times faster.
MAX_BRACKET_WORK = 3_000_000
MAX_TAG_WORK = 40_000_000
# Each inline mark (emphasis, code, link, tag, entity, escape) costs
# Python-Markdown a copy of its paragraph: characters copied, about 1e9 a second.
MAX_INLINE_WORK = 2_000_000_000
INLINE_MARKS = "*_`[<&\\"
# Python-Markdown's time grows with the square of the list items, table
# rows, headings and quote lines of a file: 6,000 take about 4 s here,
# 20,000 took 72 s. (Plain paragraphs do not: 7,000 take 2 s.)
MAX_BLOCKS = 6_000
MARKED_LINE = re.compile(r"^[ \t]*(?:[-*+][ \t]|\d+[.)][ \t]|#|>|\|)", re.MULTILINE)
# Quotes inside quotes: each level copies the rest of the text once more.
MAX_QUOTE_DEPTH = 100
TAG_STARTS = frozenset(string.ascii_letters + "!?/")  # '<a', '<!--', '<?', '</'
BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#|>|\||---\s*$)")
QUOTE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]*)+", re.MULTILINE)


def bracket_work(text: str) -> tuple[int, int, int]:
    """(characters the link scans would read, the number of '[' and '](' left
    unclosed, the line of the first unclosed one in the paragraph that costs
    most), over the paragraphs of `text`."""
    work = unclosed = worst = 0
    worst_line = 1
    for line, block in _paragraphs(text):
        block_work, block_unclosed, first = _block_work(block)
        work += block_work
        unclosed += block_unclosed
        if block_work > worst:
            worst, worst_line = block_work, line + block.count("\n", 0, first)
    return work, unclosed, worst_line


def tag_work(text: str) -> tuple[int, int, int]:
    """(characters the HTML parser would read looking for the '>' of each
    '<tag', the number of them, the line of the first one left open)."""
    work = pending = pending_sum = tags = 0
    first_open = None
    for pos, char in enumerate(text):
        if char == "<" and text[pos + 1 : pos + 2] in TAG_STARTS:
            if pending and first_open is None:
                first_open = pending_sum // pending  # an earlier '<tag' is still open
            pending, pending_sum, tags = pending + 1, pending_sum + pos, tags + 1
        elif char == ">" and pending:
            work += pending * pos - pending_sum
            pending = pending_sum = 0
    if pending and first_open is None:
        first_open = pending_sum // pending
    line = text.count("\n", 0, first_open or 0) + 1
    return work + pending * len(text) - pending_sum, tags, line


def _paragraphs(text: str):
    """(first line, block) for each run of text Markdown converts inline as
    one piece: blocks end at blank lines, and a list item, table row,
    heading, quote or rule starts a new one. Fenced code is left out."""
    block: list[str] = []
    fenced = False
    start = 1
    for number, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced:
            continue
        if block and (not line.strip() or BLOCK_START.match(line)):
            yield start, "\n".join(block)
            block = []
        if line.strip() and not (block == [] and line.strip() == "---"):
            start = start if block else number
            block.append(line)
    if block:
        yield start, "\n".join(block)


def _block_work(block: str) -> tuple[int, int, int]:
    """(scan work, unclosed openers, position of the first unclosed one)."""
    brackets: list[int] = []
    parens: list[tuple[int, bool]] = []  # (position, opens a link target)
    work = unclosed = 0
    escaped = False
    for pos, char in enumerate(block):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            brackets.append(pos)
        elif char == "]" and brackets:
            work += pos - brackets.pop()
        elif char == "(":
            parens.append((pos, pos > 0 and block[pos - 1] == "]"))
        elif char == ")" and parens:
            start, target = parens.pop()
            work += pos - start if target else 0
    end = len(block)
    for start in brackets:
        work += end - start
        unclosed += 1
    for start, target in parens:
        if target:
            work += end - start
            unclosed += 1
    open_at = brackets + [start for start, target in parens if target]
    return work, unclosed, min(open_at, default=0)


def inline_work(text: str) -> tuple[int, int]:
    """(characters Python-Markdown copies for the inline marks of `text`,
    the first line of the paragraph that costs most)."""
    work = worst = 0
    worst_line = 1
    for line, block in _paragraphs(text):
        marks = _marks(block)
        work += marks * len(block)
        if marks * len(block) > worst:
            worst, worst_line = marks * len(block), line
    return work, worst_line


def _marks(text: str) -> int:
    return sum(text.count(mark) for mark in INLINE_MARKS)


def block_count(text: str) -> tuple[int, int]:
    """(the list items, table rows, headings and quote lines of `text`, the
    line of the one past the limit)."""
    count, past = 0, 1
    for match in MARKED_LINE.finditer(text):
        count += 1
        past = text.count("\n", 0, match.start()) + 1 if count == MAX_BLOCKS + 1 else past
    return count, past


def quote_depth(text: str) -> tuple[int, int]:
    """(the deepest '>' quote nesting at the start of a line, its line)."""
    depth, at = 0, 0
    for match in QUOTE_PREFIX.finditer(text):
        level = match.group(0).count(">")
        if level > depth:
            depth, at = level, match.start()
    return depth, text.count("\n", 0, at) + 1


def markdown_problem(text: str) -> tuple[int, str] | None:
    """(line within `text`, why it cannot be converted in reasonable time), or None."""
    depth, line = quote_depth(text) if text.count(">") > MAX_QUOTE_DEPTH else (0, 1)
    if depth > MAX_QUOTE_DEPTH:
        return line, (
            f"this line opens {depth} quotes inside each other ('>'), more than the "
            f"{MAX_QUOTE_DEPTH} Markdown can convert in reasonable time; "
            "use fewer '>' or write a literal '>' as '&gt;'"
        )
    # Each scan reads at most the whole text: most files are cleared by that bound alone.
    openers = text.count("[") + text.count("](")
    work, unclosed, line = (
        bracket_work(text) if openers * len(text) > MAX_BRACKET_WORK else (0, 0, 1)
    )
    if work > MAX_BRACKET_WORK:
        return line, (
            f"this text has {unclosed} unclosed '[' or '](' (or brackets nested very deep), "
            "which Markdown cannot handle in reasonable time; close each '[' with ']' "
            "(and '](' with ')'), or write a literal bracket as '\\['"
        )
    tags = text.count("<")
    work, tags, line = tag_work(text) if tags * len(text) > MAX_TAG_WORK else (0, 0, 1)
    if work > MAX_TAG_WORK:
        return line, (
            f"this text has {tags} '<' opening a tag or comment with no closing '>', "
            "which the HTML parser cannot handle in reasonable time; close each HTML tag "
            "with '>', or write a literal '<' as '&lt;'"
        )
    blocks, line = block_count(text) if text.count("\n") > MAX_BLOCKS else (0, 1)
    if blocks > MAX_BLOCKS:
        return line, (
            f"this file has {blocks} list items, table rows, headings and quote lines, "
            f"more than the {MAX_BLOCKS} Markdown can convert in reasonable time "
            f"(number {MAX_BLOCKS + 1} is here); split it into several pages"
        )
    work, line = inline_work(text) if _marks(text) * len(text) > MAX_INLINE_WORK else (0, 1)
    if work <= MAX_INLINE_WORK:
        return None
    return line, (
        "this paragraph holds so much inline markup (emphasis, links, code, tags, "
        "entities) that Markdown cannot convert it in reasonable time; "
        "split it into paragraphs with blank lines"
    )


def too_deep_message(exc: BaseException) -> str:
    what = "memory" if isinstance(exc, MemoryError) else "depth"
    return (
        f"this Markdown is nested too deeply to convert (it ran out of {what}): "
        "a list, quote or emphasis inside itself hundreds of times; flatten the nesting"
    )
