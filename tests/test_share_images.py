"""Share pictures: what a social site or chat app shows when a page is
shared. Every page a reader may share names a 1200 x 630 PNG with an
absolute address, a size, a type and an alt text; the pictures are the same
bytes build after build, cached or not, and a title edit redraws only its
own page's picture."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import MINIMAL, build, build_errors, soup
from PIL import Image, ImageFont

from generator import sharing
from generator.sharing import og_locale
from generator.sharing.draw import ELLIPSIS, title_lines

ORIGIN = "https://prehab.example"
EXERCISE = "content/exercises/goblet-squat.md"


def meta(page, key: str) -> str | None:
    tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def shared_pages(out: Path) -> dict[str, object]:
    """Every built HTML page but the 404 page, by its address."""
    return {
        "/" + path.relative_to(out).as_posix().removesuffix("index.html"): soup(path)
        for path in sorted(out.rglob("index.html"))
    }


def share_pictures(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("share.png"))}


def test_every_page_of_the_demo_has_a_1200_by_630_png_share_picture(demo_build):
    out, _ = demo_build
    pages = shared_pages(out)
    kinds = {url.split("/")[1] for url in pages}
    assert {"", "articles", "exercises", "routines", "tags", "body-areas", "authors"} <= kinds
    for url, page in pages.items():
        image = meta(page, "og:image")
        assert image == f"{ORIGIN}{url}share.png", url
        with Image.open(out / image.removeprefix(f"{ORIGIN}/")) as picture:
            assert (picture.format, picture.size) == ("PNG", (1200, 630)), url
        assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
        assert meta(page, "og:image:type") == "image/png"
        alt = meta(page, "og:image:alt")
        assert alt and "Prehab" in alt, url
        assert meta(page, "twitter:card") == "summary_large_image"
        assert meta(page, "twitter:image") == image
        assert meta(page, "og:locale") == "en_US"
    assert not (out / "share.png").read_bytes() == (out / "articles/share.png").read_bytes()


def test_the_alt_text_says_the_title_and_what_the_picture_shows(demo_build):
    out, _ = demo_build
    page = soup(out / "articles/lower-back-pain-running/index.html")
    alt = meta(page, "og:image:alt")
    assert alt.startswith("Lower back pain when running: how to fix it — Prehab.")
    hero = page.select_one("figure.hero img")
    assert hero is not None and hero["alt"] in alt


def test_the_404_page_has_no_share_picture(demo_build):
    out, _ = demo_build
    page = soup(out / "404.html")
    assert meta(page, "og:image") is None and meta(page, "twitter:card") == "summary"


@pytest.mark.parametrize(
    "language, locale",
    [("en", "en_US"), ("en-GB", "en_GB"), ("de", "de_DE"), ("pt_BR", "pt_BR"), ("sv", "sv_SE")],
)
def test_the_open_graph_locale_comes_from_the_site_language(language, locale):
    assert og_locale(language) == locale


def test_a_british_site_says_en_gb(make_project):
    site = MINIMAL["content/site.toml"].replace('language = "en"', 'language = "en-GB"')
    root = make_project({"content/site.toml": site})
    build(root, root / "out")
    assert meta(soup(root / "out/index.html"), "og:locale") == "en_GB"


def test_share_pictures_are_the_same_bytes_in_two_clean_builds(make_project):
    first, second = make_project(), make_project()
    build(first, first / "out")
    build(second, second / "out")
    pictures = share_pictures(first / "out")
    assert "articles/back-pain/share.png" in pictures and len(pictures) > 10
    assert pictures == share_pictures(second / "out")


def test_a_title_edit_redraws_only_its_page_and_the_cached_build_equals_a_clean_one(make_project):
    root = make_project()
    build(root, root / "out")
    before = share_pictures(root / "out")
    files = {path: (root / "out" / path).stat().st_ino for path in before}
    renamed = MINIMAL[EXERCISE].replace("title: Goblet squat", "title: Goblet squat with a pause")
    (root / EXERCISE).write_text(renamed, encoding="utf-8")
    build(root, root / "out")
    after = share_pictures(root / "out")
    changed = {path for path in before if before[path] != after[path]}
    assert changed == {"exercises/goblet-squat/share.png"}
    # one new picture drawn; every other one is the last build's file, linked, not drawn again
    redrawn = {
        path for path, inode in files.items() if (root / "out" / path).stat().st_ino != inode
    }
    assert redrawn == {"exercises/goblet-squat/share.png"}
    clean = make_project({EXERCISE: renamed})
    build(clean, clean / "out")
    assert share_pictures(clean / "out") == after


def test_a_missing_font_is_a_message_not_a_traceback(make_project, monkeypatch):
    monkeypatch.setattr(sharing, "FONT_PATHS", ("/nonexistent/fonts/DejaVuSans-Bold.ttf",))
    errors = build_errors(make_project())
    assert errors == [
        "/nonexistent/fonts/DejaVuSans-Bold.ttf: share pictures are drawn in DejaVu Sans Bold, "
        "which is not installed: install it (Debian and Ubuntu: apt-get install "
        "fonts-dejavu-core; Fedora: dnf install dejavu-sans-fonts; macOS: brew install "
        "--cask font-dejavu)"
    ]


def face(size: int):
    return ImageFont.truetype(sharing.FONT_PATHS[0], size)


def test_a_short_title_is_drawn_large_on_balanced_lines():
    size, lines = title_lines("Run more. Hurt less.", face, 600)
    assert size == 64 and lines == ["Run more.", "Hurt less."]


def test_a_long_title_keeps_three_lines_of_whole_words_and_ends_with_an_ellipsis():
    title = " ".join(["Eccentric calf strengthening for runners with Achilles pain"] * 4)
    size, lines = title_lines(title, face, 532)
    assert len(lines) == 3 and lines[-1].endswith(ELLIPSIS)
    assert all(face(size).getlength(line) <= 532 for line in lines)
    words = title.split()
    shown = " ".join(lines).removesuffix(ELLIPSIS).split()
    assert shown == words[: len(shown)]  # whole words, in order, none cut


def test_a_word_longer_than_a_line_is_the_only_cut_and_is_marked():
    size, lines = title_lines("Pneumonoultramicroscopicsilicovolcanoconiosis knee", face, 400)
    assert lines[0].endswith(ELLIPSIS) and lines[-1] == "knee"
    assert all(face(size).getlength(line) <= 400 for line in lines)


def test_a_share_picture_shows_the_page_picture_beside_the_text(demo_build):
    """The right part of an exercise's picture is its (light) illustration;
    a list page, without a picture, is the theme's teal all over the left."""
    out, _ = demo_build
    with Image.open(out / "exercises/goblet-squat/share.png") as picture:
        right = picture.convert("RGB").getpixel((1190, 10))
    with Image.open(io.BytesIO((out / "exercises/share.png").read_bytes())) as plain:
        left = plain.convert("RGB").getpixel((10, 10))
    assert sum(right) > 600 and left == (0x0F, 0x52, 0x57)
