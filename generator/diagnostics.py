"""Problems as values: `Diagnostic`, the `Report` that collects them, and
"did you mean" suggestions. Every stage returns diagnostics; only the CLI
(or the dev server) prints them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one source file, at one line (1-based) when known."""

    path: str
    line: int | None
    message: str
    severity: str = ERROR
    code: str = ""
    column: int | None = None

    def __post_init__(self):
        from .error_codes import CODES

        if self.code not in CODES:  # a bug in prehab: every problem must be documented
            raise ValueError(f"undocumented diagnostic code {self.code!r}")

    def format(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        prefix = "warning: " if self.severity == WARNING else ""
        return f"{where}: {prefix}{self.message}"

    def as_record(self) -> dict:
        return {
            "file": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class Report:
    """Diagnostics gathered over a whole build, in a stable order."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostics) -> None:
        self.items.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return sorted({d for d in self.items if d.severity == ERROR}, key=_sort_key)

    @property
    def warnings(self) -> list[Diagnostic]:
        return sorted({d for d in self.items if d.severity == WARNING}, key=_sort_key)

    def has_errors(self) -> bool:
        return any(d.severity == ERROR for d in self.items)


def _sort_key(d: Diagnostic):
    return (d.path, d.line or 0, d.message)


class ContentErrors(Exception):
    """Raised at a gate when the content has errors; carries the report."""

    def __init__(self, report: Report):
        super().__init__(f"{len(report.errors)} content error(s)")
        self.report = report


def did_you_mean(word: str, options, what: str = "") -> str:
    """A hint naming the closest known names, or listing a few known ones."""
    options = sorted(set(options))
    close = difflib.get_close_matches(word, options, n=3, cutoff=0.6)
    if close:
        best = difflib.SequenceMatcher(None, word, close[0]).ratio()
        close = [c for c in close if difflib.SequenceMatcher(None, word, c).ratio() >= best - 0.05]
        return "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    if not options:
        return f" (there are no {what} yet)" if what else ""
    shown = ", ".join(f"'{o}'" for o in options[:6])
    more = ", ..." if len(options) > 6 else ""
    return f" (known {what}: {shown}{more})" if what else f" (known: {shown}{more})"
