"""Claims decided by the certified interval routes of the numeric layer (THEORY.md C2, C6).

* ``C6.kl-factor`` (FALSE in the theory): ``KL(Tq||p) <= (1-α) KL(q||p)`` for the geometric
  anchor.  Routes: the seeded search with interval certificate at ``n = 2`` and ``n = 3``
  (:mod:`kdaxioms.numeric.refute`) and Z3 with piecewise-linear log enclosures in a CEGAR loop
  at ``n = 2``, ``α = 1/2``, ``p = (1/10, 9/10)`` (:mod:`kdaxioms.numeric.plenclose`).
* the ``interval-n2`` route of ``C2.kl``: a certified cover of ``n = 2``, every anchor and
  student, ``α`` in :data:`C2_ALPHA_BOX` (:mod:`kdaxioms.numeric.prove`).

Every statement is built from the operator model by :class:`Contraction`; nothing is typed.
"""

from __future__ import annotations

from fractions import Fraction

from kdaxioms.numeric.logclaims import contraction_claim
from kdaxioms.numeric.plenclose import cegar
from kdaxioms.numeric.prove import Diagonal, prove
from kdaxioms.numeric.refute import refute
from kdaxioms.symbolic.divergences import divergence
from kdaxioms.symbolic.families import family
from kdaxioms.symbolic.statements import Contraction, Relation

from .claims import FAILS, PROVER, Claim, Route

#: The α box of the n = 2 interval proof of C2.kl in the check (a wider one is in docs/intervals.md).
C2_ALPHA_BOX = (Fraction(1, 20), Fraction(19, 20))
#: Where the CEGAR route looks: α and the anchor fixed (stated in its outcome).
CEGAR_ALPHA, CEGAR_ANCHOR = Fraction(1, 2), (Fraction(1, 10), Fraction(9, 10))


def geometric_kl_factor() -> Contraction:
    op = family("geometric-anchor")
    (alpha,) = op.parameter_symbols
    return Contraction(op, divergence("kl"), 1 - alpha, Relation.LE)


def c2_kl_interval_route(contraction: Contraction, alpha_box=C2_ALPHA_BOX) -> Route:
    """``C2.kl`` at ``n = 2`` over every anchor and student, α in ``alpha_box``: interval cover."""
    (alpha,) = contraction.operator.parameter_symbols

    def run(settings):
        return prove(contraction_claim(contraction, 2, {alpha: alpha_box}), Diagonal("q", "p"))
    return Route("interval-n2", PROVER, run)


def c6_kl_factor_claim() -> Claim:
    c = geometric_kl_factor()
    (alpha,) = c.operator.parameter_symbols

    def search(n: int) -> Route:
        return Route(f"search-intervals-n{n}", PROVER, lambda s: refute(contraction_claim(c, n), seed=s.seed))

    def pl(settings):
        return cegar(contraction_claim(c, 2, anchor=CEGAR_ANCHOR), {alpha: CEGAR_ALPHA})

    return Claim("C6.kl-factor", c.text() + " for the geometric anchor (FALSE in the theory)",
                 c.latex(), FAILS, c.operator.name,
                 (search(2), search(3), Route("z3-pl-cegar-n2", PROVER, pl)),
                 lambda: (("operator", rf"T(q)_i = {c.operator.latex()}"),))
