from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agnlc.core.tables import validate
from agnlc.samples.contract import SAMPLE
from agnlc.samples.targets import SampleError, build_targets, read_sample, split_shards
from agnlc.sky.healpix import parent


def _csv(tmp_path: Path, text: str, name: str = "s.csv") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_reads_csv_with_labels_and_wraps_ra(tmp_path):
    p = _csv(tmp_path, "name,ra,dec,label\na,-10.5,0.1,x;y\nb,350,0.2,\n")
    t = read_sample(p)
    np.testing.assert_allclose(t.ra, [349.5, 350.0])
    assert t.labels == [["x", "y"], ["s"]]  # empty label -> the file stem


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("name,dec\na,0\n", r"row 0 \(header\): field 'ra': column missing"),
        ("ra,decl\n1,0\n", r"field 'dec': column missing"),
        ("ra,dec\n1,0\nabc,0\n", r"row 2: field 'ra' \(column 'ra'\): not a finite number: 'abc'"),
        ("ra,dec\n1,0\n2,nan\n", r"row 2: field 'dec'.*not a finite number"),
        ("ra,dec\n1,inf\n", r"row 1: field 'dec'.*not a finite number"),
        ("ra,dec\n1,0\n2,\n", r"row 2: field 'dec'"),
        ("ra,dec\n400,0\n", r"row 1: field 'ra': 400.0 outside \[-180, 360\)"),
        ("ra,dec\n-181,0\n", r"row 1: field 'ra'"),
        ("ra,dec\n10,91\n", r"row 1: field 'dec': 91.0 outside \[-90, 90\]"),
        ("id,ra,dec\n7,1,0\n8,2,0\n7,3,0\n", r"row 3: field 'id' \(column 'id'\): duplicate id '7' \(also row 1\)"),
        ("ra,dec\n", r"no data rows \(header only\)"),
        ("ra;dec\n1;0\n", r"field 'ra': column missing"),
    ],
)
def test_bad_csv_inputs_name_file_row_field(tmp_path, text, pattern):
    p = _csv(tmp_path, text)
    with pytest.raises(SampleError, match=pattern) as err:
        read_sample(p)
    assert str(p) in str(err.value)


def test_empty_file_unknown_format_binary_and_long_names(tmp_path):
    with pytest.raises(SampleError, match="file is empty"):
        read_sample(_csv(tmp_path, "", "e.csv"))
    with pytest.raises(SampleError, match=r"unknown format '.xlsx'"):
        read_sample(_csv(tmp_path, "x", "e.xlsx"))
    garbage = tmp_path / "g.csv"
    garbage.write_bytes(b"\x00\x01\x02\xff" * 100)
    with pytest.raises(SampleError, match="binary content"):
        read_sample(garbage)
    with pytest.raises(SampleError, match=r"row 1: field 'name': longer than 256"):
        read_sample(_csv(tmp_path, "name,ra,dec\n" + "x" * 300 + ",1,0\n", "n.csv"))


def test_ecsv_units_and_parquet(tmp_path):
    import astropy.units as u
    from astropy.table import Table

    t = Table({"ra": [1.0] * u.hourangle, "dec": [0.5] * u.deg})
    t.write(tmp_path / "a.ecsv", format="ascii.ecsv")
    assert read_sample(tmp_path / "a.ecsv").ra[0] == pytest.approx(15.0)
    pd.DataFrame({"RA": [10.0], "Dec": [1.0], "name": ["q"]}).to_parquet(tmp_path / "b.parquet")
    s = read_sample(tmp_path / "b.parquet")
    assert s.names[0] == "q" and s.labels == [["b"]]


def _tables(tmp_path):
    a = read_sample(_csv(tmp_path, "name,ra,dec,label\nq1,10,0,lit\nq2,20,1,lit\n", "a.csv"))
    b = read_sample(_csv(tmp_path, "name,ra,dec,label\nJ1,10.0001,0,sdss_qso\nJ3,30,-1,sdss_star\n", "b.csv"))
    return a, b


def test_dedup_keeps_every_label_and_is_order_independent(tmp_path):
    a, b = _tables(tmp_path)
    t1 = build_targets([a, b], 1.0)
    t2 = build_targets([b, a], 1.0)
    validate(t1, SAMPLE)
    assert len(t1) == 3
    merged = t1[t1["n_inputs"] == 2].iloc[0]
    assert list(merged["labels"]) == ["lit", "sdss_qso"]
    assert list(merged["inputs"]) == ["a.csv", "b.csv"]
    pd.testing.assert_frame_equal(t1, t2)
    # a smaller radius keeps them apart (0.36 arcsec separation)
    assert len(build_targets([a, b], 0.2)) == 4


def test_objectid_stable_under_row_shuffle(tmp_path):
    rng = np.random.default_rng(1)
    ra, dec = rng.uniform(0, 40, 200), rng.uniform(-1, 1, 200)
    df = pd.DataFrame({"ra": ra, "dec": dec})
    df.to_csv(tmp_path / "x.csv", index=False)
    df.sample(frac=1.0, random_state=3).to_csv(tmp_path / "y.csv", index=False)
    t1 = build_targets([read_sample(tmp_path / "x.csv", "s")], 1.0)
    t2 = build_targets([read_sample(tmp_path / "y.csv", "s")], 1.0)
    np.testing.assert_array_equal(t1["objectid"], t2["objectid"])


def test_shards_are_balanced_and_compact():
    rng = np.random.default_rng(2)
    n = 3000
    ra, dec = rng.uniform(0, 45, n), rng.uniform(-1.2, 1.2, n)
    from agnlc.samples.targets import InputTable

    t = build_targets([InputTable("x.csv", ra, dec, np.array([""] * n, dtype=object), [["l"]] * n)], 0.5)
    shards = split_shards(t, 6, 5)
    sizes = [len(s) for s in shards]
    assert sum(sizes) == len(t)
    assert max(sizes) <= 1.5 * len(t) / 6
    # each order-5 pixel lives in one shard, except at most one pixel per cut
    pix_sets = [set(parent(s["objectid"].to_numpy(), 5)) for s in shards]
    shared = sum(len(pix_sets[i] & pix_sets[j]) for i in range(6) for j in range(i + 1, 6))
    assert shared <= 5
    assert set().union(*pix_sets) == set(parent(t["objectid"].to_numpy(), 5))


def test_more_shards_than_targets(tmp_path):
    a, b = _tables(tmp_path)
    shards = split_shards(build_targets([a, b], 1.0), 5, 5)
    assert len(shards) == 5 and sum(len(s) for s in shards) == 3


def test_shard_count_follows_the_number_of_targets(tmp_path):
    from agnlc.samples.sizes import auto_shards, estimate_rows

    assert auto_shards(2050, 2500, 4) == 4 and auto_shards(50_030, 2500, 4) == 21 and auto_shards(0, 100, 1) == 1
    csv = tmp_path / "a.csv"
    csv.write_text("# comment\nra,dec\n1,2\n3,4\n\n")
    pq_path = tmp_path / "b.parquet"
    pd.DataFrame({"ra": [1.0, 2.0, 3.0], "dec": 0.0}).to_parquet(pq_path)
    assert estimate_rows([csv, pq_path, tmp_path / "missing.csv"]) == 5
