"""Z3 with sound piecewise-linear enclosures of ``log``, refined in a CEGAR loop.

Z3 has no logarithm.  Every ``log(u)`` of a claim (after ``expand_log``, so that arguments are
coordinates and normalizers) becomes a fresh real ``L`` tied to ``u`` by linear constraints
that hold for the true logarithm, on a breakpoint grid ``b_0 < ... < b_K``:

* tangents above (``log`` is concave): ``L <= up(log b) + (u - b) / b`` for every breakpoint;
* chords below: ``b_k <= u <= b_{k+1}  =>  L >= chord through (b_k, lo(log b_k)), (b_{k+1}, lo(log b_{k+1}))``;
* ``b_0 <= u <= b_K`` (the searched region; stated).

``up`` and ``lo`` are exact rationals above and below the logarithm, read off an ``arb`` ball
(outward rounding), so the true ``(u, log u)`` always satisfies the constraints: the encoding is
a relaxation.  Parameters in exponents are fixed to rationals of a stated grid (then powers are
roots, which the Z3 translator encodes exactly).  The negated claim is asserted with a margin
``lhs - rhs >= margin`` (which keeps the search away from equality points), inputs at least
``floor`` in every coordinate.

CEGAR: a model of the relaxation is a *candidate*: its inputs are made exact rationals on the
simplex and certified with intervals (:func:`.refute.certify`).  A certified candidate refutes
the claim; otherwise the model's log arguments become new breakpoints (the relaxation is then
exact there) and Z3 is asked again.  ``unsat`` means no violation of at least ``margin`` exists
in the searched region at that parameter value (reported, not a proof of the claim); a timeout
or an exhausted round budget is ``unknown``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Sequence

import flint
import sympy as sp
import z3

from kdaxioms.smt.solve import watched_check
from kdaxioms.smt.translate import Z3Translator
from kdaxioms.symbolic.outcome import REFUTED, Outcome, unknown
from kdaxioms.symbolic.points import on_simplex

from .intervals import Interval, IntervalProgram, arb_of, fraction_of, precision
from .logclaims import LogClaim
from .refute import certify

#: Breakpoints of a fresh grid (geometric over the argument's interval range on the input box).
GRID_POINTS = 17


def _log_bounds(b: Fraction) -> tuple[Fraction, Fraction]:
    """Exact rationals ``lo <= log b <= up`` (outward-rounded ``arb``)."""
    with precision(128):
        ball = arb_of(b).log()
        return fraction_of(ball.lower()), fraction_of(ball.upper())


def _grid(lo: Fraction, hi: Fraction, count: int) -> list[Fraction]:
    ratio = (float(hi) / float(lo)) ** (1.0 / (count - 1))
    inner = {Fraction(float(lo) * ratio**k).limit_denominator(10**6) for k in range(1, count - 1)}
    return sorted({lo, hi} | {b for b in inner if lo < b < hi})


@dataclass
class _Log:
    """One logarithm: its argument (SymPy and Z3), its variable and its breakpoints."""

    argument: sp.Expr
    term: z3.ArithRef
    variable: z3.ArithRef
    breakpoints: list[Fraction] = field(default_factory=list)


class PLTranslator(Z3Translator):
    """The Z3 translator with ``log(u)`` as a fresh variable (constraints by :meth:`enclosure`)."""

    def __init__(self, variables, ctx: z3.Context):
        super().__init__(variables, ctx)
        self.logs: dict[sp.Expr, _Log] = {}
        self._rules[sp.log] = self._log

    def _log(self, e: sp.log) -> z3.ArithRef:
        arg = e.args[0]
        if arg not in self.logs:
            self.logs[arg] = _Log(arg, self(arg), z3.FreshReal("log", self.ctx))
        return self.logs[arg].variable

    def enclosure(self, log: _Log) -> list[z3.BoolRef]:
        u, L, bs = log.term, log.variable, log.breakpoints
        out = [u >= self.number(bs[0]), u <= self.number(bs[-1])]
        bounds = [_log_bounds(b) for b in bs]
        for b, (_, up) in zip(bs, bounds):
            out.append(L <= self.number(up) + (u - self.number(b)) / self.number(b))
        for (b0, (l0, _)), (b1, (l1, _)) in zip(zip(bs, bounds), zip(bs[1:], bounds[1:])):
            slope = (l1 - l0) / (b1 - b0)
            out.append(z3.Implies(z3.And(u >= self.number(b0), u <= self.number(b1)),
                                  L >= self.number(l0) + self.number(slope) * (u - self.number(b0))))
        return out


def _argument_range(arg: sp.Expr, symbols: list[sp.Symbol], box: list[Interval]) -> tuple[Fraction | None, Fraction]:
    """Rational bounds ``0 < lo <= arg <= hi`` over the input box (interval enclosure), or ``(None, 0)``."""
    enc = IntervalProgram(arg, symbols)(box)
    if not enc.bounded or not enc.lo > 0:
        return None, Fraction(0)
    lo, hi = fraction_of(enc.lo), fraction_of(enc.hi)
    return _below(lo), _above(hi)


def _below(x: Fraction) -> Fraction:
    """A rational with denominator at most 10^6 that is ``<= x`` (keeps Z3's numbers small)."""
    return Fraction(int(x * 10**6) , 10**6) if x * 10**6 >= 1 else x


def _above(x: Fraction) -> Fraction:
    return Fraction(-int(-x * 10**6), 10**6)


def _value(model: z3.ModelRef, term: z3.ArithRef) -> Fraction:
    v = model.eval(term, model_completion=True)
    if z3.is_rational_value(v):
        return Fraction(v.numerator_as_long(), v.denominator_as_long())
    return Fraction(v.approx(20).as_fraction())


@dataclass(frozen=True)
class Round:
    """One CEGAR round: the candidate and whether intervals certified it."""

    candidate: dict | None
    certified: bool
    breakpoints: int


def cegar(claim: LogClaim, fixed: dict[sp.Symbol, Fraction], floor: Fraction = Fraction(1, 1000),
          margin: Fraction = Fraction(1, 20), rounds: int = 12, timeout_ms: int = 10000) -> Outcome:
    """Refute ``claim`` with every parameter fixed to ``fixed`` (see the module docstring)."""
    start = time.perf_counter()
    values = {s: sp.Rational(v.numerator, v.denominator) for s, v in fixed.items()}
    missing = [s.name for s in claim.parameters if s not in fixed]
    if missing:
        return unknown(f"the CEGAR route needs every parameter fixed; missing {missing}")
    formula = claim.formula.xreplace(values).xreplace({k: v.xreplace(values) for k, v in claim.dependent.items()})
    if not isinstance(formula, (sp.LessThan, sp.StrictLessThan)):
        return unknown("the CEGAR route handles one inequality lhs <= rhs")
    violation = sp.expand_log(formula.lhs - formula.rhs, force=True)
    ctx = z3.Context()
    variables = {s: z3.Real(s.name, ctx) for syms in claim.inputs.values() for s in syms}
    tr = PLTranslator(variables, ctx)
    goal = tr(violation) >= tr.number(margin)
    domain = []
    for name, syms in claim.inputs.items():
        domain += [variables[s] >= tr.number(floor) for s in syms]
        domain.append(z3.Sum([variables[s] for s in syms]) == 1)
    box = [Interval.of(floor, Fraction(1))] * len(variables)
    for log in tr.logs.values():
        lo, hi = _argument_range(log.argument, list(variables), box)
        if lo is None:
            return unknown(f"the argument {log.argument} of a logarithm is not bounded away from 0 for inputs >= {floor}")
        log.breakpoints = _grid(lo, hi, GRID_POINTS)
    history: list[Round] = []
    for k in range(rounds):
        solver = z3.Solver(ctx=ctx)
        solver.add(*domain, *tr.side_conditions, goal)
        for log in tr.logs.values():
            solver.add(*tr.enclosure(log))
        answer, _ = watched_check(solver, ctx, timeout_ms)
        if answer == z3.unsat:
            return unknown(f"Z3: no violation of at least {margin} with inputs >= {floor} at "
                           f"{_text(fixed)} (log arguments in [{floor}, {1 / floor}]) after {k + 1} round(s); "
                           "this is not a proof of the claim on the whole domain",
                           rounds=[r.__dict__ for r in history], seconds=time.perf_counter() - start)
        if answer != z3.sat:
            return unknown(f"Z3 answered {answer} ({solver.reason_unknown()}) in round {k + 1} at {_text(fixed)}",
                           seconds=time.perf_counter() - start)
        model = solver.model()
        inputs = {}
        for name, syms in claim.inputs.items():
            vec = on_simplex([_value(model, variables[s]) for s in syms], 10**6, positive=True)
            if vec is None:
                return unknown(f"Z3's model of {name} has no rational point nearby", seconds=time.perf_counter() - start)
            inputs[name] = vec
        point = claim.point(inputs, dict(fixed))
        cert = certify(claim, point)
        history.append(Round(point.to_json(), cert is not None, sum(len(g.breakpoints) for g in tr.logs.values())))
        if cert is not None:
            seconds = time.perf_counter() - start
            steps = (f"Z3 with piecewise-linear log enclosures ({len(tr.logs)} logarithms, tangents above, chords "
                     f"below, outward-rounded log values) at {_text(fixed)}; {k + 1} CEGAR round(s)",
                     f"candidate certified by interval arithmetic at {cert.bits} bits: {cert.enclosure}")
            return Outcome(REFUTED, f"n={claim.n}", steps, point,
                           data={"seconds": seconds, "rounds": k + 1, "route": "z3-pl-cegar",
                                 "history": [r.__dict__ for r in history]})
        for log in tr.logs.values():
            u = _value(model, log.term).limit_denominator(10**9)
            if log.breakpoints[0] < u < log.breakpoints[-1] and u not in log.breakpoints:
                log.breakpoints = sorted(log.breakpoints + [u])
    return unknown(f"no certified candidate after {rounds} CEGAR rounds at {_text(fixed)}",
                   rounds=[r.__dict__ for r in history], seconds=time.perf_counter() - start)


def _text(fixed: dict[sp.Symbol, Fraction]) -> str:
    return ", ".join(f"{s} = {v}" for s, v in fixed.items()) or "no parameters"
