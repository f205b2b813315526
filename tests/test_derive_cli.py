"""The derive command and the C3 trajectory derivations."""

import json
from fractions import Fraction

import numpy as np
import pytest

from kdaxioms.proofs.cli import main
from kdaxioms.symbolic.derivations import DERIVATIONS, derivation


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_names_every_derivation(capsys):
    code, out, _ = run(capsys, "derive", "--list")
    assert code == 0
    for name in DERIVATIONS:
        assert name in out


def test_json_has_the_contract_fields(capsys):
    code, out, err = run(capsys, "derive", "linear-trajectory", "--set", "alpha=1/3", "--set", "t=4",
                         "--set", "p=0.2,0.8", "--set", "q0=1,0", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) >= {"name", "expression", "latex", "value", "parameters"}
    expected = [0.2 + (2 / 3) ** 4 * 0.8, 0.8 - (2 / 3) ** 4 * 0.8]
    assert [float(v) for v in data["value"]] == pytest.approx(expected, rel=1e-15)
    assert all(len(v.replace(".", "").lstrip("0")) >= 15 for v in data["value"])


def test_value_is_null_when_an_input_is_unset(capsys):
    code, out, _ = run(capsys, "derive", "linear-trajectory", "--set", "alpha=1/3", "--json")
    assert code == 0 and json.loads(out)["value"] is None


def test_latex_flag(capsys):
    code, out, _ = run(capsys, "derive", "local-kl-ratio", "--latex")
    assert code == 0 and r"\alpha" in out


@pytest.mark.parametrize("argv, fragment", [
    (["derive", "no-such"], "unknown derivation 'no-such'"),
    (["derive", "linear-trajectory", "--set", "alpha=0"], "alpha=0 is outside"),
    (["derive", "linear-trajectory", "--set", "alpha"], "NAME=VALUE"),
    (["derive", "linear-trajectory", "--set", "alpha=x"], "not an exact number"),
    (["derive", "linear-trajectory", "--set", "gamma=1"], "takes no input 'gamma'"),
    (["derive", "linear-trajectory", "--set", "alpha=1/2", "--set", "t=1", "--set", "p=1/2,1/3", "--set", "q0=1,0"], "sums to 5/6"),
    (["derive", "multi-teacher-trajectory", "--set", "alpha=1/2", "--set", "t=1", "--set", "teachers=1/2,1/2;1/3,2/3",
      "--set", "w=1/2,1/3", "--set", "q0=1,0"], "sums to 5/6"),
    (["derive"], "NAME or --list"),
])
def test_bad_inputs_exit_2_with_one_line(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and fragment in err


@pytest.mark.parametrize("geometric", [0, 1])
def test_multi_teacher_trajectory_matches_iteration(geometric):
    teachers = ((Fraction(7, 10), Fraction(1, 5), Fraction(1, 10)), (Fraction(1, 3), Fraction(1, 3), Fraction(1, 3)))
    w, alpha, q0 = (Fraction(1, 4), Fraction(3, 4)), Fraction(2, 5), (Fraction(0), Fraction(0), Fraction(1))
    tf = np.array(teachers, float)
    wf = np.array(w, float)
    if geometric:
        anchor = np.prod(tf ** wf[:, None], axis=0)
        anchor /= anchor.sum()
    else:
        anchor = wf @ tf
    q = np.array(q0, float)
    spec = derivation("multi-teacher-trajectory")
    for t in range(5):
        d = spec.derive({"alpha": alpha, "t": t, "teachers": teachers, "w": w, "q0": q0, "geometric": geometric})
        assert [float(v) for v in d.value] == pytest.approx(list(q), rel=1e-13)
        q = 0.4 * anchor + 0.6 * q
