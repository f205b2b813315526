"""The iteration engine: processes, projection, Monte Carlo intervals and rate fits."""

import numpy as np
import pytest

from kdaxioms.numeric.experiment import experiment
from kdaxioms.numeric.iterate import run
from kdaxioms.numeric.montecarlo import burn_in, chain_mean, quantile, window_average
from kdaxioms.numeric.processes import Accumulated, Exact, Projected, meta_teacher
from kdaxioms.numeric.projection import feature_basis, projection
from kdaxioms.numeric.rates import fit_rate, largest_ratio
from kdaxioms.numeric.sampling import interior, starts
from kdaxioms.numeric.translate import numeric_operator
from kdaxioms.symbolic.errors import InputError, KdaxiomsError
from kdaxioms.symbolic.families import family

P3 = np.array([0.5, 0.25, 0.25])


def _f1(p, alpha=0.2):
    return Exact(meta_teacher(numeric_operator(family("linear-anchor")), {"p": p}, {"alpha": alpha}))


def test_exact_f1_follows_the_closed_form_and_keeps_shapes():
    rng = np.random.default_rng(1)
    p, q0 = interior(rng, 7, 4), starts(rng, 7, 4)
    out = run(_f1(p), q0, 25, statistics={"l1": lambda q: np.abs(q - p).sum(axis=-1)}, keep=True)
    assert out.path.shape == (26, 7, 4) and out.series["l1"].shape == (26, 7) and out.steps == 25
    t = np.arange(26).reshape(-1, 1, 1)
    np.testing.assert_allclose(out.path, p + 0.8 ** t * (q0 - p), atol=1e-14)
    np.testing.assert_array_equal(out.final, out.path[-1])
    assert run(_f1(p), q0, 25, keep=False).path is None


def test_memory_history_is_padded_with_the_start():
    """F3 with beta = (0, 1): q_{t+1} = alpha p + (1 - alpha) q_{t-1}, history padded with q_0."""
    p = np.tile(P3, (3, 1))
    q0 = np.array([[1.0, 0, 0], [0, 1.0, 0], [0.2, 0.3, 0.5]])
    ex = experiment(family("memory-anchor", k=2), "exact", {"p": P3}, {"alpha": 0.3, "beta_1": 0.0, "beta_2": 1.0})
    path = run(ex.build(), q0, 6, keep=True).path
    expected = [q0, q0]  # q_{-1} = q_0
    for _ in range(6):
        expected.append(0.3 * p + 0.7 * expected[-2])
    np.testing.assert_allclose(path, np.array(expected[1:]), atol=1e-15)


def test_resampling_is_seeded_and_draws_counts():
    ex = experiment(family("sampled-anchor"), "multinomial", {"p": P3}, {"alpha": 0.1}, samples=40)
    q0 = np.tile(P3, (500, 1))
    a = run(ex.build(), q0, 5, np.random.default_rng(3), keep=True).path
    b = run(ex.build(), q0, 5, np.random.default_rng(3), keep=True).path
    c = run(ex.build(), q0, 5, np.random.default_rng(4), keep=True).path
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    counts = a[1:] * 40
    np.testing.assert_allclose(counts, np.round(counts), atol=1e-9)
    np.testing.assert_allclose(a.sum(axis=-1), 1.0)
    # one step from q0 = p: E[q_1] = T(p) = p, inside a 99.9% interval per coordinate
    for i in range(3):
        assert chain_mean(a[1, :, i], 0.999).contains(P3[i])


def test_sampling_needs_a_generator():
    ex = experiment(family("sampled-anchor"), "multinomial", {"p": P3}, {"alpha": 0.1}, samples=40)
    with pytest.raises(InputError, match="seeded"):
        run(ex.build(), np.tile(P3, (2, 1)), 3)


def test_accumulation_pools_every_sample():
    n_samples, steps = 30, 6
    ex = experiment(family("sampled-anchor"), "accumulate", {"p": P3}, {"alpha": 0.0}, samples=n_samples)
    assert isinstance(ex.build(), Accumulated)
    path = run(ex.build(), np.tile(P3, (400, 1)), steps, np.random.default_rng(5), keep=True).path
    for s in range(1, steps + 1):
        pooled = path[s] * s * n_samples  # counts of all s N samples
        np.testing.assert_allclose(pooled, np.round(pooled), atol=1e-8)
    for i in range(3):
        assert chain_mean(path[steps, :, i], 0.999).contains(P3[i])  # E[q_t] = p


def test_projection_matches_moments_and_stays_in_the_family():
    rng = np.random.default_rng(6)
    phi = np.array([[1.0], [2.0], [4.0], [5.0]])
    proj = projection(phi)
    r = interior(rng, 50, 4)
    r[:5] = starts(rng, 5, 4, boundary_share=1.0)  # boundary targets too
    q, theta = proj(r)
    np.testing.assert_allclose(q @ phi, r @ phi, atol=1e-10)  # moment matching
    np.testing.assert_allclose(q.sum(axis=-1), 1.0)
    logq = np.log(q)
    residual = logq - logq.mean(axis=1, keepdims=True) - (theta @ proj.basis.T)
    np.testing.assert_allclose(residual - residual.mean(axis=1, keepdims=True), 0, atol=1e-9)  # q ∝ exp(B theta)
    again, _ = proj(r, theta)  # warm start from the solution: already converged
    np.testing.assert_allclose(again, q, atol=1e-12)


def test_projection_onto_the_whole_simplex_is_the_identity_and_bad_features_fail():
    assert projection(np.eye(3)).identity
    r = interior(np.random.default_rng(0), 4, 3)
    np.testing.assert_array_equal(projection(np.eye(3))(r)[0], r)
    assert feature_basis(np.ones((3, 1))).shape == (3, 0)
    with pytest.raises(InputError):
        feature_basis(np.array([1.0, 2.0]))


def test_projected_process_moments_follow_the_linear_recursion():
    phi = np.array([[0.0], [1.0], [3.0]])
    ex = experiment(family("capacity-anchor"), "projection", {"p": P3}, {"alpha": 0.25}, features=phi)
    assert isinstance(ex.build(), Projected)
    q0 = starts(np.random.default_rng(2), 20, 3)
    path = run(ex.build(), q0, 30, keep=True).path
    mu = path @ phi
    np.testing.assert_allclose(mu[1:], 0.25 * (P3 @ phi) + 0.75 * mu[:-1], atol=1e-10)


@pytest.mark.parametrize("fixed, fragment", [
    ({"p": np.array([0.5, -0.5, 1.0])}, "negative"),
    ({"p": np.array([0.5, 0.25, 0.2])}, "does not sum to 1"),
    ({"p": np.array([1.0, 0.0, 0.0])}, "strictly positive"),
])
def test_experiment_rejects_bad_anchors(fixed, fragment):
    with pytest.raises(InputError, match=fragment):
        experiment(family("linear-anchor"), "exact", fixed, {"alpha": 0.1})


@pytest.mark.parametrize("kwargs, fragment", [
    ({"process": "exact", "samples": 10}, "sample size"),
    ({"process": "multinomial"}, "sample size"),
    ({"process": "multinomial", "samples": 0}, "at least|>= 1"),
    ({"process": "projection"}, "features"),
    ({"process": "teleport"}, "unknown process"),
])
def test_experiment_rejects_bad_process_inputs(kwargs, fragment):
    with pytest.raises(InputError, match=fragment):
        experiment(family("linear-anchor"), fixed={"p": P3}, parameters={"alpha": 0.1}, **kwargs)


@pytest.mark.parametrize("steps", [0, -3, 2.5])
def test_run_rejects_bad_steps(steps):
    with pytest.raises(InputError, match="steps"):
        run(_f1(P3), np.tile(P3, (2, 1)), steps)


def test_run_rejects_a_start_off_the_simplex():
    with pytest.raises(InputError, match="sum to 1"):
        run(_f1(P3), np.array([[0.5, 0.5, 0.5]]), 3)


def test_normal_interval_covers_at_its_level():
    rng = np.random.default_rng(11)
    covered = sum(chain_mean(rng.exponential(2.0, size=200)).contains(2.0) for _ in range(400))
    assert 0.92 <= covered / 400 <= 0.98
    assert quantile() == pytest.approx(1.959964, abs=1e-6)
    assert quantile(0.95, 3) == pytest.approx(2.393980, abs=1e-6)  # Bonferroni over 3
    with pytest.raises(InputError):
        chain_mean(np.array([1.0]))


def test_burn_in_and_window():
    assert burn_in(0.9, 1e-3) == 66 and 0.9 ** 66 <= 1e-3 < 0.9 ** 65
    series = np.arange(12.0).reshape(6, 2)
    np.testing.assert_array_equal(window_average(series, 4), [9.0, 10.0])
    with pytest.raises(InputError):
        burn_in(1.0)


def test_rate_fit_and_largest_ratio():
    t = np.arange(300)
    fit = fit_rate(3 * 0.93 ** t + 0.5 * 0.4 ** t)
    assert fit.rate == pytest.approx(0.93, rel=1e-10)
    assert fit_rate(np.zeros(10)).rate == 0.0
    series = np.array([[1.0, 2.0], [0.5, 1.8], [0.2, 1.5]])
    assert largest_ratio(series) == pytest.approx(0.9)


def test_engine_errors_share_the_base_class():
    from kdaxioms.numeric.projection import ProjectionError
    assert issubclass(ProjectionError, KdaxiomsError) and issubclass(InputError, KdaxiomsError)
