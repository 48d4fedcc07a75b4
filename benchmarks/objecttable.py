"""Peak memory of the Object-table gather and merge against N (issue 23: a synthetic 500k-row
gather within 1 GB, and no job whose memory grows with the sample).

Synthetic shard tables in the Stripe 82 contract (every column, random values, ``--shard-size``
rows each, contiguous objectId ranges as the workflow's shards have) and an XMM-LSS table of
``--xmm`` rows, some of them counterparts of Stripe 82 rows. Each step runs in a fresh process
and reports wall time and peak RSS; in the same run the baseline does the same work the way the
rules did before (every shard concatenated in memory, then one write):

* ``gather``: the shards -> ``s82ObjectTable.parquet`` (streamed: one shard in memory);
* ``merge``: S82 + XMM-LSS -> ``ObjectTable.parquet`` (streamed: one 5,000-row batch).

    python -m benchmarks objecttable --rows 500000
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
TARGET_GB = 1.0

_STEP = r"""
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
mode, step, work = sys.argv[1], sys.argv[2], Path(sys.argv[3])
from agnlc.core.io import read_table, table_writer, write_table
from agnlc.objecttables.contract import MERGED_SCHEMA, S82_SCHEMA
from agnlc.objecttables import merge as m
parts = sorted((work / "parts").glob("*.parquet"), key=lambda p: int(p.stem))
if step == "gather":
    out = work / f"s82-{mode}.parquet"
    if mode == "stream":
        with table_writer(out, S82_SCHEMA, {}) as write:
            n = m.gather_parts(parts, read_table, write)
    else:
        import pandas as pd
        df = pd.concat([read_table(p) for p in parts], ignore_index=True).sort_values("objectId", kind="stable")
        n = len(write_table(df, out, S82_SCHEMA, {}))
else:
    s82, xmm = work / f"s82-stream.parquet", read_table(work / "xmm.parquet")
    out = work / f"merged-{mode}.parquet"
    if mode == "stream":
        n = 0
        with table_writer(out, MERGED_SCHEMA, {}) as write:
            for part in m.merge_stream(m.parquet_batches(s82), xmm, 1.0):
                write(part)
                n += len(part)
    else:
        n = len(write_table(m.merge_tables(read_table(s82), xmm, 1.0), out, MERGED_SCHEMA, {}))
print(json.dumps({"rows": n, "wall_s": time.perf_counter() - t0,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_inputs(work: Path, rows: int, shard_size: int, n_xmm: int, seed: int = 1) -> None:
    """Synthetic shard tables (S82 contract) and an XMM-LSS table, written once per size."""
    import pandas as pd

    from agnlc.core.io import write_table
    from agnlc.objecttables.contract import S82_SCHEMA
    from agnlc.objecttables.rows import _empty_rows

    stamp = work / "inputs.json"
    if stamp.exists() and json.loads(stamp.read_text()) == [rows, shard_size, n_xmm, seed]:
        return
    shutil.rmtree(work, ignore_errors=True)
    (work / "parts").mkdir(parents=True)
    rng = np.random.default_rng(seed)
    ids = np.sort(rng.choice(2**40, rows, replace=False))
    float_cols = [f.name for f in S82_SCHEMA.arrow_schema() if str(f.type) in ("double", "float")]
    for k, lo in enumerate(range(0, rows, shard_size)):
        n = min(shard_size, rows - lo)
        df = pd.DataFrame(_empty_rows(S82_SCHEMA, n))
        vals = rng.uniform(0, 1, (n, len(float_cols)))  # inside every contract range
        df[float_cols] = vals.astype(np.float64)
        df["objectId"] = ids[lo : lo + n]
        df["ra"], df["dec"] = rng.uniform(0, 60, n), rng.uniform(-1.25, 1.25, n)
        write_table(df, work / "parts" / f"{k}.parquet", S82_SCHEMA, {})
    x = pd.DataFrame(_empty_rows(S82_SCHEMA, n_xmm))
    x[float_cols] = rng.uniform(0, 1, (n_xmm, len(float_cols)))
    x["objectId"] = np.sort(rng.choice(2**40, n_xmm, replace=False)) + 2**40
    x["ra"], x["dec"] = rng.uniform(34, 37, n_xmm), rng.uniform(-1.25, 1.25, n_xmm)
    write_table(x, work / "xmm.parquet", S82_SCHEMA, {})
    stamp.write_text(json.dumps([rows, shard_size, n_xmm, seed]))


def _run(mode: str, step: str, work: Path) -> dict:
    res = subprocess.run([sys.executable, "-c", _STEP, mode, step, str(work)], capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks objecttable")
    ap.add_argument("--rows", type=int, nargs="+", default=[50000, 500000])
    ap.add_argument("--shard-size", type=int, default=2500)
    ap.add_argument("--xmm", type=int, default=10000)
    ap.add_argument("--work", type=Path, default=REPO / "benchmarks" / "out" / "work" / "objecttable")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "objecttable.json")
    args = ap.parse_args(argv)
    report = {"target_peak_gb": TARGET_GB, "sizes": {}}
    for rows in args.rows:
        work = args.work / str(rows)
        t0 = time.perf_counter()
        make_inputs(work, rows, args.shard_size, args.xmm)
        print(f"{rows:,} rows in {rows // args.shard_size} shards: inputs in {time.perf_counter() - t0:.0f} s")
        size = {}
        for step in ("gather", "merge"):
            stream, base = _run("stream", step, work), _run("baseline", step, work)
            assert stream["rows"] == base["rows"], (step, stream, base)
            size[step] = {
                "stream": stream,
                "baseline": base,
                "peak_ratio": stream["peak_rss_mb"] / base["peak_rss_mb"],
                "wall_ratio": stream["wall_s"] / base["wall_s"],
            }
            print(f"  {step}: peak {stream['peak_rss_mb']:.0f} MB streamed vs {base['peak_rss_mb']:.0f} MB "
                  f"baseline; wall {stream['wall_s']:.1f} s vs {base['wall_s']:.1f} s")  # fmt: skip
        report["sizes"][str(rows)] = size
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    worst = max(s[k]["stream"]["peak_rss_mb"] for s in report["sizes"].values() for k in s) / 1024
    print(f"worst streamed peak {worst:.2f} GB (target <= {TARGET_GB} GB) -> {args.out}")
    return 0 if worst <= TARGET_GB else 1
