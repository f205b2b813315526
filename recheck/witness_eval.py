"""An independent evaluator of counterexample witnesses, on :mod:`fractions` alone.

``kdaxioms recheck`` re-checks a proof bundle without trusting the code that produced it.  A
witness (``kdaxioms-witness/1``, a JSON object) names a subject (an axiom of THEORY.md section 2
or a claim), an operator (the data of an operator file), and an exact point: inputs, parameters
and the auxiliary values the axiom quantifies over (the raise share ``s`` of A3, the softening
temperature ``tau_S`` of A5).  This module re-reads the formulas with its own small parser and
evaluates them with its own arithmetic.

The arithmetic and the formulas are in :mod:`kdaxioms.recheck.witness_model` (standard library
only, like this module): exact Fractions where values are rational, interval enclosures with
Fraction endpoints where they are not.  A comparison is True, False or None; an undecided one
raises :class:`Undecided` and the whole check runs again at a finer precision
(:data:`~kdaxioms.recheck.witness_model.PRECISIONS`, in bits), up to a cap.

The order is the replay's: the premise (inputs in the simplex, open where the statement or the
operator asks for it; parameters in their domains and constraints; auxiliary values in theirs),
then the definedness of ``T`` at the point (certainly undefined: a violation of closure and
continuity, no violation of anything else), then the conclusion (:data:`SUBJECTS`, :data:`CLAIMS`).

:func:`check_witness` returns a :class:`Result` with ``status``

* ``"agree"``: the point is in the premise and the subject is certainly violated there;
* ``"disagree"``: the point is outside the premise (or the witness is malformed), or the subject
  certainly holds there;
* ``"skipped"``: the evaluator cannot decide (undecided at the precision cap, a statement about
  limits or derivatives, an unsupported subject), with the reason.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

from .witness_model import (PRECISIONS, Env, Operator, Undecided, Undefined, Value, WitnessError,
                            absolute, as_interval, compare, integer_power, inverse, log, parse_number, power, show, tidy)

FORMAT = "kdaxioms-witness/1"
#: Iterates evaluated to confirm a kept zero coordinate (C6.global-attraction).
ITERATES = 5


@dataclass(frozen=True)
class Result:
    """``status`` is ``"agree"``, ``"disagree"`` or ``"skipped"``; ``detail`` one line saying why."""

    status: str
    detail: str


def _decided(truth: bool | None, what: str) -> bool:
    if truth is None:
        raise Undecided(f"{what} is not decided")
    return truth


# -- divergences ----------------------------------------------------------------------------------

def _kl_term(a: Value, b: Value, prec: int) -> Value:
    """``a log(a/b)`` with ``0 log 0 = 0``; infinite (undefined here) when ``a > 0 = b``."""
    if isinstance(a, Fraction) and a == 0:
        return Fraction(0)
    if as_interval(a).hi < 0:
        raise Undefined("a negative entry inside KL")
    return a * log(a * inverse(b), prec)


def divergence(name: str, x: list[Value], y: list[Value], prec: int) -> Value:
    """``D(x, y)``: ``tv`` is ``1/2 sum |x_i - y_i|``, ``l2`` is ``sum (x_i - y_i)**2``, ``kl`` is
    ``KL(x||y) = sum x_i log(x_i / y_i)``."""
    if name == "tv":
        return sum((absolute(a - b) for a, b in zip(x, y)), Fraction(0)) / 2
    if name == "l2":
        return sum((integer_power(a - b, 2) for a, b in zip(x, y)), Fraction(0))
    return sum((_kl_term(a, b, prec) for a, b in zip(x, y)), Fraction(0))


# -- subjects: the conclusion of each axiom and claim at one point ----------------------------------

class Unsupported(WitnessError):
    """The evaluator cannot decide this witness (its result is ``skipped``)."""


@dataclass(frozen=True)
class Case:
    """A witness in the premise: the operator, exact inputs, parameters and auxiliary values."""

    op: Operator
    inputs: dict[str, list[Fraction]]
    params: dict[str, Fraction]
    aux: dict[str, Fraction]

    @property
    def n(self) -> int:
        return len(self.inputs[self.op.inputs[0]])

    def students(self) -> list[str]:
        return [x for x in self.op.inputs if x != "p"]


#: ``decide(case, T at the point, precision) -> (violated, detail)``; raises :class:`Undecided`.
Decide = Callable[[Case, list[Value], int], tuple[bool, str]]


def _first_failure(checks: Any) -> tuple[bool, str]:
    """Violated with the text of the first relation certainly false; holds when every relation
    certainly holds; otherwise :class:`Undecided`.  ``checks`` yields ``(truth, text if false)``."""
    undecided = None
    for truth, text in checks:
        if truth is False:
            return True, text
        if truth is None and undecided is None:
            undecided = text
    if undecided is not None:
        raise Undecided(f"cannot decide whether {undecided}")
    return False, "every relation of the conclusion certainly holds at the point"


def _closure(case: Case, t: list[Value], prec: int) -> tuple[bool, str]:
    """``T_i >= 0`` and ``sum_i T_i = 1`` (the sum is 1 by construction when normalized)."""
    checks = [(compare(x, 0, ">="), f"T_{i} = {show(x)} < 0") for i, x in enumerate(t, 1)]
    if not case.op.normalize:
        total = sum(t, Fraction(0))
        checks.append((compare(total, 1, "=="), f"sum_i T_i = {show(total)} != 1"))
    return _first_failure(checks)


def _equal_to(t: list[Value], want: list[Value], left: str, right: str) -> tuple[bool, str]:
    return _first_failure((compare(a, b, "=="), f"{left}_{i} = {show(a)} != {right}_{i} = {show(b)}")
                          for i, (a, b) in enumerate(zip(t, want), 1))


def _anchor_fixed_point(case: Case, t: list[Value], prec: int) -> tuple[bool, str]:
    """M2: ``T(p, ..., p) = p``, every student set to the anchor."""
    p = case.inputs["p"]
    return _equal_to(case.op({x: p for x in case.op.inputs}, case.params, prec), p, "T(p, ..., p)", "p")


def _unanimity(case: Case, t: list[Value], prec: int) -> tuple[bool, str]:
    """A6: ``A_w(p, ..., p) = p``, every teacher set to the first."""
    p = case.inputs[case.op.inputs[0]]
    return _equal_to(case.op({x: p for x in case.op.inputs}, case.params, prec), p, "A(p1, ..., p1)", "p1")


def _anchoring(case: Case, t: list[Value], prec: int) -> tuple[bool, str]:
    """M3: ``T_i >= alpha p_i`` with ``alpha`` the anchor weight."""
    alpha, p = case.op.role("anchor_weight", case.params), case.inputs["p"]
    return _first_failure((compare(x, alpha * pi, ">="), f"T_{i} = {show(x)} < alpha*p_{i} = {show(alpha * pi)}")
                          for i, (x, pi) in enumerate(zip(t, p), 1))


def _positivity(case: Case, t: list[Value], prec: int) -> tuple[bool, str]:
    """M5: ``T_i > 0``."""
    return _first_failure((compare(x, 0, ">"), f"T_{i} = {show(x)} <= 0") for i, x in enumerate(t, 1))


def _symmetry(case: Case, t: list[Value], prec: int) -> tuple[bool, str]:
    """M6: ``T(x o perm)_k = T(x)_{perm(k)}``.  A component that uses ``i`` and ``j`` only to index its
    inputs is one function of each coordinate's values and of sums over the whole support, which
    relabelling leaves unchanged, so relabelling commutes with ``T`` exactly; otherwise every
    permutation is evaluated (the transposition and the cycle first; all of them up to ``n = 6``)."""
    if not case.op.component.uses_index("i", "j"):
        return False, "the component uses i and j only to index its inputs, so relabelling commutes with T"
    n = case.n
    perms = [[1, 0, *range(2, n)], [*range(1, n), 0]]
    perms += [list(p) for p in itertools.permutations(range(n))] if n <= 6 else []
    if n > 6:
        raise Unsupported("label symmetry of a component that uses i is checked on all permutations up to n = 6")

    def checks():
        for perm in perms:
            moved = case.op({x: [v[perm[k]] for k in range(n)] for x, v in case.inputs.items()}, case.params, prec)
            for k in range(n):
                yield compare(moved[k], t[perm[k]], "=="), (f"relabelling by {[a + 1 for a in perm]}: T(x o perm)_{k + 1} = "
                                                             f"{show(moved[k])} != T(x)_{perm[k] + 1} = {show(t[perm[k]])}")
    return _first_failure(checks())


def _remainder(name: str) -> Decide:
    """M4: ``r = (T - alpha p)/(1 - alpha)``, ``D(r, p) <= max_j D(q_{t-j}, p)`` (vacuous for ``alpha >= 1``)."""
    def decide(case: Case, t: list[Value], prec: int) -> tuple[bool, str]:
        alpha, p = case.op.role("anchor_weight", case.params), case.inputs["p"]
        if not _decided(compare(alpha, 1, "<"), "alpha < 1"):
            return False, f"alpha = {show(alpha)} >= 1, where the statement is vacuous"
        r = [(x - alpha * pi) * inverse(1 - alpha) for x, pi in zip(t, p)]
        same = next((s for s in case.students() if r == case.inputs[s]), None)
        if same is not None:
            return False, f"r = {same} exactly, so D(r, p) = D({same}, p)"
        dist = divergence(name, r, p, prec)
        bounds = [divergence(name, case.inputs[s], p, prec) for s in case.students()]
        truths = [compare(dist, b, "<=") for b in bounds]
        if True in truths:
            return False, f"D(r, p) = {show(dist)} <= max_j D(q_j, p)"
        if None in truths:
            raise Undecided("D(r, p) against the students' divergences")
        return True, f"D(r, p) = {show(dist)} > max_j D(q_j, p) = {show(max(bounds, key=lambda b: as_interval(b).hi))}"
    return decide


def _ranking(case: Case, t: list[Value], prec: int) -> tuple[bool, str]:
    """S1: ``p_a > p_b => S_a > S_b`` and ``p_a = p_b => S_a = S_b`` (the latter exactly when the
    component uses ``i`` only to index ``p``: one function of the same values)."""
    p, same = case.inputs["p"], not case.op.component.uses_index("i")

    def checks():
        for a, b in itertools.permutations(range(case.n), 2):
            text = f"p_{a + 1} = {p[a]} vs p_{b + 1} = {p[b]} but S_{a + 1} = {show(t[a])}, S_{b + 1} = {show(t[b])}"
            if p[a] > p[b]:
                yield compare(t[a], t[b], ">"), text
            elif p[a] == p[b]:
                yield (True if same else compare(t[a], t[b], "==")), text
    return _first_failure(checks())


def _identity(case: Case, t: list[Value], prec: int) -> tuple[bool, str]:
    """S4: at the identity temperature (roles.identity, default 1) ``S(p) = p``."""
    temperature = case.op.roles.get("temperature")
    if temperature is None:
        raise WitnessError(f"operator {case.op.name} has no temperature, and S4 is about the temperature")
    if temperature.tree[0] != "par":
        raise Unsupported("roles.temperature is not a parameter")
    params = {**case.params, temperature.tree[1]: _exact(case.op.role("identity", case.params))}
    return _equal_to(case.op(case.inputs, params, prec), case.inputs["p"], "S_1(p)", "p")


def _exact(v: Value) -> Fraction:
    if not isinstance(v, Fraction):
        raise Unsupported("a role's value is not rational")
    return v


def _weights(case: Case, params: dict[str, Fraction]) -> list[Fraction]:
    env = Env(params, {}, case.n, PRECISIONS[0])
    return [_exact(env.value(w.tree)) for w in case.op.roles.get("weights", [])]


def _agg_positivity(case: Case, t: list[Value], prec: int) -> tuple[bool, str]:
    """A2: ``A_i > 0`` where every teacher of positive weight is positive; ``A_i = 0`` where every
    teacher is zero (an aggregation without weights: every teacher counts)."""
    teachers = [case.inputs[x] for x in case.op.inputs]
    ws = _weights(case, case.params) or [Fraction(1)] * len(teachers)

    def checks():
        for i in range(case.n):
            if all(x[i] > 0 for x, w in zip(teachers, ws) if w > 0):
                yield compare(t[i], 0, ">"), f"every teacher of positive weight has p_{i + 1} > 0 but A_{i + 1} = {show(t[i])}"
            if all(x[i] == 0 for x in teachers):
                yield compare(t[i], 0, "=="), f"every teacher has p_{i + 1} = 0 but A_{i + 1} = {show(t[i])}"
    return _first_failure(checks())


def _solve(rows: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """The unique solution of ``rows x = rhs`` by Gauss-Jordan elimination (None if there is none)."""
    aug, width, r = [[*row, b] for row, b in zip(rows, rhs)], len(rows[0]), 0
    for c in range(width):
        pivot = next((k for k in range(r, len(aug)) if aug[k][c] != 0), None)
        if pivot is None:
            return None
        aug[r], aug[pivot] = aug[pivot], aug[r]
        aug[r] = [v / aug[r][c] for v in aug[r]]
        aug = [row if k == r else [a - row[c] * b for a, b in zip(row, aug[r])] for k, row in enumerate(aug)]
        r += 1
    if any(row[width] != 0 for row in aug[r:]):
        return None
    return [aug[k][width] for k in range(width)]


def raised_parameters(case: Case, k: int, s: Fraction) -> dict[str, Fraction]:
    """Parameters whose weights are ``(1 - s) w + s e_k`` (A3), solving the weights' affine map of
    the parameters they use, and checking the result exactly."""
    ws, used = _weights(case, case.params), sorted(set().union(*(w.names() for w in case.op.roles["weights"])))
    target = [(1 - s) * w + (s if j == k else 0) for j, w in enumerate(ws)]
    try:
        base = _weights(case, {**case.params, **{u: Fraction(0) for u in used}})
        columns = [[a - b for a, b in zip(_weights(case, {**case.params, **{v: Fraction(v == u) for v in used}}), base)]
                   for u in used]
        solution = _solve([list(row) for row in zip(*columns)], [a - b for a, b in zip(target, base)]) if used else None
        new = {**case.params, **dict(zip(used, solution or []))}
        if solution is None or _weights(case, new) != target:
            raise Unsupported("the raised weights cannot be expressed through the parameters")
    except Undefined:
        raise Unsupported("the weights are not affine in the parameters") from None
    return new


def _weight_monotone(name: str, forward: bool = False) -> Decide:
    """A3: for SOME teacher ``k``, raising ``w_k`` by the share ``s`` moves the output farther from
    ``p^k`` (``D(A_w', p^k) > D(A_w, p^k)``; forward KL measures ``KL(p^k || A)``).  A raise whose
    parameters leave their domains is vacuous."""
    def decide(case: Case, t: list[Value], prec: int) -> tuple[bool, str]:
        if not case.op.roles.get("weights"):
            raise WitnessError(f"operator {case.op.name} has no weights, and A3 is about raising a weight")
        s = case.aux["s"]

        def checks():
            for k, teacher in enumerate(case.op.inputs):
                new = raised_parameters(case, k, s)
                if case.op.outside(new) is not None:
                    continue
                target, raised = case.inputs[teacher], case.op(case.inputs, new, prec)
                before, after = ((divergence(name, target, t, prec), divergence(name, target, raised, prec)) if forward
                                 else (divergence(name, t, target, prec), divergence(name, raised, target, prec)))
                yield compare(after, before, "<="), (f"raising w_{k + 1} by s = {s}: D after = {show(after)} > "
                                                     f"D before = {show(before)} (distance to {teacher})")
        return _first_failure(checks())
    return decide


def _soften(x: list[Value], tau: Fraction, prec: int) -> list[Value]:
    """Power softening ``S_tau(x)_i = x_i^(1/tau) / sum_j x_j^(1/tau)``."""
    powered = [power(v, 1 / tau, prec) for v in x]
    scale = inverse(sum(powered, Fraction(0)))
    return [tidy(v * scale, prec + 64) for v in powered]


def _coherence(case: Case, t: list[Value], prec: int) -> tuple[bool, str]:
    """A5: ``S_tau(A_w(p1..pm)) = A_w(S_tau p1, ..., S_tau pm)`` componentwise, ``tau = tau_S``."""
    tau = case.aux["tau_S"]
    left = _soften(t, tau, prec)
    right = case.op({x: _soften(v, tau, prec) for x, v in case.inputs.items()}, case.params, prec)
    return _equal_to(left, right, "S(A(p))", "A(S(p))")


def _kl_factor(case: Case, t: list[Value], prec: int) -> tuple[bool, str]:
    """C6.kl-factor: ``KL(T(q)||p) <= (1 - alpha) KL(q||p)``."""
    alpha, p = case.op.role("anchor_weight", case.params), case.inputs["p"]
    lhs, rhs = divergence("kl", t, p, prec), (1 - alpha) * divergence("kl", case.inputs["q"], p, prec)
    if _decided(compare(lhs, rhs, "<="), "KL(T(q)||p) <= (1 - alpha) KL(q||p)"):
        return False, f"KL(T(q)||p) = {show(lhs)} <= (1 - alpha) KL(q||p) = {show(rhs)}"
    return True, f"KL(T(q)||p) = {show(lhs)} > (1 - alpha) KL(q||p) = {show(rhs)}"


def _zero_exponent(tree: tuple) -> tuple | None:
    """The exponent ``e`` of a factor ``q[i]**e`` (or ``q[i]``, ``e = 1``) of the product ``tree``
    (a quotient's numerator counts), None when there is none."""
    if tree[0] == "bin" and tree[1] in ("*", "/"):
        return _zero_exponent(tree[2]) or (_zero_exponent(tree[3]) if tree[1] == "*" else None)
    if tree == ("in", "q", "i"):
        return ("num", Fraction(1))
    if tree[0] == "bin" and tree[1] == "**" and tree[2] == ("in", "q", "i"):
        return tree[3]
    return None


def _kept_zero(case: Case, t: list[Value], prec: int) -> tuple[bool, str]:
    """C6.global-attraction: a coordinate with ``q_i = 0 < p_i`` and a component with a factor
    ``q[i]**e``, ``e > 0``, has ``T(q)_i = 0`` for every such ``q``: the zero is kept forever and
    ``q_t`` never reaches ``p``.  The structure is read on the parse tree and the first
    :data:`ITERATES` iterates are evaluated to confirm it."""
    if case.students() != ["q"]:
        raise Unsupported("global attraction is checked for memory 1 only")
    p, q = case.inputs["p"], case.inputs["q"]
    zeros = [i for i in range(case.n) if q[i] == 0 and p[i] > 0]
    if not zeros:
        raise WitnessError(f"q = ({', '.join(map(str, q))}) has no zero coordinate where p is positive")
    exponent = _zero_exponent(case.op.component.tree)
    if exponent is None:
        raise Unsupported("the component is not a product with a factor q[i]**e")
    env = Env(case.params, dict(case.inputs), case.n, prec)
    for i in zeros:
        e = env.value(exponent, i + 1)
        if not _decided(compare(e, 0, ">"), "the exponent of q[i] is positive"):
            raise Unsupported(f"the exponent of q[i] is {show(e)} <= 0")
    current: list[Value] = list(q)
    for step in range(1, ITERATES + 1):
        current = [tidy(v, prec + 32) for v in case.op({"p": p, "q": current}, case.params, prec)]
        for i in zeros:
            if not (isinstance(current[i], Fraction) and current[i] == 0):
                return False, f"the zero is not kept: q_{step} has coordinate {i + 1} = {show(current[i])}"
    i = zeros[0]
    return True, (f"q_{i + 1} = 0 < p_{i + 1} = {p[i]} and the component has the factor q[i]**e with e = "
                  f"{show(env.value(exponent, i + 1))} > 0, so T(q)_{i + 1} = 0 whenever q_{i + 1} = 0 (checked on "
                  f"{ITERATES} iterates): q_t never reaches p")


@dataclass(frozen=True)
class Subject:
    """An axiom or claim: its code, its conclusion at a point (None: not pointwise, see ``skip``)."""

    code: str
    decide: Decide | None = None
    #: Every input must lie in the open simplex (beyond the anchor of a meta operator).
    interior: bool = False
    #: An operator certainly undefined at the point violates the subject (closure, continuity).
    undefined_violates: bool = False
    #: The auxiliary values the subject quantifies over, with their domains.
    auxiliary: tuple[tuple[str, Callable[[Fraction], bool]], ...] = ()
    skip: str = ""


_LIMITS = "a discontinuity is a statement about limits, outside pointwise evaluation"
_SHARE = (("s", lambda s: 0 <= s <= 1),)
SUBJECTS: dict[tuple[str, str], Subject] = {
    ("closure", "meta"): Subject("M1", _closure, undefined_violates=True),
    ("anchor-fixed-point", "meta"): Subject("M2", _anchor_fixed_point),
    ("anchoring", "meta"): Subject("M3", _anchoring),
    **{(f"remainder-nonexpansive-{d}", "meta"): Subject("M4", _remainder(d)) for d in ("tv", "l2", "kl")},
    ("positivity", "meta"): Subject("M5", _positivity),
    ("label-symmetry", "meta"): Subject("M6", _symmetry),
    ("closure", "softening"): Subject("S0", _closure, undefined_violates=True),
    ("ranking", "softening"): Subject("S1", _ranking),
    ("continuity", "softening"): Subject("S2", interior=True, undefined_violates=True, skip=_LIMITS),
    ("entropy-monotone", "softening"): Subject("S3", interior=True, skip="entropy monotonicity is about a derivative "
                                                                         "in the temperature, outside pointwise evaluation"),
    ("identity", "softening"): Subject("S4", _identity),
    ("boundary", "softening"): Subject("S5", skip="the boundary axiom is about limits in the temperature, outside "
                                                  "pointwise evaluation"),
    ("closure", "aggregation"): Subject("A1", _closure, undefined_violates=True),
    ("positivity", "aggregation"): Subject("A2", _agg_positivity),
    ("weight-monotone-tv", "aggregation"): Subject("A3", _weight_monotone("tv"), auxiliary=_SHARE),
    ("weight-monotone-l2", "aggregation"): Subject("A3", _weight_monotone("l2"), auxiliary=_SHARE),
    ("weight-monotone-kl", "aggregation"): Subject("A3", _weight_monotone("kl", forward=True), True, auxiliary=_SHARE),
    ("weight-monotone-kl-reverse", "aggregation"): Subject("A3", _weight_monotone("kl"), True, auxiliary=_SHARE),
    ("continuity", "aggregation"): Subject("A4", interior=True, undefined_violates=True, skip=_LIMITS),
    ("temperature-coherence", "aggregation"): Subject("A5", _coherence, auxiliary=(("tau_S", lambda t: t > 0),)),
    ("unanimity", "aggregation"): Subject("A6", _unanimity),
}
#: Claims by id (THEORY.md section 4); the geometric anchor's C6 failures.
CLAIMS: dict[str, Subject] = {
    "C6.kl-factor": Subject("C6.kl-factor", _kl_factor, interior=True),  # THEORY C6: interior starts
    "C6.global-attraction": Subject("C6.global-attraction", _kept_zero),
}


def decide(subject: Subject, case: Case, label: str) -> Result:
    """Definedness of ``T`` at the point, then the conclusion, at each precision of :data:`PRECISIONS`
    (``label`` names the subject in the detail line)."""
    if subject.decide is None and not subject.undefined_violates:
        return Result("skipped", f"{label}: {subject.skip}")
    reason = ""
    for prec in PRECISIONS:
        try:
            t = case.op(case.inputs, case.params, prec)
        except Undefined as err:
            if subject.undefined_violates:
                return Result("agree", f"{label} violated: T is undefined at the point ({err})")
            return Result("disagree", f"{label}: T is undefined at the point ({err}); an undefined output is no violation")
        except Undecided as err:
            reason = f"whether T is defined: {err}"
            continue
        if subject.decide is None:
            return Result("skipped", f"{label}: T is defined at the point; {subject.skip}")
        try:
            violated, detail = subject.decide(case, t, prec)
        except Undecided as err:
            reason = str(err)
            continue
        except Undefined as err:
            return Result("skipped", f"{label}: the conclusion is undefined at the point ({err})")
        except Unsupported as err:
            return Result("skipped", f"{label}: {err}")
        except WitnessError as err:
            return Result("disagree", f"{label}: not applicable: {err}")
        return Result("agree", f"{label} violated: {detail}") if violated else Result("disagree", f"{label} holds: {detail}")
    return Result("skipped", f"{label}: undecided at precision 2^-{PRECISIONS[-1]}: {reason}")


# -- reading a witness ----------------------------------------------------------------------------

def _premise(op: Operator, n: Any, inputs: dict[str, list[Fraction]], params: dict[str, Fraction],
             interior: bool) -> str | None:
    """Why the point is outside the premise (None when inside): inputs of length ``n >= 2`` in the
    simplex (open where required, always for a meta operator's anchor), parameters exactly the
    operator's, in their domains and meeting the constraints."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        return f"n = {n!r} is not an integer >= 2"
    if set(inputs) != set(op.inputs):
        return f"inputs {sorted(inputs)} are not the operator's inputs {list(op.inputs)}"
    for name in op.inputs:
        vec = inputs[name]
        shown = f"{name} = (" + ", ".join(map(str, vec)) + ")"
        if len(vec) != n:
            return f"{shown} has length {len(vec)}, not n = {n}"
        if any(v < 0 for v in vec):
            return f"{shown} has a negative entry"
        if sum(vec) != 1:
            return f"{shown} sums to {sum(vec)}, not 1"
        if (interior or (op.kind == "meta" and name == "p")) and 0 in vec:
            return f"{shown} has a zero entry; the statement needs it in the open simplex"
    if set(params) != set(op.domains):
        return f"parameters {sorted(params)} are not the operator's parameters {sorted(op.domains)}"
    return op.outside(params)


def _vector(name: str, values: Any) -> list[Fraction]:
    if not isinstance(values, list):
        raise WitnessError(f"input {name} must be a list of numbers")
    return [parse_number(v) for v in values]


def _subject(data: dict, kind: str) -> tuple[Subject, str] | Result:
    """The subject of a witness and its label, or the result when there is nothing to evaluate."""
    subject = data["subject"]
    if not isinstance(subject, dict) or not ({"axiom", "code"} <= set(subject) or "claim" in subject):
        raise WitnessError("'subject' must be {\"axiom\": NAME, \"code\": CODE} or {\"claim\": ID}")
    if "claim" in subject:
        claim = str(subject["claim"])
        return (CLAIMS[claim], claim) if claim in CLAIMS else Result("skipped", f"unsupported claim {claim!r}")
    axiom, code = str(subject["axiom"]), str(subject["code"])
    spec = SUBJECTS.get((axiom, kind))
    if spec is None:
        if any(name == axiom for name, _ in SUBJECTS):
            raise WitnessError(f"axiom {axiom!r} does not apply to {kind} operators")
        return Result("skipped", f"unsupported axiom {axiom!r}")
    if spec.code != code:
        raise WitnessError(f"axiom {axiom!r} of a {kind} operator is {spec.code}, not {code!r}")
    return spec, f"{code} {axiom}"


def _check(data: Any) -> Result:
    if not isinstance(data, dict):
        raise WitnessError("a witness is a JSON object")
    missing = [k for k in ("format", "subject", "operator", "n", "inputs", "parameters") if k not in data]
    if missing:
        raise WitnessError(f"missing key {missing[0]!r}")
    if data["format"] != FORMAT:
        raise WitnessError(f"format {data['format']!r} is not {FORMAT!r}")
    if data.get("expected", "violated") != "violated":
        raise WitnessError(f"expected {data.get('expected')!r}: only witnesses of violations are re-checked")
    op = Operator(data["operator"])
    found = _subject(data, op.kind)
    if isinstance(found, Result):
        return found
    subject, label = found
    raw = {k: data.get(k) or {} for k in ("inputs", "parameters", "auxiliary")}
    if not all(isinstance(v, dict) for v in raw.values()):
        raise WitnessError("'inputs', 'parameters' and 'auxiliary' must be objects")
    inputs = {k: _vector(k, v) for k, v in raw["inputs"].items()}
    params = {k: parse_number(v) for k, v in raw["parameters"].items()}
    aux = {k: parse_number(v) for k, v in raw["auxiliary"].items()}
    reason = _premise(op, data["n"], inputs, params, subject.interior)
    domains = dict(subject.auxiliary)
    if reason is None and set(aux) != set(domains):
        reason = f"auxiliary values {sorted(aux)} are not those of {subject.code}: {sorted(domains)}"
    if reason is None:
        reason = next((f"{k} = {v} is outside its domain" for k, v in aux.items() if not domains[k](v)), None)
    if reason is not None:
        return Result("disagree", f"outside the premise: {reason}")
    return decide(subject, Case(op, inputs, params, aux), label)


def check_witness(data: Any) -> Result:
    """Decide one witness (a dict read from JSON); a malformed witness is ``disagree``, never an exception."""
    try:
        return _check(data)
    except Undefined as err:  # a domain or role undefined at the point's parameters
        return Result("disagree", f"outside the premise: a domain or role is undefined at the parameters ({err})")
    except Undecided as err:
        return Result("skipped", f"not decided: {err}")
    except WitnessError as err:
        return Result("disagree", f"malformed witness: {err}")
    except RecursionError:
        return Result("disagree", "malformed witness: a formula is nested too deeply to evaluate")


def check_witness_file(path: Any) -> Result:
    """Decide the witness in the JSON file ``path``."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as err:
        return Result("disagree", f"malformed witness: cannot read {path} ({type(err).__name__}: {err})")
    return check_witness(data)
