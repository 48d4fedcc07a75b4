"""Atomic, contract-checked table I/O.

Every write goes to a temporary file in the destination folder and is renamed into place
only when complete, so a killed job never leaves a half-written output under the final
name. Parquet files carry the contract's field units and the provenance record.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from agnlc.core.tables import TableSchema, validate

__all__ = [
    "atomic_path",
    "content_hash",
    "read_metadata",
    "read_table",
    "remove_stale",
    "table_writer",
    "write_json",
    "write_table",
]

META_KEY = b"agnlc"
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def remove_stale(parent: Path, pattern: str) -> None:
    """Delete what a killed writer left behind: the ``pattern`` files or folders in ``parent``.

    Each output has a single writer job (Snakemake never runs two jobs for one output), so the
    temporaries of the output being written now can only come from an interrupted earlier run.
    """
    for stale in parent.glob(pattern):
        shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    On an exception the temporary file is removed and ``path`` is left untouched.
    """
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(dest.parent, f".{dest.name}.*.tmp")
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp_path, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs get the usual permissions
        os.replace(tmp_path, dest)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_table(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    schema: TableSchema | None = None,
    provenance: dict[str, Any] | None = None,
    *,
    row_group_size: int | None = None,
) -> pd.DataFrame:
    """Validate ``df`` against ``schema`` and write it atomically as Parquet.

    Parameters
    ----------
    df
        The table.
    path
        Destination ``.parquet`` file.
    schema
        Contract to validate against; the Arrow schema (with units) comes from it. If
        ``None`` the table is written as it is (for tables whose columns vary, such as the
        features), still with provenance.
    provenance
        Record stored as JSON under the Parquet metadata key ``agnlc``.
    row_group_size
        Rows per Parquet row group (default pyarrow's).

    Returns
    -------
    pandas.DataFrame
        The validated table that was written.
    """
    if schema is not None:
        df = validate(df, schema, where=str(path))
        table = pa.Table.from_pandas(df, schema=schema.arrow_schema(), preserve_index=False)
    else:
        table = pa.Table.from_pandas(df, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta.pop(b"pandas", None)
    meta[META_KEY] = json.dumps(provenance or {}, sort_keys=True, default=str).encode()
    table = table.replace_schema_metadata(meta)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, row_group_size=row_group_size, compression="zstd")
    return df


@contextlib.contextmanager
def table_writer(
    path: str | os.PathLike[str], schema: TableSchema, provenance: dict[str, Any] | None = None
) -> Iterator[Callable[[pd.DataFrame], None]]:
    """Write a Parquet table piece by piece, atomically: yields ``write(df)``.

    Each call validates ``df`` against ``schema`` and appends it as one row group, so a table of
    any length is written holding one piece in memory. The file appears at ``path`` (with the
    provenance record) only when the block ends without an exception.
    """
    arrow = schema.arrow_schema()
    meta = dict(arrow.metadata or {})
    meta[META_KEY] = json.dumps(provenance or {}, sort_keys=True, default=str).encode()
    arrow = arrow.with_metadata(meta)
    with atomic_path(path) as tmp, pq.ParquetWriter(tmp, arrow, compression="zstd") as writer:

        def write(df: pd.DataFrame) -> None:
            df = validate(df, schema, where=str(path))
            table = pa.Table.from_pandas(df, schema=schema.arrow_schema(), preserve_index=False)
            writer.write_table(table.replace_schema_metadata(arrow.metadata))

        yield write


def read_table(path: str | os.PathLike[str], columns: list[str] | None = None) -> pd.DataFrame:
    """Read a Parquet table into pandas (numpy-backed where possible)."""
    table = pq.read_table(path, columns=columns)
    return table.to_pandas()


def read_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The provenance record stored in a Parquet file (``{}`` if none)."""
    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(META_KEY)
    return json.loads(raw) if raw else {}


def content_hash(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a Parquet file's data (schema and values), ignoring its metadata."""
    table = pq.read_table(path)
    table = table.replace_schema_metadata(None).combine_chunks()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def write_json(obj: Any, path: str | os.PathLike[str]) -> None:
    """Write ``obj`` as indented JSON, atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")
