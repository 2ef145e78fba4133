"""A platform's or a notice's view is named in the build cache's keys by a digest of what it is
made from (views.platform_inputs, views.notice_inputs), not by pickling it.  That is only safe
if the view never changes while the digest stays the same: a page would then be taken from the
previous output although it should say something else.  Each test edits the demo registry as
staff would, builds the view models before and after, and compares every view, pickled, with
its digest.
(tests/site/test_incremental.py checks the whole output of such rebuilds against clean builds.)
"""
from __future__ import annotations

import hashlib
import pickle
import shutil
from pathlib import Path

import pytest

from sitekit import EXAMPLES, REGISTRY, day
from sme_registry.registry import load_registry
from registry_site.views import build_site, set_notice_inputs

AS_OF = day("2026-11-20")


@pytest.fixture
def workspace(tmp_path):
    shutil.copytree(REGISTRY, tmp_path / "registry")
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    return tmp_path


def views(ws: Path, as_of=AS_OF) -> dict[str, tuple[bytes, bytes]]:
    """Platform id -> (its inputs digest, a digest of its view pickled without that digest)."""
    reg = load_registry(ws / "examples", as_of=as_of)
    assert not reg.problems.errors, reg.problems.errors
    return digests(build_site(reg, as_of).platforms)


def pickled(view) -> bytes:
    return hashlib.blake2b(pickle.dumps(view, protocol=5)).digest()


def digests(views_: list) -> dict[str, tuple[bytes, bytes]]:
    """Id -> (the view's inputs digest, a digest of the view pickled without that digest)."""
    out = {}
    for v in views_:
        inputs, v.inputs = v.inputs, b""
        out[v.id] = (inputs, pickled(v))
    return out


def edit(path: Path, old: str, new: str):
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


EDITS = {
    "a programme renamed": ("registry/programmes/xuchang-city.yaml",
                            "name: 许昌市中小企业公共服务示范平台", "name: 许昌市中小企业公共服务示范平台（改）"),
    "a programme's validity changed": ("registry/programmes/xuchang-city.yaml", "  years: 3", "  years: 2"),
    "a notice retitled": ("examples/notices/demo-xuchang-2021-recognition.yaml",
                          "title: 关于公布2021年度", "title: 关于公布二〇二一年度"),
    "a publicity list retitled": ("examples/publicity/demo-xuchang-2024-publicity.yaml",
                                  "title: 2024年度", "title: 二〇二四年度"),
    "a platform's summary edited": ("examples/platforms/demo-xc-weidu-service.yaml",
                                    "设有线下服务大厅", "设有线下服务大厅和24小时自助终端"),
    "an event added": ("examples/platforms/demo-xc-weidu-service.yaml",
                       "      - {on: 2022-03-18, type: assessment, result: pass, notice: demo-xuchang-2021-assessment}",
                       "      - {on: 2022-03-18, type: assessment, result: pass, notice: demo-xuchang-2021-assessment}\n"
                       "      - {on: 2023-03-20, type: assessment, result: pass, notice: demo-xuchang-2022-assessment}"),
}


def edited_views_follow_their_digests(ws: Path, change: tuple, views_of) -> None:
    """Make the edit `change`; some view must change, every view that changed must have a new
    digest, and no other view may (or every page would be rendered again)."""
    before = views_of(ws)
    assert all(inputs for inputs, _ in before.values())      # every view of the demo has its digest
    file, old, new = change
    edit(ws / file, old, new)
    after = views_of(ws)
    assert sorted(before) == sorted(after)
    changed = [rid for rid in before if before[rid][1] != after[rid][1]]
    assert changed, "the edit should change some view"
    assert [rid for rid in changed if before[rid][0] == after[rid][0]] == []
    assert [rid for rid in before if rid not in changed and before[rid][0] != after[rid][0]] == []


def test_without_a_file_digest_the_view_is_pickled(workspace):
    """A registry built in code (no files) gives no digest: the cache then pickles the view."""
    reg = load_registry(workspace / "examples", as_of=AS_OF)
    reg.digests.clear()
    assert all(p.inputs == b"" for p in build_site(reg, AS_OF).platforms)


# A notice's view is named the same way (views.notice_inputs), once the build knows its attachments'
# views: each edit below must change the view of some notice, and its digest with it.
NOTICE_EDITS = {
    "a notice retitled": EDITS["a notice retitled"],
    "a deadline moved": ("examples/notices/demo-henan-2026-call.yaml", "{on: 2026-11-27,", "{on: 2026-11-30,"),
    "a programme renamed": EDITS["a programme renamed"],
    "an attached form retitled": ("registry/forms/xuchang-recommendation-form.yaml", "title: 许昌市中小企业公共服务示范平台推荐表",
                                  "title: 许昌市中小企业公共服务示范平台推荐表（修订）"),
}


def notice_views(ws: Path, as_of=AS_OF) -> dict[str, tuple[bytes, bytes]]:
    """Notice id -> (its inputs digest, a digest of its view pickled without that digest)."""
    reg = load_registry(ws / "examples", as_of=as_of)
    assert not reg.problems.errors, reg.problems.errors
    site = build_site(reg, as_of)
    for f in site.forms:
        f.file_size = len(f.title) * 100       # as the build sets it, from the form's file
    set_notice_inputs(site, reg, pickled)
    return digests(site.notices)


@pytest.mark.parametrize("views_of, change", [(views, EDITS[w]) for w in EDITS] + [(notice_views, NOTICE_EDITS[w]) for w in NOTICE_EDITS],
                         ids=[f"platform: {w}" for w in EDITS] + [f"notice: {w}" for w in NOTICE_EDITS])
def test_a_view_changes_only_with_its_inputs_digest(workspace, views_of, change):
    edited_views_follow_their_digests(workspace, change, views_of)


@pytest.mark.parametrize("views_of", [views, notice_views], ids=["platform", "notice"])
def test_a_new_day_changes_the_digest_of_every_view(workspace, views_of):
    before, after = views_of(workspace), views_of(workspace, day("2026-11-21"))
    assert all(before[rid][0] != after[rid][0] for rid in before)
