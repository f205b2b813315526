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
roots, which the Z3 translator encodes exactly); every other parameter is a Z3 variable in its
box.  The claim is a conjunction of inequalities, each possibly under a premise ``P => a <= b``;
the negation asserted is ``P and a - b >= margin`` for one of them (a margin that keeps the
search away from equality points), inputs at least ``floor`` in every coordinate.

CEGAR: a model of the relaxation is a *candidate*: its inputs are made exact rationals on the
simplex and certified with intervals (:func:`.refute.certify`).  A certified candidate refutes
the claim; otherwise the model's log arguments become new breakpoints (the relaxation is then
exact there) and Z3 is asked again.  ``unsat`` means no violation of at least ``margin`` exists
in the searched region at that parameter value (reported, not a proof of the claim); a timeout
or an exhausted round budget is ``unknown``.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Sequence

import flint
import sympy as sp
import z3

from kdaxioms.smt.solve import watched_check
from kdaxioms.smt.translate import Z3Translator
from kdaxioms.symbolic.budget import Deadline
from kdaxioms.symbolic.domains import EXPONENT_GRID, exponent_symbols
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


#: Cells of the bisection that bounds a logarithm's argument away from 0.
RANGE_CELLS = 512


def _argument_range(arg: sp.Expr, symbols: list[sp.Symbol], box: list[Interval],
                    split: Sequence[int] = ()) -> tuple[Fraction | None, Fraction]:
    """Rational bounds ``0 < lo <= arg <= hi`` over the box, or ``(None, 0)``.  A polynomial of
    degree at most 1 in each variable (multilinear) takes its extremes over a box at vertices:
    its exact range is read off the vertices (at most ``2^12``).  Otherwise, interval
    enclosures on a bisection of the sides ``split`` of the box (at most :data:`RANGE_CELLS`
    cells), splitting only the cells whose enclosure reaches 0, each along the side whose halves
    have the larger lower bound (interval arithmetic overestimates ``1 - w + s w`` on a box of
    parameters; on small cells it does not)."""
    vertices = _multilinear_range(arg, symbols, box)
    if vertices is not None:
        lo, hi = vertices
        return (_below(lo), _above(hi)) if lo > 0 else (None, Fraction(0))
    program = IntervalProgram(arg, symbols)

    def halves(cell: list[Interval], k: int) -> list[list[Interval]]:
        mid = (cell[k].lo + cell[k].hi) / 2  # a ball: the halves overlap on it, so they still cover
        return [cell[:k] + [part] + cell[k + 1:]
                for part in (Interval(cell[k].lo, mid.upper()), Interval(mid.lower(), cell[k].hi))]

    def lower(cells: list[list[Interval]]) -> flint.arb:
        encs = [program(c) for c in cells]
        return min((e.lo for e in encs), key=float) if all(e.bounded for e in encs) else flint.arb.neg_inf()

    pending, lows, highs, cells = [box], [], [], 1
    while pending:
        cell = pending.pop()
        enc = program(cell)
        if not enc.bounded:
            return None, Fraction(0)
        if enc.lo > 0:
            lows.append(fraction_of(enc.lo))
            highs.append(fraction_of(enc.hi))
            continue
        if enc.hi <= 0 or cells >= RANGE_CELLS or not split:
            return None, Fraction(0)
        k = max(split, key=lambda j: float(lower(halves(cell, j))))
        pending += halves(cell, k)
        cells += 1
    return _below(min(lows)), _above(max(highs))


#: Most variables of a multilinear argument whose range is read off the box's vertices.
VERTEX_VARIABLES = 12


def _multilinear_range(arg: sp.Expr, symbols: list[sp.Symbol], box: list[Interval]) -> tuple[Fraction, Fraction] | None:
    """The exact range ``[min, max]`` of a multilinear polynomial over a box with exact rational
    ends: along each variable with the others fixed it is affine, so its extremes over the box are
    at vertices.  None for another shape (or too many variables)."""
    used = [k for k, v in enumerate(symbols) if v in arg.free_symbols]
    if not used:
        return (Fraction(int(arg.p), int(arg.q)),) * 2 if arg.is_Rational else None
    if len(used) > VERTEX_VARIABLES or not arg.is_polynomial(*[symbols[k] for k in used]):
        return None
    poly = sp.Poly(arg, *[symbols[k] for k in used])
    if any(d > 1 for d in poly.degree_list()):
        return None
    ends = [(fraction_of(box[k].lo), fraction_of(box[k].hi)) for k in used]
    if not all(c.is_Rational for c in poly.coeffs()):
        return None
    values = [Fraction(str(poly.eval(dict(zip(poly.gens, (sp.Rational(x.numerator, x.denominator) for x in v))))))
              for v in itertools.product(*ends)]
    return min(values), max(values)


def _below(x: Fraction) -> Fraction:
    """A rational with denominator at most 10^6 that is ``<= x`` (keeps Z3's numbers small)."""
    return Fraction(int(x * 10**6) , 10**6) if x * 10**6 >= 1 else x


def _above(x: Fraction) -> Fraction:
    """A rational with denominator at most 10^6 that is ``>= x``."""
    return Fraction(math.ceil(x * 10**6), 10**6)


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


def _targets(formula: sp.Basic) -> list[tuple[sp.Basic, sp.Expr]] | None:
    """The ways ``formula`` can fail, as ``(premise, violation)`` pairs: the formula is false iff
    for some pair the premise holds and ``violation > 0``.  Read from a conjunction of relations
    ``a <= b`` / ``a >= b``, each possibly under an implication ``P => rel``; None for any other
    shape."""
    parts = formula.args if isinstance(formula, sp.And) else (formula,)
    out = []
    for part in parts:
        premise = sp.true
        if isinstance(part, sp.Implies):
            premise, part = part.args
        if isinstance(part, (sp.LessThan, sp.StrictLessThan)):
            out.append((premise, part.lhs - part.rhs))
        elif isinstance(part, (sp.GreaterThan, sp.StrictGreaterThan)):
            out.append((premise, part.rhs - part.lhs))
        else:
            return None
    return out


def _inside(value: Fraction, bounds: tuple[Fraction, Fraction]) -> Fraction:
    """A model's parameter value as a small rational, clamped into its box."""
    lo, hi = bounds
    return min(max(value.limit_denominator(10**6), lo), hi)


def cegar(claim: LogClaim, fixed: dict[sp.Symbol, Fraction] | None = None, floor: Fraction = Fraction(1, 1000),
          margin: Fraction = Fraction(1, 20), rounds: int = 12, timeout_ms: int = 10000,
          deadline: Deadline | None = None) -> Outcome:
    """Refute ``claim`` with the parameters of ``fixed`` fixed (every parameter in an exponent must
    be) and the others free in their box (see the module docstring)."""
    start = time.perf_counter()
    deadline = deadline or Deadline.unbounded()
    fixed = dict(fixed or {})
    values = {s: sp.Rational(v.numerator, v.denominator) for s, v in fixed.items()}
    formula = claim.formula.xreplace({k: v.xreplace(values) for k, v in claim.dependent.items()}).xreplace(values)
    free = [s for s in claim.parameters if s not in fixed]
    in_exponent = sorted(str(s) for s in exponent_symbols(formula))
    if in_exponent:
        return unknown(f"the CEGAR route needs every parameter in an exponent fixed; missing {in_exponent}")
    targets = _targets(formula)
    if targets is None:
        return unknown("the CEGAR route handles conjunctions of inequalities (each possibly under a premise)")
    ctx = z3.Context()
    variables = {s: z3.Real(s.name, ctx) for syms in claim.inputs.values() for s in syms}
    variables.update({s: z3.Real(s.name, ctx) for s in free})
    tr = PLTranslator(variables, ctx)
    goal = z3.Or([z3.And(tr(premise), tr(sp.expand_log(v, force=True)) >= tr.number(margin)) for premise, v in targets])
    domain = []
    for name, syms in claim.inputs.items():
        domain += [variables[s] >= tr.number(floor) for s in syms]
        domain.append(z3.Sum([variables[s] for s in syms]) == 1)
    for s in free:
        lo, hi = claim.box[s]
        domain += [variables[s] >= tr.number(lo), variables[s] <= tr.number(hi)]
    box = [Interval.of(floor, Fraction(1))] * (len(variables) - len(free)) + [Interval.of(*claim.box[s]) for s in free]
    for log in tr.logs.values():
        lo, hi = _argument_range(log.argument, list(variables), box, range(len(variables) - len(free), len(variables)))
        if lo is None:
            return unknown(f"the argument {log.argument} of a logarithm is not bounded away from 0 for inputs >= {floor}")
        log.breakpoints = _grid(lo, hi, GRID_POINTS)
    history: list[Round] = []
    where = "; ".join(([_text(fixed)] if fixed else []) + ([f"{', '.join(map(str, free))} free in their box"] if free else []))
    where = where or "no parameters"
    for k in range(rounds):
        if deadline.expired:
            return unknown(deadline.reason(f"CEGAR round {k + 1} at {where}"), seconds=time.perf_counter() - start)
        solver = z3.Solver(ctx=ctx)
        solver.add(*domain, *tr.side_conditions, goal)
        for log in tr.logs.values():
            solver.add(*tr.enclosure(log))
        answer, _ = watched_check(solver, ctx, deadline.cap_ms(timeout_ms))
        if answer == z3.unsat:
            return unknown(f"Z3: no violation of at least {margin} with inputs >= {floor} at "
                           f"{where} (log arguments in [{floor}, {1 / floor}]) after {k + 1} round(s); "
                           "this is not a proof of the claim on the whole domain",
                           rounds=[r.__dict__ for r in history], seconds=time.perf_counter() - start)
        if answer != z3.sat:
            return unknown(f"Z3 answered {answer} ({solver.reason_unknown()}) in round {k + 1} at {where}",
                           seconds=time.perf_counter() - start)
        model = solver.model()
        inputs = {}
        for name, syms in claim.inputs.items():
            vec = on_simplex([_value(model, variables[s]) for s in syms], 10**6, positive=True)
            if vec is None:
                return unknown(f"Z3's model of {name} has no rational point nearby", seconds=time.perf_counter() - start)
            inputs[name] = vec
        params = {**fixed, **{s: _inside(_value(model, variables[s]), claim.box[s]) for s in free}}
        point = claim.point(inputs, params)
        cert = certify(claim, point)
        history.append(Round(point.to_json(), cert is not None, sum(len(g.breakpoints) for g in tr.logs.values())))
        if cert is not None:
            seconds = time.perf_counter() - start
            steps = (f"Z3 with piecewise-linear log enclosures ({len(tr.logs)} logarithms, tangents above, chords "
                     f"below, outward-rounded log values) at {where}; {k + 1} CEGAR round(s)",
                     f"candidate certified by interval arithmetic at {cert.bits} bits: {cert.enclosure}")
            return Outcome(REFUTED, f"n={claim.n}", steps, point,
                           data={"seconds": seconds, "rounds": k + 1, "route": "z3-pl-cegar",
                                 "history": [r.__dict__ for r in history], **claim.evidence(point)})
        for log in tr.logs.values():
            u = _value(model, log.term).limit_denominator(10**9)
            if log.breakpoints[0] < u < log.breakpoints[-1] and u not in log.breakpoints:
                log.breakpoints = sorted(log.breakpoints + [u])
    return unknown(f"no certified candidate after {rounds} CEGAR rounds at {where}",
                   rounds=[r.__dict__ for r in history], seconds=time.perf_counter() - start)


#: Grid points (per parameter in an exponent) and rounds of the CEGAR route of the audit.
GRID_CAP, AUDIT_ROUNDS = 3, 6


def refute_on_grid(claim: LogClaim, timeout_ms: int = 10000, deadline: Deadline | None = None) -> Outcome:
    """:func:`cegar` with each parameter in an exponent fixed, in turn, to the points of the
    exponent grid inside its box (at most :data:`GRID_CAP` combinations), the other parameters
    free: the audit's route of Z3 with log enclosures.  Refutes or is ``unknown``."""
    deadline = deadline or Deadline.unbounded()
    formula = claim.formula.xreplace(dict(claim.dependent))
    pinned = [s for s in claim.parameters if s in exponent_symbols(formula)]
    choices = [[Fraction(int(v.p), int(v.q)) for v in EXPONENT_GRID if claim.box[s][0] <= v <= claim.box[s][1]]
               or [sum(claim.box[s], Fraction(0)) / 2] for s in pinned]
    reasons = []
    for values in list(itertools.product(*choices))[:GRID_CAP]:
        out = cegar(claim, dict(zip(pinned, values)), rounds=AUDIT_ROUNDS, timeout_ms=timeout_ms, deadline=deadline)
        if out.verdict == REFUTED:
            return out
        reasons.append(out.reason)
        if deadline.expired:
            break
    return unknown("; ".join(reasons))


def _text(fixed: dict[sp.Symbol, Fraction]) -> str:
    return ", ".join(f"{s} = {v}" for s, v in fixed.items()) or "no parameters"
