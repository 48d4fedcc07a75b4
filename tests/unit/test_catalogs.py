import numpy as np
import pandas as pd
import pytest

from agnlc.objecttables.catalogs import CATALOGS, CatalogError, match_catalog
from agnlc.sky.crossmatch import match_nearest
from agnlc.sky.healpix import radec_to_index


@pytest.fixture(scope="module")
def truth_targets(small_sky):
    t = pd.read_parquet(small_sky / "truth.parquet")[["objectid", "ra", "dec", "mock_id"]]
    return t.reset_index(drop=True)


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_mirror_match_is_the_nearest_within_the_radius(name, small_sky, truth_targets):
    spec = CATALOGS[name]
    hats = spec.mirror_format == "hats"  # Gaia: the HATS collection of the Gaia light-curve mirror
    mirror = small_sky / "mirrors" / "gaia" if hats else small_sky / "catalogs" / name
    out = match_catalog(name, truth_targets, 1.0, "mirror", mirror)
    assert list(out.columns) == ["objectid", "cat_id", "sep_arcsec", *spec.columns]
    assert out["objectid"].is_unique and (out["sep_arcsec"] <= 1.0).all()
    # independent check: the nearest catalogue row of each matched target, from the whole mirror
    files = sorted((mirror / spec.mirror_subpath).rglob("Npix=*.parquet")) if hats else sorted(mirror.glob("*.parquet"))
    cat = pd.concat(pd.read_parquet(f) for f in files)
    if hats:
        assert len(out) > 50  # the Gaia-detected stars and bright quasars of the small sky
    if not len(out):
        return
    t = truth_targets.set_index("objectid").loc[out["objectid"]]
    ti, ci, sep = match_nearest(t["ra"], t["dec"], cat[spec.ra_col], cat[spec.dec_col], 1.0)
    assert len(ti) == len(out)
    np.testing.assert_array_equal(cat[spec.id_col].astype(str).to_numpy()[ci], out["cat_id"].to_numpy())
    np.testing.assert_allclose(sep, out["sep_arcsec"])


def test_dr16_carries_its_photoz(small_sky, truth_targets):
    out = match_catalog("sdss_dr16", truth_targets, 1.0, "mirror", small_sky / "catalogs" / "sdss_dr16")
    pz = pd.concat(pd.read_parquet(f) for f in (small_sky / "catalogs" / "sdss_dr16_photoz").glob("*.parquet"))
    joined = out.merge(pz.astype({"objID": str}), left_on="cat_id", right_on="objID")
    assert len(joined) > 0 and np.allclose(joined["photoz"], joined["z"])
    assert out.loc[~out["cat_id"].isin(pz["objID"].astype(str)), "photoz"].isna().all()


def test_missing_mirror_and_refused_live_service_are_named(tmp_path):
    t = pd.DataFrame({"objectid": [radec_to_index(10.0, 0.0)], "ra": [10.0], "dec": [0.0]})
    with pytest.raises(CatalogError, match=r"des_dr2: mirror folder .* does not exist"):
        match_catalog("des_dr2", t, 1.0, "mirror", tmp_path / "nope")
    with pytest.raises(CatalogError, match=r"hsc: no live transport .*account"):
        match_catalog("hsc", t, 1.0, "live")


@pytest.mark.remote_data
@pytest.mark.parametrize(
    "name", ["des_dr2", "nsc_dr2", "cfhtls_w", "sdss_dr16", "sdss_specobj", "xmm_servs", "gaia_edr3"]
)
def test_live_services_answer(name):
    # a bright S82 quasar (SDSS J015957.64+003310.5, LaMassa et al. 2015) and a CFHTLS-W1 position
    ra, dec = {"cfhtls_w": (34.5, -5.0), "xmm_servs": (35.7, -4.8)}.get(name, (29.990167, 0.552917))
    t = pd.DataFrame({"objectid": [1], "ra": [ra], "dec": [dec]})
    out = match_catalog(name, t, 3.0, "live")
    assert list(out.columns)[:3] == ["objectid", "cat_id", "sep_arcsec"]


def test_gaia_astrometry_is_the_mirror_rows_and_near_truth(small_sky, truth_targets):
    """Gaia EDR3 proper motions and parallaxes of the matched targets are the mirror's values,
    and within 5 sigma of the mock sky's true astrometry."""
    out = match_catalog("gaia_edr3", truth_targets, 1.0, "mirror", small_sky / "mirrors" / "gaia")
    truth = pd.read_parquet(small_sky / "truth.parquet").set_index("objectid").loc[out["objectid"]]
    for col in ("pmra", "pmdec", "parallax"):
        z = (out[col].to_numpy() - truth[col].to_numpy()) / out[f"{col}_error"].to_numpy()
        assert np.nanmax(np.abs(z)) < 6 and np.isfinite(z).mean() > 0.9, col


def test_live_queries_are_the_services_own_constructions():
    from agnlc.objecttables.catalogs import CatalogAdapter

    t = pd.DataFrame({"objectid": [7, 8], "ra": [29.990167, 30.5], "dec": [0.552917, -0.2]})
    des = CatalogAdapter(CATALOGS["des_dr2"]).build_query(t, "live", 1.0)
    # Data Lab: one q3c cone per target, no upload and no CONTAINS
    assert des.statements[0].count("q3c_radial_query(ra, dec, ") == 2 and "CONTAINS" not in des.statements[0]
    assert "UNION ALL" in des.statements[0] and "FROM des_dr2.main" in des.statements[0]
    dr16 = CatalogAdapter(CATALOGS["sdss_dr16"]).build_query(t, "live", 1.0)
    # DR16 photo-z joined in the SQL (astroquery's crossid never joined Photoz)
    assert "LEFT OUTER JOIN Photoz AS pz ON pz.objID = p.objID" in dr16.statements[0]
    assert "pz.z AS photoz" in dr16.statements[0] and "fGetNearbyObjEq(29.99016700" in dr16.statements[0]
    spec = CatalogAdapter(CATALOGS["sdss_specobj"]).build_query(t, "live", 1.0)
    assert "JOIN SpecObj AS s ON s.bestObjID = n.objID" in spec.statements[0]
    assert CATALOGS["xmm_servs"].table == "J/MNRAS/478/2132" and "MNRAS 478, 2132" in CATALOGS["xmm_servs"].release


def test_transport_failures_are_retried_and_named(monkeypatch, small_sky, truth_targets):
    from agnlc.objecttables.catalogs import CatalogAdapter

    real = CatalogAdapter.fetch
    calls = []

    def flaky(self, query, mirror, timeout):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("connection reset by peer")
        return real(self, query, mirror, timeout)

    monkeypatch.setattr(CatalogAdapter, "fetch", flaky)
    waits = []
    out = match_catalog("des_dr2", truth_targets, 1.0, "mirror", small_sky / "catalogs" / "des_dr2", sleep=waits.append)
    assert len(calls) == 2 and waits == [2.0] and len(out) > 0
    calls.clear()
    monkeypatch.setattr(CatalogAdapter, "fetch", lambda *a: (_ for _ in ()).throw(ConnectionError("reset")))
    with pytest.raises(CatalogError, match=r"des_dr2: ConnectionError: reset \(after 3 attempts\)"):
        match_catalog("des_dr2", truth_targets, 1.0, "mirror", small_sky / "catalogs" / "des_dr2", sleep=waits.append)
