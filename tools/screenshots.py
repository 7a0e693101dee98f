"""Screenshots of the demo site for the README: home, an article and an
exercise page, at phone and desktop widths, into docs/screenshots/. A file
is rewritten only when the picture changed.

    .venv/bin/python tools/screenshots.py   (or: make screenshots)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser import chromium, static_server  # noqa: E402

from generator.build import build_site  # noqa: E402
from generator.config import BuildOptions  # noqa: E402

PAGES = {
    "home": "/",
    "article": "/articles/lower-back-pain-running/",
    "exercise": "/exercises/goblet-squat/",
}
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def main() -> None:
    target = REPO / "docs" / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        build_site(REPO, out, BuildOptions(pdf=False))
        with static_server(out) as base, chromium() as browser:
            for width_name, (width, height) in WIDTHS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height}, device_scale_factor=1
                )
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    data = page.screenshot(full_page=False)
                    file = target / f"{name}-{width_name}.png"
                    if not file.exists() or file.read_bytes() != data:
                        file.write_bytes(data)
                        print(f"updated {file.relative_to(REPO)}")
                context.close()


if __name__ == "__main__":
    main()
