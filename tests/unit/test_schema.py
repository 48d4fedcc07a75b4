import numpy as np
import pandas as pd
import pytest

from agnlc.archives.contract import LIGHTCURVE
from agnlc.core.tables import SchemaError, validate
from agnlc.features.definitions import N_LC_NONPERIODIC, N_LC_PERIODIC, lc_feature_column
from agnlc.objecttables.contract import object_table_schema
from agnlc.samples.contract import SAMPLE


def _lc(n=3):
    return pd.DataFrame(
        {
            "objectid": np.arange(n),
            "archive": "sdss_s82",
            "band": "sdss_g",
            "mjd": 51000.0 + np.arange(n),
            "flux": 1.0,
            "flux_err": 0.1,
            "mag": np.float32(20.0),
            "mag_err": np.float32(0.1),
            "upper_limit": False,
            "source_id": "x",
            "match_sep_arcsec": np.float32(0.1),
            "flags": 0,
        }
    )


def test_valid_lightcurve_passes_and_keeps_order():
    out = validate(_lc(), LIGHTCURVE)
    assert list(out.columns) == LIGHTCURVE.names
    assert str(out["mag"].dtype) == "float32"


def test_missing_and_extra_columns_named():
    with pytest.raises(SchemaError, match=r"missing column\(s\) \['flags'\]"):
        validate(_lc().drop(columns="flags"), LIGHTCURVE, where="f.parquet")
    with pytest.raises(SchemaError, match="unexpected column"):
        validate(_lc().assign(extra=1), LIGHTCURVE)


def test_bad_value_names_column_and_row():
    df = _lc()
    df["mjd"] = df["mjd"].astype(object)
    df.loc[1, "mjd"] = "yesterday"
    with pytest.raises(SchemaError, match=r"f.parquet: column 'mjd' row 2"):
        validate(df, LIGHTCURVE, where="f.parquet")


def test_bounds_and_nulls():
    df = _lc()
    df.loc[2, "flux_err"] = -1.0
    with pytest.raises(SchemaError, match=r"column 'flux_err' row 3: value -1.0 outside"):
        validate(df, LIGHTCURVE)
    df = _lc()
    df.loc[0, "mjd"] = np.nan
    with pytest.raises(SchemaError, match=r"column 'mjd' row 1: missing value"):
        validate(df, LIGHTCURVE)


def test_duplicate_key():
    df = pd.DataFrame(
        {
            "objectid": [5, 5],
            "ra": [1.0, 2.0],
            "dec": [0.0, 0.0],
            "name": ["a", "b"],
            "labels": [["x"], ["y"]],
            "inputs": [["f"], ["f"]],
            "n_inputs": [1, 1],
        }
    )
    with pytest.raises(SchemaError, match=r"duplicate key \['objectid'\] at row 2"):
        validate(df, SAMPLE)


def test_units_in_arrow_metadata():
    field = LIGHTCURVE.arrow_schema().field("flux")
    assert field.metadata[b"unit"] == b"nJy"


def test_object_table_columns():
    s = object_table_schema()
    names = s.names
    assert names[:6] == ["objectId", "ra", "dec", "psPm_ra", "psPm_dec", "psParallax"]
    for b in "ugrizy":
        for p in (
            "psFlux",
            "psFluxErr",
            "bdFlux",
            "bdFluxErr",
            "psMag",
            "psMagErr",
            "bdMag",
            "bdMagErr",
            "extendedness",
            "flags",
            "photSource",
        ):
            assert f"{p}_{b}" in names
    assert [f"stdColor_{k}" for k in range(5)] == [n for n in names if n.startswith("stdColor_")]
    assert sum(n.startswith("lcNonPeriodic[") for n in names) == N_LC_NONPERIODIC * 6
    assert sum(n.startswith("lcPeriodic[") for n in names) == N_LC_PERIODIC * 6
    assert s.column("psFlux_g").unit == "nJy" and s.column("psPm_ra").unit == "mas/yr"
    assert "field" in object_table_schema(with_field=True).names
    assert len(set(names)) == len(names)


def test_feature_column_names():
    assert lc_feature_column("lcNonPeriodic", 23, "g") == "lcNonPeriodic[23]_g"
    with pytest.raises(ValueError):
        lc_feature_column("lcPeriodic", 33, "g")
