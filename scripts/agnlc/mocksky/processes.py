"""Stochastic variability processes, vectorised over objects.

Time grids are padded 2-D arrays ``(n_objects, n_epochs)`` (NaN padding at the end of each
row, rows sorted in time); the loop runs over the epoch index with every object updated at
once, so the cost is ``O(n_epochs)`` numpy operations whatever the number of objects.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["drw", "structure_function"]

Arr = NDArray[np.float64]


def drw(times: Arr, tau: Arr, sigma: Arr, innovations: Arr) -> Arr:
    """Exact damped-random-walk (Ornstein–Uhlenbeck) realisations on irregular grids.

    ``x_0 = sigma e_0``; ``x_k = x_{k-1} r + sigma sqrt(1 - r^2) e_k`` with
    ``r = exp(-(t_k - t_{k-1}) / tau)``. The process is stationary with variance
    ``sigma^2`` and structure function ``SF(dt)^2 = 2 sigma^2 (1 - exp(-dt/tau))``, so
    ``SF_inf = sqrt(2) sigma``.

    Parameters
    ----------
    times
        ``(n, m)`` epochs in days, NaN-padded at the end of each row.
    tau, sigma
        ``(n,)`` damping time (days) and asymptotic standard deviation.
    innovations
        ``(n, m)`` independent standard normal draws (shared between bands to make bands
        correlated while each band keeps its exact DRW statistics).

    Returns
    -------
    ndarray
        ``(n, m)`` zero-mean deviations, NaN where ``times`` is NaN.
    """
    t = np.asarray(times, dtype=np.float64)
    n, m = t.shape
    out = np.full((n, m), np.nan)
    if m == 0 or n == 0:
        return out
    tau = np.asarray(tau, dtype=np.float64)
    sigma = np.asarray(sigma, dtype=np.float64)
    x = sigma * innovations[:, 0]
    out[:, 0] = np.where(np.isnan(t[:, 0]), np.nan, x)
    prev_t = t[:, 0]
    for k in range(1, m):
        tk = t[:, k]
        valid = ~np.isnan(tk)
        dt = np.where(valid, tk - prev_t, 0.0)
        r = np.exp(-dt / tau)
        x_new = x * r + sigma * np.sqrt(np.maximum(1.0 - r * r, 0.0)) * innovations[:, k]
        x = np.where(valid, x_new, x)
        prev_t = np.where(valid, tk, prev_t)
        out[:, k] = np.where(valid, x, np.nan)
    return out


def structure_function(t: Arr, x: Arr, bins: Arr) -> tuple[Arr, Arr]:
    """Empirical structure function ``sqrt(<(x_i - x_j)^2>)`` in bins of time lag.

    ``t, x`` are 1-D (one light curve, or several concatenated with NaN-free values);
    returns the bin centres (geometric) and the SF per bin (NaN where empty).
    """
    dt = np.abs(t[:, None] - t[None, :])
    dx2 = (x[:, None] - x[None, :]) ** 2
    iu = np.triu_indices(len(t), 1)
    dt, dx2 = dt[iu], dx2[iu]
    idx = np.digitize(dt, bins) - 1
    ok = (idx >= 0) & (idx < len(bins) - 1)
    sums = np.bincount(idx[ok], weights=dx2[ok], minlength=len(bins) - 1)
    cnt = np.bincount(idx[ok], minlength=len(bins) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sf = np.sqrt(sums / cnt)
    centres = np.sqrt(bins[:-1] * bins[1:])
    return centres, np.where(cnt > 0, sf, np.nan)
