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


def demo(tmp_path: Path) -> Path:
    """The demo registry and the registry it extends, in a folder a test may edit: the demo's root."""
    shutil.copytree(REPO / "registry", tmp_path / "registry")
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    return tmp_path / "examples"


def problems(reg):
    return [p.format() for p in reg.problems.sorted()]


def records(reg):
    return {folder: {rid: (r.path, r.src.data, r.src.lines) for rid, r in reg.table(folder).items()}
            for folder in ("programmes", "notices", "forms", "publicity", "platforms")}


def test_cached_loads_equal_fresh_loads_with_errors_and_edits(tmp_path):
    root = demo(tmp_path)
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
    # the unquoted region: explained from how it was written, which the cache reads only when asked
    assert any("411302”没有加引号" in p for p in problems(cached_twice))
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

    # no file with problems of its own: the entries are written marshalled, and read back the same
    (root / "platforms" / "demo-tabs.yaml").unlink()
    fifth = ParseCache(store)
    plain = load_registry(root, as_of=AS_OF, parse_cache=fifth)
    fifth.save()
    sixth = ParseCache(store)
    assert sixth.old == fifth.new and all(entry[1] == [] for entry in sixth.old.values())
    again = load_registry(root, as_of=AS_OF, parse_cache=sixth)
    assert problems(again) == problems(plain) == problems(load_registry(root, as_of=AS_OF))
    assert records(again) == records(load_registry(root, as_of=AS_OF))


def test_a_damaged_cache_file_is_ignored(tmp_path):
    store = tmp_path / "parse.pickle"
    store.write_bytes(b"\x80\x05garbage")
    cache = ParseCache(store)
    assert cache.old == {}
    reg = load_registry(REPO / "registry", as_of=AS_OF, parse_cache=cache)
    assert problems(reg) == problems(load_registry(REPO / "registry", as_of=AS_OF))


def test_validate_with_a_cache_prints_what_it_prints_without(tmp_path, capsys):
    from sme_registry.cli import main
    root = demo(tmp_path)
    record = root / "platforms" / "demo-ha-wancheng-info.yaml"
    record.write_text(record.read_text("utf-8").replace('region: "411302"', "region: 411302"), "utf-8")
    store = tmp_path / ".cache" / "validate.pickle"
    args = [str(root), "--as-of", "2026-11-20"]
    runs = []
    for extra in ([], ["--cache", str(store)], ["--cache", str(store)]):
        code = main(["validate", *args, *extra])
        runs.append((code, capsys.readouterr().out))
    assert store.is_file()
    assert runs[0] == runs[1] == runs[2]
    assert runs[0][0] == 1 and "demo-ha-wancheng-info.yaml" in runs[0][1]


def test_what_the_rules_found_in_a_record_is_remembered_until_its_files_change(tmp_path, monkeypatch):
    """The rules that look at one record (rules._each) check again only the records whose file,
    or whose programmes' files, changed; the problems are those of a load without the cache."""
    from stdnum.cn import uscc
    from sme_registry import parallel, rules

    root = demo(tmp_path)
    store = tmp_path / "parse.pickle"
    checked = []
    is_valid = uscc.is_valid
    monkeypatch.setattr(uscc, "is_valid", lambda code: checked.append(code) or is_valid(code))

    def load():
        cache = ParseCache(store)
        checked.clear()
        reg = load_registry(root, as_of=AS_OF, parse_cache=cache)
        seen = list(checked)
        cache.save()
        assert problems(reg) == problems(load_registry(root, as_of=AS_OF))
        return reg, seen

    reg, first = load()
    codes = [pl.operator.credit_code for pl in reg.platforms.values() if pl.operator.credit_code]
    assert len(first) == len(codes) > 20
    assert load()[1] == []                          # nothing changed: nothing checked again

    # a platform edited: its wrong check character and a mobile number are found, nothing else is checked
    platform = root / "platforms" / "demo-xc-weidu-service.yaml"
    text = platform.read_text("utf-8")
    code = "91411002MA00000012"
    wrong = code[:-1] + "3"
    platform.write_text(text.replace(code, wrong).replace("name: 许昌市魏都区中小企业综合服务平台",
                                                          "name: 许昌市魏都区中小企业综合服务平台（联系 13812345678）"), "utf-8")
    reg, again = load()
    assert again == [wrong]
    found = {(p.path.rsplit("/", 1)[-1], p.rule) for p in reg.problems.items}
    assert {("demo-xc-weidu-service.yaml", "credit-code.check"), ("demo-xc-weidu-service.yaml", "privacy.mobile")} <= found

    # a programme renamed: the platforms it recognised are checked again (their messages name it)
    programme = tmp_path / "registry" / "programmes" / "henan-province.yaml"
    programme.write_text(programme.read_text("utf-8").replace("name: 河南省", "name: 河南省（改）", 1), "utf-8")
    reg, again = load()
    under = [pl.operator.credit_code for pl in reg.platforms.values()
             if pl.operator.credit_code and any(r.programme == "henan-province" for r in pl.recognitions)]
    assert sorted(again) == sorted(under) and 0 < len(under) < len(codes)

    # on two cores, as a large registry is checked, what the forked worker found is remembered too
    store.unlink()
    monkeypatch.setattr(rules, "GROUPS_FROM", 0)
    monkeypatch.setenv("REGISTRY_WORKERS", "2")
    assert parallel.workers() == 2
    load()
    cache = ParseCache(store)
    assert {rule for found in cache.found_old.values() for rule in found} == {"programmes", "regions", "credit_codes", "recognitions",
                                                                             "criteria", "personal_data"}
    assert load()[1] == []


def test_files_known_by_their_digest_are_found_without_reading_them(tmp_path, monkeypatch):
    """A site build hashes the record files for its inputs key (buildcache.inputs_key) and hands
    their digests to the parse cache (`known`): those found in it are not read again, yet their
    records, problems and lines are a fresh load's.  A file edited after it was hashed is parsed
    as it is now, and the cache says so (the build then records no inputs key)."""
    from sme_registry.parsecache import file_digest
    root = demo(tmp_path)
    record = root / "platforms" / "demo-ha-wancheng-info.yaml"
    # a problem the rules find (not the file itself), which names the line of the field
    record.write_text(record.read_text("utf-8").replace('region: "411302"', 'region: "999999"'), "utf-8")
    store = tmp_path / "parse.pickle"
    first = ParseCache(store)
    load_registry(root, as_of=AS_OF, parse_cache=first)
    first.save()
    files = [str(p) for layer in (root, tmp_path / "registry") for p in layer.resolve().rglob("*.yaml")]
    known = {path: file_digest(Path(path).read_bytes()) for path in files}
    read = []
    monkeypatch.setattr(ParseCache, "read", lambda self, path: read.append(path) or Path(path).read_bytes())

    cache = ParseCache(store)
    cache.known = dict(known)
    cached = load_registry(root, as_of=AS_OF, parse_cache=cache)
    fresh = load_registry(root, as_of=AS_OF)
    assert read == [] and not cache.changed_since_known
    assert problems(cached) == problems(fresh) and any("999999" in p for p in problems(fresh))
    assert records(cached) == records(fresh)          # the lines too, read when asked for

    # edited after it was hashed: a file whose parse is cached under the digest hashed stands as
    # it was hashed (the build is of what it hashed, and the next one sees the edit); one to
    # parse is parsed as it is now
    text = record.read_text("utf-8")
    record.write_text(text.replace("南阳宛城中小企业信息服务平台", "南阳宛城中小企业信息服务中心"), "utf-8")
    known[str(record.resolve())] = file_digest(record.read_bytes())
    record.write_text(text.replace("南阳宛城中小企业信息服务平台", "南阳宛城区中小企业数字化服务平台"), "utf-8")
    cache = ParseCache(store)
    cache.known = dict(known)
    edited = load_registry(root, as_of=AS_OF, parse_cache=cache)
    assert read == [str(record.resolve())] and cache.changed_since_known
    assert edited.platforms["demo-ha-wancheng-info"].name == "南阳宛城区中小企业数字化服务平台"
    assert records(edited) == records(load_registry(root, as_of=AS_OF))


def test_records_that_passed_the_same_schemas_are_not_checked_again(tmp_path, monkeypatch):
    """The cache remembers which files' records passed the schemas, and a digest of the schemas
    (schemas.SchemaSet.digest): a rebuild checks the others, and every record once they change."""
    from sme_registry import registry as registry_module
    from sme_registry.schemas import SchemaSet
    root = demo(tmp_path)
    broken = root / "platforms" / "demo-ha-wancheng-info.yaml"
    broken.write_text(broken.read_text("utf-8").replace('region: "411302"', "region: 411302"), "utf-8")
    store = tmp_path / "parse.pickle"
    checked = []
    check = SchemaSet.check
    monkeypatch.setattr(SchemaSet, "check", lambda self, kind, src, problems: checked.append(src.path) or check(self, kind, src, problems))

    first = ParseCache(store)
    fresh = load_registry(root, as_of=AS_OF, parse_cache=first)
    first.save()
    assert len(checked) > 20
    checked.clear()
    cached = load_registry(root, as_of=AS_OF, parse_cache=ParseCache(store))
    (only,) = [path for path in checked if not path.endswith("registry.yaml")]    # the layers' manifests are not cached
    assert only.endswith("platforms/demo-ha-wancheng-info.yaml")
    assert problems(cached) == problems(fresh) and any("没有加引号" in p for p in problems(cached))

    # other schemas (a field added, say): every record is checked against them
    checked.clear()
    other = SchemaSet()
    other.digest = b"other schemas"
    monkeypatch.setattr(registry_module, "_SCHEMAS", other)
    again = ParseCache(store)
    assert problems(load_registry(root, as_of=AS_OF, parse_cache=again)) == problems(fresh)
    assert len(checked) > 20
    again.save()
    checked.clear()
    load_registry(root, as_of=AS_OF, parse_cache=ParseCache(store))
    assert [path for path in checked if not path.endswith("registry.yaml")] == [only]


def test_the_rules_of_a_new_process_find_the_regions_they_looked_up_before(tmp_path, monkeypatch):
    """What regions.lookup found is kept with the parse cache: a rebuild in a new process that
    checks one edited platform again does not read python-stdnum's region table (0.03 s)."""
    from sme_registry import regions

    root = demo(tmp_path)
    store = tmp_path / "parse.pickle"
    cache = ParseCache(store)
    first = load_registry(root, as_of=AS_OF, parse_cache=cache)
    cache.save()
    platform = root / "platforms" / "demo-xc-weidu-service.yaml"
    platform.write_text(platform.read_text("utf-8").replace("name: 许昌市魏都区中小企业综合服务平台",
                                                            "name: 许昌市魏都区中小企业综合服务中心"), "utf-8")
    monkeypatch.setattr(regions, "_FOUND", {})          # as in a new process
    read = []
    parts = regions._parts
    monkeypatch.setattr(regions, "_parts", lambda code: read.append(code) or parts(code))
    again = load_registry(root, as_of=AS_OF, parse_cache=ParseCache(store))
    assert read == []
    assert problems(again) == problems(first)
    # without the cache the table is read, and the same problems found
    monkeypatch.setattr(regions, "_FOUND", {})
    assert problems(load_registry(root, as_of=AS_OF)) == problems(first) and read
