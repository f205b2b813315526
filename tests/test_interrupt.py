"""Ctrl-C and the memory cap of Z3 (issue 12).

Each interrupt test starts the command line in its own session, as a terminal would, sends
SIGINT to the whole process group once the work has started, and checks: exit status 130
within a few seconds, one line on standard error (no traceback), nothing on standard output,
and no process of the session left (workers, solvers, the resource tracker).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import z3

from kdaxioms.smt import solve

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "operators"
HARD = Path(__file__).resolve().parent / "operators" / "hard-coherence.toml"
SCRIPT = Path(sys.executable).with_name("kdaxioms")
#: Seconds from SIGINT to exit that the issue allows ("within a second or two"), with slack for
#: a loaded machine.
EXIT_WITHIN_S = 4.0


def _command(*args: str) -> list[str]:
    """The installed console script (the way users run it), else its module."""
    if SCRIPT.exists():
        return [str(SCRIPT), *args]
    return [sys.executable, "-m", "kdaxioms.proofs.entry", *args]


def _session(sid: int) -> list[tuple[int, str, str]]:
    """Live processes of session ``sid``: (pid, name, state); zombies count as gone only when reaped."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) == sid:  # fields: state ppid pgrp session ...
            found.append((int(entry.name), name, fields[0]))
    return found


def _wait_for(predicate, seconds: float, step: float = 0.05) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def _interrupt(argv: list[str], started, settle_s: float, again: tuple[float, ...] = ()) -> tuple[float, str, str, int]:
    """Run ``argv`` in a new session; once ``started(pids)`` holds and ``settle_s`` more seconds
    passed, SIGINT the process group (then again after each delay of ``again``).  Returns the
    seconds from the first SIGINT to exit, stdout, stderr and the exit status; fails when the
    command does not exit within :data:`EXIT_WITHIN_S` or leaves a process of its session."""
    proc = subprocess.Popen(argv, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_for(lambda: started(_session(proc.pid)) or proc.poll() is not None, 60), _session(proc.pid)
        assert proc.poll() is None, proc.communicate()
        time.sleep(settle_s)
        assert proc.poll() is None, proc.communicate()
        sent = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        for delay in again:
            time.sleep(delay)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=EXIT_WITHIN_S + 30)
        seconds = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    # every process was reaped by its parent: none is left for init to reap (a grace for /proc)
    assert _wait_for(lambda: not _session(proc.pid), 0.5), f"left behind: {_session(proc.pid)}"
    return seconds, out, err, proc.returncode


def _assert_one_line(seconds: float, out: str, err: str, code: int) -> None:
    assert code == 130, (code, err)
    assert err == "kdaxioms: interrupted\n", err
    assert out == ""
    assert seconds < EXIT_WITHIN_S, seconds


@pytest.mark.parametrize("again", [(), (0.05, 0.1)], ids=["once", "three-times"])
def test_ctrl_c_on_check_stops_and_reaps_every_worker(again):
    """`check --jobs 2`: the workers are running claims when SIGINT reaches the whole group; a
    second and third Ctrl-C during the clean-up change nothing."""
    def started(pids):  # the parent and its two workers (and possibly the resource tracker)
        return len(pids) >= 3
    seconds, out, err, code = _interrupt(_command("check", "--jobs", "2"), started, 3.0, again)
    _assert_one_line(seconds, out, err, code)


def test_ctrl_c_stops_a_running_z3_query_of_audit():
    """`audit` on a query Z3 does not finish (geometric aggregation's temperature coherence) with
    a 120 s timeout: before, Z3 swallowed SIGINT and the run went on; now it stops at once."""
    argv = _command("audit", str(HARD), "--axiom", "temperature-coherence",
                    "--max-n", "3", "--timeout", "120")
    seconds, out, err, code = _interrupt(argv, lambda pids: len(pids) >= 1, 6.0)
    _assert_one_line(seconds, out, err, code)


def test_ctrl_c_while_the_command_line_loads():
    """SIGINT while SymPy, Z3 and numpy are being imported: still one line and 130."""
    seconds, out, err, code = _interrupt(_command("check", "--jobs", "2"), lambda pids: len(pids) >= 1, 0.3)
    _assert_one_line(seconds, out, err, code)


def _python(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout)


def test_sigint_interrupts_solve_check_on_the_main_thread():
    """The solver-level mechanism on its own: SIGINT one second into a 30 s query raises
    KeyboardInterrupt within two seconds (Z3's own handler would return ``unknown`` and go on)."""
    done = _python(f"""
        import os, signal, sys, threading, time
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_budget import _hard_query
        from kdaxioms.smt import solve
        constraints, variables, ctx = _hard_query()
        threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
        start = time.monotonic()
        try:
            print("answer", solve.check(constraints, variables, ctx, timeout_ms=30000))
        except KeyboardInterrupt:
            print("interrupted after", time.monotonic() - start)
        """)
    assert done.returncode == 0, done.stderr
    words = done.stdout.split()
    assert words[:2] == ["interrupted", "after"], done.stdout
    assert float(words[2]) < 3.0, done.stdout


def test_the_memory_cap_ends_a_runaway_query_as_unknown():
    """``x**100000 + y**100000 = 3``: Z3 allocates until the cap of :func:`solve.limit_process`
    (here 200 MB) and the query is ``unknown`` naming memory, within seconds and far below the
    1.9 GB it reaches with the per-solver ``max_memory`` alone."""
    done = _python("""
        import resource, time, z3
        from kdaxioms.smt import solve
        solve.limit_process(200)
        ctx = z3.Context()
        x, y = z3.Real("x", ctx), z3.Real("y", ctx)
        start = time.monotonic()
        answer = solve.check([x**100000 + y**100000 == 3, x > 1, y > 1], {"x": x, "y": y}, ctx, timeout_ms=60000)
        print(answer.status, time.monotonic() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
        print(answer.reason)
        """)
    assert done.returncode == 0, done.stderr
    first, reason = done.stdout.splitlines()
    status, seconds, peak_mb = first.split()
    assert status == "unknown" and "memory" in reason, done.stdout
    # peak RSS 70 MB of imports plus what Z3 held when the cap hit: 630 MB once under a loaded
    # CI run, against 1.9 GB without the cap
    assert float(seconds) < 20 and int(peak_mb) < 1000, done.stdout


def test_a_z3_error_during_a_strategy_is_unknown_with_its_message(monkeypatch):
    def failing(*args, **kwargs):
        raise z3.Z3Exception(b"some tactic failed")
    monkeypatch.setattr(solve, "_run", failing)
    ctx = z3.Context()
    x = z3.Real("x", ctx)
    answer = solve.check([x > 0], {"x": x}, ctx, timeout_ms=1000)
    assert answer.status == solve.UNKNOWN
    assert answer.reason == "; ".join(f"{s}: Z3 error: some tactic failed" for s in solve.STRATEGIES)


def test_out_of_memory_ends_the_query_without_reusing_its_context(monkeypatch):
    """A context that ran out of memory is not safe to reuse (its next strategy fails, and a later
    context may crash): the query ends ``unknown`` after the first strategy."""
    calls = []

    def failing(strategy, *args, **kwargs):
        calls.append(strategy)
        raise z3.Z3Exception(b"out of memory")
    monkeypatch.setattr(solve, "_run", failing)
    ctx = z3.Context()
    x = z3.Real("x", ctx)
    answer = solve.check([x > 0], {"x": x}, ctx, timeout_ms=1000)
    assert answer.status == solve.UNKNOWN and calls == [solve.STRATEGIES[0]]
    assert "out of memory" in answer.reason and "not run in this context" in answer.reason


def test_an_unsat_from_an_interrupted_query_is_not_a_proof(monkeypatch):
    """The watchdog interrupts a query that outlives its time; should Z3 still answer ``unsat``,
    that answer is not trusted: interruption is not a decision."""
    ctx = z3.Context()
    x = z3.Real("x", ctx)

    def interrupted_unsat(strategy, constraints, ctx, timeout_ms):
        solver = z3.Solver(ctx=ctx)
        solver.add(*constraints)
        return solver, solver.check(), True  # a genuine unsat, but the watchdog's timer fired
    monkeypatch.setattr(solve, "_run", interrupted_unsat)
    answer = solve.check([x > 0, x < 0], {"x": x}, ctx, timeout_ms=1000)
    assert answer.status == solve.UNKNOWN and "not trusted" in answer.reason


def test_limit_process_rejects_a_cap_below_one_megabyte():
    with pytest.raises(ValueError, match="at least 1 MB"):
        solve.limit_process(0)


def test_dead_contexts_kept_by_cycles_do_not_crash_z3_under_the_cap():
    """Contexts held by reference cycles count against Z3's cap until Python collects them; past
    the cap ``z3.Context()`` crashes the process (SIGSEGV).  With the cycle collector off and a
    64 MB cap, 30 queries in 30 such contexts still run: a query collects first when Z3 holds
    more than half the cap."""
    done = _python("""
        import gc, z3
        from kdaxioms.smt import solve
        solve.limit_process(64)
        gc.disable()
        for k in range(30):
            ctx = z3.Context()
            holder = {"ctx": ctx}
            holder["self"] = holder
            x = z3.Real("x", ctx)
            answer = solve.check([x * x == 2, x > 0], {"x": x}, ctx, timeout_ms=2000)
            holder["x"] = x
        print(answer.status)
        """)
    assert done.returncode == 0 and done.stdout == "sat\n", (done.returncode, done.stderr[-500:])
