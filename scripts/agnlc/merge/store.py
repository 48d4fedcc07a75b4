"""The merged light curves: one reader API for the zarr v3 store and for the merged Parquet shards
(the store is written by :mod:`agnlc.merge.store_writer`).

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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from agnlc.archives.contract import LIGHTCURVE

__all__ = [
    "CHUNK_ROWS",
    "LAYOUT_VERSION",
    "LightCurves",
    "ParquetLightCurves",
    "StoreError",
    "ZarrLightCurves",
    "open_lightcurves",
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


def _numpy_dtype(name: str) -> np.dtype:
    t = LIGHTCURVE.column(name).dtype
    return np.dtype(t.to_pandas_dtype())


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

    def nested(
        self,
        objectids: Sequence[int] | np.ndarray,
        archive: str | list[str] | None = None,
        band: str | list[str] | None = None,
        mjd_min: float | None = None,
        mjd_max: float | None = None,
    ) -> Any:
        """A batch of objects as a nested-pandas ``NestedFrame``: one row per object
        (``objectid``), its light curve in the nested column ``lightcurve`` (the columns of
        :data:`agnlc.merge.hats.NESTED_COLUMNS`), filtered as :meth:`get`; the shape of
        ``results/lightcurves.hats`` and of IRSA's ZTF HATS light curves.

        Raises
        ------
        KeyError
            An object is not in the store.
        """
        from agnlc.merge.hats import nest

        ids = np.asarray(objectids, dtype=np.int64)
        missing = [int(i) for i in ids if i not in self]
        if missing:
            raise KeyError(f"objectid {missing[0]} is not in {self.path}")
        flat = _Filter.of(archive, band, mjd_min, mjd_max).apply(self._objects(ids))
        return nest(pd.DataFrame({"objectid": ids}), flat)

    def _objects(self, objectids: np.ndarray) -> pd.DataFrame:
        """The rows of several objects (per object here; readers with a columnar path override it)."""
        parts = [self._object(int(i)) for i in objectids]
        return pd.concat(parts, ignore_index=True) if parts else _ARROW_SCHEMA.empty_table().to_pandas()

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

    def _objects(self, objectids: np.ndarray) -> pd.DataFrame:
        from agnlc.core.keyrange import read_ids

        return read_ids(self._dataset, "objectid", objectids).to_pandas()  # one filtered scan

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
    >>> nf = lcs.nested(lcs.objectids[:100], band=["sdss_g"])  # nested-pandas, one row per object  # doctest: +SKIP
    """
    p = Path(path)
    if (p / "zarr.json").exists() or p.suffix == ".zarr":
        return ZarrLightCurves(p, **kwargs)
    return ParquetLightCurves(p)
