"""The Object tables as HATS catalogues (``results/ObjectTable.hats`` and the two field tables).

Same columns, types and units as the Parquet table; lsdb partitions the positions and each
partition's rows are read back from the Parquet table by objectId range
(:class:`agnlc.core.keyrange.KeyRangeReader`, :func:`agnlc.core.hatsio.write_hats`).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from agnlc.core.hatsio import write_hats
from agnlc.core.keyrange import KeyRangeReader

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

    Every partition has the Parquet table's Arrow schema (types, nullability, units and
    descriptions), plus hats' ``_healpix_29`` column.
    """
    reader = KeyRangeReader([parquet], "objectId")
    positions = pq.read_table(parquet, columns=["objectId", "ra", "dec"])

    def rows(part: pa.Table) -> pa.Table:
        ids = part["objectId"].to_numpy()
        table = reader.read(int(ids.min()), int(ids.max())) if len(ids) else reader.schema.empty_table()
        if not np.array_equal(table["objectId"].to_numpy(), ids):  # in the partition's order
            where = pc.index_in(part["objectId"], value_set=table["objectId"])
            if where.null_count:
                raise ValueError(f"{parquet}: {where.null_count} objects of a partition have no row")
            table = table.take(where)
        return table

    write_hats(positions, rows, out, name, provenance, partition_rows, ra="ra", dec="dec")
