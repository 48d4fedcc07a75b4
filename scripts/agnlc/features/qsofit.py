"""Butler & Bloom (2011) quasar statistics as cesium's ``qso_fit`` defines them (lcNonPeriodic 14, 15).

The model is a damped random walk with fixed Stripe 82 parameters: covariance
``C = L + D``, ``L_ij = ½ var τ exp(-|t_i - t_j|/τ)``, ``D = diag(σ_i²)``, with
``log10 var = -4.10`` and ``log10 τ = 2.92`` (cesium's g-band values at magnitude 19; its feature
graph passes no filter, so the AGN Data Challenge used them in every band). With the
generalised-least-squares mean ``x0`` and ``ν = n - 1``:

- ``χ²_QSO/ν = (y - x0)ᵀ C⁻¹ (y - x0) / ν``;
- ``χ²_QSO/ν_NULL = Tr(C⁻¹) var(y) / ν`` (its expectation for a non-quasar variable, var with
  ddof 0);
- lcNonPeriodic[14] ``= ln(χ²_QSO/ν)``, lcNonPeriodic[15] ``= ln(χ²_QSO/ν_NULL / χ²_QSO/ν)``.

The inverse of an exponential covariance is tridiagonal (Rybicki & Press 1994), so with
Woodbury's identity ``C⁻¹ = D⁻¹ - D⁻¹ A⁻¹ D⁻¹``, ``A = L⁻¹ + D⁻¹`` tridiagonal, everything is
a tridiagonal solve and the diagonal of ``A⁻¹`` (``1 / (f_i + g_i - a_i)`` from the forward and
backward pivots). Here they run on all light curves of a band at once, padded to the longest,
one numpy operation per epoch index. Times must increase strictly within a light curve (the
feature stage merges repeated epochs first).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["LOG10_TAU", "LOG10_VAR", "qso_statistics"]

#: cesium's ``qso_fit`` g-band parameters at magnitude 19 (Butler & Bloom 2011, Stripe 82)
LOG10_VAR = -4.10
LOG10_TAU = 2.92


def _padded(x: NDArray, counts: NDArray[np.int64], fill: float) -> NDArray[np.float64]:
    out = np.full((len(counts), int(counts.max())), fill, dtype=np.float64)
    out[np.arange(out.shape[1]) < counts[:, None]] = x
    return out


#: padded cells per block of light curves: bounds the memory (about 20 arrays of this many doubles)
BLOCK_CELLS = 1 << 21


def qso_statistics(
    t: NDArray[np.float64],
    m: NDArray[np.float64],
    s: NDArray[np.float64],
    counts: NDArray[np.int64],
    log10_var: float = LOG10_VAR,
    log10_tau: float = LOG10_TAU,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``(ln χ²_QSO/ν, ln(χ²_QSO/ν_NULL / χ²_QSO/ν))`` of every light curve (see the module docstring).

    Parameters
    ----------
    t, m, s
        Times (d), magnitudes and errors of all light curves, one after the other, each time-sorted.
    counts
        Epochs per light curve (each at least 2).

    Light curves are padded in blocks of similar length (at most :data:`BLOCK_CELLS` cells each),
    so one long light curve does not pad every short one.
    """
    t, m, s = (np.asarray(x, dtype=np.float64) for x in (t, m, s))
    counts = np.asarray(counts, dtype=np.int64)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    out14, out15 = np.full(len(counts), np.nan), np.full(len(counts), np.nan)
    octave = np.ceil(np.log2(np.maximum(counts, 1))).astype(np.int64)  # lengths within a factor 2
    for o in np.unique(octave):
        same = np.flatnonzero(octave == o)
        per_block = max(1, BLOCK_CELLS // int(counts[same].max()))
        for idx in np.array_split(same, -(-len(same) // per_block)):
            c = counts[idx]
            rows = np.repeat(starts[idx] - np.r_[0, np.cumsum(c)[:-1]], c) + np.arange(c.sum())
            out14[idx], out15[idx] = _block(t[rows], m[rows], s[rows], c, log10_var, log10_tau)
    return out14, out15


def _block(
    t: NDArray[np.float64],
    m: NDArray[np.float64],
    s: NDArray[np.float64],
    counts: NDArray[np.int64],
    log10_var: float,
    log10_tau: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """:func:`qso_statistics` of one block of light curves, padded to its longest."""
    # centred for precision only: both statistics are the same for any constant shift (cesium's
    # move of the median to 19 included), as x0 and var(y) absorb it
    y = _padded(m, counts, 0.0)
    real = np.arange(y.shape[1]) < counts[:, None]
    y = np.where(real, y - (y.sum(axis=1) / counts)[:, None], 0.0)
    w = _padded(1.0 / np.asarray(s, np.float64) ** 2, counts, 0.0)
    tt = _padded(t, counts, np.nan)
    tau = 10.0**log10_tau
    s2 = 0.5 * 10.0**log10_var * tau  # the variance of the exponential covariance
    # r_i = exp(-(t_{i+1} - t_i)/τ) between neighbours of one light curve, 0 elsewhere
    link = real[:, 1:]
    r = np.where(link, np.exp(-np.where(link, np.diff(tt, axis=1), 0.0) / tau), 0.0)
    q = r**2 / (1.0 - r**2)
    zero = np.zeros((len(counts), 1))
    # A = L⁻¹ + D⁻¹: L⁻¹ = Q / s2 with Q_ii = 1/(1 - r_{i-1}²) + r_i²/(1 - r_i²), Q_i,i+1 = -r_i/(1 - r_i²)
    a = (1.0 + np.hstack([zero, q]) + np.hstack([q, zero])) / s2 + w
    b = -r / (1.0 - r**2) / s2
    n = y.shape[1]
    f = np.empty_like(a)  # forward pivots, and the forward sweep of the two right-hand sides
    rhs = np.stack([w * y, w])  # A⁻¹ (w y) and A⁻¹ w
    f[:, 0] = a[:, 0]
    for i in range(1, n):
        ratio = b[:, i - 1] / f[:, i - 1]
        f[:, i] = a[:, i] - ratio * b[:, i - 1]
        rhs[:, :, i] -= ratio * rhs[:, :, i - 1]
    z = np.empty_like(rhs)
    z[:, :, n - 1] = rhs[:, :, n - 1] / f[:, n - 1]
    g = np.empty_like(a)  # backward pivots
    g[:, n - 1] = a[:, n - 1]
    for i in range(n - 2, -1, -1):
        z[:, :, i] = (rhs[:, :, i] - b[:, i] * z[:, :, i + 1]) / f[:, i]
        g[:, i] = a[:, i] - b[:, i] ** 2 / g[:, i + 1]
    ciy, ci1 = w * y - w * z[0], w - w * z[1]  # C⁻¹ y and C⁻¹ 1 (zero on the padding, where w = 0)
    x0 = ciy.sum(axis=1) / ci1.sum(axis=1)
    chi2 = np.sum((y - x0[:, None]) * (ciy - x0[:, None] * ci1), axis=1)
    trace = np.sum(w - w**2 / (f + g - a), axis=1)
    nu = counts - 1.0
    var = np.sum(y**2, axis=1) / counts  # y is centred and zero on the padding
    chi2_nu = chi2 / nu
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(chi2_nu), np.log(trace * var / nu / chi2_nu)
