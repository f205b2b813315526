"""The report's Definitions section: generated from the operator model, complete, and valid LaTeX."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from types import MappingProxyType

import pytest
import sympy as sp

from kdaxioms.proofs import report_definitions as rd
from kdaxioms.proofs.claims import registry
from kdaxioms.symbolic import axioms as axiom_model
from kdaxioms.symbolic import divergences as divergence_model
from kdaxioms.symbolic import families as family_model
from kdaxioms.symbolic.derivations import DERIVATIONS
from kdaxioms.symbolic.errors import ModelError
from kdaxioms.symbolic.model import INDEX, Kind
from kdaxioms.symbolic.opfile import operator_from_data

#: Fields printed in math mode; every other string is text mode.
MATH = {"latex", "parameters", "symbol"}


@pytest.fixture(scope="module")
def section() -> dict:
    return rd.definitions()


def _strings(node, key: str = ""):
    """Every (field, string) of the returned data, however nested."""
    if isinstance(node, str):
        yield key, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v, key)
    else:
        raise AssertionError(f"{key}: {type(node).__name__} is not plain data")


def _family(section: dict, code: str) -> dict:
    (entry,) = [f for f in section["families"] if f["code"] == code]
    return entry


# -- completeness --------------------------------------------------------------------------------

def test_every_family_code_of_the_model_appears_once_with_all_its_members(section):
    codes = [f["code"] for f in section["families"]]
    specs = list(family_model.FAMILIES.values())
    assert sorted(codes) == sorted({s.code for s in specs})
    for entry in section["families"]:
        assert len(entry["members"]) == sum(s.code == entry["code"] for s in specs), entry["code"]


def _codes_in(text: str) -> set[str]:
    """Axiom codes written in a claim's id or statement; ranges such as M1-M6 or M1--M6 expanded."""
    out = set()
    for m in re.finditer(r"\b([SAM])(\d)(?:-{1,2}\1?(\d))?(?!\d)", text):
        last = int(m[3]) if m[3] else int(m[2])
        out |= {f"{m[1]}{k}" for k in range(int(m[2]), last + 1)}
    return out


def test_every_axiom_code_the_claims_use_has_a_definition(section):
    defined = {a["code"] for a in section["axioms"]}
    used = set()
    for claim in registry().values():
        if claim.axiom:
            kind = family_model.family(claim.family).kind
            used.add(axiom_model.AXIOMS[kind][claim.axiom].code)
        used |= _codes_in(claim.id) | _codes_in(claim.statement) | _codes_in(claim.latex)
    assert {"M1", "M4", "M6", "S1", "A3"} <= used  # the collection itself works
    assert used <= defined, sorted(used - defined)
    assert defined == {s.code for specs in axiom_model.AXIOMS.values() for s in specs.values()}


def test_each_axiom_code_is_one_entry_of_its_kind_with_every_variant(section):
    for entry in section["axioms"]:
        specs = [s for s in axiom_model.AXIOMS[Kind(entry["kind"])].values() if s.code == entry["code"]]
        assert [v["latex"] for v in entry["variants"]] == [s.latex for s in specs]
    assert [a["kind"] for a in section["axioms"]] == sorted((a["kind"] for a in section["axioms"]),
                                                            key=[k.value for k in Kind].index)


def test_every_divergence_the_report_uses_is_defined(section):
    names = [d["name"] for d in section["divergences"]]
    titles = [d.title for d in divergence_model.DIVERGENCES.values()]
    assert names == titles[:1] + ["reverse " + titles[0]] + titles[1:] + ["Hilbert projective metric"]
    (hilbert,) = [d for d in section["divergences"] if d["symbol"].startswith("d_H")]
    assert r"\max_{i}" in hilbert["latex"] and r"\min_{i}" in hilbert["latex"]


# -- valid LaTeX ---------------------------------------------------------------------------------

def test_no_fragment_prints_sympy_internals_code_names_or_unicode(section):
    code_names = [s.name for s in family_model.FAMILIES.values() if "-" in s.name]
    code_names += [n for n in DERIVATIONS if "-" in n]
    code_names += [n for specs in axiom_model.AXIOMS.values() for n in specs if "-" in n]
    for key, text in _strings(section):
        for bad in ("Heaviside", "CRootOf", r"\theta(", r"\theta\left(", "Dummy", "_raised"):
            assert bad not in text, (key, text)
        assert text.isascii(), (key, text)
        hits = [n for n in code_names if n in text]
        assert not hits, (key, text, hits)


def test_text_fields_have_no_raw_specials_outside_math(section):
    for key, text in _strings(section):
        if key in MATH:
            continue
        outside = re.sub(r"\$[^$]*\$", "", text)
        assert outside.count("$") == 0, (key, text)
        raw = re.findall(r"(?<!\\)[_^&%#~]", outside)
        assert not raw, (key, text, raw)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_every_fragment_compiles_in_one_document(section, tmp_path):
    body = []
    for key, text in _strings(section):
        if key in MATH:
            body.append(rf"\[ {text} \]" if text else "")
        else:
            body.append(rf"{text}\par")
    doc = "\n".join([r"\documentclass{article}", r"\usepackage[T1]{fontenc}", r"\usepackage{amsmath,amssymb}",
                     r"\begin{document}", *body, r"\end{document}", ""])
    (tmp_path / "defs.tex").write_text(doc)
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "defs.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    log = (tmp_path / "defs.log").read_text(errors="replace") if (tmp_path / "defs.log").exists() else done.stdout
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert done.returncode == 0 and not errors, (errors, log[-1500:])
    assert (tmp_path / "defs.pdf").exists()


# -- derived, not typed --------------------------------------------------------------------------

def _with_family(monkeypatch, name: str, data: dict) -> None:
    """The registry with family ``name`` built from ``data`` (the operator-file parser)."""
    op = operator_from_data(data, "test")
    specs = {k: (dataclasses.replace(v, build=lambda **_: op) if k == name else v)
             for k, v in family_model.FAMILIES.items()}
    monkeypatch.setattr(family_model, "FAMILIES", MappingProxyType(specs))


def test_a_family_formula_follows_the_model(section, monkeypatch):
    before = _family(section, "F1")["latex"]
    data = family_model.linear_anchor_data() | {"component": "alpha*p[i] + (1 - alpha)*q[i]**2"}
    _with_family(monkeypatch, "linear-anchor", data)
    after = rd.definitions()
    f1 = _family(after, "F1")
    assert f1["latex"] != before and "q_{i}^{2}" in f1["latex"]
    assert f1["latex"] == "T(q)_{i} = " + rd.print_latex(operator_from_data(data, "test").component)
    (r,) = [x for x in after["objects"] if x["symbol"] == "r"]
    assert r["instances"][0]["latex"] == "r_{i} = q_{i}^{2}"  # M4's remainder follows too


def test_a_normalized_family_prints_its_normalizer_from_the_component(monkeypatch):
    data = family_model.geometric_anchor_data() | {"component": "p[i]**alpha * q[i]**(2 - alpha)"}
    _with_family(monkeypatch, "geometric-anchor", data)
    f4 = _family(rd.definitions(), "F4")["latex"]
    assert f4 == (r"T(q)_{i} = \frac{p_{i}^{\alpha} q_{i}^{2 - \alpha}}"
                  r"{\sum_{j=1}^{n} p_{j}^{\alpha} q_{j}^{2 - \alpha}}")


def test_axioms_and_divergences_follow_the_model(monkeypatch):
    spec = axiom_model.AXIOMS[Kind.META]["anchoring"]
    monkeypatch.setitem(axiom_model.AXIOMS[Kind.META], "anchoring", dataclasses.replace(spec, latex=r"T(q) \ge 0"))
    x, y = divergence_model.X, divergence_model.Y
    changed = {k: (dataclasses.replace(d, term=sp.Abs(x - y)) if k == "tv" else d)
               for k, d in divergence_model.DIVERGENCES.items()}
    monkeypatch.setattr(divergence_model, "DIVERGENCES", MappingProxyType(changed))
    out = rd.definitions()
    (m3,) = [a for a in out["axioms"] if a["code"] == "M3"]
    assert m3["latex"] == r"T(q) \ge 0"
    (tv,) = [d for d in out["divergences"] if d["name"] == "total variation"]
    assert tv["latex"].endswith(r"\sum_{i=1}^{n} \left|{x_{i} - y_{i}}\right|")


# -- the printer and the objects -----------------------------------------------------------------

def test_unit_steps_print_as_iverson_brackets_and_other_steps_are_refused(section):
    top_k = [m for m in _family(section, "S")["members"] if m["name"].startswith("top")][0]
    assert r"\left[p_{j} > p_{i}\right]" in top_k["latex"]
    assert r"\left[\sum_{j=1}^{n} \left[p_{j} > p_{i}\right] < \frac{3}{2}\right]" in top_k["latex"]
    x = sp.Symbol("x", real=True)
    assert rd.print_latex(sp.Heaviside(x, 1)) == r"\left[x \geq 0\right]"
    with pytest.raises(ModelError, match="no indicator"):
        rd.print_latex(sp.Heaviside(x))  # value 1/2 at zero


def test_max_over_some_coordinates_is_not_folded():
    x, y = sp.IndexedBase("x"), sp.IndexedBase("y")
    assert r"\max_{i}" in rd.print_latex(sp.Max(sp.log(x[1] / y[1]), sp.log(x[2] / y[2])))
    assert r"\max_{i}" not in rd.print_latex(sp.Max(sp.log(x[1] / y[1]), sp.log(x[3] / y[3])))
    assert r"\max_{i}" not in rd.print_latex(sp.Max(sp.log(x[1] / y[2]), sp.log(x[2] / y[1])))


@pytest.mark.parametrize("name", ["linear-anchor", "memory-anchor"])
def test_remainder_decomposes_the_meta_teacher(name):
    """``T = alpha p + (1 - alpha) r`` with the remainder M4 builds, and it only mixes the students."""
    op = family_model.family(name)
    alpha = op.roles["anchor_weight"]
    r = rd.remainder(op)
    assert sp.simplify(op.component - (alpha * sp.IndexedBase("p")[INDEX] + (1 - alpha) * r)) == 0
    assert not {str(x.base.label) for x in r.atoms(sp.Indexed)} - {"q", "q1"}


def test_remainder_of_an_operator_without_an_input_p_is_refused():
    """M4 takes its anchor from the input ``p``; F2's anchor is a role over ``p1, p2``, so the
    remainder M4 would build reads a ``p`` that is not an input: refused, never printed."""
    with pytest.raises(ModelError, match="not its parameters"):
        rd.remainder(family_model.family("multi-teacher-anchor"))


def test_remainder_instances_are_the_families_whose_m4_is_claimed(section):
    claimed = {c.family for c in registry().values() if c.axiom.startswith("remainder-nonexpansive")}
    (r,) = [x for x in section["objects"] if x["symbol"] == "r"]
    codes = {family_model.family_spec(name).code for name in claimed}
    assert {x["code"] for x in r["instances"]} == codes
    generic, probe = rd.generic_remainder()
    alpha = probe.roles["anchor_weight"]
    t, p = sp.IndexedBase("T")[INDEX], sp.IndexedBase("p")[INDEX]
    assert sp.simplify(alpha * p + (1 - alpha) * generic - t) == 0


def test_raised_weights_move_toward_the_raised_teacher():
    """A3's ``w(s)``: at s = 0 the old weights, at s = 1 the vertex e_k, summing to one on the way,
    and the other weights rescaled by the same factor."""
    op = family_model.arithmetic_aggregation(3)
    weights = op.roles["weights"]
    for k in range(3):
        new, s, _ = rd.raised(op, k)
        moved = [new.get(w, w) for w in weights]
        assert [sp.simplify(v.subs(s, 0) - w) for v, w in zip(moved, weights)] == [0, 0, 0]
        assert [v.subs(s, 1) for v in moved] == [int(j == k) for j in range(3)]
        total = sp.Add(*moved).subs(weights[-1], 1 - sp.Add(*weights[:-1]))
        assert sp.simplify(total - 1) == 0
        ratios = {sp.simplify(v / w) for j, (v, w) in enumerate(zip(moved, weights)) if j != k}
        assert ratios == {1 - s}


def test_prose_puts_plain_ascii_math_in_math_mode():
    assert rd.prose("T(q) >= alpha p componentwise") == r"T(q) $\ge$ $\alpha$ p componentwise"
    assert rd.prose("max_j TV(q_{t-j}, p)") == r"$\max_{j}$ TV($q_{t-j}$, p)"
    assert rd.prose("tau -> oo") == r"$\tau$ $\to$ $\infty$"
    assert rd.prose("50% of #1 & L2²") == r"50\% of \#1 \& L2$^2$"
