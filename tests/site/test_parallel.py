"""parallel.run_all: the build's work on every core; a failure anywhere fails the build, never hangs it."""
from __future__ import annotations

import os
import signal
import time

import pytest

from sme_registry import parallel


def test_results_come_back_in_order_from_forked_workers():
    parent = os.getpid()
    results = parallel.run_all([lambda i=i: (i * i, os.getpid()) for i in range(2)], jobs=3)
    assert [r for r, _ in results] == [0, 1]
    assert results[0][1] != parent


def test_more_tasks_than_cores_are_shared_by_this_process_and_the_workers():
    parent = os.getpid()

    def task(i):
        time.sleep(0.05)     # long enough for the forked worker to start and take its turns
        return i * i, os.getpid()
    results = parallel.run_all([lambda i=i: task(i) for i in range(12)], jobs=2)
    assert [r for r, _ in results] == [i * i for i in range(12)]
    ran_in = {pid for _, pid in results}
    assert parent in ran_in and len(ran_in) == 2
    # the worker takes them from the front (the longest first), this process from the back
    assert results[0][1] != parent and results[-1][1] == parent


def test_an_error_in_a_task_is_raised_in_the_build():
    def broken():
        raise ValueError("模板错误")
    with pytest.raises(ValueError, match="模板错误"):
        parallel.run_all([lambda: 1, broken, lambda: 2], jobs=2)


def test_a_killed_worker_fails_the_build_instead_of_hanging_it():
    parent = os.getpid()

    def dies_in_a_worker():
        time.sleep(0.05)
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return 1
    with pytest.raises(ChildProcessError, match="意外中止"):     # one task a core: the first runs in the worker
        parallel.run_all([dies_in_a_worker, lambda: 2], jobs=2)
    with pytest.raises(ChildProcessError, match="意外中止"):     # more tasks than cores: the worker takes one of them
        parallel.run_all([dies_in_a_worker] * 8, jobs=2)


def test_one_worker_runs_in_process(monkeypatch):
    monkeypatch.setenv("REGISTRY_WORKERS", "1")
    assert parallel.run_all([os.getpid, os.getpid]) == [os.getpid()] * 2


def test_as_many_tasks_as_cores_run_the_last_one_here():
    parent = os.getpid()
    assert [pid == parent for pid in parallel.run_all([os.getpid, os.getpid], jobs=2)] == [False, True]


def test_a_build_collects_garbage_only_where_its_tasks_make_some():
    import gc
    was_on = gc.isenabled()
    with parallel.long_lived():
        # loading and keying: no collections (they would walk a million live objects to free nothing)
        assert not gc.isenabled()
        # rendering makes cyclic garbage: its tasks run with the collector, in the workers and here
        assert parallel.run_all([gc.isenabled, gc.isenabled], jobs=2) == [True, True]
        assert parallel.run_all([gc.isenabled, gc.isenabled], jobs=2, collect=False) == [False, False]
        assert not gc.isenabled()
        frozen = gc.get_freeze_count()
        views = [[i] for i in range(1000)]      # made while the build runs (lists: tracked): they live as long
        parallel.settle()
        assert gc.get_freeze_count() >= frozen + 1000
        with parallel.long_lived():                     # a nested block (run_all's) hands nothing back
            pass
        assert gc.get_freeze_count() >= frozen + 1000 and not gc.isenabled()
    assert gc.isenabled() == was_on
    assert gc.get_freeze_count() == 0 and views         # the outermost block handed everything back
    parallel.settle()                                   # outside a block: freezes nothing
    assert gc.get_freeze_count() == 0


def test_markdown_rendered_ahead_on_all_cores_is_what_rendering_on_demand_gives(monkeypatch):
    from registry_site import markdown_safe as md
    texts = [(f"**第{i}条** 见[通知](https://gxt.example.cn/{i})\n\n- 一\n- 二 <script>alert(1)</script>", 100)
             for i in range(60)] + [("", 100), (None, 100)]
    monkeypatch.setattr(md, "MEMO", {})
    monkeypatch.setattr(md, "PARALLEL_FROM", 10)
    monkeypatch.setenv("REGISTRY_WORKERS", "2")
    md.prerender(texts)
    ahead = dict(md.MEMO)
    assert len(ahead) == 120                       # each text's HTML and its excerpt
    md.MEMO.clear()
    for text, limit in texts:
        md.plain(text, limit, html=md.render(text))
    assert dict(md.MEMO) == ahead
    assert not any("script" in html for html in ahead.values())


def test_work_in_the_background_sends_its_value_and_then_finishes_its_writes(tmp_path):
    parent = os.getpid()
    marker = tmp_path / "written"
    job = parallel.Background(lambda: ("值", os.getpid()), then=lambda: (time.sleep(0.2), marker.write_text("好")))
    value, pid = job.result()
    assert value == "值" and pid != parent
    job.join()                                     # waits for `then` as well
    assert marker.read_text() == "好"


def test_an_error_in_background_work_is_raised_where_its_value_is_asked_for():
    def broken():
        raise ValueError("规则出错")
    job = parallel.Background(broken)
    with pytest.raises(ValueError, match="规则出错"):
        job.result()
    job.join()


def test_a_killed_background_child_fails_instead_of_hanging():
    job = parallel.Background(lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(ChildProcessError):
        job.result()
    job.join()


def test_background_work_without_a_second_core_runs_here(monkeypatch):
    monkeypatch.setenv("REGISTRY_WORKERS", "1")
    assert parallel.Background(os.getpid).result() == os.getpid()
