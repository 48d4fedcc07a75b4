"""Whole-DAG cost against the number of targets, with two slow-peer baselines in the same run.

For each size N: a mock sky of N objects (plus its X-ray AGN and literature sample), the default
workflow run on it with ``--cores`` in ``benchmarks/out/work/scale_<N>/`` (shards chosen by
``samples.n_shards: auto``), then from the rules' ``benchmark:`` files the wall time, CPU time and
peak RSS per rule and per stage, the rows each stage wrote, and the Snakemake overhead
(``wall - sum(job wall) / cores``: the time the cores were not running a job).

Baselines on the same mirrors and machine:

* **Fornax-style collector**: a serial loop over objects, querying every light-curve archive for one
  object at a time with the same adapters (``run_adapter`` on a one-row target table) and appending
  each reply to a pandas MultiIndex (objectid, archive) frame, as the Fornax notebook's
  ``MultiIndexDFObject.append`` does. Timed on ``--baseline-sample`` random targets and scaled to N
  (per-object cost x N); compared with agnlc's light-curve stage (the summed job time of the
  ``lightcurves_*`` and ``merge_lightcurves`` rules) and with its wall time.
* **pandas groupby features**: the 25 cheap features by ``groupby("objectid").apply`` (as in
  ``benchmarks/features.py``) against :func:`agnlc.features.compute_features` on the SDSS g light
  curves of the run's merged shards.

    python -m benchmarks scale --sizes 2000 10000 50000

Writes ``benchmarks/out/scale.json``, ``scale.csv`` (one row per size and rule) and ``scale.png``.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from agnlc.archives import ArchiveSettings, get, run_adapter
from agnlc.core.config import validate_config
from agnlc.features.compute import FeatureSettings, compute_features
from benchmarks.features import _naive_one

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out"
#: the issue's goals
GOALS = {"wall_50k_s": 1200, "exponent": 1.1, "peak_rss_mb": 2000, "fornax_ratio": 10, "overhead_fraction": 0.10}


def overlay(n: int) -> dict:
    """Config changes for a sky of ``n`` objects (the rest is config.yaml's default)."""
    return {
        "mocksky": {"n_objects": n, "n_xray_agn": max(5, round(30 * n / 2000)), "literature_size": max(5, n // 100)},
        "validation": {"sesar_rrlyrae": ""},  # the real-data check is not part of the scaling
    }


def run_dag(n: int, cores: int) -> tuple[Path, dict]:
    """Run the workflow on a sky of ``n`` objects; returns its directory and the run record."""
    import yaml

    wd = OUT / "work" / f"scale_{n}"
    if wd.exists():  # always a whole-DAG run from nothing, never a rerun of what changed
        shutil.rmtree(wd)
    wd.mkdir(parents=True)
    extra = wd / "scale.yaml"
    extra.write_text(yaml.safe_dump(overlay(n)))
    cmd = [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "--directory", str(wd),
           "--configfile", str(REPO / "config.yaml"), str(extra), "--cores", str(cores)]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=wd)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    (wd / "snakemake.log").write_text(res.stdout + res.stderr)
    if res.returncode != 0:
        raise SystemExit(f"workflow failed for N={n}; see {wd / 'snakemake.log'}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wd, {"wall_s": wall, "cpu_s": cpu, "cores": cores}


def rule_costs(wd: Path) -> pd.DataFrame:
    """One row per job from the ``benchmark:`` files: rule, stage, s, cpu_time, max_rss (MB)."""
    rows = []
    root = wd / "results" / "benchmarks"
    for path in sorted(root.rglob("*.tsv")):
        rel = path.relative_to(root).with_suffix("")
        stage = rel.parts[0]
        rule = "/".join(p for p in rel.parts if "-of-" not in p)  # e.g. lightcurves/ztf, merge, features
        b = pd.read_csv(path, sep="\t").iloc[-1]
        rows.append({"rule": rule, "stage": stage, "job": str(rel), "s": float(b["s"]),
                     "cpu_s": float(b.get("cpu_time", np.nan)), "max_rss_mb": float(b["max_rss"])})  # fmt: skip
    return pd.DataFrame(rows)


def stage_rows(wd: Path) -> dict[str, int]:
    """Rows written per stage (Parquet footers only)."""
    r = wd / "results"

    def rows(pattern: str) -> int:
        return sum(pq.read_metadata(p).num_rows for p in r.glob(pattern))

    return {
        "targets": rows("samples/targets.parquet"),
        "archive_rows": sum(
            rows(f"lightcurves/{a.name}/*.parquet")
            for a in (r / "lightcurves").iterdir()
            if a.is_dir() and a.name not in ("merged", "summary")
        ),
        "merged_rows": rows("lightcurves/merged/*.parquet"),
        "feature_rows": rows("features/*.parquet"),
        "objecttable_rows": rows("ObjectTable.parquet"),
        "s82_objecttable_rows": rows("s82ObjectTable.parquet"),
        "xmmlss_objecttable_rows": rows("xmmlssObjectTable.parquet"),
        "objecttable_columns": sum(pq.read_metadata(p).num_columns for p in r.glob("ObjectTable.parquet")),
    }


def fornax_style(wd: Path, sample: int, seed: int = 7) -> dict:
    """Serial per-object queries of every light-curve archive, appended to a MultiIndex frame."""
    import yaml

    cfg = validate_config(yaml.safe_load((REPO / "config.yaml").read_text()))
    targets = pd.read_parquet(wd / "results" / "samples" / "targets.parquet")
    pick = targets.sample(n=min(sample, len(targets)), random_state=seed).reset_index(drop=True)
    settings = {}
    for name, acfg in cfg["archives"].items():
        acfg = {**acfg, "mirror": str(wd / acfg["mirror"])}
        settings[name] = ArchiveSettings.from_config(name, acfg)
    frame = pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=["objectid", "archive"]))
    logging.getLogger().setLevel(logging.ERROR)  # lsdb warns about renamed columns on every query
    t0 = time.perf_counter()
    for i in range(len(pick)):  # the peer's design: one object at a time
        one = pick.iloc[[i]]
        for name, s in settings.items():
            lc, _ = run_adapter(get(name), one, s)
            if len(lc):
                lc = lc.set_index(["objectid", "archive"])
                frame = pd.concat([frame, lc])  # MultiIndexDFObject.append
    dt = time.perf_counter() - t0
    return {"objects": len(pick), "s": dt, "s_per_object": dt / len(pick), "rows": len(frame)}


def groupby_features(wd: Path, limit: int = 20000) -> dict:
    """Cheap features: agnlc (light-curve on Arrow) against pandas groupby-apply, SDSS g band."""
    merged = pd.concat(
        pd.read_parquet(p, filters=[("band", "==", "sdss_g"), ("upper_limit", "==", False)])
        for p in sorted((wd / "results" / "lightcurves" / "merged").glob("*.parquet"))
    )
    ids = np.unique(merged["objectid"])[:limit]
    lc = merged[merged["objectid"].isin(ids)]
    cheap = FeatureSettings(drw_min_epochs=10**9, dho_min_epochs=10**9, periodic_min_epochs=10**9,
                            multiband_period=False)  # fmt: skip
    t0 = time.perf_counter()
    compute_features(lc, ids, {"sdss_g": "g"}, cheap)
    t_agnlc = time.perf_counter() - t0
    t0 = time.perf_counter()
    lc[lc.groupby("objectid")["mag"].transform("size") >= 5].groupby("objectid")[["mjd", "mag", "mag_err"]].apply(
        _naive_one
    )
    t_naive = time.perf_counter() - t0
    return {"light_curves": len(ids), "agnlc_s": t_agnlc, "groupby_s": t_naive, "ratio": t_naive / t_agnlc}


def plot(records: list[dict], path: Path) -> None:
    """Total wall and per-stage job time against N (log-log), and peak RSS per stage."""
    from matplotlib.ticker import NullFormatter

    from agnlc.plotting.style import plt, savefig

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.8), layout="constrained")
    ns = np.array([r["n_objects"] for r in records], float)
    a1.plot(ns, [r["run"]["wall_s"] for r in records], "ko-", label="total wall (2 cores)")
    stages = sorted({s for r in records for s in r["stages"]})
    for s in stages:
        a1.plot(ns, [r["stages"].get(s, {}).get("s", np.nan) for r in records], ".-", label=f"{s} (job s)")
        a2.plot(ns, [r["stages"].get(s, {}).get("max_rss_mb", np.nan) for r in records], ".-", label=s)
    if any("fornax_style" in r for r in records):
        a1.plot(ns, [r.get("fornax_style", {}).get("projected_s", np.nan) for r in records], "rx--",
                label="Fornax-style loop (projected)")  # fmt: skip
    a1.plot([50000], [GOALS["wall_50k_s"]], "k*", ms=10, label="goal: 50k in 20 min")
    a1.set_xscale("log")
    a1.set_yscale("log")
    a1.set_xlabel("objects in the mock sky")
    a1.set_ylabel("seconds")
    a1.legend(fontsize=7, ncols=2)
    a2.axhline(GOALS["peak_rss_mb"], color="r", ls="--", lw=0.8, label="2 GB goal")
    a2.set_xscale("log")
    a2.set_xlabel("objects in the mock sky")
    a2.set_ylabel("peak RSS of the largest job [MB]")
    a2.legend(fontsize=7, ncols=2)
    for ax in (a1, a2):
        ax.xaxis.set_minor_formatter(NullFormatter())
    savefig(fig, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks scale")
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000, 50000])
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--baseline-sample", type=int, default=30, help="targets timed in the Fornax-style loop")
    ap.add_argument("--baseline-max-n", type=int, default=10000, help="largest sky the baselines run on")
    ap.add_argument("--out", type=Path, default=OUT / "scale.json")
    args = ap.parse_args(argv)
    records = json.loads(args.out.read_text()) if args.out.exists() else []
    records = [r for r in records if r["n_objects"] not in args.sizes]
    for n in args.sizes:
        print(f"N={n}: running the workflow ...", flush=True)
        wd, run = run_dag(n, args.cores)
        costs = rule_costs(wd)
        rec = {"n_objects": n, "run": run, "rows": stage_rows(wd)}
        rec["n_shards"] = len(list((wd / "results" / "samples" / "shards").glob("*.parquet")))
        by_stage = costs.groupby("stage").agg(s=("s", "sum"), cpu_s=("cpu_s", "sum"), max_rss_mb=("max_rss_mb", "max"))
        rec["stages"] = by_stage.round(2).to_dict(orient="index")
        rec["jobs"] = len(costs)
        rec["peak_rss_mb"] = float(costs["max_rss_mb"].max())
        rec["peak_rss_rule"] = str(costs.loc[costs["max_rss_mb"].idxmax(), "rule"])
        job_s = float(costs["s"].sum())
        rec["overhead_s"] = run["wall_s"] - job_s / args.cores
        rec["overhead_fraction"] = rec["overhead_s"] / run["wall_s"]
        costs.assign(n_objects=n).to_csv(OUT / f"scale_{n}_jobs.csv", index=False)
        if n <= args.baseline_max_n:
            fx = fornax_style(wd, args.baseline_sample)
            lc_s = float(costs.loc[costs["stage"].isin(["lightcurves", "merge"]), "s"].sum())
            fx["projected_s"] = fx["s_per_object"] * rec["rows"]["targets"]
            fx["agnlc_lightcurve_stage_job_s"] = lc_s
            fx["ratio_vs_job_time"] = fx["projected_s"] / lc_s
            rec["fornax_style"] = fx
            rec["groupby_features"] = groupby_features(wd)
        records.append(rec)
        print(json.dumps(rec, indent=1, default=float), flush=True)
        records.sort(key=lambda r: r["n_objects"])
        args.out.write_text(json.dumps(records, indent=2, default=float) + "\n")
    if len(records) >= 2:
        ns = np.log([r["n_objects"] for r in records])
        walls = np.log([r["run"]["wall_s"] for r in records])
        exponent = float(np.polyfit(ns, walls, 1)[0])
        for r in records:
            r["fit_exponent_wall_vs_n"] = exponent
        print(f"wall time ~ N^{exponent:.2f} over N = {[r['n_objects'] for r in records]}")
    args.out.write_text(json.dumps(records, indent=2, default=float) + "\n")
    pd.concat([pd.read_csv(OUT / f"scale_{r['n_objects']}_jobs.csv") for r in records]).to_csv(
        OUT / "scale.csv", index=False
    )
    plot(records, args.out.with_suffix(".png"))
    print(f"-> {args.out}, {args.out.with_suffix('.csv')}, {args.out.with_suffix('.png')}")
    return 0
