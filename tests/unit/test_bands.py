import pytest

from agnlc.sky.bands import band, bands_of, load_registry


def test_registry_loads_and_is_unique():
    df = load_registry()
    assert not df.duplicated(["archive", "band"]).any()
    assert {"sdss_s82", "ztf", "ps1", "gaia", "wise", "crts", "alerce", "tess", "kepler", "hcv"} <= set(df["archive"])


def test_vega_bands_have_nonzero_ab_offsets():
    for b in ("wise_W1", "wise_W2", "gaia_G", "crts_V"):
        arch = {"wise": "wise", "gaia": "gaia", "crts": "crts"}[b.split("_")[0]]
        row = band(arch, b)
        assert row.system == "Vega" and row.ab_offset_mag != 0.0
    assert band("wise", "wise_W1").ab_offset_mag == pytest.approx(2.699)


def test_time_standards_and_offsets():
    # JD 2455197.5 (the Gaia time origin) is MJD 55197.0: g_transit_time + 55197.0 = MJD
    assert band("gaia", "gaia_G").mjd_offset_days == pytest.approx(55197.0)
    assert band("tess", "tess_T").mjd_offset_days == pytest.approx(56999.5)
    assert band("kepler", "kepler_Kp").mjd_offset_days == pytest.approx(54832.5)
    assert [b.band for b in bands_of("sdss_s82")] == ["sdss_u", "sdss_g", "sdss_r", "sdss_i", "sdss_z"]
    assert band("sdss_s82", "sdss_u").ab_offset_mag == pytest.approx(-0.04)


def test_unknown_band():
    with pytest.raises(KeyError, match="not in"):
        band("ztf", "ztf_q")
