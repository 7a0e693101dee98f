"""Words that help: a content mistake is reported as `path:LINE: what is
wrong and how to fix it`, and where the fix can be told from what was
written, the message shows the line to write. Each test builds a real small
project; a fix the message offers is applied and must build."""

from __future__ import annotations

import ast
import re

import pytest
from conftest import MINIMAL, REPO, build, build_errors

from generator.config import SiteConfig
from generator.diagnostics import did_you_mean
from generator.error_codes import CODES, errors_markdown
from generator.schema import Article, Author, Exercise

ARTICLE = "content/articles/back-pain.md"
EXERCISE = "content/exercises/goblet-squat.md"
ROUTINE = "content/routines/back-basics.md"
AUTHOR = "content/authors/ann-author.md"
DOSE_BLOCK = "dose:\n  sets: 3\n  reps: 10\n  rest_seconds: 60\n"


def replaced(path: str, old: str, new: str) -> dict[str, str]:
    text = MINIMAL[path]
    assert old in text, old
    return {path: text.replace(old, new, 1)}


def errors_in(make_project, files: dict[str, str], path: str) -> list[str]:
    """The errors of a build reported in `path` (a broken file may also
    leave, say, a reference to it unresolved elsewhere)."""
    return [e for e in build_errors(make_project(files)) if e.startswith(f"{path}:")]


def only_error(make_project, files: dict[str, str], path: str) -> str:
    errors = errors_in(make_project, files, path)
    assert len(errors) == 1, errors
    return errors[0]


def builds_with_line(make_project, files: dict[str, str], path: str, old: str, new: str):
    """The project builds once `old` (a whole line) is replaced by `new`."""
    text = files[path]
    assert f"\n{old}\n" in text, old
    build(make_project({**files, path: text.replace(f"\n{old}\n", f"\n{new}\n", 1)}))


# 1. Tabs


@pytest.mark.parametrize(
    "path, old, new, expected",
    [
        (
            ARTICLE,
            "  alt: A runner on a road at dawn",
            "\talt: A runner on a road at dawn",
            "10: line 10 is indented with a tab; use spaces "
            "(YAML does not allow tabs for indentation)",
        ),
        (
            EXERCISE,
            "  - Knees over toes",
            "\t- Knees over toes",
            "18: line 18 is indented with a tab; use spaces "
            "(YAML does not allow tabs for indentation)",
        ),
        (
            EXERCISE,
            "  - Knees over toes",
            "  -\tKnees over toes",
            "18: line 18 has a tab after '-'; use a space "
            "(YAML does not allow tabs for indentation)",
        ),
        (
            EXERCISE,
            "  reps: 10\n",
            "  reps: 10\n \t rest_seconds: 60\n",
            "15: line 15 is indented with a tab; use spaces "
            "(YAML does not allow tabs for indentation)",
        ),
        (
            AUTHOR,
            "role: Physiotherapist\n",
            "role: Physiotherapist\n\t\n",
            "4: line 4 is only a tab; delete it (YAML does not allow tabs for indentation)",
        ),
    ],
)
def test_a_tab_is_named_at_its_line(make_project, path, old, new, expected):
    assert only_error(make_project, replaced(path, old, new), path) == f"{path}:{expected}"


def test_a_tab_between_a_key_and_its_value_is_no_error(make_project):
    # YAML (libyaml) allows a tab as the space after 'key:': no false alarm.
    build(make_project(replaced(AUTHOR, "role: Physiotherapist", "role:\tPhysiotherapist")))


# 2. A value YAML reads as markup: the line to write, in quotes


@pytest.mark.parametrize(
    "value, why, quoted",
    [
        (
            "Sports doctor: marathon runner",
            "a ': ' inside a value starts a new field",
            '"Sports doctor: marathon runner"',
        ),
        (
            'Sports doctor: "marathon" runner',
            "a ': ' inside a value starts a new field",
            '"Sports doctor: \\"marathon\\" runner"',
        ),
        ("@home physio", "a value cannot start with '@'", '"@home physio"'),
        ("`physio` at home", "a value cannot start with '`'", '"`physio` at home"'),
        ("*Very* kind", "a value cannot start with '*'", '"*Very* kind"'),
        (
            "[Retired] physiotherapist",
            "text starting with '[' is read as a list or group",
            '"[Retired] physiotherapist"',
        ),
        (
            "'Ann's physio'",
            "a value that starts with ' ends at the next '",
            '"Ann\'s physio"',
        ),
        (
            '"Head" physio',
            'a value that starts with " ends at the next "',
            '"\\"Head\\" physio"',
        ),
    ],
)
def test_a_value_that_needs_quotes_is_shown_quoted(make_project, value, why, quoted):
    files = replaced(AUTHOR, "role: Physiotherapist", f"role: {value}")
    error = only_error(make_project, files, AUTHOR)
    assert error.startswith(f"{AUTHOR}:3: invalid YAML: ")
    assert error.endswith(f": {why}, so write it in quotes: role: {quoted}")
    builds_with_line(make_project, files, AUTHOR, f"role: {value}", f"role: {quoted}")


def test_a_quoted_line_keeps_its_list_dash(make_project):
    files = replaced(ARTICLE, "    why: Calm work", "    why: Why: calm work")
    error = only_error(make_project, files, ARTICLE)
    assert error.startswith(f"{ARTICLE}:14: invalid YAML: ")
    assert error.endswith(
        'write it in quotes: why: "Why: calm work for a sore back [@jones-2019-walking]."'
    )
    files = replaced(ARTICLE, "  - exercise: bird-dog", "  - exercise: bird-dog: x")
    assert only_error(make_project, files, ARTICLE).endswith(
        'write it in quotes: - exercise: "bird-dog: x"'
    )


def test_a_quote_left_open_is_reported_where_it_opens(make_project):
    # YAML reads on to a later quote mark and fails lines below: the message
    # points at the line that opened the quote, not where YAML gave up.
    files = replaced(EXERCISE, "title: Goblet squat", 'title: "Goblet squat')
    error = only_error(make_project, files, EXERCISE)
    assert error.startswith(f'{EXERCISE}:2: invalid YAML: a " is never closed')
    assert error.endswith('close it: title: "Goblet squat"')


def test_a_list_left_open_is_reported_where_it_opens(make_project):
    files = replaced(EXERCISE, "muscles: [quadriceps, glutes]", "muscles: [quadriceps, glutes")
    error = only_error(make_project, files, EXERCISE)
    assert error.startswith(f"{EXERCISE}:6: invalid YAML: a [ is never closed")
    assert error.endswith("close it: muscles: [quadriceps, glutes]")


def test_a_field_indented_under_a_value_says_line_it_up(make_project):
    files = replaced(EXERCISE, "  reps: 10\n", "   reps: 10\n")
    error = only_error(make_project, files, EXERCISE)
    assert error.startswith(f"{EXERCISE}:14: invalid YAML: ")
    assert error.endswith(
        "'reps' is indented under 'sets: 3', which already has a value: line it up with 'sets'"
    )


def test_a_list_item_with_a_colon_is_shown_quoted(make_project):
    files = replaced(EXERCISE, "  - Chest up", "  - Chest up: always")
    assert only_error(make_project, files, EXERCISE) == (
        f"{EXERCISE}:17: 'cues[1]' should be text, but found a group of fields; a ': ' "
        'inside text makes it a group of fields, so write it in quotes: "Chest up: always"'
    )
    builds_with_line(
        make_project, files, EXERCISE, "  - Chest up: always", '  - "Chest up: always"'
    )


# 3. A dose written as text: the fields to write


@pytest.mark.parametrize(
    "text, fields",
    [
        ("3x10", "{sets: 3, reps: 10}"),
        ("3 x 10", "{sets: 3, reps: 10}"),
        ("3 × 12", "{sets: 3, reps: 12}"),
        ("3x10 per side", "{sets: 3, reps: 10, per_side: true}"),
        ("3 sets of 8 reps", "{sets: 3, reps: 8}"),
        ("30s", "{sets: 1, seconds: 30}"),
        ("2 x 45 seconds each side", "{sets: 2, seconds: 45, per_side: true}"),
        ("20 min", "{sets: 1, seconds: 1200}"),
        ("3x10, rest 60s", "{sets: 3, reps: 10, rest_seconds: 60}"),
    ],
)
def test_an_exercise_dose_written_as_text_shows_its_fields(make_project, text, fields):
    files = replaced(EXERCISE, DOSE_BLOCK, f"dose: {text}\n")
    assert only_error(make_project, files, EXERCISE) == (
        f"{EXERCISE}:12: 'dose' should be a group of fields, but found the text '{text}'; "
        f"write it as fields: dose: {fields}"
    )
    builds_with_line(make_project, files, EXERCISE, f"dose: {text}", f"dose: {fields}")


@pytest.mark.parametrize("text", ["heavy", "30x10", "3x10x2"])
def test_a_dose_that_cannot_be_read_gets_an_example(make_project, text):
    # '30x10' reads as 30 sets, more than a dose allows: an example, not a wrong group
    files = replaced(EXERCISE, DOSE_BLOCK, f"dose: {text}\n")
    assert only_error(make_project, files, EXERCISE) == (
        f"{EXERCISE}:12: 'dose' should be a group of fields, but found the text '{text}'; "
        "write it as fields, e.g. dose: {sets: 3, reps: 10} or dose: {sets: 2, seconds: 30}"
    )


def test_a_dose_number_written_with_its_unit_shows_the_number(make_project):
    files = replaced(EXERCISE, DOSE_BLOCK, "dose:\n  sets: 3\n  seconds: 30s\n")
    assert only_error(make_project, files, EXERCISE) == (
        f"{EXERCISE}:14: 'dose.seconds' should be a whole number, but found the text '30s'; "
        "write it as seconds: 30"
    )


def test_a_routine_step_reps_written_as_a_dose_shows_both_fields(make_project):
    files = replaced(ROUTINE, "    reps: 8", "    reps: 3x8")
    assert only_error(make_project, files, ROUTINE) == (
        f"{ROUTINE}:10: 'exercises[1].reps' should be a whole number, but found the text "
        "'3x8'; write it as sets: 3 and reps: 8"
    )


def test_a_routine_step_rest_written_in_minutes_shows_seconds(make_project):
    files = replaced(ROUTINE, "    reps: 8", "    reps: 8\n    rest_seconds: 2 min")
    assert only_error(make_project, files, ROUTINE) == (
        f"{ROUTINE}:11: 'exercises[1].rest_seconds' should be a whole number, but found the "
        "text '2 min'; write it as rest_seconds: 120"
    )


def test_a_dose_group_in_a_routine_step_says_the_fields_stand_in_the_step(make_project):
    files = replaced(ROUTINE, "    reps: 8", "    dose: 3x8 per side")
    assert only_error(make_project, files, ROUTINE) == (
        f"{ROUTINE}:10: unknown field 'dose': a routine step takes the dose fields themselves, "
        "not a 'dose' group; write sets: 3 and reps: 8 and per_side: true in the step instead"
    )
    files = replaced(ROUTINE, "    reps: 8", "    dose:\n      sets: 2\n      reps: 8")
    assert only_error(make_project, files, ROUTINE) == (
        f"{ROUTINE}:10: unknown field 'dose': a routine step takes the dose fields themselves, "
        "not a 'dose' group; move sets, reps out from under 'dose:' into the step"
    )


# 4. Known fields are listed in full


def listed(error: str) -> list[str]:
    shown = re.search(r"\(known(?: [a-z ]+)?: (.*)\)$", error)
    assert shown, error
    assert "..." not in shown.group(1) and "more" not in shown.group(1), error
    return re.findall(r"'([^']+)'", shown.group(1))


def test_an_unknown_field_with_no_close_name_lists_every_field(make_project):
    error = only_error(make_project, replaced(EXERCISE, "level: beginner", "colour: red"), EXERCISE)
    assert error.startswith(f"{EXERCISE}:8: unknown field 'colour' (known fields: ")
    assert listed(error) == sorted(Exercise.model_fields)


def test_an_unknown_field_in_a_group_lists_the_group_fields(make_project):
    files = replaced(AUTHOR, "  alt: Ann smiling", "  alt: Ann smiling\n  colour: red")
    error = only_error(make_project, files, AUTHOR)
    assert error.startswith(f"{AUTHOR}:7: unknown field 'colour' (known fields: ")
    assert listed(error) == ["alt", "src"]


def test_an_unknown_setting_lists_every_setting(make_project):
    site = MINIMAL["content/site.toml"].replace('language = "en"', 'colour = "red"')
    errors = build_errors(make_project({"content/site.toml": site}))
    assert len(errors) == 1 and errors[0].startswith("content/site.toml:3: unknown setting")
    assert listed(errors[0]) == sorted(SiteConfig.model_fields)


def test_a_long_list_of_names_says_how_many_more():
    slugs = [f"exercise-{n:02}" for n in range(20)]
    assert did_you_mean("plank", slugs, "exercises") == (
        " (known exercises: 'exercise-00', 'exercise-01', 'exercise-02', 'exercise-03', "
        "'exercise-04', 'exercise-05' and 14 more)"
    )


# 5. "Did you mean" only when the name is close


@pytest.mark.parametrize(
    "word, options, suggested",
    [
        ("lower-bak", ["knee", "lower-back"], "lower-back"),
        ("bird-dgo", ["bird-dog", "goblet-squat"], "bird-dog"),  # two letters swapped
        ("Title", Article.model_fields, "title"),
        ("body-areas", Article.model_fields, "body_areas"),
        ("tag", Article.model_fields, "tags"),
        ("reps_per_side", ["per_side", "reps", "rest_seconds", "seconds", "sets"], "per_side"),
        ("smith-2021-squats", ["jones-2019-walking", "smith-2020-squats"], "smith-2020-squats"),
        ("images/heros.svg", ["images/ann.svg", "images/hero.svg"], "images/hero.svg"),
        ("images/hero.png", ["images/ann.svg", "images/hero.svg"], "images/hero.svg"),
        ("images/squat.svg", ["images/exercises/squat.svg"], "images/exercises/squat.svg"),
    ],
)
def test_a_close_name_is_suggested(word, options, suggested):
    assert did_you_mean(word, options, "names") == f"; did you mean '{suggested}'?"


@pytest.mark.parametrize(
    "word, options",
    [
        ("nope", ["knee", "lower-back"]),
        ("colour", Author.model_fields),  # not 'role'
        ("time", Article.model_fields),  # not 'title'
        ("squat", ["goblet-squat", "split-squat"]),
        ("images/nope.png", ["images/articles/runners-knee.svg", "images/hero.svg"]),
        ("images/bird.svg", ["images/bike.svg"]),  # same folder and type, other name
    ],
)
def test_a_far_name_is_never_suggested(word, options):
    assert "did you mean" not in did_you_mean(word, options, "names")


def test_an_unknown_body_area_far_from_all_lists_them(make_project):
    files = replaced(ARTICLE, "body_areas: [lower-back]", "body_areas: [nope]")
    assert only_error(make_project, files, ARTICLE) == (
        f"{ARTICLE}:7: unknown body area 'nope': the areas are listed in content/site.toml "
        "under [body_areas] (known body areas: 'knee', 'lower-back')"
    )


def test_a_missing_image_suggests_only_an_image_of_that_name(make_project):
    far = replaced(ARTICLE, "image: images/hero.svg", "image: images/nope.png")
    error = only_error(make_project, far, ARTICLE)
    assert error.startswith(f"{ARTICLE}:9: missing image 'images/nope.png'")
    assert "did you mean" not in error
    near = replaced(ARTICLE, "image: images/hero.svg", "image: images/hero.png")
    assert only_error(make_project, near, ARTICLE).endswith("; did you mean 'images/hero.svg'?")


# 6. Every code is documented, and docs/errors.md is the generated table

CODE = re.compile(r"[a-z]+(?:-[a-z]+)*")
REPORTERS = {"error", "warn", "warning"}


def codes_in_source() -> set[str]:
    """Every code generator/ gives a diagnostic: `code="..."` (also as a
    parameter's default), the last argument of a reporter's .error(...) or of
    a class such as Diagnostic(path, line, message, severity, code), and the
    code in a (message, code) pair a checker returns."""
    found = set()
    for path in (REPO / "generator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            found |= {c for c in _codes_at(node) if CODE.fullmatch(c)}
    return found


def _codes_at(node) -> list[str]:
    if isinstance(node, ast.Call):
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None) or ""
        codes = [_text(k.value) for k in node.keywords if k.arg == "code"]
        if (name in REPORTERS or name[:1].isupper()) and len(node.args) >= 3:
            codes.append(_text(node.args[-1]))
        return [c for c in codes if c is not None]
    if isinstance(node, ast.arguments):
        named = node.args[len(node.args) - len(node.defaults) :]
        return [
            _text(d)
            for a, d in zip(named, node.defaults, strict=True)
            if a.arg == "code" and _text(d)
        ]
    if isinstance(node, ast.Tuple) and len(node.elts) == 2 and _is_message(node.elts[0]):
        return [c] if (c := _text(node.elts[1])) is not None else []
    return []


def _text(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_message(node) -> bool:
    return isinstance(node, ast.JoinedStr) or " " in (_text(node) or "")


def documented_codes() -> list[str]:
    text = (REPO / "docs/errors.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `([a-z-]+)` \|", text, re.M)


def test_every_code_used_in_the_package_is_in_docs_errors_md():
    used = codes_in_source()
    assert len(used) >= 40, sorted(used)  # the scan still finds the codes
    assert sorted(used - set(documented_codes())) == [], "add them to error_codes.py"
    # validate.py maps pydantic's error types to these through a table
    assert {"unknown-field", "missing-field", "invalid-field"} <= set(documented_codes())


def test_docs_errors_md_is_generated_from_error_codes():
    assert documented_codes() == list(CODES)
    assert (REPO / "docs/errors.md").read_text(encoding="utf-8") == errors_markdown(), (
        "docs/errors.md is stale: run prehab schema --docs docs/writing.md"
    )
