import json

import numpy as np
import pandas as pd
import pytest
import zarr

from agnlc.archives.contract import LIGHTCURVE
from agnlc.core.io import write_table
from agnlc.merge.store import StoreError, open_lightcurves
from agnlc.merge.store_writer import write_index, write_shard


def _shard(oids, rng, archives=("sdss_s82", "ztf", "gaia"), with_nulls=False):
    rows = []
    for oid in oids:
        n = int(rng.integers(1, 40))
        arch = rng.choice(archives, n)
        rows.append(
            pd.DataFrame(
                {
                    "objectid": oid,
                    "archive": arch,
                    "band": [f"{a}_g" for a in arch],
                    "mjd": rng.uniform(50000, 60000, n),
                    "flux": rng.normal(1000, 100, n),
                    "flux_err": rng.uniform(1, 10, n),
                    "mag": rng.normal(20, 1, n).astype("float32"),
                    "mag_err": np.float32(0.05),
                    "upper_limit": rng.random(n) < 0.1,
                    "source_id": [f"src-{oid}-{k}-é" for k in range(n)],
                    "match_sep_arcsec": rng.uniform(0, 1, n).astype("float32"),
                    "flags": rng.integers(0, 2**40, n),
                }
            )
        )
    df = pd.concat(rows, ignore_index=True).sort_values(["objectid", "band", "mjd"], ignore_index=True)
    df.loc[df.index % 7 == 3, "mag"] = np.nan
    if with_nulls:
        df["source_id"] = df["source_id"].astype(object)
        df.loc[df.index % 5 == 0, "source_id"] = None
    return df


@pytest.fixture()
def store(tmp_path):
    rng = np.random.default_rng(3)
    shards = {"1-of-2": _shard([5, 9, 11, 40], rng), "2-of-2": _shard([2, 7, 100], rng, with_nulls=True)}
    parquet = tmp_path / "merged"
    parquet.mkdir()
    for name, df in shards.items():
        write_shard(df, tmp_path / "lc.zarr", name, {"missing_archives": []}, chunk_rows=16)
        write_table(df, parquet / f"{name}.parquet", LIGHTCURVE, row_group_size=16)
    write_index(tmp_path / "lc.zarr", list(shards))
    return tmp_path / "lc.zarr", parquet, shards


def test_zarr_and_parquet_give_identical_data(store):
    zpath, ppath, shards = store
    z, p = open_lightcurves(zpath), open_lightcurves(ppath)
    assert list(z.objectids) == [2, 5, 7, 9, 11, 40, 100] == list(p.objectids)
    for oid in z.objectids:
        a, b = z.get(oid), p.get(oid)
        pd.testing.assert_frame_equal(a, b)
        assert list(a.columns) == LIGHTCURVE.names
        assert (a["objectid"] == oid).all()
    allz = pd.concat(z.iter(batch_size=2), ignore_index=True)
    allp = pd.concat(p.iter(batch_size=3), ignore_index=True)
    pd.testing.assert_frame_equal(allz, allp)
    assert len(allz) == sum(len(d) for d in shards.values())
    # a null source_id stays null, unicode survives
    assert z.get(2)["source_id"].isna().any() and z.get(5)["source_id"].str.endswith("é").all()


def test_rows_sorted_and_objects_contiguous(store):
    zpath, _, _ = store
    for batch in open_lightcurves(zpath).iter(batch_size=1):
        assert batch["objectid"].nunique() == 1
        keys = list(zip(batch["band"], batch["mjd"], strict=True))
        assert keys == sorted(keys)


def test_filters(store):
    zpath, ppath, _ = store
    for lcs in (open_lightcurves(zpath), open_lightcurves(ppath)):
        full = lcs.get(9)
        sub = lcs.get(9, archive="ztf", mjd_min=52000, mjd_max=58000)
        expect = full[(full["archive"] == "ztf") & full["mjd"].between(52000, 58000)]
        pd.testing.assert_frame_equal(sub, expect.reset_index(drop=True))
        assert set(lcs.get(9, band=["gaia_g", "ztf_g"])["band"]) <= {"gaia_g", "ztf_g"}
        batches = list(lcs.iter(batch_size=10, archive="gaia"))
        assert all(set(b["archive"]) <= {"gaia"} for b in batches)
        with pytest.raises(KeyError, match="objectid 3 is not in"):
            lcs.get(3)


def test_zarr_python_reads_the_store(store):
    zpath, _, shards = store
    root = zarr.open_group(str(zpath), mode="r")
    assert root.attrs["shards"] == ["1-of-2", "2-of-2"]
    g = root["shards/1-of-2"]
    df = shards["1-of-2"]
    np.testing.assert_array_equal(g["mjd"][:], df["mjd"].to_numpy())
    bands = np.array(g["band"].attrs["categories"])[g["band"][:]]
    np.testing.assert_array_equal(bands, df["band"].to_numpy())
    assert g["flux"].attrs["unit"] == "nJy"
    np.testing.assert_array_equal(root["index/objectid"][:], [2, 5, 7, 9, 11, 40, 100])


def test_rewriting_a_shard_replaces_it_whole(store, tmp_path):
    zpath, _, _ = store
    rng = np.random.default_rng(9)
    write_shard(_shard([5, 9], rng), zpath, "1-of-2", chunk_rows=16)
    write_index(zpath, ["1-of-2", "2-of-2"])
    z = open_lightcurves(zpath)
    assert list(z.objectids) == [2, 5, 7, 9, 100]
    assert not [p for p in (zpath / "shards").iterdir() if p.name.startswith(".")]  # no temp or old folders left


def test_failed_write_leaves_previous_group(store, monkeypatch):
    zpath, _, shards = store
    before = (zpath / "shards" / "1-of-2" / "zarr.json").read_text()
    bad = shards["1-of-2"].iloc[::-1]  # not sorted by objectid
    with pytest.raises(StoreError, match="not sorted"):
        write_shard(bad, zpath, "1-of-2")
    assert (zpath / "shards" / "1-of-2" / "zarr.json").read_text() == before
    assert not [p for p in (zpath / "shards").iterdir() if p.name.startswith(".")]


def test_index_detects_missing_and_truncated_groups(store):
    zpath, _, _ = store
    with pytest.raises(StoreError, match="3-of-3: shard group missing"):
        write_index(zpath, ["1-of-2", "2-of-2", "3-of-3"])
    meta = zpath / "shards" / "2-of-2" / "zarr.json"
    doc = json.loads(meta.read_text())
    doc["attributes"]["rows"] += 1
    meta.write_text(json.dumps(doc))
    with pytest.raises(StoreError, match=r"2-of-2/objectid: \d+ rows but the group records"):
        write_index(zpath, ["1-of-2", "2-of-2"])


def test_deleted_chunk_is_an_error_not_silent(store):
    zpath, _, _ = store
    chunk = next((zpath / "shards" / "1-of-2" / "flux" / "c").iterdir())
    chunk.unlink()
    z = open_lightcurves(zpath)
    # zarr semantics would return the fill value for a missing chunk; the reader must not.
    with pytest.raises(StoreError, match="unreadable rows"):
        for oid in z.objectids:
            z.get(oid)


def test_unfinished_store_is_refused(tmp_path):
    with pytest.raises(StoreError, match="not a finished light-curve store"):
        open_lightcurves(tmp_path / "nothing.zarr")
