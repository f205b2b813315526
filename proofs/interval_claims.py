"""Claims decided by the certified interval routes of the numeric layer (THEORY.md C2, C6).

* ``C6.kl-factor`` (FALSE in the theory): ``KL(Tq||p) <= (1-α) KL(q||p)`` for the geometric
  anchor.  Routes: the seeded search with interval certificate at ``n = 2`` and ``n = 3``
  (:mod:`kdaxioms.certified.refute`) and Z3 with piecewise-linear log enclosures in a CEGAR loop
  at ``n = 2``, ``α = 1/2``, ``p = (1/10, 9/10)`` (:mod:`kdaxioms.certified.plenclose`).
* the ``interval-n2`` route of ``C2.kl``: a certified cover of ``n = 2``, every anchor and
  student, ``α`` in :data:`C2_ALPHA_BOX` (:mod:`kdaxioms.certified.prove`); and the ``interval-n3``
  route: a cover of ``n = 3``, every student, ``α`` in :data:`C2_N3_ALPHA_BOX`, at the
  three-point anchors of the report (those of C4's tightness claim).

Every statement is built from the operator model by :class:`Contraction`; nothing is typed.
"""

from __future__ import annotations

from fractions import Fraction

from kdaxioms.certified.logclaims import contraction_claim
from kdaxioms.certified.plenclose import cegar
from kdaxioms.certified.prove import Diagonal, prove
from kdaxioms.certified.refute import refute
from kdaxioms.symbolic.divergences import divergence
from kdaxioms.symbolic.families import family
from kdaxioms.symbolic.outcome import PROVED, Outcome
from kdaxioms.symbolic.statements import Contraction, Relation

from .claim_model import FAILS, PROVER, Claim, Route
from .tightness_claims import ANCHORS as TIGHTNESS_ANCHORS

#: The α box of the n = 2 interval proof of C2.kl in the check (a wider one is in docs/intervals.md).
C2_ALPHA_BOX = (Fraction(1, 20), Fraction(19, 20))
#: The α box and cell budget of the n = 3 interval proofs of C2.kl (about 18 s per anchor).
C2_N3_ALPHA_BOX, C2_N3_CELLS = (Fraction(1, 10), Fraction(9, 10)), 100_000
#: Where the CEGAR route looks: α and the anchor fixed (stated in its outcome).
CEGAR_ALPHA, CEGAR_ANCHOR = Fraction(1, 2), (Fraction(1, 10), Fraction(9, 10))


def geometric_kl_factor() -> Contraction:
    op = family("geometric-anchor")
    (alpha,) = op.parameter_symbols
    return Contraction(op, divergence("kl"), 1 - alpha, Relation.LE)


def _deadline(settings):
    """The claim's deadline (none when a route is run without settings, as its tests do)."""
    return settings.deadline if settings is not None else None


def c2_kl_interval_route(contraction: Contraction, alpha_box=C2_ALPHA_BOX) -> Route:
    """``C2.kl`` at ``n = 2`` over every anchor and student, α in ``alpha_box``: interval cover."""
    (alpha,) = contraction.operator.parameter_symbols

    def run(settings):
        return prove(contraction_claim(contraction, 2, {alpha: alpha_box}), Diagonal("q", "p"), deadline=_deadline(settings))
    return Route("interval-n2", PROVER, run)


def c2_kl_interval_n3_route(contraction: Contraction, alpha_box=C2_N3_ALPHA_BOX) -> Route:
    """``C2.kl`` at ``n = 3`` for every student, α in ``alpha_box``, at each three-point anchor the
    report uses (C4's tightness anchors): one interval cover per anchor."""
    (alpha,) = contraction.operator.parameter_symbols
    anchors = [p for p in TIGHTNESS_ANCHORS if len(p) == 3]

    def run(settings):
        outcomes = [prove(contraction_claim(contraction, 3, {alpha: alpha_box}, anchor=p), Diagonal("q", "p"),
                          budget=C2_N3_CELLS, deadline=_deadline(settings)) for p in anchors]
        failed = next((o for o in outcomes if o.verdict != PROVED), None)
        if failed is not None:
            return failed
        fixed = " or ".join(c.partition(" = ")[2] for o in outcomes for c in o.conditions)
        return Outcome(PROVED, "n=3", tuple(s for o in outcomes for s in o.steps),
                       parameters=outcomes[0].parameters, conditions=(f"anchor p = {fixed}",),
                       evidence=tuple(e for o in outcomes for e in o.evidence))
    return Route("interval-n3", PROVER, run)


def c6_kl_factor_claim(claim_id: str) -> Claim:
    c = geometric_kl_factor()
    (alpha,) = c.operator.parameter_symbols

    def search(n: int) -> Route:
        return Route(f"search-intervals-n{n}", PROVER, lambda s: refute(contraction_claim(c, n), seed=s.seed,
                                                                             budget_s=s.deadline.cap_seconds(5.0)))

    def pl(settings):
        return cegar(contraction_claim(c, 2, anchor=CEGAR_ANCHOR), {alpha: CEGAR_ALPHA})

    return Claim(claim_id, c.text() + " for the geometric anchor (FALSE in the theory)",
                 c.latex(), FAILS, c.operator.name,
                 (search(2), search(3), Route("z3-pl-cegar-n2", PROVER, pl)),
                 lambda: (("operator", rf"T(q)_i = {c.operator.latex()}"),))
