"""Stripe 82 Object-table rows in LSST (LSE-163, flattened) column names, and the merge.

Filled so far, for the SDSS bands from the SDSS Stripe 82 coadd:

* ``psFlux_{b}, psFluxErr_{b}``: PSF asinh magnitude to AB flux (nJy), SDSS→AB offsets applied
  in flux space; ``psMag_{b}, psMagErr_{b}``: the AB magnitude of that flux (NaN for
  non-positive flux), error ``a σ_f / f``;
* ``bdFlux/bdMag``: the same from ``modelMag``;
* ``extendedness_{b} = 1 - probPSF_{b}``;
* ``stdColor_k``/``stdColorErr_k`` from the PSF fluxes of adjacent bands;
* ``flags_{b}`` (the coadd's ``flags``) and ``photSource_{b}`` (``sdss_s82_coadd``);
* ``lcNonPeriodic[k]_{b}`` from the features stage.

Every other contract column is present and NaN (null) until its source is added; a target
without a catalogue match keeps NaNs and ``photSource_{b}`` null, never zeros.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from agnlc.footprint import in_s82
from agnlc.photometry import colour, flux_to_ab_mag, sdss_asinh_to_ab_flux
from agnlc.schema import OBJECT_BANDS, TableSchema, object_table_schema

__all__ = ["COLUMN_SOURCES", "MERGED_SCHEMA", "S82_SCHEMA", "merge_tables", "s82_rows", "schema_document"]

S82_SCHEMA: TableSchema = object_table_schema()
MERGED_SCHEMA: TableSchema = object_table_schema(with_field=True)
SDSS_BANDS = ("u", "g", "r", "i", "z")


def _empty_rows(schema: TableSchema, n: int) -> dict[str, object]:
    cols: dict[str, object] = {}
    for c in schema.columns:
        t = str(c.dtype)
        if t.startswith("double") or t.startswith("float"):
            cols[c.name] = np.full(n, np.nan)
        elif t == "string":
            cols[c.name] = pd.array([None] * n, dtype="string")
        elif t.startswith("int"):
            cols[c.name] = pd.array([None] * n, dtype="Int64")
        else:
            cols[c.name] = [None] * n
    return cols


def s82_rows(targets: pd.DataFrame, coadd: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    """Object-table rows of one shard (targets inside the Stripe 82 footprint only).

    Parameters
    ----------
    targets
        The shard's targets.
    coadd
        :func:`agnlc.catalogs.match_s82_coadd` output.
    features
        The shard's features (``objectid`` + ``lcNonPeriodic[k]_{b}`` columns).
    """
    t = targets[in_s82(targets["ra"].to_numpy(), targets["dec"].to_numpy())].reset_index(drop=True)
    n = len(t)
    cols = _empty_rows(S82_SCHEMA, n)
    cols["objectId"] = t["objectid"].to_numpy(dtype=np.int64)
    cols["ra"] = t["ra"].to_numpy()
    cols["dec"] = t["dec"].to_numpy()
    df = pd.DataFrame(cols)
    m = coadd.set_index("objectid").reindex(df["objectId"])
    has = m["cat_id"].notna().to_numpy()
    for b in SDSS_BANDS:
        for src, pref in (("psfMag", "ps"), ("modelMag", "bd")):
            f, e = sdss_asinh_to_ab_flux(m[f"{src}_{b}"].to_numpy(float), m[f"{src}Err_{b}"].to_numpy(float), b)
            mag, mag_err = flux_to_ab_mag(f, e)
            df[f"{pref}Flux_{b}"] = f
            df[f"{pref}FluxErr_{b}"] = e
            df[f"{pref}Mag_{b}"] = mag
            df[f"{pref}MagErr_{b}"] = mag_err
        df[f"extendedness_{b}"] = 1.0 - m[f"probPSF_{b}"].to_numpy(float)
        df[f"flags_{b}"] = pd.array(np.where(has, m["flags"].to_numpy(float), np.nan), dtype="Float64").astype("Int64")
        df[f"photSource_{b}"] = pd.array(np.where(has, "sdss_s82_coadd", None), dtype="string")
    for k, (b1, b2) in enumerate(itertools.pairwise(OBJECT_BANDS)):
        c, ce = colour(df[f"psFlux_{b1}"], df[f"psFluxErr_{b1}"], df[f"psFlux_{b2}"], df[f"psFluxErr_{b2}"])
        df[f"stdColor_{k}"] = c
        df[f"stdColorErr_{k}"] = ce
    feat = features.set_index("objectid").reindex(df["objectId"])
    for c in feat.columns:
        if c.startswith("lcNonPeriodic[") or c.startswith("lcPeriodic["):
            df[c] = feat[c].to_numpy(float)
    return df[S82_SCHEMA.names]


def merge_tables(s82: pd.DataFrame, xmmlss: pd.DataFrame) -> pd.DataFrame:
    """The merged ObjectTable: XMM-LSS rows plus the Stripe 82 rows without an XMM-LSS counterpart.

    So far the XMM-LSS table is empty (its catalogues are not mirrored yet); the matching of
    XMM-LSS to Stripe 82 sources arrives with them.
    """
    a = s82.assign(field="s82")
    b = xmmlss.assign(field="xmmlss")
    frames = [f for f in (b, a) if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else a
    return out.sort_values("objectId", kind="stable").reset_index(drop=True)[MERGED_SCHEMA.names]


#: (column-name prefix, rule that fills it, where the values come from), first match wins.
COLUMN_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("objectId", "targets", "the sample's objectid (HEALPix order-29 index of ra, dec)"),
    ("ra", "targets", "the sample's position"),
    ("dec", "targets", "the sample's position"),
    ("psPm_", "objecttable_s82_shard", "Gaia EDR3, else NSC DR2 (not yet filled: NaN)"),
    ("psParallax", "objecttable_s82_shard", "Gaia EDR3 (not yet filled: NaN)"),
    ("psFlux", "objecttable_s82_shard", "PSF photometry: S82 coadd psfMag (asinh, SDSS->AB in flux space)"),
    ("bdFlux", "objecttable_s82_shard", "extended photometry: S82 coadd modelMag"),
    ("psMag", "objecttable_s82_shard", "AB magnitude of psFlux"),
    ("bdMag", "objecttable_s82_shard", "AB magnitude of bdFlux"),
    ("extendedness_", "objecttable_s82_shard", "1 - probPSF (SDSS)"),
    ("stdColor", "objecttable_s82_shard", "-2.5 log10 of adjacent-band psFlux ratios, errors from flux errors"),
    ("class", "objecttable_s82_shard", "SDSS spectroscopic class (not yet filled: null)"),
    ("z", "objecttable_s82_shard", "SDSS spectroscopic redshift (not yet filled: NaN)"),
    ("photoZ_pest", "objecttable_s82_shard", "SDSS DR16 photo-z / XMM-SERVS (not yet filled: NaN)"),
    ("flags_", "objecttable_s82_shard", "photometry flags of the catalogue that filled the band"),
    ("photSource_", "objecttable_s82_shard", "name of the catalogue that filled the band"),
    ("lcPeriodic[", "features", "agnlc.featuredefs.PERIODIC, on the band's light curve in magnitudes"),
    ("lcNonPeriodic[", "features", "agnlc.featuredefs.NONPERIODIC, on the band's light curve in magnitudes"),
    ("field", "objecttable", "s82 or xmmlss"),
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
        "generated_from": "agnlc.objecttable.schema_document (python -m agnlc schema objecttable)",
        "n_columns": len(cols),
        "columns": cols,
    }
