"""prehab next to Hugo, Pelican and the Python-Markdown floor on the same articles, in one run.

    python bench/compare.py [--sizes 1000 4000] [--runs 3] [--scaling 250 1000 4000 16000] [--smoke]

For each N it writes the seeded corpus (bench/corpus.py: N articles, N/10
exercises, N/40 routines) as a prehab project and the same articles as plain
Markdown for Hugo (Debian's `hugo`, layouts in bench/hugo/) and Pelican (its
own venv under bench/.venv-pelican, a copy of its default theme). Every time
is wall-clock seconds and every memory figure the peak resident set of the
largest process of the command (GNU time's %M), both measured by /usr/bin/time.

The table, as medians of --runs: a cold build (cache and output removed), a
rebuild with nothing changed, a rebuild after changing one article, one
exercise (prehab only) and one template, and the cold build's peak memory.
prehab builds with --no-search --no-pdf there, as the others make no search
index or PDFs. The floor (bench/floor.py: every body converted by plain
Python-Markdown on all cores, nothing written) has a cold time and memory.
Ratios prehab/floor, prehab/Hugo and prehab/Pelican are printed with the
issue's targets, met or not met as computed from the numbers.

Then, one run each: a cold build with search on (its "search index" stage,
and Pagefind run alone on a copy of that site: its seconds and peak memory
against Hugo's whole cold build); prehab's time by stage (--timings) for the
cold and the one-article builds; a cold build with PDF cards (the "pdf cards"
stage per card rendered); and with --scaling, prehab's cold build at each
size, with the growth in time and memory between the two largest sizes."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402
from report import report, report_growth  # noqa: E402

PELICAN_VENV = HERE / ".venv-pelican"
# Every tool runs as installed for users: Python keeps its compiled modules (a shell that
# sets PYTHONDONTWRITEBYTECODE would have every Python tool compile its code on each run).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
PREHAB = [sys.executable, "-m", "generator", "build"]
COMPARABLE = ["--no-search", "--no-pdf", "--timings"]
PLAIN_SYNTAX = [
    (re.compile(r"\[\[([^\]|]+)\|([^\]]+)\]\]"), r"\2"),
    (re.compile(r"\[\[([^\]]+)\]\]"), r"\1"),
    (re.compile(r"\s*\[@[^\]]+\]"), ""),
]


@dataclass
class Run:
    """One command's wall-clock seconds, peak kB and standard output."""

    seconds: float
    kb: int
    stdout: str

    @property
    def mb(self) -> float:
        return self.kb / 1024

    def stages(self) -> str:
        lines = [line for line in self.stdout.splitlines() if line.startswith("stages: ")]
        return lines[-1].removeprefix("stages: ") if lines else "(no stages line)"

    def stage(self, name: str) -> float | None:
        found = re.search(rf"(?:^|, ){name} ([0-9.]+) s", self.stages())
        return float(found.group(1)) if found else None


@dataclass
class Tool:
    """How to build one tool's copy of the corpus, and which files a rebuild changes."""

    cmd: list[str]
    cwd: Path
    cold_clear: list[Path]
    article: Path
    template: Path
    exercise: Path | None = None
    runs: dict[str, list[Run]] = field(default_factory=dict)


def timed(cmd: list[str], cwd: Path) -> Run:
    """Run one command under GNU time; exits with its output when it fails."""
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", *map(str, cmd)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=ENV,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"{' '.join(map(str, cmd))} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    seconds, kb = result.stderr.strip().splitlines()[-1].split()
    return Run(float(seconds), int(kb), result.stdout)


def clear(paths: list[Path]) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


# ---- the corpus for each tool -------------------------------------------------------------


def pelican_bin() -> Path:
    if not (PELICAN_VENV / "bin/pelican").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PELICAN_VENV)], check=True)
        subprocess.run(
            [str(PELICAN_VENV / "bin/pip"), "install", "-q", "pelican>=4.9", "markdown>=3.5"],
            check=True,
        )
    return PELICAN_VENV / "bin/pelican"


def plain_copies(prehab: Path, hugo: Path, pelican: Path) -> None:
    """The prehab articles as plain Markdown for Hugo and Pelican; Pelican with a copy of
    its default theme, so that a template can be changed."""
    shutil.copytree(HERE / "hugo", hugo)
    (hugo / "content/articles").mkdir(parents=True)
    (pelican / "content").mkdir(parents=True)
    theme = next(PELICAN_VENV.glob("lib/python*/site-packages/pelican/themes/notmyidea"))
    shutil.copytree(theme, pelican / "theme")
    conf = (HERE / "pelicanconf.py").read_text() + f"THEME = {str(pelican / 'theme')!r}\n"
    (pelican / "pelicanconf.py").write_text(conf)
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


def tools_for(n: int, work: Path, binaries: dict) -> dict[str, Tool]:
    prehab, hugo, pelican = work / f"prehab-{n}", work / f"hugo-{n}", work / f"pelican-{n}"
    out = {name: work / f"out-{name}-{n}" for name in ("prehab", "hugo", "pelican")}
    return {
        "prehab": Tool(
            [*PREHAB, *COMPARABLE, "--output", out["prehab"]],
            prehab,
            [prehab / ".prehab-cache", out["prehab"]],
            prehab / "content/articles/article-00007.md",
            prehab / "templates/article.html",
            prehab / "content/exercises/exercise-0003.md",
        ),
        "hugo": Tool(
            [binaries["hugo"], "--quiet", "-d", out["hugo"]],
            hugo,
            [hugo / "resources", out["hugo"]],
            hugo / "content/articles/article-00007.md",
            hugo / "layouts/_default/single.html",
        ),
        "pelican": Tool(
            [binaries["pelican"], "content", "-o", out["pelican"], "-s", "pelicanconf.py", "-q"],
            pelican,
            [out["pelican"]],
            pelican / "content/article-00007.md",
            pelican / "theme/templates/article.html",
        ),
    }


# ---- measuring ----------------------------------------------------------------------------


def touch_text(path: Path, i: int) -> None:
    """A new paragraph in a Markdown file, before its first second-level heading."""
    marker = f"Changed paragraph {i} for the benchmark."
    text = path.read_text()
    path.write_text(
        text.replace("\n## ", f"\n{marker}\n\n## ", 1) if "\n## " in text else f"{text}\n{marker}\n"
    )


def touch_template(path: Path, i: int) -> None:
    """A change every article page shows (inside its markup, so every tool must re-render)."""
    path.write_text(path.read_text().replace("</article>", f"<!-- change {i} --></article>", 1))


def measure_tool(tool: Tool, runs: int) -> None:
    tool.runs["cold"] = []
    for _ in range(runs):
        clear(tool.cold_clear)
        tool.runs["cold"].append(timed(tool.cmd, tool.cwd))
    tool.runs["unchanged"] = [timed(tool.cmd, tool.cwd) for _ in range(runs)]
    edits = [("article", tool.article, touch_text), ("template", tool.template, touch_template)]
    if tool.exercise is not None:
        edits.insert(1, ("exercise", tool.exercise, touch_text))
    for name, path, edit in edits:
        tool.runs[name] = []
        for i in range(runs):
            edit(path, i)
            tool.runs[name].append(timed(tool.cmd, tool.cwd))


def search_build(project: Path, work: Path, n: int) -> dict:
    """A cold build with search on, then Pagefind alone on a copy of its site."""
    out, copy = work / f"out-search-{n}", work / f"search-copy-{n}"
    clear([project / ".prehab-cache", out])
    build = timed([*PREHAB, "--no-pdf", "--timings", "--output", out], project)
    shutil.copytree(out, copy)
    clear([copy / "pagefind"])
    alone = timed(
        [sys.executable, "-m", "pagefind", "--site", copy, "--output-subdir", "pagefind"], work
    )
    clear([out, copy])
    return {"build": build, "pagefind": alone}


def cards_build(project: Path, work: Path, n: int) -> Run:
    """A cold build with PDF cards (search off)."""
    out = work / f"out-cards-{n}"
    clear([project / ".prehab-cache", out])
    run = timed([*PREHAB, "--no-search", "--timings", "--output", out], project)
    clear([out])
    return run


def measure(n: int, runs: int, work: Path, binaries: dict) -> dict:
    project = write_corpus(work / f"prehab-{n}", n)
    floor = [timed([sys.executable, HERE / "floor.py", project], work) for _ in range(runs)]
    plain_copies(project, work / f"hugo-{n}", work / f"pelican-{n}")
    tools = tools_for(n, work, binaries)
    for tool in tools.values():
        measure_tool(tool, runs)
    results = {name: tool.runs for name, tool in tools.items()}
    results["floor"] = {"cold": floor}
    results["search"] = search_build(project, work, n)
    results["cards"] = cards_build(project, work, n)
    clear([work / f"{name}-{n}" for name in ("prehab", "hugo", "pelican")])
    clear([work / f"out-{name}-{n}" for name in ("prehab", "hugo", "pelican")])
    return results


def scaling(sizes: list[int], work: Path) -> None:
    print("\nprehab scaling: cold build --no-search --no-pdf, one run each")
    print(
        f"{'articles':>9}{'seconds':>10}{'ms/article':>12}{'peak MB':>10}{'MB/1,000 articles':>19}"
    )
    measured = {}
    for n in sizes:
        project = write_corpus(work / f"scale-{n}", n)
        out = work / f"out-scale-{n}"
        run = measured[n] = timed([*PREHAB, *COMPARABLE, "--output", out], project)
        print(
            f"{n:>9}{run.seconds:>10.2f}{run.seconds / n * 1000:>12.2f}"
            f"{run.mb:>10.0f}{run.mb / n * 1000:>19.1f}"
        )
        clear([out, project])
    if len(measured) >= 2:
        report_growth(measured)


# ---- main ---------------------------------------------------------------------------------


def smoke(work: Path) -> None:
    prehab = write_corpus(work / "smoke", 50)
    run = timed([*PREHAB, "--no-pdf", "--timings", "--output", work / "out"], prehab)
    print(f"smoke: prehab built 50 articles in {run.seconds:.2f} s, peak {run.mb:.0f} MB")


def binaries() -> dict:
    hugo = shutil.which("hugo")
    if not hugo:
        raise SystemExit(
            "Hugo is not installed: apt-get install hugo (make bench does this as root on Debian)."
        )
    found = {"hugo": hugo, "pelican": pelican_bin()}
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()[1]
    pelican = subprocess.run(
        [str(found["pelican"]), "--version"], capture_output=True, text=True
    ).stdout.strip()
    print(
        f"Hugo {version}; Pelican {pelican}; prehab and the floor with Python-Markdown; "
        f"{os.cpu_count()} cores"
    )
    return found


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
            smoke(work)
            return
        found = binaries()
        for n in args.sizes:
            report(n, measure(n, args.runs, work, found))
        if args.scaling:
            scaling(args.scaling, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
