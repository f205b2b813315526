"""Definedness as an obligation: is the operator defined on the whole domain of an axiom?

A formula is defined at a point when every operation in it is: no zero denominator (the
normalizer ``Z = sum_j c_j`` of a normalized operator included), no even root or fractional power
of a negative number, no ``log`` of a non-positive number, no ``0**e`` with ``e <= 0``.  The Z3
encodings (:mod:`kdaxioms.smt.translate`) multiply denominators out with side conditions
``d * x == 1`` and assert ``x >= 0`` under roots: a query on such an encoding silently ranges only
over the points where the formula is defined.  This module makes that restriction explicit.

The conditions of a formula are collected innermost first.  Each one is decided by its own Z3
query (premise, every inner condition, and the negated condition): since the inner conditions
were proved before, the side conditions of the translation only restate them, so ``unsat``
proves the condition on the whole premise.  A ``sat`` model is replayed exactly: the point is
reported only when a condition is exactly false there (an undefined point), after its premise
(inputs in the simplex, parameters in their domains) is checked.

A power with a symbolic exponent ``b**e`` (a temperature, a geometric weight) has no Z3
translation.  Once ``b >= 0`` and ``b = 0 => e > 0`` are proved, ``b**e`` and ``b`` have the same
sign: ``b**e = 0`` exactly when ``b = 0``.  So a sum ``Z = sum_k t_k`` of products of such powers is
zero exactly when the same sum with each ``b**e`` replaced by ``b`` is, provided every term is
non-negative (then ``Z = 0`` iff every term is 0).  That lemma ("zero set of a power") decides the
normalizer of power softening and of geometric aggregation without instantiating the exponent.

For every ``n`` (per coordinate): the component ``c_i`` is defined on the coordinate box when the
operator separates; the normalizer is non-zero for every ``n`` when ``c_i >= 0`` on the box and
``c_i > 0`` as soon as one input coordinate is positive (every input has a positive coordinate).
Otherwise whole vectors decide for ``n = 2..N``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Iterable

import sympy as sp
import z3

from kdaxioms.symbolic.domains import sample_value
from kdaxioms.symbolic.errors import InputError, ModelError, TranslationError
from kdaxioms.symbolic.model import Operator, coordinate_symbol, real, vector_symbols
from kdaxioms.symbolic.obligations import coordinate_box, simplex_constraints
from kdaxioms.symbolic.outcome import PROVED, REFUTED, UNKNOWN
from kdaxioms.symbolic.points import Point
from kdaxioms.symbolic.verdict import Verdict

from .solve import SAT, UNSAT, check
from .translate import Z3Translator


@dataclass(frozen=True)
class Condition:
    """One requirement of definedness, ``holds`` (a SymPy Boolean), with a readable text."""

    text: str
    holds: sp.Basic
    #: LaTeX of the condition as the operator writes it (default: SymPy's LaTeX of ``holds``).
    latex: str = ""

    @property
    def tex(self) -> str:
        return self.latex or sp.latex(self.holds)


@dataclass(frozen=True)
class Definedness:
    """``proved`` (defined on the whole premise, for ``scope``), ``refuted`` (``witness`` is an
    exact point where ``condition`` fails) or ``unknown`` (``reason``)."""

    verdict: Verdict
    scope: str | None = None
    witness: Point | None = None
    condition: str = ""
    reason: str = ""
    steps: tuple[str, ...] = ()

    @property
    def side_condition(self) -> str:
        """What a proof that relies on the operator being defined must state in its scope."""
        if self.verdict == PROVED:
            return ""
        if self.verdict == REFUTED:
            return f"where T is defined ({self.condition})"
        return f"where T is defined (definedness undecided: {self.reason})"


def _symbolic_exponent(node: sp.Basic) -> bool:
    return isinstance(node, sp.Pow) and not node.exp.is_number


def conditions(expr: sp.Expr) -> list[Condition]:
    """The definedness conditions of ``expr``, innermost first, without repeats."""
    out: list[Condition] = []
    seen: set[sp.Basic] = set()

    def visit(node: sp.Basic) -> None:
        for arg in node.args:
            visit(arg)
        cond = _condition(node)
        if cond is not None and cond.holds is not sp.true and cond.holds not in seen:
            seen.add(cond.holds)
            out.append(cond)
    visit(expr)
    return out


def _condition(node: sp.Basic) -> Condition | None:
    if isinstance(node, sp.log):
        return Condition(f"{sp.sstr(node.args[0])} > 0", node.args[0] > 0)
    if not isinstance(node, sp.Pow):
        return None
    b, e = node.base, node.exp
    if e.is_number:
        if not e.is_Rational:
            return Condition(f"{sp.sstr(b)} > 0", b > 0)
        if e.is_integer:
            return Condition(f"{sp.sstr(b)} != 0", sp.Ne(b, 0)) if e.is_negative else None
        return Condition(f"{sp.sstr(b)} > 0", b > 0) if e.is_negative else Condition(f"{sp.sstr(b)} >= 0", b >= 0)
    return Condition(f"{sp.sstr(b)} > 0 or ({sp.sstr(b)} = 0 and {sp.sstr(e)} > 0)",
                     sp.Or(b > 0, sp.And(sp.Eq(b, 0), e > 0)))


def _zero_set_form(expr: sp.Expr) -> sp.Expr:
    """``expr`` with every power of symbolic exponent ``b**e`` replaced by its base ``b`` (same
    zero set and sign once ``b >= 0`` and ``b = 0 => e > 0`` are proved)."""
    return expr.replace(_symbolic_exponent, lambda p: p.base)


def _terms_nonnegative(premise: sp.Basic, expr: sp.Expr, timeout_ms: int) -> bool:
    """Every term of the expanded ``expr`` is ``>= 0`` on ``premise`` (Z3 ``unsat`` of the negation)."""
    terms = sp.Add.make_args(sp.expand(expr))
    return _query(premise, sp.Or(*(t < 0 for t in terms)), timeout_ms).status == UNSAT


def _query(premise: sp.Basic, bad: sp.Basic, timeout_ms: int):
    ctx = z3.Context()
    symbols = sorted(premise.free_symbols | bad.free_symbols, key=str)
    variables = {s: z3.Real(s.name, ctx) for s in symbols}
    tr = Z3Translator(variables, ctx)
    constraints = [tr(premise), tr(bad)] + tr.side_conditions
    return check(constraints, {s.name: v for s, v in variables.items()}, ctx, timeout_ms)


def _nonzero_condition(total: sp.Expr, premise: sp.Basic, timeout_ms: int) -> Condition:
    """``total != 0`` stated through its zero-set form when ``total`` has symbolic exponents."""
    text = f"{sp.sstr(total)} != 0"
    if not any(_symbolic_exponent(x) for x in sp.preorder_traversal(total)):
        return Condition(text, sp.Ne(total, 0))
    reduced = _zero_set_form(total)
    if not _terms_nonnegative(premise, reduced, timeout_ms):
        raise ModelError(f"the normalizer {total} is not a sum of non-negative terms: its zero set is not decided")
    return Condition(text, sp.Ne(reduced, 0))


def _zero_set_condition(holds: sp.Basic, assumed: sp.Basic, timeout_ms: int) -> sp.Basic:
    """``holds`` in a form Z3 can read: each ``E != 0`` whose ``E`` has powers with symbolic
    exponents in its zero-set form (sound under ``assumed``, see :func:`_nonzero_condition`).
    Any other condition over such powers is left to Z3, which then says it cannot translate it."""
    if not any(_symbolic_exponent(x) for x in sp.preorder_traversal(holds)):
        return holds
    if isinstance(holds, sp.And):
        return sp.And(*(_zero_set_condition(a, assumed, timeout_ms) for a in holds.args))
    if isinstance(holds, sp.Ne) and (holds.rhs == 0 or holds.lhs == 0):
        expr = holds.lhs if holds.rhs == 0 else holds.rhs
        return _nonzero_condition(expr, assumed, timeout_ms).holds
    return holds


def _decide_conditions(premise: sp.Basic, conds: Iterable[Condition], timeout_ms: int,
                       point_of) -> tuple[Verdict, Condition | None, Point | None, str, list[str]]:
    """Each condition in turn (innermost first): ``unsat`` proves it; a model replayed exactly
    where the condition is false is an undefined point."""
    steps = []
    for cond in conds:
        try:
            answer = _query(premise, sp.Not(cond.holds), timeout_ms)
        except TranslationError as err:
            return UNKNOWN, cond, None, f"{cond.text}: outside Z3's real arithmetic ({err.reason})", steps
        if answer.status == UNSAT:
            steps.append(f"${cond.tex}$ holds on the whole premise")
            continue
        if answer.status == SAT:
            point = point_of(answer.values)
            if point is not None and _exactly_false(cond, point):
                return REFUTED, cond, point, "", steps
            return UNKNOWN, cond, None, f"{cond.text}: a model that does not replay exactly", steps
        return UNKNOWN, cond, None, f"{cond.text}: {answer.reason}", steps
    return PROVED, None, None, "", steps


def _exactly_false(cond: Condition, point: Point) -> bool:
    """The condition evaluates to False at the point's exact values (inputs, parameters)."""
    subs = {real(k): sp.Rational(v.numerator, v.denominator) for k, v in point.parameters.items()}
    for name, vec in point.sympy_inputs().items():
        subs.update(zip(vector_symbols(name, point.n), vec))
    return cond.holds.xreplace(subs) is sp.false


def _vector_premise(op: Operator, n: int, interior: bool) -> sp.Basic:
    return simplex_constraints(op, n, interior)


def _vector_point(op: Operator, n: int, values) -> Point | None:
    """A whole-vector model as an exact point (last entries completing each input to 1), with
    parameters the model leaves free set to a sample value of their domain."""
    inputs = {}
    for name in op.inputs:
        head = [values.get(s.name, Fraction(0)) for s in vector_symbols(name, n)[:-1]]
        inputs[name] = tuple(head) + (1 - sum(head),)
    params = {}
    for p in op.parameters:
        if p.name in values:
            params[p.name] = values[p.name]
        else:
            v = sample_value(p)
            if v is None:
                return None
            params[p.name] = Fraction(int(v.p), int(v.q))
    try:
        point = Point(inputs, params)
        op.check_parameters(point.parameters)
    except InputError:
        return None
    if any(x < 0 for vec in inputs.values() for x in vec):
        return None
    return point


def _coordinate_definedness(op: Operator, timeout_ms: int, interior: bool) -> Definedness | None:
    """For every ``n``: the component and, if normalized, the normalizer (see the module docstring);
    None when the operator does not separate or a lemma does not apply."""
    try:
        c = op.unnormalized_coordinate()
    except ModelError:
        return None
    if op.component.has(sp.Sum) or not _separable(op):
        return None
    box = coordinate_box(op)
    if interior:
        box = sp.And(box, *(coordinate_symbol(x) > 0 for x in op.inputs))
    status, cond, _, reason, steps = _decide_conditions(box, conditions(c), timeout_ms, lambda values: None)
    if status != PROVED:
        return None
    if not op.normalize:
        return Definedness(PROVED, "all-n", steps=tuple(steps) + ("every operation of $c_i$ is defined on the "
                                                                   "coordinate box: $T$ is defined for every $n$",))
    xs = [coordinate_symbol(x) for x in op.inputs]
    reduced = _zero_set_form(c)
    nonneg = _query(box, reduced < 0, timeout_ms).status == UNSAT
    some_positive = _query(sp.And(box, sp.Or(*(x > 0 for x in xs))), reduced <= 0, timeout_ms).status == UNSAT
    if nonneg and some_positive:
        return Definedness(PROVED, "all-n", steps=tuple(steps) + (
            r"$c_i \ge 0$ on the box and $c_i > 0$ as soon as one input coordinate is positive; every input has a "
            r"positive coordinate, so $Z = \sum_j c_j > 0$ for every $n$",))
    return None


def _separable(op: Operator) -> bool:
    """The component reads every input at index ``i`` only (no ``n``, no sum)."""
    from kdaxioms.symbolic.model import INDEX, SUPPORT
    indexed = op.component.atoms(sp.Indexed)
    if any(x.indices != (INDEX,) for x in indexed):
        return False
    hidden = op.component.xreplace({x: sp.Dummy() for x in indexed})
    return not ({INDEX, SUPPORT} & hidden.free_symbols)


def _common_support(op: Operator, timeout_ms: int) -> str:
    """A readable sufficient condition: ``c_i > 0`` whenever every input coordinate is positive,
    so the normalizer is positive as soon as the inputs share a support point."""
    try:
        c = _zero_set_form(op.unnormalized_coordinate())
    except ModelError:
        return ""
    xs = [coordinate_symbol(x) for x in op.inputs]
    box = sp.And(coordinate_box(op), *(x > 0 for x in xs))
    try:
        if _query(box, c <= 0, timeout_ms).status == UNSAT:
            return "the inputs share a support point (an index j where every input is positive)"
    except TranslationError:
        return ""
    return ""


def _instances(op: Operator, holds: sp.Basic, n: int) -> sp.Basic:
    """A condition on component ``i`` (possibly on the summation index ``j`` inside a sum) for
    every ``i`` and ``j`` in ``1..n``, over the vector symbols."""
    from kdaxioms.symbolic.model import SUM_INDEX
    js = [holds.xreplace({SUM_INDEX: sp.Integer(m)}) for m in range(1, n + 1)] if SUM_INDEX in holds.free_symbols else [holds]
    return sp.And(*(c for h in js for c in op.expand(h, n)))


def decide_definedness(op: Operator, max_n: int = 3, timeout_ms: int = 5000, interior: bool = False) -> Definedness:
    """Is ``op`` defined at every point of the premise (inputs in the simplex, in its interior with
    ``interior``, anchors interior, parameters in their domains)?  See the module docstring.

    When it is not, the result names every condition that fails somewhere (as the operator file
    writes it, with ``[i]``) and the first exact point found where one fails."""
    try:
        coordinate = _coordinate_definedness(op, timeout_ms, interior)
    except (TranslationError, ModelError):
        coordinate = None
    if coordinate is not None:
        return coordinate
    steps: list[str] = []
    proved_up_to, failing, witness = None, [], None
    general = conditions(op.component)
    for n in range(2, max_n + 1):
        premise = _vector_premise(op, n, interior)
        conds, assumed = [], premise  # each condition decided where the inner ones hold
        try:
            for c in general:
                holds = _zero_set_condition(_instances(op, c.holds, n), assumed, timeout_ms)
                if c.text not in failing:
                    conds.append((assumed, Condition(c.text, holds, c.tex)))
                assumed = sp.And(assumed, holds)
            if op.normalize:
                total = sp.Add(*op.expand(op.component, n))
                normalizer = _nonzero_condition(total, assumed, timeout_ms)
                readable = _common_support(op, timeout_ms) or "the normalizer sum_j c_j is non-zero"
                if readable not in failing:
                    conds.insert(0, (assumed, Condition(readable, normalizer.holds, rf"\text{{{readable.replace('_', ' ')}}}")))
        except (TranslationError, ModelError) as err:
            return Definedness(UNKNOWN, f"n<={proved_up_to}" if proved_up_to else None, reason=str(err), steps=tuple(steps))
        undecided = ""
        for where, cond in conds:
            status, _, point, reason, found = _decide_conditions(
                where, [cond], timeout_ms, lambda values, n=n: _vector_point(op, n, values))
            steps += [f"$n = {n}$: {s}" for s in found]
            if status == REFUTED:
                failing.append(cond.text)
                witness = witness or point
                steps.append(f"$n = {n}$: ${cond.tex}$ fails exactly at an input point: $T$ is undefined there")
            elif status == UNKNOWN:
                undecided = undecided or reason
        if failing:
            continue
        if undecided:
            return Definedness(UNKNOWN, f"n<={proved_up_to}" if proved_up_to else None, reason=undecided,
                               steps=tuple(steps))
        proved_up_to = n
    if failing:
        return Definedness(REFUTED, f"n={witness.n}", witness, "; ".join(failing), steps=tuple(steps))
    return Definedness(PROVED, f"n<={max_n}", steps=tuple(steps))


def _covers(defined: Definedness, sizes: str | None) -> bool:
    """The definedness proof covers every support size of a proof with scope ``sizes``."""
    if defined.verdict != PROVED:
        return False
    if defined.scope == "all-n":
        return True
    bound = int(defined.scope[3:])
    if sizes is None or sizes == "all-n":
        return False
    return int(sizes.split("=")[-1]) <= bound


def restriction(defined: Definedness, sizes: str | None) -> str:
    """The side condition a proof with scope ``sizes`` must carry ("" when definedness covers it)."""
    if _covers(defined, sizes):
        return ""
    if defined.verdict == PROVED:
        return f"where T is defined (shown for {defined.scope} only)"
    return defined.side_condition


def restrict(outcome, defined: Definedness):
    """A proof's outcome with the definedness restriction written into its conditions."""
    if outcome.verdict != PROVED:
        return outcome
    text = restriction(defined, outcome.scope)
    if not text or text in outcome.conditions:
        return outcome
    return replace(outcome, conditions=outcome.conditions + (text,))


def size_bound(sizes: str | None, default: int) -> int:
    """The largest support size a definedness check needs for a proof with scope ``sizes``."""
    if sizes and sizes != "all-n":
        return max(2, min(default, int(sizes.split("=")[-1])))
    return default
