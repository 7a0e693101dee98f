"""The one place that maps content to URLs and URLs to output files.
Every URL is site-absolute and carries the base path of `base_url`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KIND_NAMES = {  # each content kind in the singular: template and schema file names
    "articles": "article",
    "exercises": "exercise",
    "routines": "routine",
    "authors": "author",
    "pages": "page",
}
SECTIONS = {
    "articles": "articles",
    "exercises": "exercises",
    "routines": "routines",
    "authors": "authors",
    "pages": "",
}
# Top-level names a plain page may not take: they are the site's own sections.
RESERVED = frozenset(
    {
        "articles",
        "exercises",
        "routines",
        "authors",
        "tags",
        "body-areas",
        "images",
        "static",
        "search",
        "feed",
        "sitemap",
        "404",
        "pagefind",
    }
)


# Letters that Unicode does not decompose into a base letter plus an accent.
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
        "Þ": "TH",
        "ð": "d",
        "Ð": "D",
    }
)


# The one slug rule: lowercase ASCII letters and digits in runs joined by
# single hyphens. File names, study ids, body areas and the JSON Schemas all
# use this pattern; slugify() only ever produces text that matches it (or '').
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_RE = re.compile(SLUG_PATTERN)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


MAX_SLUG = 80  # characters: longer file names and addresses break on some systems and in print
# Names Windows will not create as files or folders, whatever the extension:
# a site with /tags/con/ cannot be checked out or unpacked there.
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)]
)


def slug_refusal(slug: str) -> str | None:
    """Why a well-formed slug still cannot be a file name or address, or None."""
    if len(slug) > MAX_SLUG:
        return f"it is {len(slug)} characters long; the limit is {MAX_SLUG}"
    if slug in WINDOWS_RESERVED:
        return (
            f"'{slug}' is a name Windows reserves for a device (the site could not be copied there)"
        )
    return None


def is_slug(text: str) -> bool:
    """True when `text` is a valid slug: 'goblet-squat' yes, 'Goblet_Squat' no."""
    return bool(SLUG_RE.match(text))


def slugify(text: str) -> str:
    """'Low back pain' -> 'low-back-pain', 'Ødegaard' -> 'odegaard' ([a-z0-9-]+ only;
    '' when the text holds no letter or digit)."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_LETTERS)).encode("ascii", "ignore").decode()
    )
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


@dataclass(frozen=True)
class Urls:
    base_path: str = ""  # '' or '/sub' (from base_url)

    def home(self) -> str:
        return self.base_path + "/"

    def page(self, kind: str, slug: str) -> str:
        section = SECTIONS[kind]
        return f"{self.base_path}/{section}/{slug}/" if section else f"{self.base_path}/{slug}/"

    def section(self, kind: str, number: int = 1) -> str:
        url = f"{self.base_path}/{SECTIONS[kind]}/"
        return url if number == 1 else f"{url}page/{number}/"

    def term(self, taxonomy: str, slug: str) -> str:
        return f"{self.base_path}/{taxonomy}/{slug}/"

    def taxonomy(self, taxonomy: str) -> str:
        """The index of a taxonomy: '/tags/', '/body-areas/'."""
        return f"{self.base_path}/{taxonomy}/"

    def asset(self, path: str) -> str:
        """A file copied as is: 'images/x.svg' -> '/images/x.svg'."""
        return f"{self.base_path}/{path.lstrip('/')}"

    def share_image(self, page_url: str) -> str:
        """The share picture of a page, beside it: '/articles/x/' -> '/articles/x/share.png'."""
        return f"{page_url}share.png"

    def output_path(self, url: str) -> str:
        """'/sub/articles/x/' -> 'articles/x/index.html' (relative to the output folder)."""
        path = url[len(self.base_path) :] if url.startswith(self.base_path) else url
        path = path.lstrip("/")
        return path + "index.html" if path == "" or path.endswith("/") else path
