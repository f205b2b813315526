"""The audit of operator files: planted bugs refuted with replayed witnesses, nothing true refuted,
malformed files rejected in one line, and formulas parsed without executing anything."""

import json
from fractions import Fraction
from pathlib import Path

import pytest

from kdaxioms.proofs.cli import main
from kdaxioms.smt.audit import audit_file
from kdaxioms.symbolic.axioms import axiom
from kdaxioms.symbolic.errors import InputError
from kdaxioms.symbolic.opfile import load_operator, operator_from_data
from kdaxioms.symbolic.points import distribution

from catalogue import AUDITS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "operators"


@pytest.mark.parametrize("case", AUDITS, ids=lambda c: c.id)
def test_planted_catalogue(case):
    op = operator_from_data(case.data)
    results = {r.axiom: r for r in audit_file(op, list(case.expected), max_n=3, timeout_ms=4000)}
    for name, verdict in case.expected.items():
        r = results[name]
        assert r.verdict == verdict, (name, r)
        if verdict == "refuted":
            w = r.witness
            for key, vec in w.inputs.items():
                distribution(vec, key, interior=key in op.interior_inputs)
            assert axiom(name, op).violated_at(w) is True
        else:
            assert r.witness is None


def test_catalogue_is_large_enough():
    assert len(AUDITS) >= 15
    assert sum("refuted" in c.expected.values() for c in AUDITS) >= 10


def test_linear_anchor_file_proves_every_meta_axiom_for_all_n(capsys):
    assert main(["audit", str(EXAMPLES / "linear-anchor.toml"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["operator"] == "linear-anchor" and data["kind"] == "meta"
    assert len(data["results"]) == 8
    for r in data["results"]:
        assert set(r) >= {"axiom", "verdict", "scope", "route", "seconds", "witness"}
        assert r["verdict"] == "proved" and r["scope"] == "all-n", r
        if r["axiom"] == "remainder-nonexpansive-kl":  # logarithms: Jensen's inequality per coordinate
            assert r["route"] == "symbolic-coordinate", r


def test_contraction_claim_with_factor(capsys):
    code = main(["audit", str(EXAMPLES / "linear-anchor.toml"), "--axiom", "contraction-chi2",
                 "--factor", "(1 - alpha)**3", "--json"])
    r = json.loads(capsys.readouterr().out)["results"][0]
    assert code == 0 and r["verdict"] == "refuted"
    p, q = [Fraction(x) for x in r["witness"]["inputs"]["p"]], [Fraction(x) for x in r["witness"]["inputs"]["q"]]
    a = Fraction(r["witness"]["parameters"]["alpha"])
    chi2 = lambda x, y: sum((u - v) ** 2 / v for u, v in zip(x, y))  # noqa: E731
    assert chi2([a * u + (1 - a) * v for u, v in zip(p, q)], p) > (1 - a) ** 3 * chi2(q, p)


#: Closure holds (``x^tau >= x^{2 tau}`` on ``[0, 1]``) but the sign rules cannot see it in the
#: difference: Z3 decides it on the exponent grid.
GRIDDED = {"name": "gridded", "kind": "softening", "component": "p[i]**tau - p[i]**(2*tau) + p[i]", "normalize": True,
           "parameters": {"tau": "tau > 0"}}


def test_timeout_is_unknown():
    (r,) = audit_file(operator_from_data(GRIDDED), ["closure"], max_n=4, timeout_ms=1)
    assert r.verdict == "unknown" and r.witness is None


def test_logarithmic_axioms_are_unknown_with_reason():
    op = load_operator(EXAMPLES / "power-softening.toml")
    (r,) = audit_file(op, ["entropy-monotone"])
    assert r.verdict == "unknown" and "logarithm" in r.reason


def test_temperature_grid_is_reported():
    (r,) = audit_file(operator_from_data(GRIDDED), ["closure"], max_n=2)
    assert r.verdict == "proved" and r.covered == {"tau": ["1/3", "1/2", "1", "2", "3"]}


def test_emit_smtlib(tmp_path):
    op = load_operator(EXAMPLES / "linear-anchor.toml")
    audit_file(op, ["anchoring"], emit_dir=tmp_path)
    files = sorted(tmp_path.glob("*.smt2"))
    assert files and "(check-sat)" in files[0].read_text()


def test_every_example_file_loads():
    names = {load_operator(f).name for f in EXAMPLES.glob("*.toml")}
    assert {"linear-anchor", "power-softening", "arithmetic-aggregation"} <= names


BAD_FILES = [
    ("name = \"x\"\nkind = ", "not valid TOML"),
    ("name = \"x\"\nkind = \"teacher\"\ncomponent = \"p[i]\"", "unknown kind 'teacher'"),
    ("name = \"x\"\nkind = \"meta\"\ncomponent = \"alpha*p[i] +\"\n[parameters]\nalpha = \"0 < alpha <= 1\"", "is not a formula"),
    ("name = \"x\"\nkind = \"meta\"\ncomponent = \"beta*p[i]\"", "unknown name 'beta'"),
    ("name = \"x\"\nkind = \"meta\"\ncomponent = \"alpha*p[i]\"\n[parameters]\nalpha = \"\"", "has no domain"),
    ("name = \"x\"\nkind = \"meta\"\ncomponent = \"p[i]\"\ncolour = 1", "unknown key 'colour'"),
    ("kind = \"meta\"\ncomponent = \"p[i]\"", "missing key 'name'"),
]


@pytest.mark.parametrize("text, fragment", BAD_FILES)
def test_malformed_files_exit_2_with_one_line(tmp_path, capsys, text, fragment):
    path = tmp_path / "op.toml"
    path.write_text(text)
    code = main(["audit", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1 and fragment in err, err


def test_unknown_axiom_and_missing_file(tmp_path, capsys):
    assert main(["audit", str(EXAMPLES / "linear-anchor.toml"), "--axiom", "ranking"]) == 2
    assert "unknown meta axiom 'ranking'" in capsys.readouterr().err
    assert main(["audit", str(tmp_path / "none.toml")]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize("formula", [
    "__import__('os').system('touch {marker}')",
    "p[i].__class__.__mro__",
    "(lambda: __import__('os').system('touch {marker}'))()",
    "[x for x in ().__class__.__bases__]",
    "exec('open(\"{marker}\", \"w\")')",
    "Sum(p[j], (j, 1, n)).doit()",
])
def test_formulas_execute_nothing(tmp_path, capsys, formula):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.toml"
    component = formula.format(marker=marker).replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(f'name = "evil"\nkind = "meta"\ncomponent = "{component}"\n'
                    '[parameters]\nalpha = "0 < alpha <= 1"\n')
    assert main(["audit", str(path)]) == 2
    assert not marker.exists()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "formula" in err


def test_huge_exponent_is_rejected():
    with pytest.raises(InputError, match="exponent"):
        operator_from_data({"name": "x", "kind": "meta", "component": "p[i]**(10**10**10)"})


def test_a_refuting_witness_keeps_grid_parameters_in_their_domain():
    # Regression: shrinking once turned tau = 1/3 into tau = 0, where S_tau is undefined, and the
    # replay folded the undefined equation to "violated".
    from fractions import Fraction
    from kdaxioms.smt.audit import audit_axiom
    from kdaxioms.symbolic.axioms import SOFT_TEMPERATURE, axiom
    from kdaxioms.symbolic.opfile import load_operator
    op = load_operator(EXAMPLES / "arithmetic-aggregation.toml")
    ax = axiom("temperature-coherence", op)
    result = audit_axiom(ax, max_n=2, timeout_ms=5000)
    assert result.verdict == "refuted"
    tau = SOFT_TEMPERATURE.name  # the softening's temperature, an auxiliary symbol of A5
    assert Fraction(result.witness.parameters[tau]) > 0
    assert result.covered == {}  # a refutation claims no grid: its witness names the parameter values
    assert ax.violated_at(result.witness) is True


@pytest.mark.parametrize("component, message", [
    ("Heaviside(p[i] - q[i], 0)", "Heaviside takes exactly one argument, got 2"),
    ("sqrt(p[i], 2)", "sqrt takes exactly one argument, got 2"),
    ("Heaviside()", "Heaviside takes exactly one argument, got 0"),
    ("Max()", "Max takes at least one argument, got 0"),
])
def test_wrong_number_of_arguments_is_one_clear_line(tmp_path, capsys, component, message):
    path = tmp_path / "arity.toml"
    path.write_text(f'name = "arity"\nkind = "meta"\ncomponent = "{component}"\n[parameters]\nalpha = "0 < alpha <= 1"\n')
    assert main(["audit", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


MAX_AGGREGATION = ("name = \"max-aggregation\"\nkind = \"aggregation\"\ncomponent = \"Max(p1[i], p2[i])\"\n"
                   "normalize = true\n[roles]\nweights = []\n")


def test_weightless_aggregation_file_is_accepted_but_a_missing_weights_role_is_not():
    data = {"name": "m", "kind": "aggregation", "component": "Max(p1[i], p2[i])", "normalize": True}
    assert operator_from_data({**data, "roles": {"weights": []}}).roles["weights"] == ()
    with pytest.raises(InputError, match=r"or be \[\] for an aggregation without weights"):
        operator_from_data(data)
    with pytest.raises(InputError, match="must list 2 expressions"):
        operator_from_data({**data, "roles": {"weights": ["1"]}})


def test_weightless_aggregation_audits_every_axiom_but_weight_monotonicity():
    from kdaxioms.proofs.audit import audit_operator
    from kdaxioms.smt.audit import NOT_APPLICABLE
    op = operator_from_data({"name": "m", "kind": "aggregation", "component": "Max(p1[i], p2[i])",
                             "normalize": True, "roles": {"weights": []}})
    results = {r.axiom: r for r in audit_operator(op, max_n=3, timeout_ms=4000, budget_s=60)}
    for name in ("weight-monotone-tv", "weight-monotone-l2", "weight-monotone-kl", "weight-monotone-kl-reverse"):
        assert results[name].verdict == NOT_APPLICABLE and "no weights" in results[name].reason
    for name in ("closure", "positivity", "unanimity", "continuity"):
        assert results[name].verdict == "proved", results[name]
    coherence = results["temperature-coherence"]
    assert coherence.verdict == "refuted" and axiom("temperature-coherence", op).violated_at(coherence.witness) is True


def test_weightless_positivity_premise_is_every_teacher():
    """A2 without weights: mass where every teacher has mass, none where no teacher has: a product
    of the teachers satisfies it, one that creates mass where no teacher has any does not."""
    base = {"name": "m", "kind": "aggregation", "normalize": False, "roles": {"weights": []}}
    assert audit_file(operator_from_data({**base, "component": "p1[i]*p2[i]"}), ["positivity"], max_n=3,
                      timeout_ms=4000)[0].verdict == "proved"
    created = operator_from_data({**base, "component": "p1[i]*p2[i] + 1/10"})
    assert audit_file(created, ["positivity"], max_n=3, timeout_ms=4000)[0].verdict == "refuted"


def test_weightless_aggregation_cli_exits_0_and_shows_not_applicable(tmp_path, capsys):
    path = tmp_path / "max.toml"
    path.write_text(MAX_AGGREGATION)
    assert main(["audit", str(path), "--axiom", "closure", "--axiom", "weight-monotone-tv", "--max-n", "3"]) == 0
    out = capsys.readouterr().out
    assert "not applicable" in out and "no weights" in out
    assert main(["audit", str(path), "--axiom", "weight-monotone-l2", "--json"]) == 0
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert result["verdict"] == "not applicable" and "no weights" in result["reason"]
