"""Every problem prehab reports, by code: what it means and how to fix it.
`docs/errors.md` is generated from this table (`prehab schema --docs`
refreshes both references) and a test keeps the two in step."""

from __future__ import annotations

# code: (severity, what it means, how to fix it)
CODES: dict[str, tuple[str, str, str]] = {
    "no-config": (
        "error",
        "content/site.toml is missing.",
        "Create it with at least `title` and `base_url`.",
    ),
    "bad-toml": (
        "error",
        "content/site.toml is not valid TOML.",
        "Check quotes and `key = value` lines at the line shown.",
    ),
    "bad-config": (
        "error",
        "A site setting is missing, unknown or of the wrong type.",
        "Fix the setting named; unknown settings are usually typos (a suggestion is given).",
    ),
    "unreadable": (
        "error",
        "A file could not be read, or is not UTF-8 text.",
        "Save the file as UTF-8; check its permissions.",
    ),
    "too-large": (
        "error",
        "A file is larger than the limits in content/site.toml "
        "`[limits]` (checked before reading it), or an image has more pixels than "
        "`image_megapixels` (checked before decoding it).",
        "Split the text, export the image smaller (fewer pixels), or raise the limit.",
    ),
    "unsafe-path": (
        "error",
        "A symlink under content/ points outside the project.",
        "Copy the file into the project instead of linking to it.",
    ),
    "output-collision": (
        "error",
        "Two files would be written to the same place in the site "
        "(also when their names differ only by case or accents).",
        "Rename one of the files listed.",
    ),
    "bad-slug": (
        "error",
        "A file name or study id is not a slug.",
        "Rename it with lowercase letters, digits and single hyphens, e.g. `goblet-squat.md`.",
    ),
    "no-front-matter": (
        "error",
        "A Markdown file does not start with front matter.",
        "Start the file with `---`, the fields, then `---`.",
    ),
    "unclosed-front-matter": (
        "error",
        "The front matter is opened with `---` but never closed.",
        "Add a `---` line after the last field.",
    ),
    "bad-yaml": (
        "error",
        "The front matter (or studies.yml) is not valid YAML.",
        "Look at the line and column given. For the common mistakes the message says what "
        "to write: indent with spaces, never tabs; put a value that contains `: ` or starts "
        "with `@`, `` ` ``, `[` or a quote mark in double quotes (the quoted line is shown); "
        "line a field up with the ones around it; close a quote or `[` on its own line.",
    ),
    "wrong-type": (
        "error",
        "A study in studies.yml is not a group of fields.",
        "Indent the study's fields under its id.",
    ),
    "missing-field": (
        "error",
        "A required field is missing.",
        "Add the field named; `prehab new` shows every field with its meaning.",
    ),
    "unknown-field": (
        "error",
        "A field is not part of this kind of content (usually a typo).",
        "Use the suggested name (offered only when one is close), or remove the field; "
        "otherwise the message lists every field allowed there.",
    ),
    "invalid-field": (
        "error",
        "A field has the wrong type or an out-of-range value.",
        "The message says what was found and what is expected; "
        "quote text that YAML reads as a number, date or yes/no. A dose written as text "
        "(`dose: 3x10`) is shown as the fields to write: `dose: {sets: 3, reps: 10}`.",
    ),
    "duplicate-slug": (
        "error",
        "Two files share a file name, so `[[slug]]` would be ambiguous.",
        "Rename one of them.",
    ),
    "reserved-slug": (
        "error",
        "A page's file name clashes with a section of the site (articles, tags, ...).",
        "Rename the page.",
    ),
    "unknown-ref": (
        "error",
        "A field names an author, exercise or routine that does not exist.",
        "Fix the name (a suggestion is given) or create the file.",
    ),
    "unpublished-ref": (
        "error",
        "A published page refers to a draft or to an article scheduled for later.",
        "Publish the other page, remove the reference, or preview with `--drafts` / `--future`.",
    ),
    "unknown-study": (
        "error",
        "A citation `[@id]` or `studies:` entry names no study in content/studies.yml.",
        "Fix the id (a suggestion is given) or add the study (`prehab studies import`).",
    ),
    "unknown-link": (
        "error",
        "A `[[slug]]` link names no article, exercise, routine or page.",
        "Use the file name without `.md`; a suggestion is given.",
    ),
    "unknown-area": (
        "error",
        "A body area is not listed in content/site.toml.",
        "Use one of the `[body_areas]` slugs, or add the area there.",
    ),
    "bad-tag": (
        "error",
        "A tag has no Latin letters or digits to make its address from, or its address would "
        "be a name Windows reserves (con, nul, aux, com1...) or over 80 characters.",
        "Write the tag with Latin letters or digits, or choose another word.",
    ),
    "missing-image": (
        "error",
        "An image path points at no file under content/.",
        "Paths are relative to content/, e.g. `images/exercises/goblet-squat.svg`.",
    ),
    "external-image": (
        "error",
        "An image is loaded from another site (a request to a third party on every visit).",
        "Copy the image under content/images/, or allow its host in site.toml "
        '(`[images] allowed_hosts = ["images.example.org"]`; body images only).',
    ),
    "bad-image": (
        "error",
        "An image cannot be read (a broken or mislabelled file, or an SVG without a size).",
        "Re-export the image; give an SVG a width and height or a viewBox.",
    ),
    "unsafe-url": (
        "error",
        "A link or image address uses a scheme that is not allowed (javascript:, "
        "data:, vbscript:, ...) or leaves the site without a scheme (//host).",
        "Use https://, http://, mailto: or a path on this site.",
    ),
    "unsafe-html": (
        "warning",
        "Raw HTML in a Markdown body carried something the sanitiser "
        "removes (scripts, event handlers, styles, frames, forms).",
        "Remove it from the text; use Markdown or the "
        "allowed elements (figure, details, kbd, ...).",
    ),
    "missing-alt": (
        "error",
        "A body image has no alt text.",
        "Write what the image shows between the brackets: `![A runner stretching](images/x.svg)`.",
    ),
    "too-complex": (
        "error",
        "A Markdown file cannot be converted in reasonable time or depth: thousands "
        "of unclosed `[`, `](` or `<tag`, a list, quote or emphasis nested hundreds deep, "
        "one paragraph dense with inline markup, or more than 6,000 list items, table rows, "
        "headings and quote lines in one file.",
        "Close each `[` with `]` and each tag with `>` (write a literal bracket as `\\[`, "
        "a literal `<` as `&lt;`), flatten the nesting, add blank lines between "
        "paragraphs, or split the file into several pages.",
    ),
    "template-error": (
        "error",
        "A template failed to render (a typo in a variable name, a missing asset, a syntax error).",
        "Fix the template at the line shown; the message names the page being rendered.",
    ),
    "card-overflow": (
        "error",
        "A routine's printable card does not fit on one page even in its most compact layout.",
        "Split the routine or shorten `weeks`.",
    ),
    "card-limit": (
        "error",
        "Rendering a routine card went over its time or memory "
        "limit (site.toml `[pdf] timeout_seconds`, `memory_mb`).",
        "Simplify the routine or its images; other cards are not affected.",
    ),
    "missing-font": (
        "error",
        "The font share pictures are drawn in (DejaVu Sans Bold) is not installed.",
        "Install it: `apt-get install fonts-dejavu-core` (Debian, Ubuntu), `dnf install "
        "dejavu-sans-fonts` (Fedora), `brew install --cask font-dejavu` (macOS).",
    ),
    "card-fetch-refused": (
        "error",
        "A routine card tried to load a file outside "
        "content/images/ and templates/, or from the network.",
        "Use images under content/images/ only.",
    ),
    "broken-link": (
        "error",
        "A link or image in a body (`[x](/path/)`, `[x][ref]`, `<a href>`, `<img src>`) "
        "points at no page or file of the built site (links made by templates: `prehab check`).",
        "Fix the address (a suggestion is given); link pages with `[[slug]]`, "
        "and end page addresses with `/`.",
    ),
    "broken-fragment": (
        "error",
        "A link's `#anchor` names no heading or element on the target page.",
        "Use the anchor of an existing heading (lowercase words joined by hyphens; "
        "a suggestion is given).",
    ),
    "bad-url": (
        "error",
        "An external link is not a well-formed http(s) address (`prehab check`).",
        "Write the full address, e.g. `https://example.org/page`.",
    ),
    "unused-study": (
        "warning",
        "A study is cited nowhere.",
        "Cite it with `[@id]` or remove it from content/studies.yml.",
    ),
    "dose-disagrees": (
        "warning",
        "An article's text gives an exercise other numbers than the routine it recommends, "
        "whose dose the article page shows.",
        "Make the text say the routine's dose, or change the routine.",
    ),
    "unused-exercise": (
        "warning",
        "An exercise is featured in no article or routine.",
        "Feature it, or leave it as a library entry.",
    ),
    "unused-image": (
        "warning",
        "An image under content/images/ is shown on no page (`prehab check`).",
        "Use it or delete it.",
    ),
    "long-summary": (
        "warning",
        "A summary is longer than search results show (about 160 characters) (`prehab check`).",
        "Shorten it so readers see all of it.",
    ),
    "no-citations": (
        "warning",
        "An article cites no study (`prehab check`).",
        "Back its claims with `[@study-id]`.",
    ),
    "borrowed-citations": (
        "warning",
        "An article features an exercise without its own `why`, so it shows the exercise's "
        'default "why it works", whose citations stay on the exercise page (the article '
        "links there) (`prehab check`).",
        "Write the article's own `why` for the exercise, citing with `[@id]` what it says.",
    ),
    "review-overdue": (
        "warning",
        "A page's review (`reviewed`) is older than site.toml `[review] interval_months` "
        "(default 12) (`prehab check`).",
        "Check the page against its studies again, then update `reviewed` (and `reviewed_by`).",
    ),
    "no-reviewer": (
        "warning",
        "A published article names no reviewer (`prehab check --strict` only).",
        "Add `reviewed_by:` (an author other than the writer) and `reviewed:` (the date).",
    ),
    "no-design": (
        "warning",
        "A cited study has no `design` in content/studies.yml (`prehab check --strict` only).",
        "Add `design:` (systematic-review, meta-analysis, rct, cohort, case-control, "
        "cross-sectional, case-series, narrative-review, guideline or other).",
    ),
    "duplicate-title": (
        "warning",
        "Two pages have the same title (`prehab check`).",
        "Make each title distinct.",
    ),
    "todo-finding": (
        "warning",
        "An imported study's finding has not been written yet (`prehab check`).",
        "Replace the TODO with the finding in one plain sentence.",
    ),
    "broken-external-link": (
        "warning",
        "An external link answered with an error or not at all (`prehab check --external`).",
        "Update or remove the link; results are cached for a day.",
    ),
    "alias-collision": (
        "error",
        "An alias (an old address in `aliases:`) is the address of a page or of another alias.",
        "Remove the alias, or rename one of the pages: an address leads to one page only.",
    ),
    "dropped-address": (
        "warning",
        "A page the last build published is no longer made (renamed, removed or made a draft): "
        "links and printed QR codes to it would break.",
        "Add `aliases: [/old/address/]` to the page that replaces it.",
    ),
    "unsafe-svg": (
        "error",
        "An SVG under content/images/ cannot be read safely (it declares XML entities, or is "
        "not well-formed XML).",
        "Export it again as a plain SVG (no DOCTYPE), e.g. 'Plain SVG' in Inkscape.",
    ),
    "svg-cleaned": (
        "warning",
        "An SVG carried active parts (scripts, event handlers, foreignObject, links to other "
        "files or sites); they were removed from the published copy.",
        "Remove them from the file, or export it again as a plain SVG.",
    ),
    "active-file": (
        "error",
        "A file under content/images/ is a page or a script (.html, .js, .xml...), which would "
        "run on the site's own address.",
        "Remove it; images go in content/images/, pages in content/pages/.",
    ),
    "control-character": (
        "error",
        "A line holds an invisible control character (U+0000 to U+001F but tab and newline, "
        "or U+007F): it makes feeds invalid XML and cannot be seen in an editor.",
        "Delete it; it often comes from pasting out of a PDF or a word processor.",
    ),
    "invisible-character": (
        "warning",
        "A title, name or tag holds a bidi override or a zero-width character, which can "
        "make it read differently from what it is.",
        "Delete the character.",
    ),
    "placeholder": (
        "error",
        "A file still holds the placeholder text that `prehab new` or `prehab studies "
        "import` wrote (a warning while the file is a draft).",
        "Write what the message asks for at the line shown, or delete the line.",
    ),
    "self-progression": (
        "error",
        "An exercise lists itself under `easier` or `harder`.",
        "Name the other exercise to do instead, or remove the line.",
    ),
}


def errors_markdown() -> str:
    lines = [
        "# Errors and warnings",
        "",
        "Every problem prehab reports has a code (shown by `prehab check --format json`). "
        "Errors stop the build and leave the previous site in "
        "place; warnings never do (unless `prehab check --strict`).",
        "This page is generated from `generator/error_codes.py` "
        "by `prehab schema --docs docs/writing.md`.",
        "",
        "| code | severity | what it means | how to fix it |",
        "|---|---|---|---|",
    ]
    for code, (severity, meaning, fix) in CODES.items():
        lines.append(f"| `{code}` | {severity} | {meaning} | {fix} |")
    return "\n".join(lines) + "\n"
