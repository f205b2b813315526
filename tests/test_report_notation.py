"""The report's notation: Iverson brackets and named algebraic roots, scopes in mathematical
notation, every route explained, and witnesses that carry both sides of what they violate."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
import sympy as sp

from kdaxioms.proofs import report_scope
from kdaxioms.proofs.claims import registry
from kdaxioms.proofs.routes_glossary import engine, explain
from kdaxioms.symbolic.axioms import axiom
from kdaxioms.symbolic.certify import violated_relations
from kdaxioms.symbolic.families import family
from kdaxioms.symbolic.points import Point
from kdaxioms.symbolic.printing import latex
from kdaxioms.symbolic.verdict import Scope
from kdaxioms.symbolic.witness import explain as explain_witness, interior_variant

x, a, b = sp.symbols("x a b")


def test_unit_steps_print_as_iverson_brackets_with_both_sides():
    assert latex(sp.Heaviside(a - b, 0)) == r"\left[a > b\right]"
    assert latex(sp.Heaviside(a - b, 1)) == r"\left[a \geq b\right]"
    assert latex(sp.Heaviside(sp.Rational(3, 2) - a, 0)) == r"\left[a < \frac{3}{2}\right]"  # the variable first
    assert r"\theta" in latex(sp.Heaviside(a - b))  # the value 1/2 at 0 is no indicator: SymPy's form stays


def test_an_algebraic_root_is_named_with_its_decimal_and_its_polynomial():
    root = sp.CRootOf(x**3 + 11 * x**2 - 19 * x - 9, 2)
    text = latex(root / (1 + root**2))
    assert "CRootOf" not in text and text.startswith(r"\frac{y}{y^{2} + 1}")
    assert r"y \approx 1.855330557\ldots" in text and "3rd smallest real root of" in text
    assert "x^{3} + 11 x^{2} - 19 x - 9" in text
    two = latex(sp.CRootOf(x**3 - 2, 0) + sp.CRootOf(x**2 - 3, 1))
    assert "y_{1}" in two and "y_{2}" in two


def test_scopes_in_notation_keep_every_fact():
    scope = Scope("n<=3", {"alpha": ("1/2", "1/3")},
                  ("where the operator is defined: normalizer non-zero; p1[i]**w_1 defined (no 0**0); "
                   "1/(Sum(p1[j]**w_1, (j, 1, n))) defined", "anchor p = (9/10, 1/10)"))
    text = report_scope.covered(scope)
    assert text.startswith(r"$n \le 3$; $\alpha \in \{1/2, 1/3\}$")
    assert r"\left({p^{1}_{i}}\right)^{w_{1}}$ defined (no $0^0$)" in text
    assert r"\sum_{j=1}^{n}" in text and "normalizer non-zero" in text and "anchor p = (9/10, 1/10)" in text
    assert report_scope.sizes("all-n") == "every $n$" and report_scope.sizes("n=2") == "$n = 2$"
    assert report_scope.condition("p1[i] ** ( defined") == "p1[i] ** ( defined"  # unparsable: kept as text


def test_every_route_name_of_the_registry_is_explained():
    names = {r.name for c in registry().values() for r in c.routes}
    assert not [n for n in names if not explain(n)]
    assert explain("audit/sampling").startswith("the audit of the family's operator")
    assert explain("no-such-route") == ""
    provers = {r.name for c in registry().values() for r in c.routes if r.role == "prover"}
    assert not [n for n in provers - {"audit"} if not engine(n)]  # the audit names its own route
    for decided in ("audit/exact-limits", "audit/definedness", "z3-pl-cegar-n2", "audit/sampling"):
        assert engine(decided), decided
    assert engine("audit/exact-limits") != engine("audit/sampling")


def test_a_violation_names_both_sides_exactly():
    formula = sp.And(a >= 0, a + b <= 1)
    found = violated_relations(formula, {a: sp.Rational(1, 2), b: sp.Rational(3, 4)})
    assert found == ((a + b <= 1, sp.Rational(5, 4), 1),)
    assert violated_relations(sp.Not(a > 0), {a: 1}) == ((a <= 0, 1, 0),)  # SymPy folds the negation
    premise = sp.And(a >= 0, a <= 1)  # holds at the point: never reported as failing
    assert violated_relations(sp.Implies(premise, a + b <= 1), {a: sp.Rational(1, 2), b: 1}) == (
        (a + b <= 1, sp.Rational(3, 2), 1),)
    assert violated_relations(sp.And(premise, a + b <= 1), {a: sp.Rational(1, 2), b: 1}) == (
        (a + b <= 1, sp.Rational(3, 2), 1),)
    vacuous = sp.And(sp.Implies(a > 5, b > 2), sp.Implies(sp.And(a >= 0, b >= 0), b > 2))
    assert violated_relations(vacuous, {a: 2, b: 1}) == ((b > 2, 1, 2),)  # the first implication holds
    assert violated_relations(sp.And(a > 1, sp.Function("f")(a) > 0), {a: 0}) == ((a > 1, 0, 1),)  # never raises


def test_a_boundary_witness_gets_an_interior_witness_that_is_replayed():
    ax = axiom("anchoring", family("unanchored"))
    point = Point({"p": (F(9, 10), F(1, 10)), "q": (F(0), F(1))}, {"alpha": F(3, 5)})
    evidence = explain_witness(point, ax.replay)
    (rel, lhs, rhs), = evidence["violation"]
    assert lhs == 0 and rhs == sp.Rational(27, 50)
    inner = evidence["interior"]
    assert all(v > 0 for vec in inner.inputs.values() for v in vec) and ax.replay(inner).violated


def test_no_interior_witness_is_invented_where_none_exists():
    ax = axiom("positivity", family("geometric-anchor"))
    point = Point({"p": (F(1, 2), F(1, 2)), "q": (F(1), F(0))}, {"alpha": F(1, 2)})
    assert ax.replay(point).violated
    assert interior_variant(point, ax.replay) is None
    assert "interior" not in explain_witness(point, ax.replay)


@pytest.mark.parametrize("name", ["closure", "anchoring"])
def test_a_point_that_holds_gets_no_violation(name):
    ax = axiom(name, family("linear-anchor"))
    point = Point({"p": (F(1, 2), F(1, 2)), "q": (F(1), F(0))}, {"alpha": F(1, 2)})
    assert explain_witness(point, ax.replay) == {}


def test_every_claim_expected_to_fail_says_what_its_failure_means():
    claims = registry().values()
    assert all(c.consequence for c in claims if c.expected == "fails")
    assert not [c.id for c in claims if c.expected != "fails" and c.consequence]


def test_the_reproduce_line_names_the_seed_and_a_fixed_folder():
    from kdaxioms.proofs.cli import _command_line
    assert _command_line(["report", "-o", "/tmp/a b", "C2.tv"], 5) == "kdaxioms report -o kdaxioms-report C2.tv --seed 5"
    assert _command_line(["report", "--seed", "3", "-o", "x"], 3) == "kdaxioms report --seed 3 -o kdaxioms-report"


def test_an_interior_witness_is_searched_for_when_none_lies_near_the_boundary_witness():
    from kdaxioms.proofs.audit import audit_operator
    (r,) = audit_operator(family("geometric-anchor"), ["anchoring"])
    ax = axiom("anchoring", family("geometric-anchor"))
    assert r.verdict == "refuted" and any(v == 0 for vec in r.witness.inputs.values() for v in vec)
    inner = r.evidence["interior"]
    assert r.evidence["interior_how"] in ("mixed", "search")
    assert all(v > 0 for vec in inner.inputs.values() for v in vec) and ax.replay(inner).violated
