"""lcNonPeriodic features as cesium 0.12 computes them (the AGN Data Challenge's definitions).

The challenge computed its Richards et al. (2011) features with cesium (its
``docs/04_LC_features.ipynb``). This module reproduces cesium's ``common_functions``,
``amplitude`` and ``stetson`` functions, with cesium's defaults, vectorised over many light
curves at once (time-sorted segments of flat arrays, one segment per object):

- ``percent_beyond_1_std`` (1): fraction of epochs with ``|m - m̄_w| > s_w``, the inverse-variance
  weighted mean and weighted standard deviation (ddof 0);
- ``flux_percentile_ratio_midXX`` (2–6), ``percent_amplitude`` (12),
  ``percent_difference_flux_percentile`` (13): on the flux ``10^(-0.4 m)``, with numpy's linear
  percentiles;
- ``percent_close_to_median`` (10): fraction with ``|m - median(m)| < 0.1 (max - min)``;
- ``skew`` (16): the biased sample skewness (scipy's default); ``std`` (18): ddof 0;
- ``stetson_j`` (19), ``stetson_k`` (20): on the magnitudes alone, with cesium's fixed error
  ``dx = 0.1`` and its iterated Stetson mean; J is the robust variance ``⟨sgn(δ²-1)√|δ²-1|⟩``.

``tests/unit/test_reference_features.py`` checks these against cesium itself to 1e-6.
"""

from __future__ import annotations

import numpy as np

__all__ = ["cesium_features", "segment_percentile", "stetson_mean"]

#: cesium's flux_percentile_ratio_midXX: the middle XX % of the flux over its 5–95 % range
MID_RANGES: dict[int, float] = {2: 20.0, 3: 35.0, 4: 50.0, 5: 65.0, 6: 80.0}


def _seg_sum(seg: np.ndarray, x: np.ndarray, n_seg: int) -> np.ndarray:
    return np.bincount(seg, weights=x, minlength=n_seg)


def segment_percentile(sorted_x: np.ndarray, starts: np.ndarray, counts: np.ndarray, q: float) -> np.ndarray:
    """numpy's ``percentile(x, q)`` (linear method) of every segment of values sorted within segments."""
    pos = (counts - 1) * (q / 100.0)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, counts - 1)
    frac = pos - lo
    a, b = sorted_x[starts + lo], sorted_x[starts + hi]
    # numpy's _lerp: from below for t < 0.5, from above otherwise (exact at both ends)
    return np.where(frac < 0.5, a + (b - a) * frac, b - (b - a) * (1.0 - frac))


def stetson_mean(
    seg: np.ndarray, x: np.ndarray, counts: np.ndarray, weight: float = 100.0, tol: float = 1e-6, nmax: int = 20
) -> np.ndarray:
    """cesium's iteratively reweighted Stetson mean of every segment (alpha = beta = 2)."""
    n_seg = len(counts)
    n = counts.astype(np.float64)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    xs = x[np.lexsort((x, seg))]
    upper, lower = xs[starts + counts // 2], xs[starts + (counts - 1) // 2]
    mu = 0.5 * (lower + upper)  # np.median: the middle value, or the mean of the two middle ones
    active = np.ones(n_seg, bool)
    for _ in range(nmax):
        resid_err = np.abs(x - mu[seg]) * np.sqrt(weight)
        w1 = weight / (1.0 + (resid_err / 2.0) ** 2)
        w1 = w1 / (_seg_sum(seg, w1, n_seg) / n)[seg]
        diff = _seg_sum(seg, x * w1, n_seg) / n - mu
        mu = np.where(active, mu + diff, mu)
        active &= ~((np.abs(diff) < tol * np.abs(mu)) | (np.abs(diff) < tol))
        if not active.any():
            break
    return mu


def cesium_features(seg: np.ndarray, m: np.ndarray, s: np.ndarray, counts: np.ndarray) -> dict[int, np.ndarray]:
    """lcNonPeriodic 1–6, 10, 12, 13, 16, 18, 19, 20 of time-sorted segments, cesium's way.

    Parameters
    ----------
    seg
        Segment (object) index of every epoch, non-decreasing.
    m, s
        Magnitudes and their errors.
    counts
        Epochs per segment (each at least 2).
    """
    n_seg = len(counts)
    n = counts.astype(np.float64)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    out: dict[int, np.ndarray] = {}
    # 1: beyond one weighted standard deviation from the weighted mean
    w = 1.0 / s**2
    sw = _seg_sum(seg, w, n_seg)
    wmean = _seg_sum(seg, w * m, n_seg) / sw
    wstd = np.sqrt(_seg_sum(seg, w * (m - wmean[seg]) ** 2, n_seg) / sw)
    out[1] = _seg_sum(seg, (np.abs(m - wmean[seg]) > wstd[seg]).astype(np.float64), n_seg) / n
    # flux percentiles (2-6, 12, 13)
    f = 10.0 ** (-0.4 * m)
    fs = f[np.lexsort((f, seg))]

    def pct(q: float) -> np.ndarray:
        return segment_percentile(fs, starts, counts, q)

    p5, p50, p95 = pct(5.0), pct(50.0), pct(95.0)
    for k, r in MID_RANGES.items():
        out[k] = (pct(50.0 + r / 2.0) - pct(50.0 - r / 2.0)) / (p95 - p5)
    fmax, fmin = fs[starts + counts - 1], fs[starts]
    out[12] = np.maximum(np.abs((fmax - p50) / p50), np.abs((p50 - fmin) / p50))
    out[13] = (p95 - p5) / p50
    # 10: within a tenth of the range of the median magnitude
    ms = m[np.lexsort((m, seg))]
    med = segment_percentile(ms, starts, counts, 50.0)
    window = 0.1 * (ms[starts + counts - 1] - ms[starts])
    out[10] = _seg_sum(seg, (np.abs(m - med[seg]) < window[seg]).astype(np.float64), n_seg) / n
    # 16, 18: biased moments
    mean = _seg_sum(seg, m, n_seg) / n
    d = m - mean[seg]
    m2 = _seg_sum(seg, d**2, n_seg) / n
    m3 = _seg_sum(seg, d**3, n_seg) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        out[16] = m3 / m2**1.5
    out[18] = np.sqrt(m2)
    # 19, 20: Stetson J (robust variance) and K with cesium's dx = 0.1
    x0 = stetson_mean(seg, m, counts)
    delta = np.sqrt((n / (n - 1.0))[seg]) * (m - x0[seg]) / 0.1
    pk = delta**2 - 1.0
    out[19] = _seg_sum(seg, np.sign(pk) * np.sqrt(np.abs(pk)), n_seg) / n
    out[20] = (1.0 / 0.798) * (_seg_sum(seg, np.abs(delta), n_seg) / n) / np.sqrt(_seg_sum(seg, delta**2, n_seg) / n)
    return out
