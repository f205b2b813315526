"""Claims with logarithms at a fixed support size, as formulas over a box: what the certified
interval routes (:mod:`.refute`, :mod:`.plenclose`, :mod:`.prove`) read.

A :class:`LogClaim` is a closed formula (relations joined by And/Or/Not/Implies) in the vector
symbols of its input distributions and its parameters, with

* the inputs (each a distribution on ``[n]``; ``interior`` ones strictly positive),
* a rational box for every free parameter (the part of the parameter domain that is searched or
  covered, stated in every result), and
* dependent parameters solved from the operator's equality constraints (``w_2 = 1 - w_1``).

Nothing is typed here: formulas come from :class:`~kdaxioms.symbolic.statements.Contraction`
and :class:`~kdaxioms.symbolic.axioms.Axiom`, which derive them from the operator model, and
the exact replay of a witness is theirs too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Mapping

import sympy as sp

from kdaxioms.symbolic.axioms import AUXILIARY_DOMAINS, Axiom
from kdaxioms.symbolic.errors import InputError, ModelError
from kdaxioms.symbolic.points import Point
from kdaxioms.symbolic.witness import explain

from kdaxioms.symbolic.domains import interval_of, solve_constraints
from kdaxioms.symbolic.statements import ANCHOR, Contraction

#: Box of a parameter whose domain is unbounded above (a temperature): stated in every result.
UNBOUNDED_BOX = (Fraction(1, 4), Fraction(4))
#: Distance kept from an open end of a parameter domain (``0 < alpha < 1`` -> ``[1/100, 99/100]``).
OPEN_END_MARGIN = Fraction(1, 100)

Replay = Callable[[Point], "bool | None"]


def _fraction(x: sp.Expr) -> Fraction:
    x = sp.Rational(x)
    return Fraction(int(x.p), int(x.q))


def parameter_box(interval: sp.Interval, margin: Fraction = OPEN_END_MARGIN) -> tuple[Fraction, Fraction]:
    """A closed rational box inside a parameter's domain interval (open ends pulled in by ``margin``)."""
    lo, hi = interval.start, interval.end
    if not lo.is_finite:
        raise ModelError(f"parameter domain {interval} is unbounded below; give a box")
    if not hi.is_finite:
        base = max(_fraction(lo), UNBOUNDED_BOX[0])
        return (base + margin if interval.left_open and base == _fraction(lo) else base), max(UNBOUNDED_BOX[1], 4 * base)
    a, b = _fraction(lo), _fraction(hi)
    if interval.left_open:
        a += margin * (b - a)
    if interval.right_open:
        b -= margin * (b - a)
    return a, b


@dataclass(frozen=True)
class LogClaim:
    """A formula over distributions on ``[n]`` and a box of parameters (see the module docstring)."""

    name: str
    formula: sp.Basic
    n: int
    inputs: Mapping[str, tuple[sp.Symbol, ...]]
    interior: frozenset[str]
    box: Mapping[sp.Symbol, tuple[Fraction, Fraction]]
    dependent: Mapping[sp.Symbol, sp.Expr] = field(default_factory=dict)
    replay: Replay | None = None
    fixed: Mapping[str, tuple[Fraction, ...]] = field(default_factory=dict)
    #: The statement's full exact replay (its violated relations, for the witness's evidence).
    explain: Callable | None = None

    def evidence(self, point) -> dict:
        """The violated relations at a witness, and an interior witness if one exists
        (:func:`kdaxioms.symbolic.witness.explain`); empty without :attr:`explain`."""
        return explain(point, self.explain) if self.explain is not None else {}

    @property
    def parameters(self) -> tuple[sp.Symbol, ...]:
        return tuple(self.box)

    def scope(self) -> str:
        """The stated coverage: support size, parameter box, fixed inputs."""
        parts = [f"n={self.n}"]
        parts += [f"{s} in [{lo}, {hi}]" for s, (lo, hi) in self.box.items()]
        parts += [f"{name} anywhere in the simplex" for name in self.inputs]
        parts += [f"{name} = ({', '.join(map(str, v))})" for name, v in self.fixed.items()]
        return "; ".join(parts)

    def scope_fields(self) -> dict:
        """The coverage as scope fields of an :class:`Outcome`: the box as parameter intervals,
        fixed inputs as conditions (an input anywhere in the simplex restricts nothing)."""
        return {"scope": f"n={self.n}",
                "parameters": {str(s): (f"[{lo}, {hi}]",) for s, (lo, hi) in self.box.items()} or None,
                "conditions": tuple(f"{name} = ({', '.join(map(str, v))})" for name, v in self.fixed.items())}

    def point(self, inputs: Mapping[str, tuple[Fraction, ...]], params: Mapping[sp.Symbol, Fraction]) -> Point:
        """An exact :class:`Point` (dependent parameters computed exactly, fixed inputs added)."""
        values = dict(params)
        exact = {s: sp.Rational(v.numerator, v.denominator) for s, v in values.items()}
        for s, expr in self.dependent.items():
            values[s] = _fraction(expr.xreplace(exact))
        return Point({**self.fixed, **inputs}, {s.name: v for s, v in values.items()})

    def substitution(self, point: Point) -> dict[sp.Symbol, sp.Rational]:
        subs = {}
        for name, syms in {**self.inputs, **self._fixed_symbols()}.items():
            subs.update(zip(syms, (sp.Rational(v.numerator, v.denominator) for v in point.inputs[name])))
        for s in list(self.box) + list(self.dependent):
            v = point.parameters[s.name]
            subs[s] = sp.Rational(v.numerator, v.denominator)
        return subs

    def _fixed_symbols(self) -> dict[str, tuple[sp.Symbol, ...]]:
        from kdaxioms.symbolic.model import vector_symbols
        return {name: vector_symbols(name, self.n) for name in self.fixed}


def _fix_inputs(formula: sp.Basic, n: int, fixed: Mapping[str, tuple[Fraction, ...]]) -> sp.Basic:
    from kdaxioms.symbolic.model import vector_symbols
    subs = {}
    for name, vec in fixed.items():
        if len(vec) != n:
            raise InputError(f"{name} has {len(vec)} entries, expected {n}")
        subs.update(zip(vector_symbols(name, n), (sp.Rational(v.numerator, v.denominator) for v in vec)))
    return formula.xreplace(subs)


def contraction_claim(c: Contraction, n: int, box: Mapping[sp.Symbol, tuple[Fraction, Fraction]] | None = None,
                      anchor: tuple[Fraction, ...] | None = None, name: str | None = None) -> LogClaim:
    """``c`` at support size ``n``: parameters over ``box`` (default: their domains, open ends
    pulled in); the anchor free (interior) or fixed to ``anchor``."""
    op = c.operator
    box = dict(box) if box is not None else {p.symbol: parameter_box(p.interval()) for p in op.parameters}
    fixed = {ANCHOR: tuple(anchor)} if anchor is not None else {}
    formula = _fix_inputs(c.vector_formula(n), n, fixed)
    inputs = {k: v for k, v in op.vector_inputs(n).items() if k not in fixed}
    return LogClaim(name or c.text(), formula, n, inputs, frozenset(op.interior_inputs) - set(fixed), box,
                    replay=c.violated_at, fixed=fixed, explain=c.replay)


def axiom_claim(ax: Axiom, n: int, box: Mapping[sp.Symbol, tuple[Fraction, Fraction]] | None = None) -> LogClaim:
    """An axiom's whole-vector formula at size ``n`` (raises :class:`ModelError` if it has none)."""
    op = ax.operator
    formula = ax.vector_formula(n)
    coordinates = {s for syms in op.vector_inputs(n).values() for s in syms}
    symbols = sorted(formula.free_symbols - coordinates, key=str)
    domains = {p.symbol: p.interval() for p in op.parameters}
    domains.update({s: interval_of(s, cond) for s, cond in AUXILIARY_DOMAINS.items()})
    missing = [s.name for s in symbols if s not in domains]
    if missing:
        raise ModelError(f"no domain for {missing}")
    dependent = solve_constraints(op.constraints, symbols)
    chosen = dict(box or {})
    free = {s: chosen.get(s) or parameter_box(domains[s]) for s in symbols if s not in dependent}
    interior = set(op.inputs) if ax.spec.interior else set(op.interior_inputs)
    return LogClaim(f"{op.name}: {ax.text()}", formula, n, op.vector_inputs(n), frozenset(interior), free,
                    dependent, replay=ax.violated_at, explain=ax.replay)
