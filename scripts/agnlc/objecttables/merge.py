"""The merged ObjectTable: the XMM-LSS rows and the Stripe 82 rows without an XMM-LSS counterpart."""

from __future__ import annotations

import pandas as pd

from agnlc.objecttables.contract import MERGED_SCHEMA
from agnlc.sky.crossmatch import match_nearest

__all__ = ["merge_tables"]


def merge_tables(s82: pd.DataFrame, xmmlss: pd.DataFrame, radius_arcsec: float = 1.0) -> pd.DataFrame:
    """The merged ObjectTable: every XMM-LSS row, plus the Stripe 82 rows without an XMM-LSS
    counterpart within ``radius_arcsec`` (astropy nearest-neighbour match); ``field`` says which.
    """
    s82 = s82.reset_index(drop=True)
    if len(s82) and len(xmmlss):
        si, _, _ = match_nearest(s82["ra"], s82["dec"], xmmlss["ra"], xmmlss["dec"], radius_arcsec)
        s82 = s82.drop(index=s82.index[si])
    a = s82.assign(field="s82")
    b = xmmlss.assign(field="xmmlss")
    frames = [f for f in (b, a) if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else a
    out = out.drop_duplicates("objectId", keep="first")  # an object in both fields stays once (XMM-LSS)
    return out.sort_values("objectId", kind="stable").reset_index(drop=True)[MERGED_SCHEMA.names]
