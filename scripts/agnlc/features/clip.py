"""The 5σ clip in magnitude that precedes every light-curve feature (the AGN Data Challenge's).

The challenge clipped each light curve at 5σ in magnitude before computing its variability
metrics (``docs/04_LC_features.ipynb``: against the "spurious dimming" of SDSS epochs, Schmidt et
al. 2010). Its notebook does not say how; this is astropy's ``sigma_clip`` with its defaults
apart from ``sigma=5``: about the median, with the standard deviation (ddof 0) of the points
still kept, both sides, iterated until nothing more is clipped or five times. Vectorised over all
light curves of a band: one sort per iteration, not one call per light curve.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["SIGMA", "median_filter_keep", "sigma_clip_keep"]

SIGMA = 5.0
MAXITERS = 5


def sigma_clip_keep(
    group: NDArray[np.int64], x: NDArray[np.float64], sigma: float = SIGMA, maxiters: int = MAXITERS
) -> NDArray[np.bool_]:
    """Which values survive an iterated ``sigma`` clip about their group's median.

    Parameters
    ----------
    group
        Group (light curve) index of every value, 0 .. n_groups - 1, in any order.
    x
        The values (magnitudes).
    sigma, maxiters
        As astropy's ``sigma_clip`` (``cenfunc='median'``, ``stdfunc='std'``).

    Returns
    -------
    numpy.ndarray of bool
        True for the values kept.
    """
    group = np.asarray(group, dtype=np.int64)
    x = np.asarray(x, dtype=np.float64)
    n_groups = int(group.max()) + 1 if len(group) else 0
    keep = np.ones(len(x), dtype=bool)
    if not len(x):
        return keep
    for _ in range(maxiters):
        # the median of the kept values of every group: sort by (group, value), clipped ones last
        order = np.lexsort((np.where(keep, x, np.inf), group))
        n = np.bincount(group, weights=keep, minlength=n_groups).astype(np.int64)
        first = np.r_[0, np.cumsum(np.bincount(group, minlength=n_groups))[:-1]]
        xs = x[order]
        lo = first + np.maximum(n - 1, 0) // 2
        hi = first + n // 2
        med = 0.5 * (xs[lo] + xs[hi])
        kept = np.where(keep, x, 0.0)
        mean = np.bincount(group, weights=kept, minlength=n_groups) / np.maximum(n, 1)
        var = np.bincount(group, weights=np.where(keep, (x - mean[group]) ** 2, 0.0), minlength=n_groups)
        std = np.sqrt(var / np.maximum(n, 1))
        new = keep & (np.abs(x - med[group]) <= sigma * std[group])
        if (new == keep).all():
            break
        keep = new
    return keep


def median_filter_keep(
    group: NDArray[np.int64], x: NDArray[np.float64], sigma: float = SIGMA, maxiters: int = MAXITERS
) -> NDArray[np.bool_]:
    """Which values survive a ``sigma`` clip of their residual from a 3-point running median.

    The challenge's outlier rejection before its CARMA(2,1) fits ("a 3-point median filter with a
    5-sigma clipping", ``docs/04_LC_features.ipynb``): each value's residual from the median of
    itself and its two neighbours in its group (time order; the end points take their own
    value as the missing neighbour, as ``scipy.ndimage.median_filter(mode="nearest")``), clipped
    as :func:`sigma_clip_keep` clips values. A single outlier leaves the running median of its
    neighbours, so its residual stands out; a real slow variation has small residuals.

    Parameters
    ----------
    group
        Group (light curve) index of every value, sorted (values of a group contiguous, in time order).
    x
        The values (fluxes).
    """
    group = np.asarray(group, dtype=np.int64)
    x = np.asarray(x, dtype=np.float64)
    if not len(x):
        return np.ones(0, dtype=bool)
    first = np.r_[True, group[1:] != group[:-1]]
    last = np.r_[group[1:] != group[:-1], True]
    prev = np.where(first, x, np.roll(x, 1))
    nxt = np.where(last, x, np.roll(x, -1))
    med3 = np.maximum(np.minimum(prev, x), np.minimum(np.maximum(prev, x), nxt))
    return sigma_clip_keep(group, x - med3, sigma, maxiters)
