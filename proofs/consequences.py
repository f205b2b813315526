"""What a failure means for someone who distils recursively: one sentence per claim the theory
expects to fail.

This is interpretation, not evidence: the verdict and its witness come from the run, and the
executive summary prints a sentence only beside a claim the run refuted.
"""

from __future__ import annotations

CONSEQUENCES: dict[str, str] = {
    "C1.geometric-anchor.M3": "a geometric (log-linear) anchor keeps no floor $\\alpha p$: a class the student has "
                              "dropped stays dropped, so anchoring this way does not protect rare classes.",
    "C1.geometric-anchor.M5": "the geometric anchor can output exact zeros, so KL to the teacher can be infinite "
                              "along a recursive chain.",
    "C1.softened-anchor.M2": "softening inside the anchor moves its fixed point away from the teacher: the chain "
                             "converges to a biased distribution (quantified in C7), not to $p$.",
    "C1.unanchored.M3": "without an anchor nothing ties the chain to the base teacher; finite samples then "
                        "drift and collapse (C9), which is what anchoring is for.",
    "C6.kl-factor": "the geometric anchor contracts in Hilbert's metric, not in KL: a KL budget per generation "
                    "cannot be derived from its rate $1-\\alpha$.",
    "C6.global-attraction": "a geometric chain started on a face of the simplex never reaches the teacher; "
                            "initialise the student in the interior.",
    "C10.smoothing.closure": "linear smoothing with $\\tau < 1$ can output negative probabilities: it is not a "
                             "softening operator below $\\tau = 1$.",
    "C10.topk.S2": "top-$k$ renormalisation jumps at ties, so a small change of the teacher can change the "
                   "distilled target discontinuously.",
    "C11.geometric.A1-everywhere": "geometric aggregation is undefined when the teachers share no support "
                                   "point; check supports before aggregating.",
    "C11.arithmetic.A5": "softening and arithmetic aggregation do not commute: soften-then-average and "
                         "average-then-soften give different targets.",
    "C11.geometric.A3-l2": "raising a teacher's weight in a geometric ensemble can move the target away from "
                           "that teacher in $L^2$, although it moves closer in KL.",
}


def consequence(claim_id: str) -> str:
    """The sentence for ``claim_id`` ("" when none is written)."""
    return CONSEQUENCES.get(claim_id, "")
