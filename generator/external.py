"""`prehab check --external`: external links checked over the network,
concurrently, with a timeout, following redirects, and remembered for a day
in `.prehab-cache/external-links.json` so repeated checks are fast. Broken
links are warnings (the web changes under us; the build must not fail)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .atomic import write_atomic
from .diagnostics import WARNING, Diagnostic

CACHE_NAME = "external-links.json"
FRESH_SECONDS = 24 * 3600
TIMEOUT_SECONDS = 10.0
WORKERS = 8
HEADERS = {"User-Agent": "prehab-link-checker (+https://github.com/prehab)"}


def probe(url: str, timeout: float = TIMEOUT_SECONDS) -> tuple[int | None, str]:
    """(HTTP status, problem) after redirects; HEAD first, GET if refused."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers=HEADERS)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, ""
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue
            return exc.code, f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return None, "timed out" if "timed out" in str(reason) else f"unreachable ({reason})"
    return None, "unreachable"


def check_external(
    urls: dict[str, list[tuple[str, int | None]]],
    cache_root: Path,
    timeout: float = TIMEOUT_SECONDS,
    now: float | None = None,
    progress=None,
) -> list[Diagnostic]:
    now = time.time() if now is None else now
    cache_file = cache_root / CACHE_NAME
    try:
        cache = json.loads(cache_file.read_text())
    except (OSError, ValueError):
        cache = {}
    todo = [
        u for u in sorted(urls) if not (u in cache and now - cache[u]["checked"] < FRESH_SECONDS)
    ]
    if progress and todo:
        progress(
            f"checking {len(todo)} external links ({len(urls) - len(todo)} checked in the last day)"
        )
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = pool.map(lambda u: probe(u, timeout), todo)
        for url, (status, problem) in zip(todo, results, strict=True):
            cache[url] = {"status": status, "problem": problem, "checked": now}
    write_atomic(cache_file, json.dumps(cache, indent=1, sort_keys=True).encode())
    problems = []
    for url, places in sorted(urls.items()):
        problem = cache[url]["problem"]
        if problem:
            for path, line in places:
                problems.append(
                    Diagnostic(
                        path,
                        line,
                        f"external link '{url}' is broken: {problem}",
                        WARNING,
                        "broken-external-link",
                    )
                )
    return problems
