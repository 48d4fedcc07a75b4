"""Merge the per-archive light-curve shards of one shard of targets.

The merged table is sorted by (objectid, band, mjd) and deduplicated: the same epoch of the
same band delivered twice by one archive (same source id and MJD) is kept once. The status
record of every archive is carried into the Parquet metadata, with the list of archives that
are absent (error) for this shard; a shard whose row count or schema disagrees with its status
record is reported as corrupt rather than merged.

Optional inter-archive calibration (:func:`calibrate`, off by default) aligns the bands of one
family (``sdss_g``, ``ps1_g``, ``ztf_g`` are all ``g`` in the band registry) of each object to a
reference band: ``median`` adds a flux offset so every band's median detection flux equals the
reference's; ``crosscal`` multiplies by the median flux ratio of epoch pairs closer than
``pair_window_days``. What was applied is returned per (objectid, archive, band) and written
into the summary table (:func:`summarise`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from agnlc.archives.contract import LIGHTCURVE
from agnlc.core.tables import validate
from agnlc.merge.contract import LC_SUMMARY
from agnlc.sky.bands import load_registry
from agnlc.sky.photometry import flux_to_ab_mag

__all__ = ["CALIB_KINDS", "Calibration", "MergeError", "calibrate", "merge_lightcurves", "read_shard", "summarise"]

CALIB_KINDS = ("none", "median", "crosscal")
_KEYS = ["objectid", "archive", "band"]

SORT_KEYS = ["objectid", "band", "mjd", "archive", "source_id"]
DEDUP_KEYS = ["objectid", "archive", "band", "mjd", "source_id"]


class MergeError(RuntimeError):
    """An input shard is unreadable or disagrees with its status record."""


def read_shard(parquet: str | Path, status: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read one archive shard and its status record, checking they agree.

    Raises
    ------
    MergeError
        Unreadable Parquet, or its row count differs from the status record's ``rows``.
    """
    st = json.loads(Path(status).read_text())
    try:
        table = pq.read_table(parquet)
    except Exception as exc:
        raise MergeError(f"{parquet}: unreadable Parquet ({type(exc).__name__}: {exc})") from None
    if table.num_rows != int(st.get("rows", -1)):
        raise MergeError(f"{parquet}: {table.num_rows} rows but its status record {status} says {st.get('rows')}")
    df = validate(table.to_pandas(), LIGHTCURVE, where=str(parquet))
    return df, st


def merge_lightcurves(shards: list[tuple[pd.DataFrame, dict[str, Any]]]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Concatenate, sort and deduplicate archive shards.

    Returns
    -------
    merged, summary
        The merged light curves and a summary: per-archive status, archives in error
        (``missing_archives``), rows before and after deduplication.
    """
    frames = [df for df, _ in shards if len(df)]
    merged = pd.concat(frames, ignore_index=True) if frames else LIGHTCURVE.empty()
    n_in = len(merged)
    merged = merged.sort_values(SORT_KEYS, kind="stable")
    merged = merged.drop_duplicates(DEDUP_KEYS, keep="first").reset_index(drop=True)
    statuses = {
        st["archive"]: {
            k: st.get(k) for k in ("status", "reason", "rows", "release", "transport", "query_time", "radius_arcsec")
        }
        for _, st in shards
    }
    summary = {
        "archives": statuses,
        "missing_archives": sorted(a for a, s in statuses.items() if s["status"] == "error"),
        "rows_in": int(n_in),
        "rows_out": len(merged),
        "duplicates_dropped": int(n_in - len(merged)),
    }
    return merged, summary


@dataclass(frozen=True)
class Calibration:
    """Inter-archive calibration settings (config section ``merge``).

    Parameters
    ----------
    kind
        ``none``, ``median`` (additive, nJy) or ``crosscal`` (multiplicative flux scale).
    reference
        Archives in order of preference for the reference band of a family; a family with
        none of them takes the band with most detections.
    pair_window_days
        ``crosscal``: two epochs closer than this are a pair.
    min_pairs
        ``crosscal``: fewer pairs than this leave the band uncalibrated.
    """

    kind: str = "none"
    reference: tuple[str, ...] = ("sdss_s82", "ps1", "ztf")
    pair_window_days: float = 1.0
    min_pairs: int = 3

    def __post_init__(self) -> None:
        if self.kind not in CALIB_KINDS:
            raise ValueError(f"merge.offsets: {self.kind!r} is not one of {CALIB_KINDS}")


def _families(df: pd.DataFrame) -> pd.Series:
    """Band family per row: the registry's object band (u..y) or the band itself."""
    reg = load_registry()
    mapping = dict(zip(reg["band"], reg["object_band"].fillna(reg["band"]), strict=True))
    return df["band"].map(mapping).fillna(df["band"])


def calibrate(df: pd.DataFrame, cal: Calibration) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Align the bands of each family to a reference band, per object.

    Parameters
    ----------
    df
        Merged light curves (canonical schema).
    cal
        Settings.

    Returns
    -------
    calibrated, applied
        The light curves with flux (and for ``crosscal`` flux_err) changed and mag/mag_err
        recomputed from the new flux; and one row per (objectid, archive, band) with
        ``calib_kind``, ``calib_reference``, ``calib_value``, ``calib_pairs``.
    """
    keys = df[_KEYS].drop_duplicates().reset_index(drop=True)
    applied = keys.assign(calib_kind="none", calib_reference=None, calib_value=np.nan, calib_pairs=0)
    if cal.kind == "none" or df.empty:
        return df, applied
    work = df.assign(family=_families(df))
    det = work[~work["upper_limit"] & np.isfinite(work["flux"])]
    groups = det.groupby([*_KEYS, "family"], sort=False).agg(n=("flux", "size"), med=("flux", "median")).reset_index()
    prio = {a: i for i, a in enumerate(cal.reference)}
    groups["prio"] = groups["archive"].map(prio).fillna(len(prio))
    ref = (
        groups.sort_values(["objectid", "family", "prio", "n", "archive", "band"], ascending=[1, 1, 1, 0, 1, 1])
        .drop_duplicates(["objectid", "family"])
        .rename(columns={"archive": "ref_archive", "band": "ref_band", "med": "ref_med"})[
            ["objectid", "family", "ref_archive", "ref_band", "ref_med"]
        ]
    )
    g = groups.merge(ref, on=["objectid", "family"], how="left")
    is_ref = (g["archive"] == g["ref_archive"]) & (g["band"] == g["ref_band"])
    if cal.kind == "median":
        g["calib_value"] = np.where(is_ref, 0.0, g["ref_med"] - g["med"])
        g["calib_pairs"] = 0
    else:
        refpts = det.merge(
            ref,
            left_on=[*_KEYS[:1], "family", "archive", "band"],
            right_on=["objectid", "family", "ref_archive", "ref_band"],
        )
        refpts = refpts[["objectid", "family", "mjd", "flux"]].rename(columns={"flux": "flux_ref"})
        refpts = refpts.assign(mjd_ref=refpts["mjd"]).sort_values("mjd", kind="stable")
        others = det.sort_values("mjd", kind="stable")
        pairs = pd.merge_asof(
            others,
            refpts,
            on="mjd",
            by=["objectid", "family"],
            direction="nearest",
            tolerance=cal.pair_window_days,
        )
        pairs = pairs[(pairs["flux"] > 0) & (pairs["flux_ref"] > 0)]
        ratio = pairs.assign(r=pairs["flux_ref"] / pairs["flux"]).groupby(_KEYS)["r"].agg(["median", "size"])
        g = g.merge(ratio.reset_index(), on=_KEYS, how="left")
        ok = g["size"].fillna(0) >= cal.min_pairs
        g["calib_value"] = np.where(is_ref, 1.0, np.where(ok, g["median"], np.nan))
        g["calib_pairs"] = g["size"].fillna(0).astype(int)
    g["calib_kind"] = np.where(np.isfinite(g["calib_value"]), cal.kind, "none")
    g["calib_reference"] = g["ref_band"].where(np.isfinite(g["calib_value"]))
    applied = keys.merge(
        g[[*_KEYS, "calib_kind", "calib_reference", "calib_value", "calib_pairs"]], on=_KEYS, how="left"
    )
    applied["calib_kind"] = applied["calib_kind"].fillna("none")
    applied["calib_pairs"] = applied["calib_pairs"].fillna(0).astype(int)
    value = df[_KEYS].merge(applied[[*_KEYS, "calib_value"]], on=_KEYS, how="left")["calib_value"].to_numpy()
    out = df.copy()
    has = np.isfinite(value)
    if cal.kind == "median":
        out.loc[has, "flux"] = out["flux"].to_numpy()[has] + value[has]
    else:
        out.loc[has, "flux"] = out["flux"].to_numpy()[has] * value[has]
        out.loc[has, "flux_err"] = out["flux_err"].to_numpy()[has] * value[has]
    mag, mag_err = flux_to_ab_mag(out["flux"].to_numpy(), out["flux_err"].to_numpy())
    mag_err = np.where(out["upper_limit"].to_numpy(), np.nan, mag_err)
    out.loc[has, "mag"] = mag[has].astype("float32")
    out.loc[has, "mag_err"] = mag_err[has].astype("float32")
    return out, applied


def summarise(df: pd.DataFrame, applied: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per (objectid, archive, band): epochs, upper limits, baseline, median S/N, calibration.

    Parameters
    ----------
    df
        Merged light curves (canonical schema).
    applied
        The calibration record from :func:`calibrate` (``None``: nothing applied).
    """
    det = ~df["upper_limit"].to_numpy()
    work = df[_KEYS].assign(
        det=det,
        ul=~det,
        mjd_det=np.where(det, df["mjd"], np.nan),
        snr=np.where(det, df["flux"] / df["flux_err"], np.nan),
    )
    s = (
        work.groupby(_KEYS, sort=True)
        .agg(
            n_epochs=("det", "sum"),
            n_upper_limits=("ul", "sum"),
            mjd_first=("mjd_det", "min"),
            mjd_last=("mjd_det", "max"),
            median_snr=("snr", "median"),
        )
        .reset_index()
    )
    s["baseline_days"] = s["mjd_last"] - s["mjd_first"]
    if applied is None:
        s = s.assign(calib_kind="none", calib_reference=None, calib_value=np.nan, calib_pairs=0)
    else:
        s = s.merge(applied, on=_KEYS, how="left")
        s["calib_kind"] = s["calib_kind"].fillna("none")
        s["calib_pairs"] = s["calib_pairs"].fillna(0)
    return validate(s[LC_SUMMARY.names], LC_SUMMARY, where="lc_summary")
