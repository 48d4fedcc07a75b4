"""The archive stage's contracts: the canonical long light-curve table and the events table."""

from __future__ import annotations

import pyarrow as pa

from agnlc.core.tables import STR as _STR
from agnlc.core.tables import Column, TableSchema

__all__ = ["EVENTS", "LIGHTCURVE"]

LIGHTCURVE = TableSchema(
    name="lightcurve",
    description="Canonical long light-curve table: one row per measurement (SPEC §1).",
    columns=(
        Column("objectid", pa.int64(), "", "Target id from the sample", False),
        Column("archive", _STR, "", "Source archive (sdss_s82, ztf, ps1, ...)", False),
        Column("band", _STR, "", "Band registry name, e.g. sdss_g, ztf_r", False),
        Column("mjd", pa.float64(), "d", "Modified Julian Date (time standard per band registry)", False),
        Column("flux", pa.float64(), "nJy", "Total flux (5-sigma limit where upper_limit)"),
        Column("flux_err", pa.float64(), "nJy", "1-sigma flux uncertainty", min=0.0),
        Column("mag", pa.float32(), "mag", "AB magnitude where defined, NaN otherwise"),
        Column("mag_err", pa.float32(), "mag", "1-sigma magnitude uncertainty", min=0.0),
        Column("upper_limit", pa.bool_(), "", "Non-detection: flux holds the 5-sigma limit", False),
        Column("source_id", _STR, "", "The archive's own id of the matched object/detection"),
        Column("match_sep_arcsec", pa.float32(), "arcsec", "Separation from the target", min=0.0),
        Column("flags", pa.int64(), "", "Archive quality flags as delivered"),
    ),
)

EVENTS = TableSchema(
    name="events",
    description="Event-type sources (gamma-ray triggers, neutrinos) near targets.",
    columns=(
        Column("objectid", pa.int64(), "", "Target id from the sample", False),
        Column("archive", _STR, "", "Source archive (heasarc, icecube)", False),
        Column("catalog", _STR, "", "Catalogue within the archive (fermigtrig, saxgrbmgrb, ...)"),
        Column("event_id", _STR, "", "The catalogue's own id of the event"),
        Column("mjd", pa.float64(), "d", "Event time, MJD (UTC)", False),
        Column("energy", pa.float64(), "GeV", "Event energy where defined"),
        Column("error_radius_deg", pa.float64(), "deg", "Catalogue error-circle radius", min=0.0),
        Column("sep_deg", pa.float64(), "deg", "Separation of the event from the target", min=0.0),
    ),
)
