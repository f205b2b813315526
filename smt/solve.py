"""Running Z3 on one query: a small portfolio with timeouts, a memory cap and Ctrl-C.

A query is a list of Z3 constraints (the negation of a claim plus its domain).  The answer is
``sat`` with the values of the named variables, ``unsat``, or ``unknown`` with Z3's reason
(a timeout is always ``unknown``).  Values are returned as exact fractions when Z3 gives a
rational, and as rational approximations flagged ``approximate`` when it gives an algebraic
number; a caller must replay them exactly before trusting them.

The timeout is enforced twice: Z3's own ``timeout`` parameter, and a watchdog thread per
query that calls ``ctx.interrupt()`` when the query outlives its share by :data:`GRACE_S`
(Z3 releases the GIL while it solves, and nlsat polls the interrupt flag, so this stops a
query that ignores its own timer).  An interrupted query is ``unknown`` with the reason.
A :class:`~kdaxioms.symbolic.budget.Deadline` caps the whole query at the time left.

Ctrl-C: by default Z3 installs its own SIGINT handler while it solves, which cancels the query
and swallows the signal (the run would go on with the next query).  Every solver here runs with
``ctrl_c`` off, and while a query runs on the main thread the watchdog also watches the wakeup
fd of Python's signal handling (:func:`signal.set_wakeup_fd`, written by the C-level handler as
soon as the signal arrives): on SIGINT it interrupts the context, the query returns at once and
:class:`KeyboardInterrupt` unwinds the run.

Memory: Z3's per-solver ``max_memory`` does not stop a runaway query (measured: a query capped
at 300 MB grew to 1.9 GB), its process-wide ``memory_max_size`` does (the same query stops at
230 MB as ``unknown``, "out of memory").  :func:`limit_process` sets it (and ``ctrl_c`` off
for every solver of the process, also those built elsewhere); a Z3 error during a query (the
cap reached inside an API call) is ``unknown`` with Z3's message, never a traceback.  The cap
counts every live context (about 16 MB each), and contexts are often kept alive by reference
cycles until Python's cycle collector runs; Z3 cannot even create a context once the count is
over the cap (``z3.Context()`` then crashes the process).  So a query starts with a collection
when Z3 holds more than half the cap, and a query that ran out of memory ends with one
(:func:`_release`).
"""

from __future__ import annotations

import gc
import os
import select
import signal
import threading
import time
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Mapping

import z3

from kdaxioms.symbolic.budget import Deadline

SAT, UNSAT, UNKNOWN = "sat", "unsat", "unknown"

#: Portfolio entries: Z3's default solver, then its nonlinear real arithmetic tactic.
STRATEGIES = ("default", "qfnra-nlsat")
#: Seconds a query may overrun its timeout before the watchdog interrupts it.
GRACE_S = 0.5
#: Default cap, in MB, on the memory Z3 allocates in one process (``memory_max_size``).  Measured:
#: every claim of ``kdaxioms check`` and every audit of ``examples/operators`` but geometric
#: aggregation (not run: it takes minutes) has the same verdict with Z3 capped at 200 MB.
MEMORY_MB = 1024
#: Seconds between repeated interrupts of a query after Ctrl-C (until it returns).
_REPEAT_S = 0.1


def limit_process(memory_mb: int = MEMORY_MB) -> None:
    """Z3's process-wide settings, for the main process and every worker that runs Z3: at most
    ``memory_mb`` MB of Z3 memory (a query that needs more ends ``unknown``), and no SIGINT
    handler of Z3's own (Ctrl-C stops the run instead of one query; see the module docstring)."""
    if memory_mb < 1:
        raise ValueError(f"the Z3 memory cap must be at least 1 MB, not {memory_mb}")
    z3.set_param("memory_max_size", int(memory_mb))
    z3.set_param("ctrl_c", False)


def _release(always: bool = False) -> None:
    """Collect Python's reference cycles (which keep dead Z3 contexts alive) when Z3 holds more
    than half of its process-wide memory cap, or ``always``."""
    if always:
        gc.collect()
        return
    cap_mb = int(z3.get_param("memory_max_size") or 0)
    if cap_mb and z3.Z3_get_estimated_alloc_size() > cap_mb * 2**19:  # half the cap, in bytes
        gc.collect()


@dataclass(frozen=True)
class Answer:
    status: str
    values: Mapping[str, Fraction] = field(default_factory=dict)
    approximate: bool = False
    reason: str = ""
    strategy: str = ""
    #: For ``unsat``: the query as SMT-LIB 2 text (with ``(check-sat)``), the evidence a bundle keeps.
    query: str = ""


def smtlib(constraints: list[z3.BoolRef], ctx: z3.Context) -> str:
    """The conjunction of ``constraints`` as an SMT-LIB 2 script ending in ``(check-sat)``."""
    solver = z3.Solver(ctx=ctx)
    solver.add(*constraints)
    return solver.to_smt2()


def _solver(strategy: str, ctx: z3.Context) -> z3.Solver:
    if strategy == "default":
        return z3.Solver(ctx=ctx)
    return z3.Tactic(strategy, ctx=ctx).solver()


def _fraction(value: z3.ExprRef) -> tuple[Fraction, bool]:
    if z3.is_rational_value(value):
        return Fraction(value.numerator_as_long(), value.denominator_as_long()), False
    if z3.is_algebraic_value(value):
        text = value.approx(40).as_fraction()
        return Fraction(text.numerator, text.denominator), True
    raise ValueError(f"Z3 value {value} is not a real number")


class _Watchdog:
    """Interrupts ``ctx`` after ``seconds`` (``fired``) or as soon as SIGINT arrives (``interrupted``).

    SIGINT is seen through a pipe registered with :func:`signal.set_wakeup_fd` for the time of
    the query (the previous wakeup fd is restored after); that is possible on the main thread
    only, elsewhere the watchdog is a plain timer (signals are handled on the main thread
    anyway).  After SIGINT the context is interrupted again every :data:`_REPEAT_S` seconds
    until the query returns, so an interrupt that lands before Z3 starts is not lost."""

    def __init__(self, ctx: z3.Context, seconds: float):
        self.fired = False
        self.interrupted = False
        self._ctx = ctx
        self._seconds = seconds
        self._read, self._write = os.pipe()
        for fd in (self._read, self._write):
            os.set_blocking(fd, False)
        self._previous_fd: int | None = None
        self._thread = threading.Thread(target=self._watch, name="z3-watchdog", daemon=True)

    def _watch(self) -> None:
        deadline: float | None = time.monotonic() + self._seconds
        while True:
            if self.interrupted:
                wait: float | None = _REPEAT_S
            else:
                wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            readable, _, _ = select.select([self._read], [], [], wait)
            if readable:
                data = _drain(self._read)
                if 0 in data:  # the query returned (written by __exit__)
                    return
                if signal.SIGINT in data:
                    self.interrupted = True
                    self._ctx.interrupt()
            elif self.interrupted:
                self._ctx.interrupt()
            elif not self.fired:
                self.fired = True
                self._ctx.interrupt()
                deadline = None

    def __enter__(self) -> "_Watchdog":
        if threading.current_thread() is threading.main_thread():
            self._previous_fd = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous_fd is not None:
            signal.set_wakeup_fd(self._previous_fd)
        os.write(self._write, b"\0")
        self._thread.join()
        os.close(self._read)
        os.close(self._write)


def _drain(fd: int) -> bytes:
    """Every byte waiting in the non-blocking pipe ``fd``."""
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 512)
        except BlockingIOError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def watched_check(solver: z3.Solver, ctx: z3.Context, timeout_ms: int) -> tuple[z3.CheckSatResult, bool]:
    """``solver.check()`` under Z3's timeout and the watchdog, with Z3's own Ctrl-C handling off:
    the status, and ``True`` when the watchdog's timer fired.  Raises :class:`KeyboardInterrupt`
    when SIGINT interrupted the query.  Every query kdaxioms sends to Z3 goes through here."""
    solver.set("timeout", timeout_ms)
    solver.set("ctrl_c", False)
    with _Watchdog(ctx, timeout_ms / 1000 + GRACE_S) as watchdog:
        status = solver.check()
    if watchdog.interrupted:  # Python's own handler normally raised already, on return from check()
        raise KeyboardInterrupt
    return status, watchdog.fired


def _run(strategy: str, constraints: list[z3.BoolRef], ctx: z3.Context,
         timeout_ms: int) -> tuple[z3.Solver, z3.CheckSatResult, bool]:
    """One portfolio entry (:func:`watched_check`); ``True`` when the watchdog's timer fired."""
    solver = _solver(strategy, ctx)
    solver.add(*constraints)
    status, fired = watched_check(solver, ctx, timeout_ms)
    return solver, status, fired


def _answer(strategy: str, solver: z3.Solver, status: z3.CheckSatResult,
            variables: Mapping[str, z3.ArithRef]) -> Answer | None:
    """The answer of a decided query (``None`` for ``unknown``)."""
    if status == z3.unsat:
        return Answer(UNSAT, strategy=strategy)
    if status == z3.sat:
        model = solver.model()
        values, approx = {}, False
        for name, var in variables.items():
            val, rough = _fraction(model.eval(var, model_completion=True))
            values[name] = val
            approx = approx or rough
        return Answer(SAT, values, approx, strategy=strategy)
    return None


def check(constraints: list[z3.BoolRef], variables: Mapping[str, z3.ArithRef], ctx: z3.Context,
          timeout_ms: int, deadline: Deadline | None = None) -> Answer:
    """Decide the conjunction of ``constraints``; split the time over the portfolio.

    Each strategy gets its share of ``timeout_ms``, capped at the time ``deadline`` leaves; a
    strategy with no time left is not started (``unknown``, the reason names the budget).  A
    :class:`z3.Z3Exception` during a strategy makes that strategy ``unknown`` with Z3's message;
    when Z3 ran out of memory (the cap of :func:`limit_process`) the query ends there, ``unknown``:
    a context that ran out of memory is not reused.  An ``unsat`` from a query the watchdog
    interrupted is not trusted (``unknown``)."""
    deadline = deadline or Deadline.unbounded()
    _release()
    reasons = []
    share = max(1, timeout_ms // len(STRATEGIES))
    for strategy in STRATEGIES:
        budgeted = deadline.cap_ms(share)
        if budgeted <= 0:
            reasons.append(f"{strategy}: not run, {deadline.reason('the previous queries')}")
            break
        try:
            solver, status, stopped = _run(strategy, constraints, ctx, budgeted)
            answer = _answer(strategy, solver, status, variables)
            why = solver.reason_unknown() if answer is None else ""
        except z3.Z3Exception as err:
            _release(always=True)
            if "memory" in _message(err):
                reasons.append(f"{strategy}: Z3 error: {_message(err)}; {_ABANDONED}")
                break
            reasons.append(f"{strategy}: Z3 error: {_message(err)}")
            continue
        if answer is not None and stopped and answer.status == UNSAT:
            # an interrupted query answered unsat: never a proof (interruption is not a decision)
            answer, why = None, "unsat after the watchdog interrupted the query, not trusted"
        if answer is not None and answer.status == UNSAT:
            return replace(answer, query=smtlib(constraints, ctx))
        if answer is not None:
            return answer
        if stopped:
            why = f"stopped by the watchdog after {budgeted / 1000 + GRACE_S:g} s ({why})"
        elif budgeted < share:
            why = f"{why}; its time was capped at {budgeted} ms by the {deadline.label}"
        if "memory" in why:  # Z3 must not go on in a context that ran out of memory
            reasons.append(f"{strategy}: {why}; {_ABANDONED}")
            _release(always=True)
            break
        reasons.append(f"{strategy}: {why}")
    return Answer(UNKNOWN, reason="; ".join(reasons))


#: Why a query stops after Z3 failed: a context that ran out of memory is not safe to reuse
#: (its later strategies fail or crash), so the query ends ``unknown`` there.
_ABANDONED = "the query's other strategies are not run in this context"


def _message(err: z3.Z3Exception) -> str:
    """Z3's message as text (the Python API gives bytes)."""
    value = err.value
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
