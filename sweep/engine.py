"""Run a sweep's tasks on Dask distributed.

* **Where.** With no scheduler address, an embedded ``LocalCluster`` with one single-threaded
  worker process per core (``workers`` to choose); with ``tcp://HOST:PORT``, the cluster
  behind that scheduler, unchanged (its workers need kdaxioms installed, nothing else).
* **What travels.** Batches of tasks as plain dicts (:meth:`.spec.Task.plain`): strings, numbers
  and lists.  Every SymPy, solver and interval object is built in the worker.
* **Failures.** A worker that dies (killed, out of memory) has its batches rescheduled on the
  others by the scheduler; a batch that still fails (Dask gives up after its allowed failures,
  or the batch function raised) gives one ``error`` row per task with the reason, so no task is
  dropped.  ``retries`` re-submits a batch whose function raised.
* **Nothing lost, nothing twice.** Rows are handed to ``on_rows`` (the journal) batch by batch as
  they arrive; the caller removes from ``tasks`` those the journal already holds.

Losing the scheduler raises :class:`SweepInterrupted` with what was saved; Ctrl-C propagates as
``KeyboardInterrupt`` after the cluster is shut down.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

from kdaxioms.symbolic.errors import KdaxiomsError

from .sandbox import ERROR, row_for, run_batch
from .spec import Task, batch_size

log = logging.getLogger(__name__)

#: Seconds to wait for a scheduler given by address.
CONNECT_TIMEOUT_S = 15
#: Re-submissions of a batch whose function raised.
RETRIES = 2
#: Dask settings of the local cluster (the nannies hand them to the workers they start).  Dask's
#: defaults suit an interactive dashboard: a statistical profiler sampling every worker's stack
#: every 10 ms, an event-loop tick every 20 ms, a system monitor every 0.5 s and a memory check
#: every 0.1 s.  On 2 cores they took about 10% of the CPU from the tasks (docs/benchmarks.md);
#: a sweep needs none of them at that rate.
LOCAL_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


class SweepInterrupted(KdaxiomsError):
    """The cluster went away in the middle of a sweep (exit status 1; ``--resume`` continues)."""

    exit_status = 1


@dataclass
class RunStats:
    """What the engine did: workers, batches, the batch size and the wall time."""

    workers: int
    batches: int
    batch: int
    seconds: float
    address: str


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@contextmanager
def client_for(scheduler: str | None, workers: int | None) -> Iterator[object]:
    """A Dask client on an existing scheduler or on a new ``LocalCluster`` (closed on exit)."""
    from distributed import Client, LocalCluster

    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # the cluster's start and stop are not the user's business
    try:
        with _client(scheduler, workers, Client, LocalCluster) as client:
            yield client
    finally:
        quiet.setLevel(level)


@contextmanager
def _client(scheduler: str | None, workers: int | None, Client, LocalCluster) -> Iterator[object]:
    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as err:
            raise KdaxiomsError(f"cannot reach the Dask scheduler at {scheduler} ({err}); start it with "
                                "'dask scheduler' or leave --scheduler out for a local cluster") from None
        try:
            yield client
        finally:
            client.close()
        return
    import dask

    # SIGINT ignored: the workers inherit it, so Ctrl-C stops the command, which stops them.
    with _sigint_ignored(), dask.config.set(LOCAL_CONFIG):
        cluster = LocalCluster(n_workers=workers or cores(), threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored while the local cluster's processes start (they inherit the disposition), so a
    Ctrl-C reaches only this process, which shuts the cluster down, instead of every worker printing
    a traceback.  Only the main thread can change it; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def worker_count(client) -> int:
    return max(1, sum(client.nthreads().values()))


def run_tasks(tasks: Sequence[Task], client, on_rows: Callable[[list[dict]], None], batch: int = 0,
              retries: int = RETRIES) -> RunStats:
    """Submit ``tasks`` in batches and hand each batch's rows to ``on_rows`` as they arrive."""
    from distributed import as_completed

    began = time.perf_counter()
    workers = worker_count(client)
    size = batch_size(len(tasks), workers, batch)
    batches = [[t.plain() for t in tasks[k:k + size]] for k in range(0, len(tasks), size)]
    address = str(client.scheduler.address) if getattr(client, "scheduler", None) else ""
    futures = {client.submit(run_batch, b, pure=False, retries=retries): b for b in batches}
    try:
        for future in as_completed(futures):
            batch_tasks = futures[future]
            if future.status == "finished":
                rows = future.result()
            elif future.status == "cancelled" and not client.status == "running":
                raise SweepInterrupted("the connection to the Dask scheduler was lost")
            else:
                reason = _reason(future)
                rows = [row_for(t, ERROR, {}, 0.0, "", f"batch failed on the cluster: {reason}") for t in batch_tasks]
            on_rows(rows)
    except (OSError, TimeoutError) as err:
        raise SweepInterrupted(f"the Dask cluster went away ({type(err).__name__}: {err})") from None
    finally:
        for future in futures:
            future.release()
    return RunStats(workers, len(batches), size, time.perf_counter() - began, address)


def _reason(future) -> str:
    try:
        err = future.exception(timeout=1)
    except Exception as exc:  # the exception itself could not be fetched
        return f"{type(exc).__name__}: {exc}"
    return f"{type(err).__name__}: {err}"[:500]
