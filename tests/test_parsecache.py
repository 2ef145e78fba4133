"""A registry loaded through the parse cache is the registry loaded from scratch: the same records,
the same problems with the same lines, and a changed file is read again."""
from __future__ import annotations

import datetime as dt
import shutil

from pathlib import Path

from sme_registry.parsecache import ParseCache
from sme_registry.registry import load_registry

AS_OF = dt.date(2026, 11, 20)
REPO = Path(__file__).resolve().parents[1]


def problems(reg):
    return [p.format() for p in reg.problems.sorted()]


def records(reg):
    return {folder: {rid: (r.path, r.src.data, r.src.lines) for rid, r in reg.table(folder).items()}
            for folder in ("programmes", "notices", "forms", "publicity", "platforms")}


def test_cached_loads_equal_fresh_loads_with_errors_and_edits(tmp_path):
    shutil.copytree(REPO / "registry", tmp_path / "registry")
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    root = tmp_path / "examples"
    broken = root / "platforms" / "demo-ha-wancheng-info.yaml"
    broken.write_text(broken.read_text("utf-8").replace('region: "411302"', "region: 411302\nname: 重复"), "utf-8")
    (root / "platforms" / "demo-tabs.yaml").write_text("name: 平台\noperator:\n\tname: 单位\n", "utf-8")
    store = tmp_path / "parse.pickle"

    fresh = load_registry(root, as_of=AS_OF)
    first = ParseCache(store)
    cached_once = load_registry(root, as_of=AS_OF, parse_cache=first)
    first.save()
    assert store.is_file()
    second = ParseCache(store)
    assert second.old                      # the entries came from the file
    cached_twice = load_registry(root, as_of=AS_OF, parse_cache=second)
    assert problems(fresh) == problems(cached_once) == problems(cached_twice)
    assert any("重复" in p for p in problems(fresh)) and any("Tab" in p for p in problems(fresh))
    assert records(fresh) == records(cached_twice)

    # an edited file is parsed again; the cache's other entries still serve
    broken.write_text(broken.read_text("utf-8").replace("region: 411302\nname: 重复", 'region: "411302"'), "utf-8")
    third = ParseCache(store)
    after = load_registry(root, as_of=AS_OF, parse_cache=third)
    assert problems(after) == problems(load_registry(root, as_of=AS_OF))
    assert not any("重复" in p for p in problems(after))
    third.save()
    assert len(ParseCache(store).old) == len(third.new)   # only what this load used is kept

    # written by a forked child while the build goes on: the same file once it is done
    written = ParseCache(store).old
    store.unlink()
    fourth = ParseCache(store)
    load_registry(root, as_of=AS_OF, parse_cache=fourth)
    wait = fourth.save(background=True)
    wait()
    assert ParseCache(store).old == written


def test_a_damaged_cache_file_is_ignored(tmp_path):
    store = tmp_path / "parse.pickle"
    store.write_bytes(b"\x80\x05garbage")
    cache = ParseCache(store)
    assert cache.old == {}
    reg = load_registry(REPO / "registry", as_of=AS_OF, parse_cache=cache)
    assert problems(reg) == problems(load_registry(REPO / "registry", as_of=AS_OF))


def test_validate_with_a_cache_prints_what_it_prints_without(tmp_path, capsys):
    from sme_registry.cli import main
    shutil.copytree(REPO / "registry", tmp_path / "registry")
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    record = tmp_path / "examples" / "platforms" / "demo-ha-wancheng-info.yaml"
    record.write_text(record.read_text("utf-8").replace('region: "411302"', "region: 411302"), "utf-8")
    store = tmp_path / ".cache" / "validate.pickle"
    args = [str(tmp_path / "examples"), "--as-of", "2026-11-20"]
    runs = []
    for extra in ([], ["--cache", str(store)], ["--cache", str(store)]):
        code = main(["validate", *args, *extra])
        runs.append((code, capsys.readouterr().out))
    assert store.is_file()
    assert runs[0] == runs[1] == runs[2]
    assert runs[0][0] == 1 and "demo-ha-wancheng-info.yaml" in runs[0][1]
