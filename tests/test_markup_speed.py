"""The faster inline passes (generator/inline_passes.py) give the very HTML
Python-Markdown's own passes give: on every body of the demo, on hand-made
tricky Markdown and on seeded random mixtures of every inline syntax."""

from __future__ import annotations

import random
from pathlib import Path

import markdown
import pytest

from generator.inline_passes import PatternsWhereNeeded, WhereNeededSmarty

REPO = Path(__file__).resolve().parent.parent
EXTENSIONS = ["extra", "sane_lists", "toc"]
CONFIG = {"toc": {"permalink": False, "toc_depth": "2-3"}}

TRICKY = [
    "A *stressed* word, a __strong__ one and ***both***, snake_case_words and 2*3*4.",
    "Code `a \\* b` and ``a ` b``, an escaped \\*star\\*, a backslash \\\\ and \\`tick\\`.",
    "Two spaces then a break  \nand the next line; a lone & and &amp; &#39; &#x27; &copy;.",
    "Links: [one](https://example.org/a_b), [ref][r], [short], ![pic](images/x.png 'T').\n\n"
    "[r]: https://example.org/r\n[short]: /s",
    "Autolinks <https://example.org/x?a=1&b=2> and <someone@example.org>, <b>raw</b> <!-- c -->.",
    "A footnote[^1] and a [^missing] one.\n\n[^1]: The *note* with `code`.",
    "\"Quoted\", 'single', it's the runners' '90s -- dash --- em... and << angled >>.",
    "*HTML* abbreviations: the ACL tore.\n\n*[ACL]: anterior cruciate ligament",
    "## A heading with *emphasis* {#custom-id}\n\nText {: .cls }",
    "| Week | *Sets* |\n|---|---|\n| 1 | `3 x 10` |\n| 2 | [link](/x) |",
    '<div markdown="1">\n*inside* html\n</div>',
    "- item *one*\n- item `two`\n    - nested [x](/y)\n\n1. first\n2. second",
    'Term\n:   Definition with _emphasis_ and "quotes".',
    "```\n*not* emphasis `here`\n```\n\n    indented *code*",
    "Brackets [not a link] and [[not|a wiki]] and [@not-a-cite] in plain Markdown.",
    "Mixed: **bold [link *em*](/u) more** and *a `code *x*` b*.",
]
TOKENS = [
    "word",
    " ",
    "  \n",
    "\n",
    "\n\n",
    "*",
    "**",
    "_",
    "__",
    "`",
    "``",
    "\\",
    "[",
    "]",
    "(",
    ")",
    "![",
    "<",
    ">",
    "&",
    "&amp;",
    ";",
    "'",
    '"',
    "--",
    "...",
    "[^1]",
    "<em>",
    "</em>",
    "https://x.y",
    "@",
    "#",
    "- ",
    "1. ",
    "|",
    ":",
    "{: .c }",
    "<https://a.b/c>",
    "[t](/u)",
    "[[s]]",
    "[@a]",
]


def converters():
    plain = markdown.Markdown(
        extensions=[*EXTENSIONS, "smarty"], extension_configs=CONFIG, output_format="html"
    )
    fast = markdown.Markdown(
        extensions=[*EXTENSIONS, WhereNeededSmarty(), PatternsWhereNeeded()],
        extension_configs=CONFIG,
        output_format="html",
    )
    return plain, fast


def same(text: str) -> None:
    plain, fast = converters()
    assert fast.convert(text) == plain.convert(text), text


def demo_bodies() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((REPO / "content").rglob("*.md"))]


def test_the_fast_passes_are_in_place():
    """Without them in the converter, the other tests would compare two stock passes."""
    _, fast = converters()
    assert type(fast.treeprocessors["inline"]).__name__ == "_PatternsWhereNeeded"
    assert type(fast.treeprocessors["smarty"]).__name__ == "_SmartyWhereNeeded"


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_markdown_comes_out_the_same(text):
    same(text)


def test_every_demo_body_comes_out_the_same():
    bodies = demo_bodies()
    assert len(bodies) > 30
    for text in bodies:
        same(text)


def test_random_mixtures_of_every_inline_syntax_come_out_the_same():
    rng = random.Random(20)
    for _ in range(400):
        same("".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 60))))
