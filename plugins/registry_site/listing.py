"""What the published folder holds, listed by a forked child while the build starts.

A build over a published site needs every file under OUTPUT with its size three times: to see
that nothing changed (buildcache.unchanged), to keep a previous file only while it is the size
the build cache recorded (output.Output.reuse: a file edited by hand is produced again), and to
delete what the build no longer produces (build._commit_in_place).  Walking its 28,000 folders
and sizing its 40,000 files is 0.15 s of system calls at 10,000 platforms, which a child forked
when the build starts does beside it, giving way to what the build waits for first (the registry
hashed by another child, the parse cache read by the build).

Nothing but the build writes into OUTPUT until it publishes (it stages in a sibling folder), so
the listing still holds at the end; whatever someone else changes meanwhile is handled as a
race is anyway: a file added is left, one deleted is not deleted twice (build.py).
"""
from __future__ import annotations

import os
from functools import partial

from sme_registry import parallel


def walk(top: str) -> tuple[dict[str, int], list[str]]:
    """({relative path: size} of every file under top, every folder under it, parents first).
    Strings and scandir rather than pathlib and os.walk: tens of thousands of entries."""
    files: dict[str, int] = {}
    folders: list[str] = []
    pending = [("", top)]
    while pending:
        prefix, path = pending.pop()
        try:
            entries = os.scandir(path)
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    rel = prefix + entry.name
                    folders.append(rel)
                    pending.append((rel + "/", entry.path))
                else:
                    try:
                        files[prefix + entry.name] = entry.stat(follow_symlinks=False).st_size
                    except OSError:
                        pass
    return files, folders


def _walk_aside(top: str, parent: int):
    """walk(top) in the child, which yields the core to the build's more urgent work meanwhile
    (build.py hashes the registry in another child while it reads the parse cache): the listing
    is needed only once the pages are written (or when nothing changed)."""
    parallel.give_way(parent, 10)
    return walk(top)


class Listing:
    """walk(folder), done by a forked child from the moment this is made (parallel.Background; here,
    without a second core).  `result()` waits for it; None when the folder does not exist."""

    def __init__(self, folder):
        self.folder = str(folder)
        self._result = None
        self._job = parallel.Background(partial(_walk_aside, self.folder, os.getpid())) if os.path.isdir(self.folder) else None

    def result(self) -> tuple[dict[str, int], list[str]] | None:
        if self._job is not None:
            try:
                self._result = self._job.result()
            except ChildProcessError:       # the child was killed: list here
                self._result = walk(self.folder)
            self._job.join()
            self._job = None
        return self._result

    def sizes(self) -> dict[str, int] | None:
        found = self.result()
        return found[0] if found else None
