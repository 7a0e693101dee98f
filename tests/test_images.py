"""Content images: real dimensions on every <img>, smaller widths and WebP
for photos via srcset, SVG passed through, broken images reported at the
line that uses them, and resized files cached."""

from __future__ import annotations

import io

import pytest
from conftest import MINIMAL, build, build_errors, soup
from PIL import Image


def jpeg(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), (15, 82, 87))
    for x in range(0, width, 40):
        image.paste((224, 122, 63), (x, 0, x + 20, height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def photo_project(make_project):
    article = MINIMAL["content/articles/back-pain.md"].replace(
        "image: images/hero.svg", "image: images/hero.jpg"
    )
    article += "\n![A runner on a bridge](images/bridge.jpg)\n"
    root = make_project({"content/articles/back-pain.md": article})
    (root / "content/images/hero.jpg").write_bytes(jpeg(2000, 1000))
    (root / "content/images/bridge.jpg").write_bytes(jpeg(800, 600))
    (root / "content/images/hero.svg").unlink()
    return root


def test_photos_get_srcset_webp_and_dimensions(photo_project):
    out = photo_project / "site_output"
    build(photo_project, out)
    page = soup(out / "articles/back-pain/index.html")
    hero = page.select_one("figure.hero picture")
    source = hero.find("source")
    assert source["type"] == "image/webp"
    assert [c.split()[1] for c in source["srcset"].split(", ")] == [
        "480w",
        "960w",
        "1440w",
        "2000w",
    ]
    img = hero.find("img")
    assert (img["width"], img["height"]) == (
        "2000",
        "1000",
    ) and "loading" not in img.attrs  # above the fold
    for candidate in source["srcset"].split(", ") + img["srcset"].split(", "):
        path = out / candidate.split()[0].lstrip("/")
        with Image.open(path) as variant:
            assert variant.width == int(candidate.split()[1][:-1])
    body = page.select_one(".prose picture img")
    assert (body["width"], body["height"], body["loading"]) == ("800", "600", "lazy")
    assert body["alt"] == "A runner on a bridge"
    squat = page.select_one(".feature img")
    assert (squat["width"], squat["height"]) == ("40", "30") and squat["src"].endswith(".svg")


def test_unchanged_images_are_not_resized_again(photo_project, monkeypatch, tmp_path):
    build(photo_project, tmp_path / "a")
    import generator.images

    def refuse(*args):
        raise AssertionError("an unchanged image was resized again")

    monkeypatch.setattr(generator.images, "_resize", refuse)
    build(photo_project, tmp_path / "b")
    first = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a/images").rglob("*"))
    assert first == sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b/images").rglob("*")
    )
    assert all(
        (tmp_path / "a" / p).read_bytes() == (tmp_path / "b" / p).read_bytes()
        for p in first
        if (tmp_path / "a" / p).is_file()
    )


def test_a_broken_image_is_an_error_at_the_line_using_it(photo_project):
    (photo_project / "content/images/bridge.jpg").write_bytes(b"not really a jpeg")
    errors = build_errors(photo_project)
    assert len(errors) == 1
    assert errors[0].startswith(
        "content/articles/back-pain.md:26: image 'images/bridge.jpg' cannot be read as JPEG"
    )
