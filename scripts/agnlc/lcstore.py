"""The merged light curves as a zarr v3 store with fast per-object access, and one reader API
for the store and for the merged Parquet shards.

Layout of ``results/lightcurves.zarr`` (zarr format 3, every array 1-D unless noted)::

    zarr.json                    root group: provenance, shard list, column units, layout version
    index/{objectid,shard,start,stop}
                                 consolidated index over all shards, sorted by objectid:
                                 rows [start, stop) of shard number ``shard`` hold the object
    shards/zarr.json
    shards/{shard}/zarr.json     one group per shard, written by that shard's job alone
    shards/{shard}/{column}      one array per canonical column, objects contiguous, sorted
                                 (objectid, band, mjd); ``archive`` and ``band`` as uint8 codes
                                 with their categories in the array attributes; ``source_id``
                                 as a 2-D uint8 array of NUL-padded UTF-8 (fixed width per shard)
    shards/{shard}/{column}.valid
                                 validity mask of the nullable non-float columns (flags, source_id)
    shards/{shard}/index/{objectid,start,stop}

Parallel shard jobs never touch the same files: each writes its group in a temporary folder
and renames it into place (the group's ``zarr.json`` appears last and is the job's output);
the consolidated index and the root metadata are written by one job at the end. Chunks are
``CHUNK_ROWS`` rows, Blosc-zstd with bit shuffle (see ``benchmarks/lcstore.py`` for the
measurement behind the choice). Reads go through tensorstore, whose C++ zarr3 driver reads a
slice of 12 arrays in about 1 ms where zarr-python 3 needs 10-15 ms on these machines; the
store is plain zarr v3 and zarr-python reads it as well (tested).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import zarr
from zarr.codecs import BloscCodec

from agnlc.io import remove_stale
from agnlc.schema import LIGHTCURVE, validate

__all__ = [
    "CHUNK_ROWS",
    "LAYOUT_VERSION",
    "LightCurves",
    "ParquetLightCurves",
    "StoreError",
    "ZarrLightCurves",
    "open_lightcurves",
    "write_index",
    "write_shard",
]

CHUNK_ROWS = 16384
LAYOUT_VERSION = 1
_CATEGORICAL = ("archive", "band")
_NUMERIC = ("objectid", "mjd", "flux", "flux_err", "mag", "mag_err", "upper_limit", "match_sep_arcsec", "flags")
_MASKED = ("flags", "source_id")
_INDEX_COLS = ("objectid", "start", "stop")
_ARROW_SCHEMA = LIGHTCURVE.arrow_schema()


class StoreError(RuntimeError):
    """The store is incomplete or disagrees with its own records."""


def _compressor() -> BloscCodec:
    return BloscCodec(cname="zstd", clevel=5, shuffle="bitshuffle")


def _numpy_dtype(name: str) -> np.dtype:
    t = LIGHTCURVE.column(name).dtype
    return np.dtype(t.to_pandas_dtype())


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


def _object_ranges(objectid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unique ids and [start, stop) of each id's run in a sorted array."""
    if len(objectid) == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    if np.any(np.diff(objectid) < 0):
        raise StoreError("rows are not sorted by objectid")
    starts = np.flatnonzero(np.r_[True, objectid[1:] != objectid[:-1]])
    stops = np.r_[starts[1:], len(objectid)]
    return objectid[starts].astype(np.int64), starts.astype(np.int64), stops.astype(np.int64)


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


@dataclass(frozen=True)
class _Filter:
    archive: tuple[str, ...] | None = None
    band: tuple[str, ...] | None = None
    mjd_min: float | None = None
    mjd_max: float | None = None

    @staticmethod
    def of(archive: str | list[str] | None, band: str | list[str] | None, mjd_min: float | None, mjd_max: float | None):
        def tup(x: str | list[str] | None) -> tuple[str, ...] | None:
            return None if x is None else ((x,) if isinstance(x, str) else tuple(x))

        return _Filter(tup(archive), tup(band), mjd_min, mjd_max)

    def apply(self, df: pd.DataFrame) -> pd.DataFrame:
        mask = np.ones(len(df), bool)
        if self.archive is not None:
            mask &= df["archive"].isin(self.archive).to_numpy()
        if self.band is not None:
            mask &= df["band"].isin(self.band).to_numpy()
        if self.mjd_min is not None:
            mask &= df["mjd"].to_numpy() >= self.mjd_min
        if self.mjd_max is not None:
            mask &= df["mjd"].to_numpy() <= self.mjd_max
        return df if mask.all() else df[mask].reset_index(drop=True)


class LightCurves:
    """Read access to merged light curves; see :func:`open_lightcurves`."""

    objectids: np.ndarray
    path: Path

    def __len__(self) -> int:
        return len(self.objectids)

    def __contains__(self, objectid: object) -> bool:
        i = np.searchsorted(self.objectids, objectid)
        return bool(i < len(self.objectids) and self.objectids[i] == objectid)

    def get(
        self,
        objectid: int,
        archive: str | list[str] | None = None,
        band: str | list[str] | None = None,
        mjd_min: float | None = None,
        mjd_max: float | None = None,
    ) -> pd.DataFrame:
        """One object's light curve (canonical columns), optionally filtered.

        Raises
        ------
        KeyError
            The object is not in the store.
        """
        if objectid not in self:
            raise KeyError(f"objectid {objectid} is not in {self.path}")
        return _Filter.of(archive, band, mjd_min, mjd_max).apply(self._object(int(objectid)))

    def iter(
        self,
        batch_size: int = 1000,
        archive: str | list[str] | None = None,
        band: str | list[str] | None = None,
        mjd_min: float | None = None,
        mjd_max: float | None = None,
    ) -> Iterator[pd.DataFrame]:
        """Batches of whole objects (``batch_size`` objects each, in objectid order per shard)."""
        flt = _Filter.of(archive, band, mjd_min, mjd_max)
        for batch in self._batches(batch_size):
            yield flt.apply(batch)

    def _object(self, objectid: int) -> pd.DataFrame:
        raise NotImplementedError

    def _batches(self, batch_size: int) -> Iterator[pd.DataFrame]:
        raise NotImplementedError


class ZarrLightCurves(LightCurves):
    """Reader of ``results/lightcurves.zarr`` (see the module docstring for the layout).

    Parameters
    ----------
    path
        The store folder.
    cache_mb
        Size of tensorstore's decoded-chunk cache shared by all arrays.
    """

    def __init__(self, path: str | os.PathLike[str], cache_mb: int = 64) -> None:
        import tensorstore as ts

        self._ts = ts
        self.path = Path(path)
        meta_file = self.path / "zarr.json"
        if not meta_file.is_file():
            raise StoreError(f"{self.path}: not a finished light-curve store (no zarr.json; run the merge_index rule)")
        self.attrs: dict[str, Any] = json.loads(meta_file.read_text()).get("attributes", {})
        if self.attrs.get("layout_version") != LAYOUT_VERSION:
            raise StoreError(f"{self.path}: layout version {self.attrs.get('layout_version')} != {LAYOUT_VERSION}")
        self.shards: list[str] = list(self.attrs["shards"])
        self._context = ts.Context({"cache_pool": {"total_bytes_limit": cache_mb * 2**20}})
        self._arrays: dict[tuple[str, str], Any] = {}
        self._categories: dict[tuple[str, str], pa.Array] = {}
        self.objectids = self._open("index", "objectid").read().result()
        self._shard_no = self._open("index", "shard").read().result()
        self._start = self._open("index", "start").read().result()
        self._stop = self._open("index", "stop").read().result()

    def _open(self, group: str, name: str) -> Any:
        key = (group, name)
        arr = self._arrays.get(key)
        if arr is None:
            spec = {
                "driver": "zarr3",
                "kvstore": {"driver": "file", "path": str((self.path / group / name).resolve())},
                "fill_missing_data_reads": False,  # a deleted chunk is an error, never silent fill values
            }
            try:
                arr = self._ts.open(spec, context=self._context, read=True).result()
            except Exception as exc:
                raise StoreError(f"{self.path / group / name}: cannot open ({exc})") from None
            self._arrays[key] = arr
        return arr

    def _category_values(self, shard: str, name: str) -> pa.Array:
        key = (shard, name)
        if key not in self._categories:
            meta = json.loads((self.path / "shards" / shard / name / "zarr.json").read_text())
            self._categories[key] = pa.array(meta["attributes"]["categories"], type=pa.string())
        return self._categories[key]

    def _read_rows(self, shard: str, start: int, stop: int) -> pd.DataFrame:
        group = f"shards/{shard}"
        names = [*_NUMERIC, *_CATEGORICAL, "source_id", *(f"{m}.valid" for m in _MASKED)]
        futures = {name: self._open(group, name)[start:stop].read() for name in names}
        try:
            data = {name: f.result() for name, f in futures.items()}
        except Exception as exc:
            raise StoreError(f"{self.path / group}: unreadable rows {start}:{stop} ({exc})") from None
        cols: list[pa.Array] = []
        for name in LIGHTCURVE.names:
            if name in _CATEGORICAL:
                cols.append(self._category_values(shard, name).take(pa.array(data[name])))
            elif name == "source_id":
                raw = np.ascontiguousarray(data[name])
                fixed = raw.view(f"S{raw.shape[1]}").ravel() if raw.size else np.zeros(0, "S1")
                strings = pa.array(fixed, type=pa.binary()).cast(pa.string())
                valid = data["source_id.valid"]
                cols.append(strings if valid.all() else pc.if_else(pa.array(valid), strings, None))
            elif name in _MASKED:
                valid = data[f"{name}.valid"]
                cols.append(pa.array(data[name], mask=None if valid.all() else ~valid))
            else:
                cols.append(pa.array(data[name]))
        return pa.Table.from_arrays(cols, schema=_ARROW_SCHEMA).to_pandas()

    def _object(self, objectid: int) -> pd.DataFrame:
        i = int(np.searchsorted(self.objectids, objectid))
        return self._read_rows(self.shards[int(self._shard_no[i])], int(self._start[i]), int(self._stop[i]))

    def _batches(self, batch_size: int) -> Iterator[pd.DataFrame]:
        for k, shard in enumerate(self.shards):
            sel = np.flatnonzero(self._shard_no == k)
            sel = sel[np.argsort(self._start[sel], kind="stable")]
            for b in range(0, len(sel), batch_size):
                rows = sel[b : b + batch_size]
                yield self._read_rows(shard, int(self._start[rows[0]]), int(self._stop[rows[-1]]))


class ParquetLightCurves(LightCurves):
    """Reader of the merged Parquet shards (``results/lightcurves/merged``) with the same API.

    Per-object reads use a pyarrow dataset filter (row-group statistics on objectid); this is
    the baseline the zarr store is benchmarked against.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        files = sorted(self.path.glob("*.parquet")) if self.path.is_dir() else [self.path]
        if not files:
            raise StoreError(f"{self.path}: no Parquet files")
        self.files = files
        self._dataset = ds.dataset([str(f) for f in files], format="parquet")
        oids = self._dataset.to_table(columns=["objectid"]).column("objectid").to_numpy()
        self.objectids = np.unique(oids)

    def _object(self, objectid: int) -> pd.DataFrame:
        return self._dataset.to_table(filter=ds.field("objectid") == objectid).to_pandas()

    def _batches(self, batch_size: int) -> Iterator[pd.DataFrame]:
        for f in self.files:
            df = pq.read_table(f).to_pandas()
            oids, starts, stops = _object_ranges(df["objectid"].to_numpy())
            for b in range(0, len(oids), batch_size):
                s, e = int(starts[b]), int(stops[min(b + batch_size, len(oids)) - 1])
                yield df.iloc[s:e].reset_index(drop=True)


def open_lightcurves(path: str | os.PathLike[str], **kwargs: Any) -> LightCurves:
    """Open merged light curves: a ``.zarr`` store, or merged Parquet (a file or a folder).

    Examples
    --------
    >>> lcs = open_lightcurves("results/lightcurves.zarr")  # doctest: +SKIP
    >>> lc = lcs.get(lcs.objectids[0], band=["sdss_g", "ztf_g"])  # doctest: +SKIP
    >>> for batch in lcs.iter(batch_size=500, archive="ztf"):  # doctest: +SKIP
    ...     ...
    """
    p = Path(path)
    if (p / "zarr.json").exists() or p.suffix == ".zarr":
        return ZarrLightCurves(p, **kwargs)
    return ParquetLightCurves(p)
