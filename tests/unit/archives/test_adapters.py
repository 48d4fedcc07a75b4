"""Every adapter against the mock sky: epochs recovered, fluxes within errors of the truth, times
in MJD, native quality cuts and sentinels handled, and the failure path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from agnlc.archives import REGISTRY, ArchiveSettings, get, run_adapter
from agnlc.archives.contract import LIGHTCURVE
from agnlc.core.tables import validate
from agnlc.sky.photometry import ab_mag_to_flux

RADIUS = {"wise": 2.0, "crts": 3.0, "tess_kepler": 3.0}
TRUTH_OF = {"alerce": "ztf"}


@pytest.fixture(scope="module")
def truth(small_sky):
    return pd.read_parquet(small_sky / "truth.parquet")


def _run(sky, name, targets, **opts):
    s = ArchiveSettings(name, mirror=str(sky / "mirrors" / name), radius_arcsec=RADIUS.get(name, 1.0), options=opts)
    return run_adapter(get(name), targets, s, sleep=lambda _: None)


def _pulls(lc: pd.DataFrame, ep: pd.DataFrame) -> np.ndarray:
    """Pull of every delivered measurement against the true magnitude at the same epoch."""
    e = ep.assign(band=ep["band"].astype(str)).sort_values("mjd")
    d = lc[~lc["upper_limit"]].assign(band=lambda x: x["band"].astype(str)).sort_values("mjd")
    m = pd.merge_asof(
        d,
        e[["objectid", "band", "mjd", "true_mag"]],
        on="mjd",
        by=["objectid", "band"],
        tolerance=2e-5,
        direction="nearest",
    )
    assert m["true_mag"].notna().mean() > 0.99, "delivered epochs must be truth epochs"
    m = m[m["true_mag"].notna()]
    f_true, _ = ab_mag_to_flux(m["true_mag"].to_numpy())
    # detections are S/N >= 5 selections: use epochs bright enough that the cut cannot bias them
    bright = f_true / m["flux_err"].to_numpy() > 20
    return ((m["flux"].to_numpy() - f_true) / m["flux_err"].to_numpy())[bright]


@pytest.mark.parametrize("name", ["ztf", "ps1", "gaia", "wise", "crts", "hcv"])
def test_adapter_recovers_truth(small_sky, truth, name):
    t = truth[truth[f"n_det_{name}"] > 0][["objectid", "ra", "dec"]]
    if len(t) == 0:
        pytest.skip(f"no {name} detections on this sky")
    lc, st = _run(small_sky, name, t)
    assert st["status"] == "ok", st
    validate(lc, LIGHTCURVE)
    ep = pd.read_parquet(small_sky / "truth" / "epochs" / TRUTH_OF.get(name, name))
    ep = ep[ep["objectid"].isin(t["objectid"])]
    # every detected epoch is delivered except the documented quality cuts (< 5% of rows)
    assert 0.9 * len(ep) <= len(lc) <= len(ep)
    assert set(lc["archive"]) == {name} and lc["mjd"].between(50000, 61000).all()
    pull = _pulls(lc, ep)
    assert len(pull) > 20
    assert abs(np.median(pull)) < 0.15 and 0.8 < np.std(pull) < 1.25, name


def test_alerce_total_flux_and_upper_limits(small_sky, truth):
    t = truth[truth["n_det_ztf"] > 0][["objectid", "ra", "dec"]]
    lc, st = _run(small_sky, "alerce", t)
    assert st["status"] == "ok"
    det = lc[~lc["upper_limit"]]
    lim = lc[lc["upper_limit"]]
    assert len(det) > 0 and len(lim) > 0
    assert lim["flux_err"].isna().all() and (lim["flux"] > 0).all()
    # the corrected (total) flux of an alert agrees with the truth at that epoch
    ep = pd.read_parquet(small_sky / "truth" / "epochs" / "ztf")
    ep = ep[ep["objectid"].isin(det["objectid"])]
    pull = _pulls(det, ep)
    assert abs(np.median(pull)) < 0.3
    assert (det["mag"] < 99).all()  # the 100 sentinel never becomes a flux


def test_tess_kepler_instrumental_flux_and_times(small_sky, truth):
    t = truth[truth["n_det_tess_kepler"] > 0][["objectid", "ra", "dec"]]
    if len(t) == 0:
        pytest.skip("no TESS/K2 targets on this sky")
    lc, st = _run(small_sky, "tess_kepler", t)
    assert st["status"] == "ok"
    assert set(lc["archive"]) <= {"tess", "kepler"}
    assert lc["mag"].isna().all()  # e-/s, never a fake AB magnitude
    tess = lc[lc["archive"] == "tess"]
    if len(tess):
        assert tess["mjd"].between(59440, 60240).all()  # BTJD + 56999.5
    ep = pd.read_parquet(small_sky / "truth" / "epochs" / "tess_kepler")
    assert len(lc) == pytest.approx(0.99 * len(ep[ep["objectid"].isin(t["objectid"])]), rel=0.02)


def test_quality_cuts_are_configurable(small_sky, truth):
    t = truth[truth["n_det_ztf"] > 0][["objectid", "ra", "dec"]]
    strict, _ = _run(small_sky, "ztf", t, max_catflags=32768)
    loose, _ = _run(small_sky, "ztf", t, max_catflags=2**31 - 1)
    assert len(loose) > len(strict) and (strict["flags"] < 32768).all()
    p_strict, _ = _run(small_sky, "ps1", t.head(50), min_psf_qf_perfect=0.9)
    p_loose, _ = _run(small_sky, "ps1", t.head(50), min_psf_qf_perfect=0.0)
    assert len(p_loose) >= len(p_strict)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_missing_mirror_is_an_error_status_not_a_crash(tmp_path, name):
    t = pd.DataFrame({"objectid": [1], "ra": [10.0], "dec": [0.0]})
    s = ArchiveSettings(name, mirror=str(tmp_path / "missing"), retries=1, backoff_s=0.0)
    lc, st = run_adapter(get(name), t, s, sleep=lambda _: None)
    assert st["status"] == "error" and st["attempts"] == 2 and st["reason"]
    assert len(lc) == 0


def test_queries_are_inspectable_without_sending(small_sky, truth):
    t = truth.head(3)[["objectid", "ra", "dec"]]
    for name in sorted(REGISTRY):
        s = ArchiveSettings(
            name,
            mirror=str(small_sky / "mirrors" / name),
            transport="live",
            options={"url": "https://example.invalid/service"},
        )
        q = get(name).build_query(t, s)
        assert repr(q)  # a plain description, nothing sent
