import numpy as np
import pytest

from agnlc.mocksky.processes import drw, structure_function


def test_drw_structure_function_matches_input():
    rng = np.random.default_rng(11)
    n, tau, sigma = 400, 200.0, 0.2
    t = np.sort(rng.uniform(0, 4000, (n, 300)), axis=1)
    x = drw(t, np.full(n, tau), np.full(n, sigma), rng.standard_normal(t.shape))
    # ensemble variance = sigma^2 (stationary start)
    assert np.var(x) == pytest.approx(sigma**2, rel=0.05)
    bins = np.array([5.0, 20.0, 100.0, 1000.0, 3000.0])
    sf = np.array([structure_function(t[i], x[i], bins)[1] for i in range(60)])
    centres = np.sqrt(bins[:-1] * bins[1:])
    expected = np.sqrt(2) * sigma * np.sqrt(1 - np.exp(-centres / tau))
    measured = np.sqrt(np.nanmean(sf**2, axis=0))
    # bin-averaged SF vs SF at the geometric centre: agree within 15%
    np.testing.assert_allclose(measured, expected, rtol=0.15)
    # asymptote: SF_inf = sqrt(2) sigma
    assert measured[-1] == pytest.approx(np.sqrt(2) * sigma, rel=0.08)


def test_drw_conditional_increments_are_standard_normal():
    rng = np.random.default_rng(12)
    n = 300
    tau = rng.uniform(50, 800, n)
    sigma = rng.uniform(0.05, 0.4, n)
    t = np.sort(rng.uniform(0, 3000, (n, 80)), axis=1)
    x = drw(t, tau, sigma, rng.standard_normal(t.shape))
    r = np.exp(-np.diff(t, axis=1) / tau[:, None])
    z = (x[:, 1:] - x[:, :-1] * r) / (sigma[:, None] * np.sqrt(1 - r**2))
    assert abs(z.mean()) < 0.02
    assert z.std() == pytest.approx(1.0, abs=0.02)


def test_nan_padding_is_respected():
    t = np.array([[0.0, 10.0, np.nan], [0.0, 5.0, 9.0]])
    x = drw(t, np.array([100.0, 100.0]), np.array([0.1, 0.1]), np.ones((2, 3)))
    assert np.isnan(x[0, 2]) and np.isfinite(x[1]).all()
