"""Where a sweep's CPU goes besides its tasks: each process of the local cluster, measured.

    python bench/sweep_overhead.py                  # the cluster of ``kdaxioms sweep``
    python bench/sweep_overhead.py --dask-defaults  # the same with Dask's own settings
    python bench/sweep_overhead.py --tasks 40 --workers 2

Runs the tightness tasks of ``bench/sweep.py`` on a local cluster (after one warm-up task per
worker) and prints, from ``psutil``, the CPU seconds each process used during the run: the
command's own process (client, scheduler and nannies), each Dask worker process, and each worker's
forked child, which runs the tasks (:mod:`kdaxioms.sweep.sandbox`).  Everything but the children
is overhead that competes with the tasks for the cores.  Results in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sweep import tasks  # noqa: E402  (bench/sweep.py: the same seeded tasks)

from kdaxioms.proofs.sweep_kinds import run_task  # noqa: E402
from kdaxioms.sweep import engine  # noqa: E402


def cpu_seconds() -> dict[int, tuple[str, float]]:
    """CPU seconds (user + system) of this process and every descendant, by pid."""
    me = psutil.Process()
    found = {}
    for proc in [me] + me.children(recursive=True):
        try:
            times = proc.cpu_times()
            parent = proc.parent().pid if proc.parent() else 0
            found[proc.pid] = (parent, times.user + times.system)
        except psutil.Error:
            continue
    return found


@contextmanager
def settings(dask_defaults: bool):
    if dask_defaults:
        with mock.patch.object(engine, "LOCAL_CONFIG", {}):
            yield
    else:
        yield


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dask-defaults", action="store_true", help="Dask's own settings instead of LOCAL_CONFIG")
    args = parser.parse_args(argv)
    work = tasks(args.tasks)
    with settings(args.dask_defaults), engine.client_for(None, args.workers) as client:
        workers = set(client.run(lambda: psutil.Process().pid).values())
        client.run(run_task, work[0].plain())
        before = cpu_seconds()
        began = time.perf_counter()
        rows: list = []
        engine.run_tasks(work, client, rows.extend)
        wall = time.perf_counter() - began
        after = cpu_seconds()
    me = psutil.Process().pid
    used = {pid: cpu - before.get(pid, (0, 0.0))[1] for pid, (_, cpu) in after.items()}
    children = {pid for pid, (parent, _) in after.items() if parent in workers}
    overhead = used.get(me, 0.0) + sum(used.get(pid, 0.0) for pid in workers)
    print(f"{'Dask defaults' if args.dask_defaults else 'LOCAL_CONFIG'}: {len(work)} tasks on {args.workers} workers, "
          f"wall {wall:.1f} s")
    print(f"  command (client, scheduler, nannies): {used.get(me, 0.0):.2f} s")
    for pid in sorted(workers):
        print(f"  worker {pid}: {used.get(pid, 0.0):.2f} s")
    for pid in sorted(children):
        print(f"  task child {pid}: {used.get(pid, 0.0):.2f} s")
    print(f"  overhead {overhead:.2f} s, tasks {sum(used.get(pid, 0.0) for pid in children):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
