"""Light-curve features per object and band (SPEC §4), named as in the Object table.

Computed on AB magnitudes of the detections (upper limits are not used), per band, as the seed
did; the unit is recorded in the output metadata. Column ``lcNonPeriodic[k]_{b}`` /
``lcPeriodic[k]_{b}`` for object-table band ``b``. A band with fewer detections than a
feature needs gets NaN, and the counts (``nEpochs_{b}``) and fit flags (``drwFlags_{b}``,
``dhoFlags_{b}``, bits in :mod:`agnlc.features.gpfit`) say why. Definitions: :data:`NONPERIODIC` and
:data:`PERIODIC` (index → name, unit, definition), also written into the Parquet metadata.

The cheap features come from the Rust ``light-curve`` package on Arrow ``List<Struct>`` input
in one call per band; the others are vectorised segment reductions (numpy/pandas), except the
model fits (DRW, DHO, the quasar χ², the multi-band period), which are per-object numerical
optimisations by nature.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import light_curve as licu
import numpy as np
import pandas as pd
import pyarrow as pa

from agnlc.features import gpfit
from agnlc.features.definitions import N_LC_NONPERIODIC, N_LC_PERIODIC, NONPERIODIC, PERIODIC, lc_feature_column
from agnlc.features.periodic import PeriodSearch, harmonic_features, multiband_period

__all__ = ["NONPERIODIC", "PERIODIC", "FeatureSettings", "compute_features", "feature_columns"]

#: (lcNonPeriodic index, light-curve feature) of the features computed by light-curve
_LICU: tuple[tuple[int, object], ...] = (
    (0, licu.Amplitude()),
    (1, licu.BeyondNStd(1.0)),
    (2, licu.MagnitudePercentageRatio(0.40, 0.05)),
    (3, licu.MagnitudePercentageRatio(0.325, 0.05)),
    (4, licu.MagnitudePercentageRatio(0.25, 0.05)),
    (5, licu.MagnitudePercentageRatio(0.175, 0.05)),
    (6, licu.MagnitudePercentageRatio(0.10, 0.05)),
    (7, licu.LinearTrend()),
    (8, licu.MaximumSlope()),
    (9, licu.MedianAbsoluteDeviation()),
    (10, licu.MedianBufferRangePercentage(0.1)),
    (12, licu.PercentAmplitude()),
    (13, licu.PercentDifferenceMagnitudePercentile(0.05)),
    (16, licu.Skew()),
    (17, licu.Kurtosis()),
    (18, licu.StandardDeviation()),
    (20, licu.StetsonK()),
    (22, licu.ReducedChi2()),
    (24, licu.ExcessVariance()),
    (25, licu.Cusum()),
    (26, licu.Eta()),
)


@dataclass(frozen=True)
class FeatureSettings:
    """Which features need how many detections, and the period search (config ``features``)."""

    min_epochs: int = 5
    drw_min_epochs: int = 10
    dho_min_epochs: int = 31
    dho_bands: tuple[str, ...] = ("g", "r", "i")
    periodic_min_epochs: int = 20
    multiband_period: bool = True
    search: PeriodSearch = field(default_factory=PeriodSearch)


def feature_columns(bands: dict[str, str]) -> list[str]:
    """Output columns for the configured bands (light-curve band -> object-table band)."""
    cols = []
    for ob in bands.values():
        cols += [lc_feature_column("lcNonPeriodic", k, ob) for k in range(N_LC_NONPERIODIC)]
        cols += [lc_feature_column("lcPeriodic", k, ob) for k in range(N_LC_PERIODIC)]
        cols += [f"nEpochs_{ob}", f"drwFlags_{ob}", f"dhoFlags_{ob}"]
    return [*cols, "period_days", "period_fap", "period_power"]


def _arrow_lcs(t: np.ndarray, m: np.ndarray, s: np.ndarray, counts: np.ndarray) -> pa.ListArray:
    offsets = np.r_[0, np.cumsum(counts)].astype(np.int32)
    struct = pa.StructArray.from_arrays([pa.array(t), pa.array(m), pa.array(s)], names=["t", "m", "sigma"])
    return pa.ListArray.from_arrays(pa.array(offsets), struct)


def _segment_features(seg: np.ndarray, m: np.ndarray, s: np.ndarray, counts: np.ndarray) -> dict[int, np.ndarray]:
    """Features 11, 19, 21, 23 for time-sorted segments (vectorised over all objects)."""
    n = counts.astype(np.float64)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    pos = np.arange(len(m)) - np.repeat(starts, counts)
    same = seg[1:] == seg[:-1]
    dm = np.diff(m)
    # 11: last 30 epochs -> pairs whose both ends are in the last 30
    in_last = (pos >= np.repeat(counts, counts) - 30)[:-1] & same
    brighter = np.bincount(seg[1:][in_last], weights=(dm[in_last] < 0).astype(float), minlength=len(counts))
    npairs = np.bincount(seg[1:][in_last], minlength=len(counts)).astype(float)
    # 19: Stetson J over consecutive pairs
    w = 1.0 / s**2
    mw = np.bincount(seg, weights=w * m) / np.bincount(seg, weights=w)
    delta = np.sqrt(np.repeat(n / (n - 1), counts)) * (m - mw[seg]) / s
    p = delta[1:] * delta[:-1]
    j = np.bincount(seg[1:][same], weights=(np.sign(p) * np.sqrt(np.abs(p)))[same], minlength=len(counts)) / (n - 1)
    # 21, 23
    g = pd.DataFrame({"seg": seg, "m": m, "s2": s**2}).groupby("seg", sort=True)
    var = g["m"].var(ddof=1).to_numpy()
    return {
        11: np.where(npairs > 0, brighter / np.maximum(npairs, 1), np.nan),
        19: j,
        21: var / g["m"].median().to_numpy(),
        23: var - g["s2"].mean().to_numpy(),
    }


def compute_features(
    lc: pd.DataFrame,
    objectids: np.ndarray,
    bands: dict[str, str],
    settings: FeatureSettings | int | None = None,
) -> pd.DataFrame:
    """Features for every object in ``objectids`` (rows in that order).

    Parameters
    ----------
    lc
        Merged light curves (canonical schema).
    objectids
        The shard's targets; objects without data get NaN features and 0 epochs.
    bands
        Light-curve band name -> object-table band, e.g. ``{"sdss_g": "g"}``.
    settings
        Thresholds and the period search (an int is taken as ``min_epochs``).
    """
    if settings is None or isinstance(settings, int):
        settings = FeatureSettings() if settings is None else FeatureSettings(min_epochs=settings)
    out = pd.DataFrame({"objectid": np.asarray(objectids, dtype=np.int64)})
    det = lc[(~lc["upper_limit"]) & np.isfinite(lc["mag"]) & np.isfinite(lc["mag_err"]) & (lc["mag_err"] > 0)]
    det = det[det["band"].isin(list(bands)) & det["objectid"].isin(out["objectid"])].sort_values(
        ["objectid", "band", "mjd"], kind="stable"
    )
    ext = licu.Extractor(*[f for _, f in _LICU])
    licu_cols = _licu_column_positions(ext)
    by_band = dict(tuple(det.groupby("band", sort=False)))
    for band, ob in bands.items():
        sub = by_band.get(band, det.iloc[:0])
        ids = sub["objectid"].to_numpy()
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.zeros(0, np.int64)
        counts = np.diff(np.r_[starts, len(ids)]).astype(np.int64)
        uid = ids[starts]
        nonp = np.full((len(uid), N_LC_NONPERIODIC), np.nan)
        per = np.full((len(uid), N_LC_PERIODIC), np.nan)
        drw_flags = np.zeros(len(uid), np.int16)
        dho_flags = np.zeros(len(uid), np.int16)
        good = counts >= settings.min_epochs
        if good.any():
            keep = np.repeat(good, counts)
            t = sub["mjd"].to_numpy()[keep]
            m = sub["mag"].to_numpy(dtype=np.float64)[keep]
            s = sub["mag_err"].to_numpy(dtype=np.float64)[keep]
            cg = counts[good]
            arr = _arrow_lcs(t, m, s, cg)
            res = np.asarray(
                ext.many(
                    arr, arrow_fields={"t": "t", "m": "m", "sigma": "sigma"}, fill_value=np.nan, sorted=True, n_jobs=1
                ),
                dtype=np.float64,
            )
            rows = np.flatnonzero(good)
            for k, col in licu_cols.items():
                nonp[rows, k] = res[:, col]
            seg = np.repeat(np.arange(len(cg)), cg)
            for k, v in _segment_features(seg, m, s, cg).items():
                nonp[rows, k] = v
            per[rows, 4:] = harmonic_features(arr, settings.search, settings.periodic_min_epochs)
            offs = np.r_[0, np.cumsum(cg)]
            for i, r in enumerate(rows):  # model fits: one optimisation per light curve
                tt, mm, ss = t[offs[i] : offs[i + 1]], m[offs[i] : offs[i + 1]], s[offs[i] : offs[i + 1]]
                if cg[i] >= settings.drw_min_epochs:
                    nonp[r, 14], nonp[r, 15] = gpfit.qso_chi2(tt, mm, ss)
                    fit = gpfit.fit_drw(tt, mm, ss)
                    nonp[r, 27], nonp[r, 28] = fit.params[0], fit.params[1]
                    drw_flags[r] = fit.flags
                if ob in settings.dho_bands and cg[i] >= settings.dho_min_epochs:
                    fit = gpfit.fit_dho(tt, mm, ss)
                    per[r, :4] = fit.params[:4]
                    dho_flags[r] = fit.flags
        cols = {lc_feature_column("lcNonPeriodic", k, ob): nonp[:, k] for k in range(N_LC_NONPERIODIC)}
        cols |= {lc_feature_column("lcPeriodic", k, ob): per[:, k] for k in range(N_LC_PERIODIC)}
        feat = pd.DataFrame(cols)
        feat["objectid"] = uid
        feat[f"nEpochs_{ob}"] = counts.astype(np.int32)
        feat[f"drwFlags_{ob}"] = drw_flags
        feat[f"dhoFlags_{ob}"] = dho_flags
        out = out.merge(feat, on="objectid", how="left")
        for c in (f"nEpochs_{ob}", f"drwFlags_{ob}", f"dhoFlags_{ob}"):
            out[c] = out[c].fillna(0).astype(np.int32 if c.startswith("n") else np.int16)
    out = out.merge(_periods(det, settings), on="objectid", how="left")
    return out[["objectid", *feature_columns(bands)]]


def _licu_column_positions(ext: licu.Extractor) -> dict[int, int]:
    """lcNonPeriodic index -> column of ``ext``'s output (LinearTrend gives 3 values: take the slope)."""
    pos, col = {}, 0
    for k, f in _LICU:
        pos[k] = col
        col += len(f.names)
    assert col == len(ext.names)
    return pos


def _periods(det: pd.DataFrame, settings: FeatureSettings) -> pd.DataFrame:
    """Multi-band period, FAP and power per object (NaN where not searched)."""
    ids = det["objectid"].to_numpy()
    if not settings.multiband_period or len(ids) == 0:
        return pd.DataFrame(
            {"objectid": np.unique(ids), "period_days": np.nan, "period_fap": np.nan, "period_power": np.nan}
        )
    det = det.sort_values(["objectid", "mjd"], kind="stable")
    ids = det["objectid"].to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    stops = np.r_[starts[1:], len(ids)]
    t = det["mjd"].to_numpy()
    m = det["mag"].to_numpy(np.float64)
    s = det["mag_err"].to_numpy(np.float64)
    b = det["band"].to_numpy().astype(str)
    rows = [
        multiband_period(t[a:z], m[a:z], s[a:z], b[a:z], settings.search) for a, z in zip(starts, stops, strict=True)
    ]
    res = np.array(rows, dtype=np.float64).reshape(len(rows), 3)
    return pd.DataFrame(
        {"objectid": ids[starts], "period_days": res[:, 0], "period_fap": res[:, 1], "period_power": res[:, 2]}
    )
