"""One engine: ``kdaxioms audit`` of a family's operator file gives the check's verdict and scope.

* Every claim of the check that is an axiom of a built-in family (``Claim.axiom``) is compared
  with ``kdaxioms audit examples/operators/FAMILY.toml --json`` for that axiom: verdict, support
  sizes, parameter grid and conditions must be equal.
* Copies of each example that a user could have written instead -- every parameter renamed,
  terms reordered, the formula rewritten (``q + a (p - q)``, a normalization typed out as a
  ``Sum``, a power written as a power of a power), three teachers instead of two -- must give the
  same verdicts and support sizes, and, once the names are mapped back, the same grid and
  conditions (the conditions of a rewritten formula name its own operations, so there only
  their presence is compared).

Both sides run at ``--max-n 2`` (the engine is the same at every size; this keeps the test's
cost to about a minute).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tomllib
from pathlib import Path

import pytest

from kdaxioms.proofs import Settings, registry, run_claims
from kdaxioms.proofs.cli import main
from kdaxioms.symbolic import families
from kdaxioms.symbolic.families import family
from kdaxioms.symbolic.opfile import load_operator

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "operators"
MAX_N = 2
#: The families whose definition an operator file can hold, with their data.
DEFINITIONS = {
    "unanchored": families.unanchored_data, "linear-anchor": families.linear_anchor_data,
    "memory-anchor": families.memory_anchor_data, "geometric-anchor": families.geometric_anchor_data,
    "softened-anchor": families.softened_anchor_data, "power-softening": families.power_softening_data,
    "linear-smoothing": families.linear_smoothing_data,
    "arithmetic-aggregation": families.arithmetic_aggregation_data,
    "geometric-aggregation": families.geometric_aggregation_data,
    "top-k-renormalization": families.top_k_renormalization_data,
}


def _audit(path: Path, axioms: list[str] | None = None) -> dict[str, dict]:
    """``kdaxioms audit PATH --json --max-n 2`` (``--axiom`` each of ``axioms``), in this process:
    axiom -> result."""
    out = io.StringIO()
    chosen = [arg for name in axioms or () for arg in ("--axiom", name)]
    with contextlib.redirect_stdout(out):
        assert main(["audit", str(path), "--json", "--max-n", str(MAX_N), *chosen]) == 0
    return {r["axiom"]: r for r in json.loads(out.getvalue())["results"]}


def _scope(result: dict) -> tuple:
    return result["verdict"], result["scope"], result["parameters"], tuple(result["conditions"])


@pytest.fixture(scope="module")
def checked() -> dict[tuple[str, str], dict]:
    """The check's axiom claims at ``--max-n 2``: (family, axiom) -> the claim's JSON."""
    claims = [c for c in registry().values() if c.axiom]
    results = run_claims(claims, Settings(max_n=MAX_N))
    return {(r.claim.family, r.claim.axiom): r.to_json() for r in results}


@pytest.fixture(scope="module")
def audited() -> dict[str, dict[str, dict]]:
    return {name: _audit(EXAMPLES / f"{name}.toml") for name in DEFINITIONS}


def test_each_example_file_is_the_family_definition():
    for name, data in DEFINITIONS.items():
        assert tomllib.loads((EXAMPLES / f"{name}.toml").read_text()) == data(), name
        assert load_operator(EXAMPLES / f"{name}.toml") == family(name), name


def test_every_axiom_claim_of_the_check_is_an_audit_of_an_example():
    claims = [c for c in registry().values() if c.axiom]
    assert len(claims) >= 40
    assert {c.family for c in claims} <= set(DEFINITIONS)


def test_the_audit_of_each_example_gives_the_check_verdict_and_scope(checked, audited):
    compared = 0
    for (name, axiom_name), claim in checked.items():
        if name not in audited:
            continue
        assert _scope(audited[name][axiom_name]) == _scope(claim), (name, axiom_name)
        compared += 1
    assert compared >= 40


# -- rewritten copies -----------------------------------------------------------------------

#: Each parameter's new name (a user's choice), and the component written another way with the
#: new names (None: only renamed and reordered).
RENAMED = {"alpha": "a", "tau": "t", "w_1": "u", "w_2": "v", "beta_1": "b", "beta_2": "c"}
REWRITTEN = {
    "unanchored": ("(q[i] + q[i])/2", None),
    "linear-anchor": ("q[i] + a*(p[i] - q[i])", None),
    "memory-anchor": ("c*(1 - a)*q1[i] + b*(1 - a)*q[i] + a*p[i]", None),
    "geometric-anchor": ("p[i]**a*q[i]**(1 - a)/Sum(p[j]**a*q[j]**(1 - a), (j, 1, n))", False),
    "softened-anchor": ("(1 - a)*q[i]**(1/t)/Sum(q[j]**(1/t), (j, 1, n)) + a*p[i]", None),
    "power-softening": ("(p[i]**2)**(1/(2*t))/Sum((p[j]**2)**(1/(2*t)), (j, 1, n))", False),
    "linear-smoothing": ("(p[i] - 1/n)/t + 1/n", None),
    "arithmetic-aggregation": ("p2[i] + u*(p1[i] - p2[i])", None),
    "geometric-aggregation": ("p2[i]**v*p1[i]**u/Sum(p1[j]**u*p2[j]**v, (j, 1, n))", False),
    # c_i < 2 as 1 - H(c_i - 3/2) instead of H(3/2 - c_i) (c_i is an integer, H(0) = 0)
    "top-k-renormalization": ("(1 - Heaviside(Sum(Heaviside(p[j] - p[i]), (j, 1, n)) - 3/2))*p[i]", None),
}


def _rename(text: str) -> str:
    return re.sub(r"\b(alpha|tau|w_1|w_2|beta_1|beta_2)\b", lambda m: RENAMED[m.group(1)], text)


def _back(text: str) -> str:
    inverse = {v: k for k, v in RENAMED.items()}
    return re.sub(r"\b(a|t|u|v|b|c)\b", lambda m: inverse[m.group(1)], text)


def _toml(data: dict) -> str:
    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(v)
    lines = [f"{k} = {value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for k, v in data.items():
        if isinstance(v, dict):
            lines += [f"[{k}]"] + [f"{kk} = {value(vv)}" for kk, vv in v.items()]
    return "\n".join(lines) + "\n"


def _copy(name: str) -> dict:
    """The family's definition as a user might write it: renamed, reordered, rewritten."""
    data = families.__dict__[DEFINITIONS[name].__name__]()
    component, normalize = REWRITTEN[name]
    out = {"name": f"my-{name}", "kind": data["kind"]}
    for key in ("teachers", "memory"):
        if key in data:
            out[key] = data[key]
    out["component"] = component
    if normalize is not None or data.get("normalize"):
        out["normalize"] = data.get("normalize", False) if normalize is None else normalize
    if "constraints" in data:
        out["constraints"] = [_rename(c) for c in reversed(data["constraints"])]
    out["parameters"] = {_rename(k): _rename(v) for k, v in reversed(list(data.get("parameters", {}).items()))}
    out["roles"] = {k: ([_rename(x) for x in v] if isinstance(v, list) else _rename(v))
                    for k, v in data.get("roles", {}).items()}
    return out


@pytest.mark.parametrize("name", sorted(REWRITTEN))
def test_a_rewritten_copy_gets_the_verdicts_and_scopes_of_its_family(name, audited, tmp_path):
    path = tmp_path / f"my-{name}.toml"
    path.write_text(_toml(_copy(name)))
    mine = _audit(path)
    assert set(mine) == set(audited[name])
    for axiom_name, theirs in audited[name].items():
        ours = mine[axiom_name]
        assert (ours["verdict"], ours["scope"]) == (theirs["verdict"], theirs["scope"]), (axiom_name, ours, theirs)
        grid = ours["parameters"] if ours["parameters"] == "full domain" else {
            _back(k): v for k, v in ours["parameters"].items()}
        assert grid == theirs["parameters"], axiom_name
        if REWRITTEN[name][1] is None and "Sum" not in REWRITTEN[name][0]:
            assert [_back(c) for c in ours["conditions"]] == theirs["conditions"], axiom_name
        else:
            assert bool(ours["conditions"]) == bool(theirs["conditions"]), axiom_name


#: Axioms left out of the three-teacher geometric copy: its A3 in L2 is refuted at n = 3 like the
#: two-teacher family's, but the search for an interior witness then replays some 70 exact points
#: with three irrational weights (about 20 s).  Three-teacher refutations stay covered (its closure
#: here, arithmetic's A5); A3 in KL and reverse KL are proved for every n here (about 5 s each).
SLOW = {"geometric-aggregation": ("weight-monotone-l2",)}


@pytest.mark.parametrize("name", ["arithmetic-aggregation", "geometric-aggregation"])
def test_three_teachers_get_the_verdicts_and_sizes_of_two(name, audited, tmp_path):
    path = tmp_path / f"three-{name}.toml"
    path.write_text(_toml(DEFINITIONS[name](3)))
    names = [a for a in audited[name] if a not in SLOW.get(name, ())]
    mine = _audit(path, names)
    for axiom_name in names:
        theirs = audited[name][axiom_name]
        assert (mine[axiom_name]["verdict"], mine[axiom_name]["scope"]) == (theirs["verdict"], theirs["scope"]), axiom_name
