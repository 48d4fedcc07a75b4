"""Cost of the HATS outputs (issue 25) against the merge and Object-table stages of the same run.

Given a finished run's working directory (e.g. ``benchmarks/out/work/scale_50000`` from
``python -m benchmarks scale --sizes 50000``), writes its three Object tables and its merged
light curves as HATS catalogues in a fresh process, as the rule ``hats_catalogues`` does (wall,
CPU, peak RSS), into a scratch folder, and compares their job time with the summed job time of the run's ``merge`` and
``objecttable`` stages (its ``benchmark:`` files). It also reports the run's own HATS jobs
(``objecttable/hats``, or before they were one job ``merge/lightcurves_hats`` too) against the
same base: job times of one run.

    python -m benchmarks hats_outputs --workdir benchmarks/out/work/scale_50000

Target: the HATS jobs add at most 10 % to those stages' job time, and their memory does not grow
with N (one partition in memory: at most 20,000 Object-table rows or 2,000 targets' light curves).

``--synthetic-rows 20000 100000 500000`` also writes a synthetic merged Object table (every
contract column, random values, positions uniform over Stripe 82, objectId their HEALPix index,
in sky order, as the workflow writes it) of each size and its HATS catalogue in a fresh process:
the peak memory against N.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.scale import rule_costs

REPO = Path(__file__).resolve().parents[1]
TARGET_FRACTION = 0.10

_CATALOGUES = """
import glob
from agnlc.merge.hats import lightcurves_hats
from agnlc.objecttables.hats import objecttable_hats
for name in ("ObjectTable", "s82ObjectTable", "xmmlssObjectTable"):
    objecttable_hats(f"{wd}/results/{name}.parquet", f"{out}/{name}.hats", name, {})
lightcurves_hats(sorted(glob.glob(f"{wd}/results/lightcurves/merged/*.parquet")),
                 f"{wd}/results/samples/targets.parquet", f"{out}/lightcurves.hats", {})
"""
_SYNTHETIC = """
from agnlc.objecttables.hats import objecttable_hats
objecttable_hats(f"{wd}/ObjectTable.parquet", f"{out}/ObjectTable.hats", "ObjectTable", {})
"""


def _timed(code: str, wd: Path, out: Path) -> dict:
    """Run ``code`` in a fresh Python process; its wall, CPU (children) and peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    tail = "\nimport resource\nprint('PEAK_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    res = subprocess.run(
        [sys.executable, "-c", f"wd, out = {str(wd)!r}, {str(out)!r}\n{code}{tail}"],
        check=True,
        cwd=REPO,
        env={"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak_kb = int(res.stdout.split("PEAK_KB")[-1].split()[0])
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "peak_rss_mb": round(peak_kb / 1024, 1)}


def synthetic_objecttable(path: Path, rows: int, chunk: int = 5000, seed: int = 1) -> None:
    """A merged Object table of ``rows`` rows in the contract, written ``chunk`` rows at a time."""
    import numpy as np
    import pandas as pd
    from hats.pixel_math.spatial_index import compute_spatial_index

    from agnlc.core.io import table_writer
    from agnlc.objecttables.contract import MERGED_SCHEMA
    from agnlc.objecttables.rows import _empty_rows

    rng = np.random.default_rng(seed)
    ra, dec = rng.uniform(0, 60, rows), rng.uniform(-1.25, 1.25, rows)
    oid = compute_spatial_index(ra, dec).astype(np.int64)
    order = np.argsort(oid)
    ra, dec, oid = ra[order], dec[order], oid[order]
    floats = [c.name for c in MERGED_SCHEMA.columns if str(c.dtype) in ("double", "float")]
    floats = [c for c in floats if c not in ("ra", "dec")]
    with table_writer(path, MERGED_SCHEMA, {}) as write:
        for lo in range(0, rows, chunk):
            n = min(chunk, rows - lo)
            df = pd.DataFrame(_empty_rows(MERGED_SCHEMA, n))
            df[floats] = rng.uniform(0, 1, (n, len(floats)))
            df["objectId"], df["ra"], df["dec"] = oid[lo : lo + n], ra[lo : lo + n], dec[lo : lo + n]
            df["field"] = "s82"
            write(df)


def synthetic(sizes: list[int]) -> dict:
    """Peak memory and wall time of the Object-table catalogue against N (synthetic tables)."""
    out = {}
    for rows in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"hats_synthetic_{rows}_"))
        try:
            synthetic_objecttable(work / "ObjectTable.parquet", rows)
            out[str(rows)] = _timed(_SYNTHETIC, work, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(f"{rows:,} rows: {out[str(rows)]}", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks hats_outputs")
    ap.add_argument("--workdir", type=Path, required=True, help="a finished run (its results/ folder)")
    ap.add_argument("--synthetic-rows", type=int, nargs="*", default=[], help="synthetic Object tables (memory vs N)")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "hats_outputs.json")
    args = ap.parse_args(argv)
    wd = args.workdir.resolve()
    costs = rule_costs(wd)
    stages = costs[costs["stage"].isin(["merge", "objecttable"])]
    hats_jobs = stages[stages["job"].str.contains("hats")]
    base_s = float(stages.loc[~stages["job"].str.contains("hats"), "s"].sum())
    scratch = Path(tempfile.mkdtemp(prefix="hats_outputs_"))
    try:
        job = _timed(_CATALOGUES, wd, scratch)
        size = {p.name: sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) for p in scratch.iterdir()}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    added = job["wall_s"]
    rec = {
        "workdir": str(wd),
        "merge_and_objecttable_job_s": round(base_s, 1),
        "hats_catalogues": job,
        "catalogue_bytes": size,
        "added_fraction": round(added / base_s, 3),
        # the run's own HATS jobs (rule jobs, script start-up included), against the same base
        "in_run_hats_jobs": hats_jobs.set_index("job")[["s", "cpu_s", "max_rss_mb"]].to_dict(orient="index"),
        "in_run_added_fraction": round(float(hats_jobs["s"].sum()) / base_s, 3),
        "target_fraction": TARGET_FRACTION,
    }
    if args.synthetic_rows:
        rec["synthetic_objecttable"] = synthetic(args.synthetic_rows)
    print(json.dumps(rec, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rec, indent=2) + "\n")
    return 0
