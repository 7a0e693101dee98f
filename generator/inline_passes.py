"""Part of stage 4, markup: Python-Markdown's two inline passes (its own and
smarty's), given only the texts and patterns that can match, so that they
cost what a body's markup needs rather than every pattern times every text.
The HTML is the same as without them, byte for byte (tests/test_markup_speed.py
converts hostile and ordinary Markdown both ways): a pattern is skipped only
where the text lacks what every match of it contains.

Before: 17 inline patterns were tried on each of a body's texts, and smarty's
~10 patterns again, which made Python-Markdown with prehab's extensions about
twice the plain `extra` + `toc` floor."""

from __future__ import annotations

import re

from markdown.extensions import Extension
from markdown.extensions.smarty import SmartyExtension
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString

# What every match of an inline pattern contains, by the pattern's registered
# name (any one of them); a pattern not named here is always tried.
NEEDS = {
    "backtick": ("`",),
    "escape": ("\\",),
    "prehab-link": ("[[",),
    "prehab-cite": ("[@",),
    "footnote": ("[^",),
    "reference": ("[",),
    "link": ("[",),
    "short_reference": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "html": ("<",),
    "linebreak": ("  \n",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "em_strong2": ("_",),
}


class _PatternsWhereNeeded(InlineProcessor):
    """Python-Markdown's inline pass, trying on each text only the patterns
    whose needs (NEEDS) the text has. Its loop, otherwise unchanged."""

    def run(self, tree, ancestors=None):
        self.needs: list = [None] * len(self.inlinePatterns)
        for name, wanted in NEEDS.items():
            if name in self.inlinePatterns:
                self.needs[self.inlinePatterns.get_index_for_name(name)] = wanted
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, AtomicString):
            return data
        start, count = 0, len(self.inlinePatterns)
        while patternIndex < count:
            wanted = self.needs[patternIndex]
            if wanted is not None and not any(w in data for w in wanted):
                patternIndex, start = patternIndex + 1, 0  # as when the pattern is tried and fails
                continue
            pattern = self.inlinePatterns[patternIndex]
            data, matched, start = self._InlineProcessor__applyPattern(
                pattern, data, patternIndex, start
            )
            if not matched:
                patternIndex += 1
        return data


class PatternsWhereNeeded(Extension):
    """Put last among the extensions: every pattern is registered by then."""

    def extendMarkdown(self, md):
        md.treeprocessors.register(_PatternsWhereNeeded(md), "inline", 20)


# What any of smarty's patterns needs in a text (quotes, dashes, ellipses; its
# angled quotes are off): a text without it comes out of smarty unchanged.
_SMARTY_NEEDS = re.compile(r"""['"]|--|\.\.\.""")


class _SmartyWhereNeeded(InlineProcessor):
    """Smarty's own pass and patterns, given only the texts it can change:
    the others are marked atomic first (Python-Markdown's way of saying
    "leave alone"), so its ~10 patterns are not tried on every text."""

    def run(self, tree, ancestors=None):
        needed = False
        for element in tree.iter():
            for attr in ("text", "tail"):
                value = getattr(element, attr)
                if not value or isinstance(value, AtomicString):
                    continue
                if _SMARTY_NEEDS.search(value):
                    needed = True
                else:
                    setattr(element, attr, AtomicString(value))
        return super().run(tree, ancestors) if needed else tree


class WhereNeededSmarty(SmartyExtension):
    """smarty, its pass replaced by _SmartyWhereNeeded."""

    def extendMarkdown(self, md):
        super().extendMarkdown(md)
        fast = _SmartyWhereNeeded(md)
        fast.inlinePatterns = md.treeprocessors["smarty"].inlinePatterns
        md.treeprocessors.register(fast, "smarty", 6)
