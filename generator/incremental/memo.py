"""The memo (reuse machinery): what earlier builds made, and from what.

Each remembered output (a body's HTML, a page) is stored with
- `inputs`: the fingerprint of the plain values the stage handed over (a
  body's Markdown and citations; a page's URL, template, title, variables,
  the site configuration and theme assets), and
- `trace`: every key the output read through the site view while it was
  made (nodes' attributes, lists, terms, studies, other bodies' HTML, images,
  cards, template sources), each with the fingerprint of the value read.

An output is reused only when its inputs match and every key in its trace
still reads the same value (`view.lookup`, the same function the render
used). Nothing here lists what a template shows: the trace is recorded, so
a template that starts showing more data records more keys, and a stale
output cannot happen. A stage given no memo renders everything, with the
same result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import jinja2.bccache

from .. import remembered
from ..model import Output
from ..view import Sources, lookup
from .cache import Cache
from .fingerprint import Fingerprints

GONE = b"gone"  # the fingerprint of a key that no longer reads anything


@dataclass
class Entry:
    inputs: bytes
    trace: tuple[tuple[tuple, bytes], ...]  # (key, fingerprint) pairs, shared between entries
    value: (
        object  # a body's HTML parts; a page's bytes (None once saved: the output folder has them)
    )


@dataclass
class Memo:
    """What a previous build made, for the next one to reuse."""

    parsed: dict = field(default_factory=dict)  # (path, text hash) -> parsed source, for load
    validated: dict = field(
        default_factory=dict
    )  # (path, front-matter hash) -> model, for validate
    bodies: dict[tuple, Entry] = field(default_factory=dict)  # (kind, slug) -> HTML parts
    pages: dict[str, Entry] = field(default_factory=dict)  # url -> page bytes
    cards: dict[tuple, Entry] = field(default_factory=dict)  # (routine, size) -> card cache key
    pictures: dict[str, Entry] = field(default_factory=dict)  # output path -> share picture bytes
    remembered: dict[str, dict] = field(default_factory=dict)  # pure scans: function -> results
    templates: dict[str, tuple] = field(default_factory=dict)  # Jinja key -> (checksum, code)
    # where this memo was read from (memo_file.Origin): what a save compares to; not saved
    origin: object = field(default=None, compare=False, repr=False)


class Reuse:
    """The one optional value a stage takes to skip work: a memo, the last
    output folder (when untouched: unchanged pages are linked from it), and
    the fingerprints of this build. `start()` begins a build."""

    def __init__(
        self,
        memo: Memo | None = None,
        previous_output: Path | None = None,
        cache_root: Path | None = None,
    ):
        self.memo = memo or Memo()
        self.previous_output = previous_output
        self.cache_root = cache_root  # .prehab-cache: cards, resized images
        # (template texts, their compiled environment), in memory only
        self._environment: tuple[dict, object] | None = None
        self.file_hashes: dict = {}  # path -> (size, mtime_ns, sha256), as git's index keeps them
        remembered.restore(self.memo.remembered)
        self.template_code = TemplateCode(self.memo.templates)
        self.start()

    def start(self) -> None:
        remembered.begin()
        self.prints = Fingerprints(getattr(self, "prints", None))
        self.current: dict[tuple, tuple[tuple, bytes]] = {}  # key -> (key, its fingerprint now)
        self.used: set[str] = set()  # the tables this build looked in
        self.seen: dict[str, dict] = {"bodies": {}, "pages": {}, "cards": {}, "pictures": {}}

    @property
    def parsed(self) -> dict:
        return self.memo.parsed

    @property
    def validated(self) -> dict:
        return self.memo.validated

    def environment(self, templates: dict[str, str], make):
        """The Jinja environment for these template texts: the last one when
        the texts are the same (its compiled templates are a function of
        them), else `make()`. Saves compiling every template on each rebuild
        of the dev server."""
        if self._environment is None or self._environment[0] != templates:
            self._environment = (dict(templates), make())
        return self._environment[1]

    def cache(self, namespace: str) -> Cache:
        """The file cache of one kind of output (cards, images) under .prehab-cache."""
        return Cache(self.cache_root, namespace, self.file_hashes)

    def inputs(self, value: object) -> bytes:
        return self.prints.of(value)

    def _now(self, key: tuple, sources: Sources) -> tuple[tuple, bytes]:
        """(key, fingerprint of what it reads now): one shared pair per key,
        so the memo pickles each key once however many entries read it."""
        known = self.current.get(key)
        if known is None:
            try:
                known = (key, self.prints.of(lookup(key, sources)))
            except (KeyError, AttributeError, StopIteration):
                known = (key, GONE)
            self.current[key] = known
        return known

    def _valid(self, table: str, entry: Entry | None, inputs: bytes, sources: Sources) -> bool:
        self.used.add(table)
        if entry is None or entry.inputs != inputs:
            return False
        current = self.current
        for key, seen in entry.trace:  # a plain loop: this runs for every read of every page
            now = current.get(key)
            if now is None:
                now = self._now(key, sources)
            if now[1] != seen:
                return False
        return True

    def _entry(self, inputs: bytes, reads, sources: Sources, value) -> Entry:
        return Entry(inputs, tuple(self._now(key, sources) for key in reads), value)

    def find(self, table: str, name, inputs: bytes, sources: Sources):
        """The value remembered under `name` in `table` (bodies, pages,
        cards) when its inputs and every read are unchanged, else None."""
        entry = getattr(self.memo, table).get(name)
        if not self._valid(table, entry, inputs, sources):
            return None
        self.seen[table][name] = entry
        return entry.value

    def keep(self, table: str, name, inputs: bytes, reads, sources: Sources, value) -> None:
        self.seen[table][name] = self._entry(inputs, reads, sources, value)

    def body(self, name: tuple, inputs: bytes, sources: Sources) -> dict | None:
        return self.find("bodies", name, inputs, sources)

    def keep_body(self, name: tuple, inputs: bytes, reads, sources: Sources, parts: dict) -> None:
        self.keep("bodies", name, inputs, reads, sources, parts)

    def page(self, url: str, path: str, inputs: bytes, sources: Sources) -> Output | None:
        return self._output("pages", url, path, inputs, sources)

    def _output(self, table: str, name, path: str, inputs: bytes, sources) -> Output | None:
        """A file an earlier build made from the same inputs and reads: its
        bytes, or the file in the untouched last output (linked, not read)."""
        entry = getattr(self.memo, table).get(name)
        if not self._valid(table, entry, inputs, sources):
            return None
        if entry.value is not None:
            self.seen[table][name] = entry
            return Output(path, entry.value)
        if self.previous_output is not None and (self.previous_output / path).is_file():
            self.seen[table][name] = entry
            return Output(path, None, self.previous_output / path)
        return None

    def keep_page(self, url: str, inputs: bytes, reads, sources: Sources, data: bytes) -> None:
        self.keep("pages", url, inputs, reads, sources, data)

    def picture(self, path: str, inputs: bytes) -> Output | None:
        """A share picture drawn from the same inputs (it reads nothing else)."""
        return self._output("pictures", path, path, inputs, None)

    def keep_picture(self, path: str, inputs: bytes, data: bytes) -> None:
        self.keep("pictures", path, inputs, (), None, data)

    def finish(self) -> None:
        """After a good build: remember what it made, forget the rest."""
        for table, entries in self.seen.items():
            if table in self.used or entries:  # a table this build did not use stays as it was
                setattr(self.memo, table, entries)
        self.memo.remembered = remembered.harvest()
        self.memo.templates = {**self.memo.templates, **self.template_code.compiled}
        self.previous_output = None


class TemplateCode(jinja2.BytecodeCache):
    """Compiled templates kept in the memo, so that a fresh `prehab build`
    does not compile again the templates it renders (0.14-0.17 s). Jinja
    uses an entry only when its source checksum matches the template's text;
    the memo is signed, so the code loaded is code a build of this user's
    wrote, and the toolchain key drops it when Jinja or prehab changes."""

    def __init__(self, known: dict[str, tuple]):
        self.known = known
        self.compiled: dict[str, tuple] = {}  # compiled by this process: for the memo

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = self.known.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.bytecode_from_string(found[1])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = (bucket.checksum, bucket.bytecode_to_string())
