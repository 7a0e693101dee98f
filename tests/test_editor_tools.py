"""Editor tools: `prehab new`, `prehab check` (text, JSON, --strict,
--external), `prehab schema`, `prehab studies import`, and the generated
references that must never drift from the code."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import re
import threading
from pathlib import Path

import jsonschema
import yaml
from conftest import MINIMAL, REPO, build, build_errors, link, run_cli

from generator import placeholders
from generator.check import check_site
from generator.config import BuildOptions
from generator.error_codes import CODES, errors_markdown
from generator.external import check_external
from generator.schema_export import BEGIN, END, reference_markdown, schemas, site_values
from generator.studies_import import import_studies

ARTICLE = MINIMAL["content/articles/back-pain.md"]


def check_lines(root, **kw) -> list[str]:
    report = check_site(root, BuildOptions(pdf=False), **kw)
    return [d.format() for d in report.errors + report.warnings]


def test_check_finds_broken_internal_links_and_missing_fragments_at_their_lines(make_project):
    body = (
        ARTICLE + "\nSee [the plank](/exercises/plank/) and "
        "[squat depth](/exercises/goblet-squat/#depth).\n"
        "Jump to [fixing](#how-to-fix-it) and [nowhere](#nowhere).\n"
    )
    root = make_project({"content/articles/back-pain.md": body})
    errors = [line for line in check_lines(root) if "warning" not in line]
    assert errors == [
        "content/articles/back-pain.md:26: broken link '/exercises/goblet-squat/#depth': "
        "the page has no '#depth' (no heading or element with that id)",
        "content/articles/back-pain.md:26: broken link '/exercises/plank/': "
        "no page or file at /exercises/plank/",
        "content/articles/back-pain.md:27: broken link '#nowhere': "
        "the page has no '#nowhere' (no heading or element with that id)",
    ]


def test_check_reports_malformed_external_urls(make_project):
    root = make_project(
        {
            "content/pages/about.md": "---\ntitle: About\n---\n"
            "Read [this](https://) and [that](https://example.org/ok).\n"
        }
    )
    assert check_lines(root)[0] == (
        "content/pages/about.md:4: link 'https://' is not a complete web address; "
        "write it in full, e.g. https://example.org/page"
    )


def test_check_editorial_warnings(make_project):
    studies = (
        MINIMAL["content/studies.yml"]
        + "lonely-2001-x:\n  title: Lonely\n  authors: [A B]\n  year: 2001\n  journal: J\n"
        "  url: https://example.org/x\n  finding: TODO write it\n"
    )
    root = make_project(
        {
            "content/studies.yml": studies,
            "content/pages/other.md": (
                f"---\ntitle: About\nsummary: {'A long summary. ' * 12}\n---\nText.\n"
            ),
            "content/articles/no-refs.md": ARTICLE.replace(
                "title: Lower back pain when running", "title: Plain"
            ).split("---\n")[0]
            + "---\n"
            + ARTICLE.split("---\n")[1]
            .replace("title: Lower back pain when running", "title: Plain")
            .replace(
                "  - exercise: bird-dog\n"
                "    why: Calm work for a sore back [@jones-2019-walking].\n",
                "",
            )
            .replace("  - goblet-squat\n", "  - bird-dog\n")
            + "---\nNo evidence here.\n",
            "content/images/unused.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        }
    )
    warnings = [line for line in check_lines(root) if ": warning: " in line]
    assert (
        "content/articles/no-refs.md:15: warning: this article cites no study; "
        "back its claims with [@study-id]" in warnings
    )
    assert (
        "content/pages/other.md:2: warning: duplicate title 'About' "
        "(also in content/pages/about.md); "
        "readers and search engines cannot tell them apart" in warnings
    )
    assert (
        "content/pages/other.md:3: warning: summary is 191 characters; "
        "search results show about 160, so readers may not see the end" in warnings
    )
    assert (
        "content/images/unused.svg: warning: image is used on no page; "
        "remove it or show it somewhere" in warnings
    )
    assert (
        "content/studies.yml: warning: study 'lonely-2001-x' has no finding yet: "
        "write it in one plain sentence" in warnings
    )
    assert (
        "content/studies.yml:18: warning: study 'lonely-2001-x' is cited nowhere; "
        "cite it with [@lonely-2001-x] or remove it" in warnings
    )


def test_check_exit_codes_json_output_and_no_output_folder(make_project):
    # a warning only
    root = make_project({"content/pages/other.md": "---\ntitle: About\n---\nText.\n"})
    text = run_cli("check", cwd=root)
    assert text.returncode == 0 and "duplicate title" in text.stdout
    assert run_cli("check", "--strict", cwd=root).returncode == 1
    result = run_cli("check", "--format", "json", cwd=root)
    records = json.loads(result.stdout)
    jsonschema.validate(records, json.loads((REPO / "docs/check-output.schema.json").read_text()))
    assert {
        "file": "content/pages/about.md",
        "line": 2,
        "column": None,
        "severity": "warning",
        "code": "duplicate-title",
        "message": "duplicate title 'About' (also in content/pages/other.md); "
        "readers and search engines cannot tell them apart",
    } in records
    (root / "content/pages/other.md").write_text("---\ntitle: About\ncolour: red\n---\n")
    broken = run_cli("check", "--format", "json", cwd=root)
    assert broken.returncode == 1
    jsonschema.validate(
        json.loads(broken.stdout), json.loads((REPO / "docs/check-output.schema.json").read_text())
    )
    assert not (root / "site_output").exists()


class _Handler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []
    never = (
        threading.Event()
    )  # /slow answers only once the test is over: it times out however fast the machine

    def do_HEAD(self):
        self.do_GET(body=False)

    def do_GET(self, body=True):
        _Handler.hits.append(self.path)
        if self.path == "/ok":
            self.send_response(200)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif self.path == "/slow":
            _Handler.never.wait(600)
            self.send_response(200)
        else:
            self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_external_links_are_checked_concurrently_with_redirects_timeouts_and_a_days_cache(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    urls = {
        f"{base}/ok": [("content/a.md", 3)],
        f"{base}/moved": [("content/a.md", 4)],
        f"{base}/gone": [("content/b.md", 7)],
        f"{base}/slow": [("content/b.md", 9)],
    }
    timeout = 5  # ample for a local answer on a loaded machine; /slow never answers in time
    _Handler.never.clear()
    try:
        _Handler.hits.clear()
        problems = [d.format() for d in check_external(urls, tmp_path, timeout=timeout, now=1000.0)]
        assert problems == [
            f"content/b.md:7: warning: external link '{base}/gone' is broken: HTTP 404",
            f"content/b.md:9: warning: external link '{base}/slow' is broken: timed out",
        ]
        hits = len(_Handler.hits)
        again = [
            d.format() for d in check_external(urls, tmp_path, timeout=timeout, now=1000.0 + 3600)
        ]
        assert again == problems and len(_Handler.hits) == hits, (
            "a second check within a day must use the cache"
        )
        check_external(urls, tmp_path, timeout=timeout, now=1000.0 + 2 * 86400)
        assert len(_Handler.hits) > hits, "a day later the links are checked again"
    finally:
        _Handler.never.set()
        server.shutdown()


def test_new_creates_files_that_build_and_refuses_to_overwrite(make_project):
    root = make_project()
    made = []
    days = {
        dt.date.today().isoformat()
    }  # `new` dates the article today: whichever side of midnight it ran
    for kind, title in [
        ("article", "Knee pain when running"),
        ("exercise", "Step-up"),
        ("routine", "Knee basics"),
        ("author", "Sam Runner"),
        ("page", "Contact us"),
    ]:
        result = run_cli("new", kind, title, cwd=root)
        assert result.returncode == 0, result.stderr
        made.append(result.stdout.strip())
    days.add(dt.date.today().isoformat())
    assert made == [
        "content/articles/knee-pain-when-running.md",
        "content/exercises/step-up.md",
        "content/routines/knee-basics.md",
        "content/authors/sam-runner.md",
        "content/pages/contact-us.md",
    ]
    article = (root / made[0]).read_text()
    assert any(f"date: {day}" in article for day in days) and "draft: true" in article
    # drafts build with warnings; the page and the author have no draft
    # stage, so their placeholder text stops the build until it is written
    errors = build_errors(root)
    assert errors and {e.split(":")[0] for e in errors} == set(made[3:]), errors
    assert all("placeholder text from 'prehab new'" in e for e in errors), errors
    for rel in made[3:]:
        path = root / rel
        text = path.read_text()
        for placeholder in (*placeholders.FRONT, *placeholders.BODY):
            text = text.replace(placeholder.text, "Written by the editor.")
        path.write_text(text)
    build(root)
    build(root, drafts=True)
    again = run_cli("new", "article", "Knee pain when running", cwd=root)
    assert again.returncode == 1 and "already exists" in again.stderr
    bad = run_cli("new", "page", "!!!", cwd=root)
    assert bad.returncode == 1 and "cannot make a file name" in bad.stderr


def test_prehab_new_never_reads_a_site_toml_linked_out(make_project, tmp_path):
    root = make_project()
    outside = tmp_path / "outside.toml"
    outside.write_text('title = "Not ours"\n[body_areas]\nsecret-area = "Secret"\n')
    link(root, "content/site.toml", outside)
    made = run_cli("new", "exercise", "Step down", cwd=root)
    assert made.returncode == 0, made.stderr
    text = (root / "content/exercises/step-down.md").read_text()
    assert "secret-area" not in text and "body_areas: [lower-back]" in text


def front_matter(path: Path) -> dict:
    data = yaml.safe_load(path.read_text().split("---\n")[1])
    return json.loads(
        json.dumps(data, default=lambda v: v.isoformat())
    )  # dates as the text an editor typed


def test_json_schemas_accept_every_demo_file_and_reject_broken_ones():
    all_schemas = schemas()
    for kind, name in [
        ("articles", "article"),
        ("exercises", "exercise"),
        ("routines", "routine"),
        ("authors", "author"),
        ("pages", "page"),
    ]:
        validator = jsonschema.Draft202012Validator(all_schemas[f"{name}.schema.json"])
        for path in sorted((REPO / "content" / kind).glob("*.md")):
            validator.validate(front_matter(path))
    jsonschema.Draft202012Validator(all_schemas["studies.schema.json"]).validate(
        yaml.safe_load((REPO / "content/studies.yml").read_text())
    )
    article = jsonschema.Draft202012Validator(all_schemas["article.schema.json"])
    good = front_matter(REPO / "content/articles/lower-back-pain-running.md")
    for broken in (
        {**good, "colour": "red"},
        {k: v for k, v in good.items() if k != "title"},
        {**good, "summary": "x" * 301},
        {**good, "author": "Tom Okafor"},
        {**good, "draft": "maybe"},
    ):
        assert not article.is_valid(broken)
    exercise = jsonschema.Draft202012Validator(all_schemas["exercise.schema.json"])
    good = front_matter(REPO / "content/exercises/goblet-squat.md")
    assert not exercise.is_valid({**good, "dose": {"sets": 3, "reps_per_side": 10}})
    assert not exercise.is_valid({**good, "level": "expert"})


def test_committed_schemas_and_references_match_the_models():
    for name, schema in schemas(site_values(REPO)).items():
        assert json.loads((REPO / "schemas" / name).read_text()) == schema, (
            f"schemas/{name} is stale: run prehab schema"
        )
    writing = (REPO / "docs/writing.md").read_text()
    assert writing[writing.index(BEGIN) : writing.index(END) + len(END)] == reference_markdown(), (
        "run prehab schema --docs docs/writing.md"
    )
    assert (REPO / "docs/errors.md").read_text() == errors_markdown()


def test_every_code_the_package_emits_is_documented():
    source = "\n".join(p.read_text() for p in (REPO / "generator").rglob("*.py"))
    used = (
        set(re.findall(r'code="([a-z-]+)"', source))
        | set(re.findall(r'(?:WARNING|ERROR), "([a-z-]+)"\)', source))
        | set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"\)\s*$', source, re.M)) & set(CODES)
    )
    assert used - set(CODES) == set()
    assert {"unknown-field", "missing-field", "invalid-field"} <= set(CODES)


CSL = [
    {
        "type": "article-journal",
        "title": "Hip strengthening for runners with knee pain",
        "author": [{"family": "Ødegaard", "given": "Kari"}, {"family": "Smith", "given": "J"}],
        "issued": {"date-parts": [[2021, 5]]},
        "container-title": "Journal of Running",
        "volume": "12",
        "page": "1-9",
        "DOI": "https://doi.org/10.1000/run.2021.1",
    },
    {
        "type": "article-journal",
        "title": "Squats for runners",
        "author": [{"family": "Smith", "given": "Jane"}],
        "issued": {"date-parts": [[2020]]},
        "container-title": "Journal of Fixtures",
        "DOI": "10.1234/FIXTURE.2020",
    },
]
BIBTEX = """@article{kong2019,
  author = {Kong, Pui Wah and Cai, Congcong},
  title = {The effect of calf raises on {A}chilles tendon pain},
  journal = {Sports Health},
  year = {2019},
  volume = {3},
  pages = {10--20},
  doi = {10.5555/calf.2019}
}
"""


def test_studies_import_adds_new_studies_keeps_comments_and_skips_duplicate_dois(
    make_project, tmp_path
):
    root = make_project(
        {
            "content/studies.yml": "# Our registry: every entry verified.\n"
            + MINIMAL["content/studies.yml"]
        }
    )
    csl = tmp_path / "export.json"
    csl.write_text(json.dumps(CSL))
    result = import_studies(root, csl)
    assert result.added == ["odegaard-2021-hip"]
    assert result.skipped == [
        "Squats for runners (DOI 10.1234/FIXTURE.2020 is already in content/studies.yml)"
    ]
    bib = tmp_path / "export.bib"
    bib.write_text(BIBTEX)
    assert import_studies(root, bib).added == ["kong-2019-calf"]
    text = (root / "content/studies.yml").read_text()
    assert text.startswith(
        "# Our registry: every entry verified.\n" + MINIMAL["content/studies.yml"]
    )
    data = yaml.safe_load(text)
    assert data["odegaard-2021-hip"]["doi"] == "10.1000/run.2021.1" and data["odegaard-2021-hip"][
        "authors"
    ] == ["Kari Ødegaard", "J Smith"]
    assert (
        data["kong-2019-calf"]["authors"] == ["Pui Wah Kong", "Congcong Cai"]
        and data["kong-2019-calf"]["pages"] == "10–20"
    )
    # an imported finding is a placeholder until an editor writes it
    errors = build_errors(root)
    assert len(errors) == 2 and all("'prehab studies import'" in e for e in errors), errors
    registry = root / "content/studies.yml"
    registry.write_text(
        registry.read_text().replace(placeholders.STUDY_FINDING.text, "Hip work helped.")
    )
    assert build(root).report.errors == []
    cli = run_cli("studies", "import", str(bib), cwd=root)
    assert cli.returncode == 0 and "0 added, 1 skipped" in cli.stdout


def test_studies_import_never_writes_through_a_registry_linked_out(make_project, tmp_path):
    root = make_project()
    outside = tmp_path / "outside-studies.yml"
    outside.write_text("# not this project's\n")
    link(root, "content/studies.yml", outside)
    bib = tmp_path / "export.bib"
    bib.write_text(BIBTEX)
    done = run_cli("studies", "import", str(bib), cwd=root)
    assert done.returncode == 1, done.stderr
    assert "content/studies.yml" in done.stderr and "outside the project" in done.stderr
    assert "nothing was imported" in done.stderr and "Traceback" not in done.stderr
    assert outside.read_text() == "# not this project's\n"
    assert (root / "content/studies.yml").is_symlink()


def test_studies_import_from_a_pipe_says_so_at_once(make_project, tmp_path):
    root = make_project()
    before = (root / "content/studies.yml").read_text()
    pipe = tmp_path / "export.json"
    os.mkfifo(pipe)  # no writer: reading it would wait forever
    done = run_cli("studies", "import", str(pipe), cwd=root)
    assert done.returncode == 2 and f"not a regular file: {pipe}" in done.stderr, done.stderr
    assert (root / "content/studies.yml").read_text() == before


def test_demo_publication_passes_check_strict(demo_project):
    report = check_site(demo_project, BuildOptions(pdf=False))
    assert [d.format() for d in report.errors + report.warnings] == []


def test_the_schemas_carry_the_sites_own_names(make_project):
    root = make_project()
    values = site_values(root)
    article = schemas(values)["article.schema.json"]
    assert article["properties"]["author"]["enum"] == ["ann-author"]
    assert article["properties"]["body_areas"]["items"]["enum"] == values["areas"]
    featured = [b for b in article["properties"]["exercises"]["items"]["anyOf"] if "type" in b]
    assert featured[0]["enum"] == ["bird-dog", "goblet-squat"]
    routine = schemas(values)["routine.schema.json"]
    step = routine["$defs"]["RoutineStep"]["properties"]["exercise"]
    assert step["enum"] == ["bird-dog", "goblet-squat"]
    author = jsonschema.Draft202012Validator(article["properties"]["author"])
    assert author.is_valid("ann-author") and not author.is_valid("someone-else")
