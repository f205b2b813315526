"""The fast paths of the interval kernel stay sound: a point times an interval, constants folded
once per precision (and recomputed at another precision), memoized region constants."""

from fractions import Fraction

import flint
import pytest
import sympy as sp

from kdaxioms.certified.intervals import Interval, IntervalProgram, mul, precision


@pytest.mark.parametrize("c", [Fraction(3, 7), Fraction(-3, 7), Fraction(0)])
@pytest.mark.parametrize("lo,hi", [(Fraction(-1, 3), Fraction(2, 5)), (Fraction(1, 9), Fraction(5, 2)), (Fraction(-4), Fraction(-1, 7))])
def test_point_times_interval_contains_the_exact_products(c, lo, hi):
    for a, b in ((Interval.exact(c), Interval.of(lo, hi)), (Interval.of(lo, hi), Interval.exact(c))):
        out = mul(a, b)
        for x in (lo, hi, (lo + hi) / 2):
            with precision(1024):
                exact = flint.arb(flint.fmpq((c * x).numerator, (c * x).denominator))
                assert out.lo <= exact.lower() and exact.upper() <= out.hi


def test_constants_are_folded_per_precision():
    x = sp.Symbol("x", real=True)
    program = IntervalProgram(x * sp.log(10) - sp.Rational(1, 3) * sp.log(7), [x])
    with precision(64):
        low = program([Interval.exact(1)])
    with precision(256):
        high = program([Interval.exact(1)])
        again = program([Interval.exact(1)])
    with precision(1024):
        exact = flint.arb(10).log() - flint.arb(7).log() / 3
        for enc in (low, high, again):
            assert enc.lo <= exact.lower() and exact.upper() <= enc.hi
    assert high.width() < low.width()  # recomputed at the higher precision, not reused
    assert again.lo == high.lo and again.hi == high.hi


def test_undetermined_constant_gives_the_entire_line():
    x = sp.Symbol("x", real=True)
    program = IntervalProgram(x + sp.log(sp.Integer(0), evaluate=False), [x])  # log(0): an undetermined constant
    assert not program([Interval.exact(1)]).bounded


def test_wrong_number_of_intervals_is_an_error():
    x, y = sp.symbols("x y", real=True)
    with pytest.raises(ValueError):
        IntervalProgram(x + y, [x, y])([Interval.exact(1)])


def test_the_generated_program_gives_the_interpreters_enclosure():
    """The program runs as generated Python (one statement per step, an n-ary sum as a left
    fold): on random boxes it gives exactly the interval of interpreting the same steps one by
    one (a 400-term sum with powers, logs, x log x and Max included), and the entire line where
    a step is unbounded."""
    import random

    from kdaxioms.certified.intervals import ENTIRE, XLogX

    x, y = sp.symbols("x y", real=True)
    terms = [x ** k / k + sp.log(y + k) for k in range(1, 401)]
    programs = [IntervalProgram(sp.Add(*terms, evaluate=False), [x, y]),
                IntervalProgram(XLogX(x) * y - sp.Max(x, y) ** 3 / (1 + y) + sp.sqrt(x + y) * sp.exp(-x), [x, y])]
    rng = random.Random(0)
    with precision(128):
        for _ in range(20):
            ends = [sorted(Fraction(rng.randint(1, 99), 100) for _ in range(2)) for _ in range(2)]
            box = [Interval.of(*e) for e in ends]
            for program in programs:
                got, want = program(box), program.interpreted(box)
                assert (got.lo, got.hi) == (want.lo, want.hi)
    log_at_zero = IntervalProgram(sp.log(x) + y, [x, y])
    box = [Interval.of(0, 1), Interval.of(0, 1)]
    assert log_at_zero(box) is ENTIRE and log_at_zero.interpreted(box) is ENTIRE


def test_a_unit_coefficient_gives_the_ends_the_multiplication_gives():
    """The region's affine maps and the chain rule skip ``mul`` for the coefficients 1 and -1:
    the ends must be those of ``mul`` with the exact coefficient (and ``0 + a`` those of ``a``)."""
    from kdaxioms.certified.branch import _affine, _exact, _scaled, _sign_of
    from kdaxioms.certified.intervals import add
    with precision(53):
        xs = [Interval.of(Fraction(-1, 3), Fraction(2, 7)), Interval.of(Fraction(1, 10), Fraction(9, 10))]
        for c in (Fraction(1), Fraction(-1), Fraction(3, 7), Fraction(-5, 2)):
            for x in xs:
                fast, slow = _scaled(c, _sign_of(c), x), mul(_exact(c), x)
                assert (fast.lo, fast.hi) == (slow.lo, slow.hi), (c, x)
        for const in (Fraction(0), Fraction(1), Fraction(1, 3)):
            terms = ((Fraction(-1), -1), (Fraction(2, 3), 0))
            fast = _affine(const, terms, xs)
            slow = add(add(_exact(const), mul(_exact(Fraction(-1)), xs[0])), mul(_exact(Fraction(2, 3)), xs[1]))
            assert (fast.lo, fast.hi) == (slow.lo, slow.hi), const
