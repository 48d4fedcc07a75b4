"""The Object tables as HATS catalogues (``results/ObjectTable.hats`` and the two field tables).

Same columns, types and units as the Parquet table; lsdb partitions the positions and each
partition's rows are read back from the Parquet table by objectId range
(:func:`agnlc.core.hatsio.write_hats`).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from agnlc.core.hatsio import read_ids, write_hats

__all__ = ["PARTITION_ROWS", "objecttable_hats"]

#: Objects per HEALPix partition: 20,000 rows × 459 columns ≈ 75 MB in memory.
PARTITION_ROWS = 20_000


def objecttable_hats(
    parquet: str | os.PathLike[str],
    out: str | os.PathLike[str],
    name: str,
    provenance: dict[str, Any],
    partition_rows: int = PARTITION_ROWS,
) -> None:
    """Write the Object table ``parquet`` as the HATS catalogue ``out`` (named ``name``).

    Columns keep their Arrow types (pandas ``ArrowDtype``), so integer columns with nulls stay
    integers and every partition has the Parquet table's schema.
    """
    dataset = ds.dataset(str(parquet), format="parquet")
    positions = pq.read_table(parquet, columns=["objectId", "ra", "dec"]).to_pandas(types_mapper=pd.ArrowDtype)

    def rows(part: pd.DataFrame) -> pd.DataFrame:
        ids = part["objectId"].to_numpy(dtype=np.int64)
        df = read_ids(dataset, "objectId", ids).to_pandas(types_mapper=pd.ArrowDtype)
        if len(df) != len(ids):
            raise ValueError(f"{parquet}: {len(ids)} objects in a partition, {len(df)} rows found")
        df = df.set_index(df["objectId"].to_numpy(dtype=np.int64)).loc[ids]
        df.index = part.index
        return df

    write_hats(positions, rows, out, name, provenance, partition_rows, ra="ra", dec="dec")
