"""HATS catalogues of the outputs (agnlc.core.hatsio, agnlc.objecttables.hats, agnlc.merge.hats):
opened with lsdb, equal to the Parquet tables they come from, partitioned, written atomically."""

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from agnlc.archives.contract import LIGHTCURVE
from agnlc.core.io import write_table
from agnlc.merge.hats import NESTED_COLUMNS, lightcurves_hats
from agnlc.merge.store import open_lightcurves
from agnlc.objecttables.hats import objecttable_hats
from tests.unit.test_lcstore import _shard

lsdb = pytest.importorskip("lsdb")


def _positions(n, seed=1):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 60, n), rng.uniform(-1.25, 1.25, n)


def _object_table(path, n=500):
    import astropy.units as u
    from cdshealpix.nested import lonlat_to_healpix

    ra, dec = _positions(n)
    oid = lonlat_to_healpix(ra * u.deg, dec * u.deg, 29).astype(np.int64)
    table = pa.table(
        {
            "objectId": oid,
            "ra": ra,
            "dec": dec,
            "psFlux_g": pa.array(np.where(np.arange(n) % 9 == 0, np.nan, np.linspace(1, 1e4, n))),
            "nEpochs_g": pa.array([None if k % 7 == 0 else k for k in range(n)], pa.int32()),  # nulls stay integers
            "field": pa.array(["s82"] * n),
        }
    )
    pq.write_table(table, path, row_group_size=64)
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def test_object_table_catalogue_equals_the_parquet_table(tmp_path):
    ref = _object_table(tmp_path / "t.parquet")
    objecttable_hats(tmp_path / "t.parquet", tmp_path / "T.hats", "T", {"stage": "test"}, partition_rows=100)
    cat = lsdb.open_catalog(tmp_path / "T.hats")
    assert cat.npartitions >= 5  # several HEALPix partitions of at most 100 rows
    got = cat.compute().sort_values("objectId").reset_index(drop=True)[ref.columns]
    pd.testing.assert_frame_equal(got, ref.sort_values("objectId").reset_index(drop=True))
    props = (tmp_path / "T.hats" / "T" / "hats.properties").read_text()
    line = next(x for x in props.splitlines() if x.startswith("agnlc_provenance="))
    assert json.loads(line.split("=", 1)[1]) == {"stage": "test"}


def test_catalogues_are_valid_hats_and_keep_units_and_provenance(tmp_path):
    """hats' own strict validation passes; every partition keeps the source's field metadata
    (units) and carries the provenance record; the spatial index is hats' own."""
    from hats.io.validation import is_valid_catalog
    from hats.pixel_math.spatial_index import compute_spatial_index

    from agnlc.core.io import META_KEY

    _object_table(tmp_path / "t.parquet")
    src = pq.read_schema(tmp_path / "t.parquet")
    src = src.set(src.get_field_index("psFlux_g"), src.field("psFlux_g").with_metadata({"unit": "nJy"}))
    pq.write_table(pq.read_table(tmp_path / "t.parquet").cast(src), tmp_path / "u.parquet", row_group_size=64)
    objecttable_hats(tmp_path / "u.parquet", tmp_path / "T.hats", "T", {"stage": "test"}, partition_rows=100)
    assert is_valid_catalog(tmp_path / "T.hats" / "T", strict=True, fail_fast=True)
    files = sorted((tmp_path / "T.hats" / "T" / "dataset").rglob("Npix=*.parquet"))
    assert len(files) >= 5
    for f in files:
        table = pq.read_table(f)
        assert table.schema.field("psFlux_g").metadata == {b"unit": b"nJy"}
        assert json.loads(table.schema.metadata[META_KEY]) == {"stage": "test"}
        index = compute_spatial_index(table["ra"].to_numpy(), table["dec"].to_numpy())
        assert np.array_equal(table["_healpix_29"].to_numpy(), index)
        assert np.all(np.diff(index) > 0)  # sorted by the spatial index, as hats reads it


def _properties(path):
    lines = [x for x in path.read_text().splitlines() if "=" in x and not x.startswith("#")]
    return dict(x.split("=", 1) for x in lines)


def test_the_same_partitions_properties_and_rows_as_lsdb_writes(tmp_path):
    """Our writer follows lsdb.from_dataframe(...).write_catalog(...) step by step: the same
    HEALPix partitions, the same property keys and values, the same rows per partition (lsdb
    keeps the input order within a partition; ours are sorted by the spatial index)."""
    ref = _object_table(tmp_path / "t.parquet")
    objecttable_hats(tmp_path / "t.parquet", tmp_path / "T.hats", "T", {}, partition_rows=100)
    lsdb.from_dataframe(ref, ra_column="ra", dec_column="dec", partition_rows=100, margin_threshold=None).write_catalog(
        tmp_path / "L.hats", catalog_name="T", progress_bar=False
    )
    ours, theirs = lsdb.open_catalog(tmp_path / "T.hats"), lsdb.open_catalog(tmp_path / "L.hats")
    assert ours.get_healpix_pixels() == theirs.get_healpix_pixels()
    for pixel in ours.get_healpix_pixels():
        a = ours.get_partition(pixel.order, pixel.pixel).compute()
        b = theirs.get_partition(pixel.order, pixel.pixel).compute()
        pd.testing.assert_frame_equal(a, b.sort_index())  # ours in spatial-index order, as hats-import writes
    dated = {"hats_builder", "hats_creation_date", "hats_estsize", "agnlc_provenance"}
    ours_p = _properties(tmp_path / "T.hats" / "T" / "hats.properties")
    theirs_p = _properties(tmp_path / "L.hats" / "T" / "hats.properties")
    assert set(ours_p) == set(theirs_p) | {"agnlc_provenance"}
    assert {k: v for k, v in ours_p.items() if k not in dated} == {k: v for k, v in theirs_p.items() if k not in dated}
    collections = [_properties(tmp_path / d / "collection.properties") for d in ("T.hats", "L.hats")]
    assert set(collections[0]) == set(collections[1])


def test_a_failed_write_leaves_nothing(tmp_path):
    """A partition that fails mid-write (here the third) leaves neither the catalogue nor a temporary."""
    from agnlc.core.hatsio import write_hats

    ra, dec = _positions(300)
    positions = pa.table({"objectid": np.arange(300), "ra": ra, "dec": dec})
    calls = []

    def rows(part):
        calls.append(len(part))
        if len([c for c in calls if c]) == 3:
            raise ValueError("row 17: unreadable")
        return part

    with pytest.raises(ValueError, match="row 17: unreadable"):
        write_hats(positions, rows, tmp_path / "T.hats", "T", {}, partition_rows=50)
    assert list(tmp_path.iterdir()) == []


def test_crossmatch_finds_the_same_pairs_as_a_direct_match(tmp_path):
    """A cross-match through lsdb equals a brute-force nearest match within the radius."""
    from astropy.coordinates import SkyCoord

    ref = _object_table(tmp_path / "t.parquet", n=300)
    objecttable_hats(tmp_path / "t.parquet", tmp_path / "T.hats", "T", {}, partition_rows=60)
    rng = np.random.default_rng(2)
    other = pd.DataFrame(
        {"id": np.arange(200), "ra": ref["ra"].to_numpy(float)[:200], "dec": ref["dec"].to_numpy(float)[:200]}
    )
    other["ra"] += rng.normal(0, 0.5, 200) / 3600  # 0.5" scatter: most within 1", some not
    other["dec"] += rng.normal(0, 0.5, 200) / 3600
    lsdb.from_dataframe(other, ra_column="ra", dec_column="dec", margin_threshold=None).write_catalog(
        tmp_path / "other", catalog_name="other", progress_bar=False
    )
    xm = lsdb.open_catalog(tmp_path / "T.hats").crossmatch(
        lsdb.open_catalog(tmp_path / "other"), radius_arcsec=1.0, n_neighbors=1, suffixes=("", "_o")
    )
    got = xm.compute()
    a = SkyCoord(ref["ra"].to_numpy(float), ref["dec"].to_numpy(float), unit="deg")
    b = SkyCoord(other["ra"].to_numpy(), other["dec"].to_numpy(), unit="deg")
    idx, sep, _ = a.match_to_catalog_sky(b)
    ok = sep.arcsec < 1.0
    expect = dict(zip(ref["objectId"].to_numpy(np.int64)[ok], idx[ok], strict=True))
    assert 100 < len(expect) < 200
    assert dict(zip(got["objectId"].to_numpy(np.int64), got["id_o"].to_numpy(np.int64), strict=True)) == expect


def test_light_curve_catalogue_nests_every_target_and_equals_open_lightcurves(tmp_path):
    rng = np.random.default_rng(3)
    shards = {"1-of-2": _shard([5, 9, 11, 40], rng), "2-of-2": _shard([2, 7, 100], rng, with_nulls=True)}
    merged = []
    (tmp_path / "merged").mkdir()
    for name, df in shards.items():
        write_table(df, tmp_path / "merged" / f"{name}.parquet", LIGHTCURVE, row_group_size=16)
        merged.append(tmp_path / "merged" / f"{name}.parquet")
    ids = np.array([2, 5, 7, 9, 11, 40, 100, 123])  # 123: a target without data
    ra, dec = _positions(len(ids), seed=4)
    pd.DataFrame({"objectid": ids, "ra": ra, "dec": dec, "name": "x"}).to_parquet(tmp_path / "targets.parquet")
    lightcurves_hats(merged, tmp_path / "targets.parquet", tmp_path / "lc.hats", {}, partition_rows=3)
    cat = lsdb.open_catalog(tmp_path / "lc.hats")
    assert cat.npartitions >= 3 and list(cat.columns) == ["objectid", "ra", "dec", "lightcurve"]
    got = cat.compute().set_index("objectid")
    assert sorted(got.index) == sorted(ids) and got.loc[123, "lightcurve"] is None
    lcs = open_lightcurves(tmp_path / "merged")  # the merged Parquet shards
    nested = lcs.nested(ids[:-1]).set_index("objectid")
    flat = pd.concat(shards.values())
    for oid in ids[:-1]:
        a = got.loc[oid, "lightcurve"].reset_index(drop=True)
        b = nested.loc[oid, "lightcurve"].reset_index(drop=True)
        assert list(a.columns) == list(NESTED_COLUMNS) and len(a) == (flat["objectid"] == oid).sum()
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    sub = lcs.nested([9, 40], band=["ztf_g"]).set_index("objectid")
    assert (sub.loc[9, "lightcurve"]["band"] == "ztf_g").all()


def test_an_empty_table_gives_an_empty_catalogue(tmp_path):
    """A sample outside every field has empty Object tables: lsdb still opens the catalogue."""
    _object_table(tmp_path / "t.parquet", n=0)
    objecttable_hats(tmp_path / "t.parquet", tmp_path / "T.hats", "T", {}, partition_rows=100)
    cat = lsdb.open_catalog(tmp_path / "T.hats")
    assert cat.npartitions == 0 and len(cat.compute()) == 0
