"""Issue 16: the sentences that belong to one publication come from
site.toml ([voice]); without them the theme says nothing of the demo's."""

from __future__ import annotations

from conftest import MINIMAL, build, soup

SITE = "content/site.toml"


def test_without_a_voice_the_theme_uses_neutral_words(make_project, tmp_path):
    out = tmp_path / "out"
    build(make_project(), out)
    home, article = soup(out / "index.html"), soup(out / "articles/back-pain/index.html")
    title = MINIMAL[SITE].split('title = "', 1)[1].split('"', 1)[0]
    assert home.h1.get_text(strip=True) == title
    everything = " ".join(soup(p).get_text(" ") for p in out.rglob("*.html"))
    for demo_words in ("Run more", "Hurt less", "written by runners", "physiotherapists"):
        assert demo_words not in everything
    assert (
        article.select_one(".disclaimer")
        .get_text(strip=True)
        .startswith("General information, not medical advice.")
    )
    assert article.select_one(".about-author p + p") is None


def test_the_voice_in_site_toml_is_the_sites_own(make_project, tmp_path):
    voice = (
        '\n[voice]\ntagline = "Strong legs, happy knees"\n'
        'writers = "Written by two coaches & a physio."\n'
        'disclaimer = "Not a diagnosis: see your doctor."\n'
    )
    out = tmp_path / "out"
    build(make_project({SITE: MINIMAL[SITE] + voice}), out)
    assert soup(out / "index.html").h1.get_text(strip=True) == "Strong legs, happy knees"
    article = soup(out / "articles/back-pain/index.html")
    assert "Written by two coaches & a physio." in article.select_one(".about-author").get_text()
    assert (
        article.select_one(".disclaimer").get_text(strip=True)
        == "Not a diagnosis: see your doctor."
    )
