"""Edit-to-reload latency of `prehab serve`, measured in a real browser:
save a change to one article, time until the open tab shows it (the server
notices the save, rebuilds, writes, tells the tab, the tab reloads).

    python bench/serve_latency.py [--articles N] [--runs 7]

Edit-to-reload ends at the first contentful paint of the reloaded page
(the browser's own timestamp), not when the test harness notices it.
Without --articles it measures the demo site (a copy of content/); with it,
a generated site of N articles, N/10 exercises and N/40 routines (bench/corpus.py).
Prints each run and the median; the baseline in the same run is the time
the tab takes to reload with no rebuild at all (the browser's own cost)."""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from browser import chromium  # noqa: E402
from corpus import write_corpus  # noqa: E402

PAINTED = "() => performance.getEntriesByName('first-contentful-paint').length > 0"
PAINT_TIME = (
    "performance.timeOrigin + performance.getEntriesByName('first-contentful-paint')[0].startTime"
)


def wait_for(log: Path, text: str, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while text not in log.read_text():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {text!r}:\n{log.read_text()}")
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=0)
    parser.add_argument("--exercises", type=int, help="default: articles / 10")
    parser.add_argument("--routines", type=int, help="default: articles / 40")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="prehab-bench-"))
    if args.articles:
        project = write_corpus(work / "site", args.articles, 42, args.exercises, args.routines)
        article = project / "content/articles/article-00100.md"
        url_path = "/articles/article-00100/"
    else:
        project = work / "site"
        shutil.copytree(HERE.parent / "content", project / "content")
        shutil.copytree(HERE.parent / "templates", project / "templates")
        article = project / "content/articles/lower-back-pain-running.md"
        url_path = "/articles/lower-back-pain-running/"
    port = 8700 + (args.articles % 97)
    log = work / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "generator",
                "serve",
                "--project",
                str(project),
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(log, "serving http")
        wait_for(log, "cards ready")
        with chromium() as browser:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}{url_path}")
            page.wait_for_function("() => window.LiveReload !== undefined")
            reloads = []
            for _ in range(args.runs):
                start = time.time()
                page.reload()
                page.wait_for_function("() => window.LiveReload !== undefined")
                page.wait_for_function(PAINTED)
                painted = page.evaluate(PAINT_TIME)
                reloads.append(painted / 1000 - start)
            original = article.read_text()
            times = []
            for run in range(args.runs):
                marker = f"Edit number {run} for the benchmark."
                start = time.time()  # wall clock: the browser's timeOrigin is on the same clock
                article.write_text(original.replace("\n## ", f"\n{marker}\n\n## ", 1))
                page.wait_for_function(
                    f"() => document.body.innerText.includes({marker!r})", timeout=60000
                )
                page.wait_for_function(PAINTED)
                painted = page.evaluate(PAINT_TIME)
                times.append(painted / 1000 - start)
                page.wait_for_function("() => window.LiveReload !== undefined")
                time.sleep(0.3)
            article.write_text(original)
        site = (
            f"generated site of {args.articles} articles, "
            f"{args.exercises or args.articles // 10} exercises, "
            f"{args.routines or args.articles // 40} routines"
            if args.articles
            else "demo site"
        )
        print(f"{site}: edit-to-reload " + ", ".join(f"{t * 1000:.0f}" for t in times) + " ms")
        median = statistics.median(times)
        baseline = statistics.median(reloads)
        print(
            f"median edit-to-reload {median * 1000:.0f} ms; "
            f"plain tab reload {baseline * 1000:.0f} ms "
            f"(ratio {median / baseline:.1f}x)"
        )
        print("server log (last rebuilds):")
        print(
            "\n".join(line for line in log.read_text().splitlines() if line.startswith("rebuilt"))[
                -600:
            ]
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
