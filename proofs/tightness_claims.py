"""C4's exact factor of F1 at fixed anchors, decided by the certified bracket of ``c*(α, p)``.

``C4.exact-factor``: for a fixed anchor ``p``, ``(1-α)² <= c*(α, p) < 1-α`` and the supremum
``c*(α, p) = sup_{q != p} KL(Tq||p)/KL(q||p)`` is attained at an interior point.

* ``interval`` (prover), at ``α = 1/2`` and the report's anchors ``(9/10, 1/10)`` (n = 2) and
  ``(1/2, 3/10, 1/5)`` (n = 3): the certified bracket ``[lower, upper]``
  (:func:`kdaxioms.certified.tightness.bracket`) gives ``(1-α)² <= lower <= c*`` and
  ``c* <= upper < 1-α``; interior attainment follows from ``lower > (1-α)²`` (the ratio's limit
  at ``q = p``, derived symbolically by ``local-kl-ratio``, so the supremum is not approached at
  ``p``) and a certified cover of every face showing the ratio ``< lower`` there
  (:func:`~kdaxioms.certified.tightness.boundary_below`): the ratio is continuous on the compact
  simplex minus a neighbourhood of ``p``, where it therefore attains its maximum, off the faces.
* ``numeric`` (cross-check): the float multi-start search alone (its own seed) finds its best
  ratio inside ``[(1-α)², 1-α)`` at an interior point.  Evidence, never a proof.

The scope names ``α`` and the anchors: nothing is claimed for other anchors.
"""

from __future__ import annotations

from fractions import Fraction

from kdaxioms.numeric.ratio_search import propose
from kdaxioms.certified.tightness import bracket, bracket_evidence, boundary_below, local_limit, problem
from kdaxioms.symbolic.outcome import AGREES, DISAGREES, PROVED, Outcome, unknown

from .claim_model import CROSS_CHECK, HOLDS, PROVER, Claim, Route
from .latex import escape

#: ``α`` and the anchors of the check (the report's n = 2 and n = 3 anchors).
ALPHA = Fraction(1, 2)
ANCHORS = ((Fraction(9, 10), Fraction(1, 10)), (Fraction(1, 2), Fraction(3, 10), Fraction(1, 5)))
#: Seed offset of the cross-check's search, so that it does not replay the prover's starts.
CROSS_CHECK_SEED = 1000
#: Float slack of the cross-check's comparisons (rounding in a ratio of two divergences).
FLOAT_SLACK = 1e-12


def _vector(p) -> str:
    return "(" + ", ".join(map(str, p)) + ")"


def scope() -> dict:
    """The bracketed points: α fixed, one anchor per support size (scope fields of an Outcome)."""
    sizes = sorted({len(p) for p in ANCHORS})
    return {"scope": f"n<={sizes[-1]}" if len(sizes) > 1 else f"n={sizes[0]}", "parameters": {"alpha": (str(ALPHA),)},
            "conditions": (f"anchor p = {' or '.join(_vector(p) for p in ANCHORS)}",)}


def _interval(settings) -> Outcome:
    low_end, high_end = (1 - ALPHA) ** 2, 1 - ALPHA
    limit = local_limit(ALPHA)
    steps, data, evidence = [], {"brackets": []}, []
    for p in ANCHORS:
        b = bracket(ALPHA, p, seed=settings.seed)
        data["brackets"].append(b.to_json())
        if not b.certified:
            return unknown(f"no certified upper bound at p={_vector(p)}: {b.cover.summary()}", *steps, **data)
        j = b.to_json()
        steps.append(rf"$p = {_vector(p)}$: $c^* \in [{j['lower']}, {j['upper']}]$ "
                     + escape(f"(lower: {b.lower_from} at q = {_vector(j['argmax'])}; upper: {b.cover.summary()})"))
        if not (low_end <= b.lower and b.upper < high_end):
            return unknown(f"the bracket at p={_vector(p)} does not lie in [(1-α)², 1-α)", *steps, **data)
        faces = boundary_below(problem(ALPHA, p), b.lower)
        evidence += list(bracket_evidence(b)) + list(faces.evidence)
        steps.append("the ratio is below the lower bound on every face: " + "; ".join(faces.faces))
        if not (faces.certified and b.lower > limit):
            return unknown(f"interior attainment not certified at p={_vector(p)}", *steps, **data)
    steps.append(rf"lower $> (1-\alpha)^2 = {limit}$, the ratio's limit at $q = p$ (the local KL ratio derived for C4): "
                 "the supremum is attained away from p and off the faces, i.e. in the interior")
    rests_on = ("the ratio's limit at q = p, (1-alpha)^2, is a SymPy derivation (local-kl-ratio), which no second "
                "engine re-checks",)
    return Outcome(PROVED, steps=tuple(steps), data=data | {"route": "intervals", "rests_on": rests_on},
                   evidence=tuple(evidence), **scope())


def _numeric(settings) -> Outcome:
    low_end, high_end = float((1 - ALPHA) ** 2), float(1 - ALPHA)
    facts, ok = [], True
    for p in ANCHORS:
        found = propose(ALPHA, p, seed=settings.seed + CROSS_CHECK_SEED)
        inside = low_end - FLOAT_SLACK <= found.value < high_end
        interior = bool(found.argmax.min() > 1e-9)
        ok = ok and inside and interior
        facts.append(escape(f"p={_vector(p)}: best float ratio {found.value:.15g} at q = "
                            f"({', '.join(f'{x:.6g}' for x in found.argmax)}), {found.starts} starts"))
    verdict = AGREES if ok else DISAGREES
    return Outcome(verdict, steps=tuple(facts), reason="" if ok else "a float maximum outside [(1-α)², 1-α) or on a face")


def c4_exact_factor_claim(claim_id: str) -> Claim:
    return Claim(claim_id,
                 "for fixed p, (1-α)² <= c*(α,p) < 1-α, attained in the interior (certified bracket)",
                 r"(1-\alpha)^2 \le c^*(\alpha, p) = \max_{q \ne p} \frac{\mathrm{KL}(Tq\|p)}{\mathrm{KL}(q\|p)} < 1-\alpha",
                 HOLDS, "linear-anchor",
                 (Route("interval", PROVER, _interval), Route("numeric", CROSS_CHECK, _numeric)),
                 lambda: (("anchors", ", ".join(_vector(p) for p in ANCHORS)), (r"$\alpha$", str(ALPHA))))
