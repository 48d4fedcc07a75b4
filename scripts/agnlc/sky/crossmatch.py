"""Positional cross-matching with astropy (KD-tree on unit vectors).

Two kinds of match:

* :func:`match_sources` - every source (e.g. each detection of a light curve) within the
  radius of a target, each source given to its nearest target only;
* :func:`match_nearest` - for each target, the nearest source within the radius
  (catalogue matches for the Object tables).
"""

from __future__ import annotations

import astropy.units as u
import numpy as np
from astropy.coordinates import SkyCoord, search_around_sky
from numpy.typing import ArrayLike, NDArray

__all__ = ["match_nearest", "match_sources", "separation_arcsec"]

IntArr = NDArray[np.int64]
FltArr = NDArray[np.float64]


def _pairs(t_ra: ArrayLike, t_dec: ArrayLike, s_ra: ArrayLike, s_dec: ArrayLike, radius_arcsec: float):
    t_ra, t_dec = np.asarray(t_ra, float), np.asarray(t_dec, float)
    s_ra, s_dec = np.asarray(s_ra, float), np.asarray(s_dec, float)
    if len(t_ra) == 0 or len(s_ra) == 0:
        e = np.zeros(0, dtype=np.int64)
        return e, e, np.zeros(0)
    tc = SkyCoord(t_ra * u.deg, t_dec * u.deg)
    sc = SkyCoord(s_ra * u.deg, s_dec * u.deg)
    it, is_, sep, _ = search_around_sky(tc, sc, radius_arcsec * u.arcsec)
    return it.astype(np.int64), is_.astype(np.int64), sep.to_value(u.arcsec)


def match_sources(
    t_ra: ArrayLike, t_dec: ArrayLike, s_ra: ArrayLike, s_dec: ArrayLike, radius_arcsec: float
) -> tuple[IntArr, IntArr, FltArr]:
    """Every source within ``radius_arcsec`` of a target, each source to its nearest target.

    Returns
    -------
    target_index, source_index, sep_arcsec : ndarray
        One entry per matched source, sorted by (target_index, source_index).
    """
    it, is_, sep = _pairs(t_ra, t_dec, s_ra, s_dec, radius_arcsec)
    if len(it) == 0:
        return it, is_, sep
    order = np.lexsort((it, sep, is_))  # by source, then separation, ties by target index
    is_o = is_[order]
    first = np.r_[True, is_o[1:] != is_o[:-1]]
    keep = order[first]
    res = np.lexsort((is_[keep], it[keep]))
    keep = keep[res]
    return it[keep], is_[keep], sep[keep]


def match_nearest(
    t_ra: ArrayLike, t_dec: ArrayLike, s_ra: ArrayLike, s_dec: ArrayLike, radius_arcsec: float
) -> tuple[IntArr, IntArr, FltArr]:
    """For each target, the nearest source within ``radius_arcsec``.

    Returns
    -------
    target_index, source_index, sep_arcsec : ndarray
        One entry per target that has a match, sorted by target index.
    """
    it, is_, sep = _pairs(t_ra, t_dec, s_ra, s_dec, radius_arcsec)
    if len(it) == 0:
        return it, is_, sep
    order = np.lexsort((is_, sep, it))
    it_o = it[order]
    first = np.r_[True, it_o[1:] != it_o[:-1]]
    keep = order[first]
    return it[keep], is_[keep], sep[keep]


def separation_arcsec(ra: float, dec: float, s_ra: ArrayLike, s_dec: ArrayLike) -> FltArr:
    """Angular separation (arcsec) of sources from one position (haversine, exact at small angles)."""
    d1, d2 = np.radians(dec), np.radians(np.asarray(s_dec, float))
    dra = np.radians(np.asarray(s_ra, float) - ra)
    h = np.sin((d2 - d1) / 2) ** 2 + np.cos(d1) * np.cos(d2) * np.sin(dra / 2) ** 2
    return np.degrees(2 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))) * 3600.0
