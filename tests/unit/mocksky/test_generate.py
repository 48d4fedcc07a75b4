import json

import numpy as np
import pandas as pd
import pytest

from agnlc.mocksky import MockSkyConfig, generate
from agnlc.mocksky.observe import GAMMA
from agnlc.mocksky.sdss import FLOOR_MAG, flux_noise
from agnlc.sky.footprint import box_areas_deg2, in_s82, in_xmmlss
from agnlc.sky.photometry import F0_NJY, A


def test_same_seed_gives_identical_files(tmp_path):
    cfg = MockSkyConfig(seed=3, n_objects=200, literature_size=5)
    m1 = generate(cfg, tmp_path / "a")
    m2 = generate(cfg, tmp_path / "b")
    assert m1["files"] == m2["files"]
    for rel in m1["files"]:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
    m3 = generate(MockSkyConfig(seed=4, n_objects=200, literature_size=5), tmp_path / "c")
    assert m3["files"]["truth.parquet"] != m1["files"]["truth.parquet"]


def test_population_in_footprint_and_classes(small_sky):
    truth = pd.read_parquet(small_sky / "truth.parquet")
    assert len(truth) == 610
    assert in_s82(truth["ra"], truth["dec"]).all()
    assert set(truth["cls"]) == {"Star", "Qso", "highZQso", "Gal", "Agn"}
    assert in_xmmlss(truth.loc[truth["cls"] == "Agn", "ra"], truth.loc[truth["cls"] == "Agn", "dec"]).all()
    q = truth[truth["subclass"] == "qso_drw"]
    assert (q["z"] > 0).all() and q["tau_obs_g"].notna().all()
    np.testing.assert_allclose(q["sf_inf_g"], np.sqrt(2) * q["drw_sigma_g"])
    s = truth[truth["cls"] == "Star"]
    assert s["tau_obs_g"].isna().all() and (s["parallax"] > 0).all()
    g = truth[truth["cls"] == "Gal"]
    assert (g["psfmag_r"] > g["mag_r"]).all() and g["is_extended"].all()  # model brighter than PSF
    assert (truth.loc[truth["cls"] == "highZQso", "z"] >= 3.0).all()
    # the SDSS imaging covers |dec| < 1.26, RA -60..60: its share of the footprint area
    truth = truth[truth["cls"] != "Agn"]  # (the X-ray AGN are added in XMM-LSS)
    areas = box_areas_deg2()
    sdss_area = 120.0 * np.degrees(2 * np.sin(np.radians(1.26)))
    expected = sdss_area / areas.sum()
    assert truth["in_sdss_s82"].mean() == pytest.approx(expected, abs=0.06)


def test_quasar_epochs_follow_the_drw(small_sky):
    truth = pd.read_parquet(small_sky / "truth.parquet").set_index("objectid")
    ep = pd.read_parquet(small_sky / "truth" / "epochs" / "sdss_s82")
    q = ep[ep["band"] == "sdss_g"].join(truth[["subclass", "mag_g", "tau_obs_g", "drw_sigma_g"]], on="objectid")
    q = q[q["subclass"] == "qso_drw"].sort_values(["objectid", "mjd"])
    x = (q["true_mag"] - q["mag_g"]).to_numpy()
    same = q["objectid"].to_numpy()[1:] == q["objectid"].to_numpy()[:-1]
    dt = np.diff(q["mjd"].to_numpy())[same]
    tau = q["tau_obs_g"].to_numpy()[1:][same]
    sig = q["drw_sigma_g"].to_numpy()[1:][same]
    r = np.exp(-dt / tau)
    z = (x[1:][same] - x[:-1][same] * r) / (sig * np.sqrt(1 - r**2))
    assert len(z) > 1000
    assert abs(z.mean()) < 0.05 and z.std() == pytest.approx(1.0, abs=0.05)
    stars = ep.join(truth[["subclass", "mag_r"]], on="objectid")
    stars = stars[(stars["subclass"] == "star_ms") & (stars["band"] == "sdss_r")]
    np.testing.assert_allclose(stars["true_mag"], stars["mag_r"])  # non-variable


def test_epoch_counts_and_seasons(small_sky):
    truth = pd.read_parquet(small_sky / "truth.parquet")
    inside = truth[truth["in_sdss_s82"] & (truth["mag_r"] < 20.5)]
    assert 40 <= inside["n_det_sdss_s82"].median() / 5 <= 90  # five bands per epoch
    assert (truth.loc[~truth["in_sdss_s82"], "n_det_sdss_s82"] == 0).all()
    ep = pd.read_parquet(small_sky / "truth" / "epochs" / "sdss_s82")
    doy = (ep["mjd"] - 51057.0) % 365.25
    assert (doy < 120).all()  # September to mid-December seasons
    assert ep["mjd"].between(51050, 54500).all()


def test_noise_model_limits():
    f5 = F0_NJY * 10 ** (-0.4 * 22.0)
    assert flux_noise(0.0, 22.0) == pytest.approx(np.sqrt(GAMMA) * f5 / A)
    # at m = m5 the magnitude error is 0.2 (LSST model): S/N = a / 0.2 = 5.4
    assert flux_noise(f5, 22.0) == pytest.approx(f5 * np.sqrt(0.04 + FLOOR_MAG**2) / A)
    bright = 1e3 * f5
    assert flux_noise(bright, 22.0) / bright == pytest.approx(
        np.sqrt((0.04 - GAMMA) / 1e3 + FLOOR_MAG**2) / A, rel=0.05
    )


def test_manifest_lists_every_file(small_sky):
    m = json.loads((small_sky / "manifest.json").read_text())
    for rel in m["files"]:
        assert (small_sky / rel).exists()
    assert any(rel.startswith("mirrors/sdss_s82/") for rel in m["files"])
    assert "samples/literature.ecsv" in m["files"]


def test_literature_positions_get_a_changing_look_quasar():
    from agnlc.mocksky.generate import place_literature
    from agnlc.mocksky.population import draw_population
    from agnlc.sky.healpix import radec_to_index

    names = ("yang2018", "macleod2016", "lamassa2015", "ruan2016", "green2022")
    pop0 = draw_population(np.random.default_rng(3), 800)
    pop, placement = place_literature(pop0, names, np.random.default_rng(4))
    assert len(pop) == len(pop0) and pop["objectid"].is_monotonic_increasing
    assert (pop["mock_id"].to_numpy() == np.arange(len(pop))).all()
    assert (pop["objectid"].to_numpy() == radec_to_index(pop["ra"].to_numpy(), pop["dec"].to_numpy())).all()
    inside = placement[placement["in_mock_footprint"]]
    assert len(inside) > 5 and inside["placed"].all()  # every position in the footprint is placed
    assert (~placement.loc[~placement["in_mock_footprint"], "placed"]).all()  # the rest listed, not placed
    for _, row in inside.iterrows():  # a changing-look quasar at each position
        d = np.hypot((pop["ra"] - row["ra"]) * np.cos(np.radians(row["dec"])), pop["dec"] - row["dec"]) * 3600
        hit = pop[d < 1.0]  # the object placed at this position (or at the same object's row in another paper)
        assert len(hit) == 1 and hit["subclass"].iloc[0] == "qso_clq" and np.isfinite(hit["clq_t"].iloc[0])
    # the LaMassa quasar is in several papers (LaMassa, Ruan, Yang, MacLeod 2016): one object, placed
    j0159 = placement[np.hypot(placement["ra"] - 29.99, placement["dec"] - 0.553) < 1 / 3600]
    assert len(j0159) >= 3 and j0159["placed"].all()
