import pandas as pd
import pytest

from agnlc.core.io import atomic_path, content_hash, read_metadata, write_table
from agnlc.core.tables import SchemaError
from agnlc.samples.contract import SAMPLE


def _targets():
    return pd.DataFrame(
        {
            "objectid": [1, 2],
            "ra": [1.0, 2.0],
            "dec": [0.0, 0.5],
            "name": ["a", ""],
            "labels": [["x"], ["y", "z"]],
            "inputs": [["f.csv"], ["f.csv"]],
            "n_inputs": [1, 1],
        }
    )


def test_atomic_path_leaves_nothing_on_error(tmp_path):
    dest = tmp_path / "out.txt"
    dest.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(dest) as tmp:
            tmp.write_text("partial")
            raise RuntimeError("killed")
    assert dest.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_output_is_world_readable(tmp_path):
    dest = tmp_path / "out.txt"
    with atomic_path(dest) as tmp:
        tmp.write_text("x")
    assert dest.stat().st_mode & 0o044 == 0o044  # group and others can read (umask 022)


def test_invalid_table_is_not_written(tmp_path):
    bad = _targets().assign(ra=[1.0, 400.0])
    with pytest.raises(SchemaError):
        write_table(bad, tmp_path / "t.parquet", SAMPLE)
    assert not (tmp_path / "t.parquet").exists()


def test_provenance_and_content_hash_ignore_metadata(tmp_path):
    write_table(_targets(), tmp_path / "a.parquet", SAMPLE, {"query_time": "t1"})
    write_table(_targets(), tmp_path / "b.parquet", SAMPLE, {"query_time": "t2"})
    assert read_metadata(tmp_path / "a.parquet")["query_time"] == "t1"
    assert content_hash(tmp_path / "a.parquet") == content_hash(tmp_path / "b.parquet")
    write_table(_targets().assign(dec=[0.0, 0.6]), tmp_path / "c.parquet", SAMPLE)
    assert content_hash(tmp_path / "c.parquet") != content_hash(tmp_path / "a.parquet")


def test_a_killed_writers_temporary_is_removed_by_the_next_write(tmp_path):
    from agnlc.core.io import atomic_path

    stale = tmp_path / ".out.parquet.abc123.tmp"  # what a kill -9 during a write leaves
    stale.write_bytes(b"half")
    other = tmp_path / ".other.parquet.abc123.tmp"  # another output's temporary is not touched
    other.write_bytes(b"x")
    with atomic_path(tmp_path / "out.parquet") as tmp:
        tmp.write_bytes(b"whole")
    assert (tmp_path / "out.parquet").read_bytes() == b"whole"
    assert not stale.exists() and other.exists()
