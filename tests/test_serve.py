"""`prehab serve` end to end: a real server process on a free port, a real
browser that reloads by itself on every save, errors shown in the page and
recovered from, deleted pages gone, and a server that never hands out a
byte from outside its folder.

Nothing here depends on the machine's speed: the tests wait (generously)
for what must happen, never assert how fast, and the quiet window that
turns a burst of saves into one rebuild is driven by a hand-moved clock."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from browser import chromium
from conftest import MINIMAL, write_project
from watchdog.events import FileClosedEvent, FileCreatedEvent, FileModifiedEvent

from generator import serve
from generator.config import BuildOptions

WAIT_SECONDS = (
    60  # how long to wait for something that must happen (a rebuild takes well under a second)
)
WAIT_MS = WAIT_SECONDS * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_command(root: Path, port: int, *flags: str) -> list[str]:
    """`prehab serve` for `root` on `port`, as a user would start it."""
    return [
        sys.executable,
        "-m",
        "generator",
        "serve",
        "--project",
        str(root),
        "--port",
        str(port),
        *flags,
    ]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextmanager
def running_server(root: Path, *flags: str, env: dict | None = None):
    port = free_port()
    log = root / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            serve_command(root, port, *flags),
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            try:
                if get(base + "/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("server did not start: " + log.read_text())
        yield base, process, log
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def project(tmp_path):
    return write_project(tmp_path / "site", {})


def save_atomically(path: Path, text: str) -> None:
    """Save as many editors do: write a file outside the watched folders,
    then rename it into place, so the watcher sees one complete change."""
    staging = path.parents[2] / f".{path.name}.saving"  # the project folder: not watched
    staging.write_text(text)
    os.replace(staging, path)


def test_browser_follows_edits_errors_fixes_template_changes_and_deletions(project):
    article = project / "content/articles/back-pain.md"
    with running_server(project, "--no-pdf") as (base, _, log), chromium() as browser:
        page = browser.new_page()
        page.goto(base + "/articles/back-pain/")
        page.wait_for_function("() => window.LiveReload !== undefined")
        page.evaluate("window.__notReloaded = true")

        article.write_text(
            article.read_text().replace(
                "Running is good for the back", "Running is kind to the back"
            )
        )
        page.wait_for_function(
            "() => document.body.innerText.includes('Running is kind to the back')", timeout=WAIT_MS
        )
        assert page.evaluate("window.__notReloaded === undefined"), (
            "the page was reloaded by the server, not by the test"
        )

        good = article.read_text()
        article.write_text(good.replace("author: ann-author", "author: ann-autor"))
        # a save is not atomic: a rebuild may catch the file half-written (another error)
        # before the final one
        page.wait_for_function(
            "() => (document.getElementById('prehab-errors')?.innerText || '')"
            ".includes(\"content/articles/back-pain.md:5: unknown author 'ann-autor'\")",
            timeout=WAIT_MS,
        )

        article.write_text(good)
        page.wait_for_function("() => !document.getElementById('prehab-errors')", timeout=WAIT_MS)
        assert page.locator("h1").inner_text() == "Lower back pain when running"

        page.goto(base + "/exercises/bird-dog/")
        page.wait_for_function("() => window.LiveReload !== undefined")
        template = project / "templates/exercise.html"
        template.write_text(
            template.read_text().replace("{{ e.title }}</h1>", "{{ e.title }} (edited)</h1>")
        )
        page.wait_for_function(
            "() => document.querySelector('h1').innerText === 'Bird dog (edited)'", timeout=WAIT_MS
        )

        list_page = browser.new_page()
        list_page.goto(base + "/articles/")
        assert list_page.locator("a[href='/articles/back-pain/']").count() > 0
        list_page.wait_for_function("() => window.LiveReload !== undefined")
        article.unlink()
        (project / "content/routines/back-basics.md").write_text(
            MINIMAL["content/routines/back-basics.md"]
        )  # still valid without the article
        list_page.wait_for_function(
            "() => !document.querySelector(\"a[href='/articles/back-pain/']\")", timeout=WAIT_MS
        )
        status, body = get(base + "/articles/back-pain/")
        assert status == 404 and b"Page not found" in body
        assert "rebuilt" in log.read_text()


def test_terminal_reports_each_rebuild(project):
    with running_server(project, "--no-pdf") as (base, _, log):
        about = project / "content/pages/about.md"
        save_atomically(
            about, about.read_text() + "\nMore.\n"
        )  # one change, however slow the machine
        deadline = time.monotonic() + WAIT_SECONDS
        while "pages/about.md changed" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        lines = [line for line in log.read_text().splitlines() if "pages/about.md changed" in line]
        assert lines, log.read_text()
        assert (
            lines[0].startswith("rebuilt 1 page in ") and " ms (pages/about.md changed" in lines[0]
        )


class _Clock(SimpleNamespace):
    """Stands in for the `time` module of generator.serve: monotonic() only
    moves when the test says so; the rest is the real thing."""

    def __init__(self):
        super().__init__(now=1000.0, perf_counter=time.perf_counter, sleep=time.sleep)

    def monotonic(self) -> float:
        return self.now


class _Executor:
    """Records the work the watcher hands out instead of running it."""

    def __init__(self):
        self.jobs: list[tuple] = []

    def submit(self, function, *args):
        future = Future()
        self.jobs.append((function, args, future))
        return future


def test_a_burst_of_saves_becomes_one_rebuild_from_the_final_state(project, monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(serve, "time", clock)
    logged: list[str] = []
    preview = serve.Preview(
        project,
        BuildOptions(pdf=False, base_url="http://127.0.0.1:8000"),
        cards=False,
        log=logged.append,
    )
    monkeypatch.setattr(
        preview, "request_search", lambda: None
    )  # no Pagefind, no thread waiting on the stopped clock
    assert preview.rebuild("first build") is not None
    executor = _Executor()
    watcher = serve._Watcher(preview, executor)
    quiet = serve.QUIET_SECONDS

    def save(path: Path, text: str) -> None:
        """A plain save as the OS reports it: created or modified, then closed."""
        event = FileModifiedEvent if path.exists() else FileCreatedEvent
        path.write_text(text)
        watcher.on_any_event(event(str(path)))
        watcher.on_any_event(FileClosedEvent(str(path)))

    folder = project / "content/pages"
    for i in range(60):
        save(folder / f"note-{i}.md", f"---\ntitle: Draft {i}\n---\nDraft.\n")
        clock.now += quiet / 2  # the next save comes sooner than the quiet window
        watcher.poll()
    for i in range(60):
        save(folder / f"note-{i}.md", f"---\ntitle: Note {i}\n---\nText {i}.\n")
        clock.now += quiet / 2
        watcher.poll()
    assert executor.jobs == [], "a rebuild started while the saves were still coming"

    clock.now += 2 * quiet  # then silence
    watcher.poll()
    watcher.poll()
    assert [args for _, args, _ in executor.jobs] == [("60 files changed",)]

    # while that rebuild runs, another save waits for it instead of starting a second one
    ((run, args, future),) = executor.jobs
    save(folder / "about.md", MINIMAL["content/pages/about.md"] + "\nMore.\n")
    clock.now += 2 * quiet
    watcher.poll()
    assert len(executor.jobs) == 1

    run(*args)  # the real rebuild, on the files as they are now
    assert sum(line.startswith("rebuilt ") for line in logged) == 2, logged
    for i in range(60):
        page = (preview.out / f"note-{i}/index.html").read_text()
        assert f"Note {i}" in page and f"Text {i}." in page and "Draft" not in page
    future.set_result(None)  # the rebuild is done
    watcher.poll()
    rebuilds = [
        args for _, args, _ in executor.jobs if args and isinstance(args[0], str)
    ]  # not the follow-up card refresh
    assert rebuilds == [("60 files changed",), ("pages/about.md changed",)], (
        "the save made during the rebuild was lost"
    )


def test_a_burst_of_saves_to_the_server_ends_with_every_page_from_the_final_state(project):
    with running_server(project, "--no-pdf") as (base, _, log):
        folder = project / "content/pages"
        for i in range(60):
            (folder / f"note-{i}.md").write_text(f"---\ntitle: Note {i}\n---\nText {i}.\n")
        (folder / "note-0.md").write_text("---\ntitle: Note 0\n---\nFinal text.\n")

        def final_state() -> (
            bool
        ):  # however many rebuilds the burst took, the last one saw every save
            return b"Final text." in get(base + "/note-0/")[1] and all(
                get(f"{base}/note-{i}/")[0] == 200 for i in range(60)
            )

        deadline = time.monotonic() + WAIT_SECONDS
        while not final_state() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert final_state(), log.read_text()


def raw_request(port: int, path: str) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]), data


@pytest.mark.parametrize(
    "path",
    [
        "/../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc/passwd",
        "/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
        "/index.html%00.css",
        "/.prehab-output",
        "//evil.example/",
        "/outside/secret.txt",
        "/outside",
    ],
)
def test_server_gives_404_for_anything_outside_its_folder(project, path, tmp_path):
    secret = tmp_path / "secret-dir"
    secret.mkdir()
    (secret / "secret.txt").write_text("TOP SECRET")
    with running_server(project, "--no-pdf") as (base, _, _log):
        out = project / ".prehab-serve/site"
        (out / "outside").symlink_to(secret)
        port = int(base.rsplit(":", 1)[1])
        status, data = raw_request(port, path)
        assert status == 404
        assert b"TOP SECRET" not in data and b"root:" not in data


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on `port`, from /proc (no traffic sent)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":
                raw = bytes.fromhex(address)
                if len(raw) == 4:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:
                    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


def test_server_listens_on_loopback_only_by_default(project):
    with running_server(project, "--no-pdf") as (base, _, _log):
        port = int(base.rsplit(":", 1)[1])
        assert listening_addresses(port) == {"127.0.0.1"}
        assert get(base + "/")[0] == 200


def test_a_non_loopback_host_prints_a_warning(project):
    port = free_port()
    process = subprocess.Popen(
        serve_command(project, port, "--host", "0.0.0.0", "--no-pdf"),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        first = process.stderr.readline()
        assert first.startswith("warning: serving on 0.0.0.0")
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_port_in_use_gives_one_sentence(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            serve_command(project, port),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert (
        f"port {port} is already in use" in result.stderr and f"--port {port + 1}" in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_preview_never_writes_site_output_and_links_point_at_the_local_address(project):
    with running_server(project, "--no-pdf") as (base, _, _log):
        status, body = get(base + "/articles/back-pain/")
        assert f'<link rel="canonical" href="{base}/articles/back-pain/">'.encode() in body
    assert not (project / "site_output").exists()


def test_the_live_reload_socket_rejects_other_origins(project):
    import base64

    with running_server(project, "--no-pdf") as (base, _, _log):
        port = int(base.rsplit(":", 1)[1])
        key = base64.b64encode(b"0123456789abcdef").decode()

        def handshake(origin: str) -> int:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(
                    (
                        f"GET /livereload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                        f"Origin: {origin}\r\n\r\n"
                    ).encode()
                )
                return int(s.recv(4096).split(b" ", 2)[1])

        assert handshake("https://evil.example") == 403
        assert handshake(f"http://127.0.0.1:{port}") == 101


# Loaded by the server process only (sitecustomize on its PYTHONPATH): turns
# one marker in a body into an exception inside prehab, standing in for a bug.
BUG_HOOK = """
import generator.markup as markup

_convert = markup.Markup.convert


def convert(self, job, view):
    if "TRIGGER-A-BUG" in job.body.markdown:
        raise RuntimeError("planted bug for the test")
    return _convert(self, job, view)


markup.Markup.convert = convert
"""


def test_serve_never_goes_silent_on_template_errors_or_bugs(project, tmp_path):
    """Every failed rebuild shows in the page and the terminal, whatever
    failed: a template mistake at its line, or a bug in prehab with its
    traceback in the terminal; the last good site is served meanwhile."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(BUG_HOOK)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(hook), os.environ.get("PYTHONPATH", "")]),
    }
    template = project / "templates/exercise.html"
    article = project / "content/articles/back-pain.md"
    overlay = "() => (document.getElementById('prehab-errors')?.innerText || '')"
    with running_server(project, "--no-pdf", env=env) as (base, _, log), chromium() as browser:
        page = browser.new_page()
        page.goto(base + "/exercises/bird-dog/")
        page.wait_for_function("() => window.LiveReload !== undefined")

        good_template = template.read_text()
        save_atomically(
            template, good_template.replace("{{ e.title }}</h1>", "{{ e.title + 1 }}</h1>")
        )
        page.wait_for_function(
            f"() => ({overlay})().includes('templates/exercise.html:')"
            f" && ({overlay})().includes('while rendering /exercises/')",
            timeout=WAIT_MS,
        )
        assert page.locator("h1").first.inner_text() == "Bird dog", "the last good page stays"
        assert "templates/exercise.html:" in log.read_text()
        save_atomically(template, good_template)
        page.wait_for_function("() => !document.getElementById('prehab-errors')", timeout=WAIT_MS)

        good_article = article.read_text()
        save_atomically(article, good_article + "\nTRIGGER-A-BUG\n")
        page.wait_for_function(
            f"() => ({overlay})().includes('this is a bug in prehab')", timeout=WAIT_MS
        )
        status, body = get(base + "/articles/back-pain/")
        assert status == 200 and b"TRIGGER-A-BUG" not in body, "the last good site is served"
        terminal = log.read_text()
        assert "Traceback" in terminal and "planted bug for the test" in terminal
        save_atomically(article, good_article)
        page.wait_for_function("() => !document.getElementById('prehab-errors')", timeout=WAIT_MS)
