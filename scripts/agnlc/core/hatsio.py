"""HATS catalogues of our outputs, written with lsdb, one partition in memory at a time.

A HATS catalogue (the format of the IRSA ZTF, PS1 and Gaia collections that the archives read)
is a folder of Parquet files, one per HEALPix pixel, that ``lsdb.open_catalog`` opens and
cross-matches. lsdb builds one from an in-memory frame (``lsdb.from_dataframe``), which at
500,000 Object-table rows × 459 columns would need several GB. So lsdb partitions only the
*positions* (``objectid, ra, dec``: 24 bytes per object); each partition's full rows are read
from the Parquet outputs when that partition is written (``map_partitions``), with dask's
synchronous scheduler, so one partition is in memory at a time. The objectid is the HEALPix
order-29 index of the position (the HATS spatial index), so a partition's rows are one objectid
range, which Parquet row-group statistics find without reading the rest.

The catalogue is written to a temporary folder beside the destination and renamed into place,
and ``hats.properties`` carries the provenance record (``agnlc_provenance``, JSON).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from agnlc.core.jitcache import load_lsdb

__all__ = ["read_ids", "write_hats"]


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


def write_hats(
    positions: pd.DataFrame,
    rows: Callable[[pd.DataFrame], pd.DataFrame],
    out: str | os.PathLike[str],
    name: str,
    provenance: dict[str, Any],
    partition_rows: int,
    ra: str = "ra",
    dec: str = "dec",
) -> None:
    """Write a HATS catalogue of ``positions`` whose partitions hold ``rows(partition)``.

    Parameters
    ----------
    positions
        One row per object: its id and ``ra``, ``dec`` (deg); everything lsdb partitions on.
    rows
        Given one partition of ``positions`` (a DataFrame), the catalogue rows of those objects
        (any columns, the positions included, one row per object, same order and index);
        called on an empty partition for the column types.
    out
        The catalogue folder (a collection, as lsdb writes it: ``lsdb.open_catalog(out)`` opens it).
    name
        The catalogue name in its properties.
    provenance
        Stored as JSON under ``agnlc_provenance`` in ``hats.properties``.
    partition_rows
        At most this many objects per HEALPix partition (the memory bound of the writer).
    """
    import dask

    lsdb = load_lsdb()

    dest = Path(out)
    dest.parent.mkdir(parents=True, exist_ok=True)
    for stale in dest.parent.glob(f".{dest.name}.*.tmp"):
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
    try:
        cat = lsdb.from_dataframe(
            positions,
            ra_column=ra,
            dec_column=dec,
            catalog_name=name,
            partition_rows=partition_rows,
            margin_threshold=None,
        )
        template = cat.meta
        if len(template.columns) == 0:  # lsdb's frame of an empty catalogue has no columns
            template = positions.iloc[:0].set_axis(pd.Index([], dtype="int64[pyarrow]", name="_healpix_29"))
        full = cat.map_partitions(rows, meta=rows(template))
        with dask.config.set(scheduler="synchronous"):
            full.write_catalog(
                tmp / name,
                catalog_name=name,
                addl_hats_properties={"agnlc_provenance": json.dumps(provenance, sort_keys=True, default=str)},
                progress_bar=False,
                error_if_empty=False,  # no targets (a sample outside every field): an empty catalogue
                # zstd at Arrow's default level, as every Parquet output of the workflow: hats'
                # default (level 15) took 16 of the 25 s of the 50k light-curve catalogue
                write_table_kwargs={"compression": "zstd"},
            )
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(tmp / name, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
