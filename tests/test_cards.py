"""The demo's routine cards as a person printing them gets them, read back
from the PDFs with pypdf (A4 and Letter): one page, no sentence cut, type a
person can read from a metre (sizes measured from the PDF's own text), the
safety block, each exercise's first warning cue, easier and harder versions,
a tracker to fill in, and the roomiest layout that fits. Then the parts
behind them: the richer dose, easier/harder references, the safety text and
the layout search."""

from __future__ import annotations

import functools
import random
import re

import pytest
from conftest import MINIMAL, build, build_errors
from pypdf import PdfReader

from generator.model import Dose
from generator.pdf.card import (
    LEVELS,
    card_context,
    card_cues,
    card_safety,
    is_warning,
    one_line,
)
from generator.pdf.worker import find_layout

SIZES = ("A4", "Letter")


def squash(text: str) -> str:
    """Text without any white space: line breaks and the gaps between
    text runs are where the PDF's layout put them, not words."""
    return "".join(text.split())


class Card:
    """One card PDF: its text runs with their sizes in points, from the
    content stream (font size times the text and current matrices' scale)."""

    def __init__(self, path):
        self.reader = PdfReader(path)
        self.runs: list[tuple[float, str]] = []

        def visit(text, cm, tm, font, size):
            if text.strip():
                scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
                self.runs.append((round(size * scale, 2), text))

        self.text = " ".join(page.extract_text(visitor_text=visit) for page in self.reader.pages)

    def at_least(self, points: float) -> str:
        """Everything printed at `points` or larger, squashed."""
        return squash("".join(text for size, text in self.runs if size >= points - 0.01))

    def has(self, text: str, points: float = 0) -> bool:
        return squash(text) in self.at_least(points)


@pytest.fixture(scope="module")
def cards(demo_build):
    """(routine, size, level, Card) for every demo card."""
    out, result = demo_build
    found = []
    for routine in result.graph.routines:
        for link in result.cards.links[routine.slug]:
            found.append((routine, link.size, link.level, Card(out / link.url.lstrip("/"))))
    assert {size for _, size, _, _ in found} == set(SIZES)
    assert len(found) == 2 * len(result.graph.routines) == 10
    return found


def test_every_card_is_one_page_and_cuts_no_sentence(cards, demo_build):
    graph = demo_build[1].graph
    for routine, size, level, card in cards:
        assert len(card.reader.pages) == 1, (routine.slug, size)
        assert "…" not in card.text and "..." not in card.text, (routine.slug, size)
        if LEVELS[level]["why"]:  # each 'why' sentence whole, as written
            for step in routine.steps:
                why = one_line(graph.get("exercises", step.exercise).meta.why_it_works)
                assert card.has(why), (routine.slug, size, why)


def test_type_is_large_enough_to_read_from_a_metre(cards, demo_build):
    graph = demo_build[1].graph
    for routine, size, level, card in cards:
        where = (routine.slug, size)
        assert min(points for points, _ in card.runs) >= 9, where  # references included
        assert card.has(routine.title, 22), where
        context = card_context(graph, routine, size, level, "")
        for step, item in zip(routine.steps, context["exercises"], strict=True):
            assert card.has(item["name"], 14), (where, item["name"])
            assert card.has(step.dose.full, 14), (where, step.dose.full)
            for cue in item["shown_cues"]:
                assert card.has(cue["text"], 10), (where, cue)
            if step.note:
                assert card.has(step.note, 10), (where, step.note)
        safety = context["safety"]
        body = [band["advice"] for band in safety["pain_guide"]]
        body += safety["stop"] + safety["see_someone"] + [safety["disclaimer"], context["more"]]
        for text in body:
            assert card.has(text, 10), (where, text)


def test_every_reference_on_a_card_says_what_kind_of_study_it_was(cards, demo_build):
    graph = demo_build[1].graph
    for routine, size, level, card in cards:
        context = card_context(graph, routine, size, level, "")
        if not context["refs"]:
            continue
        for c in context["citations"]:
            assert c.design_label, c.id  # every demo study has a design
            assert card.has(f"{c.short_authors} ({c.study.year})", 9), (routine.slug, c.id)
            assert card.has(c.design_label.lower(), 9), (routine.slug, size, c.design_label)


def test_every_card_says_how_much_pain_is_fine_and_when_to_stop_or_see_someone(cards, demo_build):
    graph = demo_build[1].graph
    site = graph.config.safety
    for routine, size, _, card in cards:
        where = (routine.slug, size)
        safety = card_safety(graph, routine)
        assert card.has("Pain during and after") and card.has("Stop the session"), where
        for band in safety["pain_guide"]:
            assert card.has(f"{band['scores']} {band['label']}. {band['advice']}"), (where, band)
        for sign in safety["stop"] + safety["see_someone"]:
            assert card.has(sign), (where, sign)
        for area in routine.areas:  # the red flags of the routine's own body areas
            for flag in site.red_flags.get(area, ()):
                assert card.has(flag), (where, flag)
        assert card.has(safety["disclaimer"]), where
    # the demo's guide: 0-2 fine, 3-5 acceptable if it settles within 24 hours, above 5 ease off
    guide = {band.scores: band.advice for band in site.pain_guide}
    assert set(guide) == {"0-2", "3-5", "6-10"} and "24 hours" in guide["3-5"]
    # the Achilles routine has its own guide on its cards, the other routines the site's
    achilles = card_safety(graph, graph.get("routines", "achilles-and-calf"))
    assert "next morning" in achilles["pain_guide"][1]["advice"]
    assert (
        achilles["pain_guide"]
        != card_safety(graph, graph.get("routines", "knee-and-hip"))["pain_guide"]
    )


def test_every_exercise_keeps_its_first_warning_cue(cards, demo_build):
    graph = demo_build[1].graph
    warned = 0
    for routine, size, _, card in cards:
        for step in routine.steps:
            cues = graph.get("exercises", step.exercise).meta.cues
            first = next((cue for cue in cues if is_warning(cue)), None)
            if first:
                warned += 1
                assert card.has(f"Take care: {first}", 10), (routine.slug, size, first)
    assert warned >= 4  # the heel drop's "pain is at the heel bone itself" among them


def test_easier_and_harder_versions_are_on_the_card_where_set(cards, demo_build):
    graph = demo_build[1].graph
    shown = 0
    for routine, size, _, card in cards:
        for step in routine.steps:
            meta = graph.get("exercises", step.exercise).meta
            for label, slugs in (("Easier:", meta.easier), ("Harder:", meta.harder)):
                if slugs:
                    titles = ", ".join(graph.get("exercises", s).title for s in slugs)
                    assert card.has(f"{label} {titles}"), (routine.slug, size, label, titles)
                    shown += 1
    assert shown >= 8


def test_the_tracker_has_a_row_per_week_with_notes_and_says_how_to_fill_it_in(cards):
    for routine, size, _, card in cards:
        assert card.has("Tick off each session"), (routine.slug, size)
        assert card.has("write your pain (0-10)"), (routine.slug, size)
        assert "Notes" in card.text and "Week" in card.text
        numbers = re.findall(r"\b\d+\b", card.text)
        assert {str(w) for w in range(1, routine.meta.weeks + 1)} <= set(numbers)


def test_a_card_promises_only_what_its_page_has(cards, demo_build):
    graph = demo_build[1].graph
    assert not any(e.meta.video for e in graph.exercises)
    for routine, size, level, card in cards:
        assert "Videos" not in card.text and "video" not in card.text, (routine.slug, size)
        assert card.has(card_context(graph, routine, size, level, "")["more"])


def test_each_card_uses_the_roomiest_layout_that_fits(cards, demo_project, demo_build):
    """The layout before the one chosen (roomier) needs a second page."""
    from generator.jinja_env import make_environment, read_templates
    from generator.pdf.worker import CardJob, render_card
    from generator.theme import THEME, theme_file

    graph = demo_build[1].graph
    templates, _ = read_templates(demo_project / "templates")
    env = make_environment(demo_project / "templates", templates)
    stylesheet = theme_file(demo_project / "templates", "static/card.css").as_uri()
    allowed = (
        str(demo_project / "content/images"),
        str(demo_project / "templates"),
        str(THEME / "static"),
    )
    base = (demo_project / "content").as_uri() + "/"
    for routine, size, level, _ in cards:
        if level == 0:
            continue
        context = card_context(graph, routine, size, level - 1, stylesheet)
        html = env.get_template("card.html").render(site=graph.config, card=context)
        roomier = render_card(CardJob(routine.path, size, (html,), base, allowed))
        assert roomier.data is None and roomier.pages > 1, (routine.slug, size, level)


def test_two_columns_leave_no_empty_cell(cards, demo_build):
    """With an odd number of exercises in two columns, the last spans both."""
    from weasyprint import HTML

    from generator.jinja_env import make_environment, read_templates
    from generator.theme import THEME

    graph = demo_build[1].graph
    templates, _ = read_templates(THEME)
    env = make_environment(THEME, templates)
    checked = 0
    for routine, size, level, _ in cards:
        if LEVELS[level]["columns"] != 2 or len(routine.steps) % 2 == 0:
            continue
        context = card_context(graph, routine, size, level, (THEME / "static/card.css").as_uri())
        html = env.get_template("card.html").render(site=graph.config, card=context)
        items = exercise_boxes(HTML(string=html).render().pages[0]._page_box)
        assert len(items) == len(routine.steps)
        rows: dict[float, list] = {}
        for item in items:
            rows.setdefault(round(item.position_y, 1), []).append(item)
        *pairs, last = rows.values()
        assert all(len(row) == 2 for row in pairs), (routine.slug, size)
        assert len(last) == 1 and last[0].margin_width() > 1.9 * pairs[0][0].margin_width()
        checked += 1
    assert checked >= 1  # the knee routine's five exercises, on Letter at least


def exercise_boxes(box, found=None) -> list:
    """The laid-out boxes of the card's exercises (li.rc-ex), in order."""
    found = [] if found is None else found
    element = getattr(box, "element", None)
    if (
        getattr(box, "element_tag", None) == "li"
        and "rc-ex" in (element.get("class") or "").split()
    ):
        if box not in found:
            found.append(box)
        return found
    for child in getattr(box, "children", ()):
        exercise_boxes(child, found)
    return found


# -- the parts behind the cards -------------------------------------------


def test_a_long_why_sentence_is_kept_whole():
    long = "This sentence runs on " + "and on " * 40 + "to its end [@a]. Then another."
    assert one_line(long) == "This sentence runs on " + "and on " * 40 + "to its end."


def test_the_first_warning_cue_is_kept_wherever_it_stands():
    cues = ("Stand tall", "Breathe", "Knees out", "Mild discomfort is fine; sharp pain is not")
    assert [c["text"] for c in card_cues(cues, 1)] == ["Stand tall", cues[3]]
    assert [c["warning"] for c in card_cues(cues, 1)] == [False, True]
    assert [c["text"] for c in card_cues(cues, 4)] == list(cues)
    assert card_cues(("Stand tall",), 0) == []
    for cue in ("Stop before your hips sag", "Avoid arching", "Do not lock the knee", "It hurts"):
        assert is_warning(cue), cue
    for cue in ("Press through your heels", "Keep your hips level and still"):
        assert not is_warning(cue), cue


def test_a_dose_says_every_part_in_the_same_words_everywhere():
    heavy = Dose(3, reps=12, rest_seconds=120, tempo="3-0-3", effort="heavy but smooth")
    assert heavy.text == "3 x 12, rest 120 s"  # the builder's words, unchanged
    assert heavy.full == "3 x 12, rest 120 s, tempo 3-0-3, heavy but smooth"
    assert heavy.tempo_words == "lower in 3 s, lift in 3 s"
    assert Dose(3, reps=12, tempo="3-0-3-2").tempo_words == (
        "lower in 3 s, lift in 3 s, pause 2 s at the top"
    )
    clam = Dose(3, reps=15, per_side=True, rest_seconds=30, hold_seconds=1)
    assert clam.full == "3 x 15 each side, rest 30 s, hold 1 s"
    walk = Dose(1, seconds=1200, times_per_week=5)
    assert walk.full == "1 x 20 min, 5 times a week"
    assert Dose(1, seconds=60, times_per_week=7).frequency == "every day"
    assert Dose(1, seconds=60, hold_seconds=5).hold == ""  # a hold goes with reps


EXERCISE = MINIMAL["content/exercises/goblet-squat.md"]


def test_new_dose_fields_reach_the_pages_and_steps(make_project, tmp_path):
    squat = EXERCISE.replace(
        "  rest_seconds: 60\n",
        "  rest_seconds: 60\n  hold_seconds: 2\n  tempo: 3-1-1\n  effort: a weight you could lift "
        "2-3 more times\n  times_per_week: 2\n",
    ).replace("studies: [smith-2020-squats]", "studies: [smith-2020-squats]\nharder: [bird-dog]")
    routine = MINIMAL["content/routines/back-basics.md"].replace(
        "  - exercise: bird-dog\n", "  - exercise: bird-dog\n    tempo: 2-0-2\n"
    )
    root = make_project(
        {"content/exercises/goblet-squat.md": squat, "content/routines/back-basics.md": routine}
    )
    out = tmp_path / "site"
    result = build(root, out)
    steps = {s.exercise: s.dose for s in result.graph.get("routines", "back-basics").steps}
    assert steps["goblet-squat"].full == (
        "3 x 8, rest 60 s, hold 2 s, tempo 3-1-1, twice a week, a weight you could lift 2-3 more "
        "times"
    )
    assert steps["bird-dog"].full == "2 x 30 s each side, tempo 2-0-2"
    page = (out / "exercises/goblet-squat/index.html").read_text()
    assert "3-1-1: lower in 3 s, pause 1 s, lift in 1 s" in page
    assert "A weight you could lift 2-3 more times" in page
    assert '<dt>Harder</dt><dd><a href="/exercises/bird-dog/">Bird dog</a>' in page
    routine_page = (out / "routines/back-basics/index.html").read_text()
    assert "hold 2\u00a0s, tempo 3-1-1, twice a week" in routine_page
    assert 'Harder:</strong> <a href="/exercises/bird-dog/">Bird dog</a>' in routine_page
    # search engines read the whole dose too
    squat_ld = json_ld(out / "exercises/goblet-squat/index.html")
    assert squat_ld["yield"].startswith("3 x 10, rest 60 s, hold 2 s, tempo 3-1-1")
    plan = json_ld(out / "routines/back-basics/index.html")
    assert "Bird dog: 2 x 30 s each side, tempo 2-0-2" in plan["workload"]


def json_ld(path) -> dict:
    import json

    from conftest import soup

    return json.loads(soup(path).select_one('script[type="application/ld+json"]').string)


def test_a_step_timed_in_seconds_drops_the_exercise_hold(make_project):
    squat = EXERCISE.replace("  rest_seconds: 60\n", "  rest_seconds: 60\n  hold_seconds: 2\n")
    routine = MINIMAL["content/routines/back-basics.md"]
    routine = routine.replace("    reps: 8\n", "    seconds: 40\n")
    root = make_project(
        {"content/exercises/goblet-squat.md": squat, "content/routines/back-basics.md": routine}
    )
    steps = build(root).graph.get("routines", "back-basics").steps
    assert steps[0].dose.hold_seconds is None and steps[0].dose.full == "3 x 40 s, rest 60 s"


@pytest.mark.parametrize(
    "dose, message",
    [
        ("  tempo: slow\n", "'dose.tempo'"),
        ("  tempo: 3-1\n", "'dose.tempo'"),
        ("  effort: " + "x" * 81 + "\n", "'dose.effort'"),
        ("  times_per_week: 8\n", "'dose.times_per_week' is 8"),
    ],
)
def test_a_bad_new_dose_field_is_an_error_at_its_line(make_project, dose, message):
    squat = EXERCISE.replace("  rest_seconds: 60\n", "  rest_seconds: 60\n" + dose)
    errors = build_errors(make_project({"content/exercises/goblet-squat.md": squat}))
    assert len(errors) == 1 and errors[0].startswith("content/exercises/goblet-squat.md:16: ")
    assert message in errors[0], errors


def test_a_hold_with_a_timed_dose_is_an_error(make_project):
    bird = MINIMAL["content/exercises/bird-dog.md"].replace(
        "  per_side: true\n", "  per_side: true\n  hold_seconds: 5\n"
    )
    errors = build_errors(make_project({"content/exercises/bird-dog.md": bird}))
    assert len(errors) == 1 and "'hold_seconds' goes with 'reps'" in errors[0], errors


def test_unknown_or_own_easier_and_harder_are_errors_at_their_line(make_project):
    squat = EXERCISE.replace(
        "studies: [smith-2020-squats]",
        "studies: [smith-2020-squats]\neasier:\n  - bird-dgo\nharder: [goblet-squat]",
    )
    errors = build_errors(make_project({"content/exercises/goblet-squat.md": squat}))
    assert errors == [
        "content/exercises/goblet-squat.md:22: unknown exercise 'bird-dgo': create "
        "content/exercises/bird-dgo.md or fix the name; did you mean 'bird-dog'?",
        "content/exercises/goblet-squat.md:23: 'harder' lists the exercise itself "
        "('goblet-squat'): name another exercise, or remove it",
    ]


def test_the_safety_text_is_the_sites_the_routines_own_and_its_areas_red_flags(make_project):
    site = MINIMAL["content/site.toml"] + (
        '\n[safety]\nstop = ["Sharp pain"]\nsee_someone = ["Night pain"]\n'
        'disclaimer = "Not a diagnosis."\n'
        '[safety.red_flags]\nlower-back = ["Numbness in the groin: get urgent help"]\n'
        'knee = ["A knee that locks"]\n'
    )
    routine = MINIMAL["content/routines/back-basics.md"].replace(
        "studies: [jones-2019-walking]",
        "studies: [jones-2019-walking]\nsafety:\n  stop: [Any pain in the back]",
    )
    root = make_project({"content/site.toml": site, "content/routines/back-basics.md": routine})
    graph = build(root).graph
    safety = card_safety(graph, graph.get("routines", "back-basics"))
    assert safety["stop"] == ["Any pain in the back"]  # the routine's own
    assert safety["see_someone"] == ["Night pain", "Numbness in the groin: get urgent help"]
    assert safety["disclaimer"] == "Not a diagnosis."
    assert [b["scores"] for b in safety["pain_guide"]] == ["0-2", "3-5", "6-10"]  # the default


def test_a_red_flag_for_an_unknown_body_area_is_an_error(make_project):
    site = MINIMAL["content/site.toml"] + '\n[safety.red_flags]\nelbow = ["Swelling"]\n'
    errors = build_errors(make_project({"content/site.toml": site}))
    assert errors == [
        "content/site.toml:10: setting 'safety': red_flags names the body area 'elbow', which "
        "[body_areas] does not list"
    ]


def test_the_layout_search_finds_what_trying_every_layout_in_turn_finds():
    rng = random.Random(17)
    about = [layout["about"] for layout in LEVELS]
    count = len(LEVELS)
    for _ in range(300):
        # a card: its exercises and the rest, in pages, at layout 7; heights at the
        # other layouts off LEVELS' estimate by up to 15 % either way
        exercises, rest = rng.uniform(0.1, 1.2), rng.uniform(0.3, 0.7)
        heights, tallest = [], float("inf")
        for level in range(count):
            height = rest + exercises * about[level] / about[7] * rng.uniform(0.85, 1.15)
            tallest = min(tallest, height)  # every layout at least as compact as the one before
            heights.append(tallest)
        tried: list[int] = []
        attempt = functools.partial(synthetic_card, heights, rest, tried)
        first = rng.randrange(count)
        found, _, tries = find_layout(count, first, attempt, about)
        expected = next((level for level, h in enumerate(heights) if h <= 1), count)
        assert found == expected, (heights, tried)
        assert tries == len(tried) == len(set(tried))  # no layout twice


def synthetic_card(heights, rest, tried, level):
    """A card whose layouts are `heights` pages tall: (pages, heights)."""
    tried.append(level)
    return (1 if heights[level] <= 1 else 2), (heights[level] - rest, rest)
