import numpy as np
import pandas as pd

from agnlc.objecttable import MERGED_SCHEMA, S82_SCHEMA, merge_tables, s82_rows
from agnlc.photometry import sdss_asinh_to_ab_flux
from agnlc.schema import validate


def _coadd(oid):
    row = {"objectid": oid, "cat_id": 99, "sep_arcsec": 0.1, "run": 106, "flags": 0, "type": 6}
    for i, b in enumerate("ugriz"):
        row |= {
            f"psfMag_{b}": 20.0 + i * 0.1,
            f"psfMagErr_{b}": 0.05,
            f"modelMag_{b}": 19.9 + i * 0.1,
            f"modelMagErr_{b}": 0.05,
            f"probPSF_{b}": 1.0,
        }
    return pd.DataFrame([row])


def test_rows_follow_the_rules_and_nan_without_match():
    targets = pd.DataFrame({"objectid": [1, 2, 3], "ra": [10.0, 11.0, 70.0], "dec": [0.0, 0.5, 0.0]})
    feats = pd.DataFrame({"objectid": [1, 2, 3], "lcNonPeriodic[18]_g": [0.1, np.nan, 0.3]})
    rows = validate(s82_rows(targets, _coadd(1), feats), S82_SCHEMA)
    assert list(rows["objectId"]) == [1, 2]  # RA 70 is outside Stripe 82
    r = rows.set_index("objectId")
    f, e = sdss_asinh_to_ab_flux(20.0, 0.05, "u")
    assert r.loc[1, "psFlux_u"] == f and r.loc[1, "psFluxErr_u"] == e
    assert r.loc[1, "psMag_u"] == -2.5 * np.log10(f / 3631e9)
    assert r.loc[1, "extendedness_g"] == 0.0
    assert r.loc[1, "photSource_g"] == "sdss_s82_coadd"
    assert np.isclose(r.loc[1, "stdColor_0"], -2.5 * np.log10(r.loc[1, "psFlux_u"] / r.loc[1, "psFlux_g"]))
    assert np.isnan(r.loc[1, "stdColor_4"])  # no y band yet
    assert r.loc[1, "lcNonPeriodic[18]_g"] == 0.1
    # no catalogue match: NaN and null, never zeros
    assert np.isnan(r.loc[2, "psFlux_g"]) and pd.isna(r.loc[2, "photSource_g"]) and pd.isna(r.loc[2, "flags_g"])


def test_merge_adds_field():
    targets = pd.DataFrame({"objectid": [1], "ra": [10.0], "dec": [0.0]})
    s82 = s82_rows(targets, _coadd(1), pd.DataFrame({"objectid": [1]}))
    merged = validate(merge_tables(s82, S82_SCHEMA.empty()), MERGED_SCHEMA)
    assert list(merged["field"]) == ["s82"]


def test_shipped_schema_file_matches_the_contract():
    from pathlib import Path

    import yaml

    from agnlc.objecttable import MERGED_SCHEMA, schema_document

    path = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "objecttable.schema.yaml"
    doc = yaml.safe_load(path.read_text())
    assert doc == schema_document(), "regenerate with: PYTHONPATH=scripts python -m agnlc schema objecttable"
    cols = {c["name"]: c for c in doc["columns"]}
    assert list(cols) == MERGED_SCHEMA.names
    assert cols["psFlux_g"]["unit"] == "nJy" and cols["lcNonPeriodic[28]_g"]["unit"] == "d"
    assert cols["lcNonPeriodic[27]_r"]["description"].startswith("drw_sigma")
    assert all(c["rule"] and c["source"] for c in doc["columns"])
