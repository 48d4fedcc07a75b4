"""cesium's Lomb–Scargle model (agnlc.features.lombscargle) on signals with a known answer.

The agreement with cesium itself, to 1e-6 on 350 light curves, is in test_reference_features.
"""

from __future__ import annotations

import numpy as np
import pytest

from agnlc.features.lombscargle import LS_FEATURES, lomb_scargle_features


def _feats(t: np.ndarray, m: np.ndarray, e: np.ndarray) -> dict[str, float]:
    return dict(zip(LS_FEATURES, lomb_scargle_features(t, m, e), strict=True))


def test_frequency_between_grid_points_is_zoomed_to():
    """The grid step is 0.8 / baseline; the zoom (10 sub-steps) places f1 within 0.05 / baseline."""
    rng = np.random.default_rng(6)
    t = np.sort(rng.uniform(51000, 54300, 80))
    f_true = 1 / 0.6137
    m = 19 + 0.3 * np.sin(2 * np.pi * f_true * t) + 0.1 * np.sin(4 * np.pi * f_true * t + 1) + rng.normal(0, 0.03, 80)
    f = _feats(t, m, np.full(80, 0.03))
    baseline = np.ptp(t)
    assert abs(f["freq1_freq"] - f_true) < 0.05 / baseline
    assert f["freq1_amplitude1"] == pytest.approx(0.3, abs=0.02)
    # cesium's ridge penalty grows as the harmonic number to the fourth: it shrinks harmonic 2
    assert 0.06 < f["freq1_amplitude2"] < 0.1
    assert f["freq1_signif"] > 5


def test_prewhitening_finds_the_second_frequency():
    rng = np.random.default_rng(1)
    t = np.sort(rng.uniform(51000, 54300, 150))
    f1, f2 = 1 / 0.41, 1 / 3.7
    m = 18 + 0.4 * np.sin(2 * np.pi * f1 * t) + 0.15 * np.cos(2 * np.pi * f2 * t) + rng.normal(0, 0.02, 150)
    f = _feats(t, m, np.full(150, 0.02))
    assert f["freq1_freq"] == pytest.approx(f1, rel=1e-4)
    assert f["freq2_freq"] == pytest.approx(f2, rel=1e-4)
    assert f["freq1_amplitude1"] == pytest.approx(0.4, abs=0.02)
    assert f["freq2_amplitude1"] == pytest.approx(0.15, abs=0.02)
    assert f["freq1_signif"] > 5 and f["freq_signif_ratio_21"] > 0.5  # each fit is judged on its own residual


def test_linear_trend_is_the_first_fits_slope():
    """cesium's linear_trend: the trend term fitted with the first frequency (mag/d)."""
    rng = np.random.default_rng(3)
    t = np.sort(rng.uniform(51000, 54000, 100))
    m = 19 + 2e-4 * (t - t[0]) + 0.2 * np.sin(2 * np.pi * t / 1.3) + rng.normal(0, 0.02, 100)
    f = _feats(t, m, np.full(100, 0.02))
    assert f["linear_trend"] == pytest.approx(2e-4, abs=2e-5)


def test_a_light_curve_without_spread_or_times_is_an_error_not_numbers():
    t = np.linspace(51000, 54000, 30)
    with pytest.raises(ValueError, match="spread in magnitude"):
        lomb_scargle_features(t, np.full(30, 19.0), np.full(30, 0.02))
    with pytest.raises(ValueError, match="3 distinct times"):
        lomb_scargle_features(np.r_[t[:2], t[:2]], np.arange(4.0), np.full(4, 0.02))
