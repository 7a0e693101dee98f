"""JSON Schemas and the front-matter reference, generated from the same
pydantic models the build validates with, so they never drift apart."""

from __future__ import annotations

import json
import typing
from pathlib import Path

from pydantic import BaseModel

from .schema import MODELS, Dose, FeaturedExercise, Hero, Image, RoutineStep, Study
from .urls import KIND_NAMES, SLUG_PATTERN

BEGIN = "<!-- BEGIN GENERATED FRONT-MATTER REFERENCE (prehab schema --docs) -->"
END = "<!-- END GENERATED FRONT-MATTER REFERENCE -->"


def schemas() -> dict[str, dict]:
    """File name -> JSON Schema, one per content kind plus the study registry."""
    out = {}
    for kind, model in MODELS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"prehab {KIND_NAMES[kind]} front matter"
        out[f"{KIND_NAMES[kind]}.schema.json"] = schema
    study = Study.model_json_schema()
    defs = study.pop("$defs", {})
    out["studies.schema.json"] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "prehab study registry (content/studies.yml)",
        "type": "object",
        "propertyNames": {"pattern": SLUG_PATTERN},
        "additionalProperties": study,
        **({"$defs": defs} if defs else {}),
    }
    return out


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = folder / name
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written


def _type_name(annotation) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, __import__("types").UnionType):
        names = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(names)
    if origin is tuple:
        return f"list of {_type_name(args[0])}"
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"group ({annotation.__name__})"
    return {
        "str": "text",
        "int": "whole number",
        "bool": "true/false",
        "date": "date (YYYY-MM-DD)",
    }.get(
        getattr(annotation, "__name__", str(annotation)),
        getattr(annotation, "__name__", str(annotation)),
    )


def _table(model: type[BaseModel]) -> str:
    rows = ["| field | required | type | notes |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        required = "yes" if info.is_required() else "no"
        notes = info.description or ""
        if not info.is_required() and info.default not in (None, (), "", False):
            notes = (notes + " " if notes else "") + f"Default: `{info.default}`."
        bounds = [
            f"{k.replace('_', ' ')} {getattr(m, k)}"
            for m in info.metadata
            for k in ("ge", "le", "max_length", "min_length")
            if getattr(m, k, None) is not None
        ]
        if bounds:
            notes = (notes + " " if notes else "") + "(" + ", ".join(bounds) + ")"
        rows.append(f"| `{name}` | {required} | {_type_name(info.annotation)} | {notes} |")
    return "\n".join(rows)


def reference_markdown() -> str:
    parts = [
        BEGIN,
        "",
        "This reference is generated from the models the build validates with; "
        "`prehab schema --docs docs/writing.md` refreshes it.",
        "",
    ]
    for kind, model in MODELS.items():
        parts += [
            f"### {KIND_NAMES[kind].capitalize()} (`content/{kind}/<slug>.md`)",
            "",
            _table(model),
            "",
        ]
    for model, title in (
        (Hero, "`hero` (articles)"),
        (Image, "`image` / `photo`"),
        (FeaturedExercise, "an item of an article's `exercises`"),
        (Dose, "`dose` (exercises)"),
        (RoutineStep, "an item of a routine's `exercises`"),
        (Study, "a study in `content/studies.yml`"),
    ):
        parts += [f"### {title}", "", _table(model), ""]
    parts.append(END)
    return "\n".join(parts)


def update_docs(path: Path) -> bool:
    """Replace the generated block in `path`; returns True when it changed."""
    text = path.read_text(encoding="utf-8")
    block = reference_markdown()
    if BEGIN in text and END in text:
        new = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    else:
        new = text.rstrip("\n") + "\n\n## Front-matter reference\n\n" + block + "\n"
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text
