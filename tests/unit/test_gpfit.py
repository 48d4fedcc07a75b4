import celerite2
import numpy as np
import pytest
from celerite2 import terms

from agnlc.features import carma, gpfit


def _drw(rng, n, baseline, tau, sigma, err=0.02):
    t = np.sort(rng.uniform(0, baseline, n))
    gp = celerite2.GaussianProcess(terms.RealTerm(a=sigma**2, c=1 / tau))
    gp.compute(t, diag=np.full(n, 1e-10))
    return t, 19 + gp.dot_tril(rng.normal(size=n)) + rng.normal(0, err, n), np.full(n, err)


def test_drw_recovers_tau_and_sigma_with_a_long_baseline():
    rng = np.random.default_rng(4)
    dtau, dsig = [], []
    for _ in range(25):
        tau = 10 ** rng.uniform(1.0, 1.7)
        t, y, e = _drw(rng, 200, 3000.0, tau, 0.2)
        fit = gpfit.fit_drw(t, y, e)
        assert not fit.flags & gpfit.FLAG_NOT_CONVERGED
        dtau.append(np.log10(fit.params[1] / tau))
        dsig.append(np.log10(fit.params[0] / 0.2))
    assert np.median(np.abs(dtau)) < 0.15 and np.median(np.abs(dsig)) < 0.1


def test_drw_flags_short_baseline():
    rng = np.random.default_rng(5)
    t, y, e = _drw(rng, 40, 300.0, 2000.0, 0.2)  # baseline << tau
    assert gpfit.fit_drw(t, y, e).flags & gpfit.FLAG_SHORT_BASELINE


def test_dho_fit_beats_drw_on_a_dho_light_curve():
    rng = np.random.default_rng(6)
    a1, a2, b0, b1 = carma.from_timescales(150.0, 8.0, 3.0, 0.25)
    t = np.sort(rng.uniform(0, 2000, 300))
    y = 19 + carma.simulate(t, a1, a2, b0, b1, rng.normal(size=300)) + rng.normal(0, 0.01, 300)
    e = np.full(300, 0.01)
    dho = gpfit.fit_dho(t, y, e)
    drw = gpfit.fit_drw(t, y, e)
    assert dho.log_likelihood > drw.log_likelihood
    assert carma.variance(*dho.params[:4]) == pytest.approx(0.25**2, rel=0.6)


def test_a_covariance_that_is_not_positive_definite_gives_inf_not_an_exception():
    """celerite2 raises its own LinAlgError (not numpy's) when the factorisation fails; the
    optimiser must see +inf there (found on a mock DHO light curve in the tiny run)."""
    t = np.linspace(0.0, 100.0, 30)
    y = np.sin(t / 7.0)
    nll = gpfit._profiled(t, np.full(30, 1e-6), y)
    empty = np.zeros(0)
    val, mean = nll((np.array([-1.0]), np.array([0.1]), empty, empty, empty, empty))  # negative variance
    assert val == np.inf and np.isnan(mean)
    ok, mu = nll((np.array([1.0]), np.array([0.1]), empty, empty, empty, empty))
    assert np.isfinite(ok) and np.isfinite(mu)


def test_dho_fit_is_the_same_in_any_flux_unit():
    """EzTao's normalisation (median, 1.4826 MAD) makes a1, a2 independent of the unit and
    scales b0, b1 and the mean with it."""
    rng = np.random.default_rng(9)
    a1, a2, b0, b1 = carma.from_timescales(200.0, 10.0, 5.0, 300.0)
    t = np.sort(rng.uniform(0, 3000, 120))
    y = 5000 + carma.simulate(t, a1, a2, b0, b1, rng.normal(size=120)) + rng.normal(0, 30, 120)
    e = np.full(120, 30.0)
    nj, mj = gpfit.fit_dho(t, y, e), gpfit.fit_dho(t, y * 1e-6, e * 1e-6)  # nJy and mJy
    assert mj.params[:2] == pytest.approx(nj.params[:2], rel=1e-4)
    assert mj.params[2:] == pytest.approx(nj.params[2:] * 1e-6, rel=1e-4)
    assert mj.log_likelihood == pytest.approx(nj.log_likelihood + 120 * np.log(1e6), rel=1e-6)


def test_drw_flags_a_tau_the_cadence_cannot_resolve():
    """White noise sampled every ~40 days fits a τ far below the spacing: flagged, not trusted."""
    rng = np.random.default_rng(12)
    t = np.sort(rng.uniform(0, 3000, 70))
    y, e = 19 + rng.normal(0, 0.05, 70), np.full(70, 0.02)
    fit = gpfit.fit_drw(t, y, e)
    assert fit.params[1] < np.median(np.diff(t)) and fit.flags & gpfit.FLAG_BELOW_CADENCE
    t, y, e = _drw(rng, 300, 3000.0, 100.0, 0.2)  # a resolved τ is not flagged
    assert not gpfit.fit_drw(t, y, e).flags & gpfit.FLAG_BELOW_CADENCE
