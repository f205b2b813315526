"""The one three-valued walker of formulas (:mod:`kdaxioms.certified.kleene`), checked against
SymPy's own truth at exact points and against the Kleene tables; and the one arb walker
(:mod:`kdaxioms.certified.intervals`) on numbers, balls and real roots."""

from __future__ import annotations

import itertools
import random

import flint
import pytest
import sympy as sp

from kdaxioms.certified.formula_intervals import FormulaEnclosure
from kdaxioms.certified.intervals import Interval, ball, enclose_number, precision
from kdaxioms.certified.kleene import kleene, relation_truth
from kdaxioms.symbolic.certify import certified_sign, certified_truth
from kdaxioms.symbolic.errors import TranslationError

x, y = sp.symbols("x y")
RELATIONS = (sp.Le, sp.Lt, sp.Ge, sp.Gt, sp.Eq, sp.Ne)


@pytest.mark.parametrize("rel", RELATIONS)
def test_relation_table_agrees_with_sympy_at_exact_points(rel):
    """A point enclosure [d, d] of ``a - b`` decides every relation as SymPy does."""
    for d in (-2, -1, 0, 1, 3):
        relation = rel(x, 0, evaluate=False)
        assert relation_truth(relation, d, d) is bool(rel(d, 0))


@pytest.mark.parametrize("rel", RELATIONS)
def test_relation_table_on_an_enclosure_is_sound(rel):
    """Over ``[lo, hi]`` a verdict must hold at every point of it, and an enclosure that
    straddles the boundary decides nothing."""
    rng = random.Random(7)
    for _ in range(300):
        lo = sp.Rational(rng.randint(-6, 6), rng.randint(1, 3))
        hi = lo + sp.Rational(rng.randint(0, 6), rng.randint(1, 3))
        truth = relation_truth(rel(x, 0, evaluate=False), lo, hi)
        samples = [lo, hi, (lo + hi) / 2] + ([sp.Integer(0)] if lo <= 0 <= hi else [])
        values = {bool(rel(s, 0)) for s in samples}
        if truth is not None:
            assert values == {truth}, (rel, lo, hi)
        else:
            assert len(values) == 2 or lo != hi, (rel, lo, hi)


def test_connectives_follow_kleene_tables():
    """And, Or, Not, Implies over {True, False, None}, with atoms whose truth is given."""
    atoms = sp.symbols("a b", real=True)
    relations = [sp.Gt(a, 0) for a in atoms]
    for va, vb in itertools.product((True, False, None), repeat=2):
        truth = dict(zip(relations, (va, vb)))
        ra, rb = relations

        def atom(r):  # SymPy folds Not(a > 0) into a <= 0: read it as the negation
            if r in truth:
                return truth[r]
            return None if truth[r.negated] is None else not truth[r.negated]

        def value(f):
            return kleene(f, atom)

        known = [v for v in (va, vb)]
        assert value(sp.And(ra, rb)) == (False if False in known else None if None in known else True)
        assert value(sp.Or(ra, rb)) == (True if True in known else None if None in known else False)
        assert value(sp.Not(ra)) == (None if va is None else not va)
        expected = True if (va is False or vb is True) else False if (va is True and vb is False) else None
        assert value(sp.Implies(ra, rb)) == expected


def test_non_formula_is_a_translation_error():
    with pytest.raises(TranslationError):
        kleene(x + 1, lambda r: True)


def test_exact_and_interval_evaluators_share_the_walker():
    """At an exact point, the point evaluator and the box evaluator on a zero-width box agree."""
    formula = sp.Implies(sp.Gt(x, 0), sp.Le(sp.log(x) * y, x * y))
    enclosure = FormulaEnclosure(formula, (x, y))
    for px, py in ((sp.Rational(1, 3), 2), (3, -1), (-1, 5), (2, sp.Rational(1, 7))):
        exact = certified_truth(formula, {x: sp.sympify(px), y: sp.sympify(py)})
        boxed = enclosure.truth([Interval.exact(px), Interval.exact(py)])
        assert exact == boxed or boxed is None, (px, py, exact, boxed)
        assert exact is (bool(sp.log(px) * py <= px * py) if px > 0 else True)


def test_arb_walker_on_numbers_balls_and_roots():
    root = sp.CRootOf(x**3 + 11 * x**2 - 19 * x - 9, 2)
    with precision(128):
        enclosure = enclose_number(root - sp.Rational(185533, 100000))
        assert enclosure.lo > 0 and enclosure.hi < sp.Float("1e-5")
    assert certified_sign(sp.sqrt(2) - sp.Rational(1414213562, 10**9)) == 1
    assert certified_sign(sp.log(3) - sp.Rational(10986122, 10**7)) == 1
    assert certified_sign(sp.log(3) - sp.Rational(10986123, 10**7)) == -1
    with precision(64):
        b = ball(x**2 + sp.log(x), {x: flint.arb(2, 0.01)})
        assert b.contains(flint.arb(4) + flint.arb(2).log())
        assert b.contains(flint.arb("2.01") ** 2 + flint.arb("2.01").log())


def test_certified_sign_refuses_floats_and_has_no_sign_for_non_real_numbers():
    with pytest.raises(TranslationError, match="floating-point"):
        certified_sign(sp.Add(sp.Float(0.1), -sp.Rational(3602879701896397, 2**55), evaluate=False))
    assert certified_sign((-2) ** sp.sqrt(2) - 1) is None
    assert certified_sign(sp.Pow(0, sp.sqrt(2), evaluate=False)) == 0
