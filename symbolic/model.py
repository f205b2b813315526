"""The operator model: the one place where a formula is written.

An operator is a kind, a SymPy expression for output component ``i`` over indexed inputs
(``p[i]``, ``q[i]``, ...), parameters with domains, and a ``normalize`` flag:

    T(x)_i = c_i(x)                      (normalize = False)
    T(x)_i = c_i(x) / sum_j c_j(x)       (normalize = True)

Every other layer (SMT, numpy, LaTeX) obtains its formulas by translating this model: the
per-coordinate form (scalar symbols ``p_{i}``, ``q_{i}``) for claims that separate over
coordinates, or the vector form (symbols ``p_{1} .. p_{n}``) for a fixed support size ``n``.
These symbols live in an internal namespace (:func:`internal`) that no parameter name can reach.
"""

from __future__ import annotations

import re

import enum
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Mapping

import sympy as sp

from .domains import Parameter, joint_assumptions
from .errors import InputError, ModelError
from .printing import latex

#: The index of the output component in every component formula.
INDEX = sp.Symbol("i", integer=True, positive=True)
#: The summation index of ``Sum(..., (j, 1, n))`` over the support.
SUM_INDEX = sp.Symbol("j", integer=True, positive=True)
#: The support size, usable in components (e.g. ``1/n``) and as a summation bound.
SUPPORT = sp.Symbol("n", integer=True, positive=True)


class Kind(enum.Enum):
    """The three operator classes of the theory (section 2)."""

    SOFTENING = "softening"
    AGGREGATION = "aggregation"
    META = "meta"


def real(name: str) -> sp.Symbol:
    """The canonical real symbol of a name; all layers share it."""
    return sp.Symbol(name, real=True)


def internal(name: str) -> sp.Symbol:
    """A real symbol of the encodings' own namespace (coordinates, auxiliary variables).

    Its name must contain a character that no identifier contains (a brace, a backslash): every
    name a user can give (an operator file's parameters, see :mod:`kdaxioms.symbolic.parse`) is
    an identifier, so an internal symbol never equals, and never shares a name with, a user's
    parameter.  Braces keep LaTeX unchanged: ``p_{1}`` prints as ``p_{1}`` like ``p_1``."""
    if name.isidentifier():
        raise ModelError(f"internal symbol name {name!r} is an identifier: a user parameter could capture it")
    return real(name)


def coordinate_symbol(name: str) -> sp.Symbol:
    """Scalar symbol standing for the coordinate ``name[i]``, named ``p_{i}`` (internal namespace)."""
    return internal(f"{name}_{{i}}")


def vector_symbols(name: str, n: int) -> tuple[sp.Symbol, ...]:
    """Symbols ``name_{1} .. name_{n}`` for a whole input vector (internal namespace)."""
    return tuple(internal(f"{name}_{{{k}}}") for k in range(1, n + 1))


@dataclass(frozen=True)
class Operator:
    """A parametric operator on the simplex, defined by its i-th component.

    ``inputs`` lists the names of the vector arguments in order (for a meta operator: the
    anchor ``p``, then the current student ``q``).  ``roles`` names what the axioms need,
    e.g. ``{"anchor_weight": alpha}`` for M3.
    """

    name: str
    kind: Kind
    inputs: tuple[str, ...]
    component: sp.Expr
    parameters: tuple[Parameter, ...]
    normalize: bool = False
    roles: Mapping[str, sp.Expr] = field(default_factory=dict)
    title: str = ""
    #: Joint constraints on the parameters beyond their own domains (e.g. ``beta_1 + beta_2 = 1``).
    constraints: tuple[sp.Basic, ...] = ()
    #: The operator-file data the model was read from (None when built otherwise): what a proof
    #: bundle writes beside a witness, so that it can be evaluated without this model.
    source: Mapping[str, Any] | None = field(default=None, compare=False, repr=False, hash=False)
    #: Expanded components already built, by support size (the model is immutable).
    _expanded: dict = field(default_factory=dict, init=False, compare=False, repr=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", MappingProxyType(dict(self.roles)))
        indexed = self.component.atoms(sp.Indexed)
        unknown_inputs = {str(x.base.label) for x in indexed} - set(self.inputs)
        if unknown_inputs:
            raise ModelError(f"operator {self.name}: inputs {sorted(unknown_inputs)} are not among {list(self.inputs)}")
        known = {p.symbol for p in self.parameters} | {INDEX, SUM_INDEX, SUPPORT} | indexed
        known |= {x.base.label for x in indexed}
        stray = {s for s in self.component.free_symbols if s not in known}
        if stray:
            raise ModelError(f"operator {self.name}: symbols {sorted(map(str, stray))} are neither inputs nor parameters")
        if SUM_INDEX in self.component.free_symbols:
            raise ModelError(f"operator {self.name}: the summation index j is used outside Sum(..., (j, 1, n))")

    @property
    def interior_inputs(self) -> tuple[str, ...]:
        """Inputs that must lie in the open simplex: the anchor ``p`` of a meta operator."""
        return ("p",) if self.kind is Kind.META else ()

    def _index_use(self) -> str | None:
        """Why the component uses an index other than through ``x[i]`` and ``x[j]`` (None if it does not):
        the free index ``i`` outside an input's index, the bound ``j`` outside an input's index inside
        a sum, or an input read at any other index."""
        own = {x for x in self.component.atoms(sp.Indexed) if x.indices in ((INDEX,), (SUM_INDEX,))}
        elsewhere = sorted(map(str, self.component.atoms(sp.Indexed) - own))
        if elsewhere:
            return f"it reads {', '.join(elsewhere)}"
        hidden = self.component.xreplace({x: sp.Dummy() for x in own})
        if INDEX in hidden.free_symbols:
            return "it uses the index i outside an input's index"
        if any(s.function.has(SUM_INDEX) for s in hidden.atoms(sp.Sum)):
            return "it uses the summation index j outside an input's index"
        return None

    @property
    def label_symmetric(self) -> bool:
        """True when the component uses the indices only through its inputs (``x[i]``, and ``x[j]``
        inside a sum over the support), so permuting the labels of every input permutes the
        output (a sufficient condition for M6, and what makes sorting an input sound)."""
        return self._index_use() is None

    def coordinatewise(self, support_as_parameter: bool = False) -> str | None:
        """Why component ``i`` is not one function ``c`` of the coordinates ``x[i]`` alone, the same
        for every ``i`` (None when it is).  Then, and only then, ``T_i(x) = c(x_i)`` lets a claim on
        one coordinate with scalar symbols speak for every coordinate and every ``n``.  With
        ``support_as_parameter``, ``n`` may occur: for each fixed ``n`` it is one constant of every
        coordinate, so a claim shown for every real ``n >= 2`` (a parameter of the coordinate box,
        see :func:`kdaxioms.symbolic.obligations.coordinate_box`) holds at every support size."""
        if self.component.has(sp.Sum):
            return "it sums over the support"
        if SUPPORT in self.component.free_symbols and not support_as_parameter:
            return "it depends on the support size n"
        return self._index_use()

    # -- parameters --------------------------------------------------------------------------
    @property
    def parameter_symbols(self) -> tuple[sp.Symbol, ...]:
        return tuple(p.symbol for p in self.parameters)

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise InputError(f"operator {self.name} has no parameter {name!r}; it has {[p.name for p in self.parameters]}")

    def assumptions(self) -> sp.Basic:
        """SymPy assumptions implied by every parameter lying in its domain."""
        return joint_assumptions(self.parameters)

    def domain(self) -> sp.Basic:
        """Every parameter domain and joint constraint, as one SymPy Boolean."""
        return sp.And(*(p.domain for p in self.parameters), *self.constraints)

    def instantiate(self, values: Mapping[sp.Symbol, sp.Expr]) -> "Operator":
        """The operator with some parameters fixed to values (removed from its parameters)."""
        keep = tuple(p for p in self.parameters if p.symbol not in values)
        roles = {k: (tuple(x.xreplace(values) for x in v) if isinstance(v, tuple) else sp.sympify(v).xreplace(values))
                 for k, v in self.roles.items()}
        constraints = tuple(c.xreplace(values) for c in self.constraints)
        return Operator(self.name, self.kind, self.inputs, self.component.xreplace(values), keep, self.normalize,
                        roles, self.title, constraints)

    def check_parameters(self, values: Mapping[str, Fraction]) -> dict[sp.Symbol, sp.Rational]:
        """Validate exact parameter values and return them as a SymPy substitution."""
        missing = [p.name for p in self.parameters if p.name not in values]
        if missing:
            raise InputError(f"operator {self.name}: missing parameter values for {missing}")
        subs = {p.symbol: sp.Rational(*_ratio(p.check(values[p.name]))) for p in self.parameters}
        for constraint in self.constraints:
            if constraint.xreplace(subs) is not sp.true:
                raise InputError(f"operator {self.name}: parameters {dict(values)} violate {constraint}")
        return subs

    # -- translations of the component -------------------------------------------------------
    def _base(self, name: str) -> sp.IndexedBase:
        return sp.IndexedBase(name)

    def coordinate(self) -> sp.Expr:
        """Component ``i`` with each ``x[i]`` replaced by the scalar ``x_i``.

        Only meaningful for operators without normalization: then a claim whose divergence
        separates over coordinates reduces to this one expression.
        """
        if self.normalize:
            raise ModelError(f"operator {self.name} is normalized: it has no per-coordinate form")
        reason = self.coordinatewise()
        if reason is not None:
            raise ModelError(f"operator {self.name} has no per-coordinate form: {reason}")
        return self.unnormalized_coordinate()

    @property
    def separable(self) -> bool:
        """True when ``T_i(x) = c(x_i)`` with one ``c`` for every ``i`` (no normalization; see :meth:`coordinatewise`)."""
        return not self.normalize and self.coordinatewise() is None

    def unnormalized_coordinate(self) -> sp.Expr:
        """The component formula ``c_i`` over the scalar symbols ``x_i`` (before normalization; sums
        over the support and ``n`` are kept); raises :class:`ModelError` when the component uses
        an index other than through ``x[i]`` and ``x[j]``, so that ``c_i`` is no single formula."""
        reason = self._index_use()
        if reason is not None:
            raise ModelError(f"operator {self.name} has no per-coordinate form: {reason}")
        mapping = {self._base(x)[INDEX]: coordinate_symbol(x) for x in self.inputs}
        return self.component.xreplace(mapping)

    def coordinate_inputs(self) -> dict[str, sp.Symbol]:
        return {x: coordinate_symbol(x) for x in self.inputs}

    def vector(self, n: int) -> tuple[sp.Expr, ...]:
        """The n output components over the symbols ``x_1 .. x_n`` of every input."""
        if n < 2:
            raise InputError(f"support size n={n} is too small; the simplex needs n >= 2")
        raw = list(self.expanded(n))
        if not self.normalize:
            return tuple(raw)
        total = sp.Add(*raw)
        return tuple(c / total for c in raw)

    def expanded(self, n: int) -> tuple[sp.Expr, ...]:
        """The ``n`` raw components (before normalization), built once per ``n``."""
        if n not in self._expanded:
            self._expanded[n] = self.expand(self.component, n)
        return self._expanded[n]

    def expand(self, expr: sp.Expr, n: int) -> tuple[sp.Expr, ...]:
        """A component-like expression in ``x[i]`` (and sums over ``j``) for ``i = 1..n``."""
        mapping = {self._base(x)[k]: vector_symbols(x, n)[k - 1] for x in self.inputs for k in range(1, n + 1)}
        out = []
        for k in range(1, n + 1):
            term = expr.subs({INDEX: k, SUPPORT: n})
            if term.has(sp.Sum):
                term = term.doit()
            out.append(term.xreplace(mapping))
        return tuple(out)

    def vector_inputs(self, n: int) -> dict[str, tuple[sp.Symbol, ...]]:
        return {x: vector_symbols(x, n) for x in self.inputs}

    def apply(self, inputs: Mapping[str, tuple[sp.Rational, ...]], parameters: Mapping[sp.Symbol, sp.Expr]) -> tuple[sp.Expr, ...]:
        """Evaluate the operator exactly at given input vectors and parameter values."""
        n = len(next(iter(inputs.values())))
        subs = dict(parameters)
        for x, values in inputs.items():
            subs.update(zip(vector_symbols(x, n), values))
        return tuple(c.xreplace(subs) for c in self.vector(n))

    def latex(self) -> str:
        """LaTeX of ``T(\\cdot)_i``, printed by SymPy; with a history of students (inputs ``q``,
        ``q1``, ``q2``, ...: ``q<k>`` is the student ``k`` generations back) they read
        ``q_{t,i}``, ``q_{t-1,i}``, ..."""
        names = {}
        if "q" in self.inputs and any(re.fullmatch(r"q\d+", x) for x in self.inputs):
            for atom in self.component.atoms(sp.Indexed):
                label = str(atom.base.label)
                if label == "q" or (re.fullmatch(r"q\d+", label) and label in self.inputs):
                    lag = "t" if label == "q" else f"t-{label[1:]}"
                    names[atom] = sp.Symbol(f"q_{{{lag},{sp.latex(atom.indices[0])}}}")
        body = latex(self.component.xreplace(names))
        return rf"\frac{{{body}}}{{\sum_j (\cdot)_j}}" if self.normalize else body


def _ratio(value: Fraction) -> tuple[int, int]:
    return value.numerator, value.denominator
