import astropy.units as u
import numpy as np
import pytest
from astropy.table import Table

from agnlc.samples.literature import LITERATURE_DIR, PAPERS, refresh, shipped, write
from agnlc.samples.targets import read_sample


def test_shipped_tables_read_as_samples():
    assert sorted(f.stem for f in LITERATURE_DIR.glob("*.ecsv")) == sorted(PAPERS)
    for name, paper in PAPERS.items():
        s = read_sample(LITERATURE_DIR / f"{name}.ecsv")
        assert len(s.ra) >= 1 and np.isfinite(s.ra).all() and np.isfinite(s.dec).all()
        assert {lab for labs in s.labels for lab in labs} == {paper.label}
    lamassa = read_sample(LITERATURE_DIR / "lamassa2015.ecsv")
    sep = np.hypot((lamassa.ra[0] - 29.990167) * np.cos(np.radians(0.55)), lamassa.dec[0] - 0.552917) * 3600
    assert sep < 1.0  # NED's position of SDSS J015957.64+003310.5


def test_positions_are_unique_within_a_paper():
    from astropy.coordinates import SkyCoord, search_around_sky

    for name in PAPERS:
        t = Table.read(LITERATURE_DIR / f"{name}.ecsv")
        c = SkyCoord(np.asarray(t["ra"]) * u.deg, np.asarray(t["dec"]) * u.deg)
        i, j, _, _ = search_around_sky(c, c, 1.0 * u.arcsec)
        assert (i == j).all(), f"{name}: two rows within 1 arcsec"


def test_caveats_are_data():
    cols = ("coord_source", "position_approx", "inferred", "membership_unverified", "source")
    tables = {n: Table.read(LITERATURE_DIR / f"{n}.ecsv") for n in PAPERS}
    for name, t in tables.items():
        assert set(cols) <= set(t.colnames), name
        assert all(str(x) for x in t["source"]), name  # every row names the public file it came from
    assert np.all(tables["macleod2016"]["position_approx"])  # from the truncated J-names
    assert int(np.sum(tables["green2022"]["inferred"])) == 2
    assert np.all(tables["lopeznavas2022"]["membership_unverified"])
    assert not np.any(tables["yang2018"]["inferred"]) and len(tables["lyu2022"]) == 66
    rows = {r["name"]: r for r in shipped()}
    assert rows["lyu2022"]["shipped"] == 66 and rows["lyu2022"]["rows_in_paper"] == "68"
    assert rows["green2022"]["inferred"] == 2 and "unverified" in rows["lopeznavas2022"]["caveat"]


def test_objects_in_several_papers_keep_every_label():
    from astropy.coordinates import SkyCoord, search_around_sky

    from agnlc.samples.targets import build_targets

    names = [n for n in PAPERS if n not in ("graham2019", "sdss_qso297")]
    inputs = [read_sample(LITERATURE_DIR / f"{n}.ecsv") for n in names]
    targets = build_targets(inputs, dedup_radius_arcsec=1.0)
    tc = SkyCoord(targets["ra"].to_numpy() * u.deg, targets["dec"].to_numpy() * u.deg)
    for n, s in zip(names, inputs, strict=True):
        _, j, _, _ = search_around_sky(SkyCoord(s.ra * u.deg, s.dec * u.deg), tc, 1.0 * u.arcsec)
        for k in set(j.tolist()):
            assert PAPERS[n].label in targets["labels"].iloc[k], (n, targets.iloc[k]["name"])
    multi = int((targets["labels"].map(len) > 1).sum())
    assert multi >= 2  # e.g. the LaMassa quasar is also in Ruan et al. (2016) and Yang et al. (2018)
    j0159 = targets[np.hypot(targets["ra"] - 29.99, targets["dec"] - 0.553) < 1 / 3600]
    assert set(j0159["labels"].iloc[0]) >= {"lamassa2015_clagn", "ruan2016_clagn", "yang2018_clagn"}


def test_write_format_round_trip(tmp_path):
    import astropy.units as u

    t = Table(
        {
            "name": ["A"],
            "ra": [10.0] * u.deg,
            "dec": [1.0] * u.deg,
            "label": ["x_clagn"],
            "bibcode": ["2015ApJ...800..144L"],
        }
    )
    path = write(t, "lamassa2015", tmp_path)
    s = read_sample(path)
    assert s.ra[0] == 10.0 and s.labels == [["x_clagn"]]
    bad = t.copy()
    bad["ra"] = [np.nan] * u.deg
    with pytest.raises(ValueError, match="finite"):
        write(bad, "lamassa2015", tmp_path)


@pytest.mark.remote_data
@pytest.mark.parametrize("name", sorted(PAPERS))
def test_refresh_from_service(name):
    t = refresh(name)
    assert len(t) >= 1 and np.isfinite(np.asarray(t["ra"], float)).all()
