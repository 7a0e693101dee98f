"""Problems as values: `Diagnostic`, the `Report` that collects them, and
"did you mean" suggestions. Every stage returns diagnostics; only the CLI
(or the dev server) prints them."""

from __future__ import annotations

import difflib
import re
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


SHOWN = 6  # names listed when none is close (a model's fields are all listed)


def did_you_mean(word: str, options, what: str = "") -> str:
    """A hint naming the known names close to `word` (a likely typo), or else
    listing the known ones: all of a model's fields (`model_fields`: a short,
    closed list the editor must choose from), a few of any other kind and how
    many more."""
    # imported here: the "nothing changed" check reports with this module, without pydantic
    from pydantic.fields import FieldInfo

    whole = isinstance(options, dict) and all(isinstance(v, FieldInfo) for v in options.values())
    options = sorted({str(o) for o in options})
    close = closest(word, options)
    if close:
        return "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    if not options:
        return f" (there are no {what} yet)" if what else ""
    shown = options if whole else options[:SHOWN]
    listed = ", ".join(f"'{o}'" for o in shown)
    if len(options) > len(shown):
        listed += f" and {len(options) - len(shown)} more"
    return f" (known {what}: {listed})" if what else f" (known: {listed})"


def closest(word: str, options) -> list[str]:
    """The options (at most 3) nearest to `word`, among those close enough
    to be a slip of the keyboard: a wrong suggestion misleads more than none."""
    scored = sorted((s, o) for o in options if (s := _score(word, o)) is not None)
    return [o for s, o in scored if s == scored[0][0]][:3] if scored else []


def _score(word: str, option: str) -> float | None:
    """How far `option` is from `word` (lower is closer), or None if unrelated.
    Paths are compared by file name: two paths that share 'images/' and
    '.svg' are not alike when the names differ."""
    if "/" in word and "/" in option:
        (w_dir, w_stem, w_ext), (o_dir, o_stem, o_ext) = _split_path(word), _split_path(option)
        score = _name_score(w_stem, o_stem)
        if score is None:
            return None
        return score + 0.5 * (w_dir != o_dir) + 0.25 * (w_ext != o_ext)
    return _name_score(word, option)


def _split_path(path: str) -> tuple[str, str, str]:
    folder, _, name = path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    return (folder, stem, ext) if dot and stem else (folder, name, "")


def _name_score(word: str, option: str) -> float | None:
    a, b = _normal(word), _normal(option)
    if a == b:
        return 0  # differs only by case or by '-', '_' and spaces
    edits = _edits(a, b) if abs(len(a) - len(b)) <= _allowed(a) else len(a) + len(b)
    if edits <= _allowed(a) and difflib.SequenceMatcher(None, a, b).ratio() >= 0.6:
        return edits
    if _contains(a, b):
        return 4 + abs(len(a) - len(b)) / 100  # a word more or less: 'reps_per_side'
    return None


def _normal(name: str) -> str:
    return re.sub(r"[-_ ]+", "-", name.lower())


def _allowed(word: str) -> int:
    """Slips allowed in a word of this length: 'knee' is one slip from
    'knees', not two from 'nope'."""
    return 0 if len(word) <= 2 else 1 if len(word) <= 4 else 2 if len(word) <= 8 else 3


def _contains(a: str, b: str) -> bool:
    """One name is the other with a word added ('tags[0]', 'reps-per-side'),
    where the shared part is at least half of the longer."""
    short, long = sorted((a, b), key=len)
    if len(short) < 3 or 2 * len(short) < len(long):
        return False
    return re.search(rf"(?<![a-z0-9]){re.escape(short)}(?![a-z0-9])", long) is not None


def _edits(a: str, b: str) -> int:
    """Insertions, deletions, substitutions and swaps of neighbours needed
    to turn a into b (optimal string alignment distance)."""
    before, row = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        new = [i]
        for j, cb in enumerate(b, 1):
            cost = min(row[j] + 1, new[j - 1] + 1, row[j - 1] + (ca != cb))
            if before and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            new.append(cost)
        before, row = row, new
    return row[-1]


# A dose written as text, as editors write it on paper: "3x10", "3 x 10 per
# side", "3 sets of 10 reps", "30s", "2 x 20 min", "3x10, rest 60s".
_PER_SIDE = re.compile(r"\s*(?:\b(?:per|each|a)\s+(?:side|leg|arm)|/\s*(?:side|leg|arm))\b")
_REST = re.compile(r"[,;]?\s*\brest(?:ing)?\s*(\d+)\s*([a-z]*)\b")
_DOSE = re.compile(r"(?:(\d+)\s*(?:x|×|\*|sets?\s+(?:of|x)|sets?)\s*)?(\d+)\s*([a-z]*)")
_SECONDS = {"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1}
_SECONDS |= {"min": 60, "mins": 60, "minute": 60, "minutes": 60}


def dose_fields(text: str) -> dict | None:
    """The dose fields (sets, reps, seconds, per_side, rest_seconds) that a
    text like '3x10 per side' stands for, only those it names; None when it
    does not read as a dose."""
    text = text.strip().lower()
    fields: dict = {}
    side = _PER_SIDE.search(text)
    if side:
        text = text[: side.start()] + text[side.end() :]
    rest = _REST.search(text)
    if rest:
        if rest.group(2) not in ("", *_SECONDS):
            return None
        text = text[: rest.start()] + text[rest.end() :]
    match = _DOSE.fullmatch(text.strip(" ,;."))
    if match is None:
        return None
    sets, number, unit = match.groups()
    if sets:
        fields["sets"] = int(sets)
    if unit in ("", "rep", "reps"):
        fields["reps"] = int(number)
    elif unit in _SECONDS:
        fields["seconds"] = int(number) * _SECONDS[unit]
    else:
        return None
    if side:
        fields["per_side"] = True
    if rest:
        fields["rest_seconds"] = int(rest.group(1)) * _SECONDS.get(rest.group(2), 1)
    return fields


def flow(fields: dict) -> str:
    """Fields as a one-line YAML group: {sets: 3, reps: 10}."""
    shown = (f"{k}: {str(v).lower() if isinstance(v, bool) else v}" for k, v in fields.items())
    return "{" + ", ".join(shown) + "}"


def value_hint(kind: str, field, found, group=None) -> str:
    """How to write what was meant, when what was written shows it. `kind`
    is pydantic's error type; `group`, the model expected at `field`, if any."""
    if kind == "string_type" and isinstance(found, bool):
        return "; quote it"
    if kind == "string_type" and isinstance(found, dict) and len(found) == 1:
        return _quote_hint(found)
    if not (isinstance(found, str) and isinstance(field, str)):
        return ""
    if group is not None and {"sets", "reps", "seconds"} <= set(group.model_fields):
        return _dose_hint(field, found, group)  # 'dose: 3x10'
    return _number_hint(field, found) if kind == "int_parsing" else ""


def _dose_hint(field: str, text: str, model) -> str:
    """For a dose written as text where its group of fields belongs: the
    group to write, when `model` (the dose's) accepts what the text says."""
    fields = dose_fields(text) or {}
    if fields:
        fields = {"sets": fields.pop("sets", 1), **fields}
        try:
            model.model_validate(fields)
        except ValueError:  # out of range: an example is better than a wrong group
            fields = {}
    if fields:
        return f"; write it as fields: {field}: {flow(fields)}"
    return (
        f"; write it as fields, e.g. {field}: {{sets: 3, reps: 10}} "
        f"or {field}: {{sets: 2, seconds: 30}}"
    )


# A number field that may be written with its unit: (unit it is counted in, seconds in one)
_COUNTED = {"sets": ("sets", 1), "reps": ("reps", 1), "seconds": ("seconds", 1)}
_COUNTED |= {"rest_seconds": ("seconds", 1), "minutes": ("seconds", 60)}


def _number_hint(field: str, text: str) -> str:
    """For '3x10', '30s' or '2 min' where one number belongs: the field(s) to write."""
    fields = dose_fields(text) if field in _COUNTED else None
    if not fields:
        return ""
    unit, per = _COUNTED[field]
    if set(fields) == {unit} and fields[unit] % per == 0:
        fields = {field: fields[unit] // per}  # '2 min' in 'minutes' is 2; in 'seconds', 120
    elif field in ("rest_seconds", "minutes"):
        return ""  # a whole dose where only a time belongs: nothing sure to say
    shown = " and ".join(flow({k: v})[1:-1] for k, v in fields.items())
    return f"; write it as {shown}"


def step_dose_hint(value, step_fields) -> str:
    """For 'dose' in a routine step, whose dose fields stand in the step itself."""
    why = "a routine step takes the dose fields themselves, not a 'dose' group"
    fields = dose_fields(value) if isinstance(value, str) else None
    if fields:
        shown = " and ".join(flow({k: v})[1:-1] for k, v in fields.items())
        return f": {why}; write {shown} in the step instead"
    moved = [k for k in value if k in step_fields] if isinstance(value, dict) else []
    if moved:
        return f": {why}; move {', '.join(moved)} out from under 'dose:' into the step"
    return f": {why}: {', '.join(f for f in step_fields if f not in ('exercise', 'note'))}"


def _quote_hint(found: dict) -> str:
    """For '- Chest up: always' where text belongs: YAML read the ': ' as a field."""
    ((key, value),) = found.items()
    if not isinstance(key, str) or isinstance(value, (dict, list)) or value is None:
        return ""
    value = str(value).lower() if isinstance(value, bool) else value
    text = f"{key}: {value}".replace("\\", "\\\\").replace('"', '\\"')
    return f"; a ': ' inside text makes it a group of fields, so write it in quotes: \"{text}\""
