"""Run a batch of tasks inside a worker, each under a hard timeout.

The worker forks one child process (after importing the runner, so the child starts warm) and
keeps it between batches, so its caches stay warm; the worker sends it one task at a time as a
JSON line and reads back one JSON row.  The worker waits for each row at most the task's timeout:
past it the child is killed (``SIGKILL``, whatever it was doing: a SymPy simplification, a Z3
query, a cover), the task is recorded as ``unknown`` with the reason, and a new child is forked
for the next task.  A child
that dies (a crash in a native library) makes its task an ``error`` row; an exception raised by a
runner is an ``error`` row with its message.  Every task of the batch therefore gets exactly one
row.  The child dies with its worker (``PR_SET_PDEATHSIG``), so a killed worker leaves nothing
running.

POSIX only (``os.fork``); the workers of a Dask cluster on Linux or macOS qualify.
"""

from __future__ import annotations

import ctypes
import faulthandler
import importlib
import json
import os
import selectors
import signal
import socket
import threading
import time
import traceback
from typing import Any, Callable, Mapping, Sequence

from .code import code_digest

#: Statuses of a row besides the runner's own verdicts.
UNKNOWN, ERROR = "unknown", "error"
_PR_SET_PDEATHSIG = 1


def runner_of(path: str) -> Callable[[Mapping[str, Any]], dict]:
    """Import ``module:function`` (the task's runner)."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def worker_name() -> str:
    """The Dask worker's address when run by one, else this host and process."""
    try:
        from distributed import get_worker
        return get_worker().address
    except (ImportError, ValueError):
        return f"{socket.gethostname()}:{os.getpid()}"


def row_for(task: Mapping[str, Any], verdict: str, result: Mapping[str, Any], seconds: float, worker: str,
            error: str | None = None) -> dict:
    """The common columns of a result row."""
    return {"index": task["index"], "task_id": task["id"], "kind": task["kind"], "params": dict(task["params"]),
            "verdict": verdict, "scope": result.get("scope", ""), "error": error, "seconds": round(seconds, 6),
            "worker": worker, "code": code_digest(), "result": {k: v for k, v in result.items() if k != "scope"}}


def execute(task: Mapping[str, Any], runner: Callable[[Mapping[str, Any]], dict], worker: str) -> dict:
    """Run one task in this process: the runner's ``{"verdict": ..., "scope": ..., ...}``, or an
    error row with the exception's type and message (and where it was raised)."""
    began = time.perf_counter()
    try:
        result = dict(runner(task))
        verdict = result.pop("verdict")
        return row_for(task, verdict, result, time.perf_counter() - began, worker)
    except Exception as err:  # a bug or a bad input in one task: recorded, never dropped
        where = traceback.extract_tb(err.__traceback__)[-1]
        message = f"{type(err).__name__}: {err} (at {os.path.basename(where.filename)}:{where.lineno})"
        return row_for(task, ERROR, {}, time.perf_counter() - began, worker, message[:2000])


def _serve(tasks_fd: int, rows_fd: int, worker: str) -> None:
    """In the forked child: read one task per line, write its row per line, until end of file."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.disable()  # a crash is reported as the task's row, not as a dump on the worker's stderr
    with os.fdopen(tasks_fd, "r") as tasks, os.fdopen(rows_fd, "w") as out:
        for line in tasks:
            task = json.loads(line)
            out.write(json.dumps(execute(task, runner_of(task["runner"]), worker), default=str) + "\n")
            out.flush()
    os._exit(0)


class _Executor:
    """A forked child that runs one task at a time for this worker and keeps its caches between
    batches (compiled interval programs, SymPy's cache): forked once, replaced only after a
    timeout or a crash."""

    def __init__(self, worker: str):
        task_read, self._task_write = os.pipe()
        self._row_read, row_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child (its rows are checked by the parent)
            os.close(self._task_write)
            os.close(self._row_read)
            try:
                _serve(task_read, row_write, worker)
            finally:
                os._exit(70)
        os.close(task_read)
        os.close(row_write)
        self._buffer = b""
        self.closed = False

    def run(self, task: Mapping[str, Any], worker: str) -> tuple[dict | None, bool]:
        """The task's row (None: the idle child had died, the task was not started) and whether this
        executor can take another task.  On any exception the child is killed before it propagates,
        so no task is left running and no row is left in the pipe."""
        try:
            row, alive = self._run(task, worker)
        except BaseException:
            self.close(kill=True)
            raise
        if row is not None and (row.get("index") != task["index"] or row.get("task_id") != task["id"]):
            self.close(kill=True)  # never: a row of another task; the child is replaced
            return row_for(task, ERROR, {}, 0.0, worker, "the task's process answered for another task"), False
        return row, alive

    def _run(self, task: Mapping[str, Any], worker: str) -> tuple[dict | None, bool]:
        began = time.perf_counter()
        try:
            os.write(self._task_write, (json.dumps(task) + "\n").encode())
        except BrokenPipeError:
            self.close(kill=True)
            return None, False
        with selectors.DefaultSelector() as selector:
            selector.register(self._row_read, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = task["timeout"] - (time.perf_counter() - began)
                if left <= 0 or not selector.select(timeout=left):
                    self.close(kill=True)
                    return row_for(task, UNKNOWN, {"scope": "not decided: hard timeout"}, task["timeout"], worker,
                                   f"timeout: killed after {task['timeout']:g} s"), False
                chunk = os.read(self._row_read, 1 << 16)
                if not chunk:
                    status = self.close(kill=False)
                    return row_for(task, ERROR, {}, time.perf_counter() - began, worker,
                                   f"the task's process died ({status}); the task is not decided"), False
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line), True

    def close(self, kill: bool) -> str:
        if self.closed:
            return "closed"
        self.closed = True
        for fd in (self._task_write, self._row_read):
            try:
                os.close(fd)
            except OSError:
                pass
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            return _reap(self.pid)
        except ChildProcessError:  # already reaped (SIGCHLD ignored)
            return "gone"


#: The executor of each (process, thread): a worker's child process, kept between batches.
_EXECUTORS: dict[tuple[int, int], _Executor] = {}


def run_batch(tasks: Sequence[Mapping[str, Any]]) -> list[dict]:
    """One row per task, in order (see the module docstring).  This is what a worker runs."""
    if not tasks:
        return []
    runner_of(tasks[0]["runner"])  # import in the worker: a new child starts warm
    worker = worker_name()
    key = (os.getpid(), threading.get_ident())
    rows = []
    for task in tasks:
        row = None
        for _ in range(2):  # a child found dead before the task started is replaced once
            executor = _EXECUTORS.get(key)
            if executor is None:
                executor = _EXECUTORS[key] = _Executor(worker)
            try:
                row, alive = executor.run(task, worker)
            finally:
                if executor.closed:
                    _EXECUTORS.pop(key, None)
            if row is not None:
                break
        rows.append(row if row is not None else
                    row_for(task, ERROR, {}, 0.0, worker, "no process could be started for the task"))
    return rows


def _reap(pid: int) -> str:
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.WEXITSTATUS(status)}"
