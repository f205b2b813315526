"""The registry of built-in operator families, keyed by the names users type.

Each family is an :class:`~kdaxioms.symbolic.model.Operator`; its component formula is
written here once and nowhere else.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Callable, Mapping

import sympy as sp

from .domains import Parameter
from .errors import UnknownNameError
from .model import INDEX, Kind, Operator, real


def linear_anchor() -> Operator:
    """F1, the linear anchor ``T(q) = alpha p + (1 - alpha) q`` with ``0 < alpha <= 1``."""
    alpha = real("alpha")
    p, q = sp.IndexedBase("p"), sp.IndexedBase("q")
    return Operator(
        name="linear-anchor",
        title="F1 linear anchor",
        kind=Kind.META,
        inputs=("p", "q"),
        component=alpha * p[INDEX] + (1 - alpha) * q[INDEX],
        parameters=(Parameter(alpha, sp.And(0 < alpha, alpha <= 1)),),
        roles={"anchor_weight": alpha},
    )


#: Family name -> constructor.  Constructors build fresh immutable models.
FAMILIES: Mapping[str, Callable[[], Operator]] = MappingProxyType({
    "linear-anchor": linear_anchor,
})


def family(name: str) -> Operator:
    """The operator model of a built-in family."""
    try:
        return FAMILIES[name]()
    except KeyError:
        raise UnknownNameError("operator family", name, list(FAMILIES)) from None
