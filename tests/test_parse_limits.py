"""Issue 12, the grammar's part: hostile or careless operator files end in one line and exit 2,
fast and small, through the one validation every command shares (``load_operator``)."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import time
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp

from kdaxioms.proofs.cli import main
from kdaxioms.symbolic import limits
from kdaxioms.symbolic.domains import exponent_grid
from kdaxioms.symbolic.errors import InputError
from kdaxioms.symbolic.opfile import load_operator, operator_from_data
from kdaxioms.symbolic.parse import parse_domain, parse_expression

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "operators"


def _meta(component: str, domain: str = "0 < alpha <= 1", name: str = "alpha") -> str:
    return (f'name = "hostile"\nkind = "meta"\ncomponent = "{component}"\n'
            f'[parameters]\n{name} = "{domain}"\n')


def _rejected(tmp_path, capsys, text: str | None, *, path: Path | None = None, command: str = "audit") -> str:
    """Run ``command`` on the file; assert exit 2, one line, no traceback, under 5 s; return the line."""
    if path is None:
        path = tmp_path / "op.toml"
        path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    argv = {"audit": ["audit", str(path)], "iterate": ["iterate", str(path)]}[command]
    code = main(argv)
    elapsed = time.perf_counter() - start
    out, err = capsys.readouterr()
    assert code == 2, (code, out, err)
    assert out == "" and err.count("\n") == 1 and err.startswith("kdaxioms: error: "), err
    assert "Traceback" not in err and elapsed < 5, (elapsed, err)
    assert len(err) < 600, err  # echoed input is cut
    return err


@pytest.mark.parametrize("component, words", [
    ("q[i]*1e400", ["'1e400'", "too large", "401 digits", "at most 100"]),
    ("q[i]*1e-400 + p[i]", ["'1e-400'", "too small", "at most 100"]),
    ("1/(p[i]-p[i])", ["undefined", "division by zero"]),
    ("q[i] + log(0)", ["undefined", "log of 0"]),
    ("q[i]*sqrt(-1)", ["sqrt(-1)", "not real-valued"]),
    ("q[i]*(-8)**(1/3)", ["not real-valued"]),
    ("exp(exp(exp(exp(100))))*q[i]", ["argument of exp", "230"]),
    ("exp(200)*exp(200)*q[i]", ["about 5.22E+173", "outside 10**-100 .. 10**100"]),
    ("(((10**64)**64)**64)*q[i]", ["digits", "at most 100"]),
    ("(((((10**64)**64)**64)**64)**64)*q[i]", ["digits", "at most 100"]),
    ("p[i]**(10**60/alpha)", ["exponent", "at most 64"]),
    ("(q[i]**64)**64", ["exponent", "4096", "at most 64"]),
    ("q[j]", ["q[j] is outside a sum"]),
    ("q[i] + j", ["summation index j"]),
    ("q[i]*(" + "+".join(["1"] * 990) + ")", ["nested more than 100 levels deep", "characters)"]),
    ("-" * 1994 + "q[i]", ["nested more than 100 levels deep"]),
    ("- " * 997 + "q[i]", ["nested more than 100 levels deep"]),
    ("q[i]*(1 + " * 60 + "q[i]" + ")" * 60, ["nested more than 100 levels deep"]),
    ("(" * 300 + "q[i]" + ")" * 300, ["too many nested parentheses"]),
    ("q[i]*" + "9" * 1990, ["too large", "at most 100"]),
    ("q[i]*0.5\u00b2", ["U+00B2", "ASCII"]),
    ("(1 < 2)*q[i]", ["comparison '1 < 2' inside an expression", "Heaviside"]),
    ("(0 < q[i])**alpha", ["comparison", "inside an expression"]),
    ("p[i]**(1/(n-2))", ["exponent '1/(n - 2)' is undefined at n=2", "for every n >= 2"]),
    ("p[i]**(1/(i-1))", ["is undefined at i=1"]),
    ("p[i]**(n-2)", ["exponent 'n - 2' is 0", "0**0", "at n=2"]),
    ("p[i]**(1/(n-i))", ["is undefined at", "i=2", "n=2"]),
])
def test_a_hostile_formula_is_one_line(tmp_path, capsys, component, words):
    err = _rejected(tmp_path, capsys, _meta(component))
    for word in words:
        assert word in err, (word, err)


def test_numbers_are_read_exactly_never_through_a_float():
    params = {"alpha"}
    assert parse_expression("0.1", params, set()) == sp.Rational(1, 10)
    assert parse_expression("1e-99", params, set()) == sp.Rational(1, 10 ** 99)
    assert parse_expression("2.5e3", params, set()) == 2500
    assert parse_expression("1_000.000_1", params, set()) == sp.Rational(10000001, 10000)
    assert parse_expression("10**64", params, set()) == 10 ** 64
    with pytest.raises(InputError, match="too small"):
        parse_expression("1e-101", params, set())
    with pytest.raises(InputError, match="too large"):
        parse_expression("1e100", params, set())  # 101 digits
    assert limits.decimal_literal("1e99") == Fraction(10 ** 99)


def test_a_huge_exponent_literal_fails_in_milliseconds():
    start = time.perf_counter()
    with pytest.raises(InputError, match="digits"):
        parse_expression("(((((10**64)**64)**64)**64)**64)*q[i]", set(), {"q"})
    with pytest.raises(InputError):
        parse_expression("9**9**9**9", set(), set())
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("domain, words", [
    ("0 < log(alpha) < 1", ["domain of alpha", "log", "bound the parameter itself"]),
    ("0 < alpha <= 1/n", ["domain of alpha", "not 'n'"]),
    ("0 < alpha <= p[i]", ["domain of alpha", "inputs"]),
    ("0 < alpha**2 < 2", ["not linear"]),
    ("0 < 1/alpha < 2", ["not linear"]),
    ("0 < alpha < 1e-400", ["too small"]),
    ("0 < alpha < 0", ["empty"]),
    ("1 < 2", ["does not constrain alpha"]),
])
def test_a_bad_domain_is_one_line(tmp_path, capsys, domain, words):
    err = _rejected(tmp_path, capsys, _meta("alpha*p[i] + (1 - alpha)*q[i]", domain))
    for word in words:
        assert word in err, (word, err)


def test_domains_may_relate_parameters_linearly():
    assert parse_domain("0 <= beta <= 1 - alpha", "beta", {"alpha", "beta"}) is not None
    assert parse_domain("0 < 2*alpha + 1/3 <= 1", "alpha", {"alpha"}) is not None


@pytest.mark.parametrize("name, words", [
    ("N", ["'N'", "not allowed", "iterate"]),
    ("p", ["'p'", "not allowed"]),
    ("q0", ["'q0'", "not allowed"]),
    ("p1", ["'p1'", "not allowed"]),
    ("Phi", ["'Phi'", "not allowed"]),
    ("n", ["'n'", "support size"]),
    ("exp", ["'exp'", "function"]),
    ("Heaviside", ["'Heaviside'", "function"]),
    ("_x", ["starts with a letter"]),
])
def test_a_reserved_parameter_name_is_one_line(tmp_path, capsys, name, words):
    err = _rejected(tmp_path, capsys, _meta(f"{name}*p[i] + (1 - {name})*q[i]", f"0 < {name} <= 1", name))
    for word in words:
        assert word in err, (word, err)


def test_a_non_ascii_parameter_name_is_refused_with_the_ascii_advice(tmp_path, capsys):
    text = ('name = "greek"\nkind = "meta"\ncomponent = "alpha*p[i] + (1 - alpha)*q[i]"\n'
            '[parameters]\n"\u03b1" = "0 < alpha <= 1"\nalpha = "0 < alpha <= 1"\n')
    err = _rejected(tmp_path, capsys, text)
    assert "ASCII" in err and "alpha" in err


def test_a_free_j_is_refused_by_audit_and_iterate_alike(tmp_path, capsys):
    path = tmp_path / "j.toml"
    path.write_text(_meta("alpha*p[i] + (1 - alpha)*q[j]"))
    first = _rejected(tmp_path, capsys, None, path=path, command="audit")
    second = _rejected(tmp_path, capsys, None, path=path, command="iterate")
    assert "outside a sum" in first and first == second


def test_exponents_stay_small_at_the_values_the_audit_substitutes(tmp_path, capsys):
    softening = ('name = "s"\nkind = "softening"\ncomponent = "p[i]**({exponent})"\nnormalize = true\n'
                 '[parameters]\ntau = "{domain}"\n')
    # accepted: the example's tau > 0, and 0 < tau <= 3
    assert load_operator(EXAMPLES / "power-softening.toml").parameters[0].name == "tau"
    ok = tmp_path / "ok.toml"
    ok.write_text(softening.format(exponent="1/tau", domain="0 < tau <= 3"))
    assert load_operator(ok).name == "s"
    err = _rejected(tmp_path, capsys, softening.format(exponent="1/tau", domain="0 < tau <= 1/1000"))
    assert "'1/tau'" in err and "a value the audit substitutes" in err and "at most 64" in err
    err = _rejected(tmp_path, capsys, softening.format(exponent="tau**8", domain="tau > 0"))
    assert "tau**8" in err and "at tau=1/3" in err
    err = _rejected(tmp_path, capsys, softening.format(exponent="n**8", domain="tau > 0"))
    assert "n**8" in err


def test_the_exponent_grid_is_the_audits():
    """``exponent_grid`` lists exactly what the audit's whole-vector route substitutes."""
    from kdaxioms.smt import audit as smt_audit
    for path in sorted(EXAMPLES.glob("*.toml")):
        op = load_operator(path)
        for param in op.parameters:
            assert smt_audit._grid(op, param.symbol) == exponent_grid(param), (path.name, param.name)
    narrow = operator_from_data({"name": "x", "kind": "softening", "component": "p[i]**(1/tau)",
                                 "parameters": {"tau": "10 < tau <= 20"}})
    assert smt_audit._grid(narrow, narrow.parameters[0].symbol) == exponent_grid(narrow.parameters[0])


def test_only_regular_files_are_read(tmp_path, capsys):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    assert "not a regular file (a FIFO)" in _rejected(tmp_path, capsys, None, path=fifo)
    zero = tmp_path / "zero.toml"
    zero.symlink_to("/dev/zero")
    assert "not a regular file (a device)" in _rejected(tmp_path, capsys, None, path=zero)
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    assert "not a regular file (a directory)" in _rejected(tmp_path, capsys, None, path=folder)
    big = tmp_path / "big.toml"
    big.write_text("#" * (limits.MAX_FILE_BYTES + 1))
    assert "at most 1048576" in _rejected(tmp_path, capsys, None, path=big)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'name = "caf\xe9"\n')
    assert "not UTF-8" in _rejected(tmp_path, capsys, None, path=latin)
    assert "no such file" in _rejected(tmp_path, capsys, None, path=tmp_path / "missing.toml")


def test_a_deeply_nested_toml_value_is_one_line(tmp_path, capsys):
    text = 'name = "x"\nkind = "meta"\nx = ' + "[" * 100_000 + "]" * 100_000 + "\n"
    assert "nested too deeply" in _rejected(tmp_path, capsys, text)


def test_loading_stays_small(tmp_path):
    """The worst formulas of the issue load (and fail) in a few megabytes."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for component in ("(((((10**64)**64)**64)**64)**64)*q[i]", "p[i]**(10**60/alpha)", "exp(exp(exp(exp(100))))*q[i]"):
        path = tmp_path / "op.toml"
        path.write_text(_meta(component))
        with pytest.raises(InputError):
            load_operator(path)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KiB


def test_user_names_print_as_valid_latex(tmp_path):
    """A parameter named ``a_b_c`` reaches the report as SymPy's ``a_{b c}`` in the formula and in
    the witness table (``$a_b_c$`` is a double subscript); compiled with pdflatex when present."""
    from kdaxioms.proofs.operator_report import _row
    from kdaxioms.smt.audit import AuditResult
    from kdaxioms.symbolic.points import Point
    op = operator_from_data({"name": "u", "kind": "meta", "component": "a_b_c*p[i] + (1 - a_b_c)*q[i]",
                             "parameters": {"a_b_c": "0 < a_b_c <= 1", "x__y": "0 < x__y <= 1"}})
    point = Point({"p": (Fraction(1, 2), Fraction(1, 2)), "q": (Fraction(1), Fraction(0))},
                  {"a_b_c": Fraction(1, 3), "x__y": Fraction(1, 2)})
    row = _row(AuditResult("closure", "M1", "refuted", "n=2", "smt-vector", 0.0, point))
    names = [name for name, _ in row["witness"]]
    assert names == ["p", "q", "a_{b c}", "x^{y}"]
    body = rf"\[ {op.latex()} \]" + "".join(rf"${n}$ = ${v}$\par " for n, v in row["witness"])
    assert body.isascii() and "a_b" not in body
    if shutil.which("pdflatex") is None:  # .ci/run installs TeX first, so CI always compiles
        pytest.skip("pdflatex is not installed")
    tex = tmp_path
    (tex / "t.tex").write_text(r"\documentclass{article}\usepackage{amsmath}\begin{document}" + body
                               + r"\end{document}")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"], cwd=tex,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout[-2000:]


def test_a_complex_valued_operator_gets_a_verdict_table_not_an_abort(tmp_path, capsys):
    """``sqrt(p[i] - 1/4)`` normalized is not real where ``p_i < 1/4``: the audit's definedness step
    refutes closure there (a non-integer power of a negative number is undefined) and every
    other axiom gets a verdict; nothing aborts with 'cannot translate I'."""
    path = tmp_path / "complex.toml"
    path.write_text('name = "complex"\nkind = "meta"\ncomponent = "sqrt(p[i] - 1/4)"\nnormalize = true\n')
    code = main(["audit", str(path), "--max-n", "2", "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and err == "", err
    import json
    results = {r["axiom"]: r for r in json.loads(out)["results"]}
    closure = results["closure"]
    assert closure["verdict"] == "refuted" and closure["route"] == "definedness"
    assert min(Fraction(x) for x in closure["witness"]["inputs"]["p"]) < Fraction(1, 4)
    assert "cannot translate" not in out
