"""The search files the build writes: what they hold, that lunr.js loads them, and what they must not hold."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from lunr.builder import Builder

from registry_site import search_index
from registry_site.search_index import Doc, build_index, copy_lunr, serialise, shard_count
from registry_site.search_query import SiteSearch
from registry_site.search_tokens import t2s_table

REPO = Path(__file__).resolve().parents[2]


def read(site: Path, rel: str):
    return json.loads((site / rel).read_text("utf-8"))


def test_manifest_lists_every_type_with_its_shards(demo_search_site):
    m = read(demo_search_site, "search/manifest.json")
    assert m["lunr"] == "2.3.9" and m["as_of"] == "2026-11-23"
    assert set(m["types"]) == {"platform", "notice", "publicity", "form"}
    platforms = read(demo_search_site, "data/platforms.json")
    assert m["types"]["platform"]["docs"] == len(platforms)
    for kind, info in m["types"].items():
        assert info["label"]
        for k in info["present"]:
            assert (demo_search_site / f"search/{kind}/s{k}.json").is_file()
        chunks = -(-info["docs"] // info["chunk"])
        assert sorted(p.name for p in (demo_search_site / "search" / kind).glob("d*.json")) == \
            sorted(f"d{c}.json" for c in range(chunks))
    assert "许昌市中小企业公共服务示范平台" in m["programmes"].values()
    assert "許许" in m["t2s"]


def test_every_result_entry_links_to_a_built_page(demo_search_site):
    m = read(demo_search_site, "search/manifest.json")
    for kind in m["types"]:
        for chunk in (demo_search_site / "search" / kind).glob("d*.json"):
            for entry in json.loads(chunk.read_text("utf-8")):
                assert (demo_search_site / entry["u"] / "index.html").is_file(), entry["u"]
                assert entry["t"]


def test_no_personal_data_or_reported_figures_in_the_search_files(demo_search_site):
    """The index holds names, places, titles and the public text of notices (office contacts
    included, as the issuers published them) but nothing that looks like a private person's
    mobile number or ID-card number, and not the figures platforms report."""
    text = "".join(p.read_text("utf-8") for p in (demo_search_site / "search").rglob("*.json"))
    assert not re.search(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])", text), "a mobile number"
    assert not re.search(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])", text), "an ID-card number"
    assert "enterprises_served" not in text and "total_assets" not in text


def test_lunr_js_is_copied_from_the_npm_package(demo_search_site):
    copied = (demo_search_site / "theme/js/lunr.min.js").read_bytes()
    assert copied == (REPO / "node_modules/lunr/lunr.min.js").read_bytes()
    assert b"2.3.9" in copied


def test_a_missing_lunr_package_stops_the_build_with_a_clear_message(tmp_path):
    with pytest.raises(search_index.LunrMissing, match="npm ci"):
        copy_lunr(tmp_path, source=tmp_path / "node_modules" / "lunr")


def test_the_search_page_and_the_search_box_on_every_page(demo_search_site):
    page = BeautifulSoup((demo_search_site / "search/index.html").read_text("utf-8"), "html.parser")
    form = page.find("form", id="search-form")
    assert form["action"].endswith("/search/") and form["method"] == "get"
    assert page.find("label", attrs={"for": "q"}).get_text(strip=True) == "搜索词"
    assert {s["name"] for s in form.find_all("select")} == {"type", "programme", "status"}
    assert page.find(id="search-status")["aria-live"] == "polite"
    scripts = [s["src"] for s in page.find_all("script")]
    assert any(s.endswith("theme/js/search.js") for s in scripts)
    # lunr.js and the index load when someone searches (search.js), not with the page
    assert not any(s.endswith("lunr.min.js") for s in scripts)
    for url in ("index.html", "platforms/index.html", "notices/xuchang-2020-measures/index.html"):
        soup = BeautifulSoup((demo_search_site / url).read_text("utf-8"), "html.parser")
        box = soup.select_one("header form.site-search")
        assert box is not None and box["action"].endswith("search/"), url
        assert box.find("input", attrs={"name": "q"}) is not None
        # other pages do not load the search code: the index loads only when someone searches
        assert not any("search" in s.get("src", "") for s in soup.find_all("script")), url


def test_shard_count_grows_with_the_index():
    assert shard_count(0) == 1
    assert shard_count(search_index.TOKENS_PER_SHARD) == 1
    assert shard_count(search_index.TOKENS_PER_SHARD * 10) == 16
    assert shard_count(10**9) == search_index.MAX_SHARDS


def searcher_over(index, docs: int, table) -> SiteSearch:
    """A SiteSearch over one type's index held in memory (as write_all would write it)."""
    import base64

    manifest = {"t2s": "", "types": {"platform": {"chunk": 64,
        "docs": docs, "shards": index.shards, "present": sorted(index.data), "common": [t for t, _ in index.common]}}}
    files = {"search/manifest.json": manifest, **{f"search/platform/s{k}.json": v for k, v in index.data.items()},
             **{f"search/platform/c{i}.json": {"t": t, "b": base64.b64encode(b).decode()}
                for i, (t, b) in enumerate(index.common)}}
    s = SiteSearch(load=files.__getitem__)
    s.table = table
    return s


NAMES = ("许昌市恒凯服务平台", "太原市融资服务平台", "南京科技平台", "許昌檢測")


def test_shards_hold_each_token_once_and_find_what_one_index_finds():
    docs = [Doc({"n": name}, {}) for name in NAMES]
    table = t2s_table()
    search_index.TOKENS_PER_SHARD, saved = 2, search_index.TOKENS_PER_SHARD
    try:
        idx = build_index(docs, [("n", 1, "名称")], table)
    finally:
        search_index.TOKENS_PER_SHARD = saved
    assert idx.shards > 1 and len(idx.data) > 1 and idx.common == []
    seen = [term for data in idx.data.values() for term, _ in data["invertedIndex"]]
    assert len(seen) == len(set(seen))           # a token lives in exactly one shard
    s = searcher_over(idx, len(docs), table)
    assert [h.ref for h in s.search_type("platform", "许昌")] == [0, 3]
    assert sorted(h.ref for h in s.search_type("platform", "服务平台")) == [0, 1]
    assert [h.ref for h in s.search_type("platform", "恒凯服务")] == [0]
    assert s.search_type("platform", "恒凯太原") == []


def test_common_tokens_become_bitmaps_that_still_narrow_the_results():
    docs = [Doc({"n": name}, {}) for name in NAMES]
    table = t2s_table()
    idx = build_index(docs, [("n", 1, "名称")], table, common_min=2)
    common = dict(idx.common)
    # 平台 is in three names, 许昌 and 昌 in two: bitmaps, bit r for record r
    assert common["平台"] == bytes([0b0111]) and common["许昌"] == bytes([0b1001])
    assert all(t not in common for t in ("恒凯", "融资", "南京"))
    lunr_terms = {term for data in idx.data.values() for term, _ in data["invertedIndex"]}
    assert not lunr_terms & set(common)          # a common token is not in the lunr index
    s = searcher_over(idx, len(docs), table)
    assert [h.ref for h in s.search_type("platform", "许昌")] == [0, 3]
    assert [h.ref for h in s.search_type("platform", "恒凯服务")] == [0]
    assert [h.ref for h in s.search_type("platform", "台")] == [0, 1, 2]   # a prefix reaches common tokens
    assert [h.ref for h in s.search_type("platform", "融资服务")] == [1]
    assert [h.score for h in s.search_type("platform", "平台")] == [0.0, 0.0, 0.0]


def test_terms_are_sorted_for_lunr_js_even_beyond_the_basic_plane(tmp_path):
    """U+FA0E (a compatibility ideograph that stays itself) sorts after U+20000 by code point but
    before it in UTF-16, the order lunr.js inserts terms in: the index must load in lunr.js."""
    docs = [Doc({"n": "\ufa0e甲"}, {}), Doc({"n": "\U00020000乙"}, {})]
    data = build_index(docs, [("n", 1, "名称")], {}).data[0]
    terms = [t for t, _ in data["invertedIndex"]]
    assert terms.index("\U00020000乙") < terms.index("\ufa0e甲")
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to load the index with lunr.js")
    path = tmp_path / "index.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    script = ("const lunr = require('lunr'); const fs = require('fs');"
              f"const idx = lunr.Index.load(JSON.parse(fs.readFileSync({json.dumps(str(path))}, 'utf8')));"
              "const hits = idx.query(q => q.term('\\ufa0e甲', {usePipeline: false}));"
              "console.log(hits.map(h => h.ref).join(','));")
    run = subprocess.run([node, "-e", script], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "0"


def stock_shards(docs, fields, table) -> dict[int, dict]:
    """The reference: each shard built by lunr.py's own Builder from that shard's tokens."""
    from registry_site.search_tokens import index_tokens, shard_of

    tokenised = [{key: index_tokens(d.fields[key], table) for key, _, _ in fields} for d in docs]
    pairs = sum(len(set(t for toks in fs.values() for t in toks)) for fs in tokenised)
    n = shard_count(pairs)
    buckets: dict[int, dict[str, dict]] = {}
    for ref, fs in enumerate(tokenised):
        for key, toks in fs.items():
            for t in toks:
                doc = buckets.setdefault(shard_of(t, n), {}).setdefault(str(ref), {k: [] for k, _, _ in fields})
                doc[key].append(t)
    out = {}
    for k in sorted(buckets):
        b = Builder()
        b.pipeline.reset()
        b.search_pipeline.reset()
        b.ref("ref")
        for key, boost, _ in fields:
            b.field(key, boost=boost)
        for ref, doc in buckets[k].items():
            b.add({"ref": ref, **doc})
        out[k] = serialise(b.build().serialize())
    return out


def test_the_sharded_builder_writes_what_lunr_py_writes():
    """ShardedBuilder (search_lunr.py) must give exactly lunr.Builder's index for every shard
    of every type of the demo registry, with few shards and with many."""
    import datetime as dt

    from registry_site import views
    from sme_registry.registry import load_registry

    site = views.build_site(load_registry(REPO / "examples", as_of=dt.date(2026, 11, 23)), dt.date(2026, 11, 23))
    table = t2s_table()
    saved = search_index.TOKENS_PER_SHARD
    try:
        for per_shard in (saved, 300):
            search_index.TOKENS_PER_SHARD = per_shard
            for kind, make in search_index.DOCS.items():
                docs = make(site)
                idx = build_index(docs, search_index.FIELDS[kind], table)
                n, fast = idx.shards, idx.data
                stock = stock_shards(docs, search_index.FIELDS[kind], table)
                assert per_shard == saved or n > 1 or kind == "publicity"
                assert json.dumps(fast, ensure_ascii=False) == json.dumps(stock, ensure_ascii=False), kind
    finally:
        search_index.TOKENS_PER_SHARD = saved


def test_empty_field_vectors_are_dropped():
    docs = [Doc({"n": "许昌", "o": ""}, {})]
    shards = build_index(docs, [("n", 1, "名称"), ("o", 1, "单位")], {}).data
    refs = [ref for data in shards.values() for ref, _ in data["fieldVectors"]]
    assert refs and all(ref.startswith("n/") for ref in refs)


def test_the_build_is_reproducible(demo_search_site, tmp_path):
    import datetime as dt

    from registry_site.build import build

    again = tmp_path / "again"
    assert build(REPO / "examples", again, dt.date(2026, 11, 23), quiet=True) == 0
    for path in sorted((demo_search_site / "search").rglob("*.json")):
        rel = path.relative_to(demo_search_site)
        assert (again / rel).read_bytes() == path.read_bytes(), rel


@pytest.mark.parametrize("parts", [2, 3])
def test_an_index_built_in_parts_is_the_index_built_whole(tmp_path, parts):
    """The build splits a large type among its workers (each a share of the shards): together the
    parts write the same files, byte for byte, and the same manifest entry as one process."""
    import datetime as dt

    from registry_site import search_index, views
    from sme_registry.registry import load_registry

    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from synth import generate

    as_of = dt.date(2026, 11, 23)
    generate(tmp_path / "registry", platforms=300, seed=3)      # enough records for several shards
    site = views.build_site(load_registry(tmp_path / "registry", as_of=as_of), as_of)
    for kind in ("platform", "notice"):
        whole = search_index.write_type(site, kind, tmp_path / "whole", common_min=100)
        pieces = [search_index.write_type(site, kind, tmp_path / "parts", common_min=100, part=(i, parts))
                  for i in range(parts)]
        merged = search_index.merge_parts(pieces)
        assert sorted(merged.pop("files")) == sorted(whole.pop("files"))
        assert merged == whole
        assert whole["common"] and len(whole["present"]) > parts
    files = lambda root: {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert files(tmp_path / "parts") == files(tmp_path / "whole")


def test_a_patched_index_is_the_index_built_afresh(tmp_path, monkeypatch):
    """A rebuild patches the previous build's index (write_type's `previous`): after each kind of
    change it writes only some shards, yet its files and manifest entry are those of a fresh build."""
    import dataclasses
    import datetime as dt
    import os
    import sys

    from registry_site import views
    from sme_registry.registry import load_registry

    sys.path.insert(0, str(REPO / "bench"))
    from synth import generate

    as_of = dt.date(2026, 11, 23)
    generate(tmp_path / "registry", platforms=300, seed=3)
    docs = search_index.DOCS["platform"](views.build_site(load_registry(tmp_path / "registry", as_of=as_of), as_of))
    table = t2s_table()
    counts = build_index(docs, search_index.FIELDS["platform"], table, keep=True).counts
    rare = max((t for t, c in counts.items() if c < 40), key=lambda t: (counts[t], t))
    common_min = counts[rare] + 1            # one more record holding `rare` makes it common
    monkeypatch.setattr(search_index, "TOKENS_PER_SHARD", 100)     # more shards than 300 records make
    written, emit = [], search_index.emit
    monkeypatch.setattr(search_index, "emit", lambda out, rel, data: written.append(rel) or emit(out, rel, data))

    def renamed(doc, name):
        return dataclasses.replace(doc, fields={**doc.fields, "n": name}, entry={**doc.entry, "t": name})

    patched, states = tmp_path / "patched", [None, None]
    steps = [("first build", list(docs))]
    steps.append(("a rename", steps[-1][1][:7] + [renamed(docs[7], docs[7].fields["n"] + "（更名）")] + steps[-1][1][8:]))
    d = steps[-1][1]
    steps.append(("a record moved (the refs between shift)", d[:20] + d[21:24] + [renamed(d[20], "中原数字化服务平台")] + d[24:]))
    steps.append(("a record added", steps[-1][1] + [renamed(docs[3], "新增的服务平台")]))
    steps.append(("a record removed", steps[-1][1][:-3] + steps[-1][1][-2:]))
    steps.append(("nothing", steps[-1][1]))
    steps.append(("a token becomes common (a fresh build)", steps[-1][1] + [renamed(docs[5], rare)]))
    for label, now in steps:
        for path in patched.rglob("s*.json"):
            os.utime(path, ns=(0, 0))
        written.clear()
        parts = [search_index.write_type(None, "platform", patched, common_min, table, now, (i, 2), states)
                 for i in range(2)]
        states = [p.pop("state") for p in parts]
        shards = [f for f in written if "/s" in f]
        fresh = tmp_path / label
        whole = search_index.write_type(None, "platform", fresh, common_min, table, now)
        merged = search_index.merge_parts(parts)
        assert sorted(merged.pop("files")) == sorted(whole.pop("files")), label
        assert merged == whole, label
        for path in fresh.rglob("*.json"):
            assert (patched / path.relative_to(fresh)).read_bytes() == path.read_bytes(), (label, path)
        if label == "first build" or "fresh" in label:
            assert len(shards) == len(whole["present"]), label
        elif label == "nothing":
            assert shards == []
        else:     # a record's tokens fall in some shards; a move also changes the records between
            assert 0 < len(shards) < len(whole["present"]) / (1 if "moved" in label else 2), label
