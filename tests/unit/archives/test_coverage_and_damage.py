"""Issue 22 §3–4: no coverage is ``empty (not covered)``, an empty mirror is an error, and a
damaged mirror file or reply costs only its own targets, with the file and line named."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from agnlc.archives import EVENT_SOURCES, LIGHTCURVE_ARCHIVES, ArchiveSettings, get, run_adapter
from agnlc.objecttables.catalogs import CATALOGS, CatalogError, match_catalog

RADIUS = {"wise": 2.0, "crts": 3.0, "tess_kepler": 3.0, "heasarc": 60.0, "icecube": 60.0}
#: far south, far from both mock fields (ZTF does not reach Dec < -30 either)
SOUTH = pd.DataFrame({"objectid": [1, 2], "ra": [180.0, 181.0], "dec": [-60.0, -61.0]})


def _mirror(sky, name):
    return sky / ("events" if name in EVENT_SOURCES else "mirrors") / name


def _run(name, mirror, targets, retries=0):
    s = ArchiveSettings(name, mirror=str(mirror), radius_arcsec=RADIUS.get(name, 1.0), retries=retries)
    return run_adapter(get(name), targets, s, sleep=lambda _: None)


@pytest.mark.parametrize("name", LIGHTCURVE_ARCHIVES + EVENT_SOURCES)
def test_outside_the_sky_is_empty_not_an_error(small_sky, name):
    lc, st = _run(name, _mirror(small_sky, name), SOUTH)
    assert st["status"] == "empty" and len(lc) == 0, st
    assert st["attempts"] == 1  # not retried


@pytest.mark.parametrize("name", LIGHTCURVE_ARCHIVES + EVENT_SOURCES)
def test_a_mirror_folder_without_data_is_an_error(tmp_path, name):
    (tmp_path / "mirror").mkdir()
    _, st = _run(name, tmp_path / "mirror", SOUTH)
    assert st["status"] == "error" and "mirror has no data" in st["reason"], st["reason"]


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_catalogue_outside_its_sky_matches_nothing_and_empty_mirror_is_an_error(small_sky, tmp_path, name):
    if CATALOGS[name].mirror_format == "hats" or name == "sdss_dr16_photoz":
        pytest.skip("read through another catalogue")
    m = match_catalog(name, SOUTH, 1.0, "mirror", small_sky / "catalogs" / name)
    assert len(m) == 0
    (tmp_path / name).mkdir()
    with pytest.raises(CatalogError, match="mirror has no data"):
        match_catalog(name, SOUTH, 1.0, "mirror", tmp_path / name)


def _crts_targets(sky, n=12):
    """Truth objects inside the CRTS mirror, spread over as many pixel files as possible."""
    from agnlc.sky.healpix import pixels_in_cone

    truth = pd.read_parquet(sky / "truth.parquet")
    files = {int(p.stem.rsplit("_", 1)[1]) for p in (sky / "mirrors" / "crts").glob("crts_hpx3_*.csv")}
    pix = [next(iter(pixels_in_cone([r], [d], 0.0, 3))) for r, d in zip(truth["ra"], truth["dec"], strict=True)]
    t = truth.assign(pix=pix)[[p in files for p in pix]]
    return t.groupby("pix").head(3).head(n)[["objectid", "ra", "dec", "pix"]].reset_index(drop=True)


def _nan_mjd(f, i: int) -> None:
    """Set the MJD of line ``i`` (0 = the header) of a CRTS mirror file to NaN."""
    lines = f.read_text().splitlines()
    cells = lines[i].split(",")
    cells[[c.strip() for c in lines[0].split(",")].index("MJD")] = "nan"
    lines[i] = ",".join(cells)
    f.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("damage", ["truncated line", "NaN MJD"])
def test_a_damaged_crts_file_costs_only_its_targets(small_sky, tmp_path, damage):
    mirror = tmp_path / "crts"
    shutil.copytree(small_sky / "mirrors" / "crts", mirror)
    targets = _crts_targets(small_sky)
    lc0, st0 = _run("crts", mirror, targets)
    have = set(lc0["objectid"])
    assert st0["status"] == "ok" and len(have) >= 4
    pix = int(targets[targets["objectid"].isin(have)]["pix"].iloc[0])
    f = mirror / f"crts_hpx3_{pix:04d}.csv"
    lines = f.read_text().splitlines()
    if damage == "truncated line":
        lines[3] = lines[3][: len(lines[3]) // 3]
        f.write_text("\n".join(lines) + "\n")
    else:
        _nan_mjd(f, 3)
    lc, st = _run("crts", mirror, targets)
    lost = set(targets[targets["pix"] == pix]["objectid"]) & have
    assert st["status"] == "ok" and set(lc["objectid"]) == have - lost, st
    assert st["n_targets_failed"] >= len(lost) and f"{f} line 4" in st["reason"], st["reason"]
    kept = lc0[~lc0["objectid"].isin(lost)].reset_index(drop=True)
    pd.testing.assert_frame_equal(lc.reset_index(drop=True), kept)


def test_every_target_failing_is_an_error(small_sky, tmp_path):
    mirror = tmp_path / "crts"
    shutil.copytree(small_sky / "mirrors" / "crts", mirror)
    targets = _crts_targets(small_sky, n=40)
    for f in mirror.glob("crts_hpx3_*.csv"):
        _nan_mjd(f, 1)
    _, st = _run("crts", mirror, targets)
    assert st["status"] == "error" and st["reason"].startswith("every target failed"), st
