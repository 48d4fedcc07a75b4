"""Survey footprints (SPEC §3): Stripe 82 (four RA/Dec boxes, RA wrapped to -180..180) and
XMM-LSS.

Box edges follow the seed's table: RA (-60,-43], (-43,0], (0,45], (45,60) with the Dec
intervals open at both ends; XMM-LSS is closed: RA [34.2, 37.125], Dec [-5.72, -3.87].
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["S82_BOXES", "XMMLSS_BOX", "box_areas_deg2", "in_s82", "in_xmmlss", "wrap_ra"]

#: (ra_lo, ra_hi, ra_closed_hi, dec_lo, dec_hi) with RA in -180..180; RA lower edges open.
S82_BOXES: tuple[tuple[float, float, bool, float, float], ...] = (
    (-60.0, -43.0, True, -1.25, 1.25),
    (-43.0, 0.0, True, -2.0, 2.0),
    (0.0, 45.0, True, -7.0, 5.0),
    (45.0, 60.0, False, -1.25, 1.25),
)
XMMLSS_BOX: tuple[float, float, float, float] = (34.2, 37.125, -5.72, -3.87)


def wrap_ra(ra: ArrayLike) -> NDArray[np.float64]:
    """RA in degrees wrapped to (-180, 180]."""
    r = np.mod(np.asarray(ra, dtype=np.float64), 360.0)
    return np.where(r > 180.0, r - 360.0, r)


def in_s82(ra: ArrayLike, dec: ArrayLike) -> NDArray[np.bool_]:
    """True inside the Stripe 82 footprint (any of the four boxes)."""
    w = wrap_ra(ra)
    d = np.asarray(dec, dtype=np.float64)
    out = np.zeros(w.shape, dtype=bool)
    for lo, hi, closed_hi, dlo, dhi in S82_BOXES:
        in_ra = (w > lo) & ((w <= hi) if closed_hi else (w < hi))
        out |= in_ra & (d > dlo) & (d < dhi)
    return out


def in_xmmlss(ra: ArrayLike, dec: ArrayLike) -> NDArray[np.bool_]:
    """True inside the XMM-LSS box (closed edges)."""
    r = np.mod(np.asarray(ra, dtype=np.float64), 360.0)
    d = np.asarray(dec, dtype=np.float64)
    lo, hi, dlo, dhi = XMMLSS_BOX
    return (r >= lo) & (r <= hi) & (d >= dlo) & (d <= dhi)


def box_areas_deg2() -> NDArray[np.float64]:
    """Solid angle of each Stripe 82 box in deg^2."""
    areas = []
    for lo, hi, _, dlo, dhi in S82_BOXES:
        areas.append((hi - lo) * np.degrees(np.sin(np.radians(dhi)) - np.sin(np.radians(dlo))))
    return np.asarray(areas)
