"""Helpers for real-browser tests: Debian's chromium driven by Playwright,
and a static file server on 127.0.0.1 for a built site."""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def static_server(folder: Path):
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def load_every_image(page) -> None:
    """Bring every image of the page in, one by one (lazy ones too), and wait
    until each has loaded: a wait on the page itself, not a fixed time."""
    page.evaluate("""async () => {
        for (const img of document.images) {
            img.scrollIntoView({block: 'center'});
            await img.decode().catch(() => {});
        }
        window.scrollTo(0, document.body.scrollHeight);
        await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    }""")
    page.wait_for_function("[...document.images].every(img => img.complete)")
