"""Statistics of the mock sky's mirrors: noise against each survey's model, periods, coverage,
depth and saturation, and that the HATS collections open with lsdb like the archives' own."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from agnlc.mocksky import crts, ps1, wise, ztf
from agnlc.mocksky.observe import flux_noise
from agnlc.sky.photometry import F0_NJY, A, ab_mag_to_flux
from tests.conftest import SMALL


@pytest.fixture(scope="module")
def truth(small_sky):
    return pd.read_parquet(small_sky / "truth.parquet")


def _epochs(sky, name):
    return pd.read_parquet(sky / "truth" / "epochs" / name)


def _ztf(sky):
    t = pq.read_table(sky / "mirrors" / "ztf" / "ztf_dr24_lc-hats" / "dataset", partitioning=None).to_pandas()
    rows = []
    for _, r in t.iterrows():  # a test may loop: few hundred rows
        lc = r["lightcurve"]
        rows.append(pd.DataFrame({"mock_id": r["objectid"] % 10**7, "filterid": r["filterid"], **lc}))
    return pd.concat(rows, ignore_index=True)


def test_class_fractions_as_configured(truth):
    stripe = truth[truth["cls"] != "Agn"]
    n = len(stripe)
    for sub, frac in (("galaxy", SMALL.galaxy_fraction), ("rr", SMALL.rrlyrae_fraction)):
        k = stripe["subclass"].str.startswith(sub).sum() if sub == "rr" else (stripe["subclass"] == sub).sum()
        assert abs(k / n - frac) < 4 * np.sqrt(frac * (1 - frac) / n) + 1e-9, sub
    q = stripe["cls"].isin(["Qso", "highZQso"]).mean()
    assert abs(q - SMALL.quasar_fraction) < 4 * np.sqrt(SMALL.quasar_fraction * (1 - SMALL.quasar_fraction) / n)
    assert (truth["subclass"] == "agn_xray").sum() == SMALL.n_xray_agn


def test_ztf_noise_follows_model_and_depth(small_sky, truth):
    z = _ztf(small_sky)
    ep = _epochs(small_sky, "ztf").sort_values(["objectid", "band", "mjd"]).reset_index(drop=True)
    oid = truth.set_index("mock_id")["objectid"]
    z["objectid"] = oid.reindex(z["mock_id"]).to_numpy()
    z["band"] = z["filterid"].map({1: "ztf_g", 2: "ztf_r", 3: "ztf_i"})
    z = z.sort_values(["objectid", "band", "hmjd"]).reset_index(drop=True)
    assert len(z) == len(ep)
    np.testing.assert_allclose(z["hmjd"], ep["mjd"], atol=1e-6)
    f_obs = F0_NJY * 10 ** (-0.4 * z["mag"].to_numpy(float))
    sig = f_obs * z["magerr"].to_numpy(float) / A
    f_true, _ = ab_mag_to_flux(ep["true_mag"].to_numpy())
    pull = (f_obs - f_true) / sig
    # detections are S/N >= 5 by selection, so the faint end is biased: use bright epochs
    bright = ep["true_mag"].to_numpy() < 19.0
    assert abs(np.median(pull[bright])) < 0.05 and np.std(pull[bright]) == pytest.approx(1.0, abs=0.1)
    # faint objects are never detected; the bright are flagged as saturated
    never = truth[(truth["psfmag_r"] > 23.5) & (truth["psfmag_g"] > 23.5) & (truth["psfmag_i"] > 23.5)]
    assert (truth.set_index("objectid").loc[never["objectid"], "n_det_ztf"] == 0).all()
    sat = z["objectid"].isin(truth.loc[truth["psfmag_r"] < ztf.SATURATION - 1, "objectid"]) & (z["band"] == "ztf_r")
    if sat.any():
        assert (z.loc[sat, "catflags"] == ztf.BAD_FLAG).all()


def test_ps1_noise_sentinels_and_units(small_sky):
    det = pq.read_table(
        small_sky / "mirrors" / "ps1" / "detection" / "detection" / "dataset", partitioning=None
    ).to_pandas()
    ok = det["psfFlux"] != -999
    assert 0 < (~ok).mean() < 0.02  # the "no measurement" sentinel is there, and rare
    f = det.loc[ok, "psfFlux"].to_numpy() * 1e9  # Jy -> nJy
    s = det.loc[ok, "psfFluxErr"].to_numpy() * 1e9
    assert (f / s >= 5).all()
    # errors follow the model at the median depth (bright end: the floor)
    m5 = det.loc[ok, "filterID"].map({k + 1: v for k, v in enumerate(ps1.M5.values())}).to_numpy()
    ratio = s / flux_noise(f, m5, ps1.FLOOR)
    assert np.median(ratio) == pytest.approx(1.0, abs=0.15)


def test_wise_vega_nanomaggies_and_primary(small_sky, truth):
    root = small_sky / "mirrors" / "wise" / "unwise-neo7-time_domain-healpix_k5.parquet"
    files = sorted(root.glob("healpix_k0=*/healpix_k5=*/part0.snappy.parquet"))
    assert files and (root / "_common_metadata").exists()
    for f in files:  # IRSA's hive layout: healpix_k0 = healpix_k5 // 1024
        k0, k5 = (int(part.split("=")[1]) for part in f.parts[-3:-1])
        assert k0 == k5 // 1024
    w = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    assert set(w["band"]) <= {1, 2} and set(w["primary"]) == {0, 1}
    prim = w[w["primary"] == 1]
    ep = _epochs(small_sky, "wise")
    assert len(prim) == len(ep)
    # flux (Vega nMgy) back to AB: m_AB = 22.5 - 2.5 log10(flux) + offset
    m_ab = 22.5 - 2.5 * np.log10(prim["flux"].clip(lower=1e-6)) + prim["band"].map({1: 2.699, 2: 3.339})
    bright = np.sort(m_ab[m_ab < 17.5].to_numpy())
    tb = np.sort(ep.loc[ep["true_mag"] < 17.5, "true_mag"].to_numpy())
    if len(bright) > 20 and len(tb) > 20:
        assert abs(np.median(bright) - np.median(tb)) < 0.1
    assert w.loc[w["primary"] == 1, "dflux"].gt(0).all()
    assert wise.VEGA_OFFSET["wise_W1"] == 2.699


def test_crts_vega_like_and_four_frames(small_sky):
    files = sorted((small_sky / "mirrors" / "crts").glob("*.csv"))
    c = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    assert list(c.columns) == ["MasterID", "Mag", "Magerr", "RA", "Dec", "MJD", "Blend"]
    c = c.sort_values(["MasterID", "MJD"])
    new_night = (c["MasterID"].diff() != 0) | (c["MJD"].diff() > 0.3)
    nightly = c.groupby(new_night.cumsum()).size()
    assert nightly.max() == 4 and nightly.median() >= 3
    assert c["Mag"].min() > crts.SATURATION - crts.VEGA_OFFSET - 0.5


def test_rr_lyrae_periods_recoverable(small_sky, truth):
    from astropy.timeseries import LombScargle

    rr = truth[truth["subclass"].isin(["rrab", "rrc"]) & (truth["n_det_ztf"] > 100)]
    assert len(rr) >= 3
    ep = _epochs(small_sky, "ztf")
    ok = 0
    for _, row in rr.iterrows():
        d = ep[(ep["objectid"] == row["objectid"]) & (ep["band"] == "ztf_r")]
        freq, power = LombScargle(d["mjd"], d["true_mag"]).autopower(
            minimum_frequency=1.0, maximum_frequency=5.0, samples_per_peak=10, method="fast"
        )
        p = 1 / freq[np.argmax(power)]
        ok += abs(p - row["period"]) / row["period"] < 1e-3
    assert ok / len(rr) >= 0.8


def test_catalogue_coverage(small_sky, truth):
    def cat(name):
        files = sorted((small_sky / "catalogs" / name).glob("*.parquet"))
        return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True) if files else pd.DataFrame()

    spec = cat("sdss_specobj")
    q = truth[truth["cls"].isin(["Qso", "highZQso"]) & truth["in_sdss_s82"] & (truth["mag_i"] < 21.5)]
    frac = len(spec[spec["class"] == "QSO"]) / max(len(q), 1)
    assert 0.6 < frac <= 1.0
    xs = cat("xmm_servs")
    assert len(xs) >= SMALL.n_xray_agn  # every X-ray AGN plus some quasars
    des = cat("des_dr2")
    assert des["DEC"].max() < 1.3 + 1e-3 and len(des) > 0
    assert (des.loc[des["WAVG_MAG_PSF_R"] < 16.0, "FLAGS_R"] == 4).all()
    gal = truth[truth["cls"] == "Gal"]
    hsc = cat("hsc")
    assert len(hsc) > 0 and hsc["i_base_ClassificationExtendedness_value"].isin([0.0, 1.0]).all()
    assert len(gal) > 0


def test_hats_collections_open_with_lsdb(small_sky, truth):
    import lsdb

    targets = truth[truth["n_det_ztf"] > 50].head(20)[["objectid", "ra", "dec"]]
    tcat = lsdb.from_dataframe(targets, catalog_name="targets")
    for path in (small_sky / "mirrors" / "ps1" / "otmo", small_sky / "mirrors" / "gaia" / "gaia_dr3"):
        cat = lsdb.open_catalog(path)
        assert cat.margin is not None and len(cat.get_healpix_pixels()) > 0
    cat = lsdb.open_catalog(small_sky / "mirrors" / "ztf")
    res = tcat.crossmatch(cat, radius_arcsec=1.0, n_neighbors=1, suffixes=("_t", "_m")).compute()
    assert set(res["objectid_t"]) == set(targets["objectid"])  # every target with ZTF data is matched
    base = small_sky / "mirrors" / "ztf"
    props = (base / "ztf_dr24_lc-hats" / "hats.properties").read_text()
    assert "hats_col_ra=objra" in props and "hats_npix_suffix=/" in props
    # IRSA's DR24 layout: partitions are directories, margin and objectid index beside the catalogue
    assert list((base / "ztf_dr24_lc-hats" / "dataset").glob("Norder=*/Dir=*/Npix=*/part0.snappy.parquet"))
    assert (base / "ztf_dr24_lc-hats_margin_10arcsec" / "hats.properties").exists()
    index = pq.read_table(base / "ztf_dr24_lc-hats_index_objectid" / "dataset" / "index")
    assert index.schema.names == ["Norder", "Npix", "objectid"] and index.num_rows > 0
    schema = pq.read_schema(base / "ztf_dr24_lc-hats" / "dataset" / "_common_metadata")
    assert str(schema.field("objra").type) == "float" and str(schema.field("Npix").type) == "uint64"
    idx_cat = lsdb.open_catalog(base)  # the collection opens with its index: search by objectid
    some = int(index.column("objectid")[0].as_py())
    hit = idx_cat.id_search(values={"objectid": some}).compute()
    assert list(hit["objectid"]) == [some]


def test_events_and_tess_kepler_files(small_sky):
    fermi = pd.read_csv(small_sky / "events" / "heasarc" / "fermigtrig.csv")
    assert {"name", "ra", "dec", "trigger_time", "error_radius"} <= set(fermi.columns)
    rel = small_sky / "events" / "icecube" / "icecube_10year_ps"
    ice = pd.concat(
        [pd.read_csv(f, sep=r"\s+", comment="#", header=None) for f in sorted((rel / "events").glob("IC*_exp.csv"))]
    )
    assert ice.shape[1] == 7 and len(ice) > 1000
    # uptime tables under the same base names, two columns
    assert sorted(f.name for f in (rel / "uptime").glob("*.csv")) == sorted(
        f.name for f in (rel / "events").glob("*.csv")
    )
    up = pd.read_csv(rel / "uptime" / "IC40_exp.csv", sep=r"\s+", comment="#", header=None)
    assert up.shape[1] == 2
    idx = pd.read_csv(small_sky / "mirrors" / "tess_kepler" / "index.csv")
    if len(idx):
        from astropy.io import fits

        # as in a real search, products of other pipelines (QLP: no PDCSAP_FLUX) are listed too
        assert "QLP" in set(idx["author"]) and set(idx["author"]) - {"QLP"} <= {"TESS-SPOC", "K2"}
        spoc = idx[idx["author"] != "QLP"]
        with fits.open(small_sky / "mirrors" / "tess_kepler" / "files" / spoc["productFilename"].iloc[0]) as h:
            lc = h["LIGHTCURVE"]
            assert {"TIME", "PDCSAP_FLUX", "PDCSAP_FLUX_ERR"} <= set(lc.columns.names)
            assert lc.header["BJDREFI"] in (2457000, 2454833)
            kepler = h[0].header["TELESCOP"] == "Kepler"
            assert ("SAP_QUALITY" if kepler else "QUALITY") in lc.columns.names
    m = json.loads((small_sky / "manifest.json").read_text())
    assert any(k.startswith("events/icecube/") for k in m["files"])
