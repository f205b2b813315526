"""The claim catalogue: every claim id of ``kdaxioms check``, written once, here, in report order.

An entry names the claim, the family it is about, what THEORY.md expects (HOLDS, FAILS, or OPEN
for a question the theory leaves to the tool) and how it is decided:

* :class:`Audit` -- the family's operator against one axiom, by the one engine
  (:func:`kdaxioms.proofs.audit.audit_outcome`): ``kdaxioms audit`` of the family's example file
  gives the same verdict and scope (``tests/test_one_engine.py``);
* :class:`Built` -- a claim that is not one axiom of one operator (a contraction factor, a
  trajectory, a derivation, a fixed point, a tightness bracket, a reduction), by the builder of
  that key in a claim module.

No other module writes a claim id; ``kdaxioms list claims`` prints this table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Mapping

from kdaxioms.symbolic.errors import ModelError
from kdaxioms.symbolic.families import family

from .axiom_claims import audited
from .claim_model import FAILS, HOLDS, OPEN, Claim


@dataclass(frozen=True)
class Audit:
    """Decided by the audit of ``family``'s operator against ``axiom``."""

    axiom: str
    note: str = ""


@dataclass(frozen=True)
class Built:
    """Decided by the claim builder registered under ``key``."""

    key: str


@dataclass(frozen=True)
class Entry:
    id: str
    family: str
    expected: str
    how: Audit | Built
    #: Why the claim's proof stops short of every n and the whole domain, when it does.
    limit: str = ""
    #: For a claim the theory expects to fail: what the failure means for someone who distils
    #: recursively (one sentence of LaTeX text; interpretation, printed only beside a refutation).
    meaning: str = ""
    #: The report's figures (file stems of :data:`kdaxioms.proofs.report_figures.SPECS`) that
    #: support the claim; a figure is placed with the first such claim in report order.
    figures: tuple[str, ...] = ()

    def build(self, builders: Mapping[str, Callable[[str], Claim]]) -> Claim:
        """The claim; a builder whose claim disagrees with the entry (family, expectation) is a bug."""
        if isinstance(self.how, Audit):
            claim = audited(self.id, family(self.family), self.how.axiom, self.expected, note=self.how.note)
            return replace(claim, limit=self.limit, consequence=self.meaning, figures=self.figures)
        claim = builders[self.how.key](self.id)
        if (claim.family, claim.expected) != (self.family, self.expected):
            raise ModelError(f"builder {self.how.key} made {claim.id} about {claim.family} ({claim.expected}); "
                             f"the catalogue says {self.family} ({self.expected})")
        return replace(claim, id=self.id, limit=self.limit, consequence=self.meaning, figures=self.figures)


#: Every claim, in report order.
CATALOGUE: tuple[Entry, ...] = (
    # C1: M1-M6 per family (M4 in TV, L2 and KL)
    Entry("C1.linear-anchor.M1", "linear-anchor", HOLDS, Audit("closure")),
    Entry("C1.linear-anchor.M2", "linear-anchor", HOLDS, Audit("anchor-fixed-point")),
    Entry("C1.linear-anchor.M3", "linear-anchor", HOLDS, Audit("anchoring")),
    Entry("C1.linear-anchor.M5", "linear-anchor", HOLDS, Audit("positivity")),
    Entry("C1.linear-anchor.M6", "linear-anchor", HOLDS, Audit("label-symmetry")),
    Entry("C1.linear-anchor.M4-tv", "linear-anchor", HOLDS, Audit("remainder-nonexpansive-tv")),
    Entry("C1.linear-anchor.M4-l2", "linear-anchor", HOLDS, Audit("remainder-nonexpansive-l2")),
    Entry("C1.memory-anchor.M1", "memory-anchor", HOLDS, Audit("closure")),
    Entry("C1.memory-anchor.M2", "memory-anchor", HOLDS, Audit("anchor-fixed-point")),
    Entry("C1.memory-anchor.M3", "memory-anchor", HOLDS, Audit("anchoring")),
    Entry("C1.memory-anchor.M5", "memory-anchor", HOLDS, Audit("positivity")),
    Entry("C1.memory-anchor.M6", "memory-anchor", HOLDS, Audit("label-symmetry")),
    Entry("C1.memory-anchor.M4-tv", "memory-anchor", HOLDS, Audit("remainder-nonexpansive-tv")),
    Entry("C1.memory-anchor.M4-l2", "memory-anchor", HOLDS, Audit("remainder-nonexpansive-l2")),
    Entry("C1.geometric-anchor.M3", "geometric-anchor", FAILS, Audit("anchoring"),
          meaning=(r"a geometric (log-linear) anchor keeps no floor $\alpha p$: a class the student has "
                   r"dropped stays dropped, so anchoring this way does not protect rare classes.")),
    Entry("C1.geometric-anchor.M5", "geometric-anchor", FAILS, Audit("positivity"),
          meaning=(r"the geometric anchor can output exact zeros, so the reverse divergence "
                   r"$\mathrm{KL}(p\,\|\,q_t)$ from the teacher can be infinite along a recursive chain.")),
    Entry("C1.softened-anchor.M2", "softened-anchor", FAILS, Audit("anchor-fixed-point"),
          meaning=(r"softening inside the anchor moves its fixed point away from the teacher: the chain "
                   r"converges to a biased distribution (quantified in C7), not to $p$.")),
    Entry("C1.unanchored.M3", "unanchored", FAILS, Audit("anchoring"),
          meaning=(r"without an anchor nothing ties the chain to the base teacher; finite samples then drift "
                   r"and collapse (C9), which is what anchoring is for.")),
    Entry("C1.linear-anchor.M4-kl", "linear-anchor", HOLDS, Audit("remainder-nonexpansive-kl")),
    Entry("C1.memory-anchor.M4-kl", "memory-anchor", HOLDS, Audit("remainder-nonexpansive-kl")),
    Entry("C1.multi-teacher-anchor.M1-M6", "multi-teacher-anchor", HOLDS, Built("reduction-arithmetic")),
    Entry("C1.multi-teacher-geometric-anchor.M1-M6", "multi-teacher-geometric-anchor", HOLDS,
          Built("reduction-geometric")),
    # C2: one-step contraction of F1
    Entry("C2.tv", "linear-anchor", HOLDS, Built("contraction-tv")),
    Entry("C2.chi2", "linear-anchor", HOLDS, Built("contraction-chi2")),
    Entry("C2.kl", "linear-anchor", HOLDS, Built("contraction-kl")),
    Entry("C2.kl-reverse", "linear-anchor", HOLDS, Built("contraction-kl-reverse")),
    Entry("C2.h2", "linear-anchor", HOLDS, Built("contraction-h2")),
    # C3: trajectories of F1
    Entry("C3.trajectory", "linear-anchor", HOLDS, Built("trajectory"),
          figures=("convergence",)),
    Entry("C3.kl-envelope", "linear-anchor", HOLDS, Built("kl-envelope"),
          figures=("kl-trajectory",)),
    Entry("C3.fixed-point", "linear-anchor", HOLDS, Built("fixed-point"),
          figures=("kl-trajectory",)),
    # C4-C9: derivations, fixed points, tightness
    Entry("C4.local-ratio", "linear-anchor", HOLDS, Built("local-ratio")),
    Entry("C4.supremum", "linear-anchor", HOLDS, Built("supremum")),
    Entry("C4.exact-factor", "linear-anchor", HOLDS, Built("exact-factor"),
          limit="the factor is computed exactly at the stated anchors and alpha (an interval cover per anchor); "
                "no formula for it as a function of p and alpha is derived"),
    Entry("C5.k2-closed-form", "memory-anchor", HOLDS, Built("k2-closed-form"),
          figures=("convergence", "memory-rate")),
    Entry("C5.bounds", "memory-anchor", HOLDS, Built("memory-bounds"),
          figures=("memory-rate",)),
    Entry("C6.hilbert", "geometric-anchor", HOLDS, Built("hilbert"),
          figures=("convergence",)),
    Entry("C6.kl-factor", "geometric-anchor", FAILS, Built("geometric-kl-factor"),
          meaning=(r"the geometric anchor's rate $1-\alpha$ holds in Hilbert's metric but not as a factor on "
                   r"KL: a per-generation KL budget cannot be taken from it.")),
    Entry("C6.global-attraction", "geometric-anchor", FAILS, Built("second-fixed-point"),
          meaning=(r"a geometric chain started on a face of the simplex never reaches the teacher; initialise"
                   r" the student in the interior.")),
    Entry("C7.limit", "softened-anchor", HOLDS, Built("softened-limit"),
          figures=("softened-bias",)),
    Entry("C7.biased-fixed-point", "softened-anchor", HOLDS, Built("biased-fixed-point"),
          limit="the fixed point is solved exactly (n = 2) for one (alpha, tau, p); for tau != 1 it has no closed "
                "form in the parameters",
          figures=("softened-bias",)),
    Entry("C8.moments", "capacity-anchor", HOLDS, Built("capacity-moments"),
          figures=("convergence",)),
    Entry("C8.fixed-point", "capacity-anchor", HOLDS, Built("capacity-fixed-point")),
    Entry("C8.bias", "capacity-anchor", HOLDS, Built("capacity-bias")),
    Entry("C9.stationary-l2", "sampled-anchor", HOLDS, Built("stationary-l2")),
    Entry("C9.stationary-chi2", "sampled-anchor", HOLDS, Built("stationary-chi2"),
          figures=("sampled-chi2",)),
    Entry("C9.island-model", "sampled-anchor", HOLDS, Built("island-model")),
    Entry("C9.heterozygosity", "sampled-anchor", HOLDS, Built("heterozygosity"),
          figures=("collapse-accumulation",)),
    Entry("C9.anchor-floor", "sampled-anchor", HOLDS, Built("anchor-floor")),
    # C10: softening operators
    Entry("C10.power.closure", "power-softening", HOLDS, Audit("closure")),
    Entry("C10.power.S1", "power-softening", HOLDS, Audit("ranking")),
    Entry("C10.power.S2", "power-softening", HOLDS, Audit("continuity")),
    Entry("C10.power.S3", "power-softening", HOLDS, Audit("entropy-monotone")),
    Entry("C10.power.S4", "power-softening", HOLDS, Audit("identity")),
    Entry("C10.power.S5", "power-softening", HOLDS, Audit("boundary")),
    Entry("C10.smoothing.closure", "linear-smoothing", FAILS, Audit("closure"),
          meaning=(r"linear smoothing with $\tau < 1$ can output negative probabilities: it is not a "
                   r"softening operator below $\tau = 1$.")),
    Entry("C10.topk.S2", "top-k-renormalization", FAILS, Built("topk-continuity"),
          meaning=(r"top-$k$ renormalisation jumps at ties, so a small change of the teacher can change the "
                   r"distilled target discontinuously.")),
    Entry("C10.smoothing.no-limit", "linear-smoothing", HOLDS, Built("smoothing-no-limit")),
    # C11: aggregation operators
    Entry("C11.arithmetic.A1", "arithmetic-aggregation", HOLDS, Audit("closure")),
    Entry("C11.arithmetic.A2", "arithmetic-aggregation", HOLDS, Audit("positivity")),
    Entry("C11.arithmetic.A4", "arithmetic-aggregation", HOLDS, Audit("continuity")),
    Entry("C11.arithmetic.A6", "arithmetic-aggregation", HOLDS, Audit("unanimity")),
    Entry("C11.geometric.A1", "geometric-aggregation", HOLDS, Built("geometric-closure-where-defined")),
    Entry("C11.geometric.A2", "geometric-aggregation", HOLDS, Audit("positivity")),
    Entry("C11.geometric.A4", "geometric-aggregation", HOLDS, Audit("continuity")),
    Entry("C11.geometric.A6", "geometric-aggregation", HOLDS, Audit("unanimity")),
    Entry("C11.geometric.A1-everywhere", "geometric-aggregation", FAILS,
          Audit("closure", "FALSE: 0/0 when the teachers share no support point, 0^0 for a zero weight on a zero entry"),
          meaning=(r"geometric aggregation is undefined when the teachers share no support point; check "
                   r"supports before aggregating.")),
    Entry("C11.arithmetic.A5", "arithmetic-aggregation", FAILS, Audit("temperature-coherence"),
          meaning=(r"softening and arithmetic aggregation do not commute: soften-then-average and average-"
                   r"then-soften give different targets.")),
    Entry("C11.geometric.A5", "geometric-aggregation", HOLDS, Audit("temperature-coherence")),
    Entry("C11.arithmetic.A3-l2", "arithmetic-aggregation", HOLDS, Audit("weight-monotone-l2")),
    Entry("C11.geometric.A3-l2", "geometric-aggregation", FAILS, Audit("weight-monotone-l2"),
          meaning=(r"raising a teacher's weight in a geometric ensemble can move the target away from that "
                   r"teacher in $L^2$, although it moves closer in KL.")),
    Entry("C11.arithmetic.A3-tv", "arithmetic-aggregation", HOLDS, Audit("weight-monotone-tv")),
    Entry("C11.arithmetic.A3-kl", "arithmetic-aggregation", HOLDS, Audit("weight-monotone-kl")),
    Entry("C11.arithmetic.A3-kl-reverse", "arithmetic-aggregation", HOLDS, Audit("weight-monotone-kl-reverse")),
    Entry("C11.geometric.A3-kl", "geometric-aggregation", HOLDS, Audit("weight-monotone-kl")),
    Entry("C11.geometric.A3-kl-reverse", "geometric-aggregation", HOLDS, Audit("weight-monotone-kl-reverse")),
    Entry("C11.geometric.A3-tv", "geometric-aggregation", OPEN,
          Audit("weight-monotone-tv", "open in the theory, decided here: the raise is an exponential tilt toward "
                                      "the teacher, along which TV cannot increase")),
    # C12: accumulation under resampling
    Entry("C12.accumulation", "sampled-anchor", HOLDS, Built("accumulation"),
          figures=("collapse-accumulation",)),
)
