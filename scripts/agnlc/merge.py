"""Merge the per-archive light-curve shards of one shard of targets.

The merged table is sorted by (objectid, band, mjd) and deduplicated: the same epoch of the
same band delivered twice by one archive (same source id and MJD) is kept once. The status
record of every archive is carried into the Parquet metadata, with the list of archives that
are absent (error) for this shard; a shard whose row count or schema disagrees with its status
record is reported as corrupt rather than merged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from agnlc.schema import LIGHTCURVE, validate

__all__ = ["MergeError", "merge_lightcurves", "read_shard"]

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
