"""Issue 16, redirects: `aliases:` keep old addresses working (a redirect
page and a `_redirects` line each), collisions are errors naming both files,
and a build that drops a published address warns."""

from __future__ import annotations

from browser import chromium, static_server
from conftest import MINIMAL, build, build_errors, run_cli, soup

ROUTINE = "content/routines/back-basics.md"


def with_aliases(rel: str, aliases: str) -> str:
    text = MINIMAL[rel]
    return text.replace("\n---\n", f"\naliases: {aliases}\n---\n", 1)


def test_an_alias_redirects_to_the_page(make_project, tmp_path):
    root = make_project({ROUTINE: with_aliases(ROUTINE, "[/routines/old-back/, /back/]")})
    out = tmp_path / "out"
    build(root, out)
    for old in ("routines/old-back", "back"):
        page = soup(out / old / "index.html")
        refresh = page.select_one('meta[http-equiv="refresh"]')["content"]
        assert refresh == "0; url=/routines/back-basics/"
        assert page.select_one('meta[name="robots"]')["content"] == "noindex"
        assert page.select_one('link[rel="canonical"]')["href"].endswith("/routines/back-basics/")
        assert page.select_one("a")["href"] == "/routines/back-basics/"
    assert (out / "_redirects").read_text() == (
        "/routines/old-back/ /routines/back-basics/ 301\n/back/ /routines/back-basics/ 301\n"
    )
    sitemap = (out / "sitemap.xml").read_text()
    assert "old-back" not in sitemap and "/back/<" not in sitemap


def test_an_alias_may_not_be_another_pages_address(make_project):
    text = with_aliases(ROUTINE, "[/about/]")
    line = text.split("\n").index("aliases: [/about/]") + 1
    root = make_project({ROUTINE: text})
    assert build_errors(root) == [
        f"{ROUTINE}:{line}: alias '/about/' is the address of content/pages/about.md; an "
        "address can lead to one page only: remove the alias, or rename one of the pages"
    ]


def test_two_pages_may_not_share_an_alias(make_project):
    page = "content/pages/about.md"
    root = make_project(
        {ROUTINE: with_aliases(ROUTINE, "[/old/]"), page: with_aliases(page, "[/old/]")}
    )
    errors = build_errors(root)
    assert len(errors) == 1 and "alias '/old/'" in errors[0], errors
    assert ROUTINE in errors[0] and page in errors[0], errors


def test_a_bad_alias_is_an_error_at_its_line(make_project):
    root = make_project({ROUTINE: with_aliases(ROUTINE, "[routines/no-slash]")})
    errors = build_errors(root)
    assert len(errors) == 1 and errors[0].startswith(f"{ROUTINE}:"), errors
    assert "aliases" in errors[0]


def test_a_build_that_drops_a_published_address_warns_once(make_project):
    root = make_project()
    assert run_cli("build", "--no-pdf", "--no-search", cwd=root).returncode == 0
    renamed = root / "content/routines/back-basics-2.md"
    (root / ROUTINE).rename(renamed)
    article = root / "content/articles/back-pain.md"
    article.write_text(article.read_text().replace("back-basics", "back-basics-2"))
    run = run_cli("build", "--no-pdf", "--no-search", cwd=root)
    assert run.returncode == 0, run.stderr
    warning = (
        "site_output/routines/back-basics/: warning: /routines/back-basics/ is no longer "
        "published; add `aliases: [/routines/back-basics/]` to the page that replaces it"
    )
    assert warning in run.stderr + run.stdout
    # once: the next build has nothing to say about it
    again = run_cli("build", "--no-pdf", "--no-search", cwd=root)
    assert "no longer published" not in again.stderr + again.stdout
    # the alias brings the address back, and the warning is gone for good
    renamed.write_text(
        renamed.read_text().replace("\n---\n", "\naliases: [/routines/back-basics/]\n---\n", 1)
    )
    fixed = run_cli("build", "--no-pdf", "--no-search", cwd=root)
    assert fixed.returncode == 0 and "no longer published" not in fixed.stderr + fixed.stdout
    assert (root / "site_output/routines/back-basics/index.html").is_file()


def test_the_old_address_lands_on_the_new_page_in_chromium(make_project, tmp_path):
    root = make_project({ROUTINE: with_aliases(ROUTINE, "[/routines/old-back/]")})
    out = tmp_path / "out"
    build(root, out)
    with static_server(out) as base, chromium() as browser:
        page = browser.new_page(java_script_enabled=False)  # a meta refresh needs no script
        page.goto(base + "/routines/old-back/")
        page.wait_for_url(base + "/routines/back-basics/")
        assert page.locator("h1").first.inner_text().strip() == soup(
            out / "routines/back-basics/index.html"
        ).h1.get_text(strip=True)
