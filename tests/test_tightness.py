"""C4's tight factor c*(alpha, p) of F1: certified brackets, the command, bad input, and the
min p_i conjecture (evidence only: certified brackets that overlap)."""

from __future__ import annotations

import json
from fractions import Fraction as F
from functools import lru_cache

import mpmath as mp
import numpy as np
import pytest

from kdaxioms.certified.intervals import Interval, IntervalProgram, precision
from kdaxioms.certified.tightness import (GAP, bracket, boundary_below, certify_upper, gap_function, problem,
                                        ratio_enclosure)
from kdaxioms.proofs.cli import main

HALF = F(1, 2)
ANCHORS = {"n2": (F(9, 10), F(1, 10)), "n3": (F(1, 2), F(3, 10), F(1, 5))}


@lru_cache(maxsize=None)
def cached(alpha: F, anchor: tuple[F, ...], seed: int = 0):
    return bracket(alpha, anchor, seed=seed)


def mpmath_optimum(alpha: F, anchor: tuple[F, ...], dps: int = 40) -> mp.mpf:
    """sup_q KL(Tq||p)/KL(q||p), independently of the product code: the formulas typed here, a
    coarse grid for the start, then mpmath's root finder on the free-coordinate gradient."""
    mp.mp.dps = dps
    a = mp.mpf(alpha.numerator) / alpha.denominator
    p = [mp.mpf(v.numerator) / v.denominator for v in anchor]
    n = len(p)

    def ratio(x):
        q = list(x) + [1 - mp.fsum(x)]
        t = [a * pi + (1 - a) * qi for pi, qi in zip(p, q)]
        num = mp.fsum(ti * mp.log(ti / pi) for ti, pi in zip(t, p))
        den = mp.fsum(qi * mp.log(qi / pi) for qi, pi in zip(q, p) if qi > 0)
        return num / den

    def gradient(*x):
        q = list(x) + [1 - mp.fsum(x)]
        t = [a * pi + (1 - a) * qi for pi, qi in zip(p, q)]
        num = mp.fsum(ti * mp.log(ti / pi) for ti, pi in zip(t, p))
        den = mp.fsum(qi * mp.log(qi / pi) for qi, pi in zip(q, p))
        g = [((1 - a) * (mp.log(ti / pi) + 1) - num / den * (mp.log(qi / pi) + 1)) / den for ti, qi, pi in zip(t, q, p)]
        return [g[j] - g[-1] for j in range(n - 1)]

    grid = np.linspace(0.01, 0.99, 99)
    points = ([(x,) for x in grid] if n == 2 else [(x, y) for x in grid for y in grid if x + y < 0.99])
    start = max(points, key=lambda x: ratio([mp.mpf(v) for v in x]) if abs(x[0] - float(p[0])) > 0.02 else 0)
    root = mp.findroot(gradient, [mp.mpf(v) for v in start])
    x = list(root) if isinstance(root, mp.matrix) else [root]
    return ratio(x)


@pytest.mark.parametrize("key", sorted(ANCHORS))
def test_bracket_contains_the_mpmath_optimum(key):
    b = cached(HALF, ANCHORS[key])
    assert b.certified, b.cover.summary()
    optimum = mpmath_optimum(HALF, ANCHORS[key])
    assert b.lower <= F(mp.nstr(optimum, 30)) <= b.upper
    assert b.width <= F(1, 10**6)
    assert float(optimum) - float(b.lower) < 1e-11  # the argmax is good: lower within rounding of c*


@pytest.mark.parametrize("alpha,anchor", [(HALF, ANCHORS["n2"]), (HALF, ANCHORS["n3"]), (F(1, 5), ANCHORS["n2"]),
                                          (F(9, 10), ANCHORS["n3"])])
def test_bracket_lies_in_the_theory_range(alpha, anchor):
    b = cached(alpha, anchor)
    assert b.certified
    assert (1 - alpha) ** 2 <= b.lower and b.upper < 1 - alpha
    assert b.lower_from.startswith("ratio at the exact argmax")
    # the exact argmax is a point of the simplex and the certified ratio there is at least lower
    assert sum(b.argmax) == 1 and all(v > 0 for v in b.argmax)
    assert ratio_enclosure(problem(alpha, anchor), b.argmax).lo >= 0
    assert F(str(b.ratio_at_argmax.lo.mid().str(30, radius=False))) >= b.lower - F(1, 10**25)


def test_seeded_search_is_reproducible():
    one, two = bracket(HALF, ANCHORS["n2"], seed=7), bracket(HALF, ANCHORS["n2"], seed=7)
    assert one.argmax == two.argmax and one.lower == two.lower and one.upper == two.upper


def test_a_level_below_the_optimum_is_not_certified():
    """The cover can fail: below c* it finds a cell centre where the ratio exceeds the level."""
    b = cached(HALF, ANCHORS["n2"])
    level = b.lower - F(1, 10**4)
    prob = problem(HALF, ANCHORS["n2"])
    cover = certify_upper(prob, level)
    assert not cover.complete and cover.violation is not None
    point = [cover.violation[s] for s in prob.q]
    with precision(128):
        value = IntervalProgram(gap_function(prob, level), prob.q)([Interval.exact(v) for v in point])
    assert value.hi < 0  # certified: level KL(q||p) - KL(Tq||p) < 0 there, i.e. R(q) > level


def test_uniform_two_point_anchor_has_the_local_limit_as_supremum():
    b = bracket(HALF, (HALF, HALF))
    assert b.certified and b.lower == F(1, 4) and b.lower_from.startswith("limit at q = p")


@pytest.mark.parametrize("alpha,anchor", [(F(7, 10), (F(21, 50), F(29, 50))),
                                          (F(1, 2), (F(18, 125), F(77, 125), F(6, 25)))], ids=["n2", "n3"])
def test_a_search_that_lands_on_p_is_corrected_by_the_cover(alpha, anchor):
    """Next to p the float ratio is rounding noise, and at these anchors the search's best start
    sits on p.  The cover's violations (at n = 3 a cell centre on the face q_3 = 0) must lead to the
    interior argmax, chosen by certified value: the bracket holds the optimum, above the limit
    (1 - alpha)^2 at q = p.  Both were `unknown` in the 2,000-bracket sweep before the fix."""
    b = bracket(alpha, anchor)
    assert b.certified, b.cover.summary()
    optimum = mpmath_optimum(alpha, anchor)
    assert b.lower <= F(mp.nstr(optimum, 30)) <= b.upper
    assert b.lower > (1 - alpha) ** 2 and b.lower_from.startswith("ratio at the exact argmax")
    assert max(abs(x - y) for x, y in zip(b.argmax, anchor)) > F(1, 20)


@pytest.mark.parametrize("key", sorted(ANCHORS))
def test_the_boundary_stays_below_the_bracket(key):
    b = cached(HALF, ANCHORS[key])
    check = boundary_below(problem(HALF, ANCHORS[key]), b.lower)
    assert check.certified, check.faces


def test_min_conjecture_evidence_brackets_overlap():
    """Anchors sharing min p_i = 1/5 (n = 3, and n = 2): the certified brackets overlap.
    Evidence for the conjecture, not a proof; disjoint brackets would refute it."""
    anchors = [(F(4, 5), F(1, 5)), ANCHORS["n3"], (F(3, 5), F(1, 5), F(1, 5)), (F(2, 5), F(2, 5), F(1, 5))]
    brackets = [cached(HALF, a) for a in anchors]
    assert all(b.certified for b in brackets)
    assert max(b.lower for b in brackets) <= min(b.upper for b in brackets)
    # a different minimum gives a certified different value (the brackets are sharp enough to tell)
    other = cached(HALF, ANCHORS["n2"])
    assert other.lower > max(b.upper for b in brackets)


def _cli(capsys, *args):
    code = main(["tightness", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json(capsys):
    code, out, err = _cli(capsys, "--alpha", "1/2", "--anchor", "9/10,1/10", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert {"lower", "upper", "argmax", "alpha", "anchor", "width", "seconds"} <= set(data)
    lower, upper = F(data["lower"]), F(data["upper"])
    assert upper - lower == F(data["width"]) <= F(1, 10**6)
    assert data["alpha"] == "1/2" and data["anchor"] == ["9/10", "1/10"]
    assert sum(F(v) for v in data["argmax"]) == 1
    assert data["certified"] is True and F(data["width"]) <= GAP + F(1, 10**12)


def test_cli_text(capsys):
    code, out, _ = _cli(capsys, "--alpha", "1/2", "--anchor", "9/10,1/10")
    assert code == 0 and "certified bracket: [0.302333" in out


@pytest.mark.parametrize("args,message", [
    (["--alpha", "1/2", "--anchor=-1/10,11/10"], "negative"),
    (["--alpha", "1/2", "--anchor", "1/2,1/3"], "sums to 5/6"),
    (["--alpha", "1/2", "--anchor", "1,0"], "zero entry"),
    (["--alpha", "1/2", "--anchor", "1"], "at least 2"),
    (["--alpha", "0", "--anchor", "1/2,1/2"], "outside (0, 1)"),
    (["--alpha", "1", "--anchor", "1/2,1/2"], "outside (0, 1)"),
    (["--alpha", "-1/2", "--anchor", "1/2,1/2"], "expected one argument"),
    (["--alpha=-1/2", "--anchor", "1/2,1/2"], "outside (0, 1)"),
    (["--alpha", "half", "--anchor", "1/2,1/2"], "not an exact number"),
    (["--alpha", "1/2", "--anchor", "1/2,,1/2"], "empty entry"),
    (["--alpha", "1/2"], "required"),
])
def test_cli_bad_input_exits_2_with_one_line(capsys, args, message):
    code, out, err = _cli(capsys, *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_c4_exact_factor_claim_is_proved_at_the_report_anchors_and_cross_checked():
    from kdaxioms.proofs.runner import run_claim
    from kdaxioms.proofs.settings import Settings
    from kdaxioms.proofs import registry
    result = run_claim(registry()["C4.exact-factor"], Settings())
    assert result.verdict == "proved" and result.combined.confirmed and not result.combined.disagreement
    scope = result.combined.scope
    assert scope.sizes == "n<=3" and scope.parameters == {"alpha": ("1/2",)}
    assert scope.conditions == ("anchor p = (9/10, 1/10) or (1/2, 3/10, 1/5)",)
    interval = next(r for r in result.routes if r.route == "interval")
    assert interval.seconds < 10


def test_benchmark_script_runs_on_a_tiny_case():
    import importlib.util
    import sys
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent / "bench" / "tightness.py"
    spec = importlib.util.spec_from_file_location("bench_tightness", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    row = module.measure(HALF, ANCHORS["n2"], repeats=1)
    assert row["upper"] != "-" and row["bracket"] > 0 and row["baseline"] > 0
    rows = module.conjecture_rows((HALF,), {F(1, 5): ((F(4, 5), F(1, 5)), (F(1, 5), F(4, 5)))})
    assert [r["overlap"] for r in rows] == [True, True] and rows[0]["lower"] == rows[1]["lower"]


def test_an_argmax_rounded_onto_the_anchor_is_moved_off_it():
    from kdaxioms.certified.tightness import exact_point
    point = exact_point(np.array([0.5, 0.5]), (HALF, HALF))
    assert point != (HALF, HALF) and sum(point) == 1 and min(point) > 0
