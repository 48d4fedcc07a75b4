"""TAP adapters against a real local TAP service (GAVO DaCHS on 127.0.0.1) loaded with mock-sky
tables under the archives' real schema and table names (the ``tap_service`` fixture of
tests/conftest.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from agnlc.archives import ArchiveSettings, get, run_adapter


def test_heasarc_tap_upload_equals_mirror(small_sky, tap_service):
    t = pd.read_parquet(small_sky / "truth.parquet")[["objectid", "ra", "dec"]]
    live, st = run_adapter(
        get("heasarc"), t, ArchiveSettings("heasarc", transport="live", retries=0, options={"url": tap_service})
    )
    assert st["status"] in ("ok", "empty"), st
    mirror, _ = run_adapter(get("heasarc"), t, ArchiveSettings("heasarc", mirror=str(small_sky / "events" / "heasarc")))
    key = ["objectid", "catalog", "event_id"]
    a = live.sort_values(key).reset_index(drop=True)
    b = mirror.sort_values(key).reset_index(drop=True)
    assert len(a) == len(b) > 0
    pd.testing.assert_frame_equal(a[key], b[key])
    np.testing.assert_allclose(a["sep_deg"], b["sep_deg"], atol=1e-6)


def test_gaia_tap_upload_and_epoch_table(small_sky, tap_service):
    truth = pd.read_parquet(small_sky / "truth.parquet")
    t = truth[truth["n_det_gaia"] > 0][["objectid", "ra", "dec"]]
    s = ArchiveSettings(
        "gaia", transport="live", retries=0, options={"url": tap_service, "live_method": "tap", "epoch_source": "table"}
    )
    tap_lc, st = run_adapter(get("gaia"), t, s)
    assert st["status"] == "ok", st
    hats_lc, _ = run_adapter(get("gaia"), t, ArchiveSettings("gaia", mirror=str(small_sky / "mirrors" / "gaia")))
    g_tap = tap_lc[tap_lc["band"] == "gaia_G"]
    g_hats = hats_lc[hats_lc["band"] == "gaia_G"]
    # the TAP table has no rejection flags: it holds the HATS epochs plus the ~2% rejected transits
    assert len(g_hats) <= len(g_tap) <= 1.05 * len(g_hats)
    m = g_hats.merge(g_tap, on=["objectid", "mjd"], suffixes=("_h", "_t"))
    assert len(m) == len(g_hats)
    np.testing.assert_allclose(m["flux_h"], m["flux_t"], rtol=1e-9)
    assert (m["source_id_h"] == m["source_id_t"]).all()


def test_tap_timeout_gives_error_status(small_sky):
    t = pd.DataFrame({"objectid": [1], "ra": [10.0], "dec": [0.0]})
    s = ArchiveSettings(
        "heasarc", transport="live", retries=1, backoff_s=0.0, options={"url": "http://127.0.0.1:9/tap"}
    )  # nothing listens on port 9
    ev, st = run_adapter(get("heasarc"), t, s, sleep=lambda _: None)
    assert st["status"] == "error" and st["attempts"] == 2 and len(ev) == 0
