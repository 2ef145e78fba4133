"""Output: every file of a build goes through here, so a rebuild can reuse what did not change.

A build writes into a fresh staging folder; nothing in the published folder changes until the
whole build has succeeded (build.py).  With a cache (buildcache.py) the previous output is the
baseline, and a file whose bytes would be the same, or a page or stage whose inputs are
unchanged (`reuse`), is not written at all.  Two ways to publish:
  - the first build into a folder: the staging folder holds the whole site and becomes the
    published one by renaming;
  - any later build (`in_place`): the staging folder holds only what changed; build.py then
    moves those files into the published folder and deletes what this build no longer
    produces.  A rebuild knows from the cache what each published file holds; files it keeps
    are checked by size against that record (a file edited by hand is produced again).  A clean
    build (`--clean`) trusts no record: it renders everything and compares each file with the
    published one byte for byte.  Only renames and deletions touch the published folder, after
    every page and file was produced: a failed build still leaves it exactly as it was.
    Why a clean build does not write a whole new folder: on ext4, creating tens of thousands
    of files and folders soon after deleting as many (the previous output) is slow, because
    the allocator skips recently freed inodes one by one (`recently_deleted` in ext4's ialloc.c,
    the top of a kernel profile of the build): it cost 3 to 10 s of system time a build at
    10,000 platforms on the benchmark machine, against 1.6 s on tmpfs.

`emit(out, rel, data)` accepts a plain folder too (tests, benchmarks): then it just writes.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Output:
    def __init__(self, root: Path, previous: Path | None = None, published: dict[str, tuple[str, int]] | None = None,
                 in_place: bool = False, sizes: dict[str, int] | None = None):
        self.root = Path(root)
        self.in_place = in_place and previous is not None
        self.previous = Path(previous) if previous else None
        self._previous_prefix = f"{self.previous}/" if previous else ""   # a string: pathlib's / costs more than the stat
        self.published = published or {}     # rel -> (digest, size) of the previous output's files
        # rel -> size of every file the previous output holds (listing.py), which spares a stat for
        # each file kept; None: ask the file system
        self.sizes = sizes
        self.files: dict[str, tuple[str, int]] = {}   # what this build produced
        self.linked = 0                       # files kept from the previous output
        self._folders: set[str] = set()

    def _target(self, rel: str) -> Path:
        path = self.root / rel
        folder = os.path.dirname(path)
        if folder not in self._folders:     # one mkdir per folder, not one per file
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        return path

    def write(self, rel: str, data: bytes | str) -> str:
        if isinstance(data, str):
            data = data.encode("utf-8")
        entry = (digest(data), len(data))
        self.files[rel] = entry
        if self.published.get(rel) == entry and self._link(rel, entry[1]):
            return rel            # the same bytes are published already: no write
        if rel not in self.published and self._same_as_previous(rel, data) and self._link(rel):
            return rel            # no record of it (a clean build), but the same bytes are there
        path = self._target(rel)
        # a new file, never one linked to the previous output (writing through the link would
        # change the published file); three system calls, not Path.write_bytes' seven
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            path.unlink()
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        return rel

    def _same_as_previous(self, rel: str, data: bytes) -> bool:
        """The previous output holds exactly `data` at `rel` (compared byte for byte: a clean
        build trusts no record of what it holds)."""
        if self.previous is None:
            return False
        if self.sizes is not None and self.sizes.get(rel) != len(data):
            return False          # listed with another size (or not at all): no need to open it
        try:
            fd = os.open(self._previous_prefix + rel, os.O_RDONLY)
        except OSError:
            return False
        try:
            if self.sizes is None and os.fstat(fd).st_size != len(data):
                return False
            return os.read(fd, len(data) + 1) == data     # one byte more: a longer file is not the same
        except OSError:
            return False
        finally:
            os.close(fd)

    def reuse(self, rel: str) -> bool:
        """Take `rel` unchanged from the previous output (a cached stage or page); False if it is
        missing there or not what the cache recorded, and the caller must produce it."""
        entry = self.published.get(rel)
        if entry is None or not self._link(rel, entry[1]):
            return False
        self.files[rel] = entry
        return True

    def _link(self, rel: str, size: int | None = None) -> bool:
        """Keep the previous output's file: in place, or linked into the staging folder."""
        if self.previous is None:
            return False
        old = self._previous_prefix + rel
        try:
            if size is not None and (os.stat(old).st_size if self.sizes is None else self.sizes.get(rel)) != size:
                return False
            if self.in_place:
                self.linked += 1
                return True
            target = self._target(rel)
            target.unlink(missing_ok=True)
            os.link(old, target)
        except OSError:
            return False
        self.linked += 1
        return True


def emit(out, rel: str, data: bytes | str) -> str:
    """Write `rel` under `out` (an Output or a folder); returns rel."""
    if isinstance(out, Output):
        return out.write(rel, data)
    path = Path(out) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return rel
