"""The file gate (generator/files.py): every read of the project goes
through one module, which never follows a symlink out of the project, never
opens a pipe, socket or device, and never publishes editor or desktop junk.
Each case builds a real small project; the symlink cases are also traced
with strace to prove that nothing outside the project was even opened, and
the pipe cases run in a subprocess with a timeout, so a hang fails the test
instead of hanging the suite. (tests/test_hostile_input.py covers a link to
an outside Markdown file, a folder loop and dot files.)"""

from __future__ import annotations

import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import REPO, SVG, build, build_errors, link

from generator.files import Gate, Limit, Refusal, is_junk

OUTSIDE = (
    "outside the project; prehab reads only files inside the project folder — "
    "copy the files in instead"
)
ONLY_REGULAR = "prehab reads only regular files: remove it"
NOT_A_PIPE = f"not a regular file but a named pipe (FIFO); {ONLY_REGULAR}"
SECRET = "TOP-SECRET-6f1d"  # what a planted outside file holds: never in any output
ABOUT = "content/pages/about.md"


@pytest.fixture
def planted(tmp_path) -> Path:
    """A folder outside the project (beside it, in the test's own tmp_path)
    holding secrets that links inside the project point at."""
    folder = tmp_path / "planted-outside"
    (folder / "pages").mkdir(parents=True)
    (folder / "pages/secret.md").write_text(f"---\ntitle: Secret\n---\n{SECRET}\n")
    (folder / "ssh/sub").mkdir(parents=True)
    (folder / "ssh/sub/id_rsa").write_text(f"-----BEGIN KEY----- {SECRET}\n")
    (folder / "ssh/figure.svg").write_text(SVG.replace("figure", SECRET))
    (folder / "passwd").write_text(f"root:x:0:0:{SECRET}:/root:/bin/sh\n")
    (folder / "evil.css").write_text(f"body {{ content: '{SECRET}' }}\n")
    return folder


# (link, what it points at under the planted folder)
OUTWARD_LINKS = [
    ("content", "pages"),
    ("templates", "pages"),
    ("content/pages", "pages"),
    ("content/images", "ssh"),
    ("content/images/sub", "ssh/sub"),
    ("content/images/hero.svg", "ssh/figure.svg"),
    ("templates/page.html", "passwd"),
    ("templates/partials/macros.html", "passwd"),
    ("templates/static/style.css", "evil.css"),
]
# All at once in one project: every link but those of whole folders that
# hold other links (content/images has its own strace test).
TOGETHER = [
    (rel, target)
    for rel, target in OUTWARD_LINKS
    if rel not in ("content", "templates", "content/images")
]


@pytest.mark.parametrize("rel, target", OUTWARD_LINKS)
def test_a_symlink_out_of_the_project_is_an_error_naming_the_link(
    make_project, planted, tmp_path, rel, target
):
    root = make_project()
    link(root, rel, planted / target)
    errors = build_errors(root)
    assert f"{rel}: a symlink to {planted / target}, {OUTSIDE}" in errors, errors
    assert not (root / "site_output").exists()
    assert not any(SECRET in e for e in errors)


def test_nothing_outside_the_project_is_even_opened(make_project, planted, tmp_path):
    """Every outward link of OUTWARD_LINKS at once, under strace: the build
    fails naming each, and no open() or openat() touches the planted folder
    (nor anything else in tmp_path but the project and the output)."""
    root = make_project()
    for rel, target in TOGETHER:
        link(root, rel, planted / target)
    out, log = tmp_path / "site", tmp_path / "strace.log"
    done = traced_build(root, log, "--project", str(root), "--output", str(out))
    assert done.returncode == 1, done.stderr
    for rel, target in TOGETHER:
        assert f"{rel}: a symlink to {planted / target}, {OUTSIDE}" in done.stderr
    opened = opened_paths(log.read_text(), cwd=root)
    assert any(p.endswith("content/site.toml") for p in opened), "the trace saw no reads"
    assert not [p for p in opened if "planted-outside" in p]
    # the output's parent is listed (for leftover staging folders), nothing more
    strays = [
        p
        for p in opened
        if p.startswith(str(tmp_path)) and p != str(out.parent) and not under(p, root, out)
    ]
    assert not strays, strays
    assert not out.exists()


def test_a_symlinked_image_folder_out_of_the_project_is_never_opened(
    make_project, planted, tmp_path
):
    """content/images itself linked out (the planted id_rsa once ended up at
    /images/sub/id_rsa): refused, and under strace never opened."""
    root = make_project()
    link(root, "content/images", planted / "ssh")
    log = tmp_path / "strace.log"
    done = traced_build(root, log)
    assert done.returncode == 1, done.stderr
    assert f"content/images: a symlink to {planted / 'ssh'}, {OUTSIDE}" in done.stderr
    assert not [p for p in opened_paths(log.read_text(), root) if "planted-outside" in p]
    assert not (root / "site_output").exists()


@pytest.mark.parametrize("rel", ["content", "templates"])
def test_a_linked_top_folder_is_never_opened_by_prehab_build(make_project, planted, tmp_path, rel):
    root = make_project()
    shutil.move(root / rel, planted / rel)
    link(root, rel, planted / rel)
    log = tmp_path / "strace.log"
    done = traced_build(root, log)
    assert done.returncode == 1, done.stderr
    assert f"{rel}: a symlink to {planted / rel}, {OUTSIDE}" in done.stderr
    assert not [p for p in opened_paths(log.read_text(), root) if "planted-outside" in p]


def traced_build(root: Path, log: Path, *args: str) -> subprocess.CompletedProcess:
    """`prehab build` under strace, every open() and openat() of every
    process logged (full paths: -s 4096) to `log`."""
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed (make system-deps installs it)")
    done = subprocess.run(
        [strace, "-f", "-qq", "-s", "4096", "-e", "trace=open,openat", "-o", str(log)]
        + [sys.executable, "-m", "generator", "build", "--no-pdf", "--no-search", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    if "ptrace" in done.stderr.lower() and not log.read_text().strip():
        pytest.skip(f"strace cannot trace here: {done.stderr.strip()}")
    return done


OPEN_CALL = re.compile(r'\bopen(?:at)?\((?:(AT_FDCWD|\d+), )?"((?:[^"\\]|\\.)*)"')


def opened_paths(log: str, cwd: Path) -> list[str]:
    """Where each path strace saw opened really is (relative ones against
    cwd), resolved now that the build is over and its links are still in
    place: a folder opened through a link shows as the link's name."""
    paths = []
    for match in OPEN_CALL.finditer(log):
        path = match.group(2)
        paths.append(os.path.realpath(path if path.startswith("/") else os.path.join(cwd, path)))
    return paths


def under(path: str, *folders: Path) -> bool:
    return any(path == str(f) or path.startswith(f"{f}{os.sep}") for f in folders) or (
        # the staging folder beside the output, named .site.staging-PID
        any(Path(path).name.startswith(f".{f.name}.") for f in folders)
    )


def test_symlinks_inside_the_project_are_followed(make_project):
    root = make_project()
    shared = root / "shared"
    (shared / "pics").mkdir(parents=True)
    (shared / "pics/hero.svg").write_text(SVG)
    (shared / "pics/extra.svg").write_text(SVG)
    link(root, "content/images/hero.svg", Path("../../shared/pics/hero.svg"))  # relative
    link(root, "content/images/gallery", shared / "pics")  # a folder
    (root / "theme-parts").mkdir()
    shutil.move(root / "templates/partials/macros.html", root / "theme-parts/macros.html")
    link(root, "templates/partials/macros.html", root / "theme-parts/macros.html")
    shutil.move(root / "content/pages/about.md", shared / "about.md")
    link(root, "content/pages/about.md", shared / "about.md")
    out = root / "site_output"
    build(root, out)
    assert (out / "images/hero.svg").read_text() == SVG
    assert (out / "images/gallery/extra.svg").read_text() == SVG
    assert not (out / "images/hero.svg").is_symlink()
    assert "We are runners." in (out / "about/index.html").read_text()


def build_in_subprocess(root: Path, seconds: float = 60) -> subprocess.CompletedProcess:
    """`prehab build` in its own process: a build blocked on a pipe is
    killed after `seconds` and fails the test, never the whole suite."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "generator", "build", "--no-pdf", "--no-search"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=seconds,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the build hung for {seconds} s")


@pytest.mark.parametrize(
    "rel",
    [
        "content/site.toml",
        "content/articles/back-pain.md",
        "content/studies.yml",
        "templates/page.html",
        "templates/partials/macros.html",
        "templates/static/style.css",
        "content/images/hero.svg",
    ],
)
def test_a_fifo_is_an_error_naming_it_and_the_build_returns(make_project, rel):
    root = make_project()
    (root / rel).unlink()
    os.mkfifo(root / rel)
    done = build_in_subprocess(root)
    assert done.returncode == 1, done.stderr
    assert f"{rel}: {NOT_A_PIPE}" in done.stderr.splitlines(), done.stderr
    assert not (root / "site_output").exists()


def test_devices_and_sockets_are_refused_without_being_opened(make_project, tmp_path):
    root = make_project()
    kinds = {}
    try:
        os.mknod(root / "content/images/zero.svg", stat.S_IFCHR | 0o600, os.makedev(1, 5))
        kinds["content/images/zero.svg"] = "a character device"
    except OSError:
        pass  # not root: the socket below still checks the gate
    with socket.socket(socket.AF_UNIX) as server:
        try:
            server.bind(str(root / "content/images/s.svg"))
            kinds["content/images/s.svg"] = "a socket"
        except OSError:  # a path too long for a socket
            pass
        if not kinds:
            pytest.skip("cannot make a device or a socket here")
        errors = build_errors(root)
    for rel, kind in kinds.items():
        assert f"{rel}: not a regular file but {kind}; {ONLY_REGULAR}" in errors, errors


JUNK = ["Thumbs.db", "desktop.ini", ".DS_Store", "4913", "hero.svg.swp", ".hero.svg.swx"]
JUNK += ["hero.svg~", "#hero.svg#", ".#hero.svg", "~$notes.docx", "THUMBS.DB"]


def test_junk_files_are_never_read_or_published(make_project):
    files = {}
    for folder in ("content/images", "content/images/sub", "templates/static", "templates"):
        for name in JUNK:
            files[f"{folder}/{name}"] = "{% junk that would break a template %}"
    files["content/images/sub/kept.svg"] = SVG
    root = make_project(files)
    out = root / "site_output"
    build(root, out)
    published = {p.name for p in out.rglob("*")}
    assert "kept.svg" in published
    assert not published & set(JUNK), published & set(JUNK)
    assert not [n for n in published if "hero.svg" in n and n != "hero.svg"]


@pytest.mark.parametrize("name", JUNK)
def test_is_junk(name):
    assert is_junk(name)


@pytest.mark.parametrize("name", ["hero.svg", "style.css", "4913.png", "thumbs.svg"])
def test_is_not_junk(name):
    assert not is_junk(name)


# The gate itself, against a file swapped after it was checked (the time
# between the check and the open): the opened file is checked again.

LIMIT = Limit(1024 * 1024, "a test limit", "shrink it")


def swap_after_check(monkeypatch, path: Path, swap) -> None:
    check = Gate.check

    def checked_then_swapped(self, target):
        result = check(self, target)
        path.unlink()
        swap(path)
        return result

    monkeypatch.setattr(Gate, "check", checked_then_swapped)


def test_a_file_swapped_for_a_link_out_after_the_check_is_refused(
    make_project, planted, monkeypatch
):
    root = make_project()
    about = root / ABOUT
    swap_after_check(monkeypatch, about, lambda p: p.symlink_to(planted / "passwd"))
    with pytest.raises(Refusal) as refused:
        Gate(root).read(about, LIMIT)
    assert refused.value.path == ABOUT


def test_a_file_swapped_for_a_pipe_after_the_check_is_refused_at_once(make_project, monkeypatch):
    root = make_project()
    about = root / ABOUT
    swap_after_check(monkeypatch, about, os.mkfifo)
    with pytest.raises(Refusal) as refused:
        Gate(root).read(about, LIMIT)  # O_NONBLOCK: opening the pipe does not wait
    assert refused.value.message == NOT_A_PIPE


def test_a_file_over_the_cap_is_refused_before_it_is_opened(make_project, monkeypatch):
    root = make_project()
    (root / ABOUT).write_bytes(b"x" * 4096)
    with monkeypatch.context() as patch, pytest.raises(Refusal) as refused:
        patch.setattr(os, "open", lambda *a: pytest.fail("opened a file over the cap"))
        Gate(root).read(root / ABOUT, Limit(1024, "a test limit", "shrink it"))
    assert refused.value.code == "too-large"


def test_the_pdf_fetcher_serves_only_regular_files_inside(make_project, planted):
    from generator.pdf.fetcher import SafeFetcher

    root = make_project()
    link(root, "content/images/out.svg", planted / "ssh/figure.svg")
    os.mkfifo(root / "templates/static/pipe.css")
    fetcher = SafeFetcher((root / "content/images", root / "templates"))
    fetcher.fetch((root / "content/images/squat.svg").as_uri())
    assert list(fetcher.read) == [str((root / "content/images/squat.svg").resolve())]
    refused = [
        (root / "content/images/out.svg").as_uri(),
        (root / "templates/static/pipe.css").as_uri(),
        (root / "content/images").as_uri() + "/%2e%2e/site.toml",
        (planted / "passwd").as_uri(),
    ]
    for url in refused:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.refused == refused
    assert not [p for p in fetcher.read if "planted-outside" in p]


def test_a_card_input_swapped_for_a_pipe_is_not_waited_on(tmp_path):
    """The card cache re-hashes the files a cached card read: a pipe put in
    place of one since is "changed", at once, never read."""
    from generator.incremental.cache import file_sha

    css = tmp_path / "card.css"
    css.write_text("body {}")
    assert file_sha(str(css))
    css.unlink()
    os.mkfifo(css)
    result = []
    worker = threading.Thread(target=lambda: result.append(file_sha(str(css))), daemon=True)
    worker.start()
    worker.join(timeout=10)  # O_NONBLOCK then fstat: no wait for a writer
    assert result == [""], "file_sha waited on a pipe"


# The write stage copies a content image (a photo's original) from the real
# path the gate checked. Swapped since then, it is not copied: the build stops
# and the last good site stays.


@pytest.mark.parametrize("swap", ["a link out", "a pipe", "its folder linked out"])
def test_an_image_swapped_after_the_check_is_never_copied(tmp_path, planted, swap):
    from generator.model import Copy, Output
    from generator.write import write_site

    folder = tmp_path / "project/content/images"
    folder.mkdir(parents=True)
    (folder / "photo.png").write_bytes(b"\x89PNG a photo")
    (planted / "images").mkdir()
    (planted / "images/photo.png").write_text(SECRET)
    out = tmp_path / "project/site_output"
    write_site(out, [Output("index.html", b"the last good site")], [])
    copies = [Copy("images/photo.png", Path(os.path.realpath(folder / "photo.png")))]
    if swap == "its folder linked out":
        shutil.rmtree(folder)
        folder.symlink_to(planted / "images")
    else:
        (folder / "photo.png").unlink()
        if swap == "a link out":
            (folder / "photo.png").symlink_to(planted / "images/photo.png")
        else:
            os.mkfifo(folder / "photo.png")  # opened without waiting, then refused
    with pytest.raises(OSError, match="since the build checked it"):
        write_site(out, [Output("index.html", b"a new site")], copies)
    assert (out / "index.html").read_bytes() == b"the last good site"
    written = [p for p in (tmp_path / "project").rglob("*") if "content" not in p.parts]
    assert written and not any(
        SECRET in p.read_text(errors="replace") for p in written if p.is_file()
    )
