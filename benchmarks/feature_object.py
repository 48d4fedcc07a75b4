"""Feature-stage cost per five-band S82-like object, this code against an earlier revision in one run.

Each object has five bands (ugriz), each a 60-epoch DRW light curve over 3,300 d (τ 100-600 d,
σ 0.1-0.3 mag, 0.02 mag errors; :func:`benchmarks.lightcurves.light_curves`), which is the demo's
Stripe 82 quasar. Every feature is on, with the default settings: the cheap features, DRW and
quasar χ² in five bands, DHO in g, r, i, cesium's Lomb–Scargle model in five bands and the multi-band
period. Both codes run in fresh processes on one core with one BLAS thread, as a one-thread
feature job does; the earlier revision's ``scripts/agnlc`` comes from ``git archive``.

    python -m benchmarks feature_object --objects 200 --baseline-rev 22bb0bd

Target (issue 23): ≤ 0.05 CPU-s per object (the 50k run measured 0.21 job-CPU-s per target). It
predates cesium's Lomb–Scargle model (issue 26), which alone costs about 0.2 CPU-s per five-band
object; the benchmark also reports the cost without it (``features.lomb_scargle_bands: []``).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
TARGET_CPU_S = 0.05


def measure(n: int) -> dict:
    """CPU and wall seconds per object of ``compute_features`` on ``n`` five-band objects."""
    import agnlc
    from agnlc.features.compute import FeatureSettings, compute_features
    from benchmarks.lightcurves import light_curves

    lc = pd.concat(
        [light_curves(n, seed=k + 1).assign(band=f"sdss_{b}") for k, b in enumerate("ugriz")], ignore_index=True
    )
    bands = {f"sdss_{b}": b for b in "ugriz"}
    compute_features(lc[lc["objectid"] < 2], np.arange(2), bands, FeatureSettings())  # imports, caches
    c0, w0 = time.process_time(), time.perf_counter()
    feats = compute_features(lc, np.arange(n), bands, FeatureSettings())
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    rec = {
        "agnlc": str(Path(agnlc.__file__).parent),
        "objects": n,
        "cpu_s_per_object": cpu / n,
        "wall_s_per_object": wall / n,
        "period_found": int(np.isfinite(feats["period_days"]).sum()),
    }
    if "lomb_scargle_bands" in FeatureSettings.__dataclass_fields__:  # the rest, without cesium's model
        c0 = time.process_time()
        compute_features(lc, np.arange(n), bands, FeatureSettings(lomb_scargle_bands=()))
        rec["cpu_s_per_object_without_lomb_scargle"] = (time.process_time() - c0) / n
    return rec


def _run(n: int, pythonpath: Path | None) -> dict:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    paths = [str(REPO)] if pythonpath is None else [str(pythonpath), str(REPO)]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    code = f"import json; from benchmarks.feature_object import measure; print(json.dumps(measure({n})))"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks feature_object")
    ap.add_argument("--objects", type=int, default=200)
    ap.add_argument("--baseline-rev", default="22bb0bd", help="git revision of the earlier code")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "feature_object.json")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tar = subprocess.run(
            ["git", "archive", args.baseline_rev, "scripts/agnlc"], cwd=REPO, check=True, capture_output=True
        ).stdout
        tarfile.open(fileobj=io.BytesIO(tar)).extractall(tmp, filter="data")
        old = _run(args.objects, Path(tmp) / "scripts")
    new = _run(args.objects, None)
    assert old["agnlc"] != new["agnlc"], "the baseline did not load its own agnlc"
    rec = {
        "objects": args.objects,
        "baseline_rev": args.baseline_rev,
        "current": new,
        "baseline": old,
        "speedup_cpu": old["cpu_s_per_object"] / new["cpu_s_per_object"],
        "target_cpu_s_per_object": TARGET_CPU_S,
        "ratio_to_target": new["cpu_s_per_object"] / TARGET_CPU_S,
    }
    print(
        f"five-band object: {new['cpu_s_per_object']:.4f} CPU-s now, {old['cpu_s_per_object']:.4f} at "
        f"{args.baseline_rev} (x{rec['speedup_cpu']:.2f}); target {TARGET_CPU_S} (ratio {rec['ratio_to_target']:.2f})"
    )
    if "cpu_s_per_object_without_lomb_scargle" in new:
        rest = new["cpu_s_per_object_without_lomb_scargle"]
        ls = new["cpu_s_per_object"] - rest
        print(f"  of which cesium's Lomb-Scargle model (five bands) {ls:.4f}, the rest {rest:.4f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rec, indent=2) + "\n")
    print(f"-> {args.out}")
    return 0
