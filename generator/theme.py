"""The built-in theme (before the render stage): the templates and static
files prehab ships, beneath the project's own templates/. A project's file
overrides the theme's file of the same name, static files included, and a
project needs no templates/ at all.

The theme's source is the repository's top-level templates/; the package
holds it as generator/templates (a link in a source checkout, real files
in an installed wheel), so both read it from the same place.

A problem in a theme file is named `(built-in theme) templates/x.html`:
there is no such file in the project, and `prehab theme copy x.html` puts
one there to edit."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from .atomic import write_atomic
from .diagnostics import Diagnostic, did_you_mean
from .files import Gate, Refusal

THEME = Path(os.path.realpath(Path(__file__).resolve().parent / "templates"))
LABEL = "(built-in theme)"


def layers(templates: Path) -> tuple[tuple[Path, Gate, bool], ...]:
    """(folder, its file gate, is the theme) of the project's templates/ and,
    beneath it, the built-in theme: a name found in the first wins."""
    templates = Path(os.path.abspath(templates))
    return ((templates, Gate(templates.parent), False), (THEME, Gate(THEME.parent), True))


def theme_file(templates: Path, rel: str) -> Path:
    """Where templates/<rel> comes from: the project's file if it has one
    (whatever it is: the gate judges it), else the theme's."""
    own = Path(templates) / rel
    return own if os.path.lexists(own) else THEME / rel


def from_theme(diagnostic: Diagnostic) -> Diagnostic:
    """A problem found in a theme file, named as one (the gate names it
    templates/x, relative to the theme's parent folder)."""
    return replace(diagnostic, path=f"{LABEL} {diagnostic.path}")


def labelled(diagnostics: list[Diagnostic], project: Path | None) -> list[Diagnostic]:
    """Each `templates/x.html` in problems that the project has no such file
    for, and the theme has, as `(built-in theme) templates/x.html`. (The
    render stage names every template frame templates/x.html, wherever the
    file lives.) Without a project, the problems as they are."""
    if project is None:
        return diagnostics
    project = Path(os.path.abspath(project))
    return [
        from_theme(d)
        if d.path.startswith("templates/")
        and not os.path.lexists(project / d.path)
        and (THEME / d.path.removeprefix("templates/")).is_file()
        else d
        for d in diagnostics
    ]


def theme_names() -> list[str]:
    """Every file of the theme, relative to it ('base.html', 'static/style.css')."""
    found, _ = Gate(THEME.parent).walk(THEME)
    return [file.rel for file in found]


class ThemeError(Exception):
    """A `prehab theme copy` that cannot be done as asked."""


def wanted(names: list[str]) -> list[str]:
    """The theme files that `names` ask for: each a file ('base.html', also
    as 'templates/base.html') or a folder ('static', 'partials'); all of
    them when none is named. Raises ThemeError naming the unknown ones."""
    known = theme_names()
    if not names:
        return known
    chosen, unknown = [], []
    for name in names:
        rel = name.replace("\\", "/").strip("/").removeprefix("templates/")
        matches = [k for k in known if k == rel or k.startswith(rel + "/")]
        if matches:
            chosen += [m for m in matches if m not in chosen]
        else:
            unknown.append(name)
    if unknown:
        raise ThemeError(
            "; ".join(
                f"the built-in theme has no file '{name}'"
                + did_you_mean(name.removeprefix("templates/"), known, "theme files")
                for name in unknown
            )
        )
    return chosen


def copy_theme(project: Path, names: list[str], force: bool = False) -> tuple[list, list]:
    """Copy theme files into project/templates/ for editing: (copied, kept),
    as project-relative paths. A file the project already has is kept, not
    overwritten, unless `force`. Each copy is written whole (a temporary
    file renamed into place), so a link in its place is replaced, never
    written through."""
    templates = Path(project) / "templates"
    if os.path.islink(templates):
        raise ThemeError("templates/ is a symlink; prehab copies the theme only into a real folder")
    gate, copied, kept = Gate(project), [], []
    for rel in wanted(names):
        target = templates / rel
        shown = f"templates/{rel}"
        try:  # a folder on the way that links out of the project is never written into
            gate.resolve(target.parent)
        except Refusal as refusal:
            raise ThemeError(refusal.diagnostic().format()) from refusal
        if os.path.lexists(target) and not force:
            kept.append(shown)
            continue
        if target.is_dir() and not target.is_symlink():
            raise ThemeError(f"{shown} is a folder; remove it or copy another file")
        write_atomic(target, (THEME / rel).read_bytes())
        copied.append(shown)
    return copied, kept
