"""The claims about axioms: audits of the families' operators, and the few claims that are not.

:func:`audited` makes the claim that a family's operator satisfies (or violates) an axiom a
route of the one engine, :func:`kdaxioms.proofs.audit.audit_outcome` -- the same computation as
``kdaxioms audit`` of the family's example file.  The claims built here otherwise
(:data:`BUILDERS`) are not single axioms of one operator: linear smoothing's missing limit (a
derivation), geometric aggregation's closure where it is defined, F2's M1-M6 by reduction to F1
and the aggregation's A1, A2, and F4's boundary fixed point against global attraction (C6).
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Callable

import numpy as np
import sympy as sp

from kdaxioms.smt.audit import coordinate_route, vector_route
from kdaxioms.symbolic.coherence import INTERIOR_TEACHERS
from kdaxioms.symbolic.axioms import AXIOMS, axiom
from kdaxioms.symbolic.certify import certified_sign
from kdaxioms.symbolic.derivations import derivation
from kdaxioms.symbolic.errors import KdaxiomsError
from kdaxioms.symbolic.families import family
from kdaxioms.symbolic.model import INDEX, Kind, Operator
from kdaxioms.symbolic.outcome import AGREES, DISAGREES, PROVED, REFUTED, Outcome, unknown
from kdaxioms.symbolic.points import Point

from .audit import audit_outcome
from .claim_model import CROSS_CHECK, FAILS, HOLDS, OPEN, PROVER, Claim, Route, defined
from .latex import escape
from .settings import Settings

Run = Callable[[Settings], Outcome]


def _coordinate(op: Operator, name: str, route: str = "smt-coordinate") -> Route:
    """The per-coordinate obligations; ``route`` names it ``symbolic-coordinate`` when a SymPy
    lemma discharges the decisive obligation."""
    ax = axiom(name, op)
    return Route(route, PROVER, lambda s: coordinate_route(ax, s.timeout_ms, s.deadline))


def _vector(op: Operator, name: str, max_n: int | None = None) -> Route:
    ax = axiom(name, op)
    return Route("smt-vector", PROVER, lambda s: vector_route(ax, min(max_n or s.max_n, s.max_n), s.timeout_ms,
                                                                s.deadline))


def _derived(name: str, inputs: dict | None = None) -> Route:
    """A derivation whose computed steps are the proof (it raises when a step fails)."""
    def run(_settings: Settings) -> Outcome:
        try:
            result = derivation(name).derive(dict(inputs or {}))
        except KdaxiomsError as err:
            return unknown(f"derivation {name} failed: {err}")
        return Outcome(PROVED, "all-n", result.steps)
    return Route("symbolic", PROVER, run)


def audited(claim_id: str, op: Operator, name: str, expected: str, note: str = "",
            cross_checks: tuple[Route, ...] = ()) -> Claim:
    """The claim that ``op`` satisfies (or violates) axiom ``name``, decided by the audit itself
    (:func:`kdaxioms.proofs.audit.audit_outcome`): the same routes, verdict and scope as
    ``kdaxioms audit`` of the same operator, whatever its name.  ``cross_checks`` may only agree
    or disagree."""
    def run(settings: Settings) -> Outcome:
        return audit_outcome(op, name, settings.max_n, settings.timeout_ms, settings.seed, settings.deadline)
    route = Route("audit", PROVER, run)
    return dataclasses.replace(_claim(claim_id, op, name, expected, (route, *cross_checks), note, restrict=False),
                               axiom=name)


def _claim(claim_id: str, op: Operator, name: str, expected: str, routes: tuple[Route, ...], note: str = "",
           restrict: bool = True) -> Claim:
    spec = AXIOMS[op.kind][name]
    verb = {HOLDS: "satisfies", FAILS: "violates"}.get(expected, "satisfies (open in the theory)")
    statement = f"{op.title or op.name} {verb} {spec.code} {name}: {spec.text}"
    forms = ((op.title or op.name, rf"{_symbol(op)} = {op.latex()}"),)
    if note:
        statement += f" ({note})"
    routes = defined(op, routes, spec.interior) if restrict else routes
    return Claim(claim_id, statement, spec.latex, expected, op.name, routes, lambda: forms)


def _symbol(op: Operator) -> str:
    return {Kind.SOFTENING: r"S_\tau(p)_i", Kind.AGGREGATION: r"A_w(p^1, p^2)_i"}.get(op.kind, "T(q)_i")


# -- C10: softening ----------------------------------------------------------------------------

def _no_limit(claim_id: str) -> Claim:
    smooth = family("linear-smoothing")
    return Claim(claim_id, "linear smoothing has no τ -> 0+ limit at a non-uniform p (and leaves Δn for τ < 1)",
                 r"\lim_{\tau\to 0^+} S_\tau(p) \text{ does not exist for } p \ne u", HOLDS, smooth.name,
                 (_derived("linear-smoothing-closure"),), lambda: ((smooth.title, rf"S_\tau(p)_i = {smooth.latex()}"),))


#: THEORY C10's tie for top-2 at n = 3, and the direction that breaks it.
TIE_POINT, TIE_DIRECTION = (sp.Rational(1, 2), sp.Rational(1, 4), sp.Rational(1, 4)), (0, 1, -1)


def _jump_sequence(op: Operator) -> Outcome:
    """Cross-check of the jump without limits: ``T(x0 + e d)`` and ``T(x0 - e d)`` in exact
    arithmetic for ``e = 10^-2 .. 10^-8``.  If they stay at least 1/3 apart in TV (the symbolic
    route's limits are 2/3 apart), the statement (continuity) is contradicted numerically:
    ``disagrees``, which confirms a refutation; if they come together, ``agrees``."""
    gaps = []
    for m in range(2, 9):
        e = sp.Rational(1, 10**m)
        sides = [op.apply({"p": tuple(x + sign * e * d for x, d in zip(TIE_POINT, TIE_DIRECTION))}, {})
                 for sign in (1, -1)]
        gaps.append(sum(abs(a - b) for a, b in zip(*sides)) / 2)
    point = ", ".join(map(str, TIE_POINT))
    apart = min(gaps) >= sp.Rational(1, 3)
    steps = (rf"$\mathrm{{TV}}(T(x_0 + \varepsilon d), T(x_0 - \varepsilon d))$ at $x_0 = ({point})$, "
             rf"$d = e_2 - e_3$, exactly, for $\varepsilon = 10^{{-2}}, \dots, 10^{{-8}}$: smallest ${sp.latex(min(gaps))}$"
             + (r"; the two sides stay apart as $\varepsilon \to 0$, against continuity" if apart else ""),)
    if apart:
        return Outcome(DISAGREES, steps=steps, reason="the outputs on the two sides of the tie stay apart")
    return Outcome(AGREES, steps=steps)


# -- C11: aggregation --------------------------------------------------------------------------

def _closure_where_defined(claim_id: str) -> Claim:
    """Geometric aggregation's A1 where it is defined (its A1 on the whole domain, the audit's
    closure, fails where it is undefined): per coordinate, then whole vectors at n = 2."""
    geo = family("geometric-aggregation")
    return _claim(claim_id, geo, "closure", HOLDS, (_coordinate(geo, "closure", "symbolic-coordinate"), _vector(geo, "closure", 2)),
                  note="where it is defined")


# -- C1 for F2: reduction to F1 ----------------------------------------------------------------

def _reduction(f2: Operator, aggregation: Operator) -> Run:
    """F2 is F1 with the anchor ``p`` replaced by ``A_w(p^1..p^m)``: its M1-M6 follow from F1's
    (for every interior anchor) once ``A_w`` maps interior teachers into the open simplex
    (A1 closure and A2 positivity of the aggregation)."""
    f1 = family("linear-anchor")

    def run(settings: Settings) -> Outcome:
        substituted = f1.component.xreplace({sp.IndexedBase("p")[INDEX]: f2.roles["anchor"]})
        difference = sp.simplify(f2.component - substituted)
        steps = [rf"$T_{{F2}}(q)_i - T_{{F1}}(q)_i|_{{p = A_w}}$ simplifies to ${sp.latex(difference)}$"]
        if difference != 0:
            return unknown("F2 is not F1 with an aggregated anchor", *steps)
        needed = [(f1, name) for name, spec in AXIOMS[Kind.META].items() if not spec.undecided]  # M1-M6 in exact forms
        needed += [(aggregation, "closure"), (aggregation, "positivity")]
        proofs, evidence = [], []
        for op, name in needed:
            ax = axiom(name, op)
            out = coordinate_route(ax, settings.timeout_ms, settings.deadline)
            if out.verdict != PROVED and op is aggregation:
                out = vector_route(ax, 2, settings.timeout_ms, settings.deadline)
            scope = "for every $n$" if out.scope == "all-n" and out.full_scope.unrestricted else \
                f"({escape(str(out.full_scope))})"
            steps.append(f"{op.title or op.name}, {ax.spec.code} {escape(name)}: {out.verdict} {scope}"
                         if out.verdict == PROVED else f"{op.title or op.name}, {ax.spec.code} {escape(name)}: {out.verdict}")
            if out.verdict != PROVED:
                return unknown(f"{op.name} {name} is not proved, so the reduction does not go through", *steps)
            proofs.append(out.full_scope)
            evidence += out.evidence
        # the reduction holds where every lemma does: the weakest sizes, every grid, every condition
        weakest = min(proofs, key=lambda sc: sc.size_rank)
        grids = {k: v for sc in proofs for k, v in (sc.parameters or {}).items()}
        # F1's axioms hold for an interior anchor; A1 and A2 make A_w interior when the teachers are
        conditions = tuple(dict.fromkeys((INTERIOR_TEACHERS, *(c for sc in proofs for c in sc.conditions))))
        return Outcome(PROVED, weakest.sizes, tuple(steps) + (r"with interior teachers, $A_w(p^1, \dots, p^m)$ is an "
                                                               r"interior anchor (A1, A2), hence M1--M6 of F2",),
                       parameters=grids or None, conditions=conditions, evidence=tuple(evidence), data={"lemma": True})
    return run


def _multi_teacher(name: str, agg: str) -> Callable[[str], Claim]:
    def claim(claim_id: str) -> Claim:
        f2, aggregation = family(name), family(agg)
        return Claim(claim_id, f"{f2.title} satisfies M1-M6 (by reduction to F1 and A1, A2 of {agg})",
                     r"T(q) = \alpha A_w(p^1..p^m) + (1-\alpha) q \text{ satisfies M1--M6}", HOLDS, name,
                     defined(f2, (Route("reduction", PROVER, _reduction(f2, aggregation)),)),
                     lambda: ((f2.title, rf"T(q)_i = {f2.latex()}"),))
    return claim


# -- C6: no global attraction for the geometric anchor -----------------------------------------

def _second_fixed_point(settings: Settings) -> Outcome:
    """A start on the boundary that F4 never leaves: a vertex ``q0 = e_1`` with ``T(q0) = q0 != p``
    at a seeded interior anchor, checked in exact arithmetic (so ``q_t = q0`` for every t)."""
    op = family("geometric-anchor")
    rng = np.random.default_rng(settings.seed)
    (alpha,) = op.parameters
    for n in (2, 3):
        for _ in range(5):
            raw = [Fraction(int(k), 1) for k in rng.integers(1, 10, size=n)]
            p = tuple(x / sum(raw) for x in raw)
            q0 = (Fraction(1),) + (Fraction(0),) * (n - 1)
            a = alpha.grid(3)[1]
            point = Point({"p": p, "q": q0}, {alpha.name: a})
            subs = op.check_parameters(point.parameters)
            syms = op.vector_inputs(n)
            for name, vec in point.sympy_inputs().items():
                subs.update(zip(syms[name], vec))
            image = [c.xreplace(subs) for c in op.vector(n)]
            fixed = all(certified_sign(x - y) == 0 for x, y in zip(image, point.sympy_inputs()["q"]))
            if fixed and p != q0:
                steps = (rf"$T(q_0) = q_0 = ({', '.join(map(str, q0))}) \ne p$ exactly, so $q_t = q_0$ for every $t$: "
                         r"the boundary start is a second fixed point and is never attracted to $p$",)
                return Outcome(REFUTED, f"n={n}", steps, point)
    return unknown("no boundary fixed point found among the seeded anchors")


def _attraction(claim_id: str) -> Claim:
    return Claim(claim_id, "geometric anchor: q_t -> p for every start q_0 in Δn (FALSE at boundary starts)",
                 r"q_t \to p \quad \forall q_0 \in \Delta_n", FAILS, "geometric-anchor",
                 (Route("exact", PROVER, _second_fixed_point),),
                 lambda: (("F4", rf"T(q)_i = {family('geometric-anchor').latex()}"),))


#: The claims of this module that are not audits, by builder key: claim id -> claim (the ids are
#: in :mod:`.catalogue`; the audits of the families' axioms are built there with :func:`audited`).
BUILDERS: dict[str, Callable[[str], Claim]] = {
    "smoothing-no-limit": _no_limit,
    "topk-continuity": lambda cid: audited(cid, family("top-k-renormalization"), "continuity", FAILS, note="at ties",
                                           cross_checks=(Route("exact-sequence", CROSS_CHECK, lambda s: _jump_sequence(
                                               family("top-k-renormalization"))),)),
    "geometric-closure-where-defined": _closure_where_defined,
    "reduction-arithmetic": _multi_teacher("multi-teacher-anchor", "arithmetic-aggregation"),
    "reduction-geometric": _multi_teacher("multi-teacher-geometric-anchor", "geometric-aggregation"),
    "second-fixed-point": _attraction,
}
