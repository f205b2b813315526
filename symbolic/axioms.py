"""The meta-teacher axioms of THEORY.md section 2.3 as statements every engine can read.

Each axiom gives per-coordinate obligations (proof for every ``n`` when all hold) and a formula
on whole vectors for a fixed ``n``:

* M1 ``closure``: ``T(q)`` lies in the simplex.  Per coordinate: ``T_i >= 0`` on the box, and
  the sum is preserved because ``T_i`` is additive and homogeneous in the inputs' coordinates
  with ``T(1, ..., 1) = 1`` (then ``sum_i T_i(x) = T(sum_i x_i) = T(1, ..., 1)``).
* M2 ``anchor-fixed-point``: ``T(p, ..., p) = p``.
* M3 ``anchoring``: ``T(q) >= alpha p`` componentwise, with ``alpha`` the anchor weight.
* M5 ``positivity``: ``T(q) > 0`` componentwise.

and the remaining axioms of section 2 (M4, M6, the softening axioms S1-S5 and the aggregation
axioms A1-A6) on whole vectors.  Axioms with logarithms or limits are declared ``undecided``
here, with the reason (the SMT audit leaves them ``unknown``); those with a whole-vector
formula (A3 and M4 in KL, S3) are decided by the numeric layer's certified interval routes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Callable

import sympy as sp

from .contraction import convex_in_first, convex_toward_target, kl_along_log_linear_raise, weighted_am_gm
from .inner_sums import inner_sums, sums_to_one
from .log_linear import reverse_kl_along_log_linear_raise
from .mixture_raise import first_order_rates
from .citation import cite
from .divergences import X, Y, divergence
from .errors import ModelError, UnknownNameError
from .model import Kind, Operator, coordinate_symbol, internal, vector_symbols
from .domains import power_defined, solve_constraints
from .obligations import Obligation, conditional_sign, coordinate_box, identity, signed
from .points import Point
from .replay import Premise, Replay, Status, replay
from .statements import ANCHOR, STUDENT


def _substitute_inputs(op: Operator, expr: sp.Expr, new: dict[str, sp.Expr]) -> sp.Expr:
    return expr.xreplace({coordinate_symbol(k): v for k, v in new.items()})


def _per_coordinate(op: Operator) -> sp.Expr:
    """The component ``c_i`` over the scalar coordinates, or :class:`ModelError` when ``T_i`` is no
    one function of ``x_i`` (sums over ``j`` other than a normalizer, the index used otherwise)."""
    reason = op.coordinatewise(support_as_parameter=True)
    if reason is not None:
        raise ModelError(f"operator {op.name} has no per-coordinate form: {reason}")
    return op.unnormalized_coordinate()


#: The reading of a normalized operator per coordinate: ``T_i = c_i / Z`` with ``Z = sum_j c_j``.
_NORMALIZED = r" (so $T_i = c_i / Z$ has the sign of $c_i$ wherever $Z \ne 0$, " + cite("normalized") + ")"


def _opaque_sums(expr: sp.Expr) -> tuple[sp.Expr, bool]:
    """``expr`` with every sum over the support replaced by a fresh real symbol, and whether there
    was one: a sign shown for every value of those symbols holds for the sums' actual values, at
    every ``n`` (e.g. top-k's count of larger entries inside a step)."""
    sums_ = sorted(expr.atoms(sp.Sum), key=sp.default_sort_key)
    return expr.xreplace({s: internal(f"{{S_{k}}}") for k, s in enumerate(sums_)}), bool(sums_)


def _closure_obligations(op: Operator) -> list[Obligation]:
    if op.normalize:  # T_i = c_i / Z: non-negative and summing to 1 wherever it is defined
        c, opaque = _opaque_sums(op.unnormalized_coordinate())
        return [signed(op, r"$c_i \ge 0$ on the box" + (" for every value of its sums over $j$" if opaque else "")
                       + _NORMALIZED + r", and $\sum_i T_i = Z / Z = 1$", coordinate_box(op), c, ">=")]
    inner = inner_sums(op)
    if inner is not None:  # a normalizer inside the component: T_i >= 0 for every S > 0, and sum_i T_i = 1
        return [*inner.claim(op, r"$T_i \ge 0$ on the box for every positive value of its sums", inner.coordinate, ">="),
                Obligation(r"$\sum_i T_i = 1$", op.domain(), sp.true, liftable=False, lemma=sums_to_one(op))]
    t = op.coordinate()
    box = coordinate_box(op)
    domains = op.domain()
    u = {x: internal(f"u_{{{x}}}") for x in op.inputs}
    v = {x: internal(f"v_{{{x}}}") for x in op.inputs}
    a = internal("{a}")
    t_u, t_v = _substitute_inputs(op, t, u), _substitute_inputs(op, t, v)
    t_sum = _substitute_inputs(op, t, {x: u[x] + v[x] for x in op.inputs})
    t_scaled = _substitute_inputs(op, t, {x: a * u[x] for x in op.inputs})
    t_ones = _substitute_inputs(op, t, {x: sp.Integer(1) for x in op.inputs})
    return [
        Obligation(r"$T_i \ge 0$ on the box", box, t >= 0),
        Obligation(r"$T_i$ additive in the inputs", domains, sp.Eq(t_sum, t_u + t_v), liftable=False),
        Obligation(r"$T_i$ homogeneous in the inputs", domains, sp.Eq(t_scaled, a * t_u), liftable=False),
        Obligation(r"$T(1,\dots,1) = 1$", domains, sp.Eq(t_ones, 1), liftable=False),
    ]


def _closure_vector(op: Operator, n: int) -> sp.Basic:
    t = op.vector(n)
    return sp.And(*(c >= 0 for c in t), sp.Eq(sp.Add(*t), 1))


def _students(op: Operator) -> list[str]:
    return [x for x in op.inputs if x != ANCHOR]


def _anchor_obligations(op: Operator) -> list[Obligation]:
    x = op.coordinate_inputs()
    if op.normalize:  # c_i(p, ..., p) = p_i, so Z = sum_j p_j = 1 and T(p, ..., p) = p
        same = {x[s]: x[ANCHOR] for s in _students(op)}
        return [identity(op, r"$c_i(p, \dots, p) = p_i$ (so $Z = \sum_j p_j = 1$ and $T(p, \dots, p) = p$)",
                         coordinate_box(op).xreplace(same), _per_coordinate(op).xreplace(same), x[ANCHOR],
                         solve_constraints(op.constraints, list(op.parameter_symbols)))]
    fixed = _substitute_inputs(op, op.coordinate(), {s: x[ANCHOR] for s in _students(op)})
    return [Obligation(r"$T_i(p, \dots, p) = p_i$", coordinate_box(op), sp.Eq(fixed, x[ANCHOR]))]


def _anchor_vector(op: Operator, n: int) -> sp.Basic:
    ps = vector_symbols(ANCHOR, n)
    same = {q: p for s in _students(op) for q, p in zip(vector_symbols(s, n), ps)}
    return _on_diagonal(op.vector(n), same, ps)


def _anchor_weight(op: Operator) -> sp.Expr:
    try:
        return op.roles["anchor_weight"]
    except KeyError:
        raise ModelError(f"operator {op.name} names no anchor weight (roles.anchor_weight)") from None


def _anchoring_obligations(op: Operator) -> list[Obligation]:
    p = op.coordinate_inputs()[ANCHOR]
    inner = inner_sums(op)
    if inner is not None:
        return inner.claim(op, r"$T_i - \alpha p_i \ge 0$ for every positive value of its sums",
                           inner.coordinate - _anchor_weight(op) * p, ">=")
    return [Obligation(r"$T_i \ge \alpha p_i$", coordinate_box(op), op.coordinate() >= _anchor_weight(op) * p)]


def _anchoring_vector(op: Operator, n: int) -> sp.Basic:
    lam = _anchor_weight(op)
    return sp.And(*(c >= lam * pk for c, pk in zip(op.vector(n), vector_symbols(ANCHOR, n))))


def _positivity_obligations(op: Operator) -> list[Obligation]:
    inner = inner_sums(op)
    if inner is not None:
        return inner.claim(op, r"$T_i > 0$ for every positive value of its sums", inner.coordinate, ">")
    return [Obligation(r"$T_i > 0$", coordinate_box(op), op.coordinate() > 0)]


def _positivity_vector(op: Operator, n: int) -> sp.Basic:
    return sp.And(*(c > 0 for c in op.vector(n)))


# -- label symmetry (M6) ---------------------------------------------------------------------

def _permuted(op: Operator, n: int, perm: list[int]) -> sp.Basic:
    """``T(x o perm)_k = T(x)_{perm(k)}`` for every ``k``: relabelling commutes with ``T``."""
    t = op.vector(n)
    relabel = {}
    for name in op.inputs:
        xs = vector_symbols(name, n)
        relabel.update({xs[k]: xs[perm[k]] for k in range(n)})
    moved = [c.xreplace(relabel) for c in t]
    return sp.And(*(sp.Eq(moved[k], t[perm[k]]) for k in range(n)))


def _symmetry_vector(op: Operator, n: int) -> sp.Basic:
    """A transposition and the cycle generate all permutations of ``[n]``."""
    swap = [1, 0] + list(range(2, n))
    cycle = list(range(1, n)) + [0]
    return sp.And(_permuted(op, n, swap), _permuted(op, n, cycle))


def _symmetry_obligations(op: Operator) -> list[Obligation]:
    """Per coordinate: the component uses the index only through its inputs (then every
    relabelling commutes with ``T``); stated as a trivially valid obligation when it holds."""
    if not op.label_symmetric:
        raise ModelError(f"operator {op.name} uses the index i outside its inputs")
    return [Obligation("component uses $i$ only through its inputs", sp.true, sp.true, liftable=False)]


# -- non-expansive remainder (M4) -------------------------------------------------------------

def _remainder_vector(term: Callable[[sp.Expr, sp.Expr], sp.Expr]) -> Callable[[Operator, int], sp.Basic]:
    def formula(op: Operator, n: int) -> sp.Basic:
        lam = _anchor_weight(op)
        ps = vector_symbols(ANCHOR, n)
        r = [(c - lam * pk) / (1 - lam) for c, pk in zip(op.vector(n), ps)]
        dist = sp.Add(*(term(a, b) for a, b in zip(r, ps)))
        bounds = [sp.Add(*(term(a, b) for a, b in zip(vector_symbols(s, n), ps))) for s in _students(op)]
        return sp.Implies(lam < 1, sp.Or(*(dist <= b for b in bounds)))
    return formula


def _remainder_obligations(term: Callable[[sp.Expr, sp.Expr], sp.Expr],
                           jensen: bool = False) -> Callable[[Operator], list[Obligation]]:
    """Per coordinate, when the remainder ``r_i`` is a combination ``sum_j w_j q^j_i`` of the
    students with weights ``w_j >= 0`` summing to one (computed as derivatives of ``r_i``):
    ``d(r_i, p_i) <= sum_j w_j d(q^j_i, p_i)`` sums to ``D(r, p) <= sum_j w_j D(q^j, p)``,
    which is at most ``max_j D(q^j, p)``; valid for every ``n``.

    With ``jensen`` the last obligation is discharged by a lemma instead of Z3 (for terms with
    logarithms): the term is convex in its first argument, and Jensen's inequality applies
    because the first two obligations put the weights in the simplex."""
    def obligations(op: Operator) -> list[Obligation]:
        lam, x = _anchor_weight(op), op.coordinate_inputs()
        r = (op.coordinate() - lam * x[ANCHOR]) / (1 - lam)
        students = [x[s] for s in _students(op)]
        weights = [sp.simplify(sp.diff(r, q)) for q in students]
        if any(w.free_symbols & set(x.values()) for w in weights):
            raise ModelError("the remainder is not linear in the students")
        rest = sp.simplify(r - sum(w * q for w, q in zip(weights, students)))
        if rest != 0:
            raise ModelError("the remainder is not a combination of the students")
        domain = sp.And(op.domain(), lam < 1)
        box = sp.And(coordinate_box(op), lam < 1)
        bound = sp.Add(*(w * term(q, x[ANCHOR]) for w, q in zip(weights, students)))
        return [
            Obligation(r"remainder weights $w_j \ge 0$", domain, sp.And(*(w >= 0 for w in weights)), liftable=False),
            Obligation(r"remainder weights sum to $1$", domain, sp.Eq(sp.Add(*weights), 1), liftable=False),
            Obligation(r"$d(r_i, p_i) \le \sum_j w_j d(q^j_i, p_i)$", box, term(r, x[ANCHOR]) <= bound,
                       liftable=len(students) == 1, lemma=(lambda: convex_in_first(term)) if jensen else None),
        ]
    return obligations


def _term(name: str, from_target: bool = False) -> Callable[[sp.Expr, sp.Expr], sp.Expr]:
    """The per-coordinate term of divergence ``name`` from its one definition
    (:mod:`kdaxioms.symbolic.divergences`), as ``d(a, b)`` with ``a`` the moving argument;
    ``from_target`` measures from the fixed target ``b`` to ``a`` instead."""
    term = divergence(name).term
    return lambda a, b: term.xreplace({X: b, Y: a} if from_target else {X: a, Y: b})


_tv_term, _l2_term, _kl_term, _kl_from_target = _term("tv"), _term("l2"), _term("kl"), _term("kl", from_target=True)


# -- softening axioms ---------------------------------------------------------------------------

def temperature(op: Operator) -> sp.Symbol:
    """The operator's temperature parameter (``roles.temperature``)."""
    tau = op.roles.get("temperature")
    if tau not in op.parameter_symbols:
        raise ModelError(f"operator {op.name}: roles.temperature ({tau}) is not one of its parameters")
    return tau


def _ranking_vector(op: Operator, n: int) -> sp.Basic:
    s, p = op.vector(n), vector_symbols("p", n)
    pairs = [(0, 1)] if op.label_symmetric else [(a, b) for a in range(n) for b in range(n) if a != b]
    return sp.And(*(sp.And(sp.Implies(p[a] > p[b], s[a] > s[b]), sp.Implies(sp.Eq(p[a], p[b]), sp.Eq(s[a], s[b])))
                    for a, b in pairs))


def _ranking_obligations(op: Operator) -> list[Obligation]:
    """S1 per coordinate, for a softening ``T_i = c(p_i)`` (not normalized): ``c`` strictly increasing
    on ``[0, 1]`` gives ``p_i > p_j => T_i > T_j``, and ``p_i = p_j`` gives ``T_i = T_j`` (one
    function), for every ``n``."""
    if op.normalize:
        raise ModelError(f"operator {op.name} is normalized: ranking is decided on its shape or on vectors")
    c = _per_coordinate(op)
    x = coordinate_symbol(op.inputs[0])
    u, v = internal("{u}"), internal("{v}")
    box = coordinate_box(op).xreplace({x: u})
    return [Obligation(r"$c$ strictly increasing on $[0, 1]$: $u > v \Rightarrow c(u) > c(v)$ (ties: one function, "
                       r"equal outputs)", sp.And(box, 0 <= v, v < u), c.xreplace({x: u}) > c.xreplace({x: v}),
                       liftable=False)]


def _identity_obligations(op: Operator) -> list[Obligation]:
    """S4 per coordinate: ``c(x)`` at the identity temperature is ``x`` on ``[0, 1]``, for every ``n``."""
    if op.normalize:
        raise ModelError(f"operator {op.name} is normalized: the identity is decided on its shape or on vectors")
    c = _per_coordinate(op)
    tau, one = temperature(op), op.roles.get("identity", sp.Integer(1))
    x = coordinate_symbol(op.inputs[0])
    box = sp.And(*(a for a in sp.And.make_args(coordinate_box(op)) if tau not in a.free_symbols))
    return [Obligation(rf"$c(x)$ at ${sp.latex(tau)} = {sp.latex(one)}$ is $x$", box, sp.Eq(c.xreplace({tau: one}), x),
                       liftable=False)]


def _identity_vector(op: Operator, n: int) -> sp.Basic:
    tau, one = temperature(op), op.roles.get("identity", sp.Integer(1))
    return sp.And(*(sp.Eq(c.xreplace({tau: one}), x) for c, x in zip(op.vector(n), vector_symbols("p", n))))


# -- aggregation axioms -------------------------------------------------------------------------

def weightless(op: Operator) -> bool:
    """An aggregation declared without weights (``roles.weights = []``)."""
    return op.kind is Kind.AGGREGATION and op.roles.get("weights") == ()


def _weights(op: Operator) -> tuple[sp.Expr, ...]:
    ws = op.roles.get("weights")
    if ws is None or len(ws) != len(op.inputs):
        raise ModelError(f"operator {op.name} needs roles.weights, one expression per teacher")
    return tuple(ws)


def _on_diagonal(components: tuple[sp.Expr, ...], same: dict, wanted: tuple[sp.Expr, ...]) -> sp.Basic:
    """``T(x, ..., x) = wanted`` with the inputs identified by ``same``; where SymPy folds an
    undefined operation while substituting (``0/0`` is ``nan``), the component keeps its inputs
    under the premise ``x^k = x`` instead, so that the exact replay sees the undefined operation
    (an undefined output is no violation) rather than a folded ``nan != x``."""
    premise = sp.And(*(sp.Eq(a, b) for a, b in same.items()))
    parts = []
    for c, w in zip(components, wanted):
        on = c.xreplace(same)
        parts.append(sp.Implies(premise, sp.Eq(c, w)) if on.has(sp.nan, sp.zoo) else sp.Eq(on, w))
    return sp.And(*parts)


def _unanimity_vector(op: Operator, n: int) -> sp.Basic:
    first = vector_symbols(op.inputs[0], n)
    same = {x: y for name in op.inputs[1:] for x, y in zip(vector_symbols(name, n), first)}
    return _on_diagonal(op.vector(n), same, first)


def _unanimity_obligations(op: Operator) -> list[Obligation]:
    """Per coordinate: ``c_i(p, ..., p) = p_i`` (for a normalized operator then ``Z = sum_j p_j = 1``
    and ``T(p, ..., p) = p``)."""
    c = _per_coordinate(op)
    first = coordinate_symbol(op.inputs[0])
    same = {coordinate_symbol(x): first for x in op.inputs[1:]}
    label = r"$c_i(p, \dots, p) = p_i$" + (r" (so $Z = \sum_j p_j = 1$ and $T(p, \dots, p) = p$)" if op.normalize else "")
    return [identity(op, label, coordinate_box(op).xreplace(same), c.xreplace(same), first,
                     solve_constraints(op.constraints, list(op.parameter_symbols)))]


def _agg_positivity_obligations(op: Operator) -> list[Obligation]:
    """Per coordinate: ``c_i > 0`` where every teacher of positive weight is positive, ``c_i = 0``
    where every teacher is zero (and, normalized, ``c_i >= 0`` everywhere, so that ``T_i`` has the
    sign of ``c_i``)."""
    c = _per_coordinate(op)
    xs = [coordinate_symbol(x) for x in op.inputs]
    ws = (sp.Integer(1),) * len(xs) if weightless(op) else _weights(op)
    box = coordinate_box(op)
    supported = sp.And(*(sp.Implies(w > 0, x > 0) for w, x in zip(ws, xs)))
    absent = sp.And(*(sp.Eq(x, 0) for x in xs))
    dependent = solve_constraints(op.constraints, list(op.parameter_symbols))
    out = [conditional_sign(op, r"$c_i > 0$ where every teacher of positive weight is positive", sp.And(box, supported),
                            c, ">", [(w > 0, x) for w, x in zip(ws, xs)]),
           identity(op, r"$c_i = 0$ where every teacher is zero", sp.And(box, absent), c.xreplace({x: 0 for x in xs}),
                    sp.Integer(0), dependent)]
    if not op.normalize:  # a per-coordinate model of T_i itself lifts to n = 2 and is replayed
        out = [replace(ob, liftable=True) if ob.lemma is None else ob for ob in out]
    if op.normalize:
        out.insert(0, signed(op, r"$c_i \ge 0$ on the box" + _NORMALIZED, box, c, ">="))
    return out


def _agg_positivity_vector(op: Operator, n: int) -> sp.Basic:
    """Per coordinate: positive where every teacher of positive weight is (every teacher, for an
    aggregation without weights), and zero where every teacher is."""
    out, parts = op.vector(n), []
    teachers = [vector_symbols(name, n) for name in op.inputs]
    ws = (sp.Integer(1),) * len(teachers) if weightless(op) else _weights(op)
    for k in range(n):
        supported = sp.And(*(sp.Implies(w > 0, t[k] > 0) for w, t in zip(ws, teachers)))
        absent = sp.And(*(sp.Eq(t[k], 0) for t in teachers))
        parts += [sp.Implies(supported, out[k] > 0), sp.Implies(absent, sp.Eq(out[k], 0))]
    return sp.And(*parts)


#: The share ``s`` by which a weight is raised in A3: ``w' = (1 - s) w + s e_k``, ``0 <= s <= 1``
#: (named ``{s}``, in the internal namespace, so that a parameter ``s`` is not captured).
RAISE_SHARE = internal("{s}")
#: The temperature of the power softening that A5 composes with an aggregation (``\tau_{S}``,
#: internal: an aggregation parameter named ``tau`` is a different symbol).
SOFT_TEMPERATURE = internal(r"\tau_{S}")
#: Domains of auxiliary symbols that axioms introduce (used when they are instantiated, and by
#: the replay, which requires a witness's auxiliary values to lie in them).
AUXILIARY_DOMAINS = MappingProxyType({RAISE_SHARE: sp.And(0 <= RAISE_SHARE, RAISE_SHARE <= 1),
                                      SOFT_TEMPERATURE: SOFT_TEMPERATURE > 0})


def raised_weights(op: Operator, k: int) -> tuple[dict[sp.Symbol, sp.Expr], sp.Symbol, sp.Basic]:
    """Parameters ``theta'`` whose weights are ``(1 - s) w + s e_k``: solved by SymPy."""
    ws, s = _weights(op), RAISE_SHARE
    fresh = {p: sp.Dummy(f"{p.name}_raised", real=True) for p in op.parameter_symbols}  # solved away below
    target = [(1 - s) * w + (s if j == k else 0) for j, w in enumerate(ws)]
    equations = [sp.Eq(w.xreplace(fresh), t) for w, t in zip(ws, target)]
    solutions = sp.solve(equations, list(fresh.values()), dict=True)
    if len(solutions) != 1 or set(solutions[0]) != set(fresh.values()):
        raise ModelError(f"cannot express raised weights of {op.name} through its parameters")
    new = {p: solutions[0][fresh[p]] for p in op.parameter_symbols}
    return new, s, sp.And(0 <= s, s <= 1, op.domain().xreplace(new))


#: The divergence term of each differentiable A3 variant (the derivative route of symbolic/monotone.py).
_MONOTONE_TERMS = {"weight-monotone-l2": _l2_term, "weight-monotone-kl": _kl_from_target,
                   "weight-monotone-kl-reverse": _kl_term}


def monotone_term(name: str) -> Callable[[sp.Expr, sp.Expr], sp.Expr] | None:
    """The per-coordinate term ``d(A_i, p^k_i)`` of the A3 variant ``name`` (None for TV or non-A3)."""
    return _MONOTONE_TERMS.get(name)


def _monotone_vector(term: Callable[[sp.Expr, sp.Expr], sp.Expr]) -> Callable[[Operator, int], sp.Basic]:
    def formula(op: Operator, n: int) -> sp.Basic:
        out, parts = op.vector(n), []
        for k, name in enumerate(op.inputs):
            new, s, ok = raised_weights(op, k)
            target = vector_symbols(name, n)
            before = sp.Add(*(term(a, b) for a, b in zip(out, target)))
            after = sp.Add(*(term(a.xreplace(new), b) for a, b in zip(out, target)))
            parts.append(sp.Implies(ok, after <= before))
        return sp.And(*parts)
    return formula


def _monotone_obligations(term: Callable[[sp.Expr, sp.Expr], sp.Expr]) -> Callable[[Operator], list[Obligation]]:
    """Per coordinate, for each teacher ``k``: raising ``w_k`` does not increase the term
    ``d(c_i, p^k_i)`` of the separable divergence; summed over ``i`` (a sum of term-wise
    inequalities), the divergence does not increase, for every ``n``.  Sufficient only: a
    coordinate whose term grows refutes nothing (the others may shrink more)."""
    def obligations(op: Operator) -> list[Obligation]:
        if op.normalize:
            raise ModelError(f"operator {op.name} is normalized: its divergence is no sum of per-coordinate terms of c_i")
        c = _per_coordinate(op)
        out = []
        for k, name in enumerate(op.inputs):
            new, s, ok = raised_weights(op, k)
            x = coordinate_symbol(name)
            out.append(Obligation(rf"raising $w_{{{k + 1}}}$ does not increase the term $d(c_i, p^{k + 1}_i)$ "
                                  r"(summed over $i$: the divergence does not increase)",
                                  sp.And(coordinate_box(op), ok), term(c.xreplace(new), x) <= term(c, x), liftable=False))
        return out
    return obligations


def _with_gibbs(ob: Obligation, divergence: str) -> Obligation:
    """A closure obligation read as the premise of Gibbs' inequality: its label says so, and so
    does a last step of its lemma (whose own steps name the label it was made with)."""
    use = rf"closure: $A_w$ is a distribution, so ${divergence} \ge 0$ by {cite('gibbs')}"
    if ob.lemma is None:
        return replace(ob, label=f"{ob.label} ({use})")
    inner = ob.lemma

    def lemma() -> tuple[bool | None, tuple[str, ...]]:
        holds, steps = inner()
        return holds, steps + ((use,) if holds is True else ())
    return replace(ob, label=f"{ob.label} ({use})", lemma=lemma)


def _log_linear_obligations(op: Operator, forward: bool = True) -> list[Obligation]:
    """A3 in forward KL for a normalized operator whose raise is log-linear per coordinate,
    ``c_i(w') = c_i^{1-s} (p^k_i)^s`` (weighted geometric means): with ``A = c / Z`` and
    ``A(s) = c(w') / Z(s)``, ``KL(p^k||A(s)) = (1-s) KL(p^k||A) + log Z(s) - (1-s) log Z``
    (:func:`kdaxioms.symbolic.contraction.kl_along_log_linear_raise`), and by weighted AM-GM
    (:func:`~kdaxioms.symbolic.contraction.weighted_am_gm`) on ``a = c_i / Z``, ``b = p^k_i``,
    summed over ``i``: ``Z(s) / Z^{1-s} <= (1-s) + s = 1`` (Hoelder).  So ``KL(p^k||A(s)) <= (1-s)
    KL(p^k||A) <= KL(p^k||A)``, the last by Gibbs (``A`` is a distribution by the closure
    obligation, where it is defined), for every ``n``.

    In reverse KL (``forward=False``), ``d/ds KL(A(s)||p^k) = -(1-s) Var_{A(s)}(log p^k - log c)``
    over a symbolic number of coordinates
    (:func:`kdaxioms.symbolic.log_linear.reverse_kl_along_log_linear_raise`), so it is
    non-increasing on ``[0, 1]`` for every ``n``."""
    c = _per_coordinate(op)
    dependent = solve_constraints(op.constraints, list(op.parameter_symbols))
    interior = sp.And(coordinate_box(op), *(coordinate_symbol(x) > 0 for x in op.inputs))
    out = [_with_gibbs(ob, r"\mathrm{KL}") if forward else ob for ob in _closure_obligations(op)]
    for k, name in enumerate(op.inputs):
        new, s, ok = raised_weights(op, k)
        x = coordinate_symbol(name)
        out.append(identity(op, rf"raising $w_{{{k + 1}}}$ is log-linear per coordinate: "
                                rf"$c_i(w') = c_i^{{1-s}} (p^{k + 1}_i)^s$", sp.And(interior, ok),
                            c.xreplace(new), c ** (1 - s) * x ** s, dependent, positive_only=True))
    if not forward:
        out.append(Obligation(r"$\frac{d}{ds}\,\mathrm{KL}(A(s)\|p^k) = -(1-s)\,\mathrm{Var}_{A(s)}(\log p^k - \log c) "
                              r"\le 0$ for every $n$, over the coordinates where $c_i > 0$ and $p^k_i > 0$ (where either "
                              r"vanishes, $a_i(s) = c_i^{1-s} (p^k_i)^s = 0$ for $0 < s < 1$: the coordinate drops out of "
                              r"every sum, and at $s = 0$ a term with $c_i > 0 = p^k_i$ makes the divergence infinite)",
                              interior, sp.true, liftable=False,
                              lemma=reverse_kl_along_log_linear_raise))
        return out
    out.append(Obligation(r"$\mathrm{KL}(p^k\|A(s)) = (1-s)\,\mathrm{KL}(p^k\|A) + \log Z(s) - (1-s) \log Z$",
                          interior, sp.true, liftable=False, lemma=kl_along_log_linear_raise))
    out.append(Obligation(r"$Z(s) = \sum_i c_i^{1-s} (p^k_i)^s \le Z^{1-s}$ (weighted AM--GM on $c_i/Z$ and $p^k_i$, "
                          r"summed), so $\mathrm{KL}(p^k\|A(s)) \le (1-s)\,\mathrm{KL}(p^k\|A) \le \mathrm{KL}(p^k\|A)$",
                          interior, sp.true, liftable=False, lemma=weighted_am_gm))
    return out


def _monotone_kl_obligations(term: Callable[[sp.Expr, sp.Expr], sp.Expr],
                             forward: bool = False) -> Callable[[Operator], list[Obligation]]:
    """A3 in KL (either direction) for every n, when raising ``w_k`` moves ``c_i`` on the segment
    toward ``p^k_i``: ``c_i(w') = (1 - s) c_i + s p^k_i`` per coordinate.  The term is convex toward
    its target (:func:`kdaxioms.symbolic.contraction.convex_toward_target`), so per coordinate
    ``d(c_i(w'), p^k_i) <= (1 - s) d(c_i, p^k_i)``; summed, ``D(A_{w'}, p^k) <= (1 - s) D(A_w, p^k)``,
    which is at most ``D(A_w, p^k)`` because ``D >= 0`` (Gibbs): ``p^k`` is a distribution by the
    premise, and ``A_w`` by the closure obligations (which also make ``c_i > 0`` on interior
    teachers, where the convexity is used)."""
    def obligations(op: Operator) -> list[Obligation]:
        if op.normalize:
            return _log_linear_obligations(op, forward)
        c = _per_coordinate(op)
        out = [_with_gibbs(ob, "D") for ob in _closure_obligations(op)]
        for k, name in enumerate(op.inputs):
            new, s, ok = raised_weights(op, k)
            x = coordinate_symbol(name)
            out.append(Obligation(rf"raising $w_{{{k + 1}}}$ moves $c_i$ on the segment toward $p^{k + 1}_i$: "
                                  rf"$c_i(w') = (1 - s)\,c_i + s\,p^{k + 1}_i$", sp.And(coordinate_box(op), ok),
                                  sp.Eq(c.xreplace(new), (1 - s) * c + s * x), liftable=False))
        out.append(Obligation(r"on the segment, the rates at $s = 0$ are the small-$n$ route's certificates, for every $n$",
                              coordinate_box(op), sp.true, liftable=False, lemma=first_order_rates))
        out.append(Obligation(r"$d(c_i(w'), p^k_i) \le (1-s)\,d(c_i, p^k_i)$, summed over $i$: "
                              r"$D(A_{w'}, p^k) \le (1-s)\,D(A_w, p^k) \le D(A_w, p^k)$",
                              coordinate_box(op), sp.true, liftable=False, lemma=lambda: convex_toward_target(term)))
        return out
    return obligations


def _entropy_vector(op: Operator, n: int) -> sp.Basic:
    """``d/dtau H(S_tau(p)) >= 0``, the derivative of the model's output entropy, by SymPy."""
    tau = temperature(op)
    entropy = -sp.Add(*(c * sp.log(c) for c in op.vector(n)))
    return sp.diff(entropy, tau) >= 0


def _coherence_vector(op: Operator, n: int) -> sp.Basic:
    """``S_tau(A_w(p^1..p^m)) = A_w(S_tau(p^1)..S_tau(p^m))`` with power softening from the registry."""
    from .families import power_softening
    soft = power_softening()
    softened = [c.xreplace({soft.roles["temperature"]: SOFT_TEMPERATURE}) for c in soft.vector(n)]
    base = vector_symbols("p", n)
    agg = op.vector(n)
    outer = [c.xreplace(dict(zip(base, agg))) for c in softened]
    inner_subs = {}
    for name in op.inputs:
        xs = vector_symbols(name, n)
        inner_subs.update(zip(xs, [c.xreplace(dict(zip(base, xs))) for c in softened]))
    inner = [c.xreplace(inner_subs) for c in agg]
    return sp.And(*(sp.Eq(a, b) for a, b in zip(outer, inner)))


# -- continuity (S2, A4) --------------------------------------------------------------------

def _definedness(expr: sp.Expr) -> list[sp.Basic]:
    """Conditions under which every operation in ``expr`` is defined (hence continuous):
    non-zero denominators, non-negative radicands, positive logarithm arguments."""
    conds = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow):
            holds = power_defined(node.base, node.exp)  # the one convention of every engine
            if holds is not None:
                conds.append(holds)
        if isinstance(node, sp.log):
            conds.append(node.args[0] > 0)
    return conds


#: Functions that may jump: definedness says nothing about their continuity.
SWITCHES = (sp.Heaviside, sp.sign, sp.Piecewise, sp.floor, sp.ceiling)


def _continuity_vector(op: Operator, n: int) -> sp.Basic:
    """Every operation defined on the open simplex: a proof of continuity for formulas built from
    continuous operations only (a switching formula is refused, see symbolic/discontinuity.py)."""
    vector = op.vector(n)
    if any(c.has(*SWITCHES) for c in vector):
        raise ModelError(f"operator {op.name} switches (a unit step, sign, case split, floor or ceiling): "
                         "definedness does not prove continuity")
    conds = [c for comp in vector for c in _definedness(sp.together(comp))]
    return sp.And(*conds)


@dataclass(frozen=True)
class AxiomSpec:
    name: str
    code: str
    kinds: tuple[Kind, ...]
    text: str
    latex: str
    obligations: Callable[[Operator], list[Obligation]] | None = None
    vector: Callable[[Operator, int], sp.Basic] | None = None
    #: Why exact arithmetic cannot decide this axiom (it is then ``unknown`` with this reason).
    undecided: str = ""
    #: Inputs are interior (continuity holds on the open simplex).
    interior: bool = False
    #: Sorting the first input is sound symmetry breaking (the statement is label-symmetric).
    sortable: bool = True
    #: The statement is about the weights (A3): it does not apply to an aggregation without weights.
    about_weights: bool = False
    #: The statement is about the temperature (S3, S4, S5): it does not apply to a softening
    #: without one (top-k renormalization).
    about_temperature: bool = False
    #: The operator being defined is part of the statement (continuity on the open simplex): an
    #: exact point of the premise where it is certainly undefined violates the axiom.
    undefined_violates: bool = False


_META, _SOFT, _AGG = (Kind.META,), (Kind.SOFTENING,), (Kind.AGGREGATION,)
_LOG = "the statement involves logarithms, outside Z3's real arithmetic (decided by the numeric layer's certified search)"
_LIMIT = "the statement is about limits in the temperature, outside first-order real arithmetic"

_SPECS = (
    AxiomSpec("closure", "M1", _META, "the output is a distribution", r"T(q) \in \Delta_n",
              _closure_obligations, _closure_vector),
    AxiomSpec("closure", "S0", _SOFT, "the output is a distribution", r"S_\tau(p) \in \Delta_n",
              _closure_obligations, _closure_vector),
    AxiomSpec("closure", "A1", _AGG, "the output is a distribution", r"A_w(p^1, \dots, p^m) \in \Delta_n",
              _closure_obligations, _closure_vector),
    AxiomSpec("anchor-fixed-point", "M2", _META, "T(p, ..., p) = p", r"T(p) = p", _anchor_obligations, _anchor_vector),
    AxiomSpec("anchoring", "M3", _META, "T(q) >= alpha p componentwise", r"T(q) \ge \alpha\, p",
              _anchoring_obligations, _anchoring_vector),
    AxiomSpec("positivity", "M5", _META, "T(q) > 0 componentwise", r"T(q) \in \Delta_n^\circ",
              _positivity_obligations, _positivity_vector),
    AxiomSpec("label-symmetry", "M6", _META, "relabelling the inputs relabels the output",
              r"T(\sigma q) = \sigma T(q)", _symmetry_obligations, _symmetry_vector, sortable=False),
    AxiomSpec("remainder-nonexpansive-tv", "M4", _META, "TV(r, p) <= max_j TV(q_{t-j}, p)",
              r"\mathrm{TV}(r, p) \le \max_j \mathrm{TV}(q_{t-j}, p)", _remainder_obligations(_tv_term),
              _remainder_vector(_tv_term)),
    AxiomSpec("remainder-nonexpansive-l2", "M4", _META, "L2²(r, p) <= max_j L2²(q_{t-j}, p)",
              r"L_2^2(r, p) \le \max_j L_2^2(q_{t-j}, p)", _remainder_obligations(_l2_term),
              _remainder_vector(_l2_term)),
    AxiomSpec("remainder-nonexpansive-kl", "M4", _META, "KL(r, p) <= max_j KL(q_{t-j}, p)",
              r"\mathrm{KL}(r \| p) \le \max_j \mathrm{KL}(q_{t-j} \| p)", _remainder_obligations(_kl_term, jensen=True),
              _remainder_vector(_kl_term),
              undecided=_LOG),
    AxiomSpec("ranking", "S1", _SOFT, "S preserves the order of the entries", r"p_i > p_j \Rightarrow S(p)_i > S(p)_j",
              _ranking_obligations, _ranking_vector, sortable=False),
    AxiomSpec("identity", "S4", _SOFT, "S at the identity temperature is the identity", r"S_1 = \mathrm{id}",
              _identity_obligations, _identity_vector, about_temperature=True),
    AxiomSpec("boundary", "S5", _SOFT, "uniform on supp(p) as tau -> oo, uniform on argmax(p) as tau -> 0+",
              r"S_\tau(p) \to u_{\mathrm{supp}(p)}\ (\tau \to \infty),\ S_\tau(p) \to u_{\arg\max p}\ (\tau \to 0^+)",
              undecided=_LIMIT, about_temperature=True),
    AxiomSpec("entropy-monotone", "S3", _SOFT, "tau -> H(S_tau(p)) is non-decreasing", r"\partial_\tau H(S_\tau p) \ge 0",
              None, _entropy_vector, undecided=_LOG, interior=True, about_temperature=True),
    AxiomSpec("continuity", "S2", _SOFT, "continuous on the open simplex", r"\text{continuous on } \Delta_n^\circ",
              None, _continuity_vector, interior=True, undefined_violates=True),
    AxiomSpec("continuity", "A4", _AGG, "continuous on the open simplex", r"\text{continuous on } \Delta_n^\circ",
              None, _continuity_vector, interior=True, undefined_violates=True),
    AxiomSpec("positivity", "A2", _AGG, "positive where every teacher of positive weight is, zero where every teacher is",
              r"p^k_i > 0\ \forall k{:}\ w_k > 0 \Rightarrow A_w(p)_i > 0;\quad p^k_i = 0\ \forall k \Rightarrow A_w(p)_i = 0",
              _agg_positivity_obligations,
              _agg_positivity_vector),
    AxiomSpec("unanimity", "A6", _AGG, "A_w(p, ..., p) = p", r"A_w(p, \dots, p) = p", _unanimity_obligations,
              _unanimity_vector),
    AxiomSpec("weight-monotone-tv", "A3", _AGG, "raising w_k never moves the output away from p^k in TV",
              r"\mathrm{TV}(A_{w'}, p^k) \le \mathrm{TV}(A_w, p^k)", _monotone_obligations(_tv_term), _monotone_vector(_tv_term),
              about_weights=True),
    AxiomSpec("weight-monotone-l2", "A3", _AGG, "raising w_k never moves the output away from p^k in L2²",
              r"L_2^2(A_{w'}, p^k) \le L_2^2(A_w, p^k)", _monotone_obligations(_l2_term), _monotone_vector(_l2_term),
              about_weights=True),
    AxiomSpec("weight-monotone-kl", "A3", _AGG, "raising w_k never moves the output away from p^k in KL",
              r"\mathrm{KL}(p^k \| A_{w'}) \le \mathrm{KL}(p^k \| A_w)", _monotone_kl_obligations(_kl_from_target, forward=True),
              _monotone_vector(_kl_from_target),
              undecided=_LOG, interior=True, about_weights=True),
    AxiomSpec("weight-monotone-kl-reverse", "A3", _AGG, "raising w_k never moves the output away from p^k in reverse KL",
              r"\mathrm{KL}(A_{w'} \| p^k) \le \mathrm{KL}(A_w \| p^k)", _monotone_kl_obligations(_kl_term),
              _monotone_vector(_kl_term),
              undecided=_LOG, interior=True, about_weights=True),
    AxiomSpec("temperature-coherence", "A5", _AGG, "power softening commutes with aggregation",
              r"S_\tau(A_w(p^1..p^m)) = A_w(S_\tau p^1, .., S_\tau p^m)", None, _coherence_vector),
)

#: Axioms by operator kind, then by the names users type.
AXIOMS: dict[Kind, dict[str, AxiomSpec]] = {
    kind: {s.name: s for s in _SPECS if kind in s.kinds} for kind in Kind
}
#: The meta axioms (the walking skeleton's set, kept for the claim registry).
META_AXIOMS: dict[str, AxiomSpec] = {k: v for k, v in AXIOMS[Kind.META].items()
                                     if k in ("closure", "anchor-fixed-point", "anchoring", "positivity")}


@dataclass(frozen=True)
class Axiom:
    """One axiom applied to one operator."""

    spec: AxiomSpec
    operator: Operator
    #: Whole-vector formulas already built, by support size (every replay of a search needs one).
    _formulas: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.operator.kind not in self.spec.kinds:
            raise ModelError(f"axiom {self.spec.name} does not apply to {self.operator.kind.value} operators")

    def obligations(self) -> list[Obligation]:
        """Per-coordinate obligations; raises :class:`ModelError` when the operator is not separable."""
        if self.spec.obligations is None:
            raise ModelError(f"axiom {self.spec.name} has no per-coordinate form")
        return self.spec.obligations(self.operator)

    def vector_formula(self, n: int) -> sp.Basic:
        if self.spec.vector is None:
            raise ModelError(f"axiom {self.spec.name}: {self.spec.undecided}")
        if n not in self._formulas:
            self._formulas[n] = self.spec.vector(self.operator, n)
        return self._formulas[n]

    def premise(self) -> Premise:
        """What a point must satisfy before the axiom is evaluated at it: every input in the open
        simplex when the axiom asks for it, the auxiliary symbols in their domains."""
        interior = frozenset(self.operator.inputs) if self.spec.interior else frozenset()
        return Premise(self.operator, interior, AUXILIARY_DOMAINS)

    def replay(self, point: Point) -> Replay:
        """The exact replay of :mod:`kdaxioms.symbolic.replay`: premise, definedness, conclusion.
        For an axiom whose statement includes definedness (continuity on the open simplex), a
        point where the operator is certainly undefined is a violation, with that reason."""
        result = replay(self.premise(), self.vector_formula, point)
        if self.spec.undefined_violates and result.status is Status.UNDEFINED:
            return Replay(Status.VIOLATED, f"T is undefined at this point of the premise ({result.reason}), "
                                           "so it is not continuous there")
        return result

    def violated_at(self, point: Point) -> bool | None:
        """True only when :meth:`replay` says ``VIOLATED``; False when the axiom holds at ``point``;
        None otherwise (outside the premise, operator undefined, sign not certified)."""
        truth = self.replay(point).truth()
        return None if truth is None else not truth

    def text(self) -> str:
        return f"{self.spec.code} {self.spec.name}: {self.spec.text}"

    @property
    def inapplicable(self) -> str:
        """Why the axiom does not apply to the operator ("" when it does): weight monotonicity
        of an aggregation without weights, the temperature axioms of a softening without one."""
        if self.spec.about_weights and weightless(self.operator):
            return (f"operator {self.operator.name} has no weights (roles.weights = []): "
                    f"{self.spec.code} is about raising a weight")
        if self.spec.about_temperature and "temperature" not in self.operator.roles:
            return (f"operator {self.operator.name} has no temperature (no parameter tau, no roles.temperature): "
                    f"{self.spec.code} is about the temperature")
        return ""


def axiom(name: str, op: Operator) -> Axiom:
    """The axiom ``name`` of ``op``'s kind."""
    table = AXIOMS[op.kind]
    try:
        return Axiom(table[name], op)
    except KeyError:
        raise UnknownNameError(f"{op.kind.value} axiom", name, list(table)) from None
