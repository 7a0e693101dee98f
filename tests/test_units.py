"""Small units with user-visible effects: dose wording, link finding,
slugs and URLs."""

from __future__ import annotations

import pytest

from generator.links import find_refs
from generator.model import Dose
from generator.urls import Urls, slugify


@pytest.mark.parametrize(
    "dose, text",
    [
        (Dose(3, reps=10), "3 x 10"),
        (Dose(3, reps=10, per_side=True, rest_seconds=60), "3 x 10 each side, rest 60 s"),
        (Dose(3, seconds=30), "3 x 30 s"),
        (Dose(1, seconds=1200), "1 x 20 min"),
        (Dose(2, seconds=45, per_side=True), "2 x 45 s each side"),
    ],
)
def test_doses_read_in_plain_words(dose, text):
    assert dose.text == text


def test_find_refs_reports_lines_and_skips_code():
    text = (
        "See [[goblet-squat]] and [@a; @b].\n```\n[[in-code]] [@code]\n```\n"
        "`[[inline]]` ![Alt](images/x.svg) [[routine|label]]\n"
    )
    refs = [(r.kind, r.target, r.line) for r in find_refs(text, 10)]
    assert refs == [
        ("link", "goblet-squat", 10),
        ("cite", "a", 10),
        ("cite", "b", 10),
        ("image", "images/x.svg", 14),
        ("link", "routine", 14),
    ]


def test_slugify_gives_only_lowercase_ascii_and_hyphens():
    assert slugify("Low Back Pain!") == "low-back-pain"
    assert slugify("Crème brûlée & knees") == "creme-brulee-knees"


def test_urls_carry_the_base_path_and_map_to_index_files():
    urls = Urls("/blog")
    assert urls.page("articles", "x") == "/blog/articles/x/"
    assert urls.page("pages", "about") == "/blog/about/"
    assert urls.output_path("/blog/articles/x/") == "articles/x/index.html"
    assert urls.output_path("/blog/feed.xml") == "feed.xml"
    assert urls.section("articles", 2) == "/blog/articles/page/2/"


def test_related_ranking_is_most_shared_features_then_earliest_on_random_sites():
    import random

    from generator.relations import rank_related as _rank_related

    rng = random.Random(7)
    features = [f"tag{i}" for i in range(12)] + [f"area:{i}" for i in range(5)]
    for size in (1, 2, 9, 60, 300):
        keys = tuple(frozenset(rng.sample(features, rng.randint(0, 6))) for _ in range(size))
        for i, mine in enumerate(keys):
            shared = sorted(
                (-len(mine & other), j) for j, other in enumerate(keys) if j != i and mine & other
            )
            assert _rank_related.__wrapped__(keys, 3)[i] == tuple(j for _, j in shared[:3])
