"""Run a batch of tasks inside a worker, each under a hard timeout.

The worker forks one child process per batch (after importing the runner, so the child starts
warm); the child runs the tasks one after the other and writes one JSON row per task to a pipe.
The worker waits for each row at most the task's timeout: past it the child is killed
(``SIGKILL``, whatever it was doing: a SymPy simplification, a Z3 query, a cover), the task is
recorded as ``unknown`` with the reason, and a new child takes the rest of the batch.  A child
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
import time
import traceback
from typing import Any, Callable, Mapping, Sequence

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
            "worker": worker, "result": {k: v for k, v in result.items() if k != "scope"}}


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


def _child(tasks: Sequence[Mapping[str, Any]], runner_path: str, worker: str, fd: int) -> None:
    """In the forked child: run the tasks, one JSON line each, then exit without cleanup."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.disable()  # a crash is reported as the task's row, not as a dump on the worker's stderr
    runner = runner_of(runner_path)
    with os.fdopen(fd, "w") as out:
        for task in tasks:
            out.write(json.dumps(execute(task, runner, worker), default=str) + "\n")
            out.flush()
    os._exit(0)


def run_batch(tasks: Sequence[Mapping[str, Any]]) -> list[dict]:
    """One row per task, in order (see the module docstring).  This is what a worker runs."""
    if not tasks:
        return []
    runner_of(tasks[0]["runner"])  # import in the worker: every child starts warm
    worker = worker_name()
    rows: list[dict] = []
    pending = list(tasks)
    while pending:
        rows_before = len(rows)
        rows.extend(_run_in_child(pending, worker))
        pending = pending[len(rows) - rows_before:]
    return rows


def _run_in_child(tasks: Sequence[Mapping[str, Any]], worker: str) -> list[dict]:
    """Fork a child for ``tasks``; return the rows it delivered, plus one ``unknown`` (timeout) or
    ``error`` (the child died) row for the task it was on when it stopped."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child (its rows are checked by the parent)
        os.close(read_fd)
        try:
            _child(tasks, tasks[0]["runner"], worker, write_fd)
        finally:
            os._exit(70)
    os.close(write_fd)
    rows: list[dict] = []
    buffer = b""
    started = time.perf_counter()
    selector = selectors.DefaultSelector()
    selector.register(read_fd, selectors.EVENT_READ)
    try:
        while len(rows) < len(tasks):
            task = tasks[len(rows)]
            left = task["timeout"] - (time.perf_counter() - started)
            events = selector.select(timeout=max(0.0, left)) if left > 0 else []
            if not events:
                _kill(pid)
                rows.append(row_for(task, UNKNOWN, {"scope": "not decided: hard timeout"}, task["timeout"], worker,
                                    f"timeout: killed after {task['timeout']:g} s"))
                return rows
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                status = _reap(pid)
                rows.append(row_for(task, ERROR, {}, time.perf_counter() - started, worker,
                                    f"the task's process died ({status}); the task is not decided"))
                return rows
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                rows.append(json.loads(line))
                started = time.perf_counter()
        _reap(pid)
        return rows
    finally:
        selector.close()
        os.close(read_fd)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _reap(pid)


def _reap(pid: int) -> str:
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.WEXITSTATUS(status)}"
