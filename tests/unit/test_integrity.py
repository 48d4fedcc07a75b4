"""Damage detection: truncated or mismatched Parquet files and missing zarr chunks are found,
moved aside and listed for rebuilding; healthy outputs, temporaries and the mock sky are left."""

from __future__ import annotations

import numpy as np
import pandas as pd

from agnlc.core.integrity import check_parquet, check_zarr_group, pending_rebuilds, quarantine, scan
from agnlc.core.io import write_json
from agnlc.merge.store_writer import write_shard
from tests.unit.test_lcstore import _shard


def _parquet(path, n=100):
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"x": np.arange(n)}).to_parquet(path)
    return path


def test_truncated_garbage_and_row_mismatch_are_found(tmp_path):
    good = _parquet(tmp_path / "results/features/1-of-2.parquet")
    assert check_parquet(good) == ""
    cut = _parquet(tmp_path / "results/features/2-of-2.parquet")
    cut.write_bytes(cut.read_bytes()[: cut.stat().st_size // 2])
    assert "unreadable Parquet" in check_parquet(cut)
    shard = _parquet(tmp_path / "results/lightcurves/crts/1-of-2.parquet", n=10)
    write_json({"status": "ok", "rows": 12}, shard.with_name("1-of-2.status.json"))
    assert check_parquet(shard) == "10 rows but its status records 12"
    write_json({"status": "ok", "rows": 10}, shard.with_name("1-of-2.status.json"))
    assert check_parquet(shard) == ""


def test_scan_skips_mirrors_and_temporaries_then_quarantine_and_rebuild_list(tmp_path):
    res = tmp_path / "results"
    _parquet(res / "mocksky/mirrors/x/part.parquet").write_bytes(b"not parquet")  # an input, not ours
    _parquet(res / "features/.1-of-2.parquet.abcd.tmp")  # a writer's temporary
    (res / "features/.1-of-2.parquet.abcd.tmp").write_bytes(b"half")
    bad = _parquet(res / "lightcurves/crts/1-of-2.parquet", n=5)
    write_json({"status": "ok", "rows": 5}, bad.with_name("1-of-2.status.json"))
    bad.write_bytes(b"PAR1 truncated")
    _parquet(res / "ObjectTable.parquet")
    damage = scan(res)
    assert [d.path for d in damage] == [bad]
    assert pending_rebuilds(res) == []
    assert quarantine(damage) == [bad]
    assert not bad.exists() and bad.with_name("1-of-2.parquet.corrupt").exists()
    assert bad.with_name("1-of-2.status.json.corrupt").exists()  # the job rewrites both
    assert pending_rebuilds(res) == [bad]
    _parquet(bad, n=5)  # rebuilt
    assert pending_rebuilds(res) == [] and scan(res) == []


def test_missing_zarr_chunk_is_found(tmp_path):
    lc = _shard(np.arange(1, 41, dtype=np.int64), np.random.default_rng(1))
    store = tmp_path / "results/lightcurves.zarr"
    write_shard(lc, store, "1-of-1", chunk_rows=64)
    group = store / "shards/1-of-1"
    assert check_zarr_group(group) == ""
    assert scan(tmp_path / "results") == []
    (group / "flux" / "c" / "3").unlink()
    assert check_zarr_group(group) == "flux: chunk c/3 missing"
    damage = scan(tmp_path / "results")
    assert [d.path for d in damage] == [group / "zarr.json"]
    quarantine(damage)
    assert pending_rebuilds(tmp_path / "results") == [group / "zarr.json"]
