"""prehab next to Hugo and Pelican on the same articles, in one run.

    python bench/compare.py [--sizes 1000 4000] [--runs 3] [--scaling 250 1000 4000 16000] [--smoke]

For each N it writes the seeded corpus (bench/corpus.py) as a prehab
publication and the same articles as plain Markdown for Hugo (Debian's
`hugo`, layouts in bench/hugo/) and Pelican (its own venv under
bench/.venv-pelican), then times, as medians of --runs: a cold build, a
rebuild with nothing changed, a rebuild after changing one article, one
exercise (prehab only) and one template; and peak memory (GNU time). It
prints a table with ratios prehab/Hugo and prehab/Pelican, prehab's time by
stage, and (with --scaling) prehab's cold build at each size."""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402

PELICAN_VENV = HERE / ".venv-pelican"
PLAIN_SYNTAX = [
    (re.compile(r"\[\[([^\]|]+)\|([^\]]+)\]\]"), r"\2"),
    (re.compile(r"\[\[([^\]]+)\]\]"), r"\1"),
    (re.compile(r"\s*\[@[^\]]+\]"), ""),
]


def timed(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """(seconds, peak kB) of one command, measured by GNU time."""
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", *cmd], cwd=cwd, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(
            f"{' '.join(cmd)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    seconds, kb = result.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kb)


def plain_copies(prehab: Path, hugo: Path, pelican: Path) -> None:
    shutil.copytree(HERE / "hugo", hugo)
    (hugo / "content/articles").mkdir(parents=True)
    (pelican / "content").mkdir(parents=True)
    shutil.copy(HERE / "pelicanconf.py", pelican / "pelicanconf.py")
    for source in sorted((prehab / "content/articles").glob("*.md")):
        _, front, body = source.read_text().split("---\n", 2)
        title = re.search(r"^title: (.*)$", front, re.M).group(1)
        date = re.search(r"^date: (.*)$", front, re.M).group(1)
        for pattern, repl in PLAIN_SYNTAX:
            body = pattern.sub(repl, body)
        (hugo / "content/articles" / source.name).write_text(
            f'---\ntitle: "{title}"\ndate: {date}\n---\n{body}'
        )
        (pelican / "content" / source.name).write_text(f"Title: {title}\nDate: {date}\n\n{body}")


def pelican_bin() -> Path:
    if not (PELICAN_VENV / "bin/pelican").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PELICAN_VENV)], check=True)
        subprocess.run(
            [str(PELICAN_VENV / "bin/pip"), "install", "-q", "pelican>=4.9", "markdown>=3.5"],
            check=True,
        )
    return PELICAN_VENV / "bin/pelican"


def touch_text(path: Path, marker: str) -> None:
    text = path.read_text()
    path.write_text(
        text.replace("\n## ", f"\n{marker}\n\n## ", 1)
        if "\n## " in text
        else text + f"\n{marker}\n"
    )


def measure(n: int, runs: int, work: Path, tools: dict) -> dict:
    prehab = write_corpus(work / f"prehab-{n}", n)
    plain_copies(prehab, work / f"hugo-{n}", work / f"pelican-{n}")
    commands = {
        "prehab": (
            [
                sys.executable,
                "-m",
                "generator",
                "build",
                "--no-pdf",
                "--output",
                str(work / f"out-prehab-{n}"),
            ],
            prehab,
            lambda: shutil.rmtree(prehab / ".prehab-cache", ignore_errors=True),
            prehab / "content/articles/article-00007.md",
            prehab / "templates/article.html",
        ),
        "hugo": (
            [tools["hugo"], "--quiet", "-d", str(work / f"out-hugo-{n}")],
            work / f"hugo-{n}",
            lambda: shutil.rmtree(work / f"hugo-{n}/resources", ignore_errors=True),
            work / f"hugo-{n}/content/articles/article-00007.md",
            work / f"hugo-{n}/layouts/_default/single.html",
        ),
        "pelican": (
            [
                str(tools["pelican"]),
                "content",
                "-o",
                str(work / f"out-pelican-{n}"),
                "-s",
                "pelicanconf.py",
                "-q",
            ],
            work / f"pelican-{n}",
            lambda: None,
            work / f"pelican-{n}/content/article-00007.md",
            None,
        ),
    }
    results: dict = {}
    for name, (cmd, cwd, clear, article, template) in commands.items():
        cold, memory = [], []
        for _ in range(runs):
            clear()
            seconds, kb = timed(cmd, cwd)
            cold.append(seconds)
            memory.append(kb)
        row = {"cold": statistics.median(cold), "memory_mb": max(memory) / 1024}
        row["unchanged"] = statistics.median(timed(cmd, cwd)[0] for _ in range(runs))
        changed = []
        for i in range(runs):
            touch_text(article, f"Changed paragraph {i} for the benchmark.")
            changed.append(timed(cmd, cwd)[0])
        row["one article"] = statistics.median(changed)
        if name == "prehab":
            exercise = prehab / "content/exercises/exercise-0003.md"
            times = []
            for i in range(runs):
                touch_text(exercise, f"Changed step {i}.")
                times.append(timed(cmd, cwd)[0])
            row["one exercise"] = statistics.median(times)
        if template is not None:
            times = []
            for i in range(runs):
                # a change every article page shows (inside the page's markup, so every tool
                # must re-render it)
                template.write_text(
                    template.read_text().replace("</article>", f"<!-- change {i} --></article>", 1)
                )
                times.append(timed(cmd, cwd)[0])
            row["template"] = statistics.median(times)
        results[name] = row
    # prehab as users build it (PDF cards and search on), cold: time by stage, and the cards' cost
    shutil.rmtree(prehab / ".prehab-cache", ignore_errors=True)
    stages = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "build",
            "--timings",
            "--output",
            str(work / f"out-stages-{n}"),
        ],
        cwd=prehab,
        capture_output=True,
        text=True,
    )
    results["stages"] = (
        stages.stdout.strip().splitlines()[-1]
        if stages.returncode == 0
        else "(timings unavailable)"
    )
    pdf = re.search(r"pdf ([0-9.]+) s", results["stages"])
    cards = re.search(r"\((\d+) rendered", stages.stdout)
    if pdf and cards and int(cards.group(1)):
        results["cards"] = (
            f"{cards.group(1)} PDF cards rendered in {float(pdf.group(1)):.2f} s, "
            f"{float(pdf.group(1)) / int(cards.group(1)):.3f} s per card"
        )
    return results


def report(n: int, results: dict) -> None:
    print(
        f"\nN = {n} articles ({n // 10} exercises, {n // 40} routines for prehab); "
        "medians in seconds"
    )
    header = (
        f"{'measure':<14}{'prehab':>10}{'Hugo':>10}{'Pelican':>10}"
        f"{'prehab/Hugo':>13}{'prehab/Pelican':>16}"
    )
    print(header)
    print("-" * len(header))
    for measure in ("cold", "unchanged", "one article", "one exercise", "template", "memory_mb"):
        p, h, pe = (results[k].get(measure) for k in ("prehab", "hugo", "pelican"))
        cells = [f"{v:>10.2f}" if v is not None else f"{'n/a':>10}" for v in (p, h, pe)]
        ratio = lambda a, b: f"{a / b:.2f}x" if a is not None and b else "n/a"  # noqa: E731
        label = "peak MB" if measure == "memory_mb" else measure
        print(f"{label:<14}{''.join(cells)}{ratio(p, h):>13}{ratio(p, pe):>16}")
    print(f"prehab stages (cold, with PDF cards and search): {results['stages']}")
    if "cards" in results:
        print(f"prehab PDF cards (cold): {results['cards']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 4000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scaling", type=int, nargs="*", default=[])
    parser.add_argument(
        "--smoke", action="store_true", help="N=50, one run, prehab only (for the test suite)"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="prehab-compare-"))
    try:
        if args.smoke:
            prehab = write_corpus(work / "smoke", 50)
            seconds, kb = timed(
                [
                    sys.executable,
                    "-m",
                    "generator",
                    "build",
                    "--no-pdf",
                    "--timings",
                    "--output",
                    str(work / "out"),
                ],
                prehab,
            )
            print(f"smoke: prehab built 50 articles in {seconds:.2f} s, peak {kb / 1024:.0f} MB")
            return
        hugo = shutil.which("hugo")
        if not hugo:
            raise SystemExit(
                "Hugo is not installed: apt-get install hugo "
                "(make bench does this as root on Debian)."
            )
        tools = {"hugo": hugo, "pelican": pelican_bin()}
        version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()[
            1
        ]
        pelican_version = subprocess.run(
            [str(tools["pelican"]), "--version"], capture_output=True, text=True
        ).stdout.strip()
        print(
            f"Hugo {version}; Pelican {pelican_version}; "
            f"prehab with Python-Markdown; {__import__('os').cpu_count()} cores"
        )
        for n in args.sizes:
            report(n, measure(n, args.runs, work, tools))
        if args.scaling:
            print("\nprehab scaling, cold build --no-pdf (one run each)")
            for n in args.scaling:
                project = write_corpus(work / f"scale-{n}", n)
                seconds, kb = timed(
                    [
                        sys.executable,
                        "-m",
                        "generator",
                        "build",
                        "--no-pdf",
                        "--output",
                        str(work / f"out-scale-{n}"),
                    ],
                    project,
                )
                print(
                    f"{n:>7} articles: {seconds:7.2f} s ({seconds / n * 1000:.2f} ms per article), "
                    f"peak {kb / 1024:.0f} MB"
                )
                shutil.rmtree(work / f"out-scale-{n}", ignore_errors=True)
                shutil.rmtree(project, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
