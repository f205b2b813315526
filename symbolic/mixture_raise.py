"""First-order rates along a mixture raise, for every number of coordinates.

When raising the weight of teacher ``k`` moves the output on the segment toward ``p = p^k``,
``A(s) = (1-s) A + s p`` with ``A`` and ``p`` distributions, the rate ``G = d/ds D(A(s), p)`` at
``s = 0`` is, for every ``n``:

* ``-G = 2 ||A - p||^2`` for the squared L2 distance;
* ``-G = chi^2(p||A)`` for ``KL(p||A(s))``;
* ``-G = KL(A||p) + KL(p||A)`` for ``KL(A(s)||p)``.

Each identity is differentiated term by term and compared in the linear normal form of
:mod:`kdaxioms.symbolic.sum_identities`, with ``sum_i A_i = sum_i p_i = 1``.  These are the
certificates the small-n route finds one size at a time, checked here once for all ``n``.
"""

from __future__ import annotations

import sympy as sp

from .citation import cite
from .errors import ModelError
from .sum_identities import identity


def first_order_rates() -> tuple[bool | None, tuple[str, ...]]:
    """The three identities of the module, for a symbolic ``n``."""
    n = sp.Symbol("n", integer=True, positive=True)
    i = sp.Symbol("i", integer=True)
    s = sp.Symbol("s", real=True)
    a, p = sp.IndexedBase("A", positive=True), sp.IndexedBase("p", positive=True)
    moved = (1 - s) * a[i] + s * p[i]
    facts = {sp.Sum(a[i], (i, 1, n)): sp.Integer(1), sp.Sum(p[i], (i, 1, n)): sp.Integer(1)}
    cases = (
        (r"\|A(s) - p\|^2", sp.Sum((moved - p[i]) ** 2, (i, 1, n)), 2 * sp.Sum((a[i] - p[i]) ** 2, (i, 1, n)),
         r"2\,\|A - p\|^2"),
        (r"\mathrm{KL}(p\|A(s))", sp.Sum(p[i] * sp.log(p[i] / moved), (i, 1, n)),
         sp.Sum((p[i] - a[i]) ** 2 / a[i], (i, 1, n)), r"\chi^2(p\|A)"),
        (r"\mathrm{KL}(A(s)\|p)", sp.Sum(moved * sp.log(moved / p[i]), (i, 1, n)),
         sp.Sum(a[i] * sp.log(a[i] / p[i]) + p[i] * sp.log(p[i] / a[i]), (i, 1, n)),
         r"\mathrm{KL}(A\|p) + \mathrm{KL}(p\|A)"),
    )
    steps = []
    for name, divergence, rate, text in cases:
        slope = sp.diff(divergence, s).subs(s, 0)
        try:
            identity(-slope, rate, facts, r"$A$ and $p$ are distributions")
        except ModelError as exc:
            return None, (f"the rate of ${name}$ at $s = 0$ is not established: {exc}",)
        steps.append(rf"$-\frac{{d}}{{ds}} {name}\big|_{{s=0}} = {text}$ for every $n$: the derivative term by term, "
                     rf"both sides in normal form with $\sum_i A_i = \sum_i p_i = 1$ ({cite('sum-normal-form')})")
    return True, tuple(steps)
