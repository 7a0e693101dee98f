"""`prehab init DIR` (generator/init.py) and the built-in theme
(generator/theme.py), from the source tree: a new publication builds at once
and passes `check --strict` with no templates/; it refuses a folder that is
not empty and prints the next steps; `prehab theme copy` brings theme files
in, file by file, without overwriting; a problem in a theme file is named
as one. (tests/test_package.py runs the same steps with the installed wheel.)"""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest
import yaml
from conftest import REPO, TODAY, build, run_cli

from generator import cli
from generator.check import check_site
from generator.init import STARTER, create_site, starter_files
from generator.jinja_env import read_templates
from generator.options import BuildOptions
from generator.theme import THEME, theme_names

SHARED_STUDIES = REPO.parent / "shared" / "studies.yml"


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "new-site"
    create_site(root, today=TODAY)
    return root


def test_a_new_publication_builds_and_passes_the_strict_check(site):
    assert not (site / "templates").exists()  # the built-in theme is used
    result = build(site, pdf=True)
    assert result.report.warnings == []
    assert result.pdfs_rendered >= 1  # its routine's cards, styled by the theme's card.css
    report = check_site(site, BuildOptions(pdf=False))
    assert report.errors + report.warnings == [], [d.format() for d in report.items]
    home = (site / "site_output/index.html").read_text(encoding="utf-8")
    assert "<title>New site:" in home  # the title comes from the folder's name
    assert re.search(r'href="/static/style\.[0-9a-f]{10}\.css"', home)


def test_the_starter_has_one_of_each_kind_and_the_publishing_files(site):
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    for kind in ("articles", "exercises", "routines", "authors", "pages"):
        assert [f for f in files if f.startswith(f"content/{kind}/")], kind
    assert {".gitignore", ".github/workflows/publish.yml", "requirements.txt"} <= files
    assert "content/images/exercises/calf-raise.svg" in files
    workflow = (site / ".github/workflows/publish.yml").read_text()
    for step in ("actions/upload-pages-artifact@", "actions/deploy-pages@", "pip install -r"):
        assert step in workflow
    assert "prehab build --base-url" in workflow
    assert "prehab check --strict" in workflow
    assert "site_output" in (site / ".gitignore").read_text()
    assert "__" not in (site / "content/site.toml").read_text()  # every token filled in
    assert f"date: {TODAY.isoformat()}" in (
        site / "content/articles/strength-work-for-runners.md"
    ).read_text(encoding="utf-8")


def test_the_cited_study_is_copied_exactly_from_a_verified_registry(site):
    """The starter's study matches the verified registry beside the repository
    when it is there (a developer's machine), and in every checkout the
    demo's registry, which was copied from it: every bibliographic field (the
    demo wrote its own plain-language finding)."""
    ours = yaml.safe_load((site / "content/studies.yml").read_text(encoding="utf-8"))
    demo = yaml.safe_load((REPO / "content/studies.yml").read_text(encoding="utf-8"))
    assert ours and all(key in demo for key in ours)
    for key, study in ours.items():
        assert {k: v for k, v in study.items() if k != "finding"} == {
            k: v for k, v in demo[key].items() if k != "finding"
        }
    if SHARED_STUDIES.is_file():
        shared = yaml.safe_load(SHARED_STUDIES.read_text(encoding="utf-8"))
        # `design` is the publication's own reading of the study (the registry has none)
        assert all(
            {k: v for k, v in ours[key].items() if k != "design"} == shared[key] for key in ours
        )
    text = (site / "content/articles/strength-work-for-runners.md").read_text(encoding="utf-8")
    assert set(re.findall(r"\[@([a-z0-9-]+)\]", text)) == set(ours)


def test_init_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.md").write_text("my notes\n")
    done = run_cli("init", str(folder), cwd=tmp_path)
    assert done.returncode == cli.EXIT_USAGE
    assert done.stderr.startswith(f"error: {folder} is not empty;")
    assert sorted(os.listdir(folder)) == ["notes.md"]
    (tmp_path / "a-file").write_text("x")
    done = run_cli("init", "a-file", cwd=tmp_path)
    assert done.returncode == cli.EXIT_USAGE and "a-file is a file" in done.stderr


def test_init_lists_what_it_wrote_and_prints_the_next_steps(tmp_path):
    (tmp_path / "empty").mkdir()  # an empty folder is fine
    done = run_cli("init", "empty", "--title", 'Run "Strong"', cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = done.stdout.split()
    assert "content/site.toml" in written and ".github/workflows/publish.yml" in written
    # the starter, plus the schemas with the site's own names and the editor setting
    assert len(written) == len(starter_files()) + 7 and ".vscode/settings.json" in written
    settings = json.loads((tmp_path / "empty/.vscode/settings.json").read_text())
    assert settings["yaml.schemas"] == {"./schemas/studies.schema.json": "content/studies.yml"}
    article = json.loads((tmp_path / "empty/schemas/article.schema.json").read_text())
    assert article["properties"]["author"]["enum"] == ["the-editors"]
    for step in (
        "Created a new publication in empty. Next:",
        "cd empty",
        "prehab serve",
        'prehab new article "Your title"',
        "prehab check --strict",
        "prehab build",
        'set Source to "GitHub Actions"',
        "prehab theme copy base.html",
    ):
        assert step in done.stderr, step
    assert 'title = "Run \\"Strong\\""' in (tmp_path / "empty/content/site.toml").read_text()


def test_commands_need_content_but_no_templates(tmp_path, site):
    done = run_cli("build", "--no-pdf", "--no-search", cwd=site)
    assert done.returncode == 0, done.stderr
    done = run_cli("build", cwd=tmp_path)
    assert done.returncode == cli.EXIT_USAGE
    assert "it has no content/ folder" in done.stderr and "prehab init DIR" in done.stderr


def test_the_theme_is_the_repository_templates_folder():
    assert THEME == (REPO / "templates").resolve()
    on_disk = sorted(
        p.relative_to(REPO / "templates").as_posix()
        for p in (REPO / "templates").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert theme_names() == on_disk
    assert not [f for f in starter_files() if "templates" in f]
    assert (STARTER / "gitignore").is_file()  # dot files are stored under plain names


def test_a_project_file_overrides_the_theme_file_by_file(site):
    (site / "templates/static").mkdir(parents=True)
    (site / "templates/page.html").write_text(
        '{% extends "base.html" %}{% block main %}<p id="own-page">{{ page.title }}</p>'
        "{% endblock %}\n"
    )
    (site / "templates/static/style.css").write_text("body { color: #123456 }\n")
    sources, problems = read_templates(site / "templates")
    assert problems == []
    assert sources["page.html"].startswith('{% extends "base.html" %}')
    assert sources["base.html"] == (THEME / "base.html").read_text(encoding="utf-8")
    build(site)
    out = site / "site_output"
    assert 'id="own-page">About</p>' in (out / "about/index.html").read_text()
    css = [p for p in (out / "static").iterdir() if p.name.startswith("style.")]
    assert [p.read_text() for p in css] == ["body{color:#123456}"]
    assert [p for p in (out / "static").iterdir() if p.name.startswith("card.")]  # the theme's


def test_theme_copy_copies_refuses_to_overwrite_and_forces(site):
    done = run_cli("theme", "copy", "base.html", "static", cwd=site)
    assert done.returncode == 0, done.stderr
    statics = sorted(n for n in theme_names() if n.startswith("static/"))
    assert done.stdout.splitlines() == ["copied templates/base.html"] + [
        f"copied templates/{n}" for n in statics
    ]
    assert (site / "templates/base.html").read_bytes() == (THEME / "base.html").read_bytes()
    (site / "templates/base.html").write_text("mine\n")
    done = run_cli("theme", "copy", "templates/base.html", cwd=site)
    assert done.returncode == 1 and done.stdout == ""
    assert "kept templates/base.html: the project already has it (--force replaces it)" in (
        done.stderr
    )
    assert (site / "templates/base.html").read_text() == "mine\n"
    done = run_cli("theme", "copy", "--force", "base.html", cwd=site)
    assert done.returncode == 0 and done.stdout == "copied templates/base.html\n"
    assert (site / "templates/base.html").read_bytes() == (THEME / "base.html").read_bytes()
    done = run_cli("theme", "copy", "bsae.html", cwd=site)
    assert done.returncode == cli.EXIT_USAGE
    assert "the built-in theme has no file 'bsae.html'; did you mean 'base.html'?" in done.stderr


def test_theme_copy_of_everything(site):
    done = run_cli("theme", "copy", cwd=site)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == len(theme_names())
    build(site)  # the copied theme builds the same site


def test_a_problem_in_a_theme_file_is_named_as_the_theme_s(site):
    """The project's macros lack one the theme's article imports: the error
    is on the theme's line, named `(built-in theme) templates/article.html`."""
    macros = (THEME / "partials/macros.html").read_text(encoding="utf-8")
    start = macros.index("{% macro area_links")
    end = macros.index("{%- endmacro %}", start) + len("{%- endmacro %}")
    (site / "templates/partials").mkdir(parents=True)
    (site / "templates/partials/macros.html").write_text(macros[:start] + macros[end:])
    done = run_cli("build", "--no-pdf", "--no-search", cwd=site)
    assert done.returncode == cli.EXIT_CONTENT
    assert re.search(
        r"^\(built-in theme\) templates/article\.html:\d+: template error: the template "
        r"'partials/macros\.html' .*does not export the requested name 'area_links'",
        done.stderr,
        re.M,
    ), done.stderr
    shutil.copy(THEME / "article.html", site / "templates/article.html")  # now the project's
    done = run_cli("check", cwd=site)
    assert re.search(r"^templates/article\.html:\d+: template error", done.stdout, re.M)
