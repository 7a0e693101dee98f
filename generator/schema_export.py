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


# Fields whose value names another document (or a body area, a study): the
# schemas list the site's own names there, so YAML tools can complete them.
REFERENCES = {
    "author": "authors",
    "reviewed_by": "authors",
    "routine": "routines",
    "exercise": "exercises",
    "exercises": "exercises",  # an article's: a slug (or a group with `exercise`)
    "easier": "exercises",
    "harder": "exercises",
    "body_areas": "areas",
    "studies": "studies",
}


def site_values(project: Path) -> dict[str, list[str]]:
    """The names a project's front matter may refer to: its authors,
    routines, exercises, body areas and study ids (read through the same
    stages as the build; a file with mistakes still gives its name)."""
    from .config import load_config
    from .load import load_content

    config, _ = load_config(project)
    loaded, _ = load_content(project)
    values = {
        kind: sorted({s.slug for s in loaded.sources if s.kind == kind})
        for kind in ("authors", "routines", "exercises")
    }
    values["areas"] = sorted(config.body_areas) if config is not None else []
    values["studies"] = sorted(str(k) for k in loaded.studies.data)
    return values


def _with_values(node, values: dict[str, list[str]], field: str | None = None):
    """`node` (a JSON Schema) with the site's names as `enum` wherever a
    referring field takes a slug."""
    if isinstance(node, list):
        return [_with_values(item, values, field) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: _with_values(v, values, name) for name, v in value.items()}
        elif key in ("$defs", "definitions"):
            out[key] = {name: _with_values(v, values) for name, v in value.items()}
        else:
            out[key] = _with_values(value, values, field)
    if field in REFERENCES and out.get("type") == "string" and values.get(REFERENCES[field]):
        out["enum"] = values[REFERENCES[field]]
    return out


def schemas(values: dict[str, list[str]] | None = None) -> dict[str, dict]:
    """File name -> JSON Schema, one per content kind plus the study registry;
    with `values` (site_values of a project), its own names in them."""
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
    if values:
        out = {name: _with_values(schema, values) for name, schema in out.items()}
    return out


def write_schemas(folder: Path, values: dict[str, list[str]] | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas(values).items():
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


def run_command(args) -> int:
    """`prehab schema [--output DIR] [--docs FILE]` (generator/cli.py parses it)."""
    values = site_values(args.project)  # the project's own names, for completion
    for path in write_schemas(args.output or args.project / "schemas", values):
        print(path)
    if args.docs:
        from .error_codes import errors_markdown

        changed = update_docs(args.docs)
        print(
            f"{args.docs}: front-matter reference {'updated' if changed else 'already up to date'}"
        )
        errors_doc = args.docs.parent / "errors.md"
        errors_doc.write_text(errors_markdown(), encoding="utf-8")
        print(errors_doc)
    return 0
