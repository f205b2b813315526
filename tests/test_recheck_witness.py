"""The independent witness evaluator (kdaxioms.recheck.witness_eval): hand-computed witnesses,
the premise, malformed witnesses, the interval routines, and its standard-library-only imports."""

from __future__ import annotations

import ast
import json
import math
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from kdaxioms.recheck import witness_eval, witness_model
from kdaxioms.recheck.witness_eval import check_witness, check_witness_file
from kdaxioms.recheck.witness_model import Interval, Undefined, exp, log, power, root, sqrt

F = Fraction

# -- operators, as the data of operator files ---------------------------------------------------------

GEOMETRIC_ANCHOR = {"name": "geometric-anchor", "kind": "meta", "component": "p[i]**alpha * q[i]**(1 - alpha)",
                    "normalize": True, "parameters": {"alpha": "0 < alpha < 1"}, "constraints": [],
                    "roles": {"anchor_weight": "alpha"}, "teachers": None, "memory": None}
LINEAR_ANCHOR = {"name": "linear-anchor", "kind": "meta", "component": "alpha*p[i] + (1 - alpha)*q[i]",
                 "parameters": {"alpha": "0 < alpha <= 1"}, "roles": {"anchor_weight": "alpha"}}
UNANCHORED = {"name": "unanchored", "kind": "meta", "component": "q[i]", "parameters": {"alpha": "0 < alpha <= 1"},
              "roles": {"anchor_weight": "alpha"}}
SOFTENED_ANCHOR = {"name": "softened-anchor", "kind": "meta",
                   "component": "alpha*p[i] + (1 - alpha)*q[i]**(1/tau)/Sum(q[j]**(1/tau), (j, 1, n))",
                   "parameters": {"alpha": "0 < alpha <= 1", "tau": "tau > 0"},
                   "roles": {"anchor_weight": "alpha", "temperature": "tau"}}
POWER_SOFTENING = {"name": "power-softening", "kind": "softening", "component": "p[i]**(1/tau)", "normalize": True,
                   "parameters": {"tau": "tau > 0"}, "roles": {"temperature": "tau", "identity": "1"}}
LINEAR_SMOOTHING = {"name": "linear-smoothing", "kind": "softening", "component": "p[i]/tau + (1 - 1/tau)/n",
                    "parameters": {"tau": "tau > 0"}, "roles": {"temperature": "tau", "identity": "1"}}
_WEIGHTS = {"teachers": 2, "parameters": {"w_1": "0 <= w_1 <= 1", "w_2": "0 <= w_2 <= 1"},
            "constraints": ["w_1 + w_2 = 1"], "roles": {"weights": ["w_1", "w_2"]}}
ARITHMETIC = {"name": "arithmetic-aggregation", "kind": "aggregation", "component": "w_1*p1[i] + w_2*p2[i]", **_WEIGHTS}
GEOMETRIC = {"name": "geometric-aggregation", "kind": "aggregation", "component": "p1[i]**w_1 * p2[i]**w_2",
             "normalize": True, **_WEIGHTS}


def witness(operator: dict, subject: dict, inputs: dict, parameters: dict, auxiliary: dict | None = None,
            n: int | None = None) -> dict:
    return {"format": "kdaxioms-witness/1", "subject": subject, "operator": operator,
            "n": n if n is not None else len(next(iter(inputs.values()))), "inputs": inputs,
            "parameters": parameters, "auxiliary": auxiliary or {}, "expected": "violated"}


def axiom(name: str, code: str) -> dict:
    return {"axiom": name, "code": code}


M3_POINT = {"p": ["99/100", "1/100"], "q": ["0", "1"]}
M3_WITNESS = witness(GEOMETRIC_ANCHOR, axiom("anchoring", "M3"), M3_POINT, {"alpha": "77/79"})
# raising w_1 by s = 1/10 moves the geometric aggregate away from p1 in L2² (a float search, n = 3)
A3_POINT = {"p1": ["10000/20001", "10000/20001", "1/20001"], "p2": ["10000/20001", "1/20001", "10000/20001"]}

# -- hand-computed witnesses (status, and a phrase of the detail line) ------------------------------------

CASES = [
    # c = (0, (1/100)**(77/79)), so T = (0, 1) and T_1 = 0 < alpha p_1 = 7623/7900
    pytest.param(M3_WITNESS, "agree", "T_1 = 0 < alpha*p_1 = 7623/7900", id="geometric-anchor-M3"),
    # T = alpha p + (1 - alpha) q >= alpha p
    pytest.param(witness(LINEAR_ANCHOR, axiom("anchoring", "M3"), M3_POINT, {"alpha": "77/79"}), "disagree", "M3 anchoring holds",
                 id="linear-anchor-M3-holds"),
    # disjoint teachers: c = (1**(1/2) 0**(1/2), 0**(1/2) 1**(1/2)) = (0, 0), a normalizer 0
    pytest.param(witness(GEOMETRIC, axiom("closure", "A1"), {"p1": ["1", "0"], "p2": ["0", "1"]},
                         {"w_1": "1/2", "w_2": "1/2"}), "agree", "normalizer", id="geometric-aggregation-A1-disjoint"),
    # p**(1/1) normalized is p
    pytest.param(witness(POWER_SOFTENING, axiom("identity", "S4"), {"p": ["4/5", "1/10", "1/10"]}, {"tau": "2/5"}),
                 "disagree", "S4 identity holds", id="power-softening-S4-holds"),
    # 1/10 * 5/2 + (1 - 5/2)/3 = 1/4 - 1/2 = -1/4
    pytest.param(witness(LINEAR_SMOOTHING, axiom("closure", "S0"), {"p": ["4/5", "1/10", "1/10"]}, {"tau": "2/5"}),
                 "agree", "T_2 = -1/4 < 0", id="linear-smoothing-S0"),
    # KL(Tq||p) ~ 3.348 > (1 - alpha) KL(q||p) ~ 3.017
    pytest.param(witness(GEOMETRIC_ANCHOR, {"claim": "C6.kl-factor"}, {"p": ["1/100", "99/100"], "q": ["99/100", "1/100"]},
                         {"alpha": "33/100"}), "agree", "KL(T(q)||p) = ~3.34769 >", id="C6-kl-factor"),
    # near the uniform anchor the factor is about (1 - alpha)**2: 0.00914 <= 0.01349
    pytest.param(witness(GEOMETRIC_ANCHOR, {"claim": "C6.kl-factor"}, {"p": ["1/2", "1/2"], "q": ["3/5", "2/5"]},
                         {"alpha": "33/100"}), "disagree", "C6.kl-factor holds", id="C6-kl-factor-holds"),
    # T(p)_1 = 1/52 * 7/8 + 51/52 * S(p)_1 with S(p)_1 ~ 0.6249 != 7/8
    pytest.param(witness(SOFTENED_ANCHOR, axiom("anchor-fixed-point", "M2"), {"p": ["7/8", "1/8"], "q": ["1/2", "1/2"]},
                         {"alpha": "1/52", "tau": "26/7"}), "agree", "T(p, ..., p)_1 = ~0.632808 != p_1 = 7/8",
                 id="softened-anchor-M2"),
    # S(A)_1 ~ 0.7067 but A(S p1, S p2)_1 ~ 0.4056 (tau_S = 2/7: powers 7/2)
    pytest.param(witness(ARITHMETIC, axiom("temperature-coherence", "A5"), {"p1": ["3/10", "7/10"], "p2": ["1", "0"]},
                         {"w_1": "5/8", "w_2": "3/8"}, {"tau_S": "2/7"}), "agree", "S(A(p))_1 = ~0.706739",
                 id="arithmetic-aggregation-A5"),
    pytest.param(witness(GEOMETRIC, axiom("weight-monotone-l2", "A3"), A3_POINT, {"w_1": "3/10", "w_2": "7/10"}, {"s": "1/10"}),
                 "agree", "raising w_1 by s = 1/10", id="geometric-aggregation-A3-l2"),
    # arithmetic: A(w') - p1 = (1 - s)(A(w) - p1), so L2² shrinks by (1 - s)**2
    pytest.param(witness(ARITHMETIC, axiom("weight-monotone-l2", "A3"), A3_POINT, {"w_1": "3/10", "w_2": "7/10"}, {"s": "1/10"}),
                 "disagree", "A3 weight-monotone-l2 holds", id="arithmetic-aggregation-A3-l2-holds"),
    # q_1 = 0 is kept by the factor q[i]**(2/3)
    pytest.param(witness(GEOMETRIC_ANCHOR, {"claim": "C6.global-attraction"}, {"p": ["1/2", "1/2"], "q": ["0", "1"]},
                         {"alpha": "1/3"}), "agree", "q_t never reaches p", id="C6-global-attraction"),
    pytest.param(witness(GEOMETRIC_ANCHOR, {"claim": "C6.global-attraction"}, {"p": ["1/2", "1/2"], "q": ["1/3", "2/3"]},
                         {"alpha": "1/3"}), "disagree", "no zero coordinate", id="C6-global-attraction-interior"),
    # T(q) = q: r = (q - alpha p)/(1 - alpha), TV(r, p) = TV(q, p)/(1 - alpha) = 1/4 * 2 > 1/4
    pytest.param(witness(UNANCHORED, axiom("remainder-nonexpansive-tv", "M4"), {"p": ["1/2", "1/2"], "q": ["3/4", "1/4"]},
                         {"alpha": "1/2"}), "agree", "D(r, p) = 1/2 > max_j D(q_j, p) = 1/4", id="unanchored-M4-tv"),
    pytest.param(witness(LINEAR_ANCHOR, axiom("remainder-nonexpansive-kl", "M4"), {"p": ["1/3", "2/3"], "q": ["1/2", "1/2"]},
                         {"alpha": "1/2"}), "disagree", "M4 remainder-nonexpansive-kl holds", id="linear-anchor-M4-kl-holds"),
    # the index as a number: T ∝ (1/4, 3/2) at q = (1/4, 3/4), but relabelled T ∝ (3/4, 1/2)
    pytest.param(witness({**LINEAR_ANCHOR, "component": "i*q[i]", "normalize": True}, axiom("label-symmetry", "M6"),
                         {"p": ["1/2", "1/2"], "q": ["1/4", "3/4"]}, {"alpha": "1/2"}), "agree", "relabelling by [2, 1]",
                 id="index-weighted-M6"),
    pytest.param(witness(GEOMETRIC_ANCHOR, axiom("label-symmetry", "M6"), M3_POINT, {"alpha": "1/2"}), "disagree",
                 "only to index its inputs", id="geometric-anchor-M6-holds"),
    # p = (1/2, 1/2) is interior and c_i = p_i/(p_i - 1/2) divides by 0 there
    pytest.param(witness({"name": "pole", "kind": "softening", "component": "p[i]/(p[i] - 1/2)"}, axiom("continuity", "S2"),
                         {"p": ["1/2", "1/2"]}, {}), "agree", "undefined", id="pole-S2"),
    pytest.param(witness(POWER_SOFTENING, axiom("continuity", "S2"), {"p": ["1/2", "1/2"]}, {"tau": "1/2"}), "skipped",
                 "a discontinuity is a statement about limits, outside pointwise evaluation", id="continuity-limits"),
    pytest.param(witness(POWER_SOFTENING, axiom("entropy-monotone", "S3"), {"p": ["1/2", "1/2"]}, {"tau": "1/2"}), "skipped",
                 "derivative", id="entropy-skipped"),
    pytest.param(witness(POWER_SOFTENING, axiom("ranking", "S1"), {"p": ["1/2", "1/4", "1/4"]}, {"tau": "3"}), "disagree",
                 "S1 ranking holds", id="power-softening-S1-holds"),
    # top-2 without renormalizing: the unit steps keep (1/2, 3/10) and drop 1/5, so the sum is 4/5
    pytest.param(witness({"name": "top-2-unnormalized", "kind": "softening",
                          "component": "p[i]*Heaviside(3/2 - Sum(Heaviside(p[j] - p[i]), (j, 1, n)))"},
                         axiom("closure", "S0"), {"p": ["1/2", "3/10", "1/5"]}, {}), "agree", "sum_i T_i = 4/5 != 1",
                 id="top-2-unnormalized-S0"),
    pytest.param(witness(ARITHMETIC, axiom("positivity", "A2"), {"p1": ["1", "0"], "p2": ["1/2", "1/2"]},
                         {"w_1": "1", "w_2": "0"}), "disagree", "A2 positivity holds", id="arithmetic-A2-holds"),
    pytest.param(witness(GEOMETRIC, axiom("unanimity", "A6"), {"p1": ["1/3", "2/3"], "p2": ["1/2", "1/2"]},
                         {"w_1": "1/4", "w_2": "3/4"}), "disagree", "A6 unanimity holds", id="geometric-A6-holds"),
]


@pytest.mark.parametrize("data, status, phrase", CASES)
def test_hand_computed_witnesses(data, status, phrase):
    result = check_witness(data)
    assert (result.status, phrase in result.detail) == (status, True), result.detail


# -- the premise comes first --------------------------------------------------------------------------------

PREMISE = [
    pytest.param({"inputs": {"p": ["101/100", "0"], "q": ["0", "1"]}}, "p = (101/100, 0) sums to 101/100, not 1",
                 id="sum"),
    pytest.param({"inputs": {"p": ["3/2", "-1/2"], "q": ["0", "1"]}}, "negative entry", id="negative"),
    pytest.param({"n": 3}, "has length 2, not n = 3", id="length"),
    pytest.param({"parameters": {"alpha": "1"}}, "parameter alpha = 1 is outside its domain", id="domain"),
    pytest.param({"parameters": {}}, "are not the operator's parameters", id="missing-parameter"),
    pytest.param({"inputs": {"p": ["1", "0"], "q": ["0", "1"]}}, "open simplex", id="anchor-on-the-boundary"),
    pytest.param({"auxiliary": {"s": "1/2"}}, "auxiliary values ['s']", id="stray-auxiliary"),
]


@pytest.mark.parametrize("change, phrase", PREMISE)
def test_points_outside_the_premise_disagree(change, phrase):
    result = check_witness({**M3_WITNESS, **change})
    assert result.status == "disagree" and "outside the premise" in result.detail and phrase in result.detail, result.detail


def test_the_raise_share_must_lie_in_its_domain():
    data = witness(GEOMETRIC, axiom("weight-monotone-l2", "A3"), A3_POINT, {"w_1": "3/10", "w_2": "7/10"}, {"s": "3/2"})
    result = check_witness(data)
    assert result.status == "disagree" and "s = 3/2 is outside its domain" in result.detail


def test_kl_variants_of_weight_monotonicity_need_interior_teachers():
    data = witness(ARITHMETIC, axiom("weight-monotone-kl", "A3"), {"p1": ["1", "0"], "p2": ["1/2", "1/2"]},
                   {"w_1": "1/2", "w_2": "1/2"}, {"s": "1/2"})
    assert "open simplex" in check_witness(data).detail


# -- malformed witnesses, unsupported subjects ----------------------------------------------------------------

MALFORMED = [
    pytest.param({k: v for k, v in M3_WITNESS.items() if k != "inputs"}, "missing key 'inputs'", id="missing-key"),
    pytest.param({**M3_WITNESS, "parameters": {"alpha": "seventy"}}, "'seventy' is not an exact number", id="number"),
    pytest.param({**M3_WITNESS, "operator": {**GEOMETRIC_ANCHOR, "component": "cos(p[i])"}}, "unknown function 'cos'",
                 id="function"),
    pytest.param({**M3_WITNESS, "operator": {**GEOMETRIC_ANCHOR, "component": "p[i].real"}}, "Attribute", id="attribute"),
    pytest.param({**M3_WITNESS, "format": "other/2"}, "format 'other/2'", id="format"),
    pytest.param({**M3_WITNESS, "subject": axiom("anchoring", "M5")}, "is M3, not 'M5'", id="code"),
    pytest.param({**M3_WITNESS, "subject": axiom("ranking", "S1")}, "does not apply to meta operators", id="kind"),
    pytest.param([1, 2], "a witness is a JSON object", id="not-an-object"),
]


@pytest.mark.parametrize("data, phrase", MALFORMED)
def test_malformed_witnesses_disagree_without_an_exception(data, phrase):
    result = check_witness(data)
    assert result.status == "disagree" and "malformed witness" in result.detail and phrase in result.detail, result.detail


@pytest.mark.parametrize("subject, phrase", [({"claim": "C99.unknown"}, "unsupported claim"),
                                             (axiom("made-up", "M9"), "unsupported axiom")])
def test_unsupported_subjects_are_skipped(subject, phrase):
    result = check_witness({**M3_WITNESS, "subject": subject})
    assert result.status == "skipped" and phrase in result.detail


def test_undecidable_equalities_are_skipped_at_the_precision_cap():
    """A5 holds for geometric aggregation, but both sides are only enclosed: equal irrationals."""
    data = witness(GEOMETRIC, axiom("temperature-coherence", "A5"), {"p1": ["3/10", "7/10"], "p2": ["1/2", "1/2"]},
                   {"w_1": "5/8", "w_2": "3/8"}, {"tau_S": "2/7"})
    result = check_witness(data)
    assert result.status == "skipped" and "undecided at precision 2^-400" in result.detail


def test_powers_of_one_base_are_merged():
    """p**alpha * p**(1 - alpha) is exactly p, so M2 of the geometric anchor is certified."""
    result = check_witness(witness(GEOMETRIC_ANCHOR, axiom("anchor-fixed-point", "M2"), M3_POINT, {"alpha": "1/3"}))
    assert result.status == "disagree" and "M2 anchor-fixed-point holds" in result.detail


def test_witness_files(tmp_path: Path):
    good, broken = tmp_path / "good.json", tmp_path / "broken.json"
    good.write_text(json.dumps(M3_WITNESS))
    broken.write_text("{ not json")
    assert check_witness_file(good).status == "agree"
    result = check_witness_file(broken)
    assert result.status == "disagree" and "cannot read" in result.detail
    assert check_witness_file(tmp_path / "absent.json").status == "disagree"


# -- the interval routines -------------------------------------------------------------------------------

# 80 digits of each constant (mpmath), far beyond the widths checked
CONSTANTS = {
    "cbrt2": "1.2599210498948731647672106072782283505702514647015079800819751121552996765139595",
    "log2": "0.69314718055994530941723212145817656807550013436025525412068000949339362196969472",
    "e": "2.7182818284590452353602874713526624977572470936999595749669676277240766303535476",
    "sqrt2": "1.414213562373095048801688724209698078569671875376948073176679737990732478462107",
    "log1e-30": "-69.077552789821370520539743640530926228033044658863189280999837029027178290320574",
    "exp-20": "0.0000000020611536224385578279659403801558209763758072755991036929722446616291640237845594",
}
ROUTINES = [
    pytest.param(lambda prec: power(F(2), F(1, 3), prec), "cbrt2", 2 ** (1 / 3), id="2**(1/3)"),
    pytest.param(lambda prec: log(F(2), prec), "log2", math.log(2), id="log 2"),
    pytest.param(lambda prec: exp(F(1), prec), "e", math.e, id="exp 1"),
    pytest.param(lambda prec: sqrt(F(2), prec), "sqrt2", math.sqrt(2), id="sqrt 2"),
    pytest.param(lambda prec: log(F(1, 10 ** 30), prec), "log1e-30", math.log(1e-30), id="log 1e-30"),
    pytest.param(lambda prec: exp(F(-20), prec), "exp-20", math.exp(-20), id="exp -20"),
]


@pytest.mark.parametrize("prec", [60, 200])
@pytest.mark.parametrize("compute, constant, approx", ROUTINES)
def test_enclosures_contain_the_true_value_and_are_narrow(compute, constant, approx, prec):
    value = compute(prec)
    assert isinstance(value, Interval)
    assert value.lo <= F(CONSTANTS[constant]) <= value.hi
    assert abs(value.mid - F(approx)) <= F(1, 10 ** 15) * max(1, abs(F(approx)))  # agrees with math's double
    assert value.width <= F(1, 2 ** (prec - 8))


def test_roots_bracket_exactly():
    value = root(F(3), 5, 80)
    assert value.lo ** 5 <= 3 <= value.hi ** 5 and value.width <= F(1, 2 ** 80)
    interval = power(Interval(F(1, 3), F(1, 2)), F(-2, 3), 60)  # decreasing: [2**(2/3), 3**(2/3)]
    assert interval.lo ** 3 <= 4 and interval.hi ** 3 >= 9 and interval.width < F(2)


@pytest.mark.parametrize("base, exponent, exact", [(F(8, 27), F(1, 3), F(2, 3)), (F(4, 9), F(-3, 2), F(27, 8)),
                                                   (F(0), F(1, 2), F(0)), (F(16), F(3, 4), F(8)), (F(5), F(2), F(25))])
def test_rational_powers_of_perfect_powers_are_exact(base, exponent, exact):
    assert power(base, exponent, 60) == exact and isinstance(power(base, exponent, 60), Fraction)


@pytest.mark.parametrize("compute", [lambda: power(F(0), F(-1, 2), 60), lambda: power(F(0), F(0), 60),
                                     lambda: power(F(-1, 2), F(1, 2), 60), lambda: log(F(0), 60)])
def test_undefined_operations_raise(compute):
    with pytest.raises(Undefined):
        compute()


# -- independence: the standard library only ----------------------------------------------------------------

ALLOWED = {"__future__", "ast", "dataclasses", "fractions", "itertools", "json", "math", "re", "typing"}


@pytest.mark.parametrize("module", [witness_eval, witness_model], ids=lambda m: m.__name__)
def test_the_evaluator_imports_the_standard_library_only(module):
    tree = ast.parse(Path(module.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # the one relative import: the evaluator's own arithmetic and formulas
                assert (module is witness_eval, node.level, node.module) == (True, 1, "witness_model")
                continue
            names = [node.module.split(".")[0]]
        else:
            continue
        assert all(name in ALLOWED and name in sys.stdlib_module_names | {"__future__"} for name in names), names
