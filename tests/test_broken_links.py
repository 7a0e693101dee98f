"""A broken internal link or anchor in a content body fails the build at
its source line, like a broken `[[slug]]`, and shows in the dev server's
overlay; the last good site stays as it was."""

from __future__ import annotations

import shutil

import pytest
from conftest import MINIMAL, REPO, build, build_errors, run_cli

from generator.check import check_site
from generator.options import BuildOptions
from generator.serve import Preview

ARTICLE = MINIMAL["content/articles/back-pain.md"]
WHERE = "content/articles/back-pain.md"
FIRST = ARTICLE.count("\n") + 1  # the line of the first line appended to the body


def with_body(*lines: str) -> dict[str, str]:
    return {WHERE: ARTICLE + "\n".join(lines) + "\n"}


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        (
            ["See [the plank](/exercises/plank/) today."],
            f"{WHERE}:{FIRST}: broken link '/exercises/plank/': "
            "no page or file at /exercises/plank/",
        ),
        (
            ["See [the plank][plank] today.", "", "[plank]: /exercises/plank/"],
            f"{WHERE}:{FIRST + 2}: broken link '/exercises/plank/': "
            "no page or file at /exercises/plank/",
        ),
        (
            ['Read <a href="/guides/">the guides</a> first.'],
            f"{WHERE}:{FIRST}: broken link '/guides/': no page or file at /guides/",
        ),
        (
            ['<img src="/images/missing.svg" alt="A missing picture">'],
            f"{WHERE}:{FIRST}: broken link '/images/missing.svg': "
            "no page or file at /images/missing.svg",
        ),
        (
            ["Jump to [fixing](#how-to-fixit)."],
            f"{WHERE}:{FIRST}: broken link '#how-to-fixit': the page has no '#how-to-fixit' "
            "(no heading or element with that id); did you mean '#how-to-fix-it'?",
        ),
        (
            ["Start with [the squat](/exercises/goblet-squat/#depth)."],
            f"{WHERE}:{FIRST}: broken link '/exercises/goblet-squat/#depth': "
            "the page has no '#depth' (no heading or element with that id)",
        ),
        (
            ["Then [the bird dog](../exercises/bird-dog.md)."],
            f"{WHERE}:{FIRST}: broken link '../exercises/bird-dog.md': "
            "no page or file at ../exercises/bird-dog.md; link to the page with [[bird-dog]]",
        ),
        (
            ["Read [about us](about.md)."],
            f"{WHERE}:{FIRST}: broken link 'about.md': no page or file at about.md; "
            "link to the page with [[about]]",
        ),
        (
            ["Follow [the routine](/routines/back-basics)."],
            f"{WHERE}:{FIRST}: broken link '/routines/back-basics': "
            "no page or file at /routines/back-basics; did you mean '/routines/back-basics/'?",
        ),
        (
            ['<img src="images/squat.svg" alt="A squat">'],
            f"{WHERE}:{FIRST}: broken link 'images/squat.svg': no page or file at "
            "images/squat.svg; did you mean '/images/squat.svg'?",
        ),
    ],
    ids=[
        "inline",
        "reference-style",
        "raw-a-href",
        "raw-img-src",
        "fragment-did-you-mean",
        "fragment-on-another-page",
        "md-file-relative",
        "md-file-beside",
        "missing-trailing-slash",
        "path-relative-to-content",
    ],
)
def test_a_broken_link_in_a_body_fails_the_build_at_its_line(make_project, lines, error):
    root = make_project(with_body(*lines))
    assert build_errors(root) == [error]


def test_a_broken_link_in_a_featured_exercises_why_points_at_its_front_matter_line(
    make_project,
):
    text = ARTICLE.replace(
        "why: Calm work for a sore back [@jones-2019-walking].",
        "why: Calm work, see [the plank](/exercises/plank/) [@jones-2019-walking].",
    )
    line = text.split("\n").index(next(x for x in text.split("\n") if "/exercises/plank/" in x))
    root = make_project({WHERE: text})
    assert build_errors(root) == [
        f"{WHERE}:{line + 1}: broken link '/exercises/plank/': no page or file at /exercises/plank/"
    ]


def test_good_links_of_every_kind_build(make_project, tmp_path):
    root = make_project(
        with_body(
            "See [the squat](/exercises/goblet-squat/), [fixing](#how-to-fix-it),",
            '[the routine][r], <a href="/about/">us</a>, [feed](/feed.xml),',
            '[elsewhere](https://example.org/x) and <img src="/images/squat.svg" alt="A squat">.',
            "",
            "[r]: /routines/back-basics/#",
        )
    )
    result = build(root, tmp_path / "out")
    assert result.pages > 0
    assert (tmp_path / "out/articles/back-pain/index.html").exists()


def test_the_cli_build_fails_and_leaves_the_last_good_site(make_project):
    root = make_project()
    assert run_cli("build", "--no-pdf", "--no-search", cwd=root).returncode == 0
    page = root / "site_output/articles/back-pain/index.html"
    before = page.read_bytes()
    (root / WHERE).write_text(with_body("See [the plank](/exercises/plank/).")[WHERE])
    failed = run_cli("build", "--no-pdf", "--no-search", cwd=root)
    assert failed.returncode == 1
    assert (
        f"{WHERE}:{FIRST}: broken link '/exercises/plank/': no page or file at /exercises/plank/"
        in failed.stderr + failed.stdout
    )
    assert page.read_bytes() == before


def test_check_reports_the_same_broken_link_and_exits_1(make_project):
    root = make_project(with_body("See [the plank](/exercises/plank/)."))
    report = check_site(root, BuildOptions(pdf=False))
    assert [d.format() for d in report.errors] == [
        f"{WHERE}:{FIRST}: broken link '/exercises/plank/': no page or file at /exercises/plank/"
    ]
    assert run_cli("check", cwd=root).returncode == 1


def test_check_still_finds_a_broken_link_the_templates_make(make_project):
    root = make_project()
    footer = root / "templates/base.html"
    text = footer.read_text(encoding="utf-8")
    footer.write_text(text.replace("</body>", '<a href="/gone/">gone</a></body>'), encoding="utf-8")
    errors = [d.format() for d in check_site(root, BuildOptions(pdf=False)).errors]
    assert (
        "(generated page index.html, from the templates): broken link '/gone/': "
        "no page or file at /gone/" in errors
    )


def test_the_demo_publication_still_builds(tmp_path):
    root = tmp_path / "demo"
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    assert build(root, tmp_path / "out", search=False).pages > 0


def test_the_dev_server_shows_a_broken_link_in_its_overlay(make_project):
    root = make_project()
    logged: list[str] = []
    preview = Preview(root, BuildOptions(pdf=False, search=False), cards=False, log=logged.append)
    preview.request_search = lambda: None  # no search index in this test
    assert preview.rebuild("first build") is not None
    page = preview.out / "articles/back-pain/index.html"
    before = page.read_bytes()
    (root / WHERE).write_text(with_body("See [the plank](/exercises/plank).")[WHERE])
    assert preview.rebuild("articles/back-pain.md changed") is None
    assert preview.errors == [
        f"{WHERE}:{FIRST}: broken link '/exercises/plank': no page or file at /exercises/plank"
    ]
    assert page.read_bytes() == before
    (root / WHERE).write_text(with_body("See [the squat](/exercises/goblet-squat/).")[WHERE])
    assert preview.rebuild("articles/back-pain.md changed") is not None
    assert preview.errors == []
