"""Stage 2, validate: apply the front-matter models to every loaded source
and the study registry, and turn each pydantic error into a diagnostic at the
file line of the offending key, with a hint on how to fix it."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from .diagnostics import Diagnostic, closest, did_you_mean, step_dose_hint, value_hint
from .front_matter import LineMap, NotADate, WrittenKey, nearest_line
from .load import LoadedContent
from .rejected import partial_meta
from .schema import MODELS, SLUG_HINT, Study
from .urls import is_slug


@dataclass(frozen=True)
class Document:
    """A source whose front matter passed its model."""

    kind: str
    slug: str
    path: str
    meta: Any  # the kind's model instance (schema.Article, ...)
    lines: LineMap
    body: str
    body_line: int
    front_digest: str
    front_text: str = ""

    def line_of(self, loc: tuple) -> int:
        return nearest_line(self.lines, loc)


@dataclass(frozen=True)
class StudyEntry:
    id: str
    study: Study
    line: int


@dataclass(frozen=True)
class ValidContent:
    documents: tuple[Document, ...]
    studies: tuple[StudyEntry, ...]
    studies_path: str
    images: frozenset[str]
    failed: frozenset[tuple[str, str]] = frozenset()  # (kind, slug) whose front matter was rejected
    # The rejected sources, kept so that their other mistakes are found in the
    # same run: `meta` holds the fields that passed (the others None), or is
    # None when the front matter could not be read at all.
    rejected: tuple[Document, ...] = ()


def validate_content(
    loaded: LoadedContent, validated: dict | None = None
) -> tuple[ValidContent, list[Diagnostic]]:
    """`validated` (kept between builds by the caller) reuses the result for
    front matter whose text is unchanged."""
    validated = {} if validated is None else validated
    diagnostics: list[Diagnostic] = []
    documents, rejected = [], []
    failed = set()
    seen = set()
    for source in loaded.sources:
        key = (source.path, source.front_digest)
        seen.add(key)
        if key not in validated:
            validated[key] = _apply(MODELS[source.kind], source.front, source.path, source.line_of)
        meta, problems = validated[key]
        diagnostics.extend(problems)
        document = Document(
            source.kind,
            source.slug,
            source.path,
            meta if meta is not None else partial_meta(MODELS[source.kind], source.front),
            source.lines,
            source.body,
            source.body_line,
            source.front_digest,
            source.front_text,
        )
        if meta is None:
            failed.add((source.kind, source.slug))
            rejected.append(document)
        else:
            documents.append(document)

    studies = []
    registry = loaded.studies
    for study_id, fields in registry.data.items():
        line = registry.lines.get((study_id,), 1)
        if isinstance(study_id, WrittenKey) or not is_slug(study_id):
            read_as = getattr(study_id, "read_as", "")
            read_as = f" (YAML reads it as {read_as})" if read_as else ""
            diagnostics.append(
                Diagnostic(
                    registry.path,
                    line,
                    f"study id '{study_id}' is not a slug{read_as}: {SLUG_HINT}",
                    code="bad-slug",
                )
            )
            continue
        if not isinstance(fields, dict):
            diagnostics.append(
                Diagnostic(
                    registry.path,
                    line,
                    f"study '{study_id}' must be a mapping of fields (title, authors, year, ...)",
                    code="wrong-type",
                )
            )
            continue

        def line_of(loc, _id=study_id):
            return nearest_line(registry.lines, (_id,) + tuple(loc))

        study, problems = _apply(
            Study, fields, registry.path, line_of, where=f"study '{study_id}': "
        )
        diagnostics.extend(problems)
        if study is None:
            failed.add(("studies", study_id))
        else:
            studies.append(StudyEntry(study_id, study, line))
    for stale in set(validated) - seen:
        del validated[stale]
    failed |= set(loaded.rejected)
    return ValidContent(
        tuple(documents),
        tuple(studies),
        registry.path,
        loaded.images,
        frozenset(failed),
        tuple(rejected),
    ), diagnostics


def _apply(model: type[BaseModel], data: dict | None, path: str, line_of, where: str = ""):
    if data is None:
        return None, []  # unreadable YAML: its errors come from the load stage
    # A date that names no real day is reported by the parse; the rest of
    # the fields are still checked, and the document is rejected.
    impossible = {key for key, value in data.items() if _holds(value, NotADate)}
    meta, problems = _validate(model, data, path, line_of, where, skip=impossible)
    return (None if impossible else meta), problems


def _holds(value, kind: type) -> bool:
    if isinstance(value, kind):
        return True
    if isinstance(value, dict):
        return any(_holds(v, kind) for v in value.values())
    if isinstance(value, list):
        return any(_holds(v, kind) for v in value)
    return False


def _validate(
    model: type[BaseModel], data: dict, path: str, line_of, where: str = "", skip=frozenset()
):
    """`skip`: top-level keys whose mistakes are reported already."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [
            Diagnostic(
                path,
                line_of(_clean_loc(err["loc"], model)),
                where + explain(err, model, data),
                code=_code(err),
            )
            for err in exc.errors()
            if not (err["loc"] and err["loc"][0] in skip)
        ]


def _clean_loc(loc: tuple, model: type[BaseModel]) -> tuple:
    """The key path of an error without pydantic's union branch labels
    ('constrained-str', 'FeaturedExercise'), found by walking the model
    beside it: only where a field is a union does pydantic add a label, so a
    key an editor wrote ('Title', 'str', 'a[b]') is never mistaken for one."""
    kept, annotation = [], model
    parts = list(loc)
    while parts:
        annotation, branches = _unwrap(annotation)
        if len(branches) > 1:
            label = parts.pop(0)
            annotation = next(
                (b for b in branches if getattr(b, "__name__", None) == label),
                next((b for b in branches if not _is_model(b)), None),
            )
            continue
        part = parts.pop(0)
        kept.append(part)
        annotation = _child(annotation, part)
    return tuple(kept)


def _unwrap(annotation):
    """(the annotation without Annotated/Optional, its union members if any)."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0])
        return annotation, members
    return annotation, []


def _child(annotation, part):
    """The annotation of `part` (a field name or list index) inside `annotation`."""
    if _is_model(annotation) and isinstance(part, str) and part in annotation.model_fields:
        return annotation.model_fields[part].annotation
    if typing.get_origin(annotation) in (tuple, list) and isinstance(part, int):
        return typing.get_args(annotation)[0]
    return None  # unknown from here on: every remaining part is a key or index


def _is_model(annotation) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _field_name(loc: tuple) -> str:
    parts = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part + 1}]")
        else:
            parts.append(("." if parts else "") + part)
    return "".join(parts)


def _code(err) -> str:
    return {"extra_forbidden": "unknown-field", "missing": "missing-field"}.get(
        err["type"], "invalid-field"
    )


EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date like 2026-03-01",
    "date_from_datetime_parsing": "a date like 2026-03-01",
    "date_parsing": "a date like 2026-03-01",
    "tuple_type": "a list (one '- item' per line)",
    "list_type": "a list (one '- item' per line)",
    "model_type": "a group of fields",
    "model_attributes_type": "a group of fields",
    "dict_type": "a group of fields",
}


def explain(err: dict, model: type[BaseModel], data: dict) -> str:
    loc = _clean_loc(err["loc"], model)
    name = _field_name(loc)
    kind = err["type"]
    if kind == "extra_forbidden" and loc:
        return _unknown_field(model, loc, _written_key(data, loc), _value_at(data, loc))
    if kind == "missing":
        return f"missing required field '{name}'"
    found = err.get("input")
    if kind in EXPECTED:
        group = _model_at(model, loc) if EXPECTED[kind] == "a group of fields" else None
        hint = value_hint(kind, loc[-1] if loc else None, found, group)
        return f"'{name}' should be {EXPECTED[kind]}, but found {_describe(found)}{hint}"
    if kind == "string_pattern_mismatch":
        return f"'{name}' is '{found}', which is not a slug: {SLUG_HINT}"
    if kind == "string_too_long":
        limit = err.get("ctx", {}).get("max_length")
        return f"'{name}' is {len(found)} characters long; keep it to at most {limit}"
    if kind in ("string_too_short", "too_short"):
        return f"'{name}' must not be empty"
    if kind == "literal_error":
        close = closest(str(found), _choices(model, loc))
        hint = "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?" if close else ""
        return f"'{name}' is '{found}'; expected {err['ctx']['expected']}{hint}"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"'{name}' is {found}; {err['msg'].lower()}"
    message = err["msg"].removeprefix("Value error, ")
    return f"'{name}': {message}" if name else message


def _choices(model: type[BaseModel], loc: tuple) -> list[str]:
    """The values a Literal field (level, design) allows."""
    container = _model_at(model, loc[:-1])
    info = container.model_fields.get(str(loc[-1])) if container is not None and loc else None
    return [str(v) for v in typing.get_args(_unwrap(info.annotation)[0])] if info else []


def _value_at(data, loc: tuple):
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _written_key(data, loc: tuple):
    """The key at the end of `loc` as the YAML gave it (a WrittenKey keeps
    what YAML made of `on`, `1` or `null`)."""
    parent = _value_at(data, loc[:-1])
    if isinstance(parent, dict):
        return next((key for key in parent if key == loc[-1]), loc[-1])
    return loc[-1]


def _unknown_field(model: type[BaseModel], loc: tuple, key, value=None) -> str:
    step = _model_at(model, loc[:-1])
    if key == "dose" and step is not None and "sets" in step.model_fields:
        return f"unknown field '{key}'" + step_dose_hint(value, step.model_fields)
    hint = _field_hint(model, loc[:-1] + (str(key).lower(),))
    if isinstance(key, WrittenKey):
        return (
            f"unknown field '{key}': YAML reads it as {key.read_as}, not as a name; field "
            f"names are lowercase words, e.g. 'title'{hint or '; remove it or fix the name'}"
        )
    if str(key) != str(key).lower() and "did you mean" in hint:
        return f"unknown field '{key}': field names are lowercase{hint}"
    return f"unknown field '{key}'" + (hint or "; remove it or fix the name")


def _describe(value) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    if value is None:
        return "nothing"
    return f"'{value}'"


def _field_hint(model: type[BaseModel], loc: tuple) -> str:
    """'did you mean' among the fields allowed where the unknown one stands,
    and among nested groups' fields, naming the group."""
    container = _model_at(model, loc[:-1])
    word = str(loc[-1])
    if container is None:
        return ""
    hint = did_you_mean(word, container.model_fields, "fields")
    if "did you mean" in hint:
        return hint
    for name, sub in _nested_models(container):
        close = did_you_mean(word, sub.model_fields)
        if "did you mean" in close:
            return close[:-1] + f" (under {name})?"
    return hint


def _model_at(model, loc: tuple):
    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return None
        nested = [m for m in _models_in(field.annotation)]
        if not nested:
            return None
        current = nested[0]
    return current


def _nested_models(model):
    for name, field in model.model_fields.items():
        for sub in _models_in(field.annotation):
            yield name, sub


def _models_in(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)
