"""Smoke test of the SMT audit benchmarks (bench/audit_scaling.py, bench/audit_vs_sampling.py).

Tiny cases only, so that the scripts do not rot: verdicts, samplers and tables.  No timing is
asserted; the benchmarks' ratios are measured in their own runs (docs/benchmarks.md)."""

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import sympy as sp

from kdaxioms.symbolic.axioms import axiom
from kdaxioms.symbolic.opfile import load_operator

from catalogue import AUDITS

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


scaling = _load("audit_scaling")
sampling = _load("audit_vs_sampling")


def test_scaling_routes_on_a_tiny_case():
    op = load_operator(scaling.EXAMPLES / "linear-anchor.toml")
    result = scaling.scale_axiom("linear-anchor", axiom("anchoring", op), (2, 3), 5000)
    assert [t.verdict() for t in result.coordinate.values()] == ["proved (all-n)"] * 2
    assert [t.verdict() for t in result.vector.values()] == ["proved (n<=2)", "proved (n<=3)"]
    assert result.largest_decided == 3 and result.stuck_at is None
    lines = scaling.table([result], (2, 3))
    assert len(lines) == 3 and lines[2].startswith("| linear-anchor | anchoring |")
    assert len(scaling.growth([result], 5.0)) == 3


def test_scaling_fixes_exponent_parameters_on_the_audit_grid():
    op = load_operator(scaling.EXAMPLES / "power-softening.toml")
    fixed = scaling.exponent_values(axiom("closure", op))
    assert {s.name: v for s, v in fixed.items()} == {"tau": sp.Rational(1, 3)}
    assert scaling.exponent_values(axiom("identity", op)) == {}
    assert "linear-anchor" in scaling.builtin_operators()


def test_planted_bugs_are_the_refuted_catalogue_entries_and_the_thin_ones():
    bugs = sampling.planted_bugs()
    catalogue = sum(v == "refuted" for c in AUDITS for v in c.expected.values())
    assert len(bugs) == catalogue + len(sampling.THIN_BUGS) and catalogue >= 10
    assert [b.thin for b in bugs].count(True) == len(sampling.THIN_BUGS) >= 3


def test_audit_and_samplers_on_one_bug():
    bug = next(b for b in sampling.planted_bugs() if (b.case, b.name) == ("unanchored", "positivity"))
    audit = sampling.time_audit(bug, 4000, runs=1)
    assert audit.refuted and audit.route == "sampling"  # the faces of the exact stage find it

    rng = np.random.default_rng(0)
    inner = sampling.Sampler(bug, faces=False)
    points = [inner.draw(rng) for _ in range(30)]
    assert all(x > 0 for pt in points for vec in pt.inputs.values() for x in vec)
    assert all(sum(vec) == 1 for pt in points for vec in pt.inputs.values())
    assert {pt.n for pt in points} == set(sampling.SIZES)
    # positivity fails only where q has a zero entry: never in the interior
    assert not any(bug.axiom.violated_at(pt) for pt in points)

    faces = sampling.Sampler(bug, faces=True)
    points = [faces.draw(rng) for _ in range(60)]
    assert all(x > 0 for pt in points for x in pt.inputs["p"])  # the anchor stays interior
    assert any(x == 0 for pt in points for x in pt.inputs["q"])
    found = sampling.search(bug, faces, np.random.default_rng([0, 1]), 5.0)
    assert found.seconds < math.inf and found.draws >= 1
    missed = sampling.search(bug, inner, np.random.default_rng([0, 2]), 0.2)
    assert missed.seconds == math.inf

    row = sampling.Row(bug, audit, 5.0, {"interior": sampling.Sampling([missed], 5.0),
                                         "faces": sampling.Sampling([found], 5.0)})
    value, lower = row.speedup("interior")
    assert lower and value == 5.0 / audit.seconds
    assert row.speedup("faces") == (found.seconds / audit.seconds, False)
    assert len(sampling.table([row])) == 3
    assert sampling.median_speedup([row], "interior")[1] is True


def test_budget_bench_writes_every_catalogue_operator_as_a_file_that_loads(tmp_path):
    import tomllib
    budget = _load("audit_budget")
    files = budget.operator_files(tmp_path, quick=False)
    assert sum(source == "catalogue" for source, _ in files) == len(AUDITS)
    for case in AUDITS:
        path = tmp_path / f"catalogue-{case.id}.toml"
        assert tomllib.loads(path.read_text()) == {**case.data, "name": case.id}
        load_operator(path)
