"""Every kind of content mistake is reported as `path:line: message`, all
at once, with exit status 1, no traceback, and the previous site intact."""

from __future__ import annotations

from conftest import MINIMAL, build, build_errors, run_cli

ARTICLE = MINIMAL["content/articles/back-pain.md"]
EXERCISE = MINIMAL["content/exercises/goblet-squat.md"]


def replace_line(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_bad_yaml_reports_file_line_and_column(make_project):
    broken = replace_line(
        ARTICLE,
        "summary: Why runners get back pain and what helps.",
        "summary: Why: runners: get back pain",
    )
    root = make_project({"content/articles/back-pain.md": broken})
    errors = build_errors(root)
    assert len(errors) == 1
    assert errors[0].startswith(
        "content/articles/back-pain.md:4: invalid YAML: mapping values are not allowed in this "
        "context in 'summary: Why: runners: get back pain' (column 13); "
        "check quotes, colons and indentation"
    )


def test_missing_required_field_points_at_front_matter(make_project):
    root = make_project(
        {"content/articles/back-pain.md": replace_line(ARTICLE, "date: 2026-03-01\n", "")}
    )
    assert build_errors(root) == ["content/articles/back-pain.md:2: missing required field 'date'"]


def test_wrong_type_says_what_was_found_and_expected(make_project):
    root = make_project(
        {
            "content/routines/back-basics.md": replace_line(
                MINIMAL["content/routines/back-basics.md"],
                "times_per_week: 3",
                "times_per_week: often",
            )
        }
    )
    assert build_errors(root) == [
        "content/routines/back-basics.md:5: 'times_per_week' should be a whole number, "
        "but found the text 'often'"
    ]


def test_yaml_boolean_where_text_is_expected_says_quote_it(make_project):
    root = make_project({"content/pages/about.md": "---\ntitle: no\n---\nBody\n"})
    assert build_errors(root) == [
        "content/pages/about.md:2: 'title' should be text, but found the boolean false; quote it"
    ]


def test_unknown_field_suggests_the_closest_field_in_a_nested_group(make_project):
    typo = replace_line(
        EXERCISE, "  rest_seconds: 60\n", "  rest_seconds: 60\nreps_per_side: true\n"
    )
    root = make_project({"content/exercises/goblet-squat.md": typo})
    assert build_errors(root) == [
        "content/exercises/goblet-squat.md:16: unknown field 'reps_per_side'; "
        "did you mean 'per_side' (under dose)?"
    ]


def test_unknown_body_area_lists_the_closest(make_project):
    root = make_project(
        {
            "content/articles/back-pain.md": replace_line(
                ARTICLE, "body_areas: [lower-back]", "body_areas:\n  - lower-bak"
            )
        }
    )
    assert build_errors(root) == [
        "content/articles/back-pain.md:8: unknown body area 'lower-bak': "
        "the areas are listed in content/site.toml under [body_areas]; "
        "did you mean 'lower-back'?"
    ]


def test_unknown_exercise_in_routine_reports_step_line(make_project):
    routine = replace_line(
        MINIMAL["content/routines/back-basics.md"],
        "  - exercise: bird-dog",
        "  - exercise: bird-dgo",
    )
    root = make_project({"content/routines/back-basics.md": routine})
    assert build_errors(root) == [
        "content/routines/back-basics.md:11: unknown exercise 'bird-dgo': "
        "create content/exercises/bird-dgo.md or fix the name; did you mean 'bird-dog'?"
    ]


def test_unknown_author_and_routine_and_study(make_project):
    article = replace_line(ARTICLE, "author: ann-author", "author: ann-autor")
    article = replace_line(article, "routine: back-basics", "routine: back-basic")
    article = replace_line(
        article,
        "Running is good for the back [@smith-2020-squats].",
        "Running is good for the back [@smith-2021-squats].",
    )
    root = make_project({"content/articles/back-pain.md": article})
    assert build_errors(root) == [
        "content/articles/back-pain.md:5: unknown author 'ann-autor': "
        "create content/authors/ann-autor.md or fix the name; did you mean 'ann-author'?",
        "content/articles/back-pain.md:15: unknown routine 'back-basic': "
        "create content/routines/back-basic.md or fix the name; did you mean 'back-basics'?",
        "content/articles/back-pain.md:17: unknown study 'smith-2021-squats': "
        "add it to content/studies.yml or fix the id; did you mean 'smith-2020-squats'?",
    ]


def test_unknown_wiki_link_reports_the_body_line(make_project):
    article = replace_line(
        ARTICLE, "starting with the [[goblet-squat]]", "starting with the [[goblet-sqaut]]"
    )
    root = make_project({"content/articles/back-pain.md": article})
    assert build_errors(root) == [
        "content/articles/back-pain.md:21: unknown link [[goblet-sqaut]]: "
        "[[...]] takes the file name (without .md) of an article, exercise, routine or page; "
        "did you mean 'goblet-squat'?"
    ]


def test_missing_image_in_front_matter_and_body(make_project):
    article = replace_line(ARTICLE, "image: images/hero.svg", "image: images/heros.svg")
    article += "\n![A knee](images/knee.png)\n"
    root = make_project({"content/articles/back-pain.md": article})
    errors = build_errors(root)
    assert errors[0] == (
        "content/articles/back-pain.md:9: missing image 'images/heros.svg': "
        "image paths are relative to content/, e.g. images/exercises/goblet-squat.svg; "
        "did you mean 'images/hero.svg'?"
    )
    assert errors[1].startswith("content/articles/back-pain.md:26: missing image 'images/knee.png'")


def test_duplicate_slug_across_kinds(make_project):
    root = make_project({"content/pages/goblet-squat.md": "---\ntitle: Squats\n---\nText\n"})
    assert build_errors(root) == [
        "content/pages/goblet-squat.md:1: duplicate slug 'goblet-squat': "
        "content/exercises/goblet-squat.md uses it too, so [[goblet-squat]] would be ambiguous; "
        "rename one of the files"
    ]


def test_bad_slug_file_name(make_project):
    root = make_project({"content/pages/About_Us.md": "---\ntitle: About us\n---\nText\n"})
    assert build_errors(root) == [
        "content/pages/About_Us.md:1: bad file name 'About_Us.md': "
        "a slug may only hold lowercase letters, digits and single hyphens (e.g. 'about-us.md'); "
        "rename the file"
    ]


def test_bad_study_fields_point_at_the_registry_line(make_project):
    studies = MINIMAL["content/studies.yml"].replace(
        "doi: 10.1234/fixture.2020", "doi: https://doi.org/10.1234/x"
    )
    root = make_project({"content/studies.yml": studies})
    assert build_errors(root) == [
        "content/studies.yml:8: study 'smith-2020-squats': 'doi': does not look like a DOI "
        "(e.g. '10.1038/srep45975', without 'https://doi.org/')"
    ]


def test_summary_over_300_characters(make_project):
    root = make_project(
        {"content/pages/about.md": f"---\ntitle: About\nsummary: {'x' * 301}\n---\nText\n"}
    )
    assert build_errors(root) == [
        "content/pages/about.md:3: 'summary' is 301 characters long; keep it to at most 300"
    ]


def test_every_error_in_every_file_is_reported_in_one_pass(make_project):
    root = make_project(
        {
            "content/pages/about.md": "---\ntitle: About\ncolour: blue\n---\nText\n",
            "content/articles/back-pain.md": replace_line(
                ARTICLE, "author: ann-author", "author: nobody"
            ),
            "content/exercises/bird-dog.md": "---\ntitle: Bird dog\n",
        }
    )
    errors = build_errors(root)
    assert [e.split(": ")[0] for e in errors] == [
        "content/articles/back-pain.md:5",
        "content/exercises/bird-dog.md:1",
        "content/pages/about.md:3",
    ]
    # the routine refers to the broken bird-dog: its own error is enough, no follow-on error


def test_failed_build_exits_1_without_traceback_and_keeps_previous_site(make_project):
    root = make_project()
    ok = run_cli("build", cwd=root)
    assert ok.returncode == 0, ok.stderr
    before = {
        p.relative_to(root / "site_output"): p.read_bytes()
        for p in (root / "site_output").rglob("*")
        if p.is_file()
    }
    (root / "content/pages/about.md").write_text("---\ntitle: About\ncolour: blue\n---\n")
    failed = run_cli("build", cwd=root)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert "content/pages/about.md:3: unknown field 'colour'" in failed.stderr
    after = {
        p.relative_to(root / "site_output"): p.read_bytes()
        for p in (root / "site_output").rglob("*")
        if p.is_file()
    }
    assert after == before
    assert not list(root.glob(".site_output.*")), "staging folder left behind"


def test_warnings_do_not_fail_the_build(make_project):
    studies = (
        MINIMAL["content/studies.yml"]
        + "unused-2001-study:\n  title: Unused\n  authors: [A B]\n  year: 2001\n  journal: J\n"
        "  url: https://example.org/x\n  finding: Nothing.\n"
    )
    root = make_project(
        {
            "content/studies.yml": studies,
            "content/exercises/plank.md": "---\ntitle: Plank\nsummary: Hold.\n"
            "why_it_works: Core.\nbody_areas: [lower-back]\ndose: {sets: 3, seconds: 30}\n"
            "---\nHold.\n",
        }
    )
    result = build(root)
    warnings = [d.format() for d in result.report.warnings]
    assert warnings == [
        "content/exercises/plank.md:1: warning: "
        "exercise 'plank' is featured in no article or routine",
        "content/studies.yml:18: warning: study 'unused-2001-study' is cited nowhere; "
        "cite it with [@unused-2001-study] or remove it",
    ]


def test_body_image_without_alt_text(make_project):
    root = make_project(
        {
            "content/pages/about.md": (
                "---\ntitle: About\n---\nWe are runners.\n\n![](images/hero.svg)\n"
            )
        }
    )
    assert build_errors(root) == [
        "content/pages/about.md:6: image 'images/hero.svg' has no alt text: "
        "write what it shows between the brackets, "
        "e.g. ![A runner stretching a calf](images/hero.svg)"
    ]


def test_a_template_mistake_is_reported_at_its_line_not_as_a_crash(make_project):
    root = make_project()
    template = root / "templates/page.html"
    template.write_text(
        template.read_text().replace("<h1>{{ node.title }}</h1>", "<h1>{{ node.titel }}</h1>")
    )
    result = run_cli("build", cwd=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "templates/page.html:4: template error: " in result.stderr
    assert "(while rendering /about/)" in result.stderr
    assert "has no attribute 'titel'" in result.stderr
