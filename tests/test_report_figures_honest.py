"""The report's figures say what their data show: every figure is named by its claims and is saved as
PDF and SVG; Monte Carlo curves carry bands; the C12 caption states the gap and the interval it
computed; the rate figure's ratios sit at 1; every curve has its own colour and legend entry."""

import dataclasses
import re
from fractions import Fraction

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pytest

from kdaxioms.proofs import figures, report_figures as rf
from kdaxioms.proofs.claims import registry

SEED = 0


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    folder = tmp_path_factory.mktemp("figures")
    return folder, rf.draw_all(folder, SEED)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _colour(line) -> tuple:
    return tuple(np.round(mcolors.to_rgba(line.get_color()), 6))


def _unescaped_percent(text: str) -> bool:
    return re.search(r"(?<!\\)%", text) is not None


# -- every figure ------------------------------------------------------------------------------

def test_draw_all_returns_every_figure_with_the_kl_trajectories_first(drawn):
    _, entries = drawn
    assert [e["file"] for e in entries] == [f"{s.stem}.pdf" for s in rf.SPECS]
    assert entries[0]["file"] == "kl-trajectory.pdf"
    assert len({e["file"] for e in entries}) == len(entries)


def test_every_figure_is_named_by_a_claim_a_label_and_both_files(drawn):
    folder, entries = drawn
    named = {stem for c in registry().values() for stem in c.figures}
    assert named == {s.stem for s in rf.SPECS}  # every figure supports a claim; every named figure exists
    for e in entries:
        stem = e["file"].removesuffix(".pdf")
        assert e["svg"] == f"{stem}.svg" and e["label"] == f"fig:{stem}"
        pdf, svg = (folder / e["file"]).read_bytes(), (folder / e["svg"]).read_bytes()
        assert pdf.startswith(b"%PDF") and len(pdf) > 1000
        assert b"<svg" in svg[:2000] and len(svg) > 1000


def test_captions_are_latex_text_without_comments_or_unbalanced_braces(drawn):
    _, entries = drawn
    for e in entries:
        caption = e["caption"]
        assert not _unescaped_percent(caption), e["file"]
        assert caption.count("{") == caption.count("}"), e["file"]
        assert caption.count("$") % 2 == 0, e["file"]
        assert "nan" not in caption and "inf " not in caption


def test_monte_carlo_captions_state_the_chains_the_seed_and_the_band(drawn):
    _, entries = drawn
    by_file = {e["file"]: e["caption"] for e in entries}
    for name, chains in (("sampled-chi2.pdf", 400), ("collapse-accumulation.pdf", 40_000)):
        caption = by_file[name]
        assert f"{chains} independent chains" in caption and f"seed {SEED}" in caption
        assert r"95\%" in caption and "standard errors" in caption


def test_files_are_the_same_bytes_for_the_same_seed(tmp_path):
    for stem in ("memory-rate", "kl-trajectory"):
        spec = next(s for s in rf.SPECS if s.stem == stem)
        data = spec.data(SEED)
        for run in ("a", "b"):
            (tmp_path / run).mkdir(exist_ok=True)
            rf.draw(spec, tmp_path / run, SEED, data)
        for suffix in (".pdf", ".svg"):
            assert (tmp_path / "a" / f"{stem}{suffix}").read_bytes() == (tmp_path / "b" / f"{stem}{suffix}").read_bytes()


# -- C12: the comparison with the bound ------------------------------------------------------------

@pytest.fixture(scope="module")
def accumulation():
    return rf.accumulation_data(SEED, chains=3000, steps=20)


def test_c12_derived_curves_are_the_bound_and_the_exact_error_of_the_theory(accumulation):
    d = accumulation
    h = 1 - sum(float(x) ** 2 for x in d.p)
    s = np.arange(1, len(d.t))
    bound = np.concatenate([[0.0], np.cumsum(h / (d.size * s ** 2))])
    assert np.allclose(d.bound, bound, rtol=1e-12, atol=0)
    exact = [0.0]
    for k in s:  # V_s = V_{s-1} + (H - V_{s-1}) / (N s^2), V_0 = 0
        exact.append(exact[-1] + (h - exact[-1]) / (d.size * k ** 2))
    assert np.allclose(d.expected, exact, rtol=1e-12, atol=0)
    assert d.gap[1] == 0 and (d.gap[2:] > 0).all()


def test_c12_reported_numbers_are_the_numbers_of_the_bands(accumulation):
    d, f = accumulation, accumulation.final
    acc = d.accumulate_err
    assert f["t"] == d.t[-1] and f["mean"] == acc.mean[-1] and f["half_width"] == acc.half[-1]
    assert f["gap"] == pytest.approx(f["bound"] - f["expected"], abs=1e-15)
    assert f["separated"] == (acc.high[-1] < d.bound[-1])
    assert abs(f["mean"] - f["expected"]) < 3 * f["half_width"]  # the estimate is of the derived quantity
    if d.separated_from is not None:
        k = int(np.flatnonzero(d.t == d.separated_from)[0])
        assert (acc.high[k:] < d.bound[k:]).all() and (k == 0 or acc.high[k - 1] >= d.bound[k - 1])
    caption = rf.accumulation_caption(d)
    for number in (f"{f['gap']:.4f}", f"{f['bound']:.5f}", f"{f['expected']:.5f}", f"{f['mean']:.5f}",
                   f"{f['half_width']:.5f}", "3000 independent chains"):
        assert number in caption


def _with_final(d, mean: float, half: float):
    """``d`` with the last accumulate interval replaced by ``mean +- half``."""
    acc = d.accumulate_err
    return dataclasses.replace(d, accumulate_err=dataclasses.replace(
        acc, mean=np.r_[acc.mean[:-1], mean], half=np.r_[acc.half[:-1], half]))


def test_c12_caption_says_when_the_interval_does_not_separate_from_the_bound(accumulation):
    d = accumulation
    bound, exact = float(d.bound[-1]), float(d.expected[-1])
    wide = _with_final(d, exact, 2 * (bound - exact))
    assert not wide.final["separated"] and wide.separated_from is None
    assert "does not separate the mean from the bound" in rf.accumulation_caption(wide)
    narrow = _with_final(d, exact, (bound - exact) / 4)
    assert narrow.final["separated"]
    assert "lies below the bound" in rf.accumulation_caption(narrow)
    above = _with_final(d, bound + (bound - exact), (bound - exact) / 4)
    assert r"does \textbf{not} contain the exact value" in rf.accumulation_caption(above)


def test_c12_default_run_separates_its_interval_from_the_bound():
    """The report's chain count is enough: at t = 60 the interval lies below the bound."""
    f = rf.accumulation_data(SEED).final
    assert f["separated"] and f["half_width"] < f["gap"] / 2


def test_c12_every_monte_carlo_curve_has_a_band_and_its_own_colour(accumulation):
    fig = rf.accumulation_plot(accumulation)
    left, right = fig.axes
    assert len(left.collections) == 3 and len(right.collections) == 1  # three bands, and the band of the difference
    colours = [_colour(line) for line in left.get_lines()]
    assert len(set(colours)) == len(colours)
    labels = [t.get_text() for t in left.get_legend().get_texts()]
    assert len(labels) == len(left.get_lines())


# -- the rate figure: measured over derived ----------------------------------------------------------

def test_measured_over_derived_rates_are_one():
    data = rf.rates_data(SEED)
    by_family = {r.label.split(" ", 1)[0]: r for r in data.runs}
    assert set(by_family) == {"F1", "F3", "F4", "F6"}
    for name in ("F1", "F4", "F6"):
        assert by_family[name].deviation(1) < 1e-8, name
    memory = by_family["F3"]
    assert memory.deviation(data.settled) < 1e-3 and memory.deviation(30) < 1e-6
    assert abs(memory.ratio[0] - 1) > 1e-2  # the transient is real, and the caption quotes it
    assert f"{memory.ratio[0]:.3f}" in rf.rates_caption(data)


def test_rate_figure_plots_the_ratios_with_distinct_colours_and_a_line_at_one():
    data = rf.rates_data(SEED, steps=20)
    fig = rf.rates_plot(data)
    (ax,) = fig.axes
    curves = [line for line in ax.get_lines() if len(line.get_xdata()) == data.steps]
    assert len(curves) == len(data.runs)
    for line, r in zip(curves, data.runs):
        assert np.array_equal(line.get_ydata(), r.ratio)
    assert len({_colour(line) for line in curves}) == len(curves)
    assert len({str(line.get_linestyle()) + line.get_marker() for line in curves}) == len(curves)
    references = [line for line in ax.get_lines() if line not in curves]
    assert len(references) == 1 and np.all(np.asarray(references[0].get_ydata()) == 1.0)
    assert len(ax.get_legend().get_texts()) == len(data.runs) + 1


# -- the KL trajectories and the chi^2 points -----------------------------------------------------

def test_kl_trajectories_have_one_colour_style_and_legend_entry_each():
    data = rf.kl_trajectory_data(SEED)
    fig = figures.kl_trajectory_plot(data)
    (ax,) = fig.axes
    lines = ax.get_lines()
    assert len(lines) == data.starts + 1
    assert len({_colour(line) for line in lines}) == len(lines)
    assert len({(str(line.get_linestyle()), line.get_marker()) for line in lines[:-1]}) == data.starts
    assert len(ax.get_legend().get_texts()) == len(lines)
    assert (data.normalized[1:] <= data.envelope[1:, None]).all()
    assert data.worst_ratio == pytest.approx(float((data.normalized[1:] / data.envelope[1:, None]).max()))
    assert f"{data.worst_ratio:.4f}" in figures.kl_trajectory_caption(data)


def test_kl_trajectory_function_still_draws_both_files(tmp_path):
    from kdaxioms.symbolic.families import family

    info = figures.kl_trajectory(tmp_path / "kl.pdf", family("linear-anchor"), alpha=0.25, seed=SEED, steps=5)
    assert (tmp_path / "kl.pdf").stat().st_size > 0 and (tmp_path / "kl.svg").stat().st_size > 0
    assert info["starts"] == 6 and "6 deterministic trajectories" in info["caption"]


def test_chi2_error_bars_are_visible_and_the_caption_counts_the_chains():
    data = rf.sampled_chi2_data(SEED, chains=60, window=40, alphas=(0.2, 0.7))
    fig = rf.sampled_chi2_plot(data)
    top, bottom = fig.axes
    for ax in (top, bottom):
        (bars,) = ax.containers
        marker_line, caplines, _ = bars.lines
        assert marker_line.get_markersize() >= 6 and len(caplines) == 2
    ratio_points = bottom.containers[0].lines[0].get_ydata()
    assert np.allclose(ratio_points, data.ratio)
    caption = rf.sampled_chi2_caption(data)
    assert "60 independent chains" in caption
    assert f"{data.covered} of 2 intervals contain the derived value" in caption
    assert data.covered == sum(abs(e.mean - d) <= e.half_width for e, d in zip(data.estimates, data.derived))


def test_softened_bias_states_its_limit_and_its_zero_at_tau_one():
    data = rf.softened_bias_data()
    at_one = data.taus.index(Fraction(1))
    assert all(abs(b[at_one]) < 1e-12 for b in data.bias.values())
    for alpha, bias in data.bias.items():  # the bias approaches its tau -> oo limit from below
        assert bias[-1] < data.limit[alpha] and data.limit[alpha] - bias[-1] < data.limit[alpha] - bias[-2]
    assert all(f"{v:.4f}" in rf.softened_bias_caption(data) for v in data.limit.values())
