"""The project's table contracts, defined once (SPEC §1 and §4).

Every stage that writes a table builds it against one of the :class:`TableSchema` objects
here and checks it with :func:`validate` before writing. Units live in the Arrow field
metadata (``unit``) and in the column names where the LSST naming puts them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = [
    "ARCHIVES",
    "EVENTS",
    "EVENT_ARCHIVES",
    "LC_SUMMARY",
    "LIGHTCURVE",
    "N_LC_NONPERIODIC",
    "N_LC_PERIODIC",
    "OBJECT_BANDS",
    "SAMPLE",
    "Column",
    "SchemaError",
    "TableSchema",
    "lc_feature_column",
    "object_table_schema",
    "validate",
]

#: Light-curve archives of the canonical long schema (SPEC §1).
ARCHIVES: tuple[str, ...] = (
    "sdss_s82",
    "ztf",
    "ps1",
    "gaia",
    "wise",
    "crts",
    "alerce",
    "tess",
    "kepler",
    "hcv",
)
#: Event-type sources: they go in the ``events`` table, never as fluxes.
EVENT_ARCHIVES: tuple[str, ...] = ("heasarc", "icecube")

#: Object-table bands (LSE-163 order).
OBJECT_BANDS: tuple[str, ...] = ("u", "g", "r", "i", "z", "y")
N_LC_NONPERIODIC = 29
N_LC_PERIODIC = 33


class SchemaError(ValueError):
    """A table does not satisfy its contract.

    The message names the table (or file), the column and, where one row is at fault,
    the 1-based row number.
    """


@dataclass(frozen=True)
class Column:
    """One column of a table contract.

    Parameters
    ----------
    name
        Column name.
    dtype
        Arrow type of the column.
    unit
        Physical unit ("" for dimensionless or not applicable).
    description
        One-line meaning, written into the Parquet field metadata.
    nullable
        Whether missing values (null / NaN) are allowed.
    min, max
        Optional inclusive bounds checked on non-missing values.
    """

    name: str
    dtype: pa.DataType
    unit: str = ""
    description: str = ""
    nullable: bool = True
    min: float | None = None
    max: float | None = None

    def arrow_field(self) -> pa.Field:
        """The Arrow field, with ``unit`` and ``description`` as field metadata."""
        meta = {"unit": self.unit, "description": self.description}
        return pa.field(self.name, self.dtype, nullable=self.nullable, metadata=meta)


@dataclass(frozen=True)
class TableSchema:
    """An ordered set of columns with a name and an optional unique key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default_factory=tuple)
    description: str = ""

    @property
    def names(self) -> list[str]:
        """Column names in contract order."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def arrow_schema(self) -> pa.Schema:
        """The Arrow schema with per-field unit metadata."""
        return pa.schema([c.arrow_field() for c in self.columns])

    def empty(self) -> pd.DataFrame:
        """An empty DataFrame with the contract's columns and dtypes."""
        return self.arrow_schema().empty_table().to_pandas()


_STR = pa.string()
_LIST_STR = pa.list_(pa.string())

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


def lc_feature_column(kind: str, index: int, band: str) -> str:
    """Object-table name of one light-curve feature, e.g. ``lcNonPeriodic[23]_g``.

    Parameters
    ----------
    kind
        ``"lcNonPeriodic"`` or ``"lcPeriodic"``.
    index
        Feature index (0..28 for lcNonPeriodic, 0..32 for lcPeriodic).
    band
        One-letter object-table band.
    """
    limit = {"lcNonPeriodic": N_LC_NONPERIODIC, "lcPeriodic": N_LC_PERIODIC}[kind]
    if not 0 <= index < limit:
        raise ValueError(f"{kind} index {index} outside 0..{limit - 1}")
    return f"{kind}[{index}]_{band}"


def object_table_schema(
    bands: tuple[str, ...] = OBJECT_BANDS,
    lc_bands: tuple[str, ...] = OBJECT_BANDS,
    with_field: bool = False,
) -> TableSchema:
    """The LSST-style (LSE-163, flattened) Object table contract of SPEC §4.

    Parameters
    ----------
    bands
        Photometric bands of the flux/mag columns.
    lc_bands
        Bands of the ``lcPeriodic``/``lcNonPeriodic`` columns.
    with_field
        Add the ``field`` column (``s82``/``xmmlss``) of the merged table.
    """
    f64 = pa.float64()
    cols: list[Column] = [
        Column("objectId", pa.int64(), "", "Object id (the sample's objectid)", False),
        Column("ra", f64, "deg", "Right ascension (ICRS)", False, 0.0, 360.0),
        Column("dec", f64, "deg", "Declination (ICRS)", False, -90.0, 90.0),
        Column("psPm_ra", f64, "mas/yr", "Proper motion in RA*cos(dec) (Gaia EDR3, else NSC DR2)"),
        Column("psPm_dec", f64, "mas/yr", "Proper motion in Dec (Gaia EDR3, else NSC DR2)"),
        Column("psParallax", f64, "mas", "Parallax (Gaia EDR3)"),
        Column("pmSource", _STR, "", "Catalogue of the proper motion: gaia_edr3, nsc_dr2 or null"),
    ]
    for prefix, what in (("ps", "point-source (PSF)"), ("bd", "extended-source (model/auto)")):
        for b in bands:
            cols.append(Column(f"{prefix}Flux_{b}", f64, "nJy", f"{what} flux, {b} band"))
            cols.append(Column(f"{prefix}FluxErr_{b}", f64, "nJy", f"{what} flux error, {b}", min=0.0))
    for prefix, what in (("ps", "point-source (PSF)"), ("bd", "extended-source (model/auto)")):
        for b in bands:
            cols.append(Column(f"{prefix}Mag_{b}", f64, "mag", f"{what} AB magnitude, {b} band"))
            cols.append(Column(f"{prefix}MagErr_{b}", f64, "mag", f"{what} AB mag error, {b}", min=0.0))
    for b in bands:
        cols.append(Column(f"extendedness_{b}", f64, "", f"0 point-like .. 1 extended, {b}", min=0.0, max=1.0))
    for i, (b1, b2) in enumerate(itertools.pairwise(bands)):
        cols.append(Column(f"stdColor_{i}", f64, "mag", f"{b1}-{b2} colour from fluxes"))
        cols.append(Column(f"stdColorErr_{i}", f64, "mag", f"{b1}-{b2} colour error", min=0.0))
    cols += [
        Column("class", _STR, "", "Star, Gal, Qso, highZQso or Agn (spectroscopic), else null"),
        Column("z", f64, "", "Spectroscopic redshift"),
        Column("photoZ_pest", f64, "", "Photometric redshift point estimate"),
    ]
    for b in bands:
        cols.append(Column(f"flags_{b}", pa.int64(), "", f"Photometry flags, {b} band"))
        cols.append(Column(f"photSource_{b}", _STR, "", f"Catalogue that filled the {b} photometry"))
    from agnlc.featuredefs import NONPERIODIC, PERIODIC

    for kind, defs in (("lcPeriodic", PERIODIC), ("lcNonPeriodic", NONPERIODIC)):
        for k in range(len(defs)):
            name, unit, definition = defs[k]
            for b in lc_bands:
                cols.append(Column(lc_feature_column(kind, k, b), f64, unit, f"{name}, {b} band: {definition}"))
    if with_field:
        cols.append(Column("field", _STR, "", "Field the row comes from: s82 or xmmlss", False))
    return TableSchema(
        name="object_table",
        description="LSST-style Object table (LSE-163 names, flattened array columns)",
        key=("objectId",),
        columns=tuple(cols),
    )


def _is_missing(values: pd.Series) -> np.ndarray:
    return values.isna().to_numpy()


def _coerce(series: pd.Series, col: Column, where: str) -> pd.Series:
    """Cast ``series`` to the column's Arrow type via pandas, naming the first bad row."""
    t = col.dtype
    try:
        if pa.types.is_floating(t):
            out = pd.to_numeric(series, errors="raise").astype("float32" if t == pa.float32() else "float64")
        elif pa.types.is_integer(t):
            num = pd.to_numeric(series, errors="raise")
            if num.isna().any():
                if not col.nullable:
                    raise ValueError("missing value")
                out = num.astype("Int64")
            else:
                if not np.all(np.isfinite(num.to_numpy(dtype="float64"))) or not np.all(
                    num.to_numpy(dtype="float64") == np.round(num.to_numpy(dtype="float64"))
                ):
                    raise ValueError("non-integer value")
                out = num.astype("int64")
        elif pa.types.is_boolean(t):
            if series.dtype == bool:
                out = series
            else:
                uniq = set(pd.unique(series.dropna()))
                if not uniq <= {True, False}:
                    raise ValueError("non-boolean value")
                out = series.astype(bool)
        else:
            out = series
    except (ValueError, TypeError) as exc:
        bad = _first_bad_row(series, t)
        raise SchemaError(f"{where}: column '{col.name}' row {bad}: cannot convert to {t} ({exc})") from None
    return out


def _first_bad_row(series: pd.Series, t: pa.DataType) -> int | str:
    if pa.types.is_floating(t) or pa.types.is_integer(t):
        num = pd.to_numeric(series, errors="coerce")
        bad = np.flatnonzero(num.isna().to_numpy() & ~series.isna().to_numpy())
        if len(bad) == 0:
            bad = np.flatnonzero(series.isna().to_numpy())
        return int(bad[0]) + 1 if len(bad) else "?"
    return "?"


def validate(df: pd.DataFrame, schema: TableSchema, where: str | None = None) -> pd.DataFrame:
    """Check ``df`` against ``schema`` and return it with contract column order and dtypes.

    Parameters
    ----------
    df
        The table to check.
    schema
        Its contract.
    where
        Name used in error messages (a file path, or the rule); defaults to the schema name.

    Returns
    -------
    pandas.DataFrame
        The columns of ``schema`` in order, cast to the contract dtypes. Extra columns are an
        error (a contract is closed).

    Raises
    ------
    SchemaError
        Missing or extra columns, uncastable values, missing values in a non-nullable column,
        values outside the column bounds, or a duplicated key. The message names the column
        and the first offending (1-based) row.
    """
    where = where or schema.name
    missing = [c for c in schema.names if c not in df.columns]
    if missing:
        raise SchemaError(f"{where}: missing column(s) {missing} (contract '{schema.name}')")
    extra = [c for c in df.columns if c not in schema.names]
    if extra:
        raise SchemaError(f"{where}: unexpected column(s) {extra} (contract '{schema.name}')")
    out = {}
    for col in schema.columns:
        s = _coerce(df[col.name], col, where)
        miss = _is_missing(s) if not pa.types.is_list(col.dtype) else s.isna().to_numpy()
        if not col.nullable and miss.any():
            row = int(np.flatnonzero(miss)[0]) + 1
            raise SchemaError(f"{where}: column '{col.name}' row {row}: missing value not allowed")
        if (col.min is not None or col.max is not None) and (
            pa.types.is_floating(col.dtype) or pa.types.is_integer(col.dtype)
        ):
            v = s.to_numpy(dtype="float64", na_value=np.nan)
            ok = np.isnan(v)
            inside = np.ones(len(v), dtype=bool)
            if col.min is not None:
                inside &= v >= col.min
            if col.max is not None:
                inside &= v <= col.max
            bad = ~(ok | inside)
            if bad.any():
                row = int(np.flatnonzero(bad)[0]) + 1
                raise SchemaError(
                    f"{where}: column '{col.name}' row {row}: value {float(v[row - 1])!r} "
                    f"outside [{col.min}, {col.max}]"
                )
        out[col.name] = s.reset_index(drop=True)
    result = pd.DataFrame(out)
    if schema.key:
        dup = result.duplicated(list(schema.key), keep="first").to_numpy()
        if dup.any():
            row = int(np.flatnonzero(dup)[0]) + 1
            raise SchemaError(f"{where}: duplicate key {list(schema.key)} at row {row}")
    return result
