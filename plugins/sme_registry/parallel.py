"""Run a build's independent tasks on all cores: forked workers, results back to the parent,
which takes its turns at the tasks too (the shortest ones).

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
import pickle
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
    global _TASKS, _COLLECT, _ENDS
    jobs = workers() if jobs is None else jobs
    run = _collecting if collect else (lambda task: task())
    if jobs <= 1 or len(tasks) <= 1 or _FORK is None:
        return [run(t) for t in tasks]
    _TASKS, _COLLECT = tasks, collect
    children: list[Background] = []
    try:
        # a worker that dies (killed for memory, say) fails the build (Background.result), never hangs it
        with long_lived():
            if len(tasks) <= jobs:   # one task a core: the last runs here, and its result needs no sending back
                children = [Background(lambda i=i: _run(i), here=False) for i in range(len(tasks) - 1)]
                own = run(tasks[-1])
                return [child.result() for child in children] + [own]
            # more tasks than cores: jobs - 1 forked workers take them in order from the front (the
            # longest first), and this process takes its turns from the back (the shortest: what it
            # renders adds little to its memory, which holds the whole build); each worker sends its
            # results back once, at the end.  This process working too saves forking a worker and
            # sending its results (a rebuild's keying is many short tasks, where those cost as much
            # as the work).  Plain forked children (Background), not a process pool: the pool's
            # threads, queues and shutdown cost a rebuild 0.03 s at each run.
            _ENDS = _FORK.Array("q", [0, len(tasks)])       # the next task from the front; one past the back
            children = [Background(_take_turns, here=False) for _ in range(jobs - 1)]
            done = dict(_take_turns(run, from_back=True))
            for child in children:
                done.update(child.result())
            return [done[i] for i in range(len(tasks))]
    finally:
        if _ENDS is not None:           # a failed run: the others stop after their current task
            with _ENDS.get_lock():
                _ENDS[0] = _ENDS[1]
        for child in children:
            child.join()
        _TASKS, _ENDS = [], None


_FORK = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
_ENDS = None      # the tasks not yet taken: [front, back) (shared memory, inherited by the workers)


def _take_turns(run=None, from_back: bool = False) -> list[tuple[int, object]]:
    """Run tasks taken from the front (or the back) of those left until none is: [(index, result)]."""
    run = run or (lambda task: _collecting(task) if _COLLECT else task())
    results = []
    while True:
        with _ENDS.get_lock():
            front, back = _ENDS[0], _ENDS[1]
            if front >= back:
                return results
            if from_back:
                i = _ENDS[1] = back - 1
            else:
                i, _ENDS[0] = front, front + 1
        try:
            results.append((i, run(_TASKS[i])))
        except BaseException:
            with _ENDS.get_lock():      # the others stop after their current task: the run has failed
                _ENDS[0] = _ENDS[1]
            raise


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
    global _LONG_LIVED
    outer = _LONG_LIVED > 0
    enabled = gc.isenabled()
    gc.freeze()
    _LONG_LIVED += 1
    if not outer:
        gc.disable()
    try:
        yield
    finally:
        _LONG_LIVED -= 1
        if not outer:
            gc.unfreeze()
            if enabled:
                gc.enable()


# How many long_lived() blocks this process is in.  Counted here: gc.get_freeze_count() walks
# every frozen object (30 ms a call with a built registry), and the blocks nest in every run_all.
_LONG_LIVED = 0


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
    if _LONG_LIVED:
        gc.freeze()


class Background:
    """work() in a forked child while this process goes on; `result()` waits for its value (an
    exception it raised is raised here).  `then()` runs in the child after it sent the value (a
    file to write, say): `join()` waits for that too.  Without a second core, or without fork,
    both run here at once."""

    def __init__(self, work: Callable[[], object], then: Callable[[], object] | None = None, here: bool | None = None):
        """`here`: run here (True), in a child (False), or as the cores allow (None)."""
        self._pid = None
        self._outcome: tuple | None = None
        if here or (here is None and (workers() < 2 or _FORK is None)):
            self._outcome = _outcome(work)
            if then is not None:
                then()
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:               # the child: work, send, then; end without running the caller's code
            code = 1
            try:
                os.close(read)
                data = pickle.dumps(_outcome(work), protocol=5)
                view = memoryview(data)
                while view:
                    view = view[os.write(write, view):]
                os.close(write)
                if then is not None:
                    then()
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self):
        if self._outcome is None:
            chunks = []
            try:
                while chunk := os.read(self._read, 1 << 20):
                    chunks.append(chunk)
            finally:
                os.close(self._read)
            try:
                self._outcome = pickle.loads(b"".join(chunks))
            except (EOFError, pickle.UnpicklingError):      # killed before it sent its value
                os.waitpid(self._pid, 0)
                self._pid = None
                self._outcome = (False, ChildProcessError("后台任务意外中止（进程被结束？）"))
        ok, value = self._outcome
        if not ok:
            raise value
        return value

    def join(self) -> None:
        """Wait for the child to end (after its value was read: result())."""
        if self._pid is not None:
            if self._outcome is None:
                try:
                    self.result()
                except BaseException:
                    pass
            os.waitpid(self._pid, 0)
            self._pid = None


def give_way(parent: int, niceness: int) -> None:
    """In a child forked by `parent` (never in `parent` itself, where a Background without a second
    core runs its work): lower this process's priority, for work the build waits for later or
    not at all."""
    if os.getpid() != parent:
        try:
            os.nice(niceness)
        except OSError:
            pass


def _outcome(work) -> tuple[bool, object]:
    try:
        return True, work()
    except Exception as exc:       # raised again where the value is asked for
        try:
            pickle.dumps(exc)
            return False, exc
        except Exception:
            return False, RuntimeError(f"{type(exc).__name__}: {exc}")
