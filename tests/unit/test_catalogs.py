import numpy as np
import pandas as pd
import pytest

from agnlc.catalogs import CATALOGS, CatalogError, match_catalog
from agnlc.crossmatch import match_nearest
from agnlc.healpix import radec_to_index


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
@pytest.mark.parametrize("name", ["des_dr2", "nsc_dr2", "cfhtls_w", "sdss_dr16", "sdss_specobj"])
def test_live_services_answer(name):
    # a bright S82 quasar (SDSS J015957.64+003310.5, LaMassa et al. 2015) and a CFHTLS-W1 position
    ra, dec = (29.990167, 0.552917) if name != "cfhtls_w" else (34.5, -5.0)
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
