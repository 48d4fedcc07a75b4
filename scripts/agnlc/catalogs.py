"""Object-table catalogue cross-matches (nearest counterpart within a radius).

So far: the SDSS Stripe 82 coadd (``PhotoObjAll`` runs 106/206 of the Stripe82 context),
read from the same mirror as the single-epoch light curves. Each target gets the nearest
coadd object within the radius, with the catalogue id (``objID``) and the separation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.archives.sdss_s82 import COADD_RUNS, PARTITION_ORDER, read_mirror
from agnlc.crossmatch import match_nearest
from agnlc.healpix import pixels_in_cone

__all__ = ["S82_COADD_COLUMNS", "match_s82_coadd"]

_B = ("u", "g", "r", "i", "z")
S82_COADD_COLUMNS = ["objID", "run", "ra", "dec", "flags", "type"] + [
    f"{q}_{b}" for q in ("psfMag", "psfMagErr", "modelMag", "modelMagErr", "probPSF") for b in _B
]


def match_s82_coadd(targets: pd.DataFrame, mirror: str | Path, radius_arcsec: float) -> pd.DataFrame:
    """Nearest S82 coadd object of each target.

    Returns
    -------
    pandas.DataFrame
        One row per target with a match: ``objectid, cat_id, sep_arcsec`` and the
        catalogue's native columns (asinh magnitudes on the SDSS system).
    """
    t = targets.reset_index(drop=True)
    parts = pixels_in_cone(t["ra"].to_numpy(), t["dec"].to_numpy(), radius_arcsec / 3600.0, PARTITION_ORDER)
    cat = read_mirror(Path(mirror), list(parts), S82_COADD_COLUMNS)
    cat = cat[cat["run"].isin(COADD_RUNS)].reset_index(drop=True)
    ti, ci, sep = match_nearest(t["ra"], t["dec"], cat["ra"], cat["dec"], radius_arcsec)
    rows = cat.iloc[ci].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "objectid": t["objectid"].to_numpy()[ti].astype(np.int64),
            "cat_id": rows["objID"].astype("int64").to_numpy(),
            "sep_arcsec": sep,
        }
    )
    for c in S82_COADD_COLUMNS:
        if c not in ("objID", "ra", "dec"):
            out[c] = rows[c].to_numpy()
    return out
