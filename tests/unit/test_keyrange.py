"""agnlc.core.keyrange: rows by key range from Parquet files, each row group decoded once."""

import itertools

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from agnlc.core.keyrange import KeyRangeReader


def _files(tmp_path, sorted_keys=True, seed=0):
    rng = np.random.default_rng(seed)
    keys = np.sort(rng.choice(10_000, 600, replace=True))  # repeated keys, as a light curve's rows
    paths, rows = [], []
    for k, part in enumerate(np.array_split(np.arange(keys.size), 3)):
        key = keys[part] if sorted_keys else rng.permutation(keys[part])
        table = pa.table({"objectid": key, "row": part, "band": [f"b{i % 3}" for i in part]})
        pq.write_table(table, tmp_path / f"{k}.parquet", row_group_size=37)
        paths.append(tmp_path / f"{k}.parquet")
        rows.append(table)
    return paths, pa.concat_tables(rows)


def _expected(all_rows, lo, hi):
    key = all_rows["objectid"].to_numpy()
    sel = all_rows.filter(pa.array((key >= lo) & (key <= hi)))
    return sel.take(np.argsort(sel["objectid"].to_numpy(), kind="stable"))


def test_ranges_in_any_order_equal_a_filter(tmp_path):
    paths, all_rows = _files(tmp_path)
    reader = KeyRangeReader(paths, "objectid", ["objectid", "row", "band"])
    rng = np.random.default_rng(1)
    for lo in rng.integers(-100, 10_100, 40):
        hi = lo + int(rng.integers(0, 3000))
        assert reader.read(int(lo), int(hi)).equals(_expected(all_rows, lo, hi))
    assert reader.read(20_000, 30_000).num_rows == 0 and reader.read(20_000, 30_000).schema == reader.schema


def test_unsorted_files_still_give_every_row_in_key_order(tmp_path):
    paths, all_rows = _files(tmp_path, sorted_keys=False)
    reader = KeyRangeReader(paths, "objectid")
    for lo, hi in [(0, 10_000), (2_500, 2_600), (5_000, 5_000)]:
        got = reader.read(lo, hi)
        exp = _expected(all_rows, lo, hi)
        assert np.array_equal(got["objectid"].to_numpy(), exp["objectid"].to_numpy())
        assert sorted(got["row"].to_pylist()) == sorted(exp["row"].to_pylist())


def test_consecutive_ranges_decode_each_row_group_once(tmp_path, monkeypatch):
    paths, all_rows = _files(tmp_path)
    reader = KeyRangeReader(paths, "objectid")
    decoded = []
    for f in reader.files:
        original = f.read_row_group

        def counting(i, columns=None, _orig=original, _f=f):
            decoded.append((id(_f), i))
            return _orig(i, columns=columns)

        monkeypatch.setattr(f, "read_row_group", counting)
    edges = np.linspace(0, 10_000, 23).astype(int)  # ranges that cut row groups anywhere
    got = pa.concat_tables([reader.read(int(a), int(b) - 1) for a, b in itertools.pairwise(edges)])
    assert got.equals(_expected(all_rows, 0, 9_999))
    assert len(decoded) == len(set(decoded)) == sum(pq.ParquetFile(p).metadata.num_row_groups for p in paths)
