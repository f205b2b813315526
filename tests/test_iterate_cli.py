"""``kdaxioms iterate`` through ``cli.main``: JSON, text, plot, and bad input (exit 2, one line)."""

import json

import pytest

from kdaxioms.numeric.derived import value
from kdaxioms.proofs.cli import main


def run(capsys, *argv):
    code = main(["iterate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_done_when_sampled_anchor_ci_contains_the_island_model_value(capsys):
    from fractions import Fraction as F
    code, out, err = run(capsys, "sampled-anchor", "--set", "alpha=1/100", "--set", "N=100", "--n", "2", "--json")
    assert code == 0 and err == ""  # quiet in --json mode
    data = json.loads(out)
    island = data["stationary"]["island"]
    assert island["derived"] == pytest.approx(value("island-model", {"alpha": F(1, 100), "N": 100}), rel=1e-12)
    assert island["ci"][0] <= island["derived"] <= island["ci"][1] and island["inside"]
    assert all(e["inside"] for e in data["stationary"].values())
    assert [c["verdict"] for c in data["checks"]] == ["agrees"]


def test_done_when_unanchored_heterozygosity_decays_within_its_intervals(capsys):
    code, out, _ = run(capsys, "sampled-anchor", "--set", "alpha=0", "--set", "N=100", "--n", "2",
                       "--set", "p=1/2,1/2", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["mode"] == "unanchored"
    rows = data["heterozygosity"]
    assert len(rows) == 4
    for t, e in rows.items():
        assert e["derived"] == pytest.approx(0.5 * (1 - 1 / 100) ** int(t), rel=1e-12)  # (1 - 1/N)^t (1 - ||q0||^2)
        assert e["ci"][0] <= e["derived"] <= e["ci"][1]


def test_text_summary_of_f1_by_theory_id(capsys):
    code, out, _ = run(capsys, "F1", "--set", "alpha=1/4", "--chains", "20")
    assert code == 0
    assert out.startswith("linear-anchor")
    for fragment in ("final distance", "largest per-step ratio: kl", "empirical rate 0.75", "derived rate 0.75",
                     "check rate: agrees", "check step ratios: agrees"):
        assert fragment in out


@pytest.mark.parametrize("argv", [
    ["F0", "--chains", "5", "--steps", "20"],
    ["softened-self", "--chains", "5", "--steps", "20"],
    ["F2", "--chains", "5"],
    ["multi-teacher-geometric-anchor", "--chains", "5"],
    ["F3", "--set", "beta=1/2,1/4,1/4", "--chains", "5"],
    ["F4", "--chains", "5", "--steps", "50"],
    ["F5", "--set", "p=9/10,1/10", "--chains", "5"],
    ["F6", "--set", "Phi=1;2;4", "--chains", "5"],
    ["F7", "--chains", "50", "--steps", "80"],
    ["sampled-anchor", "--accumulate", "--chains", "200"],
])
def test_every_family_iterates(capsys, argv):
    code, out, err = run(capsys, *argv, "--json")
    data = json.loads(out)
    assert code == 0, data["checks"]
    assert data["steps"] >= 1 and data["final_distance"]["tv_max"] >= 0


def test_seeded_runs_repeat(capsys):
    argv = ["F7", "--chains", "30", "--steps", "80", "--seed", "5", "--json"]
    first = json.loads(run(capsys, *argv)[1])
    second = json.loads(run(capsys, *argv)[1])
    third = json.loads(run(capsys, *argv[:-3], "--seed", "6", "--json")[1])
    for d in (first, second, third):
        d.pop("seconds")
    assert first == second and first != third


def test_plot_writes_a_png(capsys, tmp_path):
    path = tmp_path / "f1.png"
    code, out, _ = run(capsys, "F1", "--chains", "5", "--json", "--plot", str(path))
    assert code == 0 and json.loads(out)["plot"] == str(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("argv, fragment", [
    (["linear-anchor", "--set", "p=1/2,-1/4,3/4"], "negative"),
    (["linear-anchor", "--set", "p=1/2,1/4"], "normalize"),
    (["linear-anchor", "--set", "p=1,0"], "strictly positive"),
    (["linear-anchor", "--steps", "0"], "--steps 0"),
    (["no-such-family"], "unknown family"),
    (["F9"], "unknown family"),
    (["unanchored", "--set", "N=100"], "sampled-anchor --set alpha=0"),
    (["linear-anchor", "--set", "alpha=0"], "alpha=0"),
    (["linear-anchor", "--set", "alpha=2"], "alpha"),
    (["sampled-anchor", "--set", "N=0"], "N=0"),
    (["linear-anchor", "--set", "alpha"], "NAME=VALUE"),
    (["linear-anchor", "--n", "1"], "n >= 2"),
    (["linear-anchor", "--n", "x"], "invalid int"),
    (["F7", "--chains", "1"], "two chains"),
    (["F7", "--steps", "40"], "burn-in of 66"),
    (["F1", "--plot", "/no/such/folder/x.png"], "existing folder"),
    (["examples/operators/power-softening.toml"], "meta-teacher"),
])
def test_bad_input_exits_2_with_one_line(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("kdaxioms: error:") and err.count("\n") == 1 and "Traceback" not in err
    assert fragment in err


def test_large_support_gets_an_exact_random_anchor(capsys):
    code, out, _ = run(capsys, "F1", "--n", "2500", "--chains", "2", "--steps", "3", "--json")
    data = json.loads(out)
    assert code == 0 and len(data["inputs"]["p"]) == 2500
    from fractions import Fraction
    p = [Fraction(x) for x in data["inputs"]["p"]]
    assert sum(p) == 1 and min(p) > 0 and len(set(p)) > 10  # exact, interior, not all at the minimum


def test_projected_rate_is_fitted_above_the_newton_floor(capsys):
    """F6 beyond the derived fixed points (n > 16): moments contract by 1 - alpha, and so does q_t."""
    code, out, _ = run(capsys, "F6", "--n", "30", "--chains", "5", "--set", "alpha=1/5", "--json")
    assert code == 0
    assert json.loads(out)["rate"]["measured"] == pytest.approx(0.8, rel=1e-3)
