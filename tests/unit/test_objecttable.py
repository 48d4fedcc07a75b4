import numpy as np
import pandas as pd
import pytest

from agnlc.core.tables import validate
from agnlc.objecttables.contract import MERGED_SCHEMA, S82_SCHEMA
from agnlc.objecttables.merge import merge_tables
from agnlc.objecttables.rows import s82_rows
from agnlc.sky.photometry import sdss_asinh_to_ab_flux


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

    from agnlc.objecttables.contract import MERGED_SCHEMA, schema_document

    path = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "objecttable.schema.yaml"
    doc = yaml.safe_load(path.read_text())
    assert doc == schema_document(), "regenerate with: .venv/bin/python -m agnlc schema objecttable"
    cols = {c["name"]: c for c in doc["columns"]}
    assert list(cols) == MERGED_SCHEMA.names
    assert cols["psFlux_g"]["unit"] == "nJy" and cols["lcNonPeriodic[28]_g"]["unit"] == "d"
    assert cols["lcNonPeriodic[27]_r"]["description"].startswith("drw_sigma")
    assert all(c["rule"] and c["source"] for c in doc["columns"])


def _des(oid, g_mag=19.5, with_y=True):
    row = {"objectid": oid, "cat_id": "7", "sep_arcsec": 0.05}
    for b in "GRIZY":
        mag = g_mag if b == "G" else 99.0 if (b == "Y" and not with_y) else 19.0
        row |= {
            f"WAVG_MAG_PSF_{b}": mag,
            f"WAVG_MAGERR_PSF_{b}": 0.02,
            f"MAG_AUTO_{b}": mag - 0.1,
            f"MAGERR_AUTO_{b}": 0.03,
            f"CLASS_STAR_{b}": 0.9,
            f"FLAGS_{b}": 4 if b == "G" else 0,
        }
    return pd.DataFrame([row])


def test_photometry_precedence_des_then_coadd_then_dr16():
    from agnlc.sky.photometry import ab_mag_to_flux

    targets = pd.DataFrame({"objectid": [1, 2, 3], "ra": [10.0, 11.0, 12.0], "dec": [0.0, 0.5, -0.5]})
    dr16 = pd.concat([_coadd(2), _coadd(3)], ignore_index=True).assign(photoz=[np.nan, 0.42], photozErr=0.05)
    dr16.loc[:, [f"psfMag_{b}" for b in "ugriz"]] += 1.0  # distinguishable from the coadd
    cats = {"des_dr2": _des(1, with_y=False), "sdss_dr16": dr16}
    r = validate(s82_rows(targets, _coadd(1), pd.DataFrame({"objectid": [1, 2, 3]}), cats), S82_SCHEMA)
    r = r.set_index("objectId")
    # object 1: DES for griz (y is the 99 sentinel -> not filled), the coadd for u
    assert [r.loc[1, f"photSource_{b}"] for b in "ugriz"] == ["sdss_s82_coadd"] + ["des_dr2"] * 4
    assert pd.isna(r.loc[1, "photSource_y"])
    f, e = ab_mag_to_flux(19.5, 0.02, error_form="linear")
    assert r.loc[1, "psFlux_g"] == f and r.loc[1, "psFluxErr_g"] == e
    assert np.isclose(r.loc[1, "extendedness_g"], 0.1) and r.loc[1, "flags_g"] == 4
    assert np.isnan(r.loc[1, "psFlux_y"])
    # object 2: no DES, no coadd -> DR16 (its psfMag is 1 mag fainter than the coadd values)
    assert r.loc[2, "photSource_r"] == "sdss_dr16"
    f, _ = sdss_asinh_to_ab_flux(21.2, 0.05, "r")
    assert np.isclose(r.loc[2, "psFlux_r"], f)
    assert r.loc[3, "photoZ_pest"] == 0.42 and np.isnan(r.loc[2, "photoZ_pest"])


def test_spectroscopic_class_and_proper_motion():
    from agnlc.objecttables.rows import spec_class

    cls = pd.Series(["QSO", "QSO", "GALAXY", "GALAXY", "STAR", "QSO"])
    sub = pd.Series(["", "BROADLINE", "AGN", "", "F5", ""])
    z = pd.Series([1.2, 3.4, 0.1, 0.2, 0.0, 2.0])
    warn = pd.Series([0, 0, 0, 0, 0, 4])
    got = spec_class(cls, sub, z, warn).tolist()
    assert got[:5] == ["Qso", "highZQso", "Agn", "Gal", "Star"] and pd.isna(got[5])
    targets = pd.DataFrame({"objectid": [1], "ra": [10.0], "dec": [0.0]})
    spec = pd.DataFrame(
        {
            "objectid": [1],
            "cat_id": ["5"],
            "sep_arcsec": [0.1],
            "class": ["QSO"],
            "subClass": [""],
            "z": [1.5],
            "zErr": [0.001],
            "zWarning": [0],
        }
    )
    nsc = pd.DataFrame(
        {
            "objectid": [1],
            "cat_id": ["n"],
            "sep_arcsec": [0.1],
            "pmra": [3.0],
            "pmdec": [-2.0],
            "pmraerr": [0.5],
            "pmdecerr": [0.5],
            "gmag": [20.0],
            "class_star": [0.9],
        }
    )
    r = s82_rows(targets, _coadd(1), pd.DataFrame({"objectid": [1]}), {"sdss_specobj": spec, "nsc_dr2": nsc})
    assert r.loc[0, "class"] == "Qso" and r.loc[0, "z"] == 1.5
    assert (r.loc[0, "psPm_ra"], r.loc[0, "psPm_dec"]) == (3.0, -2.0)


def test_xmmlss_rows_cfhtls_u_hsc_grizy_and_servs_photoz():
    from agnlc.objecttables.rows import xmmlss_rows
    from agnlc.sky.photometry import ab_mag_to_flux

    targets = pd.DataFrame({"objectid": [5, 6, 7], "ra": [35.0, 36.0, 10.0], "dec": [-5.0, -4.5, 0.0]})
    cf = pd.DataFrame(
        {
            "objectid": [5],
            "cat_id": ["c"],
            "sep_arcsec": [0.1],
            "uap3": [21.0],
            "e_uap3": [0.05],
            "uauto": [20.8],
            "e_uauto": [0.06],
            "cl_u": [0.98],
        }
    )
    hsc = {"objectid": [5, 6], "cat_id": ["h5", "h6"], "sep_arcsec": [0.1, 0.2]}
    for b in "grizy":
        hsc |= {
            f"{b}_base_PsfFlux_instFlux": [1000.0, 50.0],
            f"{b}_base_PsfFlux_instFluxErr": [10.0, 5.0],
            f"{b}_base_GaussianFlux_instFlux": [1100.0, 60.0],
            f"{b}_base_GaussianFlux_instFluxErr": [11.0, 6.0],
            f"{b}_base_ClassificationExtendedness_value": [0.0, 1.0],
            f"{b}_base_PixelFlags_flag_saturated": [0, 0],
        }
    servs = pd.DataFrame(
        {
            "objectid": [5],
            "cat_id": ["x"],
            "sep_arcsec": [0.5],
            "flux_05_10": [1e-14],
            "zphot": [1.7],
            "zspec": [np.nan],
        }
    )
    dr16 = pd.DataFrame({"objectid": [5, 6], "cat_id": ["a", "b"], "sep_arcsec": [0.1, 0.1], "photoz": [0.3, 0.4]})
    cats = {"cfhtls_w": cf, "hsc": pd.DataFrame(hsc), "xmm_servs": servs, "sdss_dr16": dr16}
    r = validate(xmmlss_rows(targets, cats), S82_SCHEMA).set_index("objectId")
    assert list(r.index) == [5, 6]  # RA 10 is not in XMM-LSS
    f, e = ab_mag_to_flux(21.0, 0.05, error_form="linear")
    assert r.loc[5, "psFlux_u"] == f and r.loc[5, "psFluxErr_u"] == e and np.isclose(r.loc[5, "extendedness_u"], 0.02)
    assert r.loc[5, "bdFlux_g"] == 1100.0 and r.loc[6, "extendedness_r"] == 1.0
    assert (
        r.loc[5, "photSource_u"] == "cfhtls_w"
        and pd.isna(r.loc[6, "photSource_u"])
        and r.loc[6, "photSource_y"] == "hsc"
    )
    assert np.isclose(r.loc[5, "psMag_i"], -2.5 * np.log10(1000.0 / 3631e9))
    assert r.loc[5, "photoZ_pest"] == 1.7 and r.loc[6, "photoZ_pest"] == 0.4  # XMM-SERVS first, else DR16
    assert np.isnan(r.loc[5, "lcNonPeriodic[28]_g"])


def test_merge_drops_s82_rows_matched_to_xmmlss():
    s82 = pd.DataFrame(_empty_rows_like(3))
    s82["objectId"], s82["ra"], s82["dec"] = [1, 2, 3], [35.0, 36.0, 10.0], [-5.0, -4.5, 0.0]
    xmm = pd.DataFrame(_empty_rows_like(2))
    xmm["objectId"], xmm["ra"], xmm["dec"] = [11, 12], [35.0 + 0.5 / 3600, 36.0 + 5 / 3600], [-5.0, -4.5]
    merged = validate(merge_tables(s82, xmm, radius_arcsec=1.0), MERGED_SCHEMA)
    assert list(merged["objectId"]) == [2, 3, 11, 12]  # S82 object 1 has a counterpart 0.5" away
    assert list(merged["field"]) == ["s82", "s82", "xmmlss", "xmmlss"]


def _empty_rows_like(n):
    from agnlc.objecttables.rows import _empty_rows

    return _empty_rows(S82_SCHEMA, n)


def _synthetic_s82(n, seed=3):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(_empty_rows_like(n))
    df["objectId"] = np.sort(rng.choice(10**9, n, replace=False))
    df["ra"], df["dec"] = rng.uniform(34, 37, n), rng.uniform(-6, -4, n)
    return df


def test_streamed_merge_equals_the_in_memory_merge(tmp_path):
    """Stripe 82 in batches of 7 rows against the whole XMM-LSS table: the same rows, sorted."""
    from agnlc.objecttables.merge import merge_stream

    s82 = _synthetic_s82(100)
    xmm = pd.DataFrame(_empty_rows_like(12))
    pick = np.arange(0, 100, 9)[:11]
    xmm["objectId"] = np.r_[s82["objectId"].to_numpy()[pick[:5]] + 1, s82["objectId"].to_numpy()[pick[5:]], 2 * 10**9]
    xmm["ra"] = np.r_[s82["ra"].to_numpy()[pick] + 0.3 / 3600, 36.0]
    xmm["dec"] = np.r_[s82["dec"].to_numpy()[pick], -5.0]
    whole = merge_tables(s82, xmm, 1.0)
    parts = list(merge_stream((s82.iloc[i : i + 7] for i in range(0, 100, 7)), xmm, 1.0))
    streamed = pd.concat(parts, ignore_index=True)
    pd.testing.assert_frame_equal(streamed, whole)
    assert len(whole) == 100 - 11 + 12 and whole["objectId"].is_monotonic_increasing


def test_gather_writes_shard_by_shard_and_refuses_out_of_order_shards(tmp_path):
    from agnlc.core.io import read_metadata, read_table, table_writer
    from agnlc.objecttables.merge import gather_parts

    s82 = _synthetic_s82(30)
    paths = []
    for k, lo in enumerate((0, 10, 20)):
        p = tmp_path / f"{k}.parquet"
        s82.iloc[lo : lo + 10].iloc[::-1].to_parquet(p)  # each shard unsorted inside
        paths.append(p)
    out = tmp_path / "field.parquet"
    with table_writer(out, S82_SCHEMA, {"stage": "test"}) as write:
        assert gather_parts(paths, read_table, write) == 30
    back = read_table(out)
    assert list(back["objectId"]) == list(s82["objectId"]) and read_metadata(out) == {"stage": "test"}
    import pyarrow.parquet as pq

    assert pq.ParquetFile(out).metadata.num_row_groups == 3  # one row group per shard
    bad = tmp_path / "bad.parquet"
    with pytest.raises(ValueError, match=r"0.parquet: objectIds start at .*, not after the previous shard"):
        with table_writer(bad, S82_SCHEMA) as write:
            gather_parts([paths[1], paths[0]], read_table, write)
    assert not bad.exists()  # nothing half-written
