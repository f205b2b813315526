"""The lemmas that proofs for every ``n`` cite: each stated once, with how the tool establishes it.

A proof step cites a lemma with :func:`cite` (the text ``\\lemmaref{key}``, a link in the report)
instead of repeating it.  Two kinds of lemma:

* a **mechanised** lemma has a proof computed by SymPy without arguments (``prove``); the claim's
  route runs it (a verdict never rests on a lemma that was not established in the same run), and
  the report's lemmas section prints its steps once;
* a **rule** is a standard theorem (Jensen, Gibbs, Cauchy--Schwarz, ...) whose hypotheses the tool
  checks at each use (``checked`` says how); the use states the instance, the lemma the theorem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .citation import CITATION, cite as _cite
from .contraction import kl_along_log_linear_raise, weighted_am_gm
from .log_linear import reverse_kl_along_log_linear_raise
from .mixture_raise import first_order_rates

Proof = Callable[[], tuple["bool | None", tuple[str, ...]]]


@dataclass(frozen=True)
class Lemma:
    """A named lemma: ``statement`` (LaTeX), and either its mechanised proof or how each use is checked."""

    key: str
    name: str
    statement: str
    prove: Proof | None = None
    checked: str = ""


BOOK: tuple[Lemma, ...] = (
    Lemma("coordinate-reduction", "coordinate reduction",
          r"If the component $T_i$ is one function $c$ of the coordinates $x_i$ of the inputs and of quantities that are "
          r"the same for every $i$ (the parameters, the support size $n$, sums over the support), a statement about "
          r"$c$ shown with the coordinates as scalar symbols on the coordinate box, for every value of those "
          r"quantities in their ranges ($n$ a real $\ge 2$; a sum over the support any positive number, when "
          r"\lemmaref{positive-sum} shows it positive), holds at every coordinate of every support size; a "
          r"per-coordinate inequality summed over $i$ gives the statement about the whole vectors, for every $n$.",
          checked=r"the model checks that the component reads its inputs only at the index $i$ (and inside sums over "
                  r"the support); each per-coordinate statement is then decided once (Z3, \texttt{unsat} of its "
                  r"negation, or a lemma), and each lemma about sums or whole vectors is cited where it is used."),
    Lemma("normalized", "normalized operators per coordinate",
          r"For $T_i = c_i / Z$ with $Z = \sum_j c_j$: if every $c_i \ge 0$ and $Z > 0$, then $T$ is a distribution; "
          r"$T_i$ has the sign of $c_i$; and if $c_i(p, \dots, p) = p_i$ then $Z = \sum_j p_j = 1$ and "
          r"$T(p, \dots, p) = p$.",
          checked=r"the signs and identities of $c_i$ are decided per coordinate; $Z > 0$ is decided by the "
                  r"definedness lemmas (or stated as a condition)."),
    Lemma("largest-kept", "the largest coordinate is kept",
          r"If every $c_j \ge 0$ and $c_{i^*} > 0$ at an index $i^*$ with $p_{i^*} = \max_j p_j$, then "
          r"$Z = \sum_j c_j \ge c_{i^*} > 0$; $p_{i^*} \ge 1/n > 0$ because $p$ sums to $1$.",
          checked=r"Z3 shows each term of a count $\sum_j g(p_j, p_i)$ defined for all coordinates and constant for "
                  r"$0 \le p_j \le p_i$, and "
                  r"$c_{i^*} > 0$ with every such sum replaced by $n$ times its constant, for every real $n \ge 1$."),
    Lemma("positive-sum", "a positive sum over the support",
          r"If $f(x) \ge 0$ for $x \in [0, 1]$ and $f(x) > 0$ for $x \in (0, 1]$, then $\sum_{j=1}^{n} f(x_j) > 0$ for every "
          r"distribution $x$ and every $n$: $x$ has a positive coordinate.  A statement about $T_i$ shown for every "
          r"positive value of such a sum holds at its actual value, which is the same for every $i$.",
          checked=r"the sign of $f$ on the coordinate box and where its coordinate is positive (Z3, or SymPy's sign "
                  r"rules for a symbolic exponent), the sum read as one positive unknown."),
    Lemma("continuity-definedness", "continuity from definedness",
          r"A formula built from $+, -, \times$, division, powers, $\log$ and $\exp$, without switches "
          r"(unit steps, signs, case splits, floor and ceiling), is continuous at every point where each of its operations is "
          r"defined.",
          checked=r"the formula is searched for switches, and each operation's definedness is proved on the open "
                  r"simplex for every $n$."),
    Lemma("power-rules", "power rules for symbolic exponents",
          r"For $x, y > 0$ and real $a, b$: $x^a > 0$, $x^a x^b = x^{a+b}$, $(x^a)^b = x^{ab}$ and "
          r"$(xy)^a = x^a y^a$; $x^m \ge 1$ for $x \ge 1$ and $m \ge 0$; $0^a = 0$ for $a > 0$, and $0^0$ is outside "
          r"every operator's domain.",
          checked=r"SymPy's sign and power rules, applied in every case of the parameter domain (each parameter "
                  r"inside its interval or at a closed end) with each coordinate positive or zero."),
    Lemma("gibbs", "Gibbs' inequality",
          r"For distributions $a, b$: $\mathrm{KL}(a\|b) \ge 0$, and likewise $\mathrm{TV}$, $\|a - b\|^2$ and "
          r"$\chi^2$ are $\ge 0$; each is $0$ exactly when $a = b$.",
          checked=r"the arguments are shown to be distributions (by the premise, or by closure)."),
    Lemma("jensen", "Jensen's inequality",
          r"If $f$ is convex on an interval holding every $x_j$ and $w$ lies in the simplex, then "
          r"$f(\sum_j w_j x_j) \le \sum_j w_j f(x_j)$; on a segment, $f((1-s)x + sy) \le (1-s) f(x) + s f(y)$.",
          checked=r"$f'' \ge 0$ by SymPy's sign of the simplified second derivative on the interval, and the weights' "
                  r"signs and sum."),
    Lemma("sum-normal-form", "sums in linear normal form",
          r"Over a symbolic number of terms: $\sum_j (f_j + g_j) = \sum_j f_j + \sum_j g_j$ (splitting), "
          r"$\sum_j c f_j = c \sum_j f_j$ for $c$ free of $j$ (linearity, also for derivatives), $\sum_{j=a}^{b} 1 = "
          r"b - a + 1$, $\sum_{j=a}^{b} f_j = \sum_{j=a+d}^{b+d} f_{j-d}$ (shift), $\sum_j w_j f_j - 1 = "
          r"\sum_j w_j (f_j - 1)$ when $\sum_j w_j = 1$; a sum of terms each $\ge 0$ is $\ge 0$ (termwise sign); "
          r"two expressions whose normal forms agree as rational functions of the remaining sums (each "
          r"an independent unknown) are equal for every number of terms.",
          checked=r"each of these rules of the tool is tested against "
                  r"the expanded sums for $n = 2, \dots, 8$."),
    Lemma("variance", "variance as a sum of squares",
          r"If $w_j \ge 0$, $\sum_j w_j = 1$ and $m = \sum_j w_j x_j$, then $\sum_j w_j (x_j - m)^2 = "
          r"\sum_j w_j x_j^2 - m^2 \ge 0$.",
          checked=r"the identity in linear normal form (\lemmaref{sum-normal-form}); the sign term by term."),
    Lemma("cauchy-schwarz", "Cauchy--Schwarz",
          r"$(\sum_j a_j b_j)^2 \le \sum_j a_j^2 \sum_j b_j^2$ for real $a_j, b_j$, by Lagrange's identity "
          r"$\sum_i \sum_j (a_i b_j - a_j b_i)^2 = 2\,(\sum a^2 \sum b^2 - (\sum a b)^2)$.",
          checked=r"Lagrange's identity in linear normal form; the double sum's terms are real squares."),
    Lemma("weighted-am-gm", "weighted AM--GM", r"$a^{1-s} b^s \le (1-s)\,a + s\,b$ for $a, b > 0$ and $0 \le s \le 1$; "
          r"summed over $i$ with $\sum_i a_i = \sum_i b_i = 1$ (H\"older): $\sum_i a_i^{1-s} b_i^s \le 1$.",
          prove=weighted_am_gm),
    Lemma("kl-log-linear", "forward KL along a log-linear raise",
          r"With $A_i = c_i / Z$ and $A_i(s) = c_i^{1-s} p_i^s / Z(s)$: $\mathrm{KL}(p\|A(s)) = (1-s)\,"
          r"\mathrm{KL}(p\|A) + \log Z(s) - (1-s) \log Z$.",
          prove=kl_along_log_linear_raise),
    Lemma("mixture-raise-rates", "first-order rates along a mixture raise",
          r"With $A(s) = (1-s)\,A + s\,p$ for distributions $A, p$ with positive coordinates, at $s = 0$: $-\frac{d}{ds}\|A(s) - p\|^2 = "
          r"2\|A - p\|^2$, $-\frac{d}{ds}\mathrm{KL}(p\|A(s)) = \chi^2(p\|A)$ and $-\frac{d}{ds}\mathrm{KL}(A(s)\|p) = "
          r"\mathrm{KL}(A\|p) + \mathrm{KL}(p\|A)$, for every $n$.",
          prove=first_order_rates),
    Lemma("reverse-kl-log-linear", "reverse KL along a log-linear raise",
          r"With $a_i(s) = c_i^{1-s} p_i^s$, $A(s) = a(s)/\sum_i a_i(s)$ and $\ell_i = \log p_i - \log c_i$: "
          r"$\frac{d}{ds}\,\mathrm{KL}(A(s)\|p) = -(1-s)\,\mathrm{Var}_{A(s)}(\ell) \le 0$ on $[0, 1]$, for every $n$.",
          prove=reverse_kl_along_log_linear_raise),
)

_BY_KEY = {lemma.key: lemma for lemma in BOOK}
_BY_PROOF = {lemma.prove: lemma for lemma in BOOK if lemma.prove is not None}


def lemma(key: str) -> Lemma:
    return _BY_KEY[key]


def cite(key: str) -> str:
    """The citation of a lemma in a step (a link in the report)."""
    if key not in _BY_KEY:
        raise KeyError(f"no lemma {key!r} in the book")
    return _cite(key)


def mechanised(proof: Proof) -> Lemma | None:
    """The book's lemma whose mechanised proof is ``proof`` (None for a claim-specific lemma)."""
    return _BY_PROOF.get(proof)


def cited(steps) -> list[str]:
    """The keys cited in ``steps``, in order of first citation (a lemma's own citations included)."""
    out: list[str] = []
    pending = [key for step in steps for key in CITATION.findall(step)]
    while pending:
        key = pending.pop(0)
        if key in _BY_KEY and key not in out:
            out.append(key)
            pending += CITATION.findall(_BY_KEY[key].checked)
    return out
