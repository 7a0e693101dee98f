"""The benchmark itself runs (timings are printed by `make bench`, never asserted here)."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_the_benchmark_runs_on_a_small_generated_site():
    result = subprocess.run([sys.executable, str(REPO / "bench/compare.py"), "--smoke"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("smoke: prehab built 50 articles in ")
