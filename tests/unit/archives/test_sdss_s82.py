import numpy as np
import pandas as pd
import pytest

from agnlc.archives import ArchiveSettings, get, run_adapter
from agnlc.archives.sdss_s82 import ADAPTER, COADD_RUNS, PHOTO_COLUMNS, read_mirror
from agnlc.mocksky.sdss import FLAG_SATURATED
from agnlc.sky.photometry import ab_mag_to_flux


def _settings(sky, **kw):
    return ArchiveSettings("sdss_s82", mirror=str(sky / "mirrors" / "sdss_s82"), radius_arcsec=1.0, **kw)


@pytest.fixture(scope="module")
def parsed(small_sky):
    truth = pd.read_parquet(small_sky / "truth.parquet")
    targets = truth[["objectid", "ra", "dec"]]
    lc, status = run_adapter(ADAPTER, targets, _settings(small_sky, options={"reject_flags_mask": 0}))
    assert status["status"] == "ok", status
    return truth, lc


def test_query_is_inspectable(small_sky):
    t = pd.DataFrame({"objectid": [1, 2], "ra": [10.0, 10.5], "dec": [0.1, -0.2]})
    q = ADAPTER.build_query(t, _settings(small_sky))
    # the construction public Stripe 82 clients send: fGetNearbyObjEq joined with PhotoObjAll and
    # Field (per-band epochs from Field.mjd_<band>), one cone per target joined by UNION ALL
    assert len(q.sql) == 1 and q.sql[0].count("fGetNearbyObjEq") == 2 and "UNION ALL" in q.sql[0]
    assert "0.016667" in q.sql[0] and "f.fieldID = p.fieldID" in q.sql[0] and "f.mjd_g" in q.sql[0]
    assert "NOT IN (106, 206)" in q.sql[0] and "VALUES" not in q.sql[0] and "APPLY" not in q.sql[0]
    assert len(q.partitions) >= 1


def test_every_detected_epoch_recovered_with_mjd(parsed, small_sky):
    _, lc = parsed
    ep = pd.read_parquet(small_sky / "truth" / "epochs" / "sdss_s82")
    assert len(lc) == len(ep)  # every detected epoch of every band, nothing else
    a = lc.sort_values(["objectid", "band", "mjd"]).reset_index(drop=True)
    e = ep.sort_values(["objectid", "band", "mjd"]).reset_index(drop=True)
    np.testing.assert_array_equal(a["objectid"], e["objectid"])
    np.testing.assert_allclose(a["mjd"], e["mjd"], atol=1e-6)  # mirror rounds MJD to 1e-6 d
    assert not np.isin(np.round(lc["mjd"], 3), [53700.0]).any()  # coadd rows are not epochs


def test_fluxes_within_errors_of_truth(parsed, small_sky):
    _, lc = parsed
    ep = pd.read_parquet(small_sky / "truth" / "epochs" / "sdss_s82")
    a = lc.sort_values(["objectid", "band", "mjd"]).reset_index(drop=True)
    e = ep.sort_values(["objectid", "band", "mjd"]).reset_index(drop=True)
    f_true, _ = ab_mag_to_flux(e["true_mag"].to_numpy())
    pull = (a["flux"].to_numpy() - f_true) / a["flux_err"].to_numpy()
    assert abs(np.mean(pull)) < 0.05
    assert np.std(pull) == pytest.approx(1.0, abs=0.05)
    for band in "ugriz":  # per band too (catches a wrong AB offset or softening)
        sel = (a["band"] == f"sdss_{band}").to_numpy()
        assert abs(np.median(pull[sel])) < 0.1, band


def test_fluxes_convert_back_to_mirror_magnitudes(parsed, small_sky):
    _, lc = parsed
    rep = read_mirror(small_sky / "mirrors" / "sdss_s82", range(768), PHOTO_COLUMNS)
    rep = rep[~rep["run"].isin(COADD_RUNS)]
    from agnlc.sky.photometry import ab_flux_to_sdss_asinh

    g = lc[lc["band"] == "sdss_g"]
    m, _ = ab_flux_to_sdss_asinh(g["flux"].to_numpy(), None, "g")
    mirror = rep.set_index(rep["objID"].astype(str))["psfMag_g"]
    np.testing.assert_allclose(m, mirror.loc[g["source_id"]].to_numpy(dtype=float), atol=1e-9)


def test_saturation_cut_configurable(small_sky):
    truth = pd.read_parquet(small_sky / "truth.parquet")
    t = truth[truth["in_sdss_s82"]][["objectid", "ra", "dec"]]
    kept, _ = run_adapter(ADAPTER, t, _settings(small_sky, options={"reject_flags_mask": 0}))
    cut, _ = run_adapter(ADAPTER, t, _settings(small_sky))
    assert ((cut["flags"] & FLAG_SATURATED) == 0).all()
    assert len(cut) == len(kept) - int(((kept["flags"] & FLAG_SATURATED) != 0).sum())


def test_missing_mirror_gives_error_status_after_retries(small_sky):
    waits = []
    t = pd.DataFrame({"objectid": [1], "ra": [10.0], "dec": [0.0]})
    s = ArchiveSettings("sdss_s82", mirror=str(small_sky / "nope"), retries=2, backoff_s=0.5)
    lc, st = run_adapter(get("sdss_s82"), t, s, sleep=waits.append)
    assert st["status"] == "error" and "does not exist" in st["reason"]
    assert st["attempts"] == 3 and waits == [0.5, 1.0]
    assert len(lc) == 0


def test_transient_failure_then_success(small_sky):
    class Flaky:
        name = "sdss_s82"
        calls = 0

        def build_query(self, targets, settings):
            return ADAPTER.build_query(targets, settings)

        def fetch(self, query, settings):
            Flaky.calls += 1
            if Flaky.calls == 1:
                raise TimeoutError("read timed out")
            return ADAPTER.fetch(query, settings)

        def parse(self, reply, targets, settings):
            return ADAPTER.parse(reply, targets, settings)

    truth = pd.read_parquet(small_sky / "truth.parquet")
    t = truth[truth["in_sdss_s82"]][["objectid", "ra", "dec"]].head(5)
    lc, st = run_adapter(Flaky(), t, _settings(small_sky), sleep=lambda s: None)
    assert st["status"] == "ok" and st["attempts"] == 2 and len(lc) > 0


def test_empty_shard_and_no_match(small_sky):
    lc, st = run_adapter(ADAPTER, pd.DataFrame({"objectid": [], "ra": [], "dec": []}), _settings(small_sky))
    assert st["status"] == "empty" and len(lc) == 0
    far = pd.DataFrame({"objectid": [9], "ra": [180.0], "dec": [60.0]})
    lc, st = run_adapter(ADAPTER, far, _settings(small_sky))
    assert st["status"] == "empty" and st["reason"]


@pytest.mark.remote_data
def test_live_sdss_stripe82_query():
    t = pd.DataFrame({"objectid": [1], "ra": [29.990167], "dec": [0.552917]})  # LaMassa 2015 CL quasar
    lc, st = run_adapter(ADAPTER, t, ArchiveSettings("sdss_s82", transport="live", retries=0))
    assert st["status"] == "ok" and lc["band"].nunique() == 5
