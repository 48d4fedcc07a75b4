"""Damaged outputs are found at the start of the next run and rebuilt, never read downstream.

Snakemake trusts a file that exists and is newer than its inputs; a Parquet file truncated on
disk (a full file system, a copy that stopped) or a zarr chunk deleted by hand would be carried
forward silently. :func:`scan` runs when the workflow is parsed (main process, not a dry run)
and checks, cheaply:

* every Parquet output under ``results/`` (the mock sky's mirrors excepted): the footer must
  read (a truncated file has none) and, for an archive shard, its row count must equal the
  ``rows`` of its ``.status.json``;
* every shard group of the zarr light-curve store: every chunk of every array must be on disk
  (the store writes empty chunks too, so a missing chunk is damage, not zeros).

A damaged Parquet file is moved aside to ``<name>.corrupt`` (with its status record for an
archive shard) and a damaged zarr group's ``zarr.json`` to ``zarr.json.corrupt``: both become
missing outputs. A missing intermediate alone makes Snakemake rerun nothing while what follows it
is up to date, so the workflow makes every moved-aside output that is still missing
(:func:`pending_rebuilds`) a target of ``rule all``: the run (or a dry run's plan) rebuilds it
and, because its job runs, every job after it. The ``.corrupt`` copies are kept for inspection.
"""

from __future__ import annotations

import itertools
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Damage", "check_parquet", "check_zarr_group", "pending_rebuilds", "quarantine", "scan"]

#: Folders under ``results/`` not scanned: the mock sky's mirrors are inputs (made by one job).
SKIP = ("mocksky",)


@dataclass(frozen=True)
class Damage:
    """One damaged output: its path (the file Snakemake must remake) and what is wrong."""

    path: Path
    reason: str


def check_parquet(path: Path) -> str:
    """Empty string if ``path`` reads as Parquet (and agrees with its status record), else why not."""
    import pyarrow.parquet as pq  # here: the workflow parse imports this module, often with nothing to check

    try:
        rows = pq.read_metadata(path).num_rows
    except Exception as exc:  # truncated, overwritten, not Parquet at all
        return f"unreadable Parquet ({type(exc).__name__}: {exc})"
    status = path.with_name(path.name.removesuffix(".parquet") + ".status.json")
    if status.is_file():
        try:
            want = json.loads(status.read_text()).get("rows")
        except (OSError, ValueError) as exc:
            return f"unreadable status record {status.name} ({exc})"
        if want is not None and int(want) != rows:
            return f"{rows} rows but its status records {want}"
    return ""


def check_zarr_group(group: Path) -> str:
    """Empty string if every chunk of every array in the zarr v3 group ``group`` is on disk."""
    for meta in sorted(group.rglob("zarr.json")):
        try:
            doc = json.loads(meta.read_text())
        except (OSError, ValueError) as exc:
            return f"{meta.relative_to(group)}: unreadable metadata ({exc})"
        if doc.get("node_type") != "array":
            continue
        shape = doc["shape"]
        chunk = doc["chunk_grid"]["configuration"]["chunk_shape"]
        sep = doc.get("chunk_key_encoding", {}).get("configuration", {}).get("separator", "/")
        counts = [math.ceil(s / c) if s else 0 for s, c in zip(shape, chunk, strict=True)]
        for idx in itertools.product(*(range(n) for n in counts)):
            key = "c" + sep + sep.join(map(str, idx)) if idx else "c"
            if not (meta.parent / key).is_file():
                return f"{meta.parent.relative_to(group)}: chunk {key} missing"
    return ""


def scan(results: str | Path = "results") -> list[Damage]:
    """Every damaged Parquet output and zarr shard group under ``results`` (nothing is changed)."""
    root = Path(results)
    damage = []
    if not root.is_dir():
        return damage
    for dirpath, dirnames, filenames in os.walk(root):
        d = Path(dirpath)
        if d == root:
            dirnames[:] = [n for n in dirnames if n not in SKIP]
        dirnames[:] = [n for n in dirnames if not n.endswith(".zarr") and not n.startswith(".")]
        for name in filenames:
            if name.endswith(".parquet") and not name.startswith("."):
                why = check_parquet(d / name)
                if why:
                    damage.append(Damage(d / name, why))
    for store in root.glob("*.zarr"):
        for group in sorted((store / "shards").glob("*")):
            if group.is_dir() and (group / "zarr.json").is_file():
                why = check_zarr_group(group)
                if why:
                    damage.append(Damage(group / "zarr.json", why))
    return damage


def quarantine(damage: list[Damage]) -> list[Path]:
    """Move each damaged output aside so that it is missing; returns the paths to rebuild.

    A Parquet file goes to ``<name>.corrupt`` (its ``.status.json``, if any, to
    ``<status>.corrupt``); a zarr group's ``zarr.json`` to ``zarr.json.corrupt`` (the merge
    rewrites the whole group).
    """
    out = []
    for d in damage:
        os.replace(d.path, d.path.with_name(d.path.name + ".corrupt"))
        status = d.path.with_name(d.path.name.removesuffix(".parquet") + ".status.json")
        if d.path.suffix == ".parquet" and status.is_file():
            os.replace(status, status.with_name(status.name + ".corrupt"))
        out.append(d.path)
    return out


def pending_rebuilds(results: str | Path = "results") -> list[Path]:
    """Outputs that were moved aside as damaged (``<path>.corrupt`` exists) and are still missing."""
    root = Path(results)
    if not root.is_dir():
        return []
    return sorted(
        p.with_name(p.name.removesuffix(".corrupt"))
        for p in root.rglob("*.corrupt")
        if not p.name.endswith(".status.json.corrupt") and not p.with_name(p.name.removesuffix(".corrupt")).exists()
    )
