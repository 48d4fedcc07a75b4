"""The merge stage's contract: the per-object light-curve summary."""

from __future__ import annotations

import pyarrow as pa

from agnlc.core.tables import STR as _STR
from agnlc.core.tables import Column, TableSchema

__all__ = ["LC_SUMMARY"]

LC_SUMMARY = TableSchema(
    name="lc_summary",
    description="Per-object light-curve summary: one row per (objectid, archive, band).",
    key=("objectid", "archive", "band"),
    columns=(
        Column("objectid", pa.int64(), "", "Target id from the sample", False),
        Column("archive", _STR, "", "Source archive", False),
        Column("band", _STR, "", "Band registry name", False),
        Column("n_epochs", pa.int32(), "", "Detections (rows that are not upper limits)", False, 0),
        Column("n_upper_limits", pa.int32(), "", "Non-detections (upper limits)", False, 0),
        Column("mjd_first", pa.float64(), "d", "First detection, MJD"),
        Column("mjd_last", pa.float64(), "d", "Last detection, MJD"),
        Column("baseline_days", pa.float64(), "d", "mjd_last - mjd_first of the detections", min=0.0),
        Column("median_snr", pa.float64(), "", "Median flux / flux_err of the detections"),
        Column("calib_kind", _STR, "", "Inter-archive calibration applied: none, median or crosscal", False),
        Column("calib_reference", _STR, "", "Reference band the calibration aligned this band to"),
        Column("calib_value", pa.float64(), "", "Applied offset (nJy, median) or flux scale (crosscal)"),
        Column("calib_pairs", pa.int32(), "", "Epoch pairs the crosscal scale was fitted on", min=0),
    ),
)
