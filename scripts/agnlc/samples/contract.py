"""The samples stage's contract: the validated target table."""

from __future__ import annotations

import pyarrow as pa

from agnlc.core.tables import LIST_STR as _LIST_STR
from agnlc.core.tables import STR as _STR
from agnlc.core.tables import Column, TableSchema

__all__ = ["SAMPLE"]

SAMPLE = TableSchema(
    name="sample",
    description="Validated target table: one row per object after merging duplicates.",
    key=("objectid",),
    columns=(
        Column(
            "objectid",
            pa.int64(),
            "",
            "Stable id: HEALPix order-29 nested index of (ra, dec); derived from the position, not the row order",
            nullable=False,
            min=0,
        ),
        Column("ra", pa.float64(), "deg", "Right ascension (ICRS), [0, 360)", False, 0.0, 360.0),
        Column("dec", pa.float64(), "deg", "Declination (ICRS)", False, -90.0, 90.0),
        Column("name", _STR, "", "Name of the object (first input name in sorted order)"),
        Column("labels", _LIST_STR, "", "Every sample label the object belongs to, sorted"),
        Column("inputs", _LIST_STR, "", "Input files the object came from, sorted"),
        Column("n_inputs", pa.int32(), "", "Number of input rows merged into this object", False, 1),
    ),
)
