from fractions import Fraction

import pytest
import sympy as sp

from kdaxioms.symbolic.domains import Parameter
from kdaxioms.symbolic.errors import InputError, ModelError, UnknownNameError
from kdaxioms.symbolic.families import family
from kdaxioms.symbolic.model import INDEX, Kind, Operator, real
from kdaxioms.symbolic.points import Point, distribution, fraction

from catalogue import ALPHA, P, Q, meta


def test_vector_form_of_linear_anchor_at_a_point():
    f1 = family("linear-anchor")
    p = (sp.Rational(1, 4), sp.Rational(3, 4))
    q = (sp.Integer(1), sp.Integer(0))
    t = f1.apply({"p": p, "q": q}, {f1.parameter_symbols[0]: sp.Rational(1, 2)})
    assert t == (sp.Rational(5, 8), sp.Rational(3, 8))


def test_normalized_operator_divides_by_the_sum():
    op = Operator("geo", Kind.META, ("p", "q"), sp.sqrt(P[INDEX] * Q[INDEX]),
                  (Parameter(ALPHA, sp.And(0 < ALPHA, ALPHA <= 1)),), normalize=True)
    t = op.apply({"p": (sp.Rational(1, 2), sp.Rational(1, 2)), "q": (sp.Rational(1, 2), sp.Rational(1, 2))}, {})
    assert [sp.simplify(x) for x in t] == [sp.Rational(1, 2), sp.Rational(1, 2)]
    with pytest.raises(ModelError):
        op.coordinate()


def test_stray_symbol_is_a_model_error():
    with pytest.raises(ModelError, match="beta"):
        meta("bad", real("beta") * P[INDEX])


def test_unknown_input_is_a_model_error():
    with pytest.raises(ModelError, match="r"):
        meta("bad", sp.IndexedBase("r")[INDEX])


def test_label_symmetry_is_detected():
    assert family("linear-anchor").label_symmetric
    assert not meta("index-dependent", P[INDEX] + INDEX * Q[INDEX]).label_symmetric


def test_parameter_domain_membership_and_grid():
    (alpha,) = family("linear-anchor").parameters
    assert alpha.contains(Fraction(1)) and not alpha.contains(Fraction(0))
    assert alpha.grid(3) == [Fraction(1, 4), Fraction(1, 2), Fraction(1)]
    with pytest.raises(InputError, match="outside its domain"):
        alpha.check(Fraction(3, 2))


def test_unknown_family_names_the_choices():
    with pytest.raises(UnknownNameError, match="linear-anchor"):
        family("no-such-family")


@pytest.mark.parametrize("values, message", [
    ([Fraction(1, 2)], "at least 2"),
    ([Fraction(1, 2), Fraction(1, 3)], "sums to 5/6"),
    ([Fraction(3, 2), Fraction(-1, 2)], "negative"),
])
def test_malformed_distributions_are_rejected(values, message):
    with pytest.raises(InputError, match=message):
        distribution(values)


def test_interior_requires_positive_entries():
    with pytest.raises(InputError, match="zero entry"):
        distribution([Fraction(0), Fraction(1)], interior=True)


def test_fraction_parsing():
    assert fraction("3/10") == Fraction(3, 10) and fraction("0.25") == Fraction(1, 4)
    with pytest.raises(InputError, match="not an exact number"):
        fraction("abc")


def test_point_json_is_exact():
    pt = Point({"p": (Fraction(1, 3), Fraction(2, 3))}, {"alpha": Fraction(1, 2)})
    assert pt.to_json() == {"n": 2, "inputs": {"p": ["1/3", "2/3"]}, "parameters": {"alpha": "1/2"}}
