"""Incremental rebuilds: a change re-renders the pages that read what
changed (their reads are recorded while they render, not listed by hand),
and the result is byte-identical to a clean build."""

from __future__ import annotations

import pickle
import shutil

import pytest
from conftest import MINIMAL, TODAY, build, run_cli, snapshot, write_project

from generator.build import CACHE_FOLDER, MEMO_NAME, compile_site
from generator.config import BuildOptions
from generator.incremental.memo import Reuse

OPTIONS = BuildOptions(pdf=False)


def compile_with(root, reuse):
    reuse.start()
    result = compile_site(root, OPTIONS, TODAY, reuse=reuse)
    reuse.finish()
    return result


@pytest.fixture
def site(tmp_path):
    root = write_project(tmp_path / "site", {})
    reuse = Reuse()
    compile_with(root, reuse)
    return root, reuse


def rebuild(root, memo) -> set[str]:
    incremental = compile_with(root, memo)
    clean = compile_site(root, OPTIONS, TODAY)
    assert {o.path: o.data for o in incremental.outputs} == {o.path: o.data for o in clean.outputs}
    return set(incremental.rendered_urls)


def edit(root, rel, old, new):
    path = root / rel
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_nothing_changed_renders_nothing(site):
    assert rebuild(*site) == set()


def test_article_body_edit_renders_only_that_article(site):
    root, memo = site
    edit(
        root,
        "content/articles/back-pain.md",
        "Running is good for the back",
        "Running is fine for the back",
    )
    assert rebuild(root, memo) == {"/articles/back-pain/"}


def test_article_title_edit_renders_every_page_that_shows_it(site):
    root, memo = site
    edit(
        root,
        "content/articles/back-pain.md",
        "title: Lower back pain when running",
        "title: Back pain and running",
    )
    assert rebuild(root, memo) == {
        "/",
        "/articles/",
        "/articles/back-pain/",
        "/tags/low-back-pain/",
        "/tags/strength/",
        "/body-areas/lower-back/",
        "/exercises/goblet-squat/",
        "/exercises/bird-dog/",
        "/routines/back-basics/",
        "/authors/ann-author/",
    }


def test_exercise_edit_renders_it_and_the_articles_routines_and_lists_featuring_it(site):
    # the builder page, which shows no exercise (its data is exercises.json), is not among them
    root, memo = site
    edit(root, "content/exercises/bird-dog.md", "seconds: 30", "seconds: 40")
    assert rebuild(root, memo) == {
        "/exercises/bird-dog/",
        "/articles/back-pain/",
        "/routines/back-basics/",
        "/exercises/goblet-squat/",
        "/",
        "/exercises/",
        "/body-areas/lower-back/",
        "/routines/",
    }


def test_study_edit_renders_the_pages_citing_it(site):
    root, memo = site
    edit(
        root,
        "content/studies.yml",
        "finding: Walking helped too.",
        "finding: Walking helped as well.",
    )
    assert rebuild(root, memo) == {"/articles/back-pain/", "/routines/back-basics/"}


def test_template_edit_renders_the_pages_using_it(site):
    root, memo = site
    edit(
        root,
        "templates/exercise.html",
        '<h1 data-pagefind-weight="10">{{ e.title }}</h1>',
        '<h1 class="t" data-pagefind-weight="10">{{ e.title }}</h1>',
    )
    assert rebuild(root, memo) == {"/exercises/goblet-squat/", "/exercises/bird-dog/"}
    edit(
        root,
        "templates/partials/macros.html",
        '<article class="card routine-card">',
        '<article class="card routine-card r">',
    )
    # every page whose template imports the macros, and only those
    assert rebuild(root, memo) == {
        "/",
        "/routines/",
        "/body-areas/lower-back/",
        "/articles/",
        "/articles/back-pain/",
        "/authors/",
        "/authors/ann-author/",
        "/body-areas/knee/",
        "/exercises/",
        "/exercises/bird-dog/",
        "/exercises/goblet-squat/",
        "/routines/back-basics/",
        "/tags/low-back-pain/",
        "/tags/strength/",
    }


def test_adding_and_deleting_a_page_updates_lists_and_removes_it(site):
    root, memo = site
    new = MINIMAL["content/articles/back-pain.md"].replace(
        "title: Lower back pain when running", "title: Knee pain"
    )
    (root / "content/articles/knee-pain.md").write_text(
        new.replace("date: 2026-03-01", "date: 2026-04-01")
    )
    added = rebuild(root, memo)
    assert {"/articles/knee-pain/", "/", "/articles/", "/articles/back-pain/"} <= added
    (root / "content/articles/knee-pain.md").unlink()
    removed = compile_with(root, memo)
    assert "articles/knee-pain/index.html" not in {o.path for o in removed.outputs}


def test_parallel_markup_and_pages_give_the_same_bytes_as_one_process(tmp_path, monkeypatch):
    import generator.markup
    import generator.render

    root = write_project(tmp_path / "site", {})
    one = compile_site(root, BuildOptions(pdf=False, workers=1), TODAY)
    monkeypatch.setattr(generator.markup, "PARALLEL_FROM", 1)
    monkeypatch.setattr(generator.render, "PARALLEL_FROM", 1)
    two = compile_site(root, BuildOptions(pdf=False, workers=2), TODAY)
    assert len(two.rendered_urls) == two.pages > 10
    assert {o.path: o.data for o in one.outputs} == {o.path: o.data for o in two.outputs}


def test_a_template_error_in_a_worker_process_is_reported_at_its_line(tmp_path, monkeypatch):
    import generator.render
    from generator.diagnostics import ContentErrors

    root = write_project(tmp_path / "site", {})
    article = root / "templates/article.html"
    lines = article.read_text().splitlines()
    at = lines.index("{% block main %}") + 1  # the first line inside the page's block
    lines.insert(at, "{{ node.no_such_field }}")
    article.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(generator.render, "PARALLEL_FROM", 1)
    with pytest.raises(ContentErrors) as caught:
        compile_site(root, BuildOptions(pdf=False, workers=2), TODAY)
    [error] = [d.format() for d in caught.value.report.errors]
    assert (
        error.startswith(f"templates/article.html:{at + 1}: template error: ")
        and "(while rendering /articles/back-pain/)" in error
        and "no_such_field" in error
    )


def test_scans_remembered_by_the_memo_still_report_in_a_fresh_process(tmp_path):
    """The link, raw-HTML and dose scans come back from the memo in a new
    `prehab build`: their warnings and errors must be the same as a cold
    build's, at the same lines."""
    root = write_project(
        tmp_path / "site",
        {
            "content/pages/about.md": "---\ntitle: About\nsummary: Us.\n---\n"
            "We are runners.\n\n<span onclick='x()'>Hi</span>\n",
        },
    )
    first = run_cli("build", "--no-pdf", "--no-search", cwd=root)
    assert first.returncode == 0, first.stderr
    warning = "content/pages/about.md:7: warning: removed unsafe HTML: 'onclick' attribute"
    assert warning in first.stderr
    article = root / "content/articles/back-pain.md"
    article.write_text(article.read_text().replace("[[goblet-squat]]", "[[goblet-squats]]"))
    second = run_cli("build", "--no-pdf", "--no-search", cwd=root)
    assert second.returncode == 1
    assert warning in second.stderr
    assert "content/articles/back-pain.md:21: unknown link [[goblet-squats]]" in second.stderr


def test_a_small_edit_saves_a_delta_of_the_memo_and_the_next_build_reads_it(tmp_path):
    """After a one-page edit the memo is not written whole: a small delta
    beside it says what changed, and the builds after it still reuse the
    rest and give a clean build's bytes."""
    root = write_project(tmp_path / "site", {})
    base = root / CACHE_FOLDER / MEMO_NAME
    delta = base.with_name(MEMO_NAME + ".delta")
    build(root, search=False)
    written = base.read_bytes()
    (root / "content/pages/team.md").write_text("---\ntitle: Team\nsummary: Us.\n---\nTwo.\n")
    assert "/team/" in build(root, search=False).rendered_urls  # known from the delta alone
    about = root / "content/pages/about.md"
    for n, words in enumerate(["We run.", "We are physios.", "We are both."]):
        about.write_text(f"---\ntitle: About\nsummary: Who we are.\n---\n{words}\n")
        again = build(root, search=False)
        assert again.rendered_urls == ["/about/"], n  # the rest came from base and delta
        assert base.read_bytes() == written and 0 < delta.stat().st_size < len(written) / 4
    shutil.copytree(
        root, tmp_path / "clean", ignore=shutil.ignore_patterns(CACHE_FOLDER, "*site_output*")
    )
    clean = build(tmp_path / "clean", search=False)
    assert clean.pages_rendered == clean.pages
    assert snapshot(root / "site_output") == snapshot(tmp_path / "clean/site_output")


def test_a_memo_delta_not_signed_by_this_user_is_never_unpickled(tmp_path):
    root = write_project(tmp_path / "site", {})
    build(root, search=False)

    class Boom:
        def __reduce__(self):
            return (open, (str(tmp_path / "owned"), "w"))

    planted = root / CACHE_FOLDER / (MEMO_NAME + ".delta")
    planted.write_bytes(b"\0" * 32 + pickle.dumps(Boom()))
    (root / "content/pages/about.md").write_text("---\ntitle: About\nsummary: Us.\n---\nNew.\n")
    again = build(root, search=False)
    assert not (tmp_path / "owned").exists()
    assert again.rendered_urls == ["/about/"]  # the base alone still serves


def test_a_template_edited_between_two_builds_is_compiled_again_not_taken_from_the_memo(
    tmp_path,
):
    """Compiled templates come back from the memo in a fresh process; one
    whose text changed (itself, or a partial it imports) must show the change."""
    root = write_project(tmp_path / "site", {})
    assert run_cli("build", "--no-pdf", "--no-search", cwd=root).returncode == 0
    exercise = root / "site_output/exercises/goblet-squat/index.html"
    routines = root / "site_output/routines/index.html"
    assert 'class="routine-card r"' not in routines.read_text()
    edit(root, "templates/exercise.html", "<h1 data-pagefind", '<h1 class="t" data-pagefind')
    edit(
        root,
        "templates/partials/macros.html",
        'class="card routine-card"',
        'class="routine-card r"',
    )
    assert run_cli("build", "--no-pdf", "--no-search", cwd=root).returncode == 0
    assert '<h1 class="t"' in exercise.read_text()
    assert 'class="routine-card r"' in routines.read_text()


def test_a_memo_delta_is_applied_to_its_own_base_only(tmp_path):
    """A delta names the base it was made from by that base's signature: a
    delta for another base (one left from before the base was rewritten) is
    never applied. Here a delta that forgets every page: applied, every page
    renders again; named for another base, only the edited page does."""
    from generator.incremental import memo_file
    from generator.incremental.toolchain import toolchain

    root = write_project(tmp_path / "site", {})
    build(root, search=False)
    base = root / CACHE_FOLDER / MEMO_NAME
    memo = memo_file.load_memo(base)
    forget_pages = [("pages", url) for url in memo.pages]
    about = root / "content/pages/about.md"
    for n, (signature, expected) in enumerate(
        [(b"\0" * 32, ["/about/"]), (memo.origin.signature, sorted(memo.pages))]
    ):
        delta = (toolchain(), signature, {}, forget_pages)
        memo_file.delta_of(base).write_bytes(memo_file._signed(delta))
        about.write_text(f"---\ntitle: About\nsummary: Us.\n---\nEdit {n}.\n")
        assert sorted(build(root, search=False).rendered_urls) == expected
