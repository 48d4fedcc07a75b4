"""HEALPix helpers (nested scheme), the same pixelisation HATS/lsdb use.

Order-29 indices are the HATS spatial index (``_healpix_29``); the pixel of an order-29
index at a lower order k is ``index >> 2 (29 - k)``, so sorting by the order-29 index sorts by
pixel at every order.
"""

from __future__ import annotations

import astropy.units as u
import numpy as np
from astropy.coordinates import Latitude, Longitude
from cdshealpix import nested
from numpy.typing import ArrayLike, NDArray

__all__ = ["MAX_ORDER", "parent", "pixels_in_cone", "radec_to_index"]

MAX_ORDER = 29


def radec_to_index(ra: ArrayLike, dec: ArrayLike, order: int = MAX_ORDER) -> NDArray[np.int64]:
    """Nested HEALPix index of each (ra, dec) in degrees at ``order``."""
    ra = np.atleast_1d(np.asarray(ra, dtype=np.float64))
    dec = np.atleast_1d(np.asarray(dec, dtype=np.float64))
    if ra.size == 0:
        return np.zeros(0, dtype=np.int64)
    idx = nested.lonlat_to_healpix(Longitude(ra * u.deg), Latitude(dec * u.deg), order)
    return idx.astype(np.int64)


def parent(index: ArrayLike, order: int, from_order: int = MAX_ORDER) -> NDArray[np.int64]:
    """Pixel at ``order`` containing each nested index given at ``from_order``."""
    if order > from_order:
        raise ValueError("parent order must not exceed the index order")
    return np.asarray(index, dtype=np.int64) >> (2 * (from_order - order))


def pixels_in_cone(ra: ArrayLike, dec: ArrayLike, radius_deg: float, order: int) -> NDArray[np.int64]:
    """Sorted unique pixels at ``order`` touched by cones of ``radius_deg`` around each point."""
    ra = np.atleast_1d(np.asarray(ra, dtype=np.float64))
    dec = np.atleast_1d(np.asarray(dec, dtype=np.float64))
    if ra.size == 0:
        return np.zeros(0, dtype=np.int64)
    # A cone much smaller than a pixel touches only pixels that contain the centre or one of
    # eight points on a slightly larger circle around it (4 cardinal, 4 diagonal).
    r = 1.5 * radius_deg
    ang = np.radians(np.arange(0, 360, 45))
    cosd = np.maximum(np.cos(np.radians(dec)), 1e-6)
    ras = np.concatenate([ra] + [ra + r * np.cos(a) / cosd for a in ang]) % 360.0
    decs = np.clip(np.concatenate([dec] + [dec + r * np.sin(a) for a in ang]), -90.0, 90.0)
    return np.unique(radec_to_index(ras, decs, order))
