"""Per-object reads from the zarr light-curve store against the merged-Parquet filter read
(issue: <= 5 ms median per object on a 50,000-object mock sky), and the chunk-size choice.

The light curves are the mock sky's own epochs (every epoch of every survey, detections and
non-detections, fluxes from the true magnitudes), in the canonical schema, split into shards
by objectid like the workflow's shards; so the store has the size and per-object row counts of a
full run without running the archive stage. For each chunk size the shards are written with
:func:`agnlc.merge.store.write_shard` (write time and bytes on disk recorded), then ``--reads``
random objects are read with ``open_lightcurves(...).get``; the baseline reads the same objects
from the merged Parquet (16,384-row row groups, as the merge rule writes them) with a pyarrow
dataset filter. Output: ``benchmarks/out/lcstore.json``.

    python -m benchmarks lcstore --n 50000
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.archives.contract import LIGHTCURVE
from agnlc.core.io import write_table
from agnlc.merge.store import open_lightcurves
from agnlc.merge.store_writer import write_index, write_shard
from agnlc.sky.photometry import ab_mag_to_flux

REPO = Path(__file__).resolve().parents[1]
TARGET_MS = 5.0
ROW_GROUP = 16384


def mock_sky(n: int, seed: int, out: Path) -> Path:
    """Generate (or reuse) a mock sky of ``n`` objects."""
    from agnlc.mocksky import MockSkyConfig, generate

    if not (out / "manifest.json").exists():
        t0 = time.perf_counter()
        generate(MockSkyConfig(seed=seed, n_objects=n), out)
        (out / "manifest.json").write_text(json.dumps({"n": n, "seed": seed}))
        print(f"mock sky of {n} objects in {time.perf_counter() - t0:.0f} s -> {out}")
    return out


def canonical_shards(sky: Path, n_shards: int) -> list[pd.DataFrame]:
    """The sky's epochs as canonical light curves, one frame per shard, sorted as merged."""
    frames = []
    for survey_dir in sorted((sky / "truth" / "epochs").iterdir()):
        for f in sorted(survey_dir.glob("*.parquet")):
            e = pd.read_parquet(f)
            flux, _ = ab_mag_to_flux(e["true_mag"].to_numpy())
            frames.append(
                pd.DataFrame(
                    {
                        "objectid": e["objectid"].to_numpy(),
                        "archive": survey_dir.name,
                        "band": e["band"].to_numpy(),
                        "mjd": e["mjd"].to_numpy(),
                        "flux": flux,
                        "flux_err": 0.05 * flux,
                        "mag": e["true_mag"].to_numpy(np.float32),
                        "mag_err": np.float32(0.054),
                        "upper_limit": ~e["detected"].to_numpy(),
                        "source_id": survey_dir.name + ":" + e["objectid"].astype(str),
                        "match_sep_arcsec": np.float32(0.1),
                        "flags": 0,
                    }
                )
            )
    df = pd.concat(frames, ignore_index=True)
    oids = np.unique(df["objectid"].to_numpy())
    shard_of = np.searchsorted(oids, df["objectid"].to_numpy()) * n_shards // len(oids)
    df = df.assign(_s=shard_of).sort_values(["_s", "objectid", "band", "mjd"], kind="stable", ignore_index=True)
    return [g.drop(columns="_s").reset_index(drop=True) for _, g in df.groupby("_s", sort=True)]


def timed_reads(lcs, oids: np.ndarray) -> np.ndarray:
    out = np.empty(len(oids))
    for k, oid in enumerate(oids):
        t0 = time.perf_counter()
        lcs.get(int(oid))
        out[k] = time.perf_counter() - t0
    return out * 1e3


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks lcstore")
    ap.add_argument("--n", type=int, default=50000, help="mock-sky objects")
    ap.add_argument("--seed", type=int, default=20261121)
    ap.add_argument("--shards", type=int, default=16)
    ap.add_argument("--chunks", type=int, nargs="+", default=[4096, 16384, 65536])
    ap.add_argument("--reads", type=int, default=1000, help="random objects read from the store")
    ap.add_argument("--baseline-reads", type=int, default=200, help="random objects read from Parquet")
    ap.add_argument("--work", type=Path, default=REPO / "benchmarks" / "out" / "work")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "lcstore.json")
    args = ap.parse_args(argv)

    sky = mock_sky(args.n, args.seed, args.work / f"sky-{args.n}")
    t0 = time.perf_counter()
    shards = canonical_shards(sky, args.shards)
    names = [f"{k + 1}-of-{args.shards}" for k in range(len(shards))]
    rows = sum(len(s) for s in shards)
    n_obj = sum(s["objectid"].nunique() for s in shards)
    print(f"{rows:,} rows for {n_obj:,} objects in {len(shards)} shards ({time.perf_counter() - t0:.0f} s)")

    pq_dir = args.work / f"merged-{args.n}"
    shutil.rmtree(pq_dir, ignore_errors=True)
    pq_dir.mkdir(parents=True)
    t0 = time.perf_counter()
    for name, df in zip(names, shards, strict=True):
        write_table(df, pq_dir / f"{name}.parquet", LIGHTCURVE, row_group_size=ROW_GROUP)
    parquet = {"write_s": time.perf_counter() - t0, "bytes": du(pq_dir)}

    rng = np.random.default_rng(1)
    all_oids = np.concatenate([np.unique(s["objectid"].to_numpy()) for s in shards])
    sample = rng.choice(all_oids, args.reads, replace=False)
    base = timed_reads(open_lightcurves(pq_dir), sample[: args.baseline_reads])
    parquet.update(median_ms=float(np.median(base)), p90_ms=float(np.percentile(base, 90)))
    print(f"parquet filter read: median {parquet['median_ms']:.1f} ms, p90 {parquet['p90_ms']:.1f} ms")

    runs = []
    for chunk in args.chunks:
        store = args.work / f"lc-{args.n}-{chunk}.zarr"
        shutil.rmtree(store, ignore_errors=True)
        t0 = time.perf_counter()
        for name, df in zip(names, shards, strict=True):
            write_shard(df, store, name, chunk_rows=chunk)
        write_index(store, names)
        write_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        lcs = open_lightcurves(store, cache_mb=0)
        open_ms = (time.perf_counter() - t0) * 1e3
        ms = timed_reads(lcs, sample)
        t0 = time.perf_counter()
        n_iter = sum(len(b) for b in lcs.iter(batch_size=1000))
        iter_s = time.perf_counter() - t0
        assert n_iter == rows
        rec = {
            "chunk_rows": chunk,
            "write_s": write_s,
            "bytes": du(store),
            "files": sum(1 for _ in store.rglob("*") if _.is_file()),
            "open_ms": open_ms,
            "median_ms": float(np.median(ms)),
            "p90_ms": float(np.percentile(ms, 90)),
            "iter_rows_per_s": rows / iter_s,
            "speedup_vs_parquet": parquet["median_ms"] / float(np.median(ms)),
        }
        runs.append(rec)
        print(
            f"chunk {chunk:>6}: median {rec['median_ms']:.2f} ms, p90 {rec['p90_ms']:.2f} ms, "
            f"{rec['bytes'] / 1e6:.0f} MB in {rec['files']} files, write {write_s:.0f} s, "
            f"iter {rec['iter_rows_per_s'] / 1e6:.1f} M rows/s, x{rec['speedup_vs_parquet']:.0f} vs Parquet"
        )
        shutil.rmtree(store, ignore_errors=True)
    result = {
        "n_objects": int(n_obj),
        "rows": int(rows),
        "shards": len(shards),
        "reads": args.reads,
        "target_median_ms": TARGET_MS,
        "parquet_baseline": parquet,
        "zarr": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"-> {args.out}")
    return 0
