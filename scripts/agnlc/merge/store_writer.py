"""Writing the merged light curves' zarr v3 store (layout in :mod:`agnlc.merge.store`): one shard
group per job, written in a temporary folder and renamed into place, then the consolidated index."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import zarr
from zarr.codecs import BloscCodec

from agnlc.archives.contract import LIGHTCURVE
from agnlc.core.io import remove_stale
from agnlc.core.tables import validate
from agnlc.merge.store import (
    _CATEGORICAL,
    _INDEX_COLS,
    _MASKED,
    _NUMERIC,
    CHUNK_ROWS,
    LAYOUT_VERSION,
    StoreError,
    _numpy_dtype,
    _object_ranges,
)

__all__ = ["write_index", "write_shard"]


def _compressor() -> BloscCodec:
    return BloscCodec(cname="zstd", clevel=5, shuffle="bitshuffle")


def _array(group: zarr.Group, name: str, values: np.ndarray, chunk_rows: int, **attrs: Any) -> None:
    chunks = (chunk_rows, *values.shape[1:])
    arr = group.create_array(
        name,
        shape=values.shape,
        dtype=values.dtype,
        chunks=chunks,
        compressors=_compressor(),
        fill_value=0,
        config={"write_empty_chunks": True},  # every chunk on disk: a missing one is damage, not zeros
    )
    if values.size:
        arr[...] = values
    if attrs:
        arr.attrs.update(attrs)


def _encode_strings(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """NUL-padded UTF-8 as a (n, width) uint8 array, plus the validity mask."""
    valid = values.notna().to_numpy()
    raw = values.fillna("").astype(str).str.encode("utf-8")
    width = max(int(raw.str.len().max()) if len(raw) else 0, 1)
    fixed = np.array(raw.tolist(), dtype=f"S{width}") if len(raw) else np.zeros(0, f"S{width}")
    return fixed.view(np.uint8).reshape(len(values), width), valid


def _replace_dir(tmp: Path, dest: Path) -> None:
    """Move the finished folder ``tmp`` to ``dest``, replacing what was there."""
    old = dest.with_name(f".{dest.name}.old-{uuid.uuid4().hex[:8]}")
    if dest.exists():
        os.replace(dest, old)
    os.replace(tmp, dest)
    shutil.rmtree(old, ignore_errors=True)


def write_shard(
    df: pd.DataFrame,
    store: str | os.PathLike[str],
    shard: str,
    attrs: dict[str, Any] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Path:
    """Write one shard's merged light curves as the group ``shards/{shard}`` of ``store``.

    Parameters
    ----------
    df
        Merged light curves of the shard (canonical schema, sorted by objectid first).
    store
        The store folder (``results/lightcurves.zarr``); created if missing.
    shard
        Shard name, e.g. ``1-of-4``.
    attrs
        Extra group attributes (provenance, archive statuses).
    chunk_rows
        Rows per chunk.

    Returns
    -------
    pathlib.Path
        The group folder. Its ``zarr.json`` is written last (by the rename).
    """
    df = validate(df, LIGHTCURVE, where=f"{store}/shards/{shard}")
    root = Path(store)
    dest = root / "shards" / shard
    dest.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(dest.parent, f".{shard}.tmp-*")
    tmp = dest.with_name(f".{shard}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        group = zarr.open_group(str(tmp), mode="w", zarr_format=3)
        n = len(df)
        for name in _NUMERIC:
            col = df[name]
            dtype = _numpy_dtype(name)
            if name in _MASKED:
                _array(group, f"{name}.valid", col.notna().to_numpy(), chunk_rows)
                values = col.fillna(0).to_numpy(dtype=dtype)
            else:
                values = col.to_numpy(dtype=dtype)
            _array(group, name, values, chunk_rows, unit=LIGHTCURVE.column(name).unit)
        for name in _CATEGORICAL:
            cat = pd.Categorical(df[name])
            if len(cat.categories) > 255:
                raise StoreError(f"{name}: more than 255 categories in shard {shard}")
            _array(group, name, cat.codes.astype(np.uint8), chunk_rows, categories=[str(c) for c in cat.categories])
        raw, valid = _encode_strings(df["source_id"])
        _array(group, "source_id", raw, chunk_rows, encoding="utf-8, NUL-padded, fixed width")
        _array(group, "source_id.valid", valid, chunk_rows)
        oids, starts, stops = _object_ranges(df["objectid"].to_numpy())
        index = group.create_group("index")
        for name, values in zip(_INDEX_COLS, (oids, starts, stops), strict=True):
            _array(index, name, values, max(len(values), 1))
        group.attrs.update({"rows": n, "n_objects": len(oids), "layout_version": LAYOUT_VERSION, **(attrs or {})})
        _replace_dir(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def write_index(store: str | os.PathLike[str], shards: list[str], attrs: dict[str, Any] | None = None) -> None:
    """Write the consolidated index over ``shards`` and the root group metadata.

    Raises
    ------
    StoreError
        A shard group is missing, or its arrays disagree with its recorded row count.
    """
    root = Path(store)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    summary: dict[str, Any] = {}
    for k, shard in enumerate(shards):
        path = root / "shards" / shard
        if not (path / "zarr.json").is_file():
            raise StoreError(f"{path}: shard group missing (its merge_store job has not run or failed)")
        g = zarr.open_group(str(path), mode="r", zarr_format=3)
        rows = int(g.attrs["rows"])
        for name in (*_NUMERIC, *_CATEGORICAL, "source_id"):
            if g[name].shape[0] != rows:
                raise StoreError(f"{path}/{name}: {g[name].shape[0]} rows but the group records {rows}")
        oids, starts, stops = (g["index"][c][:] for c in _INDEX_COLS)
        if len(oids) != int(g.attrs["n_objects"]) or (len(stops) and int(stops[-1]) != rows):
            raise StoreError(f"{path}/index: does not cover the group's {rows} rows")
        parts.append((oids, np.full(len(oids), k, np.int32), starts, stops))
        summary[shard] = {"rows": rows, "n_objects": len(oids), "missing_archives": g.attrs.get("missing_archives", [])}
    if parts:
        oid, shard_no, start, stop = (np.concatenate(p) for p in zip(*parts, strict=True))
    else:
        oid = start = stop = np.zeros(0, np.int64)
        shard_no = np.zeros(0, np.int32)
    order = np.argsort(oid, kind="stable")
    if len(oid) and np.any(np.diff(oid[order]) == 0):
        dup = int(oid[order][np.flatnonzero(np.diff(oid[order]) == 0)[0]])
        raise StoreError(f"{root}: objectid {dup} appears in more than one shard")
    remove_stale(root, ".index.tmp-*")
    tmp = root / f".index.tmp-{uuid.uuid4().hex[:8]}"
    try:
        g = zarr.open_group(str(tmp), mode="w", zarr_format=3)
        chunk = max(min(len(oid), 262144), 1)
        for name, values in (("objectid", oid), ("shard", shard_no), ("start", start), ("stop", stop)):
            _array(g, name, values[order], chunk)
        _replace_dir(tmp, root / "index")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    zarr.open_group(str(root / "shards"), mode="a", zarr_format=3)
    units = {c.name: c.unit for c in LIGHTCURVE.columns}
    meta = {
        "layout_version": LAYOUT_VERSION,
        "shards": list(shards),
        "n_objects": len(oid),
        "rows": int(sum(s["rows"] for s in summary.values())),
        "shard_summary": summary,
        "units": units,
        "columns": LIGHTCURVE.names,
        **(attrs or {}),
    }
    doc = {"zarr_format": 3, "node_type": "group", "attributes": meta}
    tmp_json = root / f".zarr.json.tmp-{uuid.uuid4().hex[:8]}"
    tmp_json.write_text(json.dumps(doc, indent=2, sort_keys=True, default=str) + "\n")
    os.chmod(tmp_json, 0o644)
    os.replace(tmp_json, root / "zarr.json")
