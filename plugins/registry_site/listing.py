"""What the published folder holds, listed by a forked child while the build starts.

A build over a published site needs every file under OUTPUT with its size three times: to see
that nothing changed (buildcache.unchanged), to keep a previous file only while it is the size
the build cache recorded (output.Output.reuse: a file edited by hand is produced again), and to
delete what the build no longer produces (build._commit_in_place).  Walking its 28,000 folders
and sizing its 40,000 files is 0.15 s of system calls at 10,000 platforms, which a child forked
when the build starts does on the other core while this process reads and hashes the registry.

Nothing but the build writes into OUTPUT until it publishes (it stages in a sibling folder), so
the listing still holds at the end; whatever someone else changes meanwhile is handled as a
race is anyway: a file added is left, one deleted is not deleted twice (build.py).
"""
from __future__ import annotations

import marshal
import os


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


class Listing:
    """walk(folder), done by a forked child from the moment this is made (or here, where no fork
    is possible).  `result()` waits for it; None when the folder does not exist."""

    def __init__(self, folder):
        self.folder = str(folder)
        self._result = None
        self._pid = self._read = None
        if not os.path.isdir(self.folder):
            self._done = True
            return
        self._done = False
        if not hasattr(os, "fork"):     # pragma: no cover - not Linux
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:                    # the child: list, send, and leave without any clean-up of the parent's
            try:
                os.close(read)
                data = marshal.dumps(walk(self.folder))
                view = memoryview(data)
                while view:
                    view = view[os.write(write, view):]
            finally:
                os._exit(0)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> tuple[dict[str, int], list[str]] | None:
        if self._done:
            return self._result
        self._done = True
        if self._pid is None:
            self._result = walk(self.folder)
            return self._result
        chunks = []
        try:
            while chunk := os.read(self._read, 1 << 20):
                chunks.append(chunk)
        finally:
            os.close(self._read)
            os.waitpid(self._pid, 0)
        try:
            self._result = marshal.loads(b"".join(chunks))
        except (EOFError, ValueError, TypeError):     # the child died before it sent everything
            self._result = walk(self.folder)
        return self._result

    def sizes(self) -> dict[str, int] | None:
        found = self.result()
        return found[0] if found else None
