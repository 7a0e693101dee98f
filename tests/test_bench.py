"""The benchmark itself runs (timings are printed by `make bench`, never asserted here)."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO


def test_the_benchmark_runs_on_a_small_generated_site(tmp_path):
    # its work folder (tempfile.mkdtemp) in this test's folder, and no bench/__pycache__ in the
    # repository
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, str(REPO / "bench/compare.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("smoke: prehab built 50 articles in ")
