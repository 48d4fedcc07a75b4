"""cesium's Lomb–Scargle model (Richards et al. 2011), the AGN Data Challenge's ``lcPeriodic[4..32]``.

The challenge computed its Richards et al. (2011) periodic features with cesium's
``lomb_scargle_model`` and its defaults. This module computes the same model: the steps of
cesium 0.12's ``features/lomb_scargle.py`` and its C core (``_lomb_scargle.h``), vectorised over
trial frequencies instead of looping over them.

For ``i = 1, 2, 3`` (prewhitening: each fit to the residual of the one before):

1. Weights ``w = 1 / sqrt(σ² + 0.05²)`` (cesium's ``sys_err``), normalised to ``Σ w² = 1``. The
   signal is projected off the detrending basis: the weighted mean, and for ``i = 1`` also a
   linear trend in time (times shifted to start at 0).
2. On the grid ``f = 1/T, 1/T + 0.8/T, …, 33`` d⁻¹ (``T`` the baseline), the one-harmonic power
   of the detrended signal (a sine and a cosine fitted after removing their projection on the
   detrending basis).
3. Wherever that power exceeds ``6 × 2 ×`` the residual variance, the frequency is zoomed (10
   sub-steps across ±½ grid step, the one-harmonic power's maximum kept) and an 8-harmonic
   model is fitted there with a ridge penalty on the harmonic amplitudes (harmonic ``j``'s
   coefficients scaled by ``j²``). The penalty ``λ`` is chosen on a grid of 51 values,
   log-spaced over ``[10^(−log10 N), 10^8] / Σ σ⁻²``, by cesium's generalised cross-validation
   score with ``tone_control = 5``; that score is the refined power. cesium's C code meant to
   refine the λ grid three times, but its inner loop reuses the outer loop's counter, so it
   stops after the first grid; so does this module.
4. The frequency with the highest refined power is refitted; its model (harmonics plus the
   detrending polynomial) is subtracted before the next frequency.

Reported per frequency: the amplitudes of harmonics 1–4 (``sqrt(a² + b²)``), the frequency
(d⁻¹), and the phases of harmonics 2–4 relative to ``j ×`` the first's, wrapped to (−π, π]; then
``freq_signif`` (the first fit's significance in Gaussian σ from an F test of its power),
``freq_signif_ratio_21`` and ``_31``, ``freq_varrat`` (cesium's: ``Σ w r² / Σ w m²`` with ``r``
the residual after the first fit and ``m`` the magnitudes themselves, not mean-subtracted) and
``freq_y_offset`` (the first fit's offset term, cesium's ``trend_coef[0] − cn0``). The first
fit's trend coefficient is cesium's ``linear_trend`` (``lcNonPeriodic[7]``).

Where cesium's behaviour is undefined (its GCV finds no positive score at the final frequency,
and C then reads an uninitialised λ), this module returns NaN for that fit.
``tests/unit/test_reference_features.py`` checks the features against cesium itself.
"""

from __future__ import annotations

import numba
import numpy as np
import scipy.stats as stats
from numpy.typing import NDArray

__all__ = ["LS_FEATURES", "lomb_scargle_features"]

SYS_ERR = 0.05
N_HARM = 8
N_FREQ = 3
TONE_CONTROL = 5.0
F_MAX = 33.0  # d⁻¹
DF_PER_BASELINE = 0.8
PSD_MIN = 6.0
FREQ_ZOOM = 10
LAMBDA0 = 1.0
N_LAMBDA = 50  # cesium's niter: 51 values
#: Harmonics reported per frequency (cesium's features use the first four).
N_REPORTED = 4

#: Names of the 30 values :func:`lomb_scargle_features` returns, in order (cesium's feature names).
LS_FEATURES: tuple[str, ...] = (
    *[
        name
        for i in range(1, N_FREQ + 1)
        for name in (
            *[f"freq{i}_amplitude{j}" for j in range(1, N_REPORTED + 1)],
            f"freq{i}_freq",
            *[f"freq{i}_rel_phase{j}" for j in range(2, N_REPORTED + 1)],
        )
    ],
    "freq1_signif",
    "freq_signif_ratio_21",
    "freq_signif_ratio_31",
    "freq_varrat",
    "freq_y_offset",
    "linear_trend",
)

#: Bytes of complex temporaries per chunk of trial frequencies.
_CHUNK_BYTES = 32 * 2**20
#: Harmonic scale of each of the 2 × N_HARM model columns (sines, then cosines): (1 + j % N_HARM)².
_HSCALE = (1.0 + np.arange(2 * N_HARM) % N_HARM) ** 2


@numba.njit(cache=True, nogil=True)
def _power_kernel(
    sig: NDArray[np.complex128], base: NDArray[np.complex128], e2: NDArray[np.complex128], sw2: float
) -> NDArray[np.float64]:  # pragma: no cover - compiled
    """cesium's ``_lomb_scargle`` per trial frequency from its sums (one fused loop)."""
    out = np.empty(len(sig))
    for k in range(len(sig)):
        st = 0.0
        ct = 0.0
        cst = 0.0
        for r in range(base.shape[0]):  # C's calc_dotprod per detrending row
            st0 = base[r, k].imag
            ct0 = base[r, k].real
            st += st0 * st0
            ct += ct0 * ct0
            cst += st0 * ct0
        c2 = 0.5 * (sw2 + e2[k].real)
        cs = 0.5 * e2[k].imag - cst
        s2 = 1.0 - c2 - st
        c2 = c2 - ct
        detm = c2 * s2 - cs * cs
        sh = sig[k].imag
        ch = sig[k].real
        out[k] = (c2 * sh * sh - 2.0 * cs * ch * sh + s2 * ch * ch) / detm if detm > 0 else 0.0
    return out


class _Basis:
    """The detrending basis of one fit and cesium's one-harmonic power (``do_lomb``) from sums."""

    def __init__(self, tt: NDArray, w0: NDArray, wth: NDArray, cn: NDArray) -> None:
        self.tt, self.w0, self.wth, self.cn = tt, w0, wth, cn
        #: the real vectors ``v`` whose sums ``Σ v e^{iφ}`` the power needs: w0 cn, then w0 wth_k
        self.vec = np.vstack([w0 * cn, w0[None, :] * wth])
        self.w2 = w0 * w0
        self.sw2 = float(np.sum(self.w2))

    def power(self, e: NDArray[np.complex128]) -> NDArray[np.float64]:
        """The power at the trial frequencies whose ``e^{iφ}`` (one row each) is ``e``."""
        dots = self.vec @ e.T
        return _power_kernel(dots[0], dots[1:], (e * e) @ self.w2, self.sw2)


class _Grid:
    """Sums ``Σ_n v_n e^{i tt_n f_k}`` over the grid ``f_k = f0 + k df`` as matrix products.

    With ``k = a B + b``, ``e^{i tt f_k} = Q[a] P[b]`` (``Q[a] = e^{i tt (f0 + a B df)}``,
    ``P[b] = e^{i tt b df}``), so the sums of a vector ``v`` over the whole grid are the product
    ``(Q v) Pᵀ``: one BLAS call per fit instead of an ``F × N`` table of exponentials. The sums
    that do not depend on the signal (``Σ w0² e^{2iφ}`` and the detrending basis's) are shared by
    the three prewhitening fits.
    """

    BLOCK = 256

    def __init__(self, tt: NDArray, f0: float, df: float, numf: int, w2: NDArray) -> None:
        self.tt, self.f0, self.df, self.numf = tt, f0, df, numf
        n_outer = -(-numf // self.BLOCK)
        self.q = np.exp(1j * np.outer(f0 + np.arange(n_outer) * self.BLOCK * df, tt))  # (A, N)
        self.p = np.exp(1j * np.outer(np.arange(self.BLOCK) * df, tt))  # (B, N)
        self.e2 = ((self.q * self.q * w2) @ (self.p * self.p).T).ravel()[:numf]
        self._cache: dict[bytes, NDArray[np.complex128]] = {}  # basis rows -> their sums

    def sums(self, vec: NDArray[np.float64]) -> NDArray[np.complex128]:
        """``Σ_n vec[r, n] e^{i tt_n f_k}`` for every row ``r`` of ``vec``: ``(rows, numf)``."""
        x = (self.q[None, :, :] * vec[:, None, :]).reshape(-1, len(self.tt)) @ self.p.T
        return x.reshape(len(vec), -1)[:, : self.numf]

    def basis_sums(self, vec: NDArray[np.float64]) -> NDArray[np.complex128]:
        """:meth:`sums` of the detrending-basis rows, each row computed once per light curve (the
        mean's row recurs in all three fits)."""
        key = vec.tobytes()
        if key not in self._cache:
            rows = [self._cache.get(v.tobytes()) for v in vec]
            if len(vec) == 1 and rows[0] is not None:
                return rows[0]
            x = self.sums(vec)
            self._cache[key] = x
            for r, v in enumerate(vec):
                self._cache.setdefault(v.tobytes(), x[r : r + 1])
        return self._cache[key]

    def exp(self, k: NDArray[np.intp]) -> NDArray[np.complex128]:
        """``e^{i tt f_k}`` at grid indices ``k``: ``(len(k), N)``."""
        return self.q[k // self.BLOCK] * self.p[k % self.BLOCK]


def _harmonics(tt: NDArray, freqs: NDArray, w0: NDArray) -> NDArray[np.float64]:
    """The weighted model columns ``w0 sin(jφ)``, then ``w0 cos(jφ)``, j = 1..N_HARM: ``(F, 2 N_HARM, N)``."""
    e = np.exp(1j * np.outer(freqs, tt))
    pw = np.cumprod(np.broadcast_to(e[:, None, :], (len(freqs), N_HARM, len(tt))), axis=1)
    return np.concatenate([pw.imag, pw.real], axis=1) * w0


def _refine(
    basis: _Basis, freqs: NDArray, lam0: float, lam_range: NDArray, chi0: float
) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """cesium's ``refine_psd`` at each of ``freqs``: the GCV-optimal power, its λ, and the model
    pieces ``(hat_matr, hat0)`` (unscaled columns and their projections on the detrending basis)."""
    n = len(basis.tt)
    npar = 2 * N_HARM
    h = _harmonics(basis.tt, freqs, basis.w0)  # (F, npar, N)
    hat0 = h @ basis.wth.T  # (F, npar, d1)
    ht = h.transpose(0, 2, 1)
    g = h @ ht - hat0 @ hat0.transpose(0, 2, 1)
    g = g / np.outer(_HSCALE, _HSCALE) + n * lam0 * np.eye(npar)
    vec = (h @ basis.cn) / _HSCALE
    eigs, v = np.linalg.eigh(g)  # v[:, k, i]: component k of eigenvector i
    p = np.einsum("fki,fk->fi", v, vec)  # Vᵀ vec
    start, stop = lam_range
    dl = np.exp(np.log(stop / start) / N_LAMBDA)
    lam = np.cumprod(np.r_[start, np.full(N_LAMBDA, dl)])  # C: lambda *= dlambda, in this order
    inv = 1.0 / (eigs[:, None, :] + n * (lam[None, :, None] - lam0))  # (F, L, npar)
    tr = 1.0 - 2.0 * npar / n + 2.0 * lam[None, :] * np.sum(inv, axis=2)
    p2 = (p * p)[:, :, None]
    s1 = (inv @ p2)[..., 0]  # Σ p² / e
    s2 = ((inv * inv) @ p2)[..., 0]  # Σ p² / e²
    # s3 = vᵀ (Vᵀ diag(1/scale²) V) v with v = p / e: the squared amplitudes of the solution
    vs = v * p[:, None, :] / _HSCALE[None, :, None]
    s3 = np.sum(np.square(inv @ vs.transpose(0, 2, 1)), axis=2)
    tcn = TONE_CONTROL / n
    tr0 = (1.0 - 3.0 / n) / (1.0 + tcn)
    with np.errstate(divide="ignore", invalid="ignore"):
        px = chi0 - (chi0 - s1 - s2 * n * lam[None, :]) * (1.0 + tcn * (s2 / s3)) * tr0 / tr
    px = np.where((tr > 0) & np.isfinite(px), px, -np.inf)
    best = np.argmax(px, axis=1)  # the first maximum, as C's strict '>'
    pbest = px[np.arange(len(freqs)), best]
    ok = pbest > 0
    return np.where(ok, pbest, 0.0), np.where(ok, lam[best], np.nan), h, hat0


def _zoom(basis: _Basis, grid: _Grid, k: NDArray[np.intp]) -> NDArray[np.intp]:
    """cesium's ``do_lomb_zoom`` at grid indices ``k``: the index of the sub-step (10 across ±½
    grid step) with the highest one-harmonic power, -1 where none has power > 0."""
    offs = np.exp(1j * np.outer((np.arange(FREQ_ZOOM) / FREQ_ZOOM - 0.5) * grid.df, basis.tt))  # (Z, N)
    e = (grid.exp(k)[:, None, :] * offs[None, :, :]).reshape(-1, len(basis.tt))
    px = basis.power(e).reshape(len(k), FREQ_ZOOM)
    i = np.argmax(px, axis=1)  # the first maximum, as C's strict '>'
    return np.where(px[np.arange(len(k)), i] > 0, i, -1)


def _fit_one(t: NDArray, y: NDArray, dy: NDArray, grid: _Grid, order: int) -> dict:
    """cesium's ``fit_lomb_scargle`` (one frequency, ``N_HARM`` harmonics) with its defaults."""
    n = len(t)
    tt = grid.tt
    w0, s0 = _unit_weights(dy)
    cn = y * w0
    coef = np.zeros(order + 1)
    norm = np.ones(order + 1)
    coef[0] = cn0 = float(cn @ w0)
    cn = cn - coef[0] * w0
    wth = np.zeros((order + 1, n))
    wth[0] = w0
    for i in range(order):
        f = wth[i] * tt / (2 * np.pi)
        for j in range(i + 1):
            f = f - (f @ wth[j]) * wth[j]
        norm[i + 1] = np.sqrt(f @ f)
        f = f / norm[i + 1]
        coef[i + 1] = cn @ f
        cn = cn - coef[i + 1] * f
        wth[i + 1] = f
    chi0 = float(cn @ cn)
    varcn = chi0 / (n - 1 - order)
    psdmin = PSD_MIN * 2 * varcn
    lam0 = LAMBDA0 / s0
    lam_range = 10 ** np.array([-np.log10(n), 8.0]) / s0
    basis = _Basis(tt, w0, wth, cn)

    f0, df = grid.f0, grid.df
    psd = _power_kernel(grid.sums(basis.vec[:1])[0], grid.basis_sums(basis.vec[1:]), grid.e2, basis.sw2)
    psd0 = psd.copy()  # the one-harmonic powers (C overwrites the refined ones in place)
    cand = np.flatnonzero(psd > psdmin)
    jmax, ifreq = -1, FREQ_ZOOM // 2
    if len(cand):
        # in chunks: a strong variable at S82 cadence can put tens of thousands of grid points
        # (its aliases) above the threshold, and each zoom holds 10 × N complex exponentials
        per = max(1, _CHUNK_BYTES // (3 * 16 * FREQ_ZOOM * n))
        iz = np.concatenate([_zoom(basis, grid, cand[a : a + per]) for a in range(0, len(cand), per)])
        if (iz < 0).any():  # C keeps the sub-step of the last candidate that had one (first: the middle)
            last = np.maximum.accumulate(np.where(iz >= 0, np.arange(len(iz)), -1))
            iz = np.where(last >= 0, iz[np.maximum(last, 0)], FREQ_ZOOM // 2)
        fz = f0 + df * cand + (iz / FREQ_ZOOM - 0.5) * df
        refined = np.empty(len(cand))
        per = max(1, _CHUNK_BYTES // (8 * 2 * N_HARM * n * 4))
        for a in range(0, len(cand), per):
            refined[a : a + per] = _refine(basis, fz[a : a + per], lam0, lam_range, chi0)[0]
        psd[cand] = refined
        if np.any(refined > 0):
            k = int(np.argmax(refined))  # the first maximum, as C's strict '>'
            jmax, ifreq, f_best = int(cand[k]), int(iz[k]), float(fz[k])
    if jmax < 0:  # nothing refined to a positive power: the grid's first one-harmonic maximum
        jmax = int(np.argmax(psd0)) if np.any(psd0 > 0) else 0
        f_best = f0 + df * jmax
    px, lam, h, hat0 = _refine(basis, np.array([f_best]), lam0, lam_range, chi0)
    psd[jmax] = px[0]
    h, hat0, lam = h[0], hat0[0], float(lam[0])
    if not np.isfinite(lam):
        raise FloatingPointError("no positive cross-validation score at the best frequency (cesium: undefined)")
    g = h @ h.T - hat0 @ hat0.T
    g = g / np.outer(_HSCALE, _HSCALE) + n * lam * np.eye(2 * N_HARM)
    soln = np.linalg.solve(g, (h @ cn) / _HSCALE) / _HSCALE
    modl = soln @ h
    coef = coef - soln @ hat0
    trend = (coef @ wth) / wth[0]
    j = int(np.argmax(psd))
    freq = f0 + df * j + (ifreq / FREQ_ZOOM - 0.5) * df
    chi2_ratio = (chi0 - psd[j]) / chi0
    a, b = soln[:N_HARM], soln[N_HARM:]
    amp = np.hypot(a, b)
    phase = np.arctan2(b, a)
    rel = phase - phase[0] * (1.0 + np.arange(N_HARM))
    rel = np.arctan2(np.sin(rel), np.cos(rel))
    dof = n - 1.0 - order
    prob = stats.f.sf(0.5 * dof * (1.0 - chi2_ratio), 2, n - 1 - order)
    return {
        "freq": freq,
        "amplitude": amp,
        "rel_phase": rel,
        "signif": _lprob2sigma(np.log(prob)),
        "model": modl / w0 + trend,
        "trend_coef": coef / np.cumprod(norm),
        "cn0": cn0,
    }


def _unit_weights(dy: NDArray) -> tuple[NDArray[np.float64], float]:
    """cesium's ``wth0``: the weights ``1/dy`` normalised to unit norm, and ``s0 = Σ dy⁻²``."""
    w0 = 1.0 / dy
    s0 = float(w0 @ w0)
    return w0 / np.sqrt(s0), s0


def _lprob2sigma(lprob: float) -> float:
    """cesium's ``lprob2sigma``: a log probability as Gaussian σ."""
    if lprob > -36.0:
        return float(stats.norm.ppf(1.0 - 0.5 * np.exp(lprob)))
    sigma = np.sqrt(np.log(2.0 / np.pi) - 2.0 * np.log(8.2) - 2.0 * lprob)
    f = 0.5 * np.log(2.0 / np.pi) - 0.5 * sigma**2 - np.log(sigma) - lprob
    return float(sigma + f / (sigma + 1.0 / sigma))


def lomb_scargle_features(t: NDArray, m: NDArray, sigma: NDArray) -> NDArray[np.float64]:
    """cesium's Lomb–Scargle features of one light curve, in :data:`LS_FEATURES` order.

    Parameters
    ----------
    t, m, sigma
        Times (d), magnitudes and their errors (mag) of one band.

    Returns
    -------
    numpy.ndarray
        30 values: per frequency 4 amplitudes (mag), the frequency (d⁻¹), 3 relative phases
        (rad); ``freq_signif``, the two significance ratios, ``freq_varrat``,
        ``freq_y_offset`` (mag) and ``linear_trend`` (mag/d).
    """
    t = np.asarray(t, dtype=np.float64)
    y = np.asarray(m, dtype=np.float64).copy()
    if len(np.unique(t)) < 3 or not np.ptp(y) > 0:
        raise ValueError("the Lomb-Scargle model needs at least 3 distinct times and some spread in magnitude")
    t = t - t.min()
    dy = np.sqrt(np.asarray(sigma, dtype=np.float64) ** 2 + SYS_ERR**2)
    wt = 1.0 / dy**2
    chi0 = float(y**2 @ wt)
    tmax = float(t.max())
    f0, df = 1.0 / tmax, DF_PER_BASELINE / tmax
    grid = _Grid(2.0 * np.pi * t, f0, df, int((F_MAX - f0) / df) + 1, _unit_weights(dy)[0] ** 2)
    out: list[float] = []
    fits = []
    for i in range(N_FREQ):
        fit = _fit_one(t, y, dy, grid, 1 if i == 0 else 0)
        y = y - fit["model"]
        if i == 0:
            varrat = float(y**2 @ wt) / chi0
        fits.append(fit)
        out += [*fit["amplitude"][:N_REPORTED], fit["freq"], *fit["rel_phase"][1:N_REPORTED]]
    s = [f["signif"] for f in fits]
    out += [s[0], s[1] / s[0], s[2] / s[0], varrat, fits[0]["trend_coef"][0] - fits[0]["cn0"]]
    out.append(fits[0]["trend_coef"][1])
    return np.asarray(out, dtype=np.float64)
