"""The merged light curves as a HATS catalogue: one row per object, a nested ``lightcurve``
column (nested-pandas), the shape IRSA gives the ZTF light curves (``results/lightcurves.hats``).

lsdb partitions the targets' positions; each partition's light curves are read from the merged
Parquet shards by objectid range (:class:`agnlc.core.keyrange.KeyRangeReader`: each row group
decoded once) and nested as Arrow list offsets (:func:`agnlc.core.hatsio.write_hats`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from agnlc.core.hatsio import write_hats
from agnlc.core.keyrange import KeyRangeReader

__all__ = ["NESTED_COLUMNS", "PARTITION_ROWS", "lightcurves_hats", "nest", "nested_lightcurves"]

#: The nested light-curve columns (canonical schema names and units: flux in nJy, mjd in MJD).
NESTED_COLUMNS = ("mjd", "band", "flux", "flux_err", "mag", "mag_err", "upper_limit", "archive", "source_id")

#: Objects per HEALPix partition: 2,000 objects × ~500 epochs ≈ 1 M nested rows in memory.
PARTITION_ROWS = 2_000


def nested_lightcurves(ids: np.ndarray, flat: pa.Table) -> pa.ListArray:
    """The rows of ``flat`` (with ``objectid`` and :data:`NESTED_COLUMNS`) of each of ``ids``, as
    one ``list<struct>`` value per id (null where it has none), in the order of ``ids``.

    Built from list offsets: when ``flat`` is sorted by objectid and holds only rows of ``ids``
    (the sorted shards read by id range), the rows are not reordered, only their chunks joined.
    """
    ids = np.asarray(ids, dtype=np.int64)
    fid = flat["objectid"].to_numpy()
    if fid.size > 1 and not bool(np.all(fid[1:] >= fid[:-1])):
        order = np.argsort(fid, kind="stable")  # keeps each object's rows in their order
        flat, fid = flat.take(order), fid[order]
    starts = np.searchsorted(fid, ids, side="left")
    lengths = np.searchsorted(fid, ids, side="right") - starts
    offsets = np.zeros(ids.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    values = flat.select(list(NESTED_COLUMNS))
    if offsets[-1] != len(values) or not np.array_equal(starts, offsets[:-1]):
        values = values.take(np.arange(offsets[-1]) - np.repeat(offsets[:-1] - starts, lengths))
    struct = pa.StructArray.from_arrays([c.combine_chunks() for c in values.columns], fields=list(values.schema))
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), struct, mask=pa.array(lengths == 0))


def nest(base: pd.DataFrame, flat: pd.DataFrame | pa.Table) -> Any:
    """``base`` (one row per object, with ``objectid``) as a NestedFrame whose ``lightcurve``
    column holds each object's rows of ``flat`` (:data:`NESTED_COLUMNS`; null where none)."""
    import nested_pandas as npd
    from nested_pandas.series.ext_array import NestedExtensionArray

    if isinstance(flat, pd.DataFrame):
        flat = pa.Table.from_pandas(flat[["objectid", *NESTED_COLUMNS]], preserve_index=False)
    lists = nested_lightcurves(base["objectid"].to_numpy(dtype=np.int64), flat)
    out = npd.NestedFrame(base)
    out["lightcurve"] = pd.Series(NestedExtensionArray(lists), index=base.index)
    return out


def lightcurves_hats(
    merged: Sequence[str | os.PathLike[str]],
    targets: str | os.PathLike[str],
    out: str | os.PathLike[str],
    provenance: dict[str, Any],
    partition_rows: int = PARTITION_ROWS,
) -> None:
    """Write the merged light-curve shards ``merged`` as the HATS catalogue ``out``.

    Rows are the targets (``objectid, ra, dec`` from ``targets``), every target included: one
    without data has a null light curve.
    """
    reader = KeyRangeReader(merged, "objectid", ["objectid", *NESTED_COLUMNS])
    positions = pq.read_table(targets, columns=["objectid", "ra", "dec"])

    def rows(part: pa.Table) -> pa.Table:
        ids = part["objectid"].to_numpy()
        flat = reader.read(int(ids.min()), int(ids.max())) if len(ids) else reader.schema.empty_table()
        return part.append_column("lightcurve", nested_lightcurves(ids, flat))

    write_hats(positions, rows, out, "lightcurves", provenance, partition_rows, ra="ra", dec="dec")
