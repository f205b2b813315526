"""The ``kdaxioms sweep`` command: a grid of tasks on Dask distributed, one row per task.

    kdaxioms sweep SPEC.toml [-o OUT] [--format parquet|csv] [--scheduler tcp://HOST:PORT]
                   [--workers N] [--batch N] [--resume] [--json]

The sweep file (see :mod:`kdaxioms.sweep.spec` and docs/sweeps.md) names the kind of task and
the grid.  Without ``--scheduler`` an embedded local cluster runs one worker process per core;
with it the sweep runs on that cluster unchanged.  Rows are appended to ``OUT.partial.jsonl``
as they arrive and written to ``OUT`` (Parquet, or CSV) when every task has its row; an
interrupted sweep (Ctrl-C, a lost scheduler) continues with ``--resume``, which runs only the
tasks without a row.  The summary (counts by verdict, times, workers) goes to standard output,
as JSON with ``--json``; a progress bar with the time left goes to a terminal's standard error.

Exit status: 0 when every task has a row and none is an ``error``, 1 when a task failed (its
row holds the error) or the cluster went away (resume it), 2 for bad input, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from kdaxioms.symbolic.errors import InputError, KdaxiomsError, excerpt
from kdaxioms.sweep import engine, store
from kdaxioms.sweep.code import code_digest
from kdaxioms.sweep.sandbox import ERROR
from kdaxioms.sweep.spec import Spec, load_spec

from . import limits, provenance, sweep_kinds
from .progress import wanted


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("sweep", help="run a grid of tasks (brackets, derivations, audits, iterations) on Dask",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("spec", metavar="SPEC.toml", type=Path, help="the sweep file")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="OUT",
                   help="result file (default: SPEC's name with .parquet, or .csv with --format csv)")
    p.add_argument("--format", choices=store.FORMATS, default=None, help="parquet (default) or csv")
    p.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                   help="an existing Dask scheduler (default: a local cluster, one worker per core)")
    p.add_argument("--workers", type=limits.count(1, 256), default=None,
                   help="workers of the local cluster (default: one per core)")
    p.add_argument("--batch", type=limits.count(1, 10_000), default=None, help="tasks per batch (default: chosen)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted sweep: run only the tasks without a row")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    return p


def _output(args: argparse.Namespace, spec: Spec) -> tuple[Path, str]:
    fmt = args.format or ("csv" if args.output is not None and args.output.suffix.lower() == ".csv" else "parquet")
    out = args.output or Path(spec.path.stem + (".csv" if fmt == "csv" else ".parquet"))
    if out.is_dir() or not (out.parent if str(out.parent) else Path(".")).is_dir():
        raise InputError(f"-o {excerpt(str(out))}: give a file in an existing folder")
    if args.scheduler is not None and not args.scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
        raise InputError(f"--scheduler {excerpt(args.scheduler)} is not an address; write e.g. tcp://127.0.0.1:8786")
    return out, fmt


def load(path: Path) -> tuple[Spec, list]:
    """The sweep file's spec and tasks, every task's inputs checked (one line on the first bad one)."""
    spec = load_spec(path)
    settings = sweep_kinds.prepare(spec.kind, spec.settings, spec.path.parent)
    spec = Spec(spec.path, spec.kind, spec.seed, spec.timeout, spec.batch, settings, spec.axes, spec.figure)
    tasks = spec.tasks(sweep_kinds.RUNNER)
    for task in tasks:
        try:
            sweep_kinds.check_task(spec.kind, task.params, task.settings)
        except InputError as err:
            shown = ", ".join(f"{k}={v}" for k, v in task.params.items())
            raise InputError(f"task {task.index} ({excerpt(shown)}): {err}") from None
    return spec, tasks


def _finished(out: Path, spec: Spec, axes: list[str], code: str) -> dict[str, dict]:
    """The rows of a finished table of the same sweep, made by the same code (else one line)."""
    if out.suffix == ".csv":
        raise InputError(f"{out} is a finished CSV, which keeps no record of its sweep; remove it, or write Parquet "
                         "to resume later")
    meta = store.read_meta(out)
    if meta.get("digest") != spec.digest():
        raise InputError(f"{out} holds another sweep (a different sweep file, grid or format); remove it or "
                         "choose another -o")
    if meta.get("code") != code:
        raise InputError(f"{out} was computed by other code (kdaxioms {meta.get('version')}, {meta.get('commit')}); "
                         "remove it or choose another -o to compute it again")
    return {r["task_id"]: _row(r, axes) for r in store.read_table(out)}


def run(args: argparse.Namespace) -> int:
    began = time.perf_counter()
    spec, tasks = load(args.spec)
    out, fmt = _output(args, spec)
    axes = [name for name, _ in spec.axes]
    code = code_digest()
    journal = store.Journal(out, spec.digest(), code)
    if not args.resume and (journal.path.exists() or out.exists()):
        raise InputError(f"{out if out.exists() else journal.path} exists; pass --resume to continue that sweep, "
                         "or choose another -o")
    done = {r["task_id"]: r for r in journal.existing()}
    if args.resume and out.exists() and not journal.path.exists():
        done.update(_finished(out, spec, axes, code))
    known = {t.id for t in tasks}
    done = {k: v for k, v in done.items() if k in known}
    todo = [t for t in tasks if t.id not in done]
    rows = list(done.values())
    stats = None
    if todo:
        show = wanted(args.json)
        columns = (TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("left"),
                   TimeRemainingColumn(), TextColumn("{task.fields[label]}"))
        with engine.client_for(args.scheduler, args.workers) as client:
            journal.start()  # only once the cluster is there: a bad --scheduler leaves nothing behind
            if rows and not journal.existing():
                journal.append(rows)  # a finished table being extended: its rows move to the journal
            with Progress(*columns, console=Console(stderr=True), transient=True, disable=not show) as bar:
                progress = bar.add_task("sweep", total=len(todo), label="")

                def arrived(batch_rows: list[dict]) -> None:
                    journal.append(batch_rows)
                    rows.extend(batch_rows)
                    bar.update(progress, advance=len(batch_rows),
                               label=f"{sum(r['verdict'] == ERROR for r in rows)} errors")

                try:
                    stats = engine.run_tasks(todo, client, arrived, batch=args.batch or spec.batch)
                except (KeyboardInterrupt, engine.SweepInterrupted):
                    print(f"kdaxioms: {len(rows)} of {len(tasks)} rows are saved in {journal.path}; continue with "
                          f"'kdaxioms sweep {args.spec} -o {out} --resume'", file=sys.stderr)
                    raise
    others = sorted({str(r.get("code")) for r in rows} - {code})
    if others:
        raise KdaxiomsError(f"some rows were computed by other code (digest {others[0]}, this installation {code}): "
                            "the workers run another kdaxioms; install the same one everywhere and run the sweep again")
    indices = sorted(r["index"] for r in rows)
    if indices != list(range(len(tasks))):
        raise KdaxiomsError(f"the sweep has {len(rows)} rows for {len(tasks)} tasks (a task without a row or with "
                            f"two); the rows are kept in {journal.path}")
    previous = store.read_meta(out) if out.exists() and fmt == "parquet" else {}
    meta = {"kind": spec.kind, "axes": axes, "figure": dict(spec.figure), "sweep": spec.path.name,
            "digest": spec.digest(), "code": code, "version": provenance.version(), "commit": provenance.commit(),
            "settings": {k: v for k, v in spec.settings.items() if k != "operator_text"}, "tasks": len(tasks),
            "workers": stats.workers if stats else previous.get("workers"),
            "cluster_seconds": round(stats.seconds + previous.get("cluster_seconds", 0.0), 3) if stats
            else previous.get("cluster_seconds")}
    columns = store.write_table(out, rows, axes, fmt, meta)
    journal.remove()
    summary = _summary(spec, out, tasks, rows, len(todo), stats, time.perf_counter() - began, columns)
    print(json.dumps(summary, indent=2) if args.json else _text(summary))
    return 1 if summary["verdicts"].get(ERROR) else 0


def _row(flat: dict, axes: list[str]) -> dict:
    """A row of a finished table back in the journal's shape."""
    head = {k: flat.get(k) for k in (*store.HEAD, *store.TAIL)}
    head["params"] = {a: flat[a] for a in axes}
    head["result"] = {k: v for k, v in flat.items() if k not in head and k not in axes}
    return head


def _summary(spec: Spec, out: Path, tasks: list, rows: list[dict], ran: int, stats, seconds: float, columns: int) -> dict:
    verdicts = Counter(r["verdict"] for r in rows)
    work = sum(float(r["seconds"] or 0) for r in rows)
    data = {"sweep": str(spec.path), "kind": spec.kind, "output": str(out), "tasks": len(tasks), "rows": len(rows),
            "ran": ran, "resumed": len(rows) - ran, "columns": columns, "verdicts": dict(sorted(verdicts.items())),
            "task_seconds": round(work, 3), "wall_seconds": round(seconds, 3)}
    if stats is not None:
        data.update({"workers": stats.workers, "batches": stats.batches, "batch_size": stats.batch,
                     "cluster_seconds": round(stats.seconds, 3),
                     "tasks_per_second": round(ran / stats.seconds, 3) if stats.seconds else None,
                     "scheduler": stats.address})
    errors = [r for r in rows if r["verdict"] == ERROR][:3]
    data["first_errors"] = [{"index": r["index"], "error": r["error"]} for r in errors]
    return data


def _text(d: dict) -> str:
    counts = ", ".join(f"{n} {v}" for v, n in d["verdicts"].items())
    lines = [f"sweep {d['sweep']} ({d['kind']}): {d['rows']} of {d['tasks']} tasks have a row: {counts}",
             f"  ran {d['ran']} now" + (f", {d['resumed']} from before (--resume)" if d["resumed"] else ""),
             f"  wrote {d['output']} ({d['rows']} rows, {d['columns']} columns)"]
    if "workers" in d:
        lines.append(f"  {d['workers']} workers, {d['batches']} batches of up to {d['batch_size']} tasks; "
                     f"{d['cluster_seconds']:.1f} s on the cluster ({d['tasks_per_second']} tasks/s), "
                     f"{d['task_seconds']:.1f} s of task time")
    lines += [f"  error in task {e['index']}: {e['error']}" for e in d["first_errors"]]
    return "\n".join(lines)


__all__ = ["register", "run", "load"]
