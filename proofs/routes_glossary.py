"""What each route name in the report means: one sentence per kind of route.

A route name says which engine decided and how (``audit/`` marks the audit of the family's own
operator, the computation ``kdaxioms audit`` runs).  The report lists the names it uses, so a
reader never meets a route the appendix does not explain.
"""

from __future__ import annotations

import re

GLOSSARY: dict[str, str] = {
    "symbolic": "a SymPy derivation or proof from the operator's definition",
    "symbolic-all-k": "a SymPy proof for a symbolic memory order $k$, by rules for sums over $j = 1, \\dots, k$",
    "symbolic-coordinate": "a per-coordinate statement proved by a SymPy lemma, lifted to every $n$ by coordinate "
                           "reduction",
    "smt-coordinate": "Z3 decides the statement per coordinate in exact real arithmetic (unsat of its negation), "
                      "lifted to every $n$ by coordinate reduction",
    "smt-vector": "Z3 decides the negated statement on whole vectors, for each support size $n$ named",
    "sampling": "an exact search: seeded rational points replayed in exact arithmetic (it can only refute)",
    "search": "a seeded floating-point search whose best points are made exact and replayed (it can only refute)",
    "symbolic-power": "the power-shape proof: $S(p)_i = g(p_i)/\\sum_j g(p_j)$ with $g(x) = c x^e$",
    "symbolic-continuity": "continuity from definedness: no switches, every operation defined on the open simplex",
    "symbolic-derivative": "the derivative along the raise of a weight (or of $1/\\tau$), signed for every $n$",
    "symbolic-coherence": "the per-coordinate ratio of the two sides of temperature coherence",
    "exact-limits": "exact one-sided limits at a switch point (a jump refutes continuity)",
    "definedness": "an exact point where the operator is undefined (refutes closure)",
    "exact-sequence": "a cross-check: the distance between outputs on the two sides of a tie, exactly, as the "
                      "offset shrinks",
    "reduction": "the claim follows from the axioms proved for the operator it reduces to",
    "interval": "certified interval arithmetic (arb balls) over a cover of the domain",
    "intervals": "certified interval arithmetic (arb balls) over a cover of the domain, or a point where it "
                 "certifies a violation",
    "search-intervals": "a seeded search whose candidate violations are certified by interval arithmetic",
    "z3-pl-cegar": "Z3 with certified piecewise-linear enclosures of the logarithms, refined on counterexamples "
                   "(CEGAR)",
    "audit": "the audit of the family's operator (the routes it tried are named in its evidence)",
    "exact": "an exact computation at the stated point",
    "numeric": "a numeric cross-check by direct iteration or Monte Carlo (numpy, seeded); it can only agree or "
               "disagree",
}


SYMPY, Z3, INTERVALS, SEARCH, EXACT = ("symbolic proof (SymPy)", "SMT (Z3, exact rationals)",
                                       "certified interval arithmetic", "exact witness from a seeded search",
                                       "exact computation at a point")
#: The engine behind each kind of route (numeric cross-checks have none: they decide nothing).
ENGINE: dict[str, str] = {
    "symbolic": SYMPY, "symbolic-all-k": SYMPY, "symbolic-coordinate": SYMPY, "symbolic-power": SYMPY,
    "symbolic-continuity": SYMPY, "symbolic-derivative": SYMPY, "symbolic-coherence": SYMPY, "reduction": SYMPY,
    "smt-coordinate": Z3, "smt-vector": Z3, "definedness": Z3, "z3-pl-cegar": Z3,
    "interval": INTERVALS, "intervals": INTERVALS, "search-intervals": INTERVALS,
    "sampling": SEARCH, "search": SEARCH,
    "exact": EXACT, "exact-limits": EXACT, "exact-sequence": EXACT,
}


def _base(name: str) -> tuple[str, str | None]:
    """A route name without its ``audit/`` prefix and ``-nK`` suffix, and K."""
    base = name.split("/", 1)[1] if name.startswith("audit/") else name
    size = re.search(r"-n(\d+)$", base)
    return (base[:size.start()], size.group(1)) if size is not None else (base, None)


def engine(name: str) -> str:
    """The engine that decided a route's verdict ("" for an unknown name or a cross-check)."""
    return ENGINE.get(_base(name)[0], "")


def explain(name: str) -> str:
    """The sentence for route ``name``: its ``audit/`` prefix read as "the audit of the family's
    operator:", a ``-nK`` suffix as "at support size n = K"; "" for an unknown name."""
    base, size = _base(name)
    text = GLOSSARY.get(base, "")
    if not text:
        return ""
    if size is not None:
        text += f", at support size $n = {size}$"
    return "the audit of the family's operator: " + text if name.startswith("audit/") else text
