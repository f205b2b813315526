"""Operators with a normalizer inside the component, read per coordinate for every ``n``.

A component such as ``alpha p_i + (1 - alpha) q_i^{1/tau} / sum_j q_j^{1/tau}`` is no function of
the coordinates ``x_i`` alone, but each sum ``S = sum_j f(x_j)`` in it is one number, the same for
every ``i``.  When ``S > 0`` for every ``n`` -- every term ``f(x_j) >= 0`` on the coordinate box,
``f(x_j) > 0`` where the one input ``f`` reads (besides interior ones) is positive, and that input
has a positive coordinate because it is a distribution -- a statement about
``c(x_i; S)`` shown for **every** ``S > 0`` holds at the actual ``S``, at every coordinate, for
every ``n``.  That the output sums to one is an identity of sums
(:mod:`kdaxioms.symbolic.sum_identities`): ``sum_i T_i = 1`` in linear normal form, where each sum
``sum_i f(x_i)`` that splitting produces is the same quantity as the normalizer ``S``.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .citation import cite
from .domains import irrational_power
from .errors import ModelError
from .model import INDEX, SUM_INDEX, SUPPORT, Operator, coordinate_symbol, internal
from .obligations import Obligation, conditional_sign, coordinate_box, signed
from .sum_identities import identity


@dataclass(frozen=True)
class InnerSums:
    """``c_i`` with each sum over the support replaced by a positive symbol, and the obligations
    that make every such sum positive for every ``n``."""

    coordinate: sp.Expr
    positive: sp.Basic
    terms: tuple[sp.Expr, ...]
    obligations: tuple[Obligation, ...]
    #: Each sum's real symbol to a symbol declared positive (for SymPy's sign rules).
    as_positive: dict

    def signed(self, op: Operator, label: str, premise: sp.Basic, expr: sp.Expr, relation: str) -> Obligation:
        """``premise => expr relation 0`` for every positive value of the sums: Z3 reads the sums
        as reals with ``S > 0`` in the premise; SymPy's sign rules (for a symbolic exponent) read
        them as positive symbols."""
        if irrational_power(expr):
            expr = expr.xreplace(self.as_positive)
        return signed(op, label, sp.And(premise, self.positive), expr, relation)

    def claim(self, op: Operator, label: str, expr: sp.Expr, relation: str) -> list[Obligation]:
        """``expr relation 0`` on the coordinate box for every positive value of the sums, with the
        obligations that make the sums positive."""
        return [self.signed(op, label, coordinate_box(op), expr, relation), *self.obligations]


def _term(op: Operator, total: sp.Sum) -> sp.Expr | None:
    """``f`` of ``total = sum_{j=1}^{n} f(x_j)`` over the coordinate symbols, or None when the sum
    is not of that form (another range, the coordinate ``x_i`` or ``n`` inside it)."""
    if total.limits != ((SUM_INDEX, 1, SUPPORT),):
        return None
    own = {coordinate_symbol(x) for x in op.inputs}
    g = total.function
    if g.free_symbols & own or SUPPORT in g.free_symbols:
        return None
    f = g.replace(lambda e: isinstance(e, sp.Indexed) and e.indices == (SUM_INDEX,),
                  lambda e: coordinate_symbol(str(e.base)))
    if f.has(SUM_INDEX) or f.has(sp.Indexed) or f.has(sp.Sum) or not (f.free_symbols & own):
        return None
    return f


def inner_sums(op: Operator) -> InnerSums | None:
    """The per-coordinate reading of a non-normalized operator whose component reads sums over the
    support (None when it has none or one of them is not a positive sum of one input's terms)."""
    if op.normalize or op.coordinatewise() != "it sums over the support":
        return None
    c = op.unnormalized_coordinate()
    box = coordinate_box(op)
    names, terms, obligations, positive, as_positive = {}, [], [], [], {}
    for k, total in enumerate(sorted(c.atoms(sp.Sum), key=sp.default_sort_key)):
        f = _term(op, total)
        if f is None:
            return None
        read = [x for x in op.inputs if coordinate_symbol(x) in f.free_symbols]
        vanishing = [x for x in read if x not in op.interior_inputs]
        if len(vanishing) > 1:
            return None
        symbol = internal(f"{{S_{k + 1}}}")
        names[total] = symbol
        as_positive[symbol] = sp.Symbol(symbol.name, positive=True)
        terms.append(f)
        positive.append(symbol > 0)
        where = sp.And(box, *(coordinate_symbol(x) > 0 for x in read))
        shown = rf"$S_{{{k + 1}}} = {sp.latex(total)}$"
        obligations += [
            signed(op, rf"every term of {shown} is $\ge 0$", box, f, ">="),
            conditional_sign(op, rf"a term of {shown} is $> 0$ where its coordinate is positive (a distribution has one), "
                                 rf"so $S_{{{k + 1}}} > 0$ for every $n$ by {cite('positive-sum')}",
                             where, f, ">", [(sp.true, coordinate_symbol(x)) for x in read]),
        ]
    return InnerSums(c.xreplace(names), sp.And(*positive), tuple(terms), tuple(obligations), as_positive)


def sums_to_one(op: Operator):
    """The lemma ``sum_i T_i = 1`` for every ``n``, given every input sums to one: the sum of the
    component over ``i`` in linear normal form (see the module)."""
    def lemma() -> tuple[bool | None, tuple[str, ...]]:
        total = sp.Sum(op.component, (INDEX, 1, SUPPORT))
        facts = {sp.Sum(op._base(x)[INDEX], (INDEX, 1, SUPPORT)): sp.Integer(1) for x in op.inputs}
        try:
            step = identity(total, sp.Integer(1), facts, "every input is a distribution")
        except ModelError as exc:
            return None, (f"$\\sum_i T_i = 1$ is not established: {exc}",)
        return True, (rf"$\sum_i T_i = 1$ for every $n$ by {cite('sum-normal-form')}: {step.fact}",)
    return lemma
