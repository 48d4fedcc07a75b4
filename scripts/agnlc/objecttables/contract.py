"""The Object-table contract (LSE-163 names, flattened) and its column sources."""

from __future__ import annotations

import itertools

import pyarrow as pa

from agnlc.core.tables import STR as _STR
from agnlc.core.tables import Column, TableSchema
from agnlc.features.definitions import NONPERIODIC, PERIODIC, lc_feature_column

__all__ = ["COLUMN_SOURCES", "MERGED_SCHEMA", "OBJECT_BANDS", "S82_SCHEMA", "object_table_schema", "schema_document"]

#: Object-table bands (LSE-163 order).
OBJECT_BANDS: tuple[str, ...] = ("u", "g", "r", "i", "z", "y")


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
    for kind, defs in (("lcPeriodic", PERIODIC), ("lcNonPeriodic", NONPERIODIC)):
        for k in range(len(defs)):
            name, unit, definition = defs[k]
            for b in lc_bands:
                cols.append(Column(lc_feature_column(kind, k, b), f64, unit, f"{name}, {b} band: {definition}"))
    for b in lc_bands:  # our quantity under its own name: lcNonPeriodic[27] is the challenge's β₀
        desc = f"DRW rms amplitude σ = SF∞/sqrt(2), {b} band: β₀ sqrt(τ/2) of lcNonPeriodic[27], [28]"
        cols.append(Column(f"drwSigmaRms_{b}", f64, "mag", desc))
    if with_field:
        cols.append(Column("field", _STR, "", "Field the row comes from: s82 or xmmlss", False))
    return TableSchema(
        name="object_table",
        description="LSST-style Object table (LSE-163 names, flattened array columns)",
        key=("objectId",),
        columns=tuple(cols),
    )


S82_SCHEMA: TableSchema = object_table_schema()
MERGED_SCHEMA: TableSchema = object_table_schema(with_field=True)


#: (column-name prefix, rule that fills it, where the values come from), first match wins.
COLUMN_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("objectId", "targets", "the sample's objectid (HEALPix order-29 index of ra, dec)"),
    ("ra", "targets", "the sample's position"),
    ("dec", "targets", "the sample's position"),
    ("psPm_", "objecttable_shard", "Gaia EDR3 pmra/pmdec, else NSC DR2 pmra/pmdec"),
    ("psParallax", "objecttable_shard", "Gaia EDR3 parallax"),
    ("pmSource", "objecttable_shard", "gaia_edr3, nsc_dr2 or null: the catalogue of psPm_ra/dec"),
    ("psFlux", "objecttable_shard", "PSF flux: DES WAVG_MAG_PSF, else S82 coadd, else DR16 psfMag (asinh->AB)"),
    ("bdFlux", "objecttable_shard", "extended flux: DES MAG_AUTO, else S82 coadd, else DR16 modelMag"),
    ("psMag", "objecttable_shard", "AB magnitude of psFlux"),
    ("bdMag", "objecttable_shard", "AB magnitude of bdFlux"),
    ("extendedness_", "objecttable_shard", "1 - CLASS_STAR (DES) or 1 - probPSF (SDSS), same source as psFlux"),
    ("stdColor", "objecttable_shard", "-2.5 log10 of adjacent-band psFlux ratios, errors from flux errors"),
    ("class", "objecttable_shard", "SDSS DR16 spectra class (QSO z >= 3: highZQso; zWarning: null)"),
    ("z", "objecttable_shard", "SDSS DR16 spectroscopic redshift"),
    ("photoZ_pest", "objecttable_shard", "SDSS DR16 photo-z (XMM-SERVS in the XMM-LSS table)"),
    ("flags_", "objecttable_shard", "photometry flags of the catalogue that filled the band"),
    ("photSource_", "objecttable_shard", "name of the catalogue that filled the band"),
    ("lcPeriodic[", "features", "agnlc.features.definitions.PERIODIC, on the band's light curve in magnitudes"),
    ("lcNonPeriodic[", "features", "agnlc.features.definitions.NONPERIODIC, on the band's light curve in magnitudes"),
    ("drwSigmaRms_", "features", "agnlc.features.gpfit.fit_drw, on the band's light curve in magnitudes"),
    ("field", "objecttable", "s82 or xmmlss (XMM-LSS rows: u CFHTLS, grizy HSC, photo-z XMM-SERVS)"),
)


def schema_document(schema: TableSchema = MERGED_SCHEMA) -> dict[str, object]:
    """The Object-table contract as a plain document: column, dtype, unit, description, source rule.

    ``workflow/schemas/objecttable.schema.yaml`` is this document (a test keeps them equal).
    """
    cols = []
    for c in schema.columns:
        rule, source = next((r, s) for p, r, s in COLUMN_SOURCES if c.name == p or c.name.startswith(p))
        cols.append(
            {
                "name": c.name,
                "dtype": str(c.dtype),
                "unit": c.unit,
                "nullable": c.nullable,
                "description": c.description,
                "rule": rule,
                "source": source,
            }
        )
    return {
        "title": "ObjectTable.parquet (and s82ObjectTable.parquet without 'field')",
        "description": schema.description,
        "generated_from": "agnlc.objecttables.contract.schema_document (python -m agnlc schema objecttable)",
        "n_columns": len(cols),
        "columns": cols,
    }
