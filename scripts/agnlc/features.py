"""Light-curve features per object and band, named as in the Object table.

Implemented so far (SPEC §4 indices, computed on AB magnitudes as the seed did):

``lcNonPeriodic[18]`` std
    Unbiased standard deviation of the magnitudes (mag).
``lcNonPeriodic[20]`` stetson_k
    Stetson K (Stetson 1996): ``sum|δ_i| / sqrt(N sum δ_i^2)`` with
    ``δ_i = sqrt(N/(N-1)) (m_i - <m>_w) / σ_i`` (dimensionless; 0.798 for Gaussian noise).
``lcNonPeriodic[23]`` excess variance
    ``(s^2 - <σ_i^2>) / <m>^2`` with ``s^2`` the sample variance (light-curve's
    ``ExcessVariance``; dimensionless, on magnitudes).

Bands with fewer than ``min_epochs`` detections get NaN and their epoch count in
``nEpochs_{b}``, which is the reason for the NaN. The features are computed with the Rust
``light-curve`` package on Arrow ``List<Struct<t, m, sigma>>`` input (no per-object loop).
"""

from __future__ import annotations

import light_curve as licu
import numpy as np
import pandas as pd
import pyarrow as pa

from agnlc.schema import lc_feature_column

__all__ = ["FEATURES", "compute_features", "feature_columns"]

#: (lcNonPeriodic index, light-curve feature) implemented in this module
FEATURES: tuple[tuple[int, object], ...] = (
    (18, licu.StandardDeviation()),
    (20, licu.StetsonK()),
    (23, licu.ExcessVariance()),
)


def feature_columns(bands: dict[str, str]) -> list[str]:
    """Output columns for the configured bands (light-curve band -> object-table band)."""
    cols = []
    for ob in bands.values():
        cols += [lc_feature_column("lcNonPeriodic", k, ob) for k, _ in FEATURES]
        cols.append(f"nEpochs_{ob}")
    return cols


def compute_features(lc: pd.DataFrame, objectids: np.ndarray, bands: dict[str, str], min_epochs: int) -> pd.DataFrame:
    """Features for every object in ``objectids`` (rows in that order).

    Parameters
    ----------
    lc
        Merged light curves (canonical schema).
    objectids
        The shard's targets; objects without data get NaN features and 0 epochs.
    bands
        Light-curve band name -> object-table band, e.g. ``{"sdss_g": "g"}``.
    min_epochs
        Minimum detections for a band's features.
    """
    ext = licu.Extractor(*[f for _, f in FEATURES])
    out = pd.DataFrame({"objectid": np.asarray(objectids, dtype=np.int64)})
    det = lc[(~lc["upper_limit"]) & np.isfinite(lc["mag"]) & np.isfinite(lc["mag_err"]) & (lc["mag_err"] > 0)]
    for band, ob in bands.items():
        sub = det[det["band"] == band].sort_values(["objectid", "mjd"], kind="stable")
        ids = sub["objectid"].to_numpy()
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.zeros(0, np.int64)
        counts = np.diff(np.r_[starts, len(ids)])
        uid = ids[starts]
        good = counts >= min_epochs
        vals = np.full((len(uid), len(FEATURES)), np.nan)
        if good.any():
            keep = np.repeat(good, counts)
            t = sub["mjd"].to_numpy()[keep]
            m = sub["mag"].to_numpy(dtype=np.float64)[keep]
            s = sub["mag_err"].to_numpy(dtype=np.float64)[keep]
            offsets = np.r_[0, np.cumsum(counts[good])].astype(np.int32)
            struct = pa.StructArray.from_arrays([pa.array(t), pa.array(m), pa.array(s)], names=["t", "m", "sigma"])
            arr = pa.ListArray.from_arrays(pa.array(offsets), struct)
            res = ext.many(
                arr, arrow_fields={"t": "t", "m": "m", "sigma": "sigma"}, fill_value=np.nan, sorted=True, n_jobs=1
            )
            vals[good] = np.asarray(res, dtype=np.float64)
        feat = pd.DataFrame(vals, columns=[lc_feature_column("lcNonPeriodic", k, ob) for k, _ in FEATURES])
        feat["objectid"] = uid
        feat[f"nEpochs_{ob}"] = counts.astype(np.int32)
        out = out.merge(feat, on="objectid", how="left")
        out[f"nEpochs_{ob}"] = out[f"nEpochs_{ob}"].fillna(0).astype(np.int32)
    return out
