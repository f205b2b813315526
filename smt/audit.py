"""Auditing an operator against the axioms of its kind, cheapest route first.

For each axiom:

1. an axiom that exact real arithmetic cannot express (logarithms, limits) is ``unknown``
   with the reason, and left to another engine;
2. the per-coordinate obligations, with symbolic parameters, when the operator separates over
   coordinates: all ``unsat`` proves the axiom for every ``n``; a model that lifts to ``n = 2``
   and fails in exact replay refutes it;
3. otherwise whole vectors for ``n = 2..max_n``; a parameter in an exponent (a temperature)
   is instantiated on a grid of rationals that keeps the encoding algebraic, and the result
   names the values covered.

Every counterexample is replayed exactly and then shrunk to small denominators (each candidate
replayed again), so that a person can read it.

A :class:`~kdaxioms.symbolic.budget.Deadline` bounds one axiom: every query is capped at the
time it leaves, and the routes, grid points and support sizes that no longer fit are not
tried; the axiom is then ``unknown`` with the budget named in its reason (a proof of the
sizes already decided keeps its ``n<=N``, a refutation found before stays).
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable

import sympy as sp

from kdaxioms.symbolic.axioms import AUXILIARY_DOMAINS, AXIOMS, Axiom, axiom
from kdaxioms.symbolic.budget import Deadline
from kdaxioms.symbolic.domains import exponent_symbols, grid_values
from kdaxioms.symbolic.errors import InputError, ModelError
from kdaxioms.symbolic.model import Operator, real
from kdaxioms.symbolic.outcome import DISAGREEMENT, PROVED, REFUTED, UNKNOWN, Outcome, unknown
from kdaxioms.symbolic.points import Point, on_simplex
from kdaxioms.symbolic.verdict import Scope, grid_parameters

from .decide import Emit, decide_obligations, decide_vectors
from .domain import check_domain

#: The verdict of an axiom that does not apply to the operator (A3 without weights): neither
#: proved nor unknown, and no failure.
NOT_APPLICABLE = "not applicable"


@dataclass(frozen=True)
class AuditResult:
    axiom: str
    code: str
    verdict: str
    scope: str | None
    route: str
    seconds: float
    witness: Point | None = None
    reason: str = ""
    covered: dict[str, list[str]] = field(default_factory=dict)
    steps: tuple[str, ...] = ()
    #: Side conditions of the verdict (e.g. where the operator is defined); empty when none.
    conditions: tuple[str, ...] = ()
    #: Beside a witness: the violated relations and an interior witness
    #: (:func:`kdaxioms.symbolic.witness.explain`).
    evidence: dict = field(default_factory=dict)
    #: The decisive evidence of a proof as plain data (:mod:`kdaxioms.symbolic.evidence`).
    decisive: tuple = ()

    @property
    def parameters(self) -> dict[str, tuple[str, ...]] | None:
        """The parameter values covered (None: the full domain)."""
        return grid_parameters(self.covered)

    @property
    def full_scope(self) -> Scope:
        return Scope(self.scope, self.parameters, self.conditions)

    def to_json(self) -> dict:
        out = {"axiom": self.axiom, "code": self.code, "verdict": str(self.verdict), **self.full_scope.to_json(),
               "route": self.route, "seconds": round(self.seconds, 3),
               "witness": self.witness.to_json() if self.witness is not None else None}
        if self.reason:
            out["reason"] = self.reason
        return out


def _grid(op: Operator, symbol: sp.Symbol) -> list[sp.Rational]:
    """The values substituted for ``symbol`` (:func:`~kdaxioms.symbolic.domains.grid_values` in the
    domain of the parameter, or of the auxiliary symbol)."""
    param = next((p for p in op.parameters if p.symbol == symbol), None)
    domain = param.domain if param is not None else AUXILIARY_DOMAINS.get(symbol, symbol > 0)
    return grid_values(symbol, domain, param)


def shrink(point: Point, replay: Callable[[Point], bool | None], keep: Iterable[str] = ()) -> Point:
    """A witness with small denominators that still fails: each candidate goes through the exact
    replay, which checks its premise (simplex, interior, domains) before its conclusion.  The
    parameters named in ``keep`` (values of a grid the route covered) keep their values, so the
    witness lies on the grid its route names."""
    keep = set(keep)
    for bound in (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 100):
        inputs = {name: on_simplex(vec, bound) for name, vec in point.inputs.items()}
        if any(vec is None for vec in inputs.values()):
            continue
        # a rounded parameter keeps its sign, so that tau = 1/3 is never tried as tau = 0
        params = {k: v if k in keep else _rounded(v, bound) for k, v in point.parameters.items()}
        try:
            candidate = Point(inputs, params)
            if replay(candidate) is True:
                return candidate
        except (InputError, ModelError, ArithmeticError, ValueError):  # not evaluable there: no witness
            continue
    return point


def _verdict(outcome: Outcome):
    """The outcome's verdict, or ``disagreement`` when it carries contradicting evidence."""
    return DISAGREEMENT if outcome.data.get("disagreement") else outcome.verdict


def _rounded(value: Fraction, bound: int) -> Fraction:
    """``value`` with denominator at most ``bound``, unless that changes its sign (then ``value``)."""
    rounded = value.limit_denominator(bound)
    return rounded if (rounded > 0) == (value > 0) and (rounded < 0) == (value < 0) else value


def _coordinate(ax: Axiom, timeout_ms: int, emit: Emit | None, deadline: Deadline | None = None) -> Outcome | None:
    """The per-coordinate route, or None when the operator does not separate."""
    try:
        obligations = ax.obligations()
    except ModelError:
        return None
    if any(ob.lemma is None and (exponent_symbols(ob.premise) | exponent_symbols(ob.conclusion)) for ob in obligations):
        return None  # Z3 needs exponents fixed; a SymPy lemma discharges such an obligation instead
    return decide_obligations(ax.operator, obligations, ax.replay, timeout_ms, emit, deadline)


def _out_of_budget(outcomes: list[Outcome], deadline: Deadline, total: int, max_n: int) -> Outcome:
    """``unknown`` naming the budget, after ``outcomes`` of the ``total`` grid points were tried."""
    proved = sum(o.verdict == PROVED for o in outcomes)
    progress = f"{proved} of {total} grid points proved for n<={max_n}, {total - len(outcomes)} not tried"
    undecided = next((o.reason for o in outcomes if o.verdict != PROVED), "")
    reason = deadline.reason(progress) + (f"; first undecided point: {undecided}" if undecided else "")
    return Outcome(UNKNOWN, None, tuple(s for o in outcomes for s in o.steps), reason=reason)


def _vectors(ax: Axiom, max_n: int, timeout_ms: int, emit: Emit | None,
             deadline: Deadline | None = None) -> tuple[Outcome, dict[str, list[str]]]:
    """The whole-vector route for ``n = 2..max_n``, over the grid of exponent parameters when there
    are any.  A size that Z3 does not decide in ``timeout_ms`` (not the budget) ends the sizes
    tried, at that grid point and at every later one: the route then proves ``n<=K`` for the
    largest ``K`` decided at every grid point (and says at which size it stopped), or nothing
    when even ``n = 2`` is undecided somewhere."""
    deadline = deadline or Deadline.unbounded()
    symbols = sorted(exponent_symbols(ax.vector_formula(2)), key=str)
    grids = [_grid(ax.operator, s) for s in symbols]
    covered: dict[str, list[str]] = {s.name: [] for s in symbols}
    cap, stopped = max_n, ""
    outcomes = []
    points = list(itertools.product(*grids)) if symbols else [()]
    for values in points:
        fixed = dict(zip(symbols, values))
        if any(c.xreplace(fixed) is sp.false for c in ax.operator.constraints):
            continue
        if symbols and deadline.expired:
            return _out_of_budget(outcomes, deadline, len(points), cap), covered
        for s, v in fixed.items():
            if str(v) not in covered[s.name]:
                covered[s.name].append(str(v))
        out = decide_vectors(ax, range(2, cap + 1), timeout_ms, all_interior=ax.spec.interior, sort=ax.spec.sortable,
                             fixed=fixed, emit=emit, deadline=deadline)
        if out.verdict == REFUTED:  # the witness names its parameter values; no grid is claimed
            return out, {}
        if out.verdict == UNKNOWN and out.scope and not deadline.expired and not out.data.get("disagreement"):
            cap = int(out.scope.split("<=")[1])  # sizes above the first undecided one are not tried again
            stopped = out.reason
            out = Outcome(PROVED, out.scope, out.steps, evidence=out.evidence)
        outcomes.append(out)
    if not outcomes:  # no grid point was tried: nothing is proved
        return unknown(f"no grid value of {', '.join(s.name for s in symbols)} lies in the parameter domain"), covered
    if all(o.verdict == PROVED for o in outcomes):
        steps = tuple(s for o in outcomes for s in o.steps)
        if stopped:
            steps += (f"$n = {cap + 1}$ undecided (Z3 answered unknown within the query timeout): the scope stops "
                      f"at $n = {cap}$",)
        return Outcome(PROVED, f"n<={cap}", steps, evidence=tuple(e for o in outcomes for e in o.evidence)), covered
    flagged = [o for o in outcomes if o.data.get("disagreement")]  # contradicting evidence first
    first = (flagged or [o for o in outcomes if o.verdict != PROVED])[0]
    if symbols:  # one grid point's partial sizes are not the grid's
        first = Outcome(first.verdict, None, first.steps, first.witness, first.reason, first.data,
                        evidence=first.evidence)
    return first, covered


def _gridded(ax: Axiom) -> set[str]:
    """The symbols the whole-vector route puts on a grid (exponents): a witness it finds keeps their
    grid values, which its steps name."""
    return {s.name for s in exponent_symbols(ax.vector_formula(2))}


def coordinate_route(ax: Axiom, timeout_ms: int = 5000, deadline: Deadline | None = None) -> Outcome:
    """The per-coordinate route alone (``unknown`` when the operator does not separate)."""
    out = _coordinate(ax, timeout_ms, None, deadline)
    return out if out is not None else unknown("the operator does not separate over coordinates")


def vector_route(ax: Axiom, max_n: int = 4, timeout_ms: int = 5000, deadline: Deadline | None = None) -> Outcome:
    """The whole-vector route alone, with the exponent grid named in the outcome's data."""
    if ax.spec.undecided:
        return unknown(ax.spec.undecided)
    deadline = deadline or Deadline.unbounded()
    if deadline.expired:
        return unknown(deadline.reason("the earlier routes; the whole-vector route was not tried"))
    out, covered = _vectors(ax, max_n, timeout_ms, None, deadline)
    if out.witness is not None:
        out = Outcome(out.verdict, out.scope, out.steps, shrink(out.witness, ax.violated_at, _gridded(ax)), out.reason,
                      evidence=out.evidence)
    if covered:
        grid = "; ".join(f"${sp.latex(real(k))} \\in \\{{{', '.join(v)}\\}}$" for k, v in covered.items())
        out = Outcome(out.verdict, out.scope, out.steps + (f"covered {grid}",), out.witness, out.reason,
                      {**out.data, "covered": covered}, parameters=grid_parameters(covered), conditions=out.conditions,
                      evidence=out.evidence)
    return out


def audit_axiom(ax: Axiom, max_n: int = 4, timeout_ms: int = 5000, emit: Emit | None = None,
                deadline: Deadline | None = None) -> AuditResult:
    """Decide one axiom of one operator (see the module docstring for the strategy) within
    ``deadline`` (default: no budget)."""
    deadline = deadline or Deadline.unbounded()
    start = time.perf_counter()
    name, code = ax.spec.name, ax.spec.code
    if ax.inapplicable:
        return AuditResult(name, code, NOT_APPLICABLE, None, "none", time.perf_counter() - start, reason=ax.inapplicable)
    if ax.spec.undecided:  # a per-coordinate lemma may still prove it; Z3 cannot refute it
        outcome = _coordinate(ax, timeout_ms, emit, deadline) if ax.spec.obligations is not None else None
        if outcome is not None and outcome.verdict == PROVED:
            return AuditResult(name, code, PROVED, outcome.scope, "symbolic-coordinate", time.perf_counter() - start,
                               steps=outcome.steps, decisive=outcome.evidence)
        return AuditResult(name, code, UNKNOWN, None, "none", time.perf_counter() - start, reason=ax.spec.undecided)
    outcome = _coordinate(ax, timeout_ms, emit, deadline)
    # a SymPy lemma discharged one of the obligations: the proof is symbolic, not Z3's alone
    route, covered = "symbolic-coordinate" if outcome is not None and outcome.data.get("lemma") else "smt-coordinate", {}
    if (outcome is None or outcome.verdict == UNKNOWN) and deadline.expired:
        if outcome is None or deadline.label not in outcome.reason:
            outcome = unknown(deadline.reason("the per-coordinate route; the whole-vector route was not tried"))
    elif outcome is None or outcome.verdict == UNKNOWN:
        route = "smt-vector"
        try:
            outcome, covered = _vectors(ax, max_n, timeout_ms, emit, deadline)
        except ModelError as err:
            outcome = unknown(str(err))
    witness = outcome.witness
    if witness is not None:
        witness = shrink(witness, ax.violated_at, _gridded(ax) if route == "smt-vector" else ())
    return AuditResult(name, code, _verdict(outcome), outcome.scope, route, time.perf_counter() - start,
                       witness, outcome.reason, covered, outcome.steps, outcome.conditions, decisive=outcome.evidence)


def audit(op: Operator, names: Iterable[str] | None = None, max_n: int = 4, timeout_ms: int = 5000,
          emit_dir: Path | None = None, budget_s: float | None = None) -> list[AuditResult]:
    """Audit ``op`` against the named axioms (default: every axiom of its kind), each within
    ``budget_s`` seconds (default: no budget), once its parameter domain is shown non-empty."""
    check_domain(op, timeout_ms)
    names = list(names) if names else list(AXIOMS[op.kind])
    axioms = [axiom(n, op) for n in names]
    results = []
    for ax in axioms:
        emit = _emitter(emit_dir, op.name, ax.spec.name) if emit_dir is not None else None
        results.append(audit_axiom(ax, max_n, timeout_ms, emit, Deadline.after(budget_s)))
    return results


#: Longest part of an SMT-LIB file name taken from an operator or axiom name.
STEM_LENGTH = 60


def file_stem(name: str) -> str:
    """``name`` as one safe part of a file name: letters, digits, ``_``, ``-`` and inner dots kept,
    every other character (``/``, ``\\``, spaces, control characters) replaced by ``_``, no leading
    dot (so never ``..`` or a hidden file), at most :data:`STEM_LENGTH` characters.  Distinct names
    may share a stem (``α`` and ``β`` are both ``_``): emit each operator into its own folder."""
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:STEM_LENGTH].lstrip(".")
    return stem or "unnamed"


def _emitter(folder: Path, operator: str, axiom_name: str) -> Emit:
    """Write each query to ``folder/OPERATOR.AXIOM.NNN.smt2`` (names made safe by :func:`file_stem`,
    so every file stays inside ``folder`` whatever the operator is called)."""
    counter = itertools.count(1)
    prefix = f"{file_stem(operator)}.{file_stem(axiom_name)}"

    def emit(text: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{prefix}.{next(counter):03d}.smt2").write_text(text)
    return emit


#: Contraction claims with a user factor: ``D(Tq, p) <= factor * D(q, p)``.
CONTRACTIONS = {"contraction-tv": "tv", "contraction-chi2": "chi2", "contraction-l2": "l2"}


def _contraction(op: Operator, name: str, factor_text: str | None, max_n: int, timeout_ms: int,
                 emit: Emit | None, deadline: Deadline | None = None) -> AuditResult:
    from kdaxioms.symbolic.divergences import divergence
    from kdaxioms.symbolic.parse import parse_expression
    from kdaxioms.symbolic.statements import Contraction, Relation
    if factor_text is None:
        raise InputError(f"{name} needs --factor, e.g. --factor '1 - alpha'")
    factor = parse_expression(factor_text, {p.name for p in op.parameters}, set())
    start = time.perf_counter()
    try:
        claim = Contraction(op, divergence(CONTRACTIONS[name]), factor, Relation.LE)
    except ModelError as err:
        return AuditResult(name, "C", UNKNOWN, None, "none", 0.0, reason=str(err))
    route, outcome = "smt-coordinate", None
    if op.separable:
        outcome = decide_obligations(op, claim.obligations(), claim.replay, timeout_ms, emit, deadline)
    if outcome is None or outcome.verdict == UNKNOWN:
        route = "smt-vector"
        outcome = decide_vectors(claim, range(2, max_n + 1), timeout_ms, emit=emit, deadline=deadline)
    witness = outcome.witness
    if witness is not None:
        witness = shrink(witness, claim.violated_at)
    return AuditResult(name, "C", _verdict(outcome), outcome.scope, route, time.perf_counter() - start,
                       witness, outcome.reason, {}, outcome.steps, decisive=outcome.evidence)


def axiom_names(op: Operator, names: Iterable[str] | None) -> list[str]:
    """The axioms (and contraction claims) to audit: ``names`` checked, or every axiom of the kind."""
    names = list(names) if names else list(AXIOMS[op.kind])
    known = list(AXIOMS[op.kind]) + (list(CONTRACTIONS) if op.kind.value == "meta" else [])
    for n in names:
        if n not in known:
            raise InputError(f"unknown {op.kind.value} axiom {n!r}; choose one of: {', '.join(known)}")
    return names


def audit_one(op: Operator, name: str, factor: str | None = None, max_n: int = 4, timeout_ms: int = 5000,
              emit_dir: Path | None = None, deadline: Deadline | None = None) -> AuditResult:
    """One axiom or contraction claim of the audit command, within ``deadline``."""
    emit = _emitter(emit_dir, op.name, name) if emit_dir is not None else None
    if name in CONTRACTIONS:
        return _contraction(op, name, factor, max_n, timeout_ms, emit, deadline)
    return audit_axiom(axiom(name, op), max_n, timeout_ms, emit, deadline)


def audit_file(op: Operator, names: Iterable[str] | None, factor: str | None = None, max_n: int = 4,
               timeout_ms: int = 5000, emit_dir: Path | None = None,
               budget_s: float | None = None) -> list[AuditResult]:
    """The audit command: the kind's axioms, and contraction claims named explicitly; each
    within its own budget of ``budget_s`` seconds (default: no budget), once the parameter domain
    is shown non-empty (an empty one is an :class:`InputError`)."""
    check_domain(op, timeout_ms)
    return [audit_one(op, n, factor, max_n, timeout_ms, emit_dir, Deadline.after(budget_s))
            for n in axiom_names(op, names)]
