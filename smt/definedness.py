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
proves the condition on the whole premise.  A ``sat`` model is an undefined point only when the
condition is exactly false there and the one replay (:mod:`kdaxioms.symbolic.replay`) confirms
it: the point satisfies the premise and the strict exact evaluation of the operator fails there.

Zero-set lemma.  A power with a non-rational exponent ``b**e`` (a temperature, a geometric
weight) has no Z3 translation.  Once ``b > 0 or (b = 0 and e > 0)`` is proved, ``b**e`` and ``b``
have the same sign: both are 0 exactly when ``b`` is.  A product of such powers and polynomial
factors therefore has the sign of the same product with each ``b**e`` replaced by ``b``.  For a
sum ``Z = sum_k t_k`` of such products whose replaced terms ``t'_k`` are all ``>= 0`` on the
premise, every ``t_k >= 0`` too, so ``Z = 0`` iff every ``t_k = 0`` iff every ``t'_k = 0`` iff
``Z' = 0``, and ``Z > 0`` iff ``Z' > 0``.  That decides the normalizer of power softening and of
geometric aggregation without instantiating the exponent; any other shape is left undecided.

For every ``n`` (per coordinate): the component ``c_i`` is defined on the coordinate box when the
operator is one function of ``x[i]`` for every ``i``; the normalizer is non-zero for every ``n``
when ``c_i >= 0`` on the box and ``c_i > 0`` as soon as one input coordinate is positive (every
input has a positive coordinate).  Otherwise whole vectors decide for ``n = 2..N``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Iterable

import sympy as sp
import z3

from kdaxioms.symbolic.budget import Deadline
from kdaxioms.symbolic.citation import cite
from kdaxioms.symbolic.domains import power_defined, sample_value
from kdaxioms.symbolic.inner_sums import InnerSums, inner_sums
from kdaxioms.symbolic.evidence import SmtQuery
from kdaxioms.symbolic.errors import DisagreementError, InputError, ModelError, TranslationError
from kdaxioms.symbolic.model import SUM_INDEX, SUPPORT, Operator, coordinate_symbol, real, vector_symbols
from kdaxioms.symbolic.obligations import coordinate_box, simplex_constraints, vector_model_point
from kdaxioms.symbolic.outcome import DISAGREEMENT, PROVED, REFUTED, UNKNOWN, unknown
from kdaxioms.symbolic.points import Point
from kdaxioms.symbolic.replay import Premise, Status, operator_undefined, substitution
from kdaxioms.symbolic.printing import latex
from kdaxioms.symbolic.verdict import Verdict

from .solve import SAT, UNSAT, check
from .translate import Z3Translator


@dataclass(frozen=True)
class Condition:
    """One requirement of definedness, ``holds`` (a SymPy Boolean), with a readable text."""

    text: str
    holds: sp.Basic
    #: The condition as LaTeX text (default: SymPy's LaTeX of ``holds``, in math mode).
    latex: str = ""

    @property
    def tex(self) -> str:
        return self.latex or f"${sp.latex(self.holds)}$"


@dataclass(frozen=True)
class Definedness:
    """``proved`` (defined on the whole premise, for ``scope``), ``refuted`` (``condition`` names
    every condition that fails somewhere; ``witness`` is an exact point where those of
    ``at_witness`` fail) or ``unknown`` (``reason``)."""

    verdict: Verdict
    scope: str | None = None
    witness: Point | None = None
    condition: str = ""
    reason: str = ""
    steps: tuple[str, ...] = ()
    #: For ``refuted``: the conditions that fail at ``witness`` itself.
    at_witness: str = ""
    #: For ``proved``: the ``unsat`` queries it rests on.
    evidence: tuple[SmtQuery, ...] = ()

    @property
    def side_condition(self) -> str:
        """What a proof that relies on the operator being defined must state in its scope."""
        if self.verdict == PROVED:
            return ""
        if self.verdict == REFUTED:
            return f"where the operator is defined: {self.condition}"
        return f"where the operator is defined (undecided: {self.reason})"


@dataclass(frozen=True)
class _Limits:
    """Per-query timeout and the deadline of the whole decision (every query is capped by it)."""

    timeout_ms: int
    deadline: Deadline
    #: The ``unsat`` queries so far (the evidence of a definedness proof).
    queries: list[SmtQuery] = field(default_factory=list)

    def query_ms(self) -> int:
        return max(1, self.deadline.cap_ms(self.timeout_ms))


def _opaque(node: sp.Basic) -> bool:
    """A power whose exponent is not a rational number (no Z3 translation)."""
    return isinstance(node, sp.Pow) and not node.exp.is_Rational


def _has_opaque(expr: sp.Basic) -> bool:
    return any(_opaque(x) for x in sp.preorder_traversal(expr))


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
    """The condition under which ``node`` itself is defined (its arguments aside), named by the
    operation it guards, e.g. ``p1[i]**w defined``."""
    if isinstance(node, sp.log):
        return _named(f"log({sp.sstr(node.args[0])}) defined", node.args[0] > 0,
                      rf"$\log\bigl({latex(node.args[0])}\bigr)$ defined")
    if not isinstance(node, sp.Pow):
        return None
    b, e = node.base, node.exp
    holds = power_defined(b, e)
    if holds is None:
        return None
    if e.is_Rational and e.is_integer:
        return _named(f"1/({sp.sstr(b)}) defined", holds, rf"$1/\bigl({latex(b)}\bigr)$ defined")
    return _named(f"{sp.sstr(node)} defined" + ("" if e.is_number else " (no 0**0)"), holds,
                  rf"${latex(node)}$ defined" + ("" if e.is_number else r" (no $0^0$)"))


def _named(text: str, holds: sp.Basic, shown: str) -> Condition:
    """A condition with its plain ``text`` (command line, JSON) and ``shown``, its LaTeX."""
    return Condition(text, holds, rf"{shown} (${latex(holds)}$)")


def _reduced_factor(factor: sp.Basic) -> sp.Expr | None:
    """A factor with the same sign once replaced (see the zero-set lemma), or None: a power with
    a non-rational exponent over a base free of such powers, or a factor free of them."""
    if not _has_opaque(factor):
        return factor
    if _opaque(factor) and not _has_opaque(factor.base):
        return factor.base
    return None


def _sign_form(expr: sp.Expr, premise: sp.Basic, limits: _Limits) -> sp.Expr:
    """``Z'`` of the zero-set lemma: same zero set and sign as ``expr`` on ``premise`` (where the
    powers' own conditions hold), both ``>= 0``; a :class:`ModelError` when the lemma does not apply."""
    reduced_terms = []
    for term in sp.Add.make_args(sp.expand(expr, power_base=False, power_exp=False, log=False)):
        factors = [_reduced_factor(f) for f in sp.Mul.make_args(term)]
        if any(f is None for f in factors):
            raise ModelError(f"the term {term} is not a product of powers and polynomial factors")
        reduced_terms.append(sp.Mul(*factors))
    answer = _query(premise, sp.Or(*(t < 0 for t in reduced_terms)), limits)
    if answer.status != UNSAT:
        raise ModelError(f"the terms of {expr} are not shown non-negative ({answer.status}): its zero set is not decided")
    return sp.Add(*reduced_terms)


def _query(premise: sp.Basic, bad: sp.Basic, limits: _Limits, label: str = "definedness"):
    """Is ``premise and bad`` satisfiable?  An ``unsat`` answer joins ``limits.queries``."""
    ctx = z3.Context()
    symbols = sorted(premise.free_symbols | bad.free_symbols, key=str)
    variables = {s: z3.Real(s.name, ctx) for s in symbols}
    tr = Z3Translator(variables, ctx)
    constraints = [tr(premise), tr(bad)] + tr.side_conditions
    answer = check(constraints, {s.name: v for s, v in variables.items()}, ctx, limits.query_ms(),
                   deadline=limits.deadline)
    if answer.status == UNSAT:
        limits.queries.append(SmtQuery(f"definedness: {label}", answer.query))
    return answer


def _readable_holds(holds: sp.Basic, assumed: sp.Basic, limits: _Limits) -> sp.Basic:
    """``holds`` in a form Z3 can read: each ``E != 0`` over powers with non-rational exponents in
    its zero-set form (sound under ``assumed``); any other condition over such powers is left as it
    is, and Z3 then says it cannot translate it (undecided)."""
    if not _has_opaque(holds):
        return holds
    if isinstance(holds, sp.And):
        return sp.And(*(_readable_holds(a, assumed, limits) for a in holds.args))
    if isinstance(holds, sp.Ne) and (holds.rhs == 0 or holds.lhs == 0):
        return sp.Ne(_sign_form(holds.lhs if holds.rhs == 0 else holds.rhs, assumed, limits), 0)
    return holds


def _decide_conditions(premise: sp.Basic, conds: Iterable[Condition], limits: _Limits,
                       point_of) -> tuple[Verdict, Condition | None, Point | None, str, list[str]]:
    """Each condition in turn (innermost first): ``unsat`` proves it; a model where the condition
    is exactly false is a candidate undefined point (confirmed by the caller)."""
    steps = []
    for cond in conds:
        try:
            answer = _query(premise, sp.Not(cond.holds), limits, cond.text)
        except TranslationError as err:
            return UNKNOWN, cond, None, f"{cond.text}: outside Z3's real arithmetic ({err.reason})", steps
        if answer.status == UNSAT:
            steps.append(f"{cond.tex} holds on the whole premise")
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


def _vector_point(op: Operator, n: int, values) -> Point | None:
    """A whole-vector model as an exact point (:func:`vector_model_point`), with the parameters
    the model leaves free set to a sample value of their domain."""
    values = dict(values)
    for p in op.parameters:
        if p.name not in values:
            v = sample_value(p)
            if v is None:
                return None
            values[p.name] = Fraction(int(v.p), int(v.q))
    try:
        return vector_model_point(op, n, values)
    except (InputError, KeyError):
        return None


def _inner_definedness(op: Operator, inner: InnerSums, limits: _Limits, interior: bool) -> Definedness | None:
    """For every ``n``, a component with sums over the support inside: each sum is positive for
    every ``n`` (:mod:`kdaxioms.symbolic.inner_sums`), and every operation of the component and of
    the sums' terms is defined on the coordinate box for every positive value of the sums."""
    from .decide import decide_obligations  # (decide reads definedness' neighbours; imported where used)
    shown = decide_obligations(op, inner.obligations, None, limits.query_ms(), deadline=limits.deadline)
    if shown.verdict != PROVED:
        return None
    limits.queries.extend(q for q in shown.evidence if isinstance(q, SmtQuery))
    box = coordinate_box(op)
    if interior:
        box = sp.And(box, *(coordinate_symbol(x) > 0 for x in op.inputs))
    conds = conditions(inner.coordinate) + [c for f in inner.terms for c in conditions(f)]
    status, _, _, _, steps = _decide_conditions(sp.And(box, inner.positive), conds, limits, lambda values: None)
    if status != PROVED:
        return None
    return Definedness(PROVED, "all-n", steps=shown.steps[:-1] + tuple(steps) + (
        r"every operation of $c_i$ and of the terms of its sums is defined on the coordinate box for every positive "
        r"value of the sums, which are positive: $T$ is defined for every $n$",))


def _coordinate_definedness(op: Operator, limits: _Limits, interior: bool) -> Definedness | None:
    """For every ``n``: the component and, if normalized, the normalizer (see the module docstring);
    a normalizer inside the component (:func:`_inner_definedness`) or a normalized component that
    reads sums (:func:`_largest_kept`) by their lemmas; None when no lemma applies."""
    inner = inner_sums(op)
    if inner is not None:
        return _inner_definedness(op, inner, limits, interior)
    if op.coordinatewise(support_as_parameter=True) is not None:
        return _largest_kept(op, limits) if op.normalize else None
    c = op.unnormalized_coordinate()
    box = coordinate_box(op)
    if interior:
        box = sp.And(box, *(coordinate_symbol(x) > 0 for x in op.inputs))
    conds = conditions(c)
    status, cond, _, reason, steps = _decide_conditions(box, conds, limits, lambda values: None)
    if status != PROVED:
        return None
    if not op.normalize:
        return Definedness(PROVED, "all-n", steps=tuple(steps) + ("every operation of $c_i$ is defined on the "
                                                                   "coordinate box: $T$ is defined for every $n$",))
    where = sp.And(box, *(k.holds for k in conds))
    reduced = _sign_form(c, where, limits)  # c_i >= 0, with the sign of the reduced form
    xs = [coordinate_symbol(x) for x in op.inputs]
    if _query(sp.And(where, sp.Or(*(x > 0 for x in xs))), reduced <= 0, limits).status == UNSAT:
        why = (r"on the open simplex every input coordinate is positive and there $c_i > 0$ (Z3, unsat), so "
               r"$Z = \sum_j c_j > 0$ for every $n$") if interior else (
            r"$c_i \ge 0$ on the box and $c_i > 0$ as soon as one input coordinate is positive (Z3, unsat); every "
            r"input has a positive coordinate, so $Z = \sum_j c_j > 0$ for every $n$")
        return Definedness(PROVED, "all-n", steps=tuple(steps) + (why,))
    # the inputs that may vanish: when at most one, a coordinate where it is positive has every
    # input positive (the others are interior), so c_j > 0 there if c > 0 where all inputs are
    vanishing = [x for x in op.inputs if not interior and x not in op.interior_inputs]
    if len(vanishing) <= 1 and _query(sp.And(where, *(x > 0 for x in xs)), reduced <= 0, limits).status == UNSAT:
        return Definedness(PROVED, "all-n", steps=tuple(steps) + (
            r"$c_i \ge 0$ on the box and $c_i > 0$ where every input coordinate is positive; every input but at most "
            r"one is interior, and that one has a positive coordinate $j$, where then every input is positive: "
            r"$c_j > 0$, so $Z = \sum_j c_j > 0$ for every $n$",))
    return None


def _largest_kept(op: Operator, limits: _Limits) -> Definedness | None:
    """The normalizer of a one-input operator whose component reads sums over the support, for
    every ``n`` (e.g. top-k): at an index ``i*`` with ``p_{i*} = max_j p_j`` (``> 0``, since ``p``
    sums to 1), every term ``g(p_j, p_{i*})`` of a sum ``sum_j g(p_j, p_i)`` in ``c_i`` has
    ``0 <= p_j <= p_{i*}``; when ``g`` is one constant ``k`` there (Z3, ``unsat``), the sum is
    ``n k``, and when ``c_{i*}`` with each sum replaced by ``N k`` is ``> 0`` for every real
    ``N >= 1`` (Z3) while ``c_i >= 0`` on the box for every value of its sums (Z3), then
    ``Z = sum_j c_j >= c_{i*} > 0``.  Every term ``g`` must first be shown defined at every pair of
    coordinates (the constancy query reads only points where ``g`` is defined).  None when a step
    does not apply or is not established."""
    if len(op.inputs) != 1 or op.coordinatewise() != "it sums over the support":
        return None
    c = op.unnormalized_coordinate()
    v = coordinate_symbol(op.inputs[0])
    u, count = real("{u}"), real("{N}")
    box = coordinate_box(op)
    opaque = {total: real(f"{{S_{k}}}") for k, total in enumerate(sorted(c.atoms(sp.Sum), key=sp.default_sort_key))}
    if conditions(c.xreplace(opaque)) or _query(box, c.xreplace(opaque) < 0, limits).status != UNSAT:
        return None
    top, steps = {}, []
    for total in opaque:
        if len(total.limits) != 1 or total.limits[0][1:] != (1, SUPPORT):
            return None
        j = total.limits[0][0]
        g = total.function.replace(lambda e: isinstance(e, sp.Indexed) and e.args[1:] == (j,), lambda e: u)
        if j in g.free_symbols or g.has(sp.Indexed) or g.has(sp.Sum):
            return None
        own = conditions(g)  # every term defined at every pair of coordinates, not only below the maximum
        if own and _decide_conditions(sp.And(box, 0 <= u, u <= 1), own, limits, lambda values: None)[0] != PROVED:
            return None
        k = sp.nsimplify(g.xreplace({u: sp.Integer(0), v: sp.Integer(1)}))
        premise = sp.And(box, 0 <= u, u <= v, v > 0)
        if not k.is_Rational or _query(premise, sp.Ne(g, k), limits).status != UNSAT:
            return None
        top[total] = count * k
        steps.append(rf"for $p_j \le p_i$: ${sp.latex(g.xreplace({u: sp.Symbol('p_j')}))} = {sp.latex(k)}$ (Z3, unsat), "
                     rf"so at a largest coordinate ${sp.latex(total)} = {sp.latex(k)}\,n$")
    kept = c.xreplace(top)
    if conditions(kept) or _query(sp.And(box, v > 0, count >= 1), kept <= 0, limits).status != UNSAT:
        return None
    return Definedness(PROVED, "all-n", steps=tuple(steps) + (
        rf"$c_i \ge 0$ on the box for every value of its sums, and at an index $i^*$ with $p_{{i^*}} = \max_j p_j > 0$: "
        rf"$c_{{i^*}} = {sp.latex(kept.xreplace({count: SUPPORT}))} > 0$ (Z3, unsat); so "
        r"$Z = \sum_j c_j \ge c_{i^*} > 0$ for every $n$ (the largest coordinate is kept, " + cite("largest-kept") + ")",))


#: The normalizer's condition, with the reading that a lemma may add (a sufficient condition).
NORMALIZER = "normalizer non-zero"
NORMALIZER_TEX = r"the normalizer $\sum_j c_j$ is non-zero"


def _normalizer_text(op: Operator, limits: _Limits) -> str:
    """The normalizer's condition, and when ``c_i > 0`` wherever every input coordinate is positive,
    the sufficient condition that makes it readable: the inputs share a support point."""
    try:
        c = op.unnormalized_coordinate()
        if op.coordinatewise() is not None:
            return NORMALIZER
        box = sp.And(coordinate_box(op), *(coordinate_symbol(x) > 0 for x in op.inputs))
        where = sp.And(box, *(k.holds for k in conditions(c)))
        if _query(where, _sign_form(c, where, limits) <= 0, limits).status == UNSAT:
            return NORMALIZER + " (true where the inputs share a support point)"
    except (TranslationError, ModelError):
        pass
    return NORMALIZER


def _instances(op: Operator, holds: sp.Basic, n: int) -> sp.Basic:
    """A condition on component ``i`` (possibly on the summation index ``j`` inside a sum) for
    every ``i`` and ``j`` in ``1..n``, over the vector symbols."""
    js = [holds.xreplace({SUM_INDEX: sp.Integer(m)}) for m in range(1, n + 1)] if SUM_INDEX in holds.free_symbols else [holds]
    return sp.And(*(c for h in js for c in op.expand(h, n)))


def _confirm_undefined(op: Operator, point: Point, interior: bool, cond: Condition) -> None:
    """The undefined point once more, through the one replay (:mod:`kdaxioms.symbolic.replay`): it
    must satisfy the premise and the strict exact evaluation of the operator must fail there.
    Two exact evaluations that disagree are reported loudly."""
    premise = Premise(op, frozenset(op.inputs) if interior else frozenset())
    subs, reason = substitution(premise, point)
    if reason is not None:
        raise DisagreementError(f"definedness: the point where {cond.text} fails is outside the premise ({reason})")
    found = operator_undefined(op, point.n, subs)
    if found is None or found.status is not Status.UNDEFINED:
        raise DisagreementError(f"definedness: {cond.text} fails exactly at {point.to_json()}, "
                                f"but the exact evaluation of the operator there says {found or 'defined'}")


def decide_definedness(op: Operator, max_n: int = 3, timeout_ms: int = 5000, interior: bool = False,
                       deadline: Deadline | None = None) -> Definedness:
    """Is ``op`` defined at every point of the premise (inputs in the simplex, in its interior with
    ``interior``, anchors interior, parameters in their domains)?  See the module docstring.

    When it is not, the result names every condition that fails somewhere (as the operator file
    writes it, with ``[i]``) and the first exact point found where one fails; when two exact
    evaluations disagree about that point, it is a ``disagreement``.  Every query is capped by
    ``timeout_ms`` and by ``deadline``."""
    limits = _Limits(timeout_ms, deadline or Deadline.unbounded())
    try:
        coordinate = _coordinate_definedness(op, limits, interior)
    except (TranslationError, ModelError):
        coordinate = None
    if coordinate is not None:
        return replace(coordinate, evidence=tuple(limits.queries))
    limits.queries.clear()  # the queries of a lemma that did not apply decide nothing
    try:
        found = _vector_definedness(op, max_n, limits, interior)
    except DisagreementError as err:
        return Definedness(DISAGREEMENT, reason=str(err))
    return replace(found, evidence=tuple(limits.queries)) if found.verdict == PROVED else found


def _shown(point: Point) -> str:
    """An exact input point in LaTeX, e.g. ``$p^1 = (1, 0)$, $w_1 = 1/2$``."""
    rows = [rf"${sp.latex(real(name))} = {value}$" for name, value in point.latex_rows()]
    return ", ".join(rows)


def _vector_definedness(op: Operator, max_n: int, limits: _Limits, interior: bool) -> Definedness:
    steps: list[str] = []
    proved_up_to, failing, witness, at_witness = None, [], None, []
    general = conditions(op.component)
    normalizer = _normalizer_text(op, limits) if op.normalize else ""  # the same text for every n
    undecided_scope = lambda: f"n<={proved_up_to}" if proved_up_to else None  # noqa: E731
    for n in range(2, max_n + 1):
        if limits.deadline.expired:
            return Definedness(UNKNOWN, undecided_scope(), reason=limits.deadline.reason(f"definedness at n = {n}"),
                               steps=tuple(steps))
        premise = simplex_constraints(op, n, interior)
        conds, assumed = [], premise  # each condition decided where the inner ones hold
        try:
            for c in general:
                holds = _readable_holds(_instances(op, c.holds, n), assumed, limits)
                if c.text not in failing:
                    conds.append((assumed, Condition(c.text, holds, c.tex)))
                assumed = sp.And(assumed, holds)
            if op.normalize:
                total = sp.Add(*op.expand(op.component, n))
                if normalizer not in failing:
                    holds = sp.Ne(_sign_form(total, assumed, limits), 0) if _has_opaque(total) else sp.Ne(total, 0)
                    conds.insert(0, (assumed, Condition(normalizer, holds, normalizer.replace(NORMALIZER, NORMALIZER_TEX))))
        except (TranslationError, ModelError) as err:
            return Definedness(UNKNOWN, undecided_scope(), reason=str(err), steps=tuple(steps))
        undecided = ""
        for where, cond in conds:
            status, _, point, reason, found = _decide_conditions(
                where, [cond], limits, lambda values, n=n: _vector_point(op, n, values))
            steps += [f"$n = {n}$: {s}" for s in found]
            if status == REFUTED:
                _confirm_undefined(op, point, interior, cond)
                failing.append(cond.text)
                witness = witness or point
                if point is witness:
                    at_witness.append(cond.text)
                steps.append(f"$n = {n}$: {cond.tex} fails exactly at {_shown(point)}: the operator is undefined there")
            elif status == UNKNOWN:
                undecided = undecided or reason
        if failing:
            continue
        if undecided:
            return Definedness(UNKNOWN, undecided_scope(), reason=undecided, steps=tuple(steps))
        proved_up_to = n
    if failing:
        return Definedness(REFUTED, f"n={witness.n}", witness, "; ".join(failing), steps=tuple(steps),
                           at_witness="; ".join(at_witness))
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
        return f"where the operator is defined (shown for {defined.scope} only)"
    return defined.side_condition


def restrict(outcome, defined: Definedness):
    """A proof's outcome with the definedness restriction written into its conditions (contradicting
    evidence about definedness makes it a flagged ``unknown``: the claim is then a disagreement)."""
    if outcome.verdict != PROVED:
        return outcome
    if defined.verdict == DISAGREEMENT:
        return unknown(defined.reason, *outcome.steps, disagreement=True)
    text = restriction(defined, outcome.scope)
    if not text:  # the proof rests on the definedness proof too
        return replace(outcome, evidence=outcome.evidence + defined.evidence)
    if text in outcome.conditions:
        return outcome
    return replace(outcome, conditions=outcome.conditions + (text,))


def size_bound(sizes: str | None, default: int) -> int:
    """The largest support size a definedness check needs for a proof with scope ``sizes``."""
    if sizes and sizes != "all-n":
        return max(2, min(default, int(sizes.split("=")[-1])))
    return default
