"""Rows of Parquet files by a range of an integer key, each row group decoded once.

The workflow's tables (merged light curves, Object tables) are written sorted by their object id,
which is the HEALPix order-29 index of the position; so the rows of one HEALPix pixel are one
contiguous id range of each file. :class:`KeyRangeReader` reads such ranges in any order: the
row groups that can hold a range are chosen by their Parquet statistics, and the last decoded
row groups are kept, so ranges requested in key order (a HATS writer's partitions) decode every
row group once, however the partitions and row groups are cut. :func:`read_ids` reads a set of
keys through a pyarrow dataset filter (one batch of objects from the merged light curves).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["KeyRangeReader", "read_ids"]


class KeyRangeReader:
    """Read the rows whose ``key`` lies in ``[lo, hi]`` from the Parquet files ``paths``.

    Parameters
    ----------
    paths
        Parquet files with one schema (e.g. the merged light-curve shards).
    key
        An integer column; rows come back in key order (stable: rows of one key keep their order
        in the file) whether or not the files are sorted, but only sorted files read no more
        than the range's row groups.
    columns
        The columns to read (all if None).
    cached_groups
        Decoded row groups kept for the next range (the memory bound is this many row groups
        plus the range's own).
    """

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]],
        key: str,
        columns: Sequence[str] | None = None,
        cached_groups: int = 2,
    ) -> None:
        self.paths = [str(p) for p in paths]
        self.key = key
        self.files = [pq.ParquetFile(p) for p in self.paths]
        first = self.files[0].schema_arrow if self.files else pa.schema([pa.field(key, pa.int64())])
        self.columns = list(columns) if columns is not None else first.names
        self.schema = pa.schema([first.field(c) for c in self.columns])
        self._cache: OrderedDict[tuple[int, int], pa.Table] = OrderedDict()
        self._cached_groups = cached_groups
        groups, lows, highs = [], [], []
        for f, pf in enumerate(self.files):
            col = pf.schema_arrow.get_field_index(key)
            for g in range(pf.metadata.num_row_groups):
                rg = pf.metadata.row_group(g)
                if rg.num_rows == 0:
                    continue
                stats = rg.column(col).statistics
                if stats is not None and stats.has_min_max:
                    lo, hi = int(stats.min), int(stats.max)
                else:  # no statistics: read the key once
                    k = pf.read_row_group(g, columns=[key])[key]
                    lo, hi = int(pc.min(k).as_py()), int(pc.max(k).as_py())
                groups.append((f, g))
                lows.append(lo)
                highs.append(hi)
        self._groups = groups
        self._lows = np.asarray(lows, dtype=np.int64)
        self._highs = np.asarray(highs, dtype=np.int64)

    def _group(self, fg: tuple[int, int]) -> pa.Table:
        """One decoded row group, from the cache if it was just read."""
        table = self._cache.get(fg)
        if table is None:
            f, g = fg
            table = self.files[f].read_row_group(g, columns=self.columns)
            self._cache[fg] = table
            while len(self._cache) > self._cached_groups:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(fg)
        return table

    def read(self, lo: int, hi: int) -> pa.Table:
        """The rows with ``lo <= key <= hi``, in key order."""
        hit = np.flatnonzero((self._highs >= lo) & (self._lows <= hi))
        parts = []
        for i in hit[np.argsort(self._lows[hit], kind="stable")]:
            table = self._group(self._groups[i])
            keys = table[self.key].to_numpy()
            if keys.size < 2 or bool(np.all(keys[1:] >= keys[:-1])):
                a, b = int(np.searchsorted(keys, lo, side="left")), int(np.searchsorted(keys, hi, side="right"))
                parts.append(table.slice(a, b - a))
            else:
                parts.append(table.filter(pa.array((keys >= lo) & (keys <= hi))))
        if not parts:
            return self.schema.empty_table()
        out = pa.concat_tables(parts)
        keys = out[self.key].to_numpy()
        if keys.size > 1 and not bool(np.all(keys[1:] >= keys[:-1])):
            out = out.take(np.argsort(keys, kind="stable"))
        return out


def read_ids(dataset: Any, column: str, ids: Any, columns: list[str] | None = None) -> Any:
    """The rows of a pyarrow ``dataset`` whose ``column`` is in ``ids`` (an Arrow table).

    The ``[min, max]`` range goes first in the filter, so row-group statistics skip what lies
    outside it when the files are sorted by that column (the workflow's outputs are); ``isin``
    then keeps exactly the ids.
    """
    import pyarrow.dataset as ds

    if len(ids) == 0:
        table = dataset.schema.empty_table()
        return table if columns is None else table.select(columns)
    f = ds.field(column)
    rng = (f >= int(min(ids))) & (f <= int(max(ids)))
    return dataset.to_table(columns=columns, filter=rng & f.isin(ids))
