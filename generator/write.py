"""Stage 6, write: the only stage that writes the site. Everything goes into
a staging folder beside the output folder, which is swapped in only when the
whole site is written; a failed build leaves the previous site untouched.
Every path is checked to stay inside the staging folder.

A build killed at any moment, SIGKILL included, leaves a state the next one
repairs before it does anything: killed between the two renames of the swap
(the old site renamed aside, the new one not yet in), the old site is put
back; staging and replaced folders of builds no longer running are removed."""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .atomic import write_atomic
from .files import copy_regular
from .staging import Staging, spare_of

if TYPE_CHECKING:  # not imported at run time: `prehab build` checks --output before the model loads
    from .model import Copy, Output

MARKER = ".prehab-output"
_SWAPS = itertools.count()  # a fresh name for each replaced folder


class UnsafeOutput(Exception):
    """The output folder or a path inside it is not safe to write."""


def check_output_folder(out: Path, project: Path) -> None:
    """Refuse an output folder that cannot be one, in one line, before
    anything there is read or deleted; put back the last good site if a
    build was killed in the middle of its swap; then refuse to replace a
    folder prehab did not make."""
    out = out.resolve()
    why = _not_an_output_folder(out, project.resolve())
    if why:
        raise UnsafeOutput(f"refusing to build into {out}: {why}; choose another --output")
    recover_output(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise UnsafeOutput(
            f"refusing to replace {out}: it was not made by prehab (no {MARKER} file in it); "
            "empty it or choose another --output"
        )


def _not_an_output_folder(out: Path, project: Path) -> str | None:
    """Why the (resolved) folder `out` must never be replaced by a build, or None."""
    try:
        home = Path.home().resolve()
    except (RuntimeError, KeyError):  # no home folder known: nothing to protect there
        home = None
    if out == Path(out.anchor):
        return "it is the root of the filesystem"
    if out == home:
        return "it is your home folder"
    if out == project:
        return "it is the project folder"
    if out in project.parents:
        return "it holds the project"
    if home is not None and out in home.parents:
        return "it holds your home folder"
    for name in ("content", "templates"):
        source = (project / name).resolve()
        if out == source or source in out.parents:
            return f"it is inside {name}/, which the build reads"
    return None


def safe_destination(root: Path, relative: str, fresh: bool = False) -> Path:
    """root/relative, refusing absolute paths, '..' and anything that would
    land outside root once symlinks are resolved. In a `fresh` folder (the
    staging folder this build made, which holds no symlink: nothing here
    makes one) the path alone is checked, without resolving it."""
    parts = PurePosixPath(relative).parts
    if (
        not parts
        or relative.startswith("/")
        or "\\" in relative
        or any(p in ("..", ".", "") for p in parts)
    ):
        raise UnsafeOutput(f"refusing to write outside the output folder: {relative!r}")
    dest = root.joinpath(*parts)
    if fresh:
        return dest
    real_root = root.resolve()
    if real_root not in dest.parent.resolve().parents and dest.parent.resolve() != real_root:
        raise UnsafeOutput(f"refusing to write outside the output folder: {relative!r}")
    return dest


def write_site(
    out: Path, outputs: list[Output], copies: list[Copy], before_swap=None, remove_old=None
) -> int:
    """Write everything to a staging folder (the spare brought up to date, or
    a fresh one: see staging.py), run `before_swap(staging)` (the search
    index), then swap it in. The replaced folder becomes the next build's
    spare; what the staging folder no longer needed goes to
    `remove_old(path)` (default: deleted now). Returns the bytes written
    (files linked from the previous output are not written)."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    _reap_leftovers(out)
    wanted = {item.path for item in outputs} | {item.path for item in copies} | {MARKER}
    for relative in wanted:
        safe_destination(out, relative, fresh=True)  # the path alone: refused before any write
    trash = _aside(out)
    total = 0
    staging = Staging(out)
    try:
        staging.prepare(wanted, trash)
        for item in outputs:
            if item.data is None:  # an unchanged page: the previous output's file, linked
                staging.link(item.path, item.source, link_or_copy)
                continue
            staging.write(item.path, item.data)
            total += len(item.data)
        for item in copies:
            total += staging.copy(item.path, item.source)
        staging.write(
            MARKER, b"This folder is made by `prehab build` and replaced by each build.\n"
        )
        if before_swap:
            before_swap(staging.root)
        old = _swap(staging.root, out)
    except BaseException:
        shutil.rmtree(staging.root, ignore_errors=True)
        shutil.rmtree(trash, ignore_errors=True)
        raise
    # a site that shares few files with the new one (the last build remade
    # most pages) would cost more to bring up to date than a fresh folder
    linked = sum(1 for item in outputs if item.data is None)
    spare = _keep_as_spare(old, out) if linked * 2 >= len(outputs) else old
    for folder in (trash, spare):
        if folder is not None and folder.exists():
            (remove_old or _remove)(folder)
    return total


def _keep_as_spare(old: Path | None, out: Path) -> Path | None:
    """Rename the replaced site to the spare; returns it when it cannot be
    (it is then deleted instead)."""
    if old is None:
        return None
    try:
        old.rename(spare_of(out))
    except OSError:
        return old
    return None


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def link_or_copy(source: Path, dest: Path) -> None:
    """Hard-link a file that must not change (a page of the previous output,
    a cached search index file); copy where links are not possible. Nothing
    writes into an output file in place (every write is a new file renamed
    over the old), so the source cannot be changed through the link."""
    try:
        os.link(source, dest)
    except OSError:
        shutil.copyfile(source, dest)


def _aside(out: Path) -> Path:
    """A fresh name beside `out` for a folder set aside (a replaced site,
    files no longer needed): removed by the next build if this one dies."""
    return out.parent / f".{out.name}.old-{os.getpid()}-{next(_SWAPS)}"


def _swap(staging: Path, out: Path) -> Path | None:
    """Rename out aside and staging to out; returns the renamed old folder."""
    old = _aside(out)
    if not out.exists():
        old = None
    else:
        out.rename(old)
    try:
        staging.rename(out)
    except BaseException:
        if old is not None and old.exists():
            old.rename(out)
        raise
    return old


def _reap_leftovers(out: Path) -> None:
    """Before a swap (the caller holds the project lock): put back a site an
    interrupted build left renamed aside, remove staging folders that builds
    no longer running left behind, and every replaced folder."""
    recover_output(out, locked=True)


def recover_output(out: Path, locked: bool = False) -> bool:
    """Repair what a killed build left beside `out`: when `out` is missing
    and the folder a build renamed aside is there (the build was killed
    between the two renames of its swap), rename it back; then remove the
    staging and replaced folders of builds no longer running. With `locked`
    (the caller holds the project lock, so no build is in its swap), every
    replaced folder counts as left over, whichever pid its name gives.
    True when the old site was put back."""
    out = out.absolute()
    try:
        found = list(_leftovers(out))
    except OSError:  # no parent folder yet, or unreadable: nothing was left there
        return False
    gone = [
        (kind, path) for kind, pid, path in found if not _alive(pid) or (locked and kind == "old")
    ]
    restored = None
    if not os.path.lexists(out):
        olds = [path for kind, path in gone if kind == "old" and (path / MARKER).is_file()]
        if olds:  # one, unless several builds were killed in a row: then the newest
            newest = max(olds, key=lambda path: (path / MARKER).stat().st_mtime_ns)
            try:
                newest.rename(out)
                restored = newest
            except OSError:  # another build put one back first
                pass
    for _, path in gone:
        if path != restored:
            shutil.rmtree(path, ignore_errors=True)
    return restored is not None


def _leftovers(out: Path):
    """(kind, pid, path) for each staging ('staging') and replaced ('old')
    folder of `out`: .NAME.staging-PID and .NAME.old-PID-N beside it."""
    prefix = f".{out.name}."
    with os.scandir(out.parent) as entries:
        for entry in entries:
            if not entry.name.startswith(prefix) or not entry.is_dir(follow_symlinks=False):
                continue
            kind, _, rest = entry.name[len(prefix) :].partition("-")
            pid = rest.split("-")[0]
            if kind in ("staging", "old") and pid.isdigit():
                yield kind, int(pid), Path(entry.path)


def _alive(pid: int) -> bool:
    """Is `pid` a running process other than this one? (A zombie is not:
    a build killed but not yet waited for by its parent.)"""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except PermissionError:  # someone else's process
        return True
    except OSError:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):  # no /proc (macOS): os.kill said it runs
        return True


def sync_folder(
    out: Path, outputs: list[Output], copies: list[Copy], previous: dict[str, object]
) -> tuple[int, dict[str, object]]:
    """Bring a live folder (the dev server's) up to date in place: write only
    files whose content changed, each atomically (a reader never sees half a
    file), and delete files no longer produced. `previous` is what the last
    sync returned. Returns (files written or deleted, state for next time)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text(
        "This folder is made by `prehab serve` and updated on every change.\n"
    )
    state: dict[str, object] = {}
    changed = 0
    for item in outputs:
        state[item.path] = (
            item.data
        )  # unchanged pages are the very same bytes object: cheap to compare
        if previous.get(item.path) != item.data:
            write_atomic(safe_destination(out, item.path), item.data)
            changed += 1
    for item in copies:
        stat = item.source.stat()
        token = (str(item.source), stat.st_mtime_ns, stat.st_size)
        state[item.path] = token
        if previous.get(item.path) != token:
            write_atomic(
                safe_destination(out, item.path),
                b"",
                fill=lambda tmp, src=item.source: copy_regular(src, tmp),
            )
            changed += 1
    for gone in sorted(set(previous) - set(state)):
        path = safe_destination(out, gone)
        path.unlink(missing_ok=True)
        changed += 1
    return changed, state
