"""A deterministic synthetic publication for benchmarks: N articles of about
1,200 words (headings, lists, links, a table now and then, 2-4 citations, 3
featured exercises), N/10 exercises and N/40 routines, written as a valid
prehab project. Seeded, so the same N always gives the same files.

    python bench/corpus.py OUT_DIR N [EXERCISES ROUTINES]
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = (
    "runner load tendon strength knee hip calf week mileage pace rest recovery training muscle "
    "plan gradual stride cadence soreness sleep stress warm easy hill long interval tempo volume "
    "habit progress squat bridge balance ankle foot shin back core glute hamstring quadriceps "
    "stiffness"
).split()
AREAS = ["lower-back", "hip", "knee", "shin", "achilles", "foot"]


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, cite: list[str] | None = None) -> str:
    sentences = [sentence(rng, rng.randint(10, 18)) for _ in range(rng.randint(4, 6))]
    if cite:
        sentences[-1] = sentences[-1][:-1] + f" [@{'; @'.join(cite)}]."
    return " ".join(sentences)


def article_body(
    rng: random.Random, studies: list[str], exercises: list[str], articles: list[str]
) -> str:
    cited = rng.sample(studies, rng.randint(2, 4))
    parts = [paragraph(rng, [cited[0]]), paragraph(rng)]
    for h, heading in enumerate(
        ["What causes it", "How to fix it", "The exercises", "When to see someone"]
    ):
        parts.append(f"## {heading}")
        parts.append(paragraph(rng, [cited[(h + 1) % len(cited)]]))
        parts.append(paragraph(rng))
        if h == 1:
            parts.append("\n".join(f"- {sentence(rng, 8)}" for _ in range(4)))
        if h == 2:
            parts.append(
                f"Start with [[{exercises[0]}]] and then [[{exercises[1]}|the next one]]. "
                f"See also [[{rng.choice(articles)}]]."
                if articles
                else f"Start with [[{exercises[0]}]]."
            )
        if h == 3 and rng.random() < 0.3:
            parts.append(
                "| Week | Sessions | Minutes |\n|---|---|---|\n"
                + "\n".join(f"| {w} | 3 | {20 + w * 5} |" for w in range(1, 5))
            )
        parts.append(paragraph(rng))
    return "\n\n".join(parts) + "\n"


def write_corpus(
    out: Path, n: int, seed: int = 42, exercises: int | None = None, routines: int | None = None
) -> Path:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "content").mkdir(parents=True)
    shutil.copytree(REPO / "templates", out / "templates")
    shutil.copy(REPO / "content/site.toml", out / "content/site.toml")
    shutil.copy(REPO / "content/studies.yml", out / "content/studies.yml")
    shutil.copytree(REPO / "content/images", out / "content/images")
    for kind in ("articles", "exercises", "routines", "authors", "pages"):
        (out / "content" / kind).mkdir()
    shutil.copy(
        REPO / "content/authors/maria-lindqvist.md", out / "content/authors/maria-lindqvist.md"
    )
    shutil.copy(REPO / "content/authors/tom-okafor.md", out / "content/authors/tom-okafor.md")
    shutil.copy(REPO / "content/pages/about.md", out / "content/pages/about.md")
    studies = [
        line.split(":")[0]
        for line in (REPO / "content/studies.yml").read_text().splitlines()
        if line and not line[0].isspace() and not line.startswith("#") and line.endswith(":")
    ]
    images = sorted(p.name for p in (REPO / "content/images/exercises").glob("*.svg"))

    exercises = [f"exercise-{i:04d}" for i in range(exercises or max(3, n // 10))]
    for i, slug in enumerate(exercises):
        dose = (
            f"{{sets: 3, reps: {rng.randint(6, 15)}, "
            f"per_side: {str(rng.random() < 0.5).lower()}, rest_seconds: 60}}"
            if i % 3
            else "{sets: 3, seconds: 30}"
        )
        (out / f"content/exercises/{slug}.md").write_text(
            f"---\ntitle: Exercise {i} {rng.choice(WORDS)}\nsummary: {sentence(rng, 12)}\n"
            f"why_it_works: {sentence(rng, 16)} [@{rng.choice(studies)}]\n"
            f"body_areas: [{', '.join(rng.sample(AREAS, 2))}]\nmuscles: [{rng.choice(WORDS)}]\n"
            "equipment: []\nlevel: beginner\n"
            f"image:\n  src: images/exercises/{images[i % len(images)]}\n"
            f"  alt: A person doing exercise {i}\n"
            f"dose: {dose}\n"
            f"cues: [{sentence(rng, 5)[:-1]}, {sentence(rng, 5)[:-1]}, {sentence(rng, 4)[:-1]}]\n"
            "---\n" + "\n".join(f"{k}. {sentence(rng, 10)}" for k in range(1, 6)) + "\n"
        )
    routines = [f"routine-{i:03d}" for i in range(routines or max(1, n // 40))]
    for i, slug in enumerate(routines):
        steps = "\n".join(
            f"  - exercise: {e}" for e in rng.sample(exercises, min(4, len(exercises)))
        )
        (out / f"content/routines/{slug}.md").write_text(
            f"---\ntitle: Routine {i}\nsummary: {sentence(rng, 10)}\n"
            f"body_areas: [{rng.choice(AREAS)}]\ntimes_per_week: 3\nweeks: 6\nminutes: 20\n"
            f"exercises:\n{steps}\n---\n{paragraph(rng)}\n"
        )
    slugs = [f"article-{i:05d}" for i in range(n)]
    for i, slug in enumerate(slugs):
        featured = rng.sample(exercises, 3)
        day = 1 + i % 28
        (out / f"content/articles/{slug}.md").write_text(
            f"---\ntitle: Article {i}, {sentence(rng, 6)[:-1].lower()}\n"
            f"date: 2025-{1 + i % 12:02d}-{day:02d}\nsummary: {sentence(rng, 20)}\n"
            f"author: {'maria-lindqvist' if i % 2 else 'tom-okafor'}\n"
            f"tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]\n"
            f"body_areas: [{rng.choice(AREAS)}]\nexercises: [{', '.join(featured)}]\n"
            f"routine: {rng.choice(routines)}\n---\n"
            + article_body(rng, studies, featured, slugs[:i][-50:])
        )
    return out


if __name__ == "__main__":
    extra = [int(a) for a in sys.argv[3:5]]
    folder = write_corpus(Path(sys.argv[1]), int(sys.argv[2]), 42, *extra)
    print(f"wrote {folder}")
