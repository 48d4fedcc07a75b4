"""Periodic light-curve features: Richards et al. (2011) harmonic features per band and a
multi-band period per object.

Per band (``lcPeriodic[4..32]``, magnitudes): the three strongest peaks of one Lomb–Scargle
periodogram (light-curve's fast periodogram on the fixed grid ``0..max_freq`` d⁻¹) give
``f1, f2, f3``; a linear trend is removed, then for ``i = 1, 2, 3`` in turn four harmonics are
fitted by least squares, ``y = c + Σ_j a_ij sin(2π j f_i t) + b_ij cos(2π j f_i t)``, and
subtracted (prewhitening) before fitting the next frequency. Reported per frequency ``i``: the
amplitudes ``A_ij = sqrt(a_ij² + b_ij²)`` (mag, j = 1..4), ``f_i`` (d⁻¹) and the relative
phases ``PH'_ij = PH_ij − (j f_i / f_1) PH_11`` wrapped to (−π, π] for j = 2..4, with
``PH_ij = atan2(b_ij, a_ij)``. Then ``freq_signif`` (the f1 peak's height above the mean power in
units of the power's standard deviation), ``freq_signif_ratio_21`` and ``_31`` (the f2 and f3
peaks' significance over f1's), ``freq_varrat`` (variance after removing the f1 model over
the variance before) and ``freq_y_offset`` (the constant ``c`` of the f1 fit, mag). The peaks
come from one periodogram rather than a fresh periodogram after each prewhitening (the
deviation from Richards et al. that makes the search one batched Rust call).

Multi-band period (all bands jointly): light-curve's multiband periodogram (χ²-weighted bands)
gives candidate frequencies (its ``n_candidates`` highest local maxima); each is refined on a
fine local grid with a multiband Fourier model — a shared 4-harmonic shape plus one harmonic and
a mean per band (VanderPlas & Ivezić 2015) — and the candidate of least χ² is the period. Its
false-alarm probability is Baluev's (2008) for the one-term power of all bands together
(per-band means removed) at that frequency, as computed by astropy.
"""

from __future__ import annotations

from dataclasses import dataclass

import light_curve as licu
import numpy as np
import pandas as pd
import pyarrow as pa
from numpy.typing import NDArray

from agnlc.features.definitions import FEATURE_FLAGS
from agnlc.features.guard import attempt, batch_or_each

__all__ = ["N_HARMONICS", "PeriodSearch", "harmonic_features", "multiband_period", "multiband_period_flagged"]

N_HARMONICS = 4


@dataclass(frozen=True)
class PeriodSearch:
    """Frequency grid and candidate settings (config ``features.periodogram``)."""

    max_freq: float = 10.0  # d⁻¹
    log2_n_freq: int = 17
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


def _harmonic_fit(t: NDArray, y: NDArray, w: NDArray, f: float) -> tuple[NDArray, NDArray, float, NDArray]:
    """Weighted LSQ of c + Σ_j a_j sin + b_j cos; returns (a, b, c, model)."""
    ph = 2 * np.pi * f * t
    cols = [np.ones_like(t)]
    for j in range(1, N_HARMONICS + 1):
        cols += [np.sin(j * ph), np.cos(j * ph)]
    x = np.column_stack(cols)
    sw = np.sqrt(w)
    beta, *_ = np.linalg.lstsq(x * sw[:, None], y * sw, rcond=None)
    return beta[1::2], beta[2::2], float(beta[0]), x @ beta


def _harmonic_row(t: NDArray, y: NDArray, sig: NDArray, peaks: NDArray, floor: float) -> list[float]:
    """lcPeriodic[4..32] of one light curve from its three periodogram peaks (period, S/N pairs)."""
    t = t - t[0]
    w = 1.0 / np.maximum(sig, floor) ** 2
    trend = np.polyfit(t, y, 1, w=np.sqrt(w))
    resid = y - np.polyval(trend, t)
    var0 = np.var(resid)
    freqs = 1.0 / peaks[0::2]
    signif = peaks[1::2]
    row: list[float] = []
    ph11 = c1 = varrat = np.nan
    for i in range(3):
        f = freqs[i]
        if not (np.isfinite(f) and f > 0):
            row += [np.nan] * 8
            continue
        a, b, c, model = _harmonic_fit(t, resid, w, f)
        amp = np.hypot(a, b)
        ph = np.arctan2(b, a)
        if i == 0:
            ph11, c1 = ph[0], c
            varrat = np.var(resid - model) / var0 if var0 > 0 else np.nan
        j = np.arange(1, N_HARMONICS + 1)
        rel = np.angle(np.exp(1j * (ph - j * f / freqs[0] * ph11)))
        row += [*amp, f, *rel[1:]]
        resid = resid - model
    with np.errstate(divide="ignore", invalid="ignore"):
        row += [signif[0], signif[1] / signif[0], signif[2] / signif[0], varrat, c1]
    return row


def harmonic_features(
    lc: pa.ListArray, search: PeriodSearch, min_epochs: int
) -> tuple[NDArray[np.float64], NDArray[np.bool_], BaseException | None]:
    """lcPeriodic[4..32] for a batch of single-band light curves.

    Parameters
    ----------
    lc
        Arrow ``List<Struct<t, m, sigma>>``, one light curve per element, time-sorted.
    search
        Frequency grid.
    min_epochs
        Fewer epochs than this (or than the 2 × 4 + 3 parameters) give NaN.

    Returns
    -------
    values : numpy.ndarray
        Shape ``(len(lc), 29)``, columns in :func:`agnlc.features.definitions.richards_names` order.
    failed : numpy.ndarray
        Boolean ``(len(lc),)``: the periodogram or the fit raised for this light curve (its row is NaN).
    first_failure : BaseException or None
        The first exception raised, for the log.
    """
    n = len(lc)
    out = np.full((n, 29), np.nan)
    failed = np.zeros(n, bool)
    if n == 0:
        return out, failed, None
    offsets = lc.offsets.to_numpy()
    need = max(min_epochs, 2 * N_HARMONICS + 3)
    eligible = np.flatnonzero(np.diff(offsets) >= need)
    if len(eligible) == 0:
        return out, failed, None
    peaks = np.full((n, 6), np.nan)  # period_0, period_s_to_n_0, period_1, ...
    pg = licu.Periodogram(peaks=3, freqs=search.angular_grid, fast=True)
    peaks[eligible], failed[eligible], first = batch_or_each(pg, lc.take(pa.array(eligible)), 6)
    vals = lc.values
    t_all = vals.field("t").to_numpy()
    m_all = vals.field("m").to_numpy()
    s_all = vals.field("sigma").to_numpy()
    for k in eligible:  # the periodogram is batched above; these are three small LSQ fits per curve
        lo, hi = offsets[k], offsets[k + 1]
        if failed[k] or not np.isfinite(peaks[k, 0]):
            continue
        row, exc = attempt(_harmonic_row, t_all[lo:hi], m_all[lo:hi], s_all[lo:hi], peaks[k], search.error_floor_mag)
        if exc is None:
            out[k] = row
        else:
            failed[k], first = True, first or exc
    return out, failed, first


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
    per = max(1, int(CHUNK_BYTES // (8 * 6 * max(len(t), 1) * p)))
    if len(freqs) > per:
        return np.concatenate(
            [_multiband_chi2(t, y, w, band, nb, freqs[i : i + per]) for i in range(0, len(freqs), per)]
        )
    ph = 2 * np.pi * freqs[:, None] * t[None, :]
    onehot = [(band == b).astype(float) for b in range(nb)]
    cols = [np.broadcast_to(o, ph.shape) for o in onehot]
    e1 = np.exp(1j * ph)  # harmonics by complex powers: one exp instead of 2 x N_HARMONICS trig calls
    s1, c1 = e1.imag, e1.real
    for o in onehot:
        cols += [s1 * o, c1 * o]
    ej = e1 * e1
    for _ in range(N_HARMONICS - 1):
        cols += [ej.imag, ej.real]
        ej = ej * e1
    x = np.stack(cols, axis=-1)
    sw = np.sqrt(w)
    xw, yw = x * sw[None, :, None], y * sw
    xt = xw.transpose(0, 2, 1)
    xtx = xt @ xw  # batched BLAS products, not einsum loops
    # a ridge relative to each matrix's scale: keeps a band with too few epochs for its own
    # harmonic solvable without biasing well-determined fits
    scale = np.trace(xtx, axis1=1, axis2=2) / p
    xtx = xtx + (1e-10 * scale)[:, None, None] * np.eye(p)
    xty = xt @ yw
    beta = np.linalg.solve(xtx, xty[..., None])[..., 0]
    r = yw[None, :] - (xw @ beta[..., None])[..., 0]
    return np.sum(r * r, axis=1)


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

    The refined frequency stays inside ``[2 / baseline, max_freq]``: the refinement windows
    around each candidate are clipped to that range, so the period is always positive and
    spans at most half the baseline.
    """
    from astropy.timeseries import LombScargle

    names = sorted(set(band.tolist()))
    bidx = pd.Series(band).map({b: i for i, b in enumerate(names)}).to_numpy()
    nb = len(names)
    nan = (np.nan, np.nan, np.nan)
    if len(t) < 2 * (2 * N_HARMONICS + 3 * nb) + 1 or np.ptp(t) <= 0:
        return (*nan, FEATURE_FLAGS["period_too_few_epochs"])
    order = np.argsort(t, kind="stable")
    t, m, sigma, band, bidx = t[order], m[order], sigma[order], band[order], bidx[order]
    s = np.hypot(sigma, search.error_floor_mag)
    pg = licu.Periodogram(peaks=1, freqs=search.angular_grid, fast=True, bands=names)
    fr, p = pg.freq_power(t, m, s, band.astype(str))
    fr = np.asarray(fr) / (2 * np.pi)
    p = np.asarray(p)
    f_lo, f_hi = 2.0 / (t[-1] - t[0]), search.max_freq  # at least two cycles over the baseline
    lm = np.flatnonzero((p[1:-1] > p[:-2]) & (p[1:-1] >= p[2:])) + 1
    lm = lm[(fr[lm] > f_lo) & (fr[lm] <= f_hi)]
    if len(lm) == 0:
        return (*nan, FEATURE_FLAGS["period_no_peak"])
    top = lm[np.argsort(p[lm])[::-1][: search.n_candidates]]
    tt = t - t[0]
    w = 1.0 / s**2
    cand = np.clip((fr[top][:, None] + np.linspace(-1.5, 1.5, 13)[None, :] * search.step).ravel(), f_lo, f_hi)
    f0 = cand[np.argmin(_multiband_chi2(tt, m, w, bidx, nb, cand))]
    fine = np.clip(f0 + np.linspace(-0.3, 0.3, 61) * search.step, f_lo, f_hi)
    f_best = float(fine[np.argmin(_multiband_chi2(tt, m, w, bidx, nb, fine))])
    means = pd.Series(m).groupby(bidx).transform("mean").to_numpy()
    ls = LombScargle(t, m - means, s)
    power = float(ls.power(f_best))
    fap = float(ls.false_alarm_probability(power, method="baluev", maximum_frequency=search.max_freq))
    k = int(np.argmin(np.abs(fr - f_best)))
    return 1.0 / f_best, fap, float(p[k]), 0
