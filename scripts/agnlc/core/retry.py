"""Failed archive shards are retried by the next run, and only they.

An archive job that exhausts its retry budget writes an empty shard with ``status: error`` so
the merge and everything after it complete and name the missing archive. Snakemake would then
count that shard as done. After every run (the workflow's ``onsuccess``/``onerror`` handlers)
:func:`release_failed_shards` moves each error status to ``<shard>.failed.json`` (kept as the
record of the failure) and removes the empty shard and its status. A missing intermediate file
alone does not make Snakemake rerun anything while the merged shard after it is up to date, so
the merge rule carries :func:`failure_records` of its shard as a ``params`` value: a new failure
changes it, the next run reruns that merge, which needs (and so redoes) exactly the released
archive shards, then the features and tables of that shard. ok and empty (no data) shards are
untouched; a record stays after a successful retry and, unchanged, triggers nothing more.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

__all__ = ["SHARD_DIRS", "failure_records", "release_failed_shards"]

#: Folders (under ``results/``) whose ``<source>/<shard>.status.json`` records are checked.
SHARD_DIRS = ("lightcurves", "events")

log = logging.getLogger("agnlc.core.retry")


def release_failed_shards(results: str | Path = "results") -> list[Path]:
    """Release every shard whose status is ``error`` so the next run redoes it.

    Parameters
    ----------
    results
        The run's ``results`` folder.

    Returns
    -------
    list of pathlib.Path
        The ``.failed.json`` records written, one per released shard.

    Notes
    -----
    Order of the steps: the record is written first (atomically), then the empty Parquet shard,
    then the status are removed. Interrupted at any point, the shard is either still complete
    (retried by the next call) or has a missing output (redone by Snakemake): never a state in
    which a failed shard counts as done.
    """
    released = []
    root = Path(results)
    for status_path in sorted(p for d in SHARD_DIRS for p in (root / d).glob("*/*.status.json")):
        try:
            status = json.loads(status_path.read_text())
        except (OSError, ValueError):
            continue  # unreadable: the job's own output check reports it
        if status.get("status") != "error":
            continue
        from agnlc.core.io import write_json  # here: the workflow parse reads records without pandas

        shard = status_path.name.removesuffix(".status.json")
        record = status_path.with_name(f"{shard}.failed.json")
        write_json(status, record)
        status_path.with_name(f"{shard}.parquet").unlink(missing_ok=True)
        status_path.unlink()
        released.append(record)
        log.warning(
            "%s %s failed (%s): released, the next run retries it",
            status_path.parent.name,
            shard,
            status.get("reason", "no reason recorded"),
        )
    return released


def failure_records(results: str | Path, shard: str) -> list[str]:
    """``"<archive> <query_time>"`` of every released failure of ``shard``'s light-curve
    archives, sorted: the value the merge rule's rerun trigger compares between runs."""
    out = []
    for rec in sorted(Path(results).glob(f"lightcurves/*/{shard}.failed.json")):
        try:
            when = json.loads(rec.read_text()).get("query_time", "")
        except (OSError, ValueError):
            when = "unreadable"
        out.append(f"{rec.parent.name} {when}")
    return out
