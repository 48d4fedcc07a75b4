"""The merged light curves as a HATS catalogue: one row per object, a nested ``lightcurve``
column (nested-pandas), the shape IRSA gives the ZTF light curves (``results/lightcurves.hats``).

lsdb partitions the targets' positions; each partition's light curves are read from the merged
Parquet shards by objectid range and nested (:func:`agnlc.core.hatsio.write_hats`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from agnlc.core.hatsio import read_ids, write_hats

__all__ = ["NESTED_COLUMNS", "PARTITION_ROWS", "lightcurves_hats", "nest"]

#: The nested light-curve columns (canonical schema names and units: flux in nJy, mjd in MJD).
NESTED_COLUMNS = ("mjd", "band", "flux", "flux_err", "mag", "mag_err", "upper_limit", "archive", "source_id")

#: Objects per HEALPix partition: 2,000 objects × ~500 epochs ≈ 1 M nested rows in memory.
PARTITION_ROWS = 2_000


def nest(base: pd.DataFrame, flat: pd.DataFrame) -> Any:
    """``base`` (one row per object, with ``objectid``) as a NestedFrame whose ``lightcurve``
    column holds each object's rows of ``flat`` (:data:`NESTED_COLUMNS`; null where none)."""
    import nested_pandas as npd

    flat = flat.set_index(flat["objectid"].to_numpy(dtype=np.int64))[list(NESTED_COLUMNS)]
    index = base.index
    keyed = npd.NestedFrame(base.set_index(base["objectid"].to_numpy(dtype=np.int64)))
    out = keyed.join_nested(flat, "lightcurve", how="left")
    out.index = index
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
    dataset = ds.dataset([str(p) for p in merged], format="parquet")
    positions = pq.read_table(targets, columns=["objectid", "ra", "dec"]).to_pandas(types_mapper=pd.ArrowDtype)

    def rows(part: pd.DataFrame) -> pd.DataFrame:
        ids = part["objectid"].to_numpy(dtype=np.int64)
        table = read_ids(dataset, "objectid", ids, ["objectid", *NESTED_COLUMNS])
        return nest(part, table.to_pandas(types_mapper=pd.ArrowDtype))

    write_hats(positions, rows, out, "lightcurves", provenance, partition_rows, ra="ra", dec="dec")
