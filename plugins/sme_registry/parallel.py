"""Run a build's independent tasks on all cores: forked workers, results back to the parent.

The tasks are closures over the generator's view models, which are large and not worth
pickling: a forked worker inherits them (copy-on-write) and sends back only its result
(the files it wrote and their digests; a search index part also what a rebuild patches it from).  `long_lived()` keeps the workers' garbage
collector from touching, and so copying, every inherited object.  An exception in a task
is raised again in the parent, so a failed page still fails the whole build.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Callable

_TASKS: list[Callable[[], object]] = []
_COLLECT = True


def _run(i: int):
    return _collecting(_TASKS[i]) if _COLLECT else _TASKS[i]()


def workers() -> int:
    """REGISTRY_WORKERS in the environment, else one per core the process may use."""
    env = os.environ.get("REGISTRY_WORKERS")
    if env:
        return max(1, int(env))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:   # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_all(tasks: list[Callable[[], object]], jobs: int | None = None, collect: bool = True) -> list:
    """Results of `tasks`, in order; in forked workers when there are several cores and tasks.
    `collect=False`: the tasks make no cyclic garbage (parsing, rules): the collector stays off
    while they run, if it is off (long_lived)."""
    global _TASKS, _COLLECT
    jobs = workers() if jobs is None else jobs
    run = _collecting if collect else (lambda task: task())
    if jobs <= 1 or len(tasks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [run(t) for t in tasks]
    _TASKS, _COLLECT = tasks, collect
    # as many tasks as cores: the last runs here, and its result needs no sending back
    here = len(tasks) <= jobs
    forked = len(tasks) - 1 if here else len(tasks)
    try:
        # a worker that dies (killed for memory, say) fails the build with BrokenProcessPool, never hangs it
        with long_lived(), ProcessPoolExecutor(min(jobs, forked), mp_context=multiprocessing.get_context("fork")) as pool:
            results = pool.map(_run, range(forked))
            own = [run(tasks[-1])] if here else []
            return list(results) + own
    finally:
        _TASKS = []


def _collecting(task: Callable[[], object]):
    enabled = gc.isenabled()
    gc.enable()
    try:
        return task()
    finally:
        if not enabled:
            gc.disable()


@contextmanager
def long_lived():
    """Everything alive now lives as long as this block: the cyclic garbage collector leaves it
    alone (gc.freeze).  A build holds a million objects (records, view models) for its whole
    run; every full collection would walk them all again (a fifth of a rebuild's time) to free
    nothing, and in a forked worker it would copy every page it touches.
    The outermost block also stops the collector altogether: loading and keying a registry
    (reading the parse cache, building the view models, pickling them for keys) make a
    million objects and almost no cyclic garbage, and the collections their allocations
    set off took a sixth of a rebuild.  Rendering does make cyclic garbage (Jinja's contexts):
    run_all's tasks run with the collector on, in the workers and here, unless they make none.
    Blocks nest: only the outermost one hands the objects back to the collector."""
    outer = gc.get_freeze_count() > 0
    enabled = gc.isenabled()
    gc.freeze()
    if not outer:
        gc.disable()
    try:
        yield
    finally:
        if not outer:
            gc.unfreeze()
            if enabled:
                gc.enable()


@contextmanager
def collector_paused():
    """For work that makes a great many objects and no cyclic garbage (loading a registry; a search
    index: dicts of lists of strings, freed by their reference counts): the collections their
    allocations set off would walk them again and again to free nothing (a fifth of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def settle() -> None:
    """Inside long_lived(): what was made since (a build's view models) lives as long too."""
    if gc.get_freeze_count():
        gc.freeze()
