"""The printing half of bench/compare.py: the table with its targets (met or
not met, computed from the numbers), search, stages, cards and growth."""

from __future__ import annotations

import re
import statistics


def median(runs: list, value: str = "seconds") -> float:
    return statistics.median(getattr(run, value) for run in runs)


def middle(runs: list):
    """The run whose time is the median (the lower middle one for an even count)."""
    return sorted(runs, key=lambda run: run.seconds)[(len(runs) - 1) // 2]


def verdict(value: float, limit: float) -> str:
    return "met" if value <= limit else "not met"


ROWS = {
    "cold": "cold build",
    "unchanged": "nothing changed",
    "article": "one article changed",
    "exercise": "one exercise changed",
    "template": "one template change",
}
TOOLS = ("prehab", "hugo", "pelican", "floor")


def article_target(n: int) -> float:
    """One article changed: the issue's 0.5 s at 1,000 articles and 1 s at 4,000, in a
    straight line between them (and held beyond)."""
    return 0.5 + 0.5 * min(max(n - 1000, 0), 3000) / 3000


def targets(row: str, n: int, cells: dict, ratios: dict) -> str:
    """The issue's targets for one row of the table, each met or not met: a ratio of
    prehab to another tool, or (one article changed) prehab's own seconds."""
    checks = {
        "cold": [("floor", 1.3), ("Pelican", 0.5)],
        "unchanged": [("Hugo", 0.2)],
        "article": [(None, article_target(n))],
    }.get(row, [])
    parts = []
    for other, limit in checks:
        value = cells.get("prehab") if other is None else ratios.get(other.lower())
        if value is not None:
            what = f"<= {limit:.2f} s" if other is None else f"<= {limit:g}x {other}"
            parts.append(f"{what}: {verdict(value, limit)}")
    return "; ".join(parts)


def table_row(label: str, cells: dict, digits: int, target: str) -> str:
    values = "".join(
        f"{cells[t]:>9.{digits}f}" if cells.get(t) is not None else f"{'-':>9}" for t in TOOLS
    )
    prehab = cells.get("prehab")
    ratios = "".join(
        f"{prehab / cells[t]:>{w}.2f}x"
        if prehab is not None and cells.get(t)
        else f"{'-':>{w + 1}}"
        for t, w in (("floor", 12), ("hugo", 11), ("pelican", 14))
    )
    return f"{label:<22}{values}{ratios}  {target}"


def report_table(n: int, results: dict) -> None:
    print(
        f"\nN = {n} articles ({n // 10} exercises, {n // 40} routines for prehab); "
        "prehab with --no-search --no-pdf; medians in seconds"
    )
    header = (
        f"{'measure':<22}{'prehab':>9}{'Hugo':>9}{'Pelican':>9}{'floor':>9}"
        f"{'prehab/floor':>13}{'prehab/Hugo':>12}{'prehab/Pelican':>15}  target"
    )
    print(header)
    print("-" * len(header))
    for row, label in ROWS.items():
        cells = {t: median(results[t][row]) for t in TOOLS if row in results[t]}
        ratios = {t: cells["prehab"] / cells[t] for t in cells if t != "prehab" and cells[t]}
        print(table_row(label, cells, 2, targets(row, n, cells, ratios)))
    memory = {t: median(results[t]["cold"], "mb") for t in TOOLS}
    print(table_row("peak memory MB (cold)", memory, 0, ""))


def report_search(n: int, results: dict) -> None:
    build, alone = results["search"]["build"], results["search"]["pagefind"]
    hugo_mb = median(results["hugo"]["cold"], "mb")
    index = build.stage("search index")
    index_text = f"{index:.2f} s" if index is not None else "n/a"
    print(
        f"search (cold build with search on, --no-pdf, one run): {build.seconds:.2f} s, "
        f"of which the search index stage {index_text}"
    )
    if index is not None and n == 1000:  # the issue measured 5 s at 1,000 articles
        print(f"  target <= 2.5 s (half the issue's 5 s at 1,000): {verdict(index, 2.5)}")
    print(
        f"  Pagefind alone on that site: {alone.seconds:.2f} s, peak {alone.mb:.0f} MB; "
        f"Hugo's whole cold build: peak {hugo_mb:.0f} MB; "
        f"target Pagefind peak below Hugo's whole build: "
        f"{'met' if alone.mb < hugo_mb else 'not met'}"
    )


def report_stages(results: dict) -> None:
    cold, article = middle(results["prehab"]["cold"]), middle(results["prehab"]["article"])
    print("prehab time by stage (--no-search --no-pdf, the median run):")
    print(f"  cold build:          {cold.stages()}")
    print(f"  one article changed: {article.stages()}")
    share, floor = cold.stage("share pictures"), median(results["floor"]["cold"])
    if share is not None and floor:
        rest = cold.seconds - share
        print(
            f"  the cold build less its share pictures stage (work Hugo and Pelican do not do): "
            f"{rest:.2f} s, {rest / floor:.2f}x the floor (a subtraction, not a build)"
        )


def report_cards(run) -> None:
    stage = run.stage("pdf cards")
    cards = re.search(r"\((\d+) rendered", run.stdout)
    if stage is None or not cards or not int(cards.group(1)):
        print("PDF cards: none rendered (no timing)")
        return
    per_card = stage / int(cards.group(1))
    print(
        f"PDF cards (cold build, search off, one run): {cards.group(1)} rendered, "
        f"pdf cards stage {stage:.2f} s, {per_card:.3f} s per card; "
        f"target <= 0.15 s per card: {verdict(per_card, 0.15)}"
    )


def report(n: int, results: dict) -> None:
    report_table(n, results)
    report_search(n, results)
    report_stages(results)
    report_cards(results["cards"])


def report_growth(measured: dict) -> None:
    """Growth between the two largest sizes; the time target is the issue's 4.2x for 4x the
    content, scaled to the content ratio (1.05 times it)."""
    small, large = sorted(measured)[-2:]
    content = large / small
    time_ratio = measured[large].seconds / measured[small].seconds
    memory_ratio = measured[large].kb / measured[small].kb
    limit = 1.05 * content
    print(
        f"time {large}/{small}: {time_ratio:.2f}x for {content:.1f}x the content; "
        f"target <= {limit:.1f}x: {verdict(time_ratio, limit)}"
    )
    print(
        f"memory {large}/{small}: {memory_ratio:.2f}x, content {content:.1f}x; "
        f"target memory grows no faster than the content: {verdict(memory_ratio, content)}"
    )
