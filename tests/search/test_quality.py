"""Search quality on a labelled query set, and the same results in Python and in the browser's code.

Each query of queries.yaml names the records it must find.  A record is found when it is
among the first 10 results of its own type (the search page lists results by type).
recall@10 = found / expected over the whole set; MRR = mean over queries of 1 / the rank of
the first expected record found (0 when none is).  Both are printed at the end of the run.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from registry_site.search_query import SiteSearch

from search_figures import FIGURES

HERE = Path(__file__).parent
QUERIES = yaml.safe_load((HERE / "queries.yaml").read_text("utf-8"))
KIND_OF = {"platforms": "platform", "notices": "notice", "publicity": "publicity", "forms": "form"}


def ranked_urls(search: SiteSearch, query: str) -> dict[str, list[str]]:
    found, _ = search.find(query)
    return {kind: [search.entry(h)["u"] for h in hits] for kind, hits in found.items()}


def test_the_set_is_large_and_varied():
    assert len(QUERIES) >= 30
    whys = {q["why"] for q in QUERIES}
    for needed in ("place", "operator", "service", "document number", "form", "traditional characters", "partial name"):
        assert needed in whys, needed


def measure(site_dir):
    search = SiteSearch(site_dir)
    expected = found = 0
    reciprocal = []
    misses = []
    for q in QUERIES:
        ranked = ranked_urls(search, q["query"])
        best = None
        for url in q["expect"]:
            results = ranked[KIND_OF[url.split("/")[0]]]
            expected += 1
            if url in results[:10]:
                found += 1
            else:
                misses.append(f"{q['query']!r} did not find {url} in its first 10: {results[:10]}")
            if url in results:
                rank = results.index(url) + 1
                best = rank if best is None else min(best, rank)
        reciprocal.append(1 / best if best else 0.0)
    return found / expected, sum(reciprocal) / len(reciprocal), expected, misses


def test_recall_at_10_and_mrr(demo_search_site):
    recall, mrr, expected, misses = measure(demo_search_site)
    FIGURES["queries"] = f"{len(QUERIES)} ({expected} expected records)"
    FIGURES["recall@10"] = f"{recall:.3f}"
    FIGURES["MRR"] = f"{mrr:.3f}"
    assert recall >= 0.95, "\n".join(misses)
    assert mrr >= 0.8


def test_common_tokens_as_bitmaps_still_find_the_records(demo_common_site):
    """With most tokens written as bitmaps (no score), every labelled record is still found;
    the ranking loses the weight of those tokens, as a national registry's does for 服务."""
    recall, mrr, _, misses = measure(demo_common_site)
    FIGURES["recall@10 with common-token bitmaps (3+ records)"] = f"{recall:.3f}"
    FIGURES["MRR with common-token bitmaps (3+ records)"] = f"{mrr:.3f}"
    assert recall >= 0.9, "\n".join(misses)


@pytest.mark.parametrize("which", ["demo_search_site", "demo_common_site"])
def test_javascript_gives_the_same_results(which, request, tmp_path):
    """search-core.js with lunr.js (node) returns the same ranked results as search_query.py,
    with and without common-token bitmaps."""
    demo_search_site = request.getfixturevalue(which)
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to run the browser's search code (install Debian's nodejs)")
    queries = [q["query"] for q in QUERIES] + ["市", "服务平台", "2024", "没有这个词语", "——", "许昌恒凯科技"]
    qfile = tmp_path / "queries.json"
    qfile.write_text(json.dumps(queries, ensure_ascii=False), "utf-8")
    run = subprocess.run([node, str(HERE / "run_queries.js"), str(demo_search_site), str(qfile)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    from_js = json.loads(run.stdout)
    search = SiteSearch(demo_search_site)
    for q in queries:
        found, relaxed = search.find(q)
        expected = {kind: [search.entry(h)["u"] for h in hits] for kind, hits in found.items()}
        assert from_js[q] == {"relaxed": relaxed, **expected}, q
