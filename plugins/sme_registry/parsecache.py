"""Parsed record files by content, so a rebuild reads again only the files that changed.

Parsing YAML is most of validation's time (10,000 platforms: about 0.9 s of parsing, on one
core, against 0.3 s to load this cache).  An entry is keyed by the file's shown path and
the digest of its bytes, and holds exactly what yamlsource.load_file produced: the data, the
implicitly typed scalars and the problems the file itself has.  Not the text, from which Source
finds the line of a field: it is the bytes the entry is keyed by, decoded again (read from the file
only when a problem asks for a line, if the caller knew the digest without handing over the bytes:
`known`; then only while the file still has that digest).
Everything after parsing runs on every build (the rules across records; the schemas, for every
record that did not pass the same schemas last time: SchemaSet.digest), so a cached load reports
the same problems as a fresh one (tests/test_parsecache.py).  Entries not used by a
build are dropped when it saves, so the cache holds one registry, not its history.

It also remembers what the rules that look at one record at a time found in it (rules._each: a
programme's validity and region; a platform's region, credit code, recognitions, criteria and
personal data), by the digests of the files they read: a rebuild after one change checks that
record again, not ten thousand; and what regions.lookup found, so that checking it does not read
python-stdnum's table.  The code digest covers the whole sme_registry package and python-stdnum
(the check characters and the region table the rules use).
"""
from __future__ import annotations

import hashlib
import marshal
import os
import pickle
from functools import partial
from pathlib import Path

from . import regions
from .yamlsource import Source

FORMAT = 7


class ParseCache:
    def __init__(self, file: Path | None = None):
        self.file = Path(file) if file else None
        # path -> the digest of its bytes, when the caller read them already (a site build, for
        # its inputs key): a file found here by that digest is not read again, and its Source
        # reads its text only if a problem needs its lines (_read_text)
        self.known: dict[str, bytes] = {}
        self.preread: dict[str, bytes] = {}    # path -> the bytes it hashed, when the caller kept them
        self.changed_since_known = False    # a file read to be parsed no longer had that digest
        # (shown, digest) -> ((data, lines) or None, the file's own problems, whether its record
        # passed the schemas of `self.schemas`, a digest of them: schemas.SchemaSet)
        self.schemas: bytes | None = None
        self.schemas_changed = False     # whether a record passed them or not, since the file was written
        self.old: dict = {}
        self.new: dict = {}
        # (shown, digest) -> its implicitly typed scalars (Source.implicit), when it has any.
        # Apart, and those of the file read only when asked: a schema error needs them, and they
        # were a third of the cache's reading time.
        self._implicit_old: dict | bytes = {}
        self.implicit_new: dict = {}
        # what the rules found in a record (rules.py), by its files' digests: read only when
        # the rules ask (in a site build, by the child that checks them: build.py)
        self._found_old: dict | bytes = {}
        self.found_new: dict = {}
        self.record_keys: dict = {}    # (kind, id) -> its key above, worked out once a run (rules._memo_key)
        # what regions.lookup found (regions.known), for the rules' lookups: checking one platform's
        # region again read python-stdnum's whole table (0.03 s) in the process that checks the rules
        self.regions: dict = {}
        if self.file:
            try:
                with open(self.file, "rb") as f:
                    stored = pickle.load(f)
                if stored.get("format") == FORMAT and stored.get("code") == _code_digest():
                    entries = stored["entries"]
                    self.old = marshal.loads(entries) if isinstance(entries, bytes) else entries
                    self._implicit_old, self._found_old = stored["implicit"], stored["found"]
                    self.schemas = stored["schemas"]
                    self.regions = stored.get("regions", {})
            except Exception:    # missing, truncated, another version: parse everything
                self.old, self._implicit_old, self._found_old = {}, {}, {}

    @property
    def found_old(self) -> dict:
        if isinstance(self._found_old, bytes):
            self._found_old = pickle.loads(self._found_old)
        return self._found_old

    def _implicit(self, key: tuple) -> dict:
        if isinstance(self._implicit_old, bytes):
            self._implicit_old = marshal.loads(self._implicit_old)
        found = self.implicit_new.get(key)
        return self._implicit_old.get(key, {}) if found is None else found

    def read(self, path: str) -> bytes:
        data = self.preread.pop(path, None)
        return Path(path).read_bytes() if data is None else data

    def get(self, shown: str, digest: bytes, raw: bytes | None = None, path: str | None = None) -> tuple | None:
        """(Source, the file's own problems) when the bytes with this digest (file_digest) were
        parsed before, else None.  `raw`: those bytes, else `path` to read them from if the
        lines are asked for."""
        key = (shown, digest)
        entry = self.old.get(key) or self.new.get(key)
        if entry is None:
            return None
        self.new[key] = entry
        if entry[0] is None or raw is not None:
            return self._unpack(shown, entry, partial(self._implicit, key),
                                raw.decode("utf-8-sig") if entry[0] is not None else None)
        return self._unpack(shown, entry, partial(self._implicit, key), None, partial(_read_text, path, digest))

    def passed_schema(self, shown: str, digest: bytes, schemas) -> bool:
        """The record of these bytes passed the schemas last time, and they are the same
        (`schemas()`: the SchemaSet, made only when some entry says it passed)."""
        entry = self.new.get((shown, digest))
        return entry is not None and len(entry) > 2 and entry[2] and self.schemas == schemas().digest

    def remember_schema(self, shown: str, digest: bytes, passed: bool, schemas: bytes) -> None:
        """Whether the record of these bytes passed the schemas with this digest (a load checks
        every record it took from here that did not pass the same schemas)."""
        key = (shown, digest)
        if self.schemas != schemas:     # other schemas: no record has passed these yet
            if self.schemas is not None:
                self.new = {k: entry[:2] for k, entry in self.new.items()}
                self.old = {k: entry[:2] for k, entry in self.old.items()}
            self.schemas = schemas
        entry = self.new[key]
        if entry[2:] != (passed,):
            self.new[key] = (entry[0], entry[1], passed)
            self.schemas_changed = True

    def put(self, digest: bytes, shown: str, src: Source | None, own: list) -> tuple:
        """Keep a fresh parse of the bytes with this digest; returns it as `get` would."""
        # the lines only when the file's own problems needed them; else Source works them out from the text when asked
        entry = ((src.data, src._lines) if src is not None else None, list(own))
        self.new[(shown, digest)] = entry
        if src is not None and src.implicit:
            self.implicit_new[(shown, digest)] = src.implicit
        return self._unpack(shown, entry, src.implicit if src is not None else None, src.text if src is not None else None)

    def found(self, key: tuple) -> dict | None:
        """{rule: its problems} for a record the rules checked before (key: rules._memo_key)."""
        old = self._found_old if type(self._found_old) is dict else self.found_old    # 39,000 asks a rebuild
        entry = old.get(key) or self.found_new.get(key)
        if entry is not None:
            self.found_new[key] = entry
        return entry

    def keep_found(self, key: tuple, rule: str, problems: list) -> None:
        self.found_new.setdefault(key, {})[rule] = list(problems)

    @staticmethod
    def _unpack(shown: str, entry: tuple, implicit, text: str | None, reader=None) -> tuple:
        parsed, own = entry[:2]
        if parsed is None:
            return None, own
        # a Source of its own (Registry.release_sources replaces its dicts, never empties them)
        data, lines = parsed
        return Source(shown, data, lines, implicit, text=text, reader=reader), own

    def save(self, background: bool = False):
        """Write the entries this load used.  `background`: a forked child writes them (a
        quarter of a second at 10,000 platforms) while the caller goes on; call the function
        returned before the process ends (it waits for the child)."""
        if not self.file or (self.new.keys() == self.old.keys() and self.found_new.keys() == self.found_old.keys()
                             and not self.schemas_changed):
            return lambda: None
        if background:
            from .parallel import Background
            return Background(lambda: None, then=self._write).join
        self._write()
        return lambda: None

    def _write(self) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_suffix(".tmp")
        try:    # plain values (no file with problems of its own): marshal reads them back in two thirds of the time
            entries = marshal.dumps(self.new)
        except ValueError:
            entries = self.new
        implicit = {key: found for key in self.new if (found := self._implicit(key))}
        with open(tmp, "wb") as f:
            pickle.dump({"format": FORMAT, "code": _code_digest(), "entries": entries, "implicit": marshal.dumps(implicit),
                         "schemas": self.schemas, "regions": regions.known(),
                         "found": pickle.dumps(self.found_new, protocol=5)}, f, protocol=5)
        os.replace(tmp, self.file)


def _read_text(path: str, digest: bytes) -> str | None:
    """The text of the file with this digest, read when a problem needs a line; None if it has
    changed since (the problem then names no line rather than a wrong one)."""
    try:
        raw = Path(path).read_bytes()
        return raw.decode("utf-8-sig") if file_digest(raw) == digest else None
    except (OSError, UnicodeDecodeError):
        return None


def file_digest(raw: bytes) -> bytes:
    """What a file's bytes are known by: here, in rules._memo_key and in a site build's keys."""
    return hashlib.blake2b(raw, digest_size=16).digest()


def _code_digest() -> bytes:
    """Parsing depends on the loader's code and PyYAML's version; the rules remembered, on the
    package's code and python-stdnum's version."""
    import stdnum
    import yaml
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{yaml.__version__}|{stdnum.__version__}|".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.digest()
