"""Failed shards are released for the next run; ok and empty shards are untouched."""

from __future__ import annotations

import json

from agnlc.core.io import write_json
from agnlc.core.retry import failure_records, release_failed_shards


def _shard(root, kind, source, shard, status):
    d = root / kind / source
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{shard}.parquet").write_bytes(b"PAR1")
    write_json({"status": status, "reason": "HTTPError: 503 (after 3 attempts)" if status == "error" else ""},
               d / f"{shard}.status.json")  # fmt: skip
    return d


def test_only_error_shards_are_released(tmp_path):
    crts = _shard(tmp_path, "lightcurves", "crts", "1-of-2", "error")
    _shard(tmp_path, "lightcurves", "crts", "2-of-2", "ok")
    ztf = _shard(tmp_path, "lightcurves", "ztf", "1-of-2", "empty")
    ice = _shard(tmp_path, "events", "icecube", "2-of-2", "error")
    released = release_failed_shards(tmp_path)
    assert sorted(str(p.relative_to(tmp_path)) for p in released) == [
        "events/icecube/2-of-2.failed.json",
        "lightcurves/crts/1-of-2.failed.json",
    ]
    assert not (crts / "1-of-2.parquet").exists() and not (crts / "1-of-2.status.json").exists()
    assert json.loads((crts / "1-of-2.failed.json").read_text())["reason"].startswith("HTTPError: 503")
    assert not (ice / "2-of-2.parquet").exists()
    assert (crts / "2-of-2.parquet").exists() and (crts / "2-of-2.status.json").exists()
    assert (ztf / "1-of-2.parquet").exists() and (ztf / "1-of-2.status.json").exists()
    assert release_failed_shards(tmp_path) == []  # idempotent


def test_unreadable_status_is_left_to_the_job(tmp_path):
    d = tmp_path / "lightcurves" / "wise"
    d.mkdir(parents=True)
    (d / "1-of-1.status.json").write_text("{not json")
    (d / "1-of-1.parquet").write_bytes(b"PAR1")
    assert release_failed_shards(tmp_path) == []
    assert (d / "1-of-1.parquet").exists()


def test_failure_records_change_with_each_new_failure(tmp_path):
    d = _shard(tmp_path, "lightcurves", "crts", "1-of-2", "error")
    assert release_failed_shards(tmp_path)
    first = failure_records(tmp_path, "1-of-2")
    assert first and first[0].startswith("crts ") and failure_records(tmp_path, "2-of-2") == []
    write_json({"status": "error", "query_time": "2026-11-22T00:00:00Z"}, d / "1-of-2.status.json")
    release_failed_shards(tmp_path)
    assert failure_records(tmp_path, "1-of-2") == ["crts 2026-11-22T00:00:00Z"] != first
