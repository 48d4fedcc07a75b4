"""Mock-sky generation cost against its targets (issue: 50,000 objects with every archive in
<= 5 minutes and <= 2 GB peak on 2 cores).

Each size runs in its own process (``/usr/bin/time``-style peak RSS from ``resource``), so the
numbers are the whole generation's. Output: ``benchmarks/out/mocksky.json`` with wall time,
CPU time, peak RSS, files and bytes written per size, and the ratios to the targets.

    python -m benchmarks mocksky --sizes 2000 10000 50000
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS, TARGET_MB, TARGET_N = 300.0, 2048.0, 50000

_CHILD = """
import json, resource, sys, time
from agnlc.mocksky import MockSkyConfig, generate
t0 = time.perf_counter(); c0 = time.process_time()
m = generate(MockSkyConfig(seed={seed}, n_objects={n}), {out!r})
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({{"wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0,
                  "peak_rss_mb": ru.ru_maxrss / 1024, "files": len(m["files"])}}))
"""


def run(n: int, seed: int) -> dict:
    """Generate one sky of ``n`` objects in a fresh process and measure it."""
    out = Path(tempfile.mkdtemp(prefix=f"agnlc-bench-mocksky-{n}-"))
    try:
        code = _CHILD.format(scripts=str(REPO / "scripts"), seed=seed, n=n, out=str(out))
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        rec = json.loads(res.stdout.strip().splitlines()[-1])
        rec["process_wall_s"] = time.perf_counter() - t0
        rec["bytes"] = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    finally:
        shutil.rmtree(out, ignore_errors=True)
    rec["n_objects"] = n
    return rec


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks mocksky")
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000, 50000])
    ap.add_argument("--seed", type=int, default=20261121)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "mocksky.json")
    args = ap.parse_args(argv)
    rows = []
    for n in args.sizes:
        rec = run(n, args.seed)
        # ratios to the targets (time extrapolated linearly to 50,000 objects for smaller skies)
        rec["time_vs_target"] = rec["wall_s"] * max(TARGET_N / n, 1.0) / TARGET_SECONDS
        rec["rss_vs_target"] = rec["peak_rss_mb"] / TARGET_MB
        rows.append(rec)
        print(
            f"N={n:>6}: {rec['wall_s']:7.1f} s wall, {rec['cpu_s']:7.1f} s CPU, {rec['peak_rss_mb']:7.0f} MB peak, "
            f"{rec['files']} files, {rec['bytes'] / 1e6:.0f} MB"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {"targets": {"seconds": TARGET_SECONDS, "peak_mb": TARGET_MB, "n": TARGET_N}, "runs": rows}, indent=2
        )
        + "\n"
    )
    big = [r for r in rows if r["n_objects"] >= TARGET_N]
    if big:
        r = big[-1]
        print(
            f"50k target: time {r['wall_s']:.0f}/{TARGET_SECONDS:.0f} s, peak {r['peak_rss_mb']:.0f}/{TARGET_MB:.0f} MB"
        )
    return 0
