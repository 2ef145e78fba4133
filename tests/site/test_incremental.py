"""Rebuilds that reuse the previous output (buildcache.py) publish exactly what a clean build does.

Each test builds the demo registry, changes it as staff would (a platform renamed, a notice
added, a text edited, the day moving on, a broken record fixed), rebuilds with the cache and
compares every byte with a clean build of the same records into another folder.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from sitekit import EXAMPLES, REGISTRY, build_into, day
from test_build import snapshot

AS_OF = day("2026-11-20")
PLATFORM = "platforms/demo-ha-wancheng-info.yaml"
UNTOUCHED_PAGE = "platforms/demo-js-huqiu-design/index.html"


@pytest.fixture
def workspace(tmp_path):
    """The demo registry (and the registry it extends) in a writable folder."""
    shutil.copytree(REGISTRY, tmp_path / "registry")
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    return tmp_path


def same_as_clean(ws: Path, out: Path, as_of=AS_OF):
    clean = ws / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    assert build_into(ws / "examples", clean, as_of, cache=False) == 0
    cached, fresh = snapshot(out), snapshot(clean)
    assert sorted(cached) == sorted(fresh)
    differing = [name for name in fresh if cached[name] != fresh[name]]
    assert differing == []
    assert folders(out) == folders(clean)       # no folder left empty by a removed page


def folders(root: Path) -> set[str]:
    return {os.path.relpath(d, root) for d, _, _ in os.walk(root)}


def edit(path: Path, old: str, new: str):
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_rebuild_after_changes_equals_a_clean_build_and_reuses_unchanged_pages(workspace):
    ws, out = workspace, workspace / "output"
    assert build_into(ws / "examples", out, AS_OF) == 0
    assert (ws / ".output.cache").is_dir() and not (out / ".output.cache").exists()   # never published
    untouched = os.stat(out / UNTOUCHED_PAGE).st_ino

    edit(ws / "examples" / PLATFORM, "南阳宛城中小企业信息服务平台", "南阳宛城区中小企业数字化服务平台")
    notice = (ws / "examples/notices/demo-henan-2026-call.yaml").read_text("utf-8")
    (ws / "examples/notices/demo-henan-2027-call.yaml").write_text(
        notice.replace("2026", "2027").replace("2027-", "2026-"), "utf-8")
    edit(ws / "examples/notices/demo-xuchang-2026-call.yaml", "\n", "\n")   # a no-op save

    assert build_into(ws / "examples", out, AS_OF) == 0
    same_as_clean(ws, out)
    page = (out / "platforms/demo-ha-wancheng-info/index.html").read_text("utf-8")
    assert "南阳宛城区中小企业数字化服务平台" in page
    assert "南阳宛城区中小企业数字化服务平台" in (out / "data/platforms.json").read_text("utf-8")
    assert (out / "notices/demo-henan-2027-call/index.html").is_file()
    # the page of a platform nothing touched was taken from the previous output, not rendered again
    assert os.stat(out / UNTOUCHED_PAGE).st_ino == untouched


def test_a_publicity_calendar_is_made_again_only_when_what_it_says_changes(workspace, monkeypatch):
    """A list's calendar file has a key of its own (calendar_files.publicity_ics_inputs): a platform
    on the list renamed renders the list's page again, not its calendar.  (In this process, so that
    the calendars made can be counted.)"""
    from registry_site import calendar_files
    from sme_registry import parallel
    monkeypatch.setattr(parallel, "run_all", lambda tasks, jobs=None, collect=True: [task() for task in tasks])
    monkeypatch.setattr(parallel, "_FORK", None)
    made, publicity_ics = [], calendar_files.publicity_ics
    monkeypatch.setattr(calendar_files, "publicity_ics", lambda p, settings: made.append(p.id) or publicity_ics(p, settings))
    ws, out = workspace, workspace / "output"
    page, ics = out / "publicity/demo-henan-2026-publicity/index.html", out / "publicity/demo-henan-2026-publicity.ics"
    assert build_into(ws / "examples", out, AS_OF) == 0
    assert "demo-henan-2026-publicity" in made

    made.clear()
    edit(ws / "examples/platforms/demo-xc-yuzhou-ceramics.yaml", "禹州市钧瓷产业技术服务平台", "禹州市钧瓷产业创新服务平台")
    assert build_into(ws / "examples", out, AS_OF) == 0
    assert "禹州市钧瓷产业创新服务平台" in page.read_text("utf-8") and made == []
    same_as_clean(ws, out)

    made.clear()
    edit(ws / "examples/publicity/demo-henan-2026-publicity.yaml", "0371-0000000", "0371-1234567")
    assert build_into(ws / "examples", out, AS_OF) == 0
    assert made == ["demo-henan-2026-publicity"]
    assert "0371-1234567" in ics.read_text("utf-8").replace("\n ", "")     # lines unfolded
    same_as_clean(ws, out)


def test_a_rebuild_writes_only_the_search_shards_a_change_touches(workspace, monkeypatch):
    """The search index is patched (search_index.py): a renamed platform rewrites the shards its old
    and new name fall in, not the others, and the site is still a clean build's.  The demo is small:
    here it gets many shards, common tokens (bitmaps) and an index built in three parts, as a large
    registry would, and the parts run in this process so that the writes can be counted."""
    from registry_site import generator, search_index
    from sme_registry import parallel
    monkeypatch.setattr(search_index, "TOKENS_PER_SHARD", 10)
    monkeypatch.setattr(search_index, "COMMON_MIN_DOCS", 8)
    monkeypatch.setattr(search_index, "CHUNK", 4)
    monkeypatch.setattr(generator, "SPLIT_SEARCH_AT", 1)
    monkeypatch.setattr(generator, "CORES_PER_SEARCH_PART", 1)
    monkeypatch.setattr(parallel, "workers", lambda: 3)
    monkeypatch.setattr(parallel, "run_all", lambda tasks, jobs=None, collect=True: [task() for task in tasks])
    monkeypatch.setattr(parallel, "_FORK", None)       # and a rebuild's stages too (parallel.Background)
    written, emit = [], search_index.emit
    monkeypatch.setattr(search_index, "emit", lambda out, rel, data: written.append(rel) or emit(out, rel, data))
    ws, out = workspace, workspace / "output"
    assert build_into(ws / "examples", out, AS_OF) == 0
    shards = lambda: [f for f in written if f.startswith("search/platform/s")]
    entries = lambda: [f for f in written if f.startswith("search/platform/d")]    # result entries, 4 a file
    manifest = lambda: json.loads((out / "search/manifest.json").read_text("utf-8"))["types"]["platform"]
    assert len(shards()) == len(manifest()["present"]) > 16 and manifest()["common"]
    chunks = len(entries())
    assert chunks == -(-manifest()["docs"] // 4) > 6

    written.clear()
    edit(ws / "examples" / PLATFORM, "南阳宛城中小企业信息服务平台", "南阳宛城区中小企业数字化服务平台")
    assert build_into(ws / "examples", out, AS_OF) == 0
    assert 0 < len(shards()) < len(manifest()["present"]) / 2
    # the entries of the platforms whose view is unchanged, at the same place, are not written again
    assert 0 < len(entries()) < chunks / 2
    same_as_clean(ws, out)

    written.clear()       # a platform removed: the refs of the records after it shift
    (ws / "examples/platforms/demo-ha-jinshui-transfer.yaml").unlink()
    assert build_into(ws / "examples", out, AS_OF) == 0
    assert 0 < len(shards())
    same_as_clean(ws, out)

    written.clear()       # a shard and a file of entries deleted from the output by hand are written again, alone
    (out / f"search/platform/s{manifest()['present'][-1]}.json").unlink()
    (out / "search/platform/d1.json").unlink()
    assert build_into(ws / "examples", out, AS_OF) == 0
    assert shards() == [f"search/platform/s{manifest()['present'][-1]}.json"]
    assert entries() == ["search/platform/d1.json"]
    same_as_clean(ws, out)


def test_a_new_day_rebuilds_what_the_date_changes(workspace):
    ws, out = workspace, workspace / "output"
    assert build_into(ws / "examples", out, AS_OF) == 0
    later = day("2027-01-05")            # titles expire at the year's end; deadlines pass
    assert build_into(ws / "examples", out, later) == 0
    same_as_clean(ws, out, later)


def test_a_failed_build_keeps_the_output_and_its_cache_in_step(workspace):
    ws, out = workspace, workspace / "output"
    assert build_into(ws / "examples", out, AS_OF) == 0
    before = snapshot(out)
    record = ws / "examples" / PLATFORM
    good = record.read_text("utf-8")
    record.write_text(good.replace('region: "411302"', 'region: "999999"'), "utf-8")
    assert build_into(ws / "examples", out, AS_OF) == 1
    assert snapshot(out) == before
    record.write_text(good.replace("南阳示例信息技术有限公司", "南阳示例数字科技有限公司"), "utf-8")
    assert build_into(ws / "examples", out, AS_OF) == 0
    same_as_clean(ws, out)


def test_a_stage_failing_in_a_rebuild_publishes_nothing(workspace, monkeypatch):
    """A rebuild's stages (search index, open data) run in a child beside the pages
    (generator._output): an error there fails the build as an error in a page does."""
    from registry_site import opendata
    ws, out = workspace, workspace / "output"
    assert build_into(ws / "examples", out, AS_OF) == 0
    before = snapshot(out)
    edit(ws / "examples" / PLATFORM, "南阳宛城中小企业信息服务平台", "南阳宛城区中小企业数字化服务平台")

    def broken(*args, **kwargs):
        raise OSError("磁盘已满")
    with monkeypatch.context() as m:
        m.setattr(opendata, "write_lists", broken)
        assert build_into(ws / "examples", out, AS_OF) == 1
    assert snapshot(out) == before
    assert build_into(ws / "examples", out, AS_OF) == 0
    same_as_clean(ws, out)


def test_a_build_whose_cache_could_not_be_written_leaves_none(workspace):
    """The build state is written by a child while the output is published (buildcache.save):
    when it cannot be written, the previous state, which describes the output just replaced,
    goes too, and the next build does all the work again."""
    ws, out = workspace, workspace / "output"
    cache = ws / ".output.cache"
    assert build_into(ws / "examples", out, AS_OF) == 0
    assert (cache / "state.bin").is_file()
    (cache / "state.next.bin.tmp").mkdir()        # where the state is written: not a file
    edit(ws / "examples" / PLATFORM, "南阳宛城中小企业信息服务平台", "南阳宛城区中小企业数字化服务平台")
    assert build_into(ws / "examples", out, AS_OF) == 0
    assert not (cache / "state.bin").exists() and not (cache / "state.next.bin").exists()
    same_as_clean(ws, out)
    (cache / "state.next.bin.tmp").rmdir()
    edit(ws / "examples" / PLATFORM, "南阳宛城区中小企业数字化服务平台", "南阳宛城中小企业信息服务平台")
    assert build_into(ws / "examples", out, AS_OF) == 0
    assert (cache / "state.bin").is_file()
    same_as_clean(ws, out)


def test_a_damaged_cache_or_output_only_costs_time(workspace):
    ws, out = workspace, workspace / "output"
    assert build_into(ws / "examples", out, AS_OF) == 0
    (ws / ".output.cache" / "state.bin").write_bytes(b"not a build state")
    assert build_into(ws / "examples", out, AS_OF) == 0
    same_as_clean(ws, out)
    # files removed or edited by hand in the published folder are produced again
    (out / UNTOUCHED_PAGE).unlink()
    (out / "platforms/demo-ha-wancheng-info.json").unlink()     # open data written with its platform's page
    (out / "data/platforms.csv").write_text("被手工改过", "utf-8")
    (out / "search/manifest.json").unlink()
    assert build_into(ws / "examples", out, AS_OF) == 0
    same_as_clean(ws, out)
    # a rebuild keeps the published open data lines of the platforms and notices that did not
    # change, but never from a list edited by hand
    edit(out / "data/platforms.json", "苏州虎丘工业设计公共服务平台", "苏州虎丘工业设计公共服务平台（手工改）")
    edit(out / "data/notices.json", "关于组织开展全省中小企业公共服务星级平台复评工作的通知", "（手工改）")
    csv = out / "data/platforms.csv"
    csv.write_bytes(csv.read_bytes().replace("苏州虎丘工业设计公共服务平台".encode(), "苏州虎丘工业设计公共服务平台（手工改）".encode()))
    edit(ws / "examples" / PLATFORM, "南阳宛城中小企业信息服务平台", "南阳宛城区中小企业数字化服务平台")
    assert build_into(ws / "examples", out, AS_OF) == 0
    same_as_clean(ws, out)


def test_a_clean_build_over_a_published_site_rewrites_only_what_differs(workspace):
    """`--clean` trusts no record of the published folder: it renders everything and compares
    each file byte for byte.  Files with the same bytes stay as they are (not deleted and written
    again: output.py says why); whatever else the folder holds is put right."""
    ws, out = workspace, workspace / "output"
    assert build_into(ws / "examples", out, AS_OF) == 0
    untouched = os.stat(out / UNTOUCHED_PAGE).st_ino
    edit(ws / "examples" / PLATFORM, "南阳宛城中小企业信息服务平台", "南阳宛城区中小企业数字化服务平台")
    # the published folder was meddled with: an edit of the same size, a stray file, a file where
    # a page's folder goes, a folder where a file goes
    csv = out / "data/platforms.csv"
    data = csv.read_bytes()
    csv.write_bytes(data[:-2] + b"!!")
    (out / "notes.txt").write_text("手工放入的文件", "utf-8")
    shutil.rmtree(out / "forms")
    (out / "forms").write_text("不是目录", "utf-8")
    (out / "search/manifest.json").unlink()
    (out / "search/manifest.json").mkdir()
    assert build_into(ws / "examples", out, AS_OF, cache=False) == 0
    same_as_clean(ws, out)
    assert os.stat(out / UNTOUCHED_PAGE).st_ino == untouched
    assert "南阳宛城区中小企业数字化服务平台" in (out / "platforms/demo-ha-wancheng-info/index.html").read_text("utf-8")


def test_settings_are_part_of_the_key(workspace):
    ws, out = workspace, workspace / "output"
    assert build_into(ws / "examples", out, AS_OF) == 0
    renamed = {"SITENAME": "许昌市中小企业公共服务示范平台公开登记库"}
    assert build_into(ws / "examples", out, AS_OF, overrides=renamed) == 0
    clean = ws / "clean"
    assert build_into(ws / "examples", clean, AS_OF, overrides=renamed, cache=False) == 0
    assert snapshot(out) == snapshot(clean)
    assert "许昌市中小企业公共服务示范平台公开登记库" in (out / UNTOUCHED_PAGE).read_text("utf-8")


def test_a_new_commit_rebuilds_the_history_it_changes(workspace):
    """Staff commit, the site rebuilds: the changed record's 修改记录 and /changes/ follow the commit."""
    from test_history import commit, git
    ws, out = workspace, workspace / "output"
    git(ws, "init", "-q", "-b", "main")
    commit(ws, "新增登记库", "2026-11-02T10:00:00+08:00")
    assert build_into(ws / "examples", out, AS_OF) == 0
    untouched = os.stat(out / UNTOUCHED_PAGE).st_ino
    edit(ws / "examples" / PLATFORM, "南阳示例信息技术有限公司", "南阳示例数字科技有限公司")
    commit(ws, "更新宛城平台运营单位名称", "2026-11-18T15:00:00+08:00")
    (ws / "examples/platforms/demo-ha-jinshui-transfer.yaml").unlink()
    commit(ws, "删除重复录入的平台", "2026-11-19T09:00:00+08:00")
    assert build_into(ws / "examples", out, AS_OF) == 0
    same_as_clean(ws, out)
    assert "更新宛城平台运营单位名称" in (out / "platforms/demo-ha-wancheng-info/index.html").read_text("utf-8")
    assert "删除重复录入的平台" in (out / "changes/feed.xml").read_text("utf-8")
    assert os.stat(out / UNTOUCHED_PAGE).st_ino == untouched

    # built before the edit was committed, then committed: the files are the same, the history is not
    edit(ws / "examples" / PLATFORM, "南阳示例数字科技有限公司", "南阳示例数字技术有限公司")
    assert build_into(ws / "examples", out, AS_OF) == 0
    commit(ws, "更正宛城平台运营单位名称", "2026-11-19T10:00:00+08:00")
    assert build_into(ws / "examples", out, AS_OF) == 0
    same_as_clean(ws, out)
    assert "更正宛城平台运营单位名称" in (out / "platforms/demo-ha-wancheng-info/index.html").read_text("utf-8")


def test_the_build_state_is_kept_whole_whatever_its_values(tmp_path):
    """The state is marshalled when its values are plain (the build's own: marshal is three times
    faster), pickled when one is not; either reads back as it was written."""
    import datetime as dt

    from registry_site import buildcache
    plain = {"format": buildcache.FORMAT, "files": {"index.html": ("ab12", 321)}, "pages": {"index.html": b"k" * 20},
             "stages": {"opendata": (b"k", ["data/platforms.json"], {"platforms": {"p1": b"d"}})}}
    other = {**plain, "regions": {"410102": dt.date(2026, 11, 20)}}      # a value marshal cannot write
    for state, tag in ((plain, b"M"), (other, b"P")):
        path = tmp_path / "state.bin"
        buildcache._write_state(path, buildcache._dump_state(state))
        assert path.read_bytes()[:1] == tag
        assert buildcache._load_state(path) == state


def test_nothing_changed_means_nothing_to_do(workspace, capsys):
    """Same records, templates, settings, date and commit, and the output as the last build left it:
    the build is already done (it would write the same bytes), and says so."""
    from registry_site.build import build
    ws, out = workspace, workspace / "output"
    assert build_into(ws / "examples", out, AS_OF) == 0
    state = ws / ".output.cache" / "state.bin"
    before, stamp = snapshot(out), os.stat(state).st_mtime_ns
    assert build((ws / "examples").resolve(), out, AS_OF) == 0
    said = capsys.readouterr().err
    assert "网站已是最新" in said and "警告" in said          # the demo's warnings are shown again
    assert snapshot(out) == before and os.stat(state).st_mtime_ns == stamp   # no build ran

    # a file someone dropped into the published folder: the build runs and removes it
    (out / "platforms" / "说明.txt").write_text("手工放进来的文件", "utf-8")
    assert build_into(ws / "examples", out, AS_OF) == 0
    same_as_clean(ws, out)

    # after a rebuild that changed files in place, what it left is recorded: the next build has nothing to do
    edit(ws / "examples" / PLATFORM, "南阳宛城中小企业信息服务平台", "南阳宛城区中小企业信息服务平台")
    assert build_into(ws / "examples", out, AS_OF) == 0
    capsys.readouterr()
    assert build((ws / "examples").resolve(), out, AS_OF) == 0
    assert "网站已是最新" in capsys.readouterr().err


def test_pelican_pages_are_inputs_too(workspace):
    ws, out = workspace, workspace / "output"
    content = ws / "content"
    shutil.copytree(REGISTRY.parent / "content", content)
    settings = {"PATH": str(content)}
    assert build_into(ws / "examples", out, AS_OF, overrides=settings) == 0
    about = content / "pages" / "about.md"
    about.write_text(about.read_text("utf-8") + "\n本站由示例单位维护。\n", "utf-8")
    assert build_into(ws / "examples", out, AS_OF, overrides=settings) == 0
    assert "本站由示例单位维护" in (out / "about" / "index.html").read_text("utf-8")
    # Pelican reads its pages through its cache (build.PELICAN_CACHE), which checks their content,
    # not their time: an edit that keeps the file's time (a restore, a copy with -p) still shows
    stamp = os.stat(about)
    about.write_text(about.read_text("utf-8").replace("本站由示例单位维护", "本站由示例中心维护"), "utf-8")
    os.utime(about, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert build_into(ws / "examples", out, AS_OF, overrides=settings) == 0
    assert "本站由示例中心维护" in (out / "about" / "index.html").read_text("utf-8")
    clean = ws / "clean"
    assert build_into(ws / "examples", clean, AS_OF, overrides=settings, cache=False) == 0
    assert snapshot(out) == snapshot(clean)
