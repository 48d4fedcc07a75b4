"""The multi-band period of an object (``period_days``, ``period_fap``, ``period_power``).

The per-band Richards et al. (2011) features ``lcPeriodic[4..32]`` are cesium's Lomb–Scargle
model, in :mod:`agnlc.features.lombscargle`.

One fast Lomb–Scargle periodogram per band (light-curve, on the fixed grid ``0..max_freq`` d⁻¹
with ``2**log2_n_freq + 1`` frequencies, default 2¹⁵) feeds the search.

Multi-band period (all bands jointly): the χ²-weighted sum of the band periodograms (which is
light-curve's multiband periodogram, weights ``Σ (m − m̄)² / σ²`` per band) gives candidate
frequencies (its ``n_candidates`` highest local maxima in ``[2 / baseline, max_freq]``); each
is located with the exact one-term multiband power (±1 step, then ±¼ step, 9 points each); the
candidates are compared by the χ² of a multiband Fourier model — a shared 4-harmonic shape plus
one harmonic and a mean per band (VanderPlas & Ivezić 2015) — over ±⅜ step; half of the three
strongest frequencies (eclipsing binaries) win only if their χ² is lower by an AIC penalty; the
best is refined on a fine grid of 0.01 step. Its false-alarm probability is Baluev's (2008) for
the one-term power of all bands together (per-band means removed) at that frequency, as computed
by astropy.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import light_curve as licu
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from agnlc.features.definitions import FEATURE_FLAGS
from agnlc.features.guard import attempt

__all__ = [
    "N_HARMONICS",
    "PeriodSearch",
    "multiband_period",
    "multiband_period_flagged",
    "object_period",
]

N_HARMONICS = 4


@dataclass(frozen=True)
class PeriodSearch:
    """Frequency grid and candidate settings (config ``features.periodogram``)."""

    max_freq: float = 10.0  # d⁻¹
    log2_n_freq: int = 15
    n_candidates: int = 20
    error_floor_mag: float = 0.01

    @property
    def angular_grid(self) -> NDArray[np.float64]:
        """light-curve's fast-periodogram grid: ``linspace(0, 2π max_freq, 2**k + 1)``."""
        return np.linspace(0.0, 2 * np.pi * self.max_freq, 2**self.log2_n_freq + 1)

    @property
    def step(self) -> float:
        """Grid step in d⁻¹."""
        return self.max_freq / 2**self.log2_n_freq


#: Bytes of design-matrix work per chunk of trial frequencies in :func:`_multiband_chi2`.
CHUNK_BYTES = 64 * 2**20


def _multiband_chi2(t: NDArray, y: NDArray, w: NDArray, band: NDArray, nb: int, freqs: NDArray) -> NDArray[np.float64]:
    """χ² of the shared-shape multiband Fourier model at each trial frequency (vectorised).

    The model: a mean and a first harmonic per band plus harmonics 2..4 of a shared shape (the
    shared first harmonic is the sum of the per-band ones, so it is not a column of its own:
    with it the normal matrix is singular). Trial frequencies are taken in chunks so that the
    design arrays stay below :data:`CHUNK_BYTES` whatever the number of epochs.
    """
    p = 3 * nb + 2 * (N_HARMONICS - 1)
    per = max(1, int(CHUNK_BYTES // (8 * 2 * max(len(t), 1) * (p + 4))))
    if len(freqs) > per:
        return np.concatenate(
            [_multiband_chi2(t, y, w, band, nb, freqs[i : i + per]) for i in range(0, len(freqs), per)]
        )
    sw = np.sqrt(w)
    # the band means are in the model: removing the weighted ones first changes no χ² and keeps
    # yᵀWy − βᵀXᵀWy (below) free of cancellation
    mean_b = np.bincount(band, weights=w * y, minlength=nb) / np.maximum(
        np.bincount(band, weights=w, minlength=nb), 1e-300
    )
    yw = (y - mean_b[band]) * sw
    xw = np.empty((len(freqs), p, len(t)))  # design × √w, one row per column of the model
    e1 = np.exp((2j * np.pi) * freqs[:, None] * t[None, :])  # harmonics as complex powers
    for b in range(nb):
        o = (band == b) * sw
        xw[:, b, :] = o
        xw[:, nb + 2 * b, :] = e1.imag * o
        xw[:, nb + 2 * b + 1, :] = e1.real * o
    ej = e1 * e1 * sw
    for j in range(N_HARMONICS - 1):
        xw[:, 3 * nb + 2 * j, :] = ej.imag
        xw[:, 3 * nb + 2 * j + 1, :] = ej.real
        ej = ej * e1
    xtx = xw @ xw.transpose(0, 2, 1)  # batched BLAS products
    # a ridge relative to each matrix's scale: keeps a band with too few epochs for its own
    # harmonic solvable without biasing well-determined fits
    scale = np.trace(xtx, axis1=1, axis2=2) / p
    xtx = xtx + (1e-10 * scale)[:, None, None] * np.eye(p)
    xty = xw @ yw
    beta = np.linalg.solve(xtx, xty[..., None])[..., 0]
    return np.maximum(yw @ yw - np.sum(beta * xty, axis=1), 0.0)


def _ls_power(t: NDArray, y: NDArray, freqs: NDArray) -> NDArray[np.float64]:
    """Classic Lomb–Scargle power of ``y`` at ``freqs`` (d⁻¹), direct sums, in light-curve's
    ``psd`` normalisation (Scargle's: the least-squares fit of ``a cos + b sin`` to ``y`` about its
    mean, ``(YC² SS − 2 YC YS CS + YS² CC) / (CC SS − CS²) / 2 var(y)``, which is the τ-shifted
    form); equal to ``Periodogram(fast=False)`` to 1e-9. One complex exponential per (frequency,
    epoch); frequencies are taken in chunks so that temporaries stay below :data:`CHUNK_BYTES`."""
    per = max(1, int(CHUNK_BYTES // (16 * 3 * max(len(t), 1))))
    if len(freqs) > per:
        return np.concatenate([_ls_power(t, y, freqs[i : i + per]) for i in range(0, len(freqs), per)])
    y = y - y.mean()
    var = np.var(y, ddof=1)
    if not var > 0:
        return np.zeros(len(freqs))
    e = np.exp((2j * np.pi) * np.asarray(freqs, dtype=np.float64)[:, None] * (t - t[0])[None, :])
    yz = e @ y  # YC + i YS
    e2 = (e * e).sum(axis=1)  # Σ cos 2ωt + i Σ sin 2ωt
    n = len(t)
    cc, ss, cs = (n + e2.real) / 2, (n - e2.real) / 2, e2.imag / 2
    yc, ys = yz.real, yz.imag
    with np.errstate(divide="ignore", invalid="ignore"):
        p = (yc * yc * ss - 2 * yc * ys * cs + ys * ys * cc) / (cc * ss - cs * cs) / (2 * var)
    return np.nan_to_num(p, nan=0.0, posinf=0.0)


def _local_maxima(p: NDArray, k: int) -> NDArray[np.intp]:
    """Indices (``>= 1``) of the grid's ``k`` highest local maxima, highest first."""
    lm = np.flatnonzero((p[1:-1] > p[:-2]) & (p[1:-1] >= p[2:])) + 1
    if len(lm) > k:
        lm = lm[np.argpartition(p[lm], len(lm) - k)[len(lm) - k :]]
    return lm[np.argsort(p[lm], kind="stable")[::-1]]


#: Multi-band period: local maxima screened with exact sums per candidate kept, and χ² trial
#: frequencies per candidate (over ±⅜ grid step).
SCREEN = 4
CHI2_POINTS = 7
HALVES = 3


@functools.lru_cache(maxsize=4)
def _periodogram(search: PeriodSearch) -> licu.Periodogram:
    """light-curve's fast periodogram on ``search``'s grid; built once (building costs ~4 ms,
    three times a 60-epoch periodogram)."""
    return licu.Periodogram(freqs=search.angular_grid, fast=True)


def object_period(
    t: NDArray[np.float64],
    m: NDArray[np.float64],
    sigma: NDArray[np.float64],
    bidx: NDArray[np.intp],
    nb: int,
    search: PeriodSearch,
) -> tuple[tuple[float, float, float, int], BaseException | None]:
    """The multi-band period of one object and the error that stopped it (guarded).

    One fast periodogram per band (light-curve, ``search``'s grid); the multi-band candidates
    are the peaks of the bands' χ²-weighted sum, which is light-curve's multiband periodogram
    exactly (the weights ``Σ (m − m̄)² / σ²`` per band). ``t`` must be sorted. Returns
    ``((period, fap, power, flags), error)``; on an error the flags say ``period_failed``.
    """
    pg = _periodogram(search)
    powers = np.zeros((nb, len(search.angular_grid)))
    usable = np.zeros(nb, bool)
    for b in range(nb):
        sel = bidx == b
        tb, mb = t[sel], m[sel]
        if len(tb) < 3 or np.ptp(mb) == 0 or np.ptp(tb) == 0:
            continue
        res, exc = attempt(pg.freq_power, tb, mb)
        if exc is None:
            powers[b] = np.nan_to_num(np.asarray(res[1], dtype=np.float64))
            usable[b] = True
    period, exc = attempt(_multiband_from_powers, t, m, sigma, bidx, nb, powers, usable, search)
    if exc is not None:
        period = (np.nan, np.nan, np.nan, FEATURE_FLAGS["period_failed"])
    return period, exc


def _multiband_from_powers(
    t: NDArray,
    m: NDArray,
    sigma: NDArray,
    bidx: NDArray,
    nb: int,
    powers: NDArray,
    usable: NDArray,
    search: PeriodSearch,
) -> tuple[float, float, float, int]:
    """The multi-band period from the per-band coarse powers (see :func:`multiband_period_flagged`)."""
    from astropy.timeseries import LombScargle

    nan = (np.nan, np.nan, np.nan)
    if len(t) < 2 * (2 * N_HARMONICS + 3 * nb) + 1 or np.ptp(t) <= 0:
        return (*nan, FEATURE_FLAGS["period_too_few_epochs"])
    s = np.hypot(sigma, search.error_floor_mag)
    mean_b = np.bincount(bidx, weights=m, minlength=nb) / np.maximum(np.bincount(bidx, minlength=nb), 1)
    wb = np.bincount(bidx, weights=(m - mean_b[bidx]) ** 2 / s**2, minlength=nb) * usable
    if not wb.sum() > 0:
        return (*nan, FEATURE_FLAGS["period_no_peak"])
    p = wb @ powers / wb.sum()
    step = search.step
    f_lo, f_hi = 2.0 / (t[-1] - t[0]), search.max_freq  # at least two cycles over the baseline
    inside = np.zeros(len(p), bool)
    inside[int(np.floor(f_lo / step)) + 1 : int(np.floor(f_hi / step)) + 1] = True
    lm = _local_maxima(np.where(inside, p, -np.inf), SCREEN * search.n_candidates)
    lm = lm[inside[lm]]
    if len(lm) == 0:
        return (*nan, FEATURE_FLAGS["period_no_peak"])
    tt = t - t[0]
    w = 1.0 / s**2
    bands = [np.flatnonzero(bidx == b) for b in np.flatnonzero(wb > 0)]

    def power(f: NDArray) -> NDArray:  # the χ²-weighted multiband power, exact
        return sum(wb[bidx[i[0]]] * _ls_power(tt[i], m[i], f) for i in bands) / wb.sum()

    def locate(peak: NDArray, half: float, k: int) -> tuple[NDArray, NDArray]:
        cand = np.clip(peak[:, None] + np.linspace(-half, half, k)[None, :] * step, f_lo, f_hi)
        pc = power(cand.ravel()).reshape(cand.shape)
        best = np.argmax(pc, axis=1)
        return cand[np.arange(len(peak)), best], pc[np.arange(len(peak)), best]

    # a coarse grid samples a peak anywhere within ±½ step of its top, so the candidates are
    # screened with the exact power first: SCREEN × n_candidates local maxima, each located to
    # ¼ step; the n_candidates highest are located to 1/32 step, then compared by the χ² of the
    # multiband Fourier model over ±⅜ step (its minimum need not sit at the one-term peak:
    # eclipses), then the best is refined on a fine grid
    peak, pk = locate(lm * step, 0.5, 3)
    peak = peak[np.argsort(pk, kind="stable")[::-1][: search.n_candidates]]
    peak, _ = locate(peak, 0.25, 9)
    window = np.linspace(-0.375, 0.375, CHI2_POINTS) * step
    trial = np.clip((peak[:, None] + window[None, :]).ravel(), f_lo, f_hi)
    chi2 = _multiband_chi2(tt, m, w, bidx, nb, trial)
    f0, c0 = trial[np.argmin(chi2)], float(chi2.min())
    # eclipsing binaries: the strongest one-term peak is often at twice the frequency. Half of
    # the strongest frequencies are tried too, but the model at f/2 has as many parameters as the
    # one at f and shares its even harmonics, so on a plain periodic signal it wins half the time
    # by fitting noise with its odd harmonics (2 nb + 2 parameters); it must beat the best by
    # that many parameters' worth (AIC, 2 per parameter, scaled by the reduced χ² when above 1)
    half = peak[:HALVES] / 2
    half = half[half > f_lo]
    if len(half):
        trial_h = np.clip((half[:, None] + window[None, :] / 2).ravel(), f_lo, f_hi)
        chi2_h = _multiband_chi2(tt, m, w, bidx, nb, trial_h)
        nu = max(len(t) - 3 * nb - 2 * (N_HARMONICS - 1), 1)
        if chi2_h.min() < c0 - 2 * (2 * nb + 2) * max(1.0, c0 / nu):
            f0 = trial_h[np.argmin(chi2_h)]
    fine = np.clip(f0 + np.linspace(-0.1, 0.1, 21) * step, f_lo, f_hi)
    f_best = float(fine[np.argmin(_multiband_chi2(tt, m, w, bidx, nb, fine))])
    means = mean_b[bidx]
    ls = LombScargle(t, m - means, s)
    fap = float(ls.false_alarm_probability(float(ls.power(f_best)), method="baluev", maximum_frequency=f_hi))
    return 1.0 / f_best, fap, float(power(np.array([f_best]))[0]), 0


def multiband_period(
    t: NDArray[np.float64],
    m: NDArray[np.float64],
    sigma: NDArray[np.float64],
    band: NDArray[np.str_],
    search: PeriodSearch,
) -> tuple[float, float, float]:
    """``(period [d], false-alarm probability, multiband power)`` of one object, all bands jointly.

    NaN when fewer than 2 × (4 + 2 × bands) + 1 epochs; see :func:`multiband_period_flagged`.
    """
    return multiband_period_flagged(t, m, sigma, band, search)[:3]


def multiband_period_flagged(
    t: NDArray[np.float64],
    m: NDArray[np.float64],
    sigma: NDArray[np.float64],
    band: NDArray[np.str_],
    search: PeriodSearch,
) -> tuple[float, float, float, int]:
    """:func:`multiband_period` and the :data:`FEATURE_FLAGS` reason bits when it is NaN.

    The search: one fast periodogram per band, their χ²-weighted sum (light-curve's multiband
    periodogram), its ``n_candidates`` highest local maxima each located with exact sums, the
    candidates compared by the χ² of the multiband Fourier model, the best refined on a fine
    grid (0.01 coarse steps). The frequency stays inside ``[2 / baseline, max_freq]``, so the
    period is always positive and spans at most half the baseline. Raises what the search
    raises (:func:`object_period` guards it).
    """
    names = sorted(set(np.asarray(band).tolist()))
    bidx = pd.Series(band).map({b: i for i, b in enumerate(names)}).to_numpy()
    order = np.argsort(t, kind="stable")
    nb = len(names)
    period, exc = object_period(
        np.asarray(t, dtype=np.float64)[order],
        np.asarray(m, dtype=np.float64)[order],
        np.asarray(sigma, dtype=np.float64)[order],
        bidx[order],
        nb,
        search,
    )
    if exc is not None:
        raise exc
    return period
