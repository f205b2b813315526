"""The claim registry: each claim of THEORY.md section 4, with the routes that apply.

A claim (:mod:`.claim_model`) is an id (``C2.kl``), its statement, the verdict the theory
expects, and its routes: provers (symbolic, SMT) that can prove or refute, and cross-checks
(numeric) that can only agree or disagree.  This module builds the contraction, trajectory
and existence claims and assembles the registry from the other claim modules, which build on
:mod:`.claim_model` only (no import cycle).  Claims are built on demand from the operator
families; the registry is a function, not module state.
"""

from __future__ import annotations

from typing import Callable, Mapping

import sympy as sp

from kdaxioms.numeric.checks import contraction_check, trajectory_check
from kdaxioms.smt.audit import coordinate_route, vector_route
from kdaxioms.smt.decide import decide_obligations, decide_vectors
from kdaxioms.symbolic.replay import Replay, Status
from kdaxioms.symbolic.axioms import AXIOMS, axiom
from kdaxioms.symbolic.contraction import prove_by_convexity, prove_identity
from kdaxioms.symbolic.divergences import divergence
from kdaxioms.symbolic.errors import UnknownNameError
from kdaxioms.symbolic.families import FAMILIES, family
from kdaxioms.symbolic.model import Kind, Operator
from kdaxioms.symbolic.recursion import prove_envelope, prove_fixed_point, prove_trajectory, trajectory
from kdaxioms.symbolic.statements import Contraction, Relation

from .axiom_claims import BUILDERS as axiom_builders
from .catalogue import CATALOGUE
from .claim_model import CROSS_CHECK, FAILS, HOLDS, PROVER, Claim, Route, defined  # noqa: F401 (re-exported)
from .derived_claims import BUILDERS as derived_builders
from .fixed_point_claims import BUILDERS as fixed_point_builders
from .interval_claims import c2_kl_interval_n3_route, c2_kl_interval_route

# -- routes ---------------------------------------------------------------------------------

def _smt_coordinate(statement) -> Route:
    return Route("smt-coordinate", PROVER,
                 lambda s: decide_obligations(statement.operator, statement.obligations(), statement.replay, s.timeout_ms,
                                              deadline=s.deadline))


def _smt_vector(statement) -> Route:
    return Route("smt-vector", PROVER, lambda s: decide_vectors(statement, range(2, s.max_n + 1), s.timeout_ms,
                                                                    deadline=s.deadline))


# -- claim builders -------------------------------------------------------------------------

def contraction_claim(claim_id: str, c: Contraction, expected: str = HOLDS, vector: bool = False,
                      extra: tuple[Route, ...] = ()) -> Claim:
    """A one-step contraction claim through symbolic, SMT and numeric routes (and ``extra`` provers)."""
    symbolic = prove_identity if c.relation is Relation.EQ else prove_by_convexity
    routes = [Route("symbolic", PROVER, lambda s: symbolic(c)), _smt_coordinate(c)]
    if vector:
        routes.append(_smt_vector(c))
    routes += list(extra)
    routes.append(Route("numeric", CROSS_CHECK, lambda s: contraction_check(c, s.sampling)))
    strict = " (strict for q ≠ p, 0 < α < 1)" if c.strict else ""
    strict_tex = r" \quad (\text{strict for } q \ne p,\ 0<\alpha<1)" if c.strict else ""
    return Claim(claim_id, c.text() + strict, c.latex() + strict_tex, expected, c.operator.name, tuple(routes),
                 lambda: (("operator", rf"T(q)_i = {c.operator.latex()}"),
                          ("per-coordinate term", rf"d(x, y) = {sp.latex(c.divergence.term)}")))


def _trajectory_forms(op: Operator) -> Callable[[], tuple[tuple[str, str], ...]]:
    def forms() -> tuple[tuple[str, str], ...]:
        traj = trajectory(op)
        return (("closed form", rf"q_{{t,i}} = {sp.latex(traj.expression)}"),
                ("t-step anchor weight", rf"\lambda_t = {sp.latex(traj.anchor_weight())}"))
    return forms


class _Trajectory:
    """Adapter: the closed form's induction obligations as a statement for the SMT route."""

    def __init__(self, op: Operator, attraction: bool):
        self.operator, self._attraction = op, attraction

    def obligations(self):
        traj = trajectory(self.operator)
        return traj.attraction_obligations() if self._attraction else traj.induction_obligations()

    def replay(self, point):  # no liftable obligations: never called
        return Replay(Status.UNDECIDED, "the trajectory obligations have no whole-statement replay")


def _trajectory_parts(op: Operator):
    (alpha,) = op.parameter_symbols
    numeric = Route("numeric", CROSS_CHECK, lambda s: trajectory_check(trajectory(op), s.sampling, s.trajectory_steps))
    return alpha, numeric, _trajectory_forms(op)


def _smt_induction(op: Operator, attraction: bool) -> Route:
    return Route("smt-coordinate", PROVER, lambda s: decide_obligations(
        op, _Trajectory(op, attraction).obligations(), None, s.timeout_ms, deadline=s.deadline))


def _closed_form(claim_id: str) -> Claim:
    """C3: the closed form of F1's trajectory."""
    op = family("linear-anchor")
    _, numeric, forms = _trajectory_parts(op)
    return Claim(claim_id, "q_t = p + (1-α)^t (q_0 - p) for every start q_0 in Δn", r"q_t = p + (1-\alpha)^t (q_0 - p)",
                 HOLDS, op.name, (Route("symbolic", PROVER, lambda s: prove_trajectory(op)), _smt_induction(op, False),
                                  numeric), forms)


def _envelope(claim_id: str) -> Claim:
    """C3: the KL envelope of F1's trajectory."""
    op = family("linear-anchor")
    alpha, numeric, forms = _trajectory_parts(op)
    envelope = Contraction(op, divergence("kl"), 1 - alpha, Relation.LE)
    return Claim(claim_id, "KL(q_t||p) <= (1-α)^t KL(q_0||p)",
                 r"\mathrm{KL}(q_t \,\|\, p) \le (1-\alpha)^t\, \mathrm{KL}(q_0 \,\|\, p)", HOLDS, op.name,
                 (Route("symbolic", PROVER, lambda s: prove_envelope(envelope)), numeric), forms)


def _attracting(claim_id: str) -> Claim:
    """C3: F1's unique, globally attracting fixed point."""
    op = family("linear-anchor")
    _, numeric, forms = _trajectory_parts(op)
    return Claim(claim_id, "p is the unique fixed point and attracts every q_0 in Δn, boundary included",
                 r"T(q) = q \iff q = p, \quad q_t \to p \ \ \forall q_0 \in \Delta_n", HOLDS, op.name,
                 (Route("symbolic", PROVER, lambda s: prove_fixed_point(op)), _smt_induction(op, True), numeric), forms)


def _contraction(name: str, factor: Callable[[sp.Symbol], sp.Expr], relation: Relation, reverse: bool = False,
                 strict: bool = False, vector: bool = False, intervals: bool = False) -> Callable[[str], Claim]:
    """C2 for F1 in the divergence ``name``: ``D(Tq, p) relation factor(alpha) D(q, p)``."""
    def claim(claim_id: str) -> Claim:
        f1 = family("linear-anchor")
        (alpha,) = f1.parameter_symbols
        c = Contraction(f1, divergence(name), factor(alpha), relation, reverse=reverse, strict=strict)
        extra = (c2_kl_interval_route(c), c2_kl_interval_n3_route(c)) if intervals else ()
        return contraction_claim(claim_id, c, vector=vector, extra=extra)
    return claim


#: The claims of this module, by builder key: claim id -> claim (the ids are in :mod:`.catalogue`).
BUILDERS: dict[str, Callable[[str], Claim]] = {
    "contraction-tv": _contraction("tv", lambda a: 1 - a, Relation.EQ, vector=True),
    "contraction-chi2": _contraction("chi2", lambda a: (1 - a) ** 2, Relation.EQ, vector=True),
    "contraction-kl": _contraction("kl", lambda a: 1 - a, Relation.LE, strict=True, intervals=True),
    "contraction-kl-reverse": _contraction("kl", lambda a: 1 - a, Relation.LE, reverse=True, strict=True),
    "contraction-h2": _contraction("h2", lambda a: 1 - a, Relation.LE, strict=True),
    "trajectory": _closed_form,
    "kl-envelope": _envelope,
    "fixed-point": _attracting,
}


def registry() -> dict[str, Claim]:
    """Every registered claim, keyed by id, in report order: the entries of :mod:`.catalogue`, each
    built by the audit of a family's axiom or by its builder."""
    builders = BUILDERS | axiom_builders | derived_builders | fixed_point_builders
    claims = [entry.build(builders) for entry in CATALOGUE]
    claims.sort(key=lambda c: int(c.id[1:].split(".")[0]))  # by claim number; stable within one
    return {c.id: c for c in claims}


def by_family(claims: list[Claim], names: list[str]) -> list[Claim]:
    """The claims about the named families (registry names such as ``linear-anchor`` or theory
    ids such as ``F1``, which name every family with that id); all claims when none is named."""
    if not names:
        return claims
    wanted: set[str] = set()
    for name in names:
        hits = {spec.name for spec in FAMILIES.values() if name in (spec.name, spec.code)}
        if not hits:
            choices = sorted(FAMILIES) + sorted({s.code for s in FAMILIES.values() if s.code.startswith("F")})
            raise UnknownNameError("family", name, choices)
        wanted |= hits
    return [c for c in claims if c.family in wanted]


def select(claims: Mapping[str, Claim], names: list[str]) -> list[Claim]:
    """Claims by exact id or by prefix (``C2`` selects ``C2.tv``, ``C2.kl``, ...)."""
    if not names:
        return list(claims.values())
    chosen: dict[str, Claim] = {}
    for name in names:
        hits = [c for cid, c in claims.items() if cid == name or cid.startswith(name + ".")]
        if not hits:
            prefixes = sorted({cid.split(".")[0] for cid in claims}, key=lambda c: (len(c), c))
            raise UnknownNameError("claim", name, prefixes,
                                   hint="or a full id such as C2.kl; 'kdaxioms list claims' lists every id")
        chosen.update((c.id, c) for c in hits)
    return list(chosen.values())
