"""The file gate: every read of the project (content, site.toml, studies,
images, templates, theme files, the PDF renderer's fetches) goes through
here, so the promise "nothing outside the project is read" is kept in one
place. The gate

- walks with os.scandir and lstat, so a symlink is seen before it is used;
- follows a symlink only when its real path is inside the project (a folder
  link inside the project is walked, loops aside);
- never opens a FIFO, socket or device: they are refused after lstat/stat,
  and the file actually opened (O_NONBLOCK, so even a pipe swapped in at the
  last moment cannot block) is checked again with fstat and by where the
  kernel says it is, so a file swapped after the check is refused too;
- checks a size cap (stat before opening, fstat after), and reads at most
  the cap;
- turns every refusal into a `path: message` Diagnostic;
- skips editor and desktop junk, which never publishes (`is_junk`)."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic

MIB = 1024 * 1024
JUNK_PREFIXES = (".", "#", "~")  # dot files, emacs #autosave# and .#locks, ~$office locks
JUNK_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".bak", ".orig")
JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini", "4913"})  # 4913: vim's write probe

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opened by mistake returns at once
    | getattr(os, "O_NOFOLLOW", 0)  # the path is already resolved: a link here is a swap
    | getattr(os, "O_CLOEXEC", 0)
)
_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


def is_junk(name: str) -> bool:
    """Files editors, desktops and version tools leave next to real ones:
    never read, never published."""
    return (
        name.startswith(JUNK_PREFIXES) or name.endswith(JUNK_SUFFIXES) or name.lower() in JUNK_NAMES
    )


@dataclass(frozen=True)
class Limit:
    """A size cap and what the message says about it."""

    bytes: int
    setting: str  # where the cap comes from: "site.toml [limits] markdown_kb"
    fix: str  # "split it"

    def message(self, size: int) -> str:
        return (
            f"the file is {size // 1024} KB; the limit is {self.bytes // 1024} KB "
            f"({self.setting}): {self.fix}"
        )


# Caps for files site.toml has no setting for: far above any real one, low
# enough that a mistaken huge file cannot fill the memory.
SETTINGS_LIMIT = Limit(1 * MIB, "a fixed limit for the site settings", "shorten it")
TEMPLATE_LIMIT = Limit(4 * MIB, "a fixed limit for templates", "split it")
STATIC_LIMIT = Limit(32 * MIB, "a fixed limit for theme files", "make it smaller")
FETCH_LIMIT = Limit(256 * MIB, "a fixed limit for files in a card", "make it smaller")


class Refusal(Exception):
    """A file the gate will not read: where (project-relative) and why."""

    def __init__(self, path: str, message: str, code: str = "unreadable", missing: bool = False):
        super().__init__(f"{path}: {message}")
        self.path, self.message, self.code, self.missing = path, message, code, missing

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.path, None, self.message, code=self.code)


@dataclass(frozen=True)
class Found:
    """A regular file found by `Gate.walk`."""

    path: Path  # as the editor sees it: the walked folder / rel
    rel: str  # relative to the walked folder, with '/'
    real: str  # where it really is (inside the project)
    size: int


def holds(folder: str, real: str) -> bool:
    """Whether the real path `real` is `folder` or inside it (a prefix up to
    a separator: /site is not inside /si)."""
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def not_regular(mode: int) -> str:
    return f"not a regular file but {_kind(mode)}; prehab reads only regular files: remove it"


def outside(target: str) -> str:
    return (
        f"a symlink to {target}, outside the project; prehab reads only files "
        "inside the project folder — copy the files in instead"
    )


class Gate:
    """Reads regular files whose real path is under `root` (the project
    folder) and nothing else."""

    def __init__(self, root: Path):
        self.root = Path(os.path.abspath(root))
        self.real = os.path.realpath(self.root)
        self._folders: dict[tuple, tuple[str, Path]] = {}  # (base, parts) -> (real, as walked)

    def inside(self, real: str) -> bool:
        return holds(self.real, real)

    def rel(self, path: Path | str) -> str:
        """`path` as the editor sees it, relative to the root ('content/x.md')."""
        path = Path(os.path.abspath(path))
        for base in (self.root, Path(self.real)):
            if path.is_relative_to(base):
                return path.relative_to(base).as_posix() or "."
        return path.as_posix()

    def resolve(self, path: Path | str) -> str:
        """The real path of `path`, resolved one component at a time so the
        first symlink leading outside is refused by its own name (the
        `content/images` link, not each file under it). Raises Refusal."""
        path = Path(os.path.abspath(path))
        base = next((b for b in (self.root, Path(self.real)) if path.is_relative_to(b)), None)
        if base is None:
            raise Refusal(
                path.as_posix(), "outside the project; prehab never reads it", "unsafe-path"
            )
        # abspath has already removed '..' (lexically): what is opened is
        # what is checked here, whatever the links along the way.
        parts = path.relative_to(base).parts
        folder = (base, parts[:-1])
        # a folder this gate has walked is not walked again for each file in it
        # (three lstat calls a file at 4,000 articles); the opened file's real
        # path is checked again after opening (_read_open) all the same
        current, walked = self._folders.get(folder, (self.real, base))
        for index in range(len(parts) - 1 if folder in self._folders else 0, len(parts)):
            walked = walked / parts[index]
            current = os.path.join(current, parts[index])
            if os.path.islink(current):
                current = os.path.realpath(current)
                if not self.inside(current):
                    raise Refusal(self.rel(walked), outside(current), "unsafe-path")
            if index == len(parts) - 2:
                self._folders[folder] = (current, walked)
        return current

    def check(self, path: Path | str) -> tuple[str, os.stat_result]:
        """(real path, stat) of a regular file inside the project, found
        without opening anything. Raises Refusal."""
        real = self.resolve(path)
        try:
            info = os.stat(real)
        except OSError as exc:
            link = os.path.islink(path)
            message = (
                f"a symlink to {os.path.realpath(path)}, which does not exist; fix or remove it"
                if link
                else f"cannot read the file: {exc.strerror}"
            )
            missing = not link and exc.errno == errno.ENOENT
            raise Refusal(self.rel(path), message, missing=missing) from exc
        if not stat.S_ISREG(info.st_mode):
            raise Refusal(self.rel(path), not_regular(info.st_mode))
        return real, info

    def read(self, path: Path | str, limit: Limit) -> bytes:
        """The bytes of a regular file inside the project, at most
        `limit.bytes` of them. Raises Refusal."""
        return self.read_real(path, limit)[0]

    def read_real(self, path: Path | str, limit: Limit) -> tuple[bytes, str]:
        """(bytes, real path) of a regular file inside the project."""
        real, info = self.check(path)
        if info.st_size > limit.bytes:  # before opening: a huge file costs nothing
            raise Refusal(self.rel(path), limit.message(info.st_size), "too-large")
        try:
            fd = os.open(real, _OPEN_FLAGS)
        except OSError as exc:
            raise Refusal(self.rel(path), f"cannot read the file: {exc.strerror}") from exc
        try:
            return self._read_open(fd, path, limit), real
        finally:
            os.close(fd)

    def _read_open(self, fd: int, path, limit: Limit) -> bytes:
        """The checks again on what was opened (a file swapped after
        `check` is caught here), then the bytes."""
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refusal(self.rel(path), not_regular(info.st_mode))
        opened = _opened_path(fd)
        if opened is not None and not self.inside(opened):
            raise Refusal(self.rel(path), outside(opened), "unsafe-path")
        if info.st_size > limit.bytes:
            raise Refusal(self.rel(path), limit.message(info.st_size), "too-large")
        chunks, left = [], limit.bytes + 1  # one byte more tells a file that grew
        while left > 0:
            try:
                chunk = os.read(fd, min(left, MIB))
            except OSError as exc:
                raise Refusal(self.rel(path), f"cannot read the file: {exc.strerror}") from exc
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit.bytes:
            raise Refusal(self.rel(path), limit.message(len(data)), "too-large")
        return data

    def too_large(self, found: Found, limit: Limit) -> Diagnostic | None:
        """A listed file over its cap, as a diagnostic (checked from the
        listing, before anything reads it)."""
        if found.size <= limit.bytes:
            return None
        return Diagnostic(self.rel(found.path), None, limit.message(found.size), code="too-large")

    def names(self, folder: Path) -> tuple[list[str], list[Diagnostic]]:
        """The names in one folder (junk aside), sorted; none when it does
        not exist. The folder itself must pass the gate; its entries are
        checked when they are read."""
        try:
            real = self.resolve(folder)
            with os.scandir(real) as entries:
                return sorted(e.name for e in entries if not is_junk(e.name)), []
        except Refusal as refusal:
            return [], [refusal.diagnostic()]
        except (FileNotFoundError, NotADirectoryError):
            return [], []
        except OSError as exc:
            return [], [_cannot_list(self.rel(folder), exc)]

    def walk(self, folder: Path) -> tuple[list[Found], list[Diagnostic]]:
        """Every regular file under `folder` (junk aside), sorted by path.
        Symlinks are followed only inside the project, folder loops are cut,
        and each symlink out, pipe, socket or device is a diagnostic."""
        found: list[Found] = []
        problems: list[Diagnostic] = []
        folder = Path(os.path.abspath(folder))
        try:
            real = self.resolve(folder)
            info = os.stat(real)
        except Refusal as refusal:
            return [], [refusal.diagnostic()]
        except OSError:
            return [], []  # no such folder: nothing to read
        if stat.S_ISDIR(info.st_mode):
            self._walk(folder, real, "", frozenset({(info.st_dev, info.st_ino)}), found, problems)
        return sorted(found, key=lambda f: f.rel), problems

    def _walk(self, shown: Path, real: str, rel: str, ancestors, found, problems) -> None:
        try:
            with os.scandir(real) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            problems.append(_cannot_list(self.rel(shown), exc))
            return
        for entry in entries:
            if is_junk(entry.name):
                continue
            try:
                target, info = self._entry(entry, shown / entry.name)
            except Refusal as refusal:
                problems.append(refusal.diagnostic())
                continue
            child = f"{rel}{entry.name}"
            if stat.S_ISDIR(info.st_mode):
                node = (info.st_dev, info.st_ino)
                if node not in ancestors:  # a link to a folder above: a loop, not more files
                    here = ancestors | {node}
                    self._walk(shown / entry.name, target, f"{child}/", here, found, problems)
            elif stat.S_ISREG(info.st_mode):
                found.append(Found(shown / entry.name, child, target, info.st_size))
            else:
                refusal = Refusal(self.rel(shown / entry.name), not_regular(info.st_mode))
                problems.append(refusal.diagnostic())

    def _entry(self, entry: os.DirEntry, shown: Path) -> tuple[str, os.stat_result]:
        """(real path, stat) of one folder entry, following a symlink only
        when it stays inside the project."""
        if not entry.is_symlink():
            return entry.path, entry.stat(follow_symlinks=False)
        target = os.path.realpath(entry.path)
        if not self.inside(target):
            raise Refusal(self.rel(shown), outside(target), "unsafe-path")
        try:
            return target, os.stat(target)
        except OSError as exc:
            message = f"a symlink to {target}, which does not exist; fix or remove it"
            raise Refusal(self.rel(shown), message) from exc


def _opened_path(fd: int) -> str | None:
    """Where the kernel says an open file is (Linux's /proc), or None."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None


def _cannot_list(rel: str, exc: OSError) -> Diagnostic:
    return Diagnostic(rel, None, f"cannot list this folder: {exc.strerror}", code="unreadable")


def open_regular(path: Path | str) -> int:
    """A file descriptor on a regular file, never a pipe or device (for
    callers that copy a file the gate listed). Raises OSError: ELOOP for a
    link, no errno for a file that is not regular."""
    fd = os.open(path, _OPEN_FLAGS)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path}: not a regular file")
    return fd


def copy_regular(real: str | Path, dest: Path) -> int:
    """Copy the file the gate found at `real` (its real path, checked inside
    the project) to a new file `dest`, opened as the gate opens files: a
    link, pipe or device swapped in at `real` since the check, or a folder
    on the way swapped for a link, is never followed or read. Returns the
    bytes copied. Raises OSError (the build stops; the old site stays)."""
    real = os.fspath(real)
    try:
        fd = open_regular(real)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, None):  # gone, or the disk: as it is
            raise
        raise _changed(real, "it became a link, pipe or device") from exc
    try:
        opened = _opened_path(fd)
        if opened is not None and opened != real:
            raise _changed(real, f"it moved (it is now {opened})")
        with os.fdopen(fd, "rb", closefd=False) as source, open(dest, "xb") as target:
            return _copy(source, target)
    finally:
        os.close(fd)


def _changed(real: str, why: str) -> OSError:
    return OSError(errno.EPERM, f"{why} since the build checked it; build again", real)


def _copy(source, target) -> int:
    total = 0
    while chunk := source.read(MIB):
        target.write(chunk)
        total += len(chunk)
    return total
