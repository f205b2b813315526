"""Fixed-point claims of C7 (softened anchor) and C8 (capacity anchor), from their derivations.

* C7: for ``tau != 1`` and a non-uniform anchor the fixed point of F5 is biased, ``q* != p``.
  The derivation ``softened-fixed-point`` solves ``q* = alpha p + (1-alpha) S_tau(q*)`` exactly
  (algebraic numbers at n = 2) and shows uniqueness (Birkhoff's contraction); the claim is
  proved at the instance when ``q*_1 - p_1`` has a certified non-zero sign.
* C8: the unique attractive fixed point is ``q† = Pi_Q(p)`` (``capacity-fixed-point``) and its
  bias ``KL(p||q†) = min_Q KL(p||q)`` by the Pythagorean identity (``capacity-bias``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable

import sympy as sp

from kdaxioms.symbolic.certify import certified_sign
from kdaxioms.symbolic.printing import latex
from kdaxioms.symbolic.derivations import derivation
from kdaxioms.symbolic.errors import KdaxiomsError
from kdaxioms.symbolic.outcome import PROVED, Outcome, unknown

from .axiom_claims import _derived
from kdaxioms.numeric.crosscheck import capacity_fixed_point_check, softened_fixed_point_check

from .claim_model import CROSS_CHECK, HOLDS, PROVER, Claim, Route
from .settings import Settings

#: F6 instance of the cross-check: alpha, features Phi (n x d), anchor p.
CAPACITY_AT = (Fraction(1, 4), ((0,), (1,), (2,)), (Fraction(1, 2), Fraction(3, 10), Fraction(1, 5)))
BIASED_AT = {"alpha": Fraction(1, 2), "tau": Fraction(2), "p": (Fraction(9, 10), Fraction(1, 10))}


def _biased(_settings: Settings) -> Outcome:
    try:
        result = derivation("softened-fixed-point").derive(dict(BIASED_AT))
    except KdaxiomsError as err:
        return unknown(f"derivation softened-fixed-point failed: {err}")
    if not result.extra.get("unique") or result.value is None:
        return unknown("the fixed point is not certified unique at this instance", *result.steps)
    q1, p1 = sp.sympify(result.value[0]), sp.Rational(9, 10)
    sign = certified_sign(q1 - p1)
    steps = result.steps + (rf"$q^*_1 - p_1 = {latex(q1 - p1)}$, certified sign ${sign}$"
                            if sign is not None else "the sign of $q^*_1 - p_1$ is not certified",)
    if sign in (1, -1):  # one instance: its parameters and anchor are the scope
        return Outcome(PROVED, "n=2", steps, parameters={"alpha": (str(BIASED_AT["alpha"]),), "tau": (str(BIASED_AT["tau"]),)},
                       conditions=(f"anchor p = ({', '.join(map(str, BIASED_AT['p']))})",))
    return unknown("q* = p could not be excluded with certified arithmetic", *steps)


#: The parameters of C7's instance, as printed in its statement.
PARAMS = r"\alpha = \tfrac12,\ \tau = 2,\ p = (\tfrac{9}{10}, \tfrac{1}{10})"
#: By builder key: claim id -> claim (the ids are in :mod:`.catalogue`).
BUILDERS: dict[str, Callable[[str], Claim]] = {
    "biased-fixed-point": lambda cid: Claim(cid, "softened anchor, τ != 1, p not uniform: the unique fixed point q* differs "
              "from p (at α = 1/2, τ = 2, p = (9/10, 1/10))", rf"q^* = \alpha p + (1-\alpha) S_\tau(q^*) \ne p \quad ({PARAMS})",
              HOLDS, "softened-anchor", (Route("symbolic", PROVER, _biased),
                                         Route("numeric", CROSS_CHECK, lambda s: softened_fixed_point_check(
                                             BIASED_AT["alpha"], BIASED_AT["tau"], BIASED_AT["p"], seed=s.seed)))),
    "capacity-fixed-point": lambda cid: Claim(cid, "capacity anchor: the unique, globally attractive fixed point is q† = Π_Q(p)",
              r"q_t \to q^\dagger = \Pi_Q(p)", HOLDS, "capacity-anchor",
              (_derived("capacity-fixed-point"),
               Route("numeric", CROSS_CHECK, lambda s: capacity_fixed_point_check(*CAPACITY_AT, seed=s.seed)))),
    "capacity-bias": lambda cid: Claim(cid, "capacity anchor: KL(p||q†) = min_Q KL(p||q) (Pythagorean identity)",
              r"\mathrm{KL}(p\|q_t) = \mathrm{KL}(p\|q^\dagger) + \mathrm{KL}(q^\dagger\|q_t)", HOLDS, "capacity-anchor",
              (_derived("capacity-bias"),)),
}
