"""Butler & Bloom's quasar statistics against a dense computation of the same definition."""

from __future__ import annotations

import numpy as np
import pytest

from agnlc.features import qsofit


def _dense(t, m, s, log10_var=qsofit.LOG10_VAR, log10_tau=qsofit.LOG10_TAU):
    tau = 10**log10_tau
    c = 0.5 * 10**log10_var * tau * np.exp(-np.abs(t[:, None] - t[None, :]) / tau) + np.diag(s**2)
    ci = np.linalg.inv(c)
    one = np.ones_like(m)
    x0 = one @ ci @ m / (one @ ci @ one)
    nu = len(m) - 1
    chi2 = (m - x0) @ ci @ (m - x0) / nu
    null = np.trace(ci) * np.var(m) / nu
    return np.log(chi2), np.log(null / chi2)


@pytest.mark.parametrize("cells", [qsofit.BLOCK_CELLS, 64])
def test_equals_the_dense_definition_for_light_curves_of_any_length(monkeypatch, cells):
    monkeypatch.setattr(qsofit, "BLOCK_CELLS", cells)  # one block, or many small ones
    rng = np.random.default_rng(3)
    counts = np.array([2, 7, 60, 3, 131, 45])
    ts = [np.sort(rng.uniform(51_000, 54_000, n)) for n in counts]
    ms = [19 + 0.2 * np.cumsum(rng.normal(size=n)) / np.sqrt(n) + rng.normal(0, 0.05, n) for n in counts]
    ss = [rng.uniform(0.01, 0.1, n) for n in counts]
    a, b = qsofit.qso_statistics(np.concatenate(ts), np.concatenate(ms), np.concatenate(ss), counts)
    for k in range(len(counts)):
        want = _dense(ts[k], ms[k], ss[k])
        assert a[k] == pytest.approx(want[0], rel=1e-8) and b[k] == pytest.approx(want[1], rel=1e-8)


def test_a_quasar_like_walk_fits_better_than_white_noise_of_the_same_spread():
    rng = np.random.default_rng(4)
    t = np.sort(rng.uniform(51_000, 54_000, 80))
    tau, var = 10**qsofit.LOG10_TAU, 0.5 * 10**qsofit.LOG10_VAR * 10**qsofit.LOG10_TAU
    c = var * np.exp(-np.abs(t[:, None] - t[None, :]) / tau) + np.eye(80) * 0.02**2
    walk = 19 + np.linalg.cholesky(c) @ rng.normal(size=80)
    white = 19 + rng.normal(0, walk.std(), 80)
    a, b = qsofit.qso_statistics(np.r_[t, t], np.r_[walk, white], np.full(160, 0.02), np.array([80, 80]))
    assert abs(a[0]) < 0.5 and a[1] > a[0] + 1  # χ²_QSO/ν ≈ 1 for the walk, far above for white noise
    assert b[0] > b[1]  # the walk beats its non-quasar expectation by more
