"""Build the site atomically: validate, run Pelican into a staging folder, then publish it.

    python -m registry_site [REGISTRY] --as-of DATE --output OUTPUT [--settings publishconf.py]

A registry with errors, a template error or any Pelican error leaves OUTPUT exactly as it
was: Pelican writes into a sibling temporary folder, and OUTPUT changes only when the whole
build succeeded.  The first build renames that folder into place; later ones stage only the
files that differ from OUTPUT's and move them in (_commit_in_place; output.py says why).
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import shutil
import sys
import tempfile
from functools import partial
from pathlib import Path

from sme_registry import parallel
from sme_registry.parsecache import ParseCache
from sme_registry.registry import load_registry
from sme_registry.report import as_text
from sme_registry.rules import today_shanghai

from . import buildcache, listing

ROOT = Path(__file__).resolve().parents[2]


class _ErrorCounter(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def _read_settings(settings_file: Path, override: dict) -> dict:
    from pelican.settings import read_settings
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)   # pelicanconf.py paths are relative to the project
        return read_settings(str(settings_file), override=override)
    finally:
        os.chdir(cwd)


def cache_dir(output: Path) -> Path:
    """The build cache of OUTPUT: a sibling folder, never published (buildcache.py)."""
    return output.with_name(f".{output.name}.cache")


def _commit_in_place(staged: Path, output: Path, produced: dict[str, tuple[str, int]],
                     listed: tuple[dict[str, int], list[str]] | None = None) -> dict[str, int]:
    """A build with a published output staged only what changed: move it into OUTPUT, then delete every file this build
    did not produce (a removed record's page) and the folders left empty.  Everything was
    produced before this point, so only renames and deletions remain.  `listed`: what OUTPUT
    held when the build started (listing.py), else OUTPUT is walked here.  Returns what OUTPUT
    then holds (path -> size), as buildcache.listing would find it."""
    moved: dict[str, int] = {}
    for dirpath, _dirs, files in os.walk(staged):
        rel_dir = os.path.relpath(dirpath, staged)
        target_dir = output if rel_dir == "." else output / rel_dir
        if files:
            try:
                os.makedirs(target_dir, exist_ok=True)
            except (FileExistsError, NotADirectoryError):   # a file of the old output where a folder goes
                _remove_file_on_the_way(output, rel_dir)
                os.makedirs(target_dir, exist_ok=True)
        for name in files:
            source = os.path.join(dirpath, name)
            size = os.stat(source).st_size
            try:
                os.replace(source, target_dir / name)
            except IsADirectoryError:                        # a folder of the old output where a file goes
                shutil.rmtree(target_dir / name)
                os.replace(source, target_dir / name)
            moved[name if rel_dir == "." else f"{rel_dir}/{name}"] = size
    keep = {rel: size for rel, (_digest, size) in produced.items()} | moved
    if listed is None:
        listed = listing.walk(str(output))
    files, folders = listed
    top = str(output)
    for rel in files:
        if rel not in keep:
            try:
                os.unlink(f"{top}/{rel}")
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                pass        # no longer that file: gone, or replaced above by a folder of this build
    needed: set[str] = set()                # the folders of the files kept, and theirs
    for folder in {rel.rpartition("/")[0] for rel in keep}:       # each folder once, not each file
        while folder and folder not in needed:
            needed.add(folder)
            folder = folder.rpartition("/")[0]
    for folder in sorted((f for f in folders if f not in needed), key=lambda f: f.count("/"), reverse=True):
        try:
            os.rmdir(f"{top}/{folder}")
        except OSError:                     # something was put there meanwhile: left as it is
            pass
    shutil.rmtree(staged, ignore_errors=True)
    return keep


def _remove_file_on_the_way(output: Path, rel_dir: str) -> None:
    path = output
    for part in rel_dir.split(os.sep):
        path = path / part
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            path.unlink()
            return


def build(registry: Path, output: Path, as_of: dt.date, settings_file: Path | None = None,
          overrides: dict | None = None, quiet: bool = False, cache: bool = True) -> int:
    """Validate and build; `cache=False` does all the work again (a clean build)."""
    buildcache.forget_code_part()    # the code's part of the global key is kept for this build only
    try:
        with parallel.long_lived():     # the records and view models live until the end
            return _build(registry, output, as_of, settings_file, overrides, quiet, cache)
    finally:
        buildcache.forget_code_part()


def _build(registry: Path, output: Path, as_of: dt.date, settings_file: Path | None,
           overrides: dict | None, quiet: bool, cache: bool) -> int:
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr))
    output = output.resolve()
    if not cache:
        shutil.rmtree(cache_dir(output), ignore_errors=True)
    # what OUTPUT holds, listed on the other core while this one reads the registry (listing.py)
    listed = listing.Listing(output)
    # What the build is made from (buildcache.inputs_key): the registry's files are hashed in a
    # child, forked before Pelican is imported, while this process reads the parse cache and
    # imports Pelican (a tenth of a second each at 10,000 platforms); the child sends back its
    # part of the key and each record file's digest, by which the parse cache finds the file's
    # parse.  Without a parse cache (a clean build removed it above; it leaves one for the next
    # build) every file is parsed: hashed here, and their bytes kept for the parse.
    content = Path((overrides or {}).get("PATH", ROOT / "content"))     # Pelican's own pages
    store = cache_dir(output) / "parse.pickle"
    if store.is_file():
        hashing = parallel.Background(lambda: _registry_part(registry, content))
        parsed = ParseCache(store)
    else:
        hashing, parsed = None, ParseCache(store)
    settings_file = settings_file or ROOT / "pelicanconf.py"
    fixed = {"REGISTRY_PATH": str(registry), "REGISTRY_AS_OF": as_of, "DELETE_OUTPUT_DIRECTORY": False,
             "PATH": str(content), "THEME": str(ROOT / "theme"), "PLUGIN_PATHS": [str(ROOT / "plugins")],
             **PELICAN_CACHE, "REGISTRY_CACHE_DIR": str(cache_dir(output)),
             "REGISTRY_PREVIOUS_OUTPUT": str(output), "REGISTRY_PREVIOUS_LISTING": listed, **(overrides or {})}
    settings = _read_settings(settings_file, fixed)
    if hashing is not None:
        part, parsed.known = hashing.result()
        hashing.join()
    else:
        part, parsed.known = _registry_part(registry, content, parsed.preread)
    settled = buildcache.global_key(settings, as_of, Path(settings["THEME"]), ROOT / "node_modules" / "lunr")
    inputs = buildcache.inputs_key(part, settled)
    # nothing changed since OUTPUT was built (buildcache.py): it is already what this build would write
    report = buildcache.unchanged(cache_dir(output), output, inputs, listed.sizes) if cache else None
    if report is not None:
        if report:
            say(report)
        say(f"网站已是最新：{output}（记录、模板、设置和 Git 提交都没有改动；状态按 {as_of} 计算）")
        return 0
    reg = load_registry(registry, as_of=as_of, parse_cache=parsed, check_rules=False)
    if parsed.changed_since_known:    # a file was edited during the build: the next one is not "up to date"
        inputs = None
    rules = _RulesAside(reg, as_of, parsed)
    del parsed
    try:
        return _publish(reg, output, as_of, settings_file, {**fixed, "REGISTRY_RULES_PENDING": rules.settle,
                                                            "CACHE_PATH": _pelican_cache(output, settled)},
                        inputs, quiet, say)
    finally:
        rules.join()
        listed.result()    # the child is done (a failed build did not ask for its listing)


# Pelican's own pages (content/) are read through its reader cache, checked by each file's MD5 (not
# its time): reading them and making the Markdown parser was 0.04 s of every rebuild.  The cache
# does not know the settings, so it lives in a folder named by the global key (settings, theme,
# code, libraries): other settings start another (_pelican_cache), never a stale one.
PELICAN_CACHE = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CONTENT_CACHING_LAYER": "reader",
                 "CHECK_MODIFIED_METHOD": "md5", "GZIP_CACHE": False}


def _pelican_cache(output: Path, settled: bytes) -> str:
    """The reader cache's folder for these settings; those of other settings are removed."""
    folder = cache_dir(output) / f"pelican-{settled.hex()}"
    try:
        for old in cache_dir(output).glob("pelican-*"):
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass
    return str(folder)


def _registry_part(registry: Path, content: Path, keep: dict | None = None) -> tuple[bytes | None, dict[str, bytes]]:
    """buildcache.registry_part and each record file's digest (`keep` gets their bytes)."""
    digests: dict[str, bytes] = {}
    return buildcache.registry_part(registry, content, digests, keep), digests


def _save_aside(parsed: ParseCache, parent: int) -> None:
    """The parse cache, written by the rules' child once it sent what they found: it is for the
    next build, so at the lowest priority, behind the listing of the output (listing.py, nice 10),
    which this build waits for (it waited 0.013 s while the cache took the core)."""
    parallel.give_way(parent, 19)
    parsed.save()


class _RulesAside:
    """The rules across records (rules.check_all), for a large registry checked by a forked child
    on the other core while this process starts the site: Markdown and the view models do not
    wait for them (generator.py settles them before anything is rendered, and a registry with
    errors publishes nothing, as ever).  The child then writes the parse cache, with what the
    rules found.  A registry whose files have errors already, or a small one, is checked here and
    now, as `validate` does, and the parse cache written by a child meanwhile."""

    def __init__(self, reg, as_of: dt.date, parsed: ParseCache):
        from sme_registry.rules import check_all, worth_two_processes
        self.reg = reg
        reg.rule_memo = parsed

        def work():
            before = len(reg.problems.items)
            check_all(reg, as_of, one_process=True)
            return reg.problems.items[before:]
        if reg.problems.errors or not worth_two_processes(reg):
            check_all(reg, as_of)
            self.pending, self.join = None, parsed.save(background=True)
        else:
            self.pending = parallel.Background(work, then=partial(_save_aside, parsed, os.getpid()))
            self.join = self.pending.join
        reg.rule_memo = None

    def settle(self) -> None:
        """The rules' problems join the registry's (once; in the order check_all gives them)."""
        if self.pending is not None:
            found, self.pending = self.pending.result(), None
            self.reg.problems.items.extend(found)


def _publish(reg, output: Path, as_of: dt.date, settings_file: Path, fixed: dict, inputs: bytes | None,
             quiet: bool, say) -> int:
    """Report the registry's problems; without errors, run Pelican into a staging folder and
    publish it (see the module docstring).  The rules' problems may come while Pelican runs
    (_RulesAside): errors among them publish nothing either."""
    from pelican import Pelican
    from pelican.settings import read_settings

    from .generator import RegistryBuildError

    def refuse() -> int:
        say(as_text(reg.problems))
        say(f"未生成网站：{output} 保持不变。")
        return 1
    if reg.problems.errors:
        return refuse()
    parallel.settle()

    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    override = {"OUTPUT_PATH": str(tmp), "CACHE_PATH": str(tmp / ".cache"), "REGISTRY_LOADED": reg, **fixed}
    counter = _ErrorCounter()
    logging.getLogger().addHandler(counter)
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)   # pelicanconf.py paths are relative to the project
        Pelican(read_settings(str(settings_file), override=override)).run()
    except RegistryBuildError:  # the rules, settled while the site was being built, found errors
        shutil.rmtree(tmp, ignore_errors=True)
        buildcache.discard(cache_dir(output))
        return refuse()
    except Exception as exc:  # a template or plugin error: nothing is published
        shutil.rmtree(tmp, ignore_errors=True)
        buildcache.discard(cache_dir(output))
        say(f"生成网站失败：{exc}\n{output} 保持不变。")
        return 1
    finally:
        os.chdir(cwd)
        logging.getLogger().removeHandler(counter)
    if counter.records:
        shutil.rmtree(tmp, ignore_errors=True)
        buildcache.discard(cache_dir(output))
        for r in counter.records:
            say(f"错误：{r.getMessage()}")
        say(f"生成网站失败：{output} 保持不变。")
        return 1
    shutil.rmtree(tmp / ".cache", ignore_errors=True)
    warnings = as_text(reg.problems) if reg.problems.warnings else ""
    if warnings and not quiet:
        say(warnings)
    state = buildcache.pending(cache_dir(output))
    if state and state.get("in_place") and output.is_dir():
        listed = fixed.get("REGISTRY_PREVIOUS_LISTING")
        held = _commit_in_place(tmp, output, state["files"], listed.result() if listed else None)
        buildcache.commit(cache_dir(output))
        buildcache.record_inputs(cache_dir(output), output, inputs, warnings, held)
        say(f"网站已更新：{output}（状态按 {as_of} 计算）")
        return 0
    # the first build into OUTPUT (or one that found no build state to publish in place with)
    old = None
    if output.exists():
        old = output.with_name(f".{output.name}.old-{os.getpid()}")
        os.rename(output, old)
    os.rename(tmp, output)
    buildcache.commit(cache_dir(output))   # the cache now describes the published output
    os.chmod(output, 0o755)
    if old:
        shutil.rmtree(old, ignore_errors=True)
    buildcache.record_inputs(cache_dir(output), output, inputs, warnings)
    say(f"网站已生成：{output}（状态按 {as_of} 计算）")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="registry_site", description="检查登记库并生成静态网站")
    parser.add_argument("registry", nargs="?", default="registry")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--output", default="output")
    parser.add_argument("--settings", default=None, help="Pelican 设置文件（默认 pelicanconf.py；发布用 publishconf.py）")
    parser.add_argument("--clean", action="store_true", help="不用上次生成的缓存，全部重新生成")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return build(Path(args.registry).resolve(), Path(args.output), args.as_of or today_shanghai(),
                 Path(args.settings).resolve() if args.settings else None, cache=not args.clean)
