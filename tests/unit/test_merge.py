import json

import numpy as np
import pandas as pd
import pytest

from agnlc.archives.contract import LIGHTCURVE
from agnlc.core.io import write_table
from agnlc.merge.contract import LC_SUMMARY
from agnlc.merge.lightcurves import Calibration, MergeError, calibrate, merge_lightcurves, read_shard, summarise


def _lc(oid, mjds, archive="sdss_s82", band="sdss_g"):

    return pd.DataFrame(
        {
            "objectid": oid,
            "archive": archive,
            "band": band,
            "mjd": mjds,
            "flux": 1.0,
            "flux_err": 0.1,
            "mag": np.float32(20),
            "mag_err": np.float32(0.1),
            "upper_limit": False,
            "source_id": [f"s{m}" for m in mjds],
            "match_sep_arcsec": np.float32(0.1),
            "flags": 0,
        }
    )


def _status(archive, rows, status="ok"):
    return {
        "archive": archive,
        "status": status,
        "reason": "" if status == "ok" else "HTTP 503",
        "rows": rows,
        "release": "r",
        "transport": "mirror",
        "query_time": "t",
        "radius_arcsec": 1.0,
    }


def test_sorted_deduplicated_and_statuses_kept():
    a = pd.concat([_lc(2, [3.0, 1.0]), _lc(1, [5.0]), _lc(2, [3.0])], ignore_index=True)  # (2, 3.0) twice
    b = LIGHTCURVE.empty()
    merged, summary = merge_lightcurves([(a, _status("sdss_s82", 4)), (b, _status("ztf", 0, "error"))])
    assert list(zip(merged["objectid"], merged["mjd"], strict=True)) == [(1, 5.0), (2, 1.0), (2, 3.0)]
    assert summary["duplicates_dropped"] == 1
    assert summary["missing_archives"] == ["ztf"]
    assert summary["archives"]["ztf"]["reason"] == "HTTP 503"


def test_all_archives_missing_gives_empty_valid_table():
    merged, summary = merge_lightcurves([(LIGHTCURVE.empty(), _status("sdss_s82", 0, "error"))])
    assert len(merged) == 0 and list(merged.columns) == LIGHTCURVE.names
    assert summary["missing_archives"] == ["sdss_s82"]


def test_row_count_mismatch_and_truncation_detected(tmp_path):
    p, s = tmp_path / "x.parquet", tmp_path / "x.status.json"
    write_table(_lc(1, [1.0, 2.0]), p, LIGHTCURVE)
    s.write_text(json.dumps(_status("sdss_s82", 3)))
    with pytest.raises(MergeError, match="2 rows but its status record"):
        read_shard(p, s)
    s.write_text(json.dumps(_status("sdss_s82", 2)))
    assert len(read_shard(p, s)[0]) == 2
    p.write_bytes(p.read_bytes()[:100])
    with pytest.raises(MergeError, match="unreadable Parquet"):
        read_shard(p, s)


def _family_lc(oid, archive, band, mjds, flux):
    df = _lc(oid, mjds, archive=archive, band=band)
    df["flux"] = np.asarray(flux, float)
    df["flux_err"] = 0.01 * df["flux"]
    return df


def test_calibration_none_changes_nothing():
    df = pd.concat([_family_lc(1, "sdss_s82", "sdss_g", [1.0, 2.0], [100, 110])], ignore_index=True)
    out, applied = calibrate(df, Calibration("none"))
    pd.testing.assert_frame_equal(out, df)
    assert (applied["calib_kind"] == "none").all()


def test_median_offsets_align_each_band_to_the_reference():
    mjd = np.arange(10.0)
    ref = _family_lc(1, "sdss_s82", "sdss_g", mjd, 1000 + 50 * np.sin(mjd))
    ztf = _family_lc(1, "ztf", "ztf_g", mjd + 0.1, 800 + 50 * np.sin(mjd))  # same shape, 200 nJy fainter
    red = _family_lc(1, "ztf", "ztf_r", mjd, 500 + mjd)  # another family: reference of its own
    out, applied = calibrate(pd.concat([ref, ztf, red], ignore_index=True), Calibration("median"))
    a = applied.set_index(["archive", "band"])
    assert a.loc[("ztf", "ztf_g"), "calib_value"] == pytest.approx(200.0)
    assert a.loc[("ztf", "ztf_g"), "calib_reference"] == "sdss_g"
    assert a.loc[("sdss_s82", "sdss_g"), "calib_value"] == 0.0
    assert a.loc[("ztf", "ztf_r"), "calib_reference"] == "ztf_r"
    g = out[out["band"] == "ztf_g"]
    np.testing.assert_allclose(g["flux"], 1000 + 50 * np.sin(mjd))
    np.testing.assert_allclose(g["mag"], -2.5 * np.log10(g["flux"] / 3.631e12), atol=1e-5)


def test_crosscal_scale_from_epoch_pairs_and_min_pairs():
    mjd = np.arange(0.0, 20.0, 2.0)
    truth = 1000 + 300 * np.cos(mjd / 3)
    ref = _family_lc(1, "sdss_s82", "sdss_g", mjd, truth)
    ps1 = _family_lc(1, "ps1", "ps1_g", mjd + 0.3, truth / 1.1)  # 10 % low, paired within 0.3 d
    far = _family_lc(1, "ztf", "ztf_g", mjd[:2] + 0.5, truth[:2] / 0.9)  # only 2 pairs: left alone
    out, applied = calibrate(pd.concat([ref, ps1, far], ignore_index=True), Calibration("crosscal", min_pairs=3))
    a = applied.set_index(["archive", "band"])
    assert a.loc[("ps1", "ps1_g"), "calib_value"] == pytest.approx(1.1, rel=0.03)
    assert a.loc[("ps1", "ps1_g"), "calib_pairs"] == 10
    assert a.loc[("ztf", "ztf_g"), "calib_kind"] == "none" and np.isnan(a.loc[("ztf", "ztf_g"), "calib_value"])
    np.testing.assert_allclose(out.loc[out["band"] == "ztf_g", "flux"], far["flux"])
    p = out[out["band"] == "ps1_g"]
    np.testing.assert_allclose(p["flux_err"] / p["flux"], 0.01)  # errors scale with the flux


def test_summary_per_object_archive_band():
    det = _family_lc(1, "sdss_s82", "sdss_g", [10.0, 20.0, 50.0], [100, 200, 300])
    ul = _family_lc(1, "sdss_s82", "sdss_g", [60.0], [5])
    ul["upper_limit"] = True
    other = _family_lc(2, "ztf", "ztf_r", [1.0], [10])
    s = summarise(pd.concat([det, ul, other], ignore_index=True)).set_index(["objectid", "band"])
    r = s.loc[(1, "sdss_g")]
    assert (r["n_epochs"], r["n_upper_limits"]) == (3, 1)
    assert (r["mjd_first"], r["mjd_last"], r["baseline_days"]) == (10.0, 50.0, 40.0)
    assert r["median_snr"] == pytest.approx(100.0)
    assert s.loc[(2, "ztf_r"), "baseline_days"] == 0.0
    assert set(s.reset_index().columns) == set(LC_SUMMARY.names)
