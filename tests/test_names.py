"""Sound lifting and names: internal symbols never capture a user's parameter; the per-coordinate
route applies only to components that are one function of ``x[i]`` for every ``i``; an empty
parameter domain is bad input."""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path

import pytest

from catalogue import AUDITS
from kdaxioms.proofs.cli import main
from kdaxioms.smt.audit import audit_file
from kdaxioms.symbolic.opfile import operator_from_data

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "operators"
#: Every pattern of name the encodings use internally, or once did: Z3 auxiliaries, coordinate
#: and vector symbols, closure's u/v/a, A3's share and raised weights, A5's temperature, the
#: CEGAR logarithms, the coherence normalizers.  An input's own name (``p``) is refused at load
#: (tests/test_parse_limits.py), so that ``iterate --set p=..`` cannot mean two things.
PATTERNS = ("inv0", "root0", "p_i", "q_i", "u_p", "v_q", "a", "s", "alpha_raised", "w_raised", "p_1", "q_2",
            "p1_1", "log0", "tau", "Z_p1")
#: Operators whose audit at max_n = 2 takes seconds, and the axioms audited (all of the kind's by default).
SLOW = {"geometric-aggregation": ["closure", "unanimity"]}


def _rename(data: dict, mapping: dict[str, str]) -> dict:
    """The operator file with every parameter renamed at once (word boundaries, simultaneous)."""
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, mapping)) + r")\b")
    sub = lambda text: pattern.sub(lambda m: mapping[m.group(1)], text)  # noqa: E731
    out = copy.deepcopy(data)
    if out["kind"] == "softening":
        out.setdefault("roles", {}).setdefault("temperature", "tau")
    out["component"] = sub(out["component"])
    out["parameters"] = {mapping[k]: sub(v) for k, v in out.get("parameters", {}).items()}
    out["constraints"] = [sub(c) for c in out.get("constraints", [])]
    roles = out.get("roles", {})
    for key, value in roles.items():
        roles[key] = [sub(v) for v in value] if isinstance(value, list) else sub(str(value))
    return out


def _verdicts(data: dict, axioms: list[str] | None) -> dict[str, str]:
    op = operator_from_data(data)
    return {r.axiom: r.verdict for r in audit_file(op, axioms, max_n=2, timeout_ms=2000)}


def _cases() -> list[tuple[str, dict]]:
    """The example operator files that have parameters to rename (top-k has none), and the
    catalogue's memory-2 operator (two parameters in one role)."""
    cases = [(path.stem, tomllib.loads(path.read_text())) for path in sorted(EXAMPLES.glob("*.toml"))]
    cases = [(name, data) for name, data in cases if data.get("parameters")]
    cases += [(f"catalogue-{c.id}", c.data) for c in AUDITS if c.id in ("memory-2", "expansive-remainder")]
    return cases


@pytest.mark.parametrize("name, data", _cases(), ids=[c[0] for c in _cases()])
def test_renaming_parameters_to_internal_names_keeps_every_verdict(name, data):
    axioms = SLOW.get(name)
    expected = _verdicts(data, axioms)
    params = list(data["parameters"])
    for r in range(0, len(PATTERNS), len(params)):  # every pattern taken by some parameter
        mapping = {p: PATTERNS[(r + k) % len(PATTERNS)] for k, p in enumerate(params)}
        renamed = _rename(data, mapping)
        assert _verdicts(renamed, axioms) == expected, mapping


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "op.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", ["inv0", "c", "root0", "p_i"])
def test_the_issue_operator_is_refuted_whatever_its_parameter_is_called(name):
    """``x p + (1 - x) q`` with ``-1 < x < 1``: negative weights leave the simplex.  Named ``inv0``
    (a Z3 auxiliary) or ``p_i`` (a coordinate symbol), closure and positivity were once proved."""
    for normalize in (False, True):
        data = {"name": "issue", "kind": "meta", "component": f"{name}*p[i] + (1 - {name})*q[i]",
                "normalize": normalize, "parameters": {name: f"-1 < {name} < 1"}}
        verdicts = _verdicts(data, ["closure", "positivity"] if not normalize else ["positivity"])
        assert set(verdicts.values()) == {"refuted"}, (normalize, verdicts)


HEAVISIDE = {"name": "switch", "kind": "meta", "component": "p[i] + Heaviside(i - 3/2)*(q[i] - p[i])",
             "parameters": {"alpha": "0 < alpha < 1"}, "roles": {"anchor_weight": "alpha"}}


def test_a_component_depending_on_i_is_not_lifted_per_coordinate():
    """At p = (1/2, 1/2), q = (1, 0) the output is (1/2, 0): closure fails, though coordinate 1 alone
    (T_i = p_i) and coordinate 2 alone (T_i = q_i) would each pass the per-coordinate obligations."""
    from kdaxioms.symbolic.errors import ModelError
    op = operator_from_data(HEAVISIDE)
    assert op.coordinatewise() is not None and not op.separable and not op.label_symmetric
    with pytest.raises(ModelError):
        op.coordinate()
    results = {r.axiom: r for r in audit_file(op, ["closure", "remainder-nonexpansive-tv"], max_n=3, timeout_ms=3000)}
    assert results["closure"].verdict == "refuted"
    assert results["closure"].route == "smt-vector"
    assert results["remainder-nonexpansive-tv"].scope != "all-n"


@pytest.mark.parametrize("parameters", [
    {"alpha": "0 < alpha < 0"},
    {"alpha": "0 < alpha and alpha < beta", "beta": "beta < 0"},
])
def test_an_empty_parameter_domain_is_bad_input(tmp_path, capsys, parameters):
    lines = "\n".join(f'{k} = "{v}"' for k, v in parameters.items())
    path = _file(tmp_path, f'name = "empty"\nkind = "meta"\ncomponent = "alpha*p[i] + (1 - alpha)*q[i]"\n'
                           f'[parameters]\n{lines}\n[roles]\nanchor_weight = "alpha"\n')
    code = main(["audit", str(path), "--max-n", "2", "--timeout", "2"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "empty" in err and "Traceback" not in err
