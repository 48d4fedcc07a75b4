import numpy as np
import pytest
from astropy.table import Table

from agnlc.samples.literature import LITERATURE_DIR, PAPERS, refresh, write
from agnlc.samples.targets import read_sample


def test_shipped_tables_read_as_samples():
    files = sorted(LITERATURE_DIR.glob("*.ecsv"))
    assert files
    for f in files:
        s = read_sample(f)
        assert len(s.ra) >= 1 and np.isfinite(s.ra).all()
        assert s.labels[0][0].endswith("_clagn")
    lamassa = read_sample(LITERATURE_DIR / "lamassa2015.ecsv")
    assert lamassa.ra[0] == pytest.approx(29.990167) and lamassa.dec[0] == pytest.approx(0.552917)


def test_every_paper_has_a_bibcode_and_method():
    assert len(PAPERS) == 10
    for p in PAPERS.values():
        assert len(p.bibcode) == 19 and p.method in ("ned", "vizier", "simbad", "html")


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
