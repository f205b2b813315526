"""The one replay: a point outside the premise, or where the operator is undefined, is never a witness.

Points are generated (seeded) around the catalogue's operators and the built-in families and
broken in one way each: a negative entry, a sum other than 1, a zero entry of an anchor (or of
any input, for an axiom on the open simplex), vectors of different lengths, a missing input, a
parameter outside its domain, an unknown parameter, an auxiliary symbol outside its domain, and
(for normalized operators) inputs where the normalizer vanishes.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy as sp

from catalogue import AUDITS, AXIOMS
from kdaxioms.symbolic.axioms import AUXILIARY_DOMAINS, AXIOMS as SPECS, Axiom
from kdaxioms.symbolic.domains import sample_value
from kdaxioms.symbolic.errors import InputError, ModelError
from kdaxioms.symbolic.families import FAMILIES, family
from kdaxioms.symbolic.opfile import operator_from_data
from kdaxioms.symbolic.points import Point
from kdaxioms.symbolic.replay import Status

OPERATORS = ({f"family-{name}": (lambda name=name: family(name)) for name in FAMILIES}
             | {f"audit-{c.id}": (lambda c=c: operator_from_data(c.data)) for c in AUDITS}
             | {f"axiom-{c.id}": c.build for c in AXIOMS})
OUTSIDE_VALUES = tuple(Fraction(x) for x in ("-3", "-1", "-1/2", "0", "1/2", "1", "3/2", "2", "100"))


def _axioms(op) -> list[Axiom]:
    """The axioms of ``op``'s kind with an exact whole-vector formula (those needing a missing role skipped)."""
    out = []
    for spec in SPECS[op.kind].values():
        if spec.vector is None or spec.undecided:
            continue
        try:
            Axiom(spec, op).vector_formula(2)
        except ModelError:
            continue
        out.append(Axiom(spec, op))
    return out


def _distribution(rng: random.Random, n: int, positive: bool = True) -> tuple[Fraction, ...]:
    raw = [Fraction(rng.randint(1 if positive else 0, 9)) for _ in range(n)]
    if sum(raw) == 0:
        raw[0] = Fraction(1)
    return tuple(x / sum(raw) for x in raw)


def _base(ax: Axiom, rng: random.Random, n: int) -> tuple[dict, dict]:
    """Inputs in the open simplex and parameters at sample values of their domains (with the
    auxiliary symbols the axiom uses, at a value inside their domains)."""
    op = ax.operator
    inputs = {name: _distribution(rng, n) for name in op.inputs}
    params = {}
    for p in op.parameters:
        v = sample_value(p, rng.randrange(3))
        params[p.name] = Fraction(int(v.p), int(v.q)) if v is not None else Fraction(1, 2)
    free = ax.vector_formula(n).free_symbols
    params |= {s.name: Fraction(1, 2) for s in AUXILIARY_DOMAINS if s in free}
    return inputs, params


def _broken(ax: Axiom, rng: random.Random, n: int) -> list[tuple[str, Point]]:
    op = ax.operator
    inputs, params = _base(ax, rng, n)
    name = rng.choice(op.inputs)
    out = []
    vec = list(_distribution(rng, n))
    k = rng.randrange(n)
    d = Fraction(rng.randint(1, 5), rng.randint(2, 7))
    vec[k] -= vec[k] + d  # entry -d, then the others absorb the excess so the sum stays 1
    vec[(k + 1) % n] += 1 - sum(vec)
    out.append(("negative entry", Point(inputs | {name: tuple(vec)}, params)))
    scale = Fraction(rng.choice((1, 2, 3, 5)), rng.choice((2, 3, 4, 7)))
    if scale != 1:
        out.append(("sum != 1", Point(inputs | {name: tuple(v * scale for v in inputs[name])}, params)))
    interior = set(op.interior_inputs) | (set(op.inputs) if ax.spec.interior else set())
    for zeroed in sorted(interior):
        vec = [Fraction(0)] + list(_distribution(rng, n - 1))
        out.append((f"zero entry of {zeroed}", Point(inputs | {zeroed: tuple(vec)}, params)))
    if len(op.inputs) > 1:
        out.append(("missing input", Point({k: v for k, v in inputs.items() if k != name}, params)))
    for p in op.parameters:
        outside = [v for v in OUTSIDE_VALUES if p.domain.xreplace({p.symbol: sp.Rational(v.numerator, v.denominator)}) is sp.false]
        if outside:
            out.append((f"{p.name} outside its domain", Point(inputs, params | {p.name: rng.choice(outside)})))
        out.append((f"{p.name} missing", Point(inputs, {k: v for k, v in params.items() if k != p.name})))
    out.append(("unknown parameter", Point(inputs, params | {"zeta": Fraction(1, 3)})))
    for s, domain in AUXILIARY_DOMAINS.items():
        if s.name in params:
            outside = [v for v in OUTSIDE_VALUES if domain.xreplace({s: sp.Rational(v.numerator, v.denominator)}) is sp.false]
            out.append((f"{s.name} outside its domain", Point(inputs, params | {s.name: rng.choice(outside)})))
    return out


@pytest.mark.parametrize("key", sorted(OPERATORS))
def test_points_outside_the_premise_are_never_witnesses(key):
    op = OPERATORS[key]()
    rng = random.Random(f"replay-{key}")  # seeded per operator: each case fails on its own
    checked = 0
    for ax in _axioms(op):
        for n in (2, 3):
            for why, point in _broken(ax, rng, n):
                result = ax.replay(point)
                assert result.status is Status.OUTSIDE_PREMISE, (ax.spec.name, why, point.to_json(), result)
                assert ax.violated_at(point) is not True, (ax.spec.name, why, point.to_json())
                checked += 1
    assert checked > 0 or not _axioms(op)


def _normalized() -> list[str]:
    return sorted(k for k, build in OPERATORS.items() if build().normalize)


@pytest.mark.parametrize("key", _normalized())
def test_a_vanishing_normalizer_is_undefined_never_a_witness(key):
    """At every combination of vertices (n = 2) where the exact unnormalized components sum to 0
    (or are themselves undefined, e.g. ``0**0``), the replay says UNDEFINED."""
    import itertools
    from kdaxioms.symbolic.certify import exact_value
    from kdaxioms.symbolic.errors import UndefinedError
    from kdaxioms.symbolic.model import vector_symbols
    op = OPERATORS[key]()
    rng = random.Random(f"normalizer-{key}")
    vertices = ((Fraction(1), Fraction(0)), (Fraction(0), Fraction(1)))
    found = 0
    for ax in _axioms(op):
        inputs, params = _base(ax, rng, 2)
        subs = {p.symbol: sp.Rational(params[p.name].numerator, params[p.name].denominator) for p in op.parameters}
        for choice in itertools.product(vertices, repeat=len(op.inputs)):
            point_inputs = dict(zip(op.inputs, choice))
            values = dict(subs)
            for name, vec in point_inputs.items():
                values.update(zip(vector_symbols(name, 2), (sp.Integer(int(v)) for v in vec)))
            try:
                total = sum(exact_value(c, values) for c in op.expand(op.component, 2))
            except UndefinedError:
                total = 0
            if total != 0:
                continue
            point = Point(point_inputs, params)
            result = ax.replay(point)
            if result.status is Status.OUTSIDE_PREMISE:  # a vertex anchor: outside before undefined
                continue
            assert result.status is Status.UNDEFINED, (ax.spec.name, point.to_json(), result)
            assert ax.violated_at(point) is not True
            found += 1
    if key.endswith("geometric-aggregation"):
        assert found > 0  # p1 = (1, 0), p2 = (0, 1): every product is 0


def test_the_student_outside_the_simplex_is_not_a_witness():
    """``q = (3/2, -1/2)`` once made closure of the linear anchor 'violated' (T(q) has a negative entry)."""
    ax = Axiom(SPECS[family("linear-anchor").kind]["closure"], family("linear-anchor"))
    point = Point({"p": (Fraction(1, 2), Fraction(1, 2)), "q": (Fraction(3, 2), Fraction(-1, 2))}, {"alpha": Fraction(1, 10)})
    result = ax.replay(point)
    assert result.status is Status.OUTSIDE_PREMISE and "negative" in result.reason
    assert ax.violated_at(point) is None
    with pytest.raises(InputError):  # vectors of different lengths are not even a point
        Point({"p": (Fraction(1, 2), Fraction(1, 2)), "q": (Fraction(1), Fraction(0), Fraction(0))}, {})
    inside = Point({"p": (Fraction(1, 2), Fraction(1, 2)), "q": (Fraction(1), Fraction(0))}, {"alpha": Fraction(1, 10)})
    assert ax.replay(inside).status is Status.HOLDS


def test_a_true_violation_still_replays_as_violated():
    """The premise checks do not hide real witnesses: overshoot's closure fails at an interior point."""
    op = operator_from_data(next(c for c in AUDITS if c.id == "overshoot").data)
    ax = Axiom(SPECS[op.kind]["closure"], op)
    point = Point({"p": (Fraction(1, 2), Fraction(1, 2)), "q": (Fraction(1), Fraction(0))}, {"alpha": Fraction(1, 2)})
    assert ax.replay(point).status is Status.VIOLATED and ax.violated_at(point) is True


_X = sp.Symbol("x", real=True)


@pytest.mark.parametrize("expr, defined", [
    (sp.Pow(_X, 0, evaluate=False), False), (sp.log(_X), False), (sp.sqrt(_X - 1), False), (1 / _X, False), ((_X - 8) ** sp.Rational(1, 3), False),
    (_X ** _X, False), (_X ** sp.Rational(1, 2), True), ((_X + 2) ** -1, True), (sp.Abs(_X - 1) ** 3, True),
])
def test_exact_value_refuses_undefined_operations(expr, defined):
    """Bottom-up evaluation at x = 0: SymPy would fold 0**0 to 1 and sqrt(-1) to I."""
    from kdaxioms.symbolic.certify import exact_value
    from kdaxioms.symbolic.errors import UndefinedError
    if defined:
        assert exact_value(expr, {_X: sp.Integer(0)}).is_real
    else:
        with pytest.raises(UndefinedError):
            exact_value(expr, {_X: sp.Integer(0)})
