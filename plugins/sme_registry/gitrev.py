"""A registry folder as it was at a Git revision, extracted into a temporary folder.

    with registry_at("origin/main", Path("examples")) as base:
        old = load_registry(base.root, as_of=...)

One `git archive <commit> -- <folder>` per folder, unpacked with tarfile: the registry
folder itself and, when its `registry.yaml` (at that revision) `extends` another folder
of the same repository, that folder too, so the layered registry loads as it did.  The
extracted tree mirrors the repository, so relative `extends` paths keep working.
A folder that did not exist at the revision comes out empty (everything is new).
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import yaml


class GitError(Exception):
    """Something a person must fix before a revision can be read; the message is Chinese."""


@dataclass(frozen=True)
class Snapshot:
    rev: str          # as the person wrote it, e.g. origin/main
    commit: str       # full hash it resolved to
    toplevel: Path    # the repository's working tree
    relpath: str      # the registry folder inside the repository, POSIX, "." for the top
    root: Path        # the extracted registry folder (temporary)


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True)
    except FileNotFoundError:
        raise GitError("找不到 git 命令：请先安装 Git（Debian/Ubuntu：apt-get install git）。") from None


def _toplevel(registry: Path) -> Path:
    start = registry if registry.is_dir() else (registry.parent if registry.parent.is_dir() else Path.cwd())
    proc = _git(start, "rev-parse", "--show-toplevel")
    if proc.returncode != 0:
        raise GitError(f"“{registry}”不在 Git 仓库中：review 要和仓库中的某个版本比较，请在登记库所在的 Git 仓库里运行。")
    return Path(proc.stdout.decode().strip()).resolve()


def resolve_commit(toplevel: Path, rev: str) -> str:
    hint = f"找不到版本 {rev}：请用分支名或提交号，例如 BASE=origin/main"
    if not rev or rev.startswith("-"):
        raise GitError(hint)
    proc = _git(toplevel, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if proc.returncode != 0:
        raise GitError(hint)
    return proc.stdout.decode().strip()


def _extract(toplevel: Path, commit: str, relpath: str, dest: Path) -> None:
    """Unpack `relpath` as of `commit` under `dest` (same relative layout); nothing if it did not exist."""
    proc = _git(toplevel, "archive", "--format=tar", commit, "--", relpath)
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace")
        if "did not match" in err:   # the folder is new since that revision
            return
        raise GitError(f"无法读取版本 {commit[:12]} 中的“{relpath}”：{err.strip()}")
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
        tar.extractall(dest, filter="data")


def _extends(folder: Path) -> str | None:
    manifest = folder / "registry.yaml"
    if not manifest.is_file():
        return None
    try:
        data = yaml.safe_load(manifest.read_text("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None   # the loader reports it
    value = data.get("extends") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else None


@contextmanager
def registry_at(rev: str, registry: Path | str) -> Iterator[Snapshot]:
    """The registry folder `registry` (a path in the working tree) as of revision `rev`."""
    registry = Path(registry).absolute()
    toplevel = _toplevel(registry)
    commit = resolve_commit(toplevel, rev)
    try:
        relpath = Path(os.path.normpath(registry)).resolve().relative_to(toplevel).as_posix() or "."
    except ValueError:
        raise GitError(f"“{registry}”不在仓库 {toplevel} 之内。") from None
    tmp = Path(tempfile.mkdtemp(prefix="sme-review-"))
    try:
        done: set[str] = set()
        todo = [relpath]
        while todo:
            rel = todo.pop()
            if rel in done:
                continue
            done.add(rel)
            _extract(toplevel, commit, rel, tmp)
            parent = _extends(tmp / rel)
            if parent:
                target = os.path.normpath(os.path.join(rel, parent))
                if not target.startswith(".."):   # outside the repository: the loader says it is missing
                    todo.append(Path(target).as_posix())
        root = tmp / relpath
        root.mkdir(parents=True, exist_ok=True)   # absent at that revision: an empty registry
        yield Snapshot(rev, commit, toplevel, relpath, root)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
