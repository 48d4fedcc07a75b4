"""Light-curve features per object and band (SPEC §4), named as in the Object table.

Computed on AB magnitudes of the detections (upper limits are not used), per band, as the seed
did, after merging repeated epochs and a 5σ clip (:mod:`agnlc.features.clip`, as the AGN Data
Challenge); the unit is recorded in the output metadata. Column ``lcNonPeriodic[k]_{b}`` /
``lcPeriodic[k]_{b}`` for object-table band ``b``. A band with fewer detections than a
feature needs gets NaN, and the counts (``nEpochs_{b}``), the reason bits (``featFlags_{b}``,
``periodFlags``) and fit flags (``drwFlags_{b}``, ``dhoFlags_{b}``, bits in
:mod:`agnlc.features.gpfit`) say why. Definitions: :data:`NONPERIODIC` and
:data:`PERIODIC` (index → name, unit, definition), also written into the Parquet metadata.

The cheap features come from the Rust ``light-curve`` package on Arrow ``List<Struct>`` input
in one call per band; the others are vectorised segment reductions (numpy/pandas), except the
model fits (DRW, DHO, cesium's Lomb–Scargle model in :mod:`agnlc.features.lombscargle`, the
multi-band period), which are per-object numerical optimisations by nature.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import light_curve as licu
import numpy as np
import pandas as pd
import pyarrow as pa

from agnlc.features import gpfit
from agnlc.features.cesiumdefs import cesium_features
from agnlc.features.clip import median_filter_keep, sigma_clip_keep
from agnlc.features.definitions import (
    FEATURE_FLAGS,
    N_LC_NONPERIODIC,
    N_LC_PERIODIC,
    NONPERIODIC,
    PERIODIC,
    flag_counts,
    lc_feature_column,
)
from agnlc.features.guard import FailureLog, attempt, batch_or_each
from agnlc.features.lombscargle import lomb_scargle_features
from agnlc.features.periodic import PeriodSearch, object_period
from agnlc.features.qsofit import qso_statistics
from agnlc.sky.photometry import ab_mag_to_flux

_log = logging.getLogger(__name__)

__all__ = ["NONPERIODIC", "PERIODIC", "FeatureSettings", "compute_features", "feature_columns", "feature_flag_counts"]

#: (lcNonPeriodic index, light-curve feature) of the features computed by light-curve
_LICU: tuple[tuple[int, object], ...] = (
    (0, licu.Amplitude()),
    (8, licu.MaximumSlope()),
    (9, licu.MedianAbsoluteDeviation()),
    (22, licu.ReducedChi2()),
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
    lomb_scargle_bands: tuple[str, ...] = ("u", "g", "r", "i", "z", "y")
    multiband_period: bool = True
    search: PeriodSearch = field(default_factory=PeriodSearch)


def feature_columns(bands: dict[str, str]) -> list[str]:
    """Output columns for the configured bands (light-curve band -> object-table band)."""
    cols = []
    for ob in bands.values():
        cols += [lc_feature_column("lcNonPeriodic", k, ob) for k in range(N_LC_NONPERIODIC)]
        cols += [lc_feature_column("lcPeriodic", k, ob) for k in range(N_LC_PERIODIC)]
        cols += [f"drwSigmaRms_{ob}", f"nEpochs_{ob}", f"drwFlags_{ob}", f"dhoFlags_{ob}", f"featFlags_{ob}"]
    return [*cols, "period_days", "period_fap", "period_power", "periodFlags"]


def _arrow_lcs(t: np.ndarray, m: np.ndarray, s: np.ndarray, counts: np.ndarray) -> pa.ListArray:
    offsets = np.r_[0, np.cumsum(counts)].astype(np.int32)
    struct = pa.StructArray.from_arrays([pa.array(t), pa.array(m), pa.array(s)], names=["t", "m", "sigma"])
    return pa.ListArray.from_arrays(pa.array(offsets), struct)


def _segment_features(seg: np.ndarray, m: np.ndarray, s: np.ndarray, counts: np.ndarray) -> dict[int, np.ndarray]:
    """Features 11, 17, 21, 23, 24 and cesium's (:mod:`agnlc.features.cesiumdefs`) for
    time-sorted segments (vectorised over all objects)."""
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    pos = np.arange(len(m)) - np.repeat(starts, counts)
    same = seg[1:] == seg[:-1]
    dm = np.diff(m)
    # 11 (FATS PairSlopeTrend): of the last 30 epochs' differences, (# rising - # not rising) / 30
    in_last = (pos >= np.repeat(counts, counts) - 30)[:-1] & same
    rising = np.bincount(seg[1:][in_last], weights=(dm[in_last] > 0).astype(float), minlength=len(counts))
    npairs = np.bincount(seg[1:][in_last], minlength=len(counts)).astype(float)
    # 17 (FATS SmallKurtosis): n(n+1)/((n-1)(n-2)(n-3)) Σ((m - mean)/std)^4 - 3(n-1)²/((n-2)(n-3)), std ddof 0
    n = counts.astype(float)
    d = m - (np.bincount(seg, weights=m) / n)[seg]
    m2, m4 = np.bincount(seg, weights=d**2) / n, np.bincount(seg, weights=d**4)
    with np.errstate(divide="ignore", invalid="ignore"):
        kurt = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * m4 / m2**2 - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))
    # 21
    g = pd.DataFrame({"seg": seg, "m": m}).groupby("seg", sort=True)
    var = g["m"].var(ddof=1).to_numpy()
    # 23, 24: the challenge's excess variance (its notebook, after arXiv:1710.10943): the mean of
    # Δm_i² - σ_i², Δm_i = (m_i - m̄_w) / sqrt(1 - w_i/Σw), w = σ⁻²; normalised by N m̄_w²
    w = 1.0 / s**2
    sw = np.bincount(seg, weights=w)
    mw = np.bincount(seg, weights=w * m) / sw
    dm2 = (m - mw[seg]) ** 2 / (1.0 - w / sw[seg])
    exvar = np.bincount(seg, weights=dm2 - s**2) / counts
    return {
        11: (2 * rising - npairs) / 30.0,
        17: kurt,
        21: var / g["m"].median().to_numpy(),
        23: exvar,
        24: exvar / (counts * mw**2),
        **cesium_features(seg, m, s, counts),
    }


def dho_input(seg: np.ndarray, m: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The challenge's input of a CARMA(2,1) fit, for all time-sorted light curves ``seg`` at
    once: the flux (nJy, from AB mag; the error to first order) and which epochs survive a 5σ
    clip of the residuals from a 3-point running median
    (:func:`agnlc.features.clip.median_filter_keep`)."""
    flux, err = ab_mag_to_flux(m, s, error_form="linear")
    return flux, err, median_filter_keep(seg, flux)


def _merge_duplicate_epochs(det: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Detections at one MJD in one band of one object merged to their inverse-variance mean.

    Returns the sorted detections (``objectid, band, mjd, mag, mag_err``) and the object ids that
    had such duplicates. Two measurements at one instant are one epoch for every feature (the
    slopes, the periodograms and the GP fits all need distinct times).
    """
    key = ["objectid", "band", "mjd"]
    det = det[[*key, "mag", "mag_err"]].sort_values(key, kind="stable")
    dup = det.duplicated(key, keep=False).to_numpy()
    if not dup.any():
        return det.reset_index(drop=True), np.zeros(0, np.int64)
    single, multi = det[~dup], det[dup].copy()
    multi["w"] = 1.0 / multi["mag_err"].to_numpy() ** 2
    multi["wm"] = multi["w"] * multi["mag"]
    g = multi.groupby(key, sort=False)[["w", "wm"]].sum().reset_index()
    g["mag"] = g["wm"] / g["w"]
    g["mag_err"] = 1.0 / np.sqrt(g["w"])
    merged = pd.concat([single, g[[*key, "mag", "mag_err"]]], ignore_index=True).sort_values(key, kind="stable")
    return merged.reset_index(drop=True), np.unique(multi["objectid"].to_numpy())


def compute_features(
    lc: pd.DataFrame,
    objectids: np.ndarray,
    bands: dict[str, str],
    settings: FeatureSettings | int | None = None,
) -> pd.DataFrame:
    """Features for every object in ``objectids`` (rows in that order).

    No light curve can fail the shard: whatever one object's data (too short, all at one time,
    constant, duplicated epochs, a fit that raises, a panic in the Rust extension), its affected
    features are NaN and a bit of ``featFlags_<b>`` (``periodFlags`` for the multi-band period)
    says why; the bits are :data:`agnlc.features.definitions.FEATURE_FLAGS`.

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
    failures = FailureLog(_log)
    out = pd.DataFrame({"objectid": np.asarray(objectids, dtype=np.int64)})
    with np.errstate(invalid="ignore"):
        good_row = (~lc["upper_limit"]) & np.isfinite(lc["mag"]) & np.isfinite(lc["mag_err"]) & (lc["mag_err"] > 0)
    det = lc[good_row & np.isfinite(lc["mjd"])]
    det = det[det["band"].isin(list(bands)) & det["objectid"].isin(out["objectid"])]
    det, dup_ids = _merge_duplicate_epochs(det)
    # the challenge's 5σ clip in magnitude, per object and band, before every feature
    pair = det.groupby(["objectid", "band"], sort=False).ngroup().to_numpy()
    keep = sigma_clip_keep(pair, det["mag"].to_numpy(np.float64))
    clipped = det.loc[~keep, ["objectid", "band"]].drop_duplicates()
    det = det[keep].reset_index(drop=True)
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
        drw_sigma = np.full(len(uid), np.nan)
        dho_flags = np.zeros(len(uid), np.int16)
        flags = np.where(counts < settings.min_epochs, FEATURE_FLAGS["too_few_epochs"], 0).astype(np.int32)
        flags[np.isin(uid, dup_ids)] |= FEATURE_FLAGS["duplicate_epochs_merged"]
        flags[np.isin(uid, clipped.loc[clipped["band"] == band, "objectid"])] |= FEATURE_FLAGS["sigma_clipped"]
        good = counts >= settings.min_epochs
        if good.any():
            keep = np.repeat(good, counts)
            t = sub["mjd"].to_numpy(np.float64)[keep]
            m = sub["mag"].to_numpy(dtype=np.float64)[keep]
            s = sub["mag_err"].to_numpy(dtype=np.float64)[keep]
            cg = counts[good]
            rows = np.flatnonzero(good)
            seg = np.repeat(np.arange(len(cg)), cg)
            offs = np.r_[0, np.cumsum(cg)]
            constant = np.maximum.reduceat(m, offs[:-1]) == np.minimum.reduceat(m, offs[:-1])
            flags[rows[constant]] |= FEATURE_FLAGS["constant"]
            arr = _arrow_lcs(t, m, s, cg)
            res, bad, exc = batch_or_each(ext, arr, len(ext.names))
            for i in np.flatnonzero(bad):
                failures(uid[rows[i]], ob, "light-curve extractor", exc)
            flags[rows[bad]] |= FEATURE_FLAGS["nonperiodic_failed"]
            for k, col in licu_cols.items():
                nonp[rows, k] = res[:, col]
            with np.errstate(divide="ignore", invalid="ignore"):
                for k, v in _segment_features(seg, m, s, cg).items():
                    nonp[rows, k] = np.where(bad, np.nan, v)
            # Butler & Bloom's quasar statistics (cesium's qso_fit), all light curves at once
            qso, exc = attempt(qso_statistics, t, m, s, cg)
            if exc is None:
                nonp[rows, 14] = np.where(constant | bad, np.nan, qso[0])
                nonp[rows, 15] = np.where(constant | bad, np.nan, qso[1])
            else:
                for i in range(len(rows)):
                    failures(uid[rows[i]], ob, "quasar statistics", exc)
                flags[rows] |= FEATURE_FLAGS["nonperiodic_failed"]
            dho = ob in settings.dho_bands
            ls_band = ob in settings.lomb_scargle_bands
            flux, flux_err, dho_keep = dho_input(seg, m, s) if dho else (m, s, np.zeros(len(m), bool))
            dho_epochs = np.bincount(seg, weights=dho_keep, minlength=len(cg))
            for i in np.flatnonzero(~constant):  # model fits: one optimisation per light curve
                r = rows[i]
                tt, mm, ss = t[offs[i] : offs[i + 1]], m[offs[i] : offs[i + 1]], s[offs[i] : offs[i + 1]]
                if ls_band and cg[i] >= settings.periodic_min_epochs:  # cesium's Lomb-Scargle model
                    ls, exc = attempt(lomb_scargle_features, tt, mm, ss)
                    if exc is None:
                        per[r, 4:], nonp[r, 7] = ls[:-1], ls[-1]
                    else:
                        failures(uid[r], ob, "Lomb-Scargle model", exc)
                        flags[r] |= FEATURE_FLAGS["harmonic_failed"]
                if cg[i] >= settings.drw_min_epochs:
                    fit, exc = attempt(gpfit.fit_drw, tt, mm, ss)
                    if exc is None:
                        sigma, tau = fit.params[0], fit.params[1]
                        # the challenge's lcNonPeriodic[27]: CAR(1)'s β₀ = σ sqrt(2/τ); σ on its own
                        nonp[r, 27], nonp[r, 28], drw_sigma[r] = sigma * np.sqrt(2.0 / tau), tau, sigma
                        drw_flags[r] = fit.flags
                    else:
                        failures(uid[r], ob, "DRW fit", exc)
                        flags[r] |= FEATURE_FLAGS["drw_failed"]
                if dho_epochs[i] >= settings.dho_min_epochs:  # > 30 epochs left after the median filter
                    k = dho_keep[offs[i] : offs[i + 1]]
                    ff, fe = flux[offs[i] : offs[i + 1]][k], flux_err[offs[i] : offs[i + 1]][k]
                    fit, exc = attempt(gpfit.fit_dho, tt[k], ff, fe)
                    if exc is None:
                        per[r, :4] = fit.params[:4]
                        dho_flags[r] = fit.flags
                    else:
                        failures(uid[r], ob, "DHO fit", exc)
                        flags[r] |= FEATURE_FLAGS["dho_failed"]
        cols = {lc_feature_column("lcNonPeriodic", k, ob): nonp[:, k] for k in range(N_LC_NONPERIODIC)}
        cols |= {lc_feature_column("lcPeriodic", k, ob): per[:, k] for k in range(N_LC_PERIODIC)}
        feat = pd.DataFrame(cols)
        feat["objectid"] = uid
        feat[f"drwSigmaRms_{ob}"] = drw_sigma
        feat[f"nEpochs_{ob}"] = counts.astype(np.int32)
        feat[f"drwFlags_{ob}"] = drw_flags
        feat[f"dhoFlags_{ob}"] = dho_flags
        feat[f"featFlags_{ob}"] = flags
        out = out.merge(feat, on="objectid", how="left")
        out[f"featFlags_{ob}"] = out[f"featFlags_{ob}"].fillna(FEATURE_FLAGS["too_few_epochs"]).astype(np.int32)
        for c in (f"nEpochs_{ob}", f"drwFlags_{ob}", f"dhoFlags_{ob}"):
            out[c] = out[c].fillna(0).astype(np.int32 if c.startswith("n") else np.int16)
    out = out.merge(_periods(det, bands, settings, failures), on="objectid", how="left")
    out["periodFlags"] = out["periodFlags"].fillna(FEATURE_FLAGS["period_too_few_epochs"]).astype(np.int32)
    return out[["objectid", *feature_columns(bands)]]


def feature_flag_counts(features: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per band (and ``period``), how many objects carry each reason bit: the shard's record."""
    out = {}
    for c in features.columns:
        if c.startswith("featFlags_") or c == "periodFlags":
            key = "period" if c == "periodFlags" else c.removeprefix("featFlags_")
            out[key] = flag_counts(features[c].to_numpy())
    return out


def _licu_column_positions(ext: licu.Extractor) -> dict[int, int]:
    """lcNonPeriodic index -> column of ``ext``'s output (each feature's first value)."""
    pos, col = {}, 0
    for k, f in _LICU:
        pos[k] = col
        col += len(f.names)
    assert col == len(ext.names)
    return pos


def _periods(det: pd.DataFrame, bands: dict[str, str], settings: FeatureSettings, failures: FailureLog) -> pd.DataFrame:
    """The multi-band period of every object (:func:`agnlc.features.periodic.object_period`):
    ``objectid, period_days, period_fap, period_power, periodFlags``."""
    det = det.sort_values(["objectid", "mjd"], kind="stable")
    ids = det["objectid"].to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.zeros(0, np.int64)
    stops = np.r_[starts[1:], len(ids)] if len(ids) else np.zeros(0, np.int64)
    nb = len(bands)
    bidx = pd.Series(det["band"].to_numpy()).map({b: i for i, b in enumerate(bands)}).to_numpy(np.intp)
    t = det["mjd"].to_numpy(np.float64)
    m = det["mag"].to_numpy(np.float64)
    s = det["mag_err"].to_numpy(np.float64)
    period = np.full((len(starts), 4), np.nan)
    period[:, 3] = 0
    if settings.multiband_period:
        for i, (a, z) in enumerate(zip(starts, stops, strict=True)):
            period[i], exc = object_period(t[a:z], m[a:z], s[a:z], bidx[a:z], nb, settings.search)
            if exc is not None:
                failures(ids[a], "all", "multi-band period", exc)
    return pd.DataFrame(
        {"objectid": ids[starts], "period_days": period[:, 0], "period_fap": period[:, 1],
         "period_power": period[:, 2], "periodFlags": period[:, 3].astype(np.int32)}
    )  # fmt: skip
