"""Round trips by meaning: SymPy, numpy and Z3 agree on the same operator and divergences."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
import z3

from kdaxioms.numeric.translate import numeric_divergence, numeric_operator
from kdaxioms.smt.translate import Z3Translator
from kdaxioms.symbolic.certify import certified_sign
from kdaxioms.symbolic.divergences import DIVERGENCES, X, Y
from kdaxioms.symbolic.errors import TranslationError

from catalogue import AXIOMS

POINTS = [(Fraction(1, 5), Fraction(1, 2), Fraction(1, 3)), (Fraction(7, 10), Fraction(0), Fraction(1)),
          (Fraction(1, 100), Fraction(9, 10), Fraction(3, 4))]


@pytest.mark.parametrize("case", AXIOMS, ids=lambda c: c.id)
def test_operator_translations_agree(case):
    op = case.build()
    expr = op.coordinate()
    syms = [op.coordinate_inputs()["p"], op.coordinate_inputs()["q"], op.parameter_symbols[0]]
    num = numeric_operator(op)
    for p, q, a in POINTS:
        exact = expr.xreplace(dict(zip(syms, map(sp.Rational, (p, q, a)))))
        assert exact == case.direct([p], [q], a)[0]
        ctx = z3.Context()
        tr = Z3Translator({s: z3.Real(s.name, ctx) for s in syms}, ctx)
        val = z3.simplify(z3.substitute(tr(expr), *[(z3.Real(s.name, ctx), tr(sp.Rational(v))) for s, v in zip(syms, (p, q, a))]))
        assert Fraction(val.numerator_as_long(), val.denominator_as_long()) == exact
        out = num({"p": np.array([[float(p), 1 - float(p)]]), "q": np.array([[float(q), 1 - float(q)]])}, {"alpha": float(a)})
        assert out[0, 0] == pytest.approx(float(exact), rel=1e-14, abs=1e-15)


@pytest.mark.parametrize("name", list(DIVERGENCES))
def test_divergence_numpy_matches_sympy(name):
    d = DIVERGENCES[name]
    x, y = np.array([0.2, 0.5, 0.3]), np.array([0.25, 0.25, 0.5])
    exact = sum(float(d.term.subs({X: sp.nsimplify(a), Y: sp.nsimplify(b)})) for a, b in zip(x, y))
    assert numeric_divergence(d)(x, y) == pytest.approx(exact, rel=1e-12)


def test_kl_uses_zero_log_zero_from_the_limit():
    kl = numeric_divergence(DIVERGENCES["kl"])
    assert kl(np.array([0.0, 1.0]), np.array([0.5, 0.5])) == pytest.approx(np.log(2))
    assert np.isinf(kl(np.array([0.5, 0.5]), np.array([1.0, 0.0])))


def test_z3_rejects_logarithms_by_name():
    ctx = z3.Context()
    tr = Z3Translator({X: z3.Real("x", ctx), Y: z3.Real("y", ctx)}, ctx)
    with pytest.raises(TranslationError, match="log"):
        tr(DIVERGENCES["kl"].term)


def test_z3_square_root_is_an_exact_auxiliary():
    ctx = z3.Context()
    x = z3.Real("x", ctx)
    tr = Z3Translator({X: x}, ctx)
    s = z3.Solver(ctx=ctx)
    s.add(tr(sp.sqrt(X)) == 3, *tr.side_conditions)
    assert s.check() == z3.sat and s.model().eval(x).as_long() == 9


def test_certified_signs():
    assert certified_sign(sp.Rational(-1, 3)) == -1
    assert certified_sign(sp.sqrt(2) - sp.Rational(14142, 10000)) == 1
    assert certified_sign(sp.log(3) - sp.Rational(11, 10)) == -1
    assert certified_sign(sp.log(4) - 2 * sp.log(2)) == 0
