"""Live preview (`prehab serve`): build into a private folder, serve it on
127.0.0.1 with the livereload protocol, watch content/ and templates/, and
on every burst of saves rebuild only what changed, write it atomically and
reload the open tabs. A broken build keeps the last good pages and shows the
errors over them; PDF cards re-render in the background."""

from __future__ import annotations

import dataclasses
import errno
import html
import os
import sys
import threading
import time
import traceback
import webbrowser
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import ioloop, web
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from .build import CACHE_FOLDER, Session, build_site
from .config import BuildOptions
from .diagnostics import ContentErrors
from .incremental.memo import Reuse
from .load import is_editor_junk
from .pdf import CardsResult
from .search import SearchIndexError, index_search
from .theme import labelled
from .write import MARKER

SERVE_FOLDER = ".prehab-serve"
POLL_SECONDS = 0.005
QUIET_SECONDS = 0.02  # a burst of saves ends after this long without changes
SEARCH_DELAY_SECONDS = 3.0  # the search index is refreshed once saving pauses this long
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Only changes: the kernel then never reports the build's own reads (opens, closes).
WATCHED_EVENTS = [
    FileModifiedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]


class Preview:
    """The dev server's state: last good output, the build session (memo in
    memory, last cards), errors. Every rebuild goes through `build_site`,
    the same entry point as `prehab build`."""

    def __init__(self, project: Path, options: BuildOptions, cards: bool = True, log=print):
        self.project = project.absolute()
        self.options = options  # pdf off: cards render in a second build, in the background
        self.cards_enabled = cards
        self.out = self.project / SERVE_FOLDER / "site"
        self.session = Session(
            Reuse(cache_root=self.project / CACHE_FOLDER), CardsResult() if cards else None
        )
        self.errors: list[str] = []
        self.graph = None
        self.log = log
        self.lock = threading.Lock()
        self.on_reload = lambda: None
        self.search_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prehab-search")
        self.search_pending = False
        self.search_due = 0.0
        self.cards_due = False  # the last good rebuild left some cards to re-render

    def rebuild(self, reason: str, with_cards: bool = False) -> int | None:
        """Rebuild the site; returns pages rendered, or None when it failed
        (the errors then show in the overlay and the terminal). Any failure,
        a content mistake or a bug in prehab, keeps the last good site."""
        options = dataclasses.replace(self.options, pdf=with_cards and self.cards_enabled)
        with self.lock:
            start = time.perf_counter()
            try:
                result = build_site(
                    self.project, self.out, options, progress=self.log, session=self.session
                )
            except ContentErrors as exc:
                errors = labelled(exc.report.errors, self.project)  # "(built-in theme) ..."
                return self._failed(reason, [d.format() for d in errors])
            except Exception as exc:  # a prehab bug: logged, shown in the overlay, server goes on
                self.log("".join(traceback.format_exception(exc)).rstrip())
                return self._failed(
                    reason,
                    [
                        f"this is a bug in prehab ({type(exc).__name__}: {exc}); "
                        "the traceback is in the terminal"
                    ],
                )
            self.errors = []
            self.graph = result.graph
            self.cards_due = bool(result.updating)
            ms = (time.perf_counter() - start) * 1000
            self.log(
                f"rebuilt {result.pages_rendered} page{'s' if result.pages_rendered != 1 else ''} "
                f"in {ms:.0f} ms ({reason}; {result.files} files written)"
            )
            self.on_reload()
            return result.pages_rendered

    def _failed(self, reason: str, errors: list[str]) -> None:
        self.errors = errors
        self.log(f"build failed ({reason}):\n  " + "\n  ".join(self.errors))
        self.on_reload()
        return None

    def refresh_cards(self) -> None:
        """Render the cards the last rebuild left out of date (in the
        background, through the same build), then the pages link them."""
        if self.cards_due:
            self.rebuild("cards ready", with_cards=True)

    def request_search(self) -> None:
        """Re-index the preview for search once saving pauses, in its own
        thread at low priority, so it never competes with a rebuild."""
        self.search_due = time.monotonic() + SEARCH_DELAY_SECONDS
        if self.search_pending:
            return
        self.search_pending = True
        self.search_executor.submit(self._refresh_search)

    def _refresh_search(self) -> None:
        while (wait := self.search_due - time.monotonic()) > 0:
            time.sleep(wait)  # every new save pushes the refresh back
        self.search_pending = False
        if self.errors or not self.out.is_dir():
            return
        try:
            index_search(self.out, self.project / CACHE_FOLDER, low_priority=True)
        except (SearchIndexError, OSError) as exc:
            self.log(f"search index not updated: {exc}")


class _Watcher(FileSystemEventHandler):
    """Collects file events from the OS (inotify on Linux, via watchdog);
    a burst of changes becomes one rebuild once the sources are quiet."""

    def __init__(self, preview: Preview, executor: ThreadPoolExecutor):
        self.preview = preview
        self.executor = executor
        self.pending: set[str] = set()
        self.last_change = 0.0
        self.busy = False
        self.guard = threading.Lock()

    def on_any_event(self, event) -> None:
        if (
            event.event_type in ("opened", "closed_no_write")
            or event.is_directory
            and event.event_type == "modified"
        ):
            return
        paths = [event.src_path] + ([event.dest_path] if getattr(event, "dest_path", "") else [])
        relevant = [
            os.path.relpath(p, self.preview.project)
            for p in paths
            if not is_editor_junk(os.path.basename(p))
        ]
        if relevant:
            with self.guard:
                self.pending.update(relevant)
                self.last_change = time.monotonic()

    def poll(self) -> None:
        """Runs on the server loop: starts a rebuild after a quiet spell."""
        with self.guard:
            if not self.pending or self.busy or time.monotonic() - self.last_change < QUIET_SECONDS:
                return
            changed, self.pending = sorted(self.pending), set()
            self.busy = True
        reason = (
            (changed[0].removeprefix("content/") + " changed")
            if len(changed) == 1
            else f"{len(changed)} files changed"
        )
        future = self.executor.submit(self._run, reason)
        future.add_done_callback(lambda _: setattr(self, "busy", False))

    def _run(self, reason: str) -> None:
        if self.preview.rebuild(reason) is not None:
            self.executor.submit(self.preview.refresh_cards)
            self.preview.request_search()


class _ReloadScript(LiveReloadJSHandler):
    def get(self):
        self.set_header("Cache-Control", "public, max-age=3600")
        super().get()


class _Reload(LiveReloadHandler):
    """The livereload socket; only pages served from this server may connect."""

    def check_origin(self, origin: str) -> bool:
        host = self.request.headers.get("Host", "")
        return origin in (f"http://{host}", f"https://{host}")


LIVE_SCRIPT = b'<script src="/livereload.js"></script>'


class _Site(web.RequestHandler):
    """Serves the private output folder and nothing else."""

    def initialize(self, preview: Preview):
        self.preview = preview

    def get(self, _path: str) -> None:
        target = self._resolve(self.request.path)
        if target is None:
            self._send(self.preview.out / "404.html", 404)
        else:
            self._send(target, 200)

    def _resolve(self, raw: str) -> Path | None:
        path = unquote(raw.split("?", 1)[0])
        if "\x00" in path or "\\" in path or not path.startswith("/") or path.startswith("//"):
            return None
        parts = [p for p in path.split("/") if p]
        if any(p in (".", "..") or p.startswith(".") for p in parts):
            return None
        root = self.preview.out.resolve()
        target = root.joinpath(*parts) if parts else root
        if target.is_dir():
            if path.endswith("/") or not parts:
                target = target / "index.html"
            else:
                return None
        try:
            real = target.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if root not in real.parents or not real.is_file() or real.name == MARKER:
            return None
        return real

    def _send(self, file: Path, status: int) -> None:
        import mimetypes

        try:
            data = file.read_bytes()
        except OSError:
            data, status = b"<!doctype html><title>Not found</title><h1>Not found</h1>", 404
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = self._decorate(data)
            kind = "text/html; charset=utf-8"
        self.set_status(status)
        self.set_header("Content-Type", kind)
        # fingerprinted theme files never change; everything else is revalidated (ETag, 304)
        immutable = self.request.path.startswith("/static/") and status == 200
        self.set_header(
            "Cache-Control", "public, max-age=31536000, immutable" if immutable else "no-cache"
        )
        self.set_header("X-Content-Type-Options", "nosniff")
        self.write(data)

    def _decorate(self, page: bytes) -> bytes:
        extra = LIVE_SCRIPT
        if self.preview.errors:
            extra += error_overlay(self.preview.errors).encode()
        return (
            page.replace(b"</body>", extra + b"</body>", 1) if b"</body>" in page else page + extra
        )


def error_overlay(errors: list[str]) -> str:
    items = "".join(f"<li><code>{html.escape(e)}</code></li>" for e in errors)
    count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
    return (
        '<div id="prehab-errors" role="alertdialog" '
        'aria-modal="true" aria-labelledby="prehab-errors-title" '
        'style="position:fixed;inset:0;z-index:1000;overflow:auto;'
        "background:rgb(255 253 249 / .97);color:#1d2a30;"
        'padding:2rem 1.2rem;font:1rem/1.5 system-ui,sans-serif">'
        '<div style="max-width:52rem;margin:auto;'
        'border-left:6px solid #b4501c;padding-left:1.2rem">'
        '<h1 id="prehab-errors-title" style="font-family:Georgia,serif;margin:0 0 .5rem">'
        f"The build failed: {count}</h1>"
        "<p>Fix them and save: this page reloads by itself. The "
        "last good version of the site is kept underneath.</p>"
        f'<ul style="padding-left:1.2rem">{items}</ul></div></div>'
    )


def serve(
    project: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    drafts: bool = True,
    future: bool = False,
    open_browser: bool = False,
    cards: bool = True,
) -> int:
    if host not in LOOPBACK:
        print(
            f"warning: serving on {host}: anyone who can reach this machine can see your drafts; "
            "the default 127.0.0.1 keeps the preview on this computer",
            file=sys.stderr,
        )
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    preview = Preview(
        project, BuildOptions(drafts=drafts, future=future, pdf=False, base_url=base), cards=cards
    )
    app = web.Application(
        [
            (r"/livereload", _Reload),
            (r"/livereload.js", _ReloadScript),
            (r"(.*)", _Site, {"preview": preview}),
        ]
    )
    try:
        server = app.listen(port, address=host)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(
                f"error: port {port} is already in use (another prehab serve?); "
                f"try: prehab serve --port {port + 1}",
                file=sys.stderr,
            )
            return 2
        print(f"error: cannot listen on {host}:{port}: {exc.strerror}", file=sys.stderr)
        return 2
    loop = ioloop.IOLoop.current()

    def broadcast():
        for waiter in list(LiveReloadHandler.waiters):
            try:
                waiter.write_message(
                    {"command": "reload", "path": "*", "liveCSS": False, "liveImg": False}
                )
            except Exception:
                LiveReloadHandler.waiters.discard(waiter)

    preview.on_reload = lambda: loop.add_callback(broadcast)
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prehab-build")
    print(f"building {preview.project} ...")
    preview.rebuild("first build")
    executor.submit(preview.refresh_cards)
    preview.request_search()
    watcher = _Watcher(preview, executor)
    observer = Observer()
    for folder in [f for f in ("content", "templates") if (preview.project / f).is_dir()]:
        observer.schedule(
            watcher, str(preview.project / folder), recursive=True, event_filter=WATCHED_EVENTS
        )
    observer.start()
    ioloop.PeriodicCallback(watcher.poll, POLL_SECONDS * 1000).start()
    print(f"serving {base}/ (Ctrl-C to stop)")
    if open_browser:
        webbrowser.open(base + "/")
    try:
        loop.start()
    except KeyboardInterrupt:
        print("\nstopped")
    finally:
        server.stop()
        observer.stop()
        executor.shutdown(wait=False, cancel_futures=True)
        preview.search_executor.shutdown(wait=False, cancel_futures=True)
    return 0
