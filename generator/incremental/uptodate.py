"""Is the last build still current? (reuse machinery, before load) When every input file,
the build options, the date and the toolchain (prehab's own code, its
libraries, the system fonts and PDF libraries) are as they were at the last
successful build, and the output folder still holds exactly
what that build wrote, there is nothing to do: the build is skipped and the
last build's warnings are shown again.

Inputs are compared by content hash; a file is re-hashed only when its size
or modification time changed (as git's index does), so the check reads no
file that was not touched. The output folder is compared by its listing
(path, size, modification time): a deleted or hand-edited output file means
a real build."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import stat
import time
from pathlib import Path

from ..atomic import write_atomic
from ..diagnostics import Diagnostic
from ..files import holds
from .toolchain import code_files, library_versions, system_files

CACHE_FOLDER = ".prehab-cache"
STAMP_NAME = "last-build.json"
INPUT_FOLDERS = ("content", "templates")


@dataclasses.dataclass
class Stamp:
    """What the last successful build read and wrote."""

    inputs: str = ""  # hash over every input and setting
    output: str = ""  # hash over the output folder's listing
    totals: dict = dataclasses.field(default_factory=dict)  # pages, files, pdfs: for the summary
    warnings: list[dict] = dataclasses.field(default_factory=list)
    files: dict[str, list] = dataclasses.field(
        default_factory=dict
    )  # path -> [size, mtime_ns, sha256]


@dataclasses.dataclass
class Check:
    """The last build's stamp next to the inputs and output as they are now."""

    stamp: Stamp
    inputs: str  # the inputs' hash now
    files: dict[str, list]  # per-file hashes now, to remember
    untouched: bool  # the output folder is as the last build left it
    seconds: float = 0.0  # how long the check took

    @property
    def current(self) -> bool:
        return self.untouched and self.stamp.inputs == self.inputs


def check(project: Path, output: Path, options: object, today: object) -> Check:
    """Compare the last build (its stamp under project/.prehab-cache) with now."""
    start = time.perf_counter()
    stamp = read_stamp(project / CACHE_FOLDER / STAMP_NAME)
    inputs, files = input_hash(project, (options, str(today), str(output)), stamp.files)
    untouched = bool(stamp.output) and stamp.output == output_hash(output)
    return Check(stamp, inputs, files, untouched, time.perf_counter() - start)


def unchanged_summary(stamp: Stamp, output: Path, seconds: float) -> str:
    return (
        f"Nothing changed since the last build: {stamp.totals['pages']} "
        f"pages and {stamp.totals['pdfs']} PDFs "
        f"in {output} are up to date (checked in {seconds:.2f} s)"
    )


def read_stamp(path: Path) -> Stamp:
    try:
        return Stamp(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return Stamp()


def write_stamp(path: Path, stamp: Stamp) -> None:
    write_atomic(path, json.dumps(dataclasses.asdict(stamp), sort_keys=True).encode("utf-8"))


def _walk(folder: Path, project: Path):
    if not holds(os.path.realpath(project), os.path.realpath(folder)):
        yield str(folder)  # a link out of the project: never walked (the file gate refuses it)
        return
    for root, dirs, files in os.walk(folder):  # symlinked folders are listed, not followed
        dirs.sort()
        for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(root, d))]):
            yield os.path.join(root, name)


def input_hash(
    project: Path, settings: object, known: dict[str, list]
) -> tuple[str, dict[str, list]]:
    """A hash over the content and templates (each file by content), prehab's
    code, its libraries' versions, the system libraries and fonts that shape
    PDFs, and `settings`; and the per-file hashes to remember for next time."""
    files: dict[str, list] = {}
    digest = hashlib.sha256(repr(settings).encode())
    walked = [p for folder in INPUT_FOLDERS for p in _walk(project / folder, project)]
    sources = walked + code_files()
    for path in sources:
        if path.endswith((".pyc", ".tmp")):
            continue
        try:
            info = os.lstat(path)
            seen = known.get(path)
            if seen and seen[0] == info.st_size and seen[1] == info.st_mtime_ns:
                sha = seen[2]
            elif stat.S_ISREG(info.st_mode):
                with open(path, "rb") as handle:
                    sha = hashlib.file_digest(handle, "sha256").hexdigest()
            else:  # a symlink, FIFO or device: never read it (load reports it)
                target = os.readlink(path) if stat.S_ISLNK(info.st_mode) else ""
                sha = f"special {info.st_mode} {target}"
            files[path] = [info.st_size, info.st_mtime_ns, sha]
        except OSError as exc:  # unreadable, or gone since the listing: the build itself will say
            sha = f"unreadable {exc.errno}"
            files[path] = [-1, -1, sha]
        digest.update(f"{path}\0{sha}\0".encode())
    for line in library_versions() + system_files():
        digest.update(f"{line}\0".encode())
    return digest.hexdigest(), files


def output_hash(output: Path) -> str:
    """A hash over the output folder's listing; empty when there is none.
    Every folder is listed by name and every file by size and time: an
    added, removed or edited file shows, and a folder needs no stat call."""
    if not output.is_dir():
        return ""
    lines = []
    folders = [str(output)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                    lines.append(f"{entry.path}\0")
                else:
                    info = entry.stat(follow_symlinks=False)
                    lines.append(
                        f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_mode}"
                    )
    lines.sort()  # listing order is the file system's: the hash must not depend on it
    return hashlib.sha256("\0\0".join(lines).encode()).hexdigest()


def warnings_of(records: list[dict]) -> list[Diagnostic]:
    return [
        Diagnostic(r["file"], r["line"], r["message"], r["severity"], r["code"], r["column"])
        for r in records
    ]
