"""Ctrl-C for a whole run: one line, exit status 130, and no process left behind.

The terminal sends SIGINT to the whole process group, workers included; the parent alone
decides what happens:

- a worker process ignores SIGINT (:func:`worker_init`); it is spawned with SIGINT blocked
  (:func:`sigint_blocked`), so that a Ctrl-C while it is still importing cannot print a
  traceback either, and it is killed by the kernel if its parent dies without reaping it;
- on :class:`KeyboardInterrupt` the parent terminates and joins every worker and shuts the
  pool down without waiting for the claims that were running or waiting (:func:`stop_pool`),
  with SIGINT ignored so that a second Ctrl-C cannot cut that short; on every exit from the
  pool it stops and reaps multiprocessing's resource tracker (:func:`stop_resource_tracker`);
- the command line then prints ``kdaxioms: interrupted`` and exits :data:`INTERRUPTED`
  (:func:`interrupted`).

A Z3 query running in the main process is interrupted by its watchdog
(:mod:`kdaxioms.smt.solve`); SymPy and numpy steps are interrupted by Python itself.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)

#: Exit status of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED = 128 + signal.SIGINT
#: Seconds a terminated worker gets to exit before it is killed.
TERMINATE_GRACE_S = 1.0
_PR_SET_PDEATHSIG = 1


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def sigint_blocked() -> Iterator[None]:
    """SIGINT held back in this thread while the block runs (a pending one is delivered at the
    end); processes spawned inside start with it blocked (the mask survives ``exec``)."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """SIGINT ignored while the block runs (cleanup that a second Ctrl-C must not cut short);
    only the main thread can change a handler, elsewhere this does nothing."""
    if not _main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _die_with(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies (no orphan when the parent is killed
    without a chance to reap it); exit at once if the parent is already gone."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent still terminates its workers
        return
    if os.getppid() != parent:
        os._exit(1)


def worker_init(parent: int, memory_mb: int) -> None:
    """Initializer of a worker process: SIGINT ignored (then unblocked: the one that may be
    pending is dropped), killed with ``parent``, Z3 limited to ``memory_mb`` MB."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _die_with(parent)
    from kdaxioms.smt.solve import limit_process  # here: this module stays light for kdaxioms.proofs.entry
    limit_process(memory_mb)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop ``pool`` now: terminate every worker (killed after :data:`TERMINATE_GRACE_S`
    seconds), join them and shut the pool down; the claims not finished end with
    ``BrokenProcessPool`` in their futures, which nobody reads.

    The futures are not cancelled first: Python 3.11's pool then fails on them in its own thread
    (``InvalidStateError``, a traceback on standard error).  The pool's worker list is private
    before Python 3.14; ``terminate_workers`` is used where it exists."""
    with sigint_ignored():
        workers = list((getattr(pool, "_processes", None) or {}).values())
        terminate = getattr(pool, "terminate_workers", None)
        if terminate is not None:
            terminate()
        else:
            for worker in workers:
                if worker.is_alive():
                    worker.terminate()
        for worker in workers:
            worker.join(TERMINATE_GRACE_S)
            if worker.is_alive():
                log.debug("worker %s did not stop on SIGTERM: killed", worker.pid)
                worker.kill()
                worker.join()
        pool.shutdown(wait=True)


def stop_resource_tracker() -> None:
    """Stop and reap multiprocessing's resource tracker, which the pool's queues started (with
    ``spawn``).  Left alone it exits only when this process does, and stays a zombie until
    ``init`` reaps it.  Call it once the pool is shut down (no semaphore of it is left to
    unregister; a later pool starts a new tracker).  ``_stop`` is private: where it is missing
    the tracker is left to exit with the process."""
    from multiprocessing import resource_tracker
    stop = getattr(resource_tracker._resource_tracker, "_stop", None)
    if stop is not None:
        with sigint_ignored():
            stop()


def interrupted() -> int:
    """What the command line does on Ctrl-C once the run has unwound: one line, :data:`INTERRUPTED`.
    SIGINT is ignored from here on, so that a second Ctrl-C cannot interrupt the exit."""
    if _main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    print("kdaxioms: interrupted", file=sys.stderr)
    return INTERRUPTED
