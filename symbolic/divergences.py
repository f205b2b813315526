"""Divergences, each defined once as a per-coordinate SymPy term.

For distributions ``x, y`` on ``[n]`` every divergence used here separates over coordinates,

    D(x || y) = sum_i d(x_i, y_i),

so it is stored as the term ``d(x, y)`` in two real symbols.  The layers that need a whole
divergence (SMT, numpy, LaTeX, certified intervals) build the sum from this term.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Iterable, Mapping

import sympy as sp

from .errors import UnknownNameError

X, Y = sp.symbols("x y", real=True)


@dataclass(frozen=True)
class Divergence:
    """``D(x||y) = sum_i term(x_i, y_i)``; ``term`` is an expression in ``X`` and ``Y``."""

    name: str
    title: str
    latex_name: str
    term: sp.Expr

    def coordinate(self, x: sp.Expr, y: sp.Expr) -> sp.Expr:
        """The term at one coordinate pair."""
        return self.term.xreplace({X: x, Y: y})

    def total(self, xs: Iterable[sp.Expr], ys: Iterable[sp.Expr]) -> sp.Expr:
        """The whole divergence of two vectors (as an unevaluated sum of terms)."""
        return sp.Add(*(self.coordinate(x, y) for x, y in zip(xs, ys, strict=True)))

    @property
    def transcendental(self) -> bool:
        """True when the term contains a logarithm (outside Z3's real arithmetic)."""
        return self.term.has(sp.log)

    def latex(self, x: str, y: str) -> str:
        return rf"\mathrm{{{self.latex_name}}}({x} \,\|\, {y})"


def _registry(*divs: Divergence) -> Mapping[str, Divergence]:
    return MappingProxyType({d.name: d for d in divs})


#: The divergences of THEORY.md section 1, keyed by the names users type.
DIVERGENCES: Mapping[str, Divergence] = _registry(
    Divergence("kl", "Kullback-Leibler", "KL", X * sp.log(X / Y)),
    Divergence("tv", "total variation", "TV", sp.Abs(X - Y) / 2),
    Divergence("chi2", "chi-squared", r"\chi^2", (X - Y) ** 2 / Y),
    Divergence("h2", "squared Hellinger", "H^2", (sp.sqrt(X) - sp.sqrt(Y)) ** 2),
    Divergence("l2", "squared Euclidean", r"L_2^2", (X - Y) ** 2),
)


def divergence(name: str) -> Divergence:
    """Look up a divergence by name (``kl``, ``tv``, ``chi2``, ``h2``, ``l2``)."""
    try:
        return DIVERGENCES[name]
    except KeyError:
        raise UnknownNameError("divergence", name, list(DIVERGENCES)) from None
