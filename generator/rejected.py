"""Part of stage 2, validate: what rejected front matter still offers. The
fields that are right on their own are kept (the rest None) so that the
references they make are checked in the same run; nothing built from them is
ever published."""

from __future__ import annotations

from pydantic import BaseModel, ValidationError, create_model


def partial_meta(model: type[BaseModel], data: dict | None) -> BaseModel | None:
    """The fields of rejected front matter that are right on their own (the
    rest None), so the references they make are still checked. Kept apart
    from the real models: nothing built from it is ever published."""
    if data is None:
        return None
    try:
        model.model_validate(data)
    except ValidationError as exc:
        errors = [err["loc"] for err in exc.errors() if err["loc"]]
    else:
        return None
    kept = {k: v for k, v in data.items() if k in model.model_fields}
    for loc in errors:
        value = kept.get(loc[0])
        if isinstance(value, list) and len(loc) > 1 and isinstance(loc[1], int):
            # A list keeps its items before the first wrong one: their
            # references are checked, and every index still names its line.
            kept[loc[0]] = value[: loc[1]]
        else:
            kept.pop(loc[0], None)
    try:
        return _lenient(model).model_validate(kept)
    except ValidationError:
        return None


_LENIENT: dict[type, type[BaseModel]] = {}


def _lenient(model: type[BaseModel]) -> type[BaseModel]:
    """`model` with every field optional and no cross-field rules."""
    if model not in _LENIENT:
        fields = {name: (info.annotation | None, None) for name, info in model.model_fields.items()}
        _LENIENT[model] = create_model(f"Partial{model.__name__}", **fields)
    return _LENIENT[model]
