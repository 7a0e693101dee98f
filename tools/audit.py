"""Lighthouse over the demo site: builds it into a temporary folder, serves
it on 127.0.0.1 and runs Lighthouse (pinned in tools/package-lock.json) in
Debian's headless Chromium, mobile form factor, on six pages. Prints the
four category scores per page and exits 1 if any is under 95.

    .venv/bin/python tools/audit.py [--runs N] [PATH ...]   (or: make audit)

Performance is simulated on a throttled phone but still depends on how fast
this machine is, so this is not part of `make test`. With --runs N each page
is audited N times and the median of each category is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser import static_server  # noqa: E402

from generator.build import build_site  # noqa: E402
from generator.options import BuildOptions  # noqa: E402

LIGHTHOUSE = REPO / "tools" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
PAGES = [
    "/",
    "/articles/lower-back-pain-running/",
    "/exercises/goblet-squat/",
    "/routines/lower-back-strength/",
    "/routines/builder/",
    "/search/?q=knee",
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PASS = 95


def lighthouse(url: str, report: Path) -> dict:
    """One Lighthouse run (mobile, the default): the parsed JSON report."""
    subprocess.run(
        [
            "node",
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=True,
        timeout=300,
    )
    return json.loads(report.read_text())


def failing_audits(report: dict, category: str) -> list[str]:
    """The weighted audits of a category that did not get full marks."""
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            shown = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            lines.append(f"    {category}: {audit['id']} {audit['score']:.2f}{shown}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per page (median kept)")
    parser.add_argument("paths", nargs="*", default=PAGES, help="pages to audit")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `npm ci --prefix tools` (or make audit).")

    rows, notes, machine = [], [], None
    with tempfile.TemporaryDirectory(prefix="prehab-audit-") as tmp:
        out = Path(tmp) / "site"
        build_site(REPO, out, BuildOptions())
        with static_server(out) as base:
            for path in args.paths:
                report = Path(tmp) / "report.json"
                runs = [lighthouse(base + path, report) for _ in range(args.runs)]
                scores = {
                    c: statistics.median(round(r["categories"][c]["score"] * 100) for r in runs)
                    for c in CATEGORIES
                }
                rows.append((path, scores))
                machine = runs[-1]["environment"].get("benchmarkIndex")
                for c in CATEGORIES:
                    if scores[c] < PASS:
                        notes.append(f"  {path} {c} {scores[c]}:")
                        notes += failing_audits(runs[-1], c)

    width = max(len(path) for path, _ in rows)
    print(f"{'page':<{width}}  " + "  ".join(f"{c:>14}" for c in CATEGORIES))
    for path, scores in rows:
        print(f"{path:<{width}}  " + "  ".join(f"{scores[c]:>14g}" for c in CATEGORIES))
    print(f"Lighthouse mobile, {args.runs} run(s) per page, benchmarkIndex {machine}")
    if notes:
        print(f"under {PASS}:", *notes, sep="\n")
        return 1
    print(f"every score is {PASS} or more")
    return 0


if __name__ == "__main__":
    sys.exit(main())
