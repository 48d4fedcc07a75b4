"""Feature-stage costs (issue: the cheap features >= 20x a naive pandas-groupby implementation
of the same features on 10,000 S82-like light curves; periodogram and DRW costs reported
separately with their grids).

Light curves: DRW (τ 100-600 d, σ 0.1-0.3 mag) at S82-like cadence, 60 epochs over 3,300 d,
0.02 mag errors, one band. Measured in one run on one core:

* ``agnlc``: :func:`agnlc.features.compute_features` with every model fit and the period search
  off (the 25 cheap lcNonPeriodic features: light-curve on Arrow input + segment reductions);
* ``baseline``: the same 25 features written the obvious way, ``groupby("objectid").apply`` of
  a numpy function per light curve;
* per-object costs of cesium's Lomb–Scargle model (lcPeriodic[4..32]), the DRW fit, the DHO fit and the
  multi-band period, with the grids used.

    python -m benchmarks features --n 10000
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from agnlc.features.compute import (
    FeatureSettings,
    compute_features,
    gpfit,
)
from agnlc.features.lombscargle import lomb_scargle_features
from agnlc.features.periodic import PeriodSearch, multiband_period
from benchmarks.lightcurves import light_curves

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 20.0


def _naive_one(g: pd.DataFrame) -> pd.Series:
    """The 25 cheap features of one light curve, written plainly (the slow-peer baseline)."""
    g = g.sort_values("mjd")
    t, m, s = g["mjd"].to_numpy(), g["mag"].to_numpy(float), g["mag_err"].to_numpy(float)
    n = len(m)
    mean, sd, med = m.mean(), m.std(ddof=1), np.median(m)
    w = 1 / s**2
    mw = np.sum(w * m) / np.sum(w)
    q = lambda p: np.percentile(m, p)  # noqa: E731
    delta = np.sqrt(n / (n - 1)) * (m - mw) / s
    pk = delta[1:] * delta[:-1]
    dm = np.diff(m[-30:])
    cs = np.cumsum(m - mean) / (n * sd)
    out = {
        "amplitude": (m.max() - m.min()) / 2,
        "beyond1std": np.mean(np.abs(m - mean) > sd),
        **{f"fpr{k}": (q(50 + h) - q(50 - h)) / (q(95) - q(5)) for k, h in enumerate((10, 17.5, 25, 32.5, 40))},
        "linear_trend": np.polyfit(t, m, 1)[0],
        "max_slope": np.max(np.abs(np.diff(m) / np.diff(t))),
        "mad": np.median(np.abs(m - med)),
        "mbrp": np.mean(np.abs(m - med) < 0.1 * (m.max() - m.min()) / 2),
        "pair_slope_trend": np.mean(dm < 0),
        "percent_amplitude": max(abs(m.max() - med), abs(med - m.min())),
        "pdfp": (q(95) - q(5)) / med,
        "skew": stats.skew(m, bias=False),
        "kurtosis": stats.kurtosis(m, bias=False),
        "std": sd,
        "stetson_j": np.sum(np.sign(pk) * np.sqrt(np.abs(pk))) / (n - 1),
        "stetson_k": np.sum(np.abs(delta)) / np.sqrt(n * np.sum(delta**2)),
        "var_median": sd**2 / med,
        "chi2": np.sum(w * (m - mw) ** 2) / (n - 1),
        "exvar": sd**2 - np.mean(s**2),
        "nexvar": (sd**2 - np.mean(s**2)) / mean**2,
        "cusum": cs.max() - cs.min(),
        "eta": np.sum(np.diff(m) ** 2) / ((n - 1) * sd**2),
    }
    return pd.Series(out)


def _time(fn, *args, **kw):
    t0 = time.perf_counter()
    res = fn(*args, **kw)
    return time.perf_counter() - t0, res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks features")
    ap.add_argument("--n", type=int, default=10000, help="light curves for the cheap-feature comparison")
    ap.add_argument("--n-fits", type=int, default=200, help="light curves for the per-object model costs")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "features.json")
    args = ap.parse_args(argv)
    lc = light_curves(args.n)
    ids = np.arange(args.n)
    cheap = FeatureSettings(
        drw_min_epochs=10**9, dho_min_epochs=10**9, periodic_min_epochs=10**9, multiband_period=False
    )
    t_agnlc, feats = _time(compute_features, lc, ids, {"sdss_g": "g"}, cheap)
    t_naive, naive = _time(lambda: lc.groupby("objectid", sort=True)[["mjd", "mag", "mag_err"]].apply(_naive_one))
    # same numbers (spot checks of a few features)
    np.testing.assert_allclose(feats["lcNonPeriodic[18]_g"], naive["std"], rtol=1e-5)
    np.testing.assert_allclose(feats["lcNonPeriodic[19]_g"], naive["stetson_j"], rtol=1e-5)
    np.testing.assert_allclose(feats["lcNonPeriodic[23]_g"], naive["exvar"], rtol=1e-4, atol=1e-9)
    rec = {
        "n_light_curves": args.n,
        "epochs": 60,
        "cheap_features": {
            "n_features": 25,
            "agnlc_s": t_agnlc,
            "naive_groupby_apply_s": t_naive,
            "agnlc_lc_per_s": args.n / t_agnlc,
            "naive_lc_per_s": args.n / t_naive,
            "speedup": t_naive / t_agnlc,
            "target_speedup": TARGET_RATIO,
        },
    }
    print(
        f"cheap features: agnlc {args.n / t_agnlc:,.0f} LC/s, naive {args.n / t_naive:,.0f} LC/s, "
        f"x{t_naive / t_agnlc:.0f} (target x{TARGET_RATIO:.0f})"
    )

    sub = lc[lc["objectid"] < args.n_fits]
    groups = [g for _, g in sub.groupby("objectid")]
    costs = {}
    curves = [(g["mjd"].to_numpy(), g["mag"].to_numpy(float), g["mag_err"].to_numpy(float)) for g in groups]
    dt, _ = _time(lambda: [lomb_scargle_features(t, m, s) for t, m, s in curves])
    costs["lomb_scargle_model"] = {
        "ms_per_lc": dt / len(curves) * 1e3,
        "grid": "cesium's: 1/T..33 1/d in 0.8/T steps, 3 frequencies, 8 harmonics (lcPeriodic[4..32])",
    }
    dt, _ = _time(
        lambda: [
            gpfit.fit_drw(g["mjd"].to_numpy(), g["mag"].to_numpy(float), g["mag_err"].to_numpy(float)) for g in groups
        ]
    )
    costs["drw_fit"] = {"ms_per_lc": dt / len(groups) * 1e3, "method": "celerite2 + L-BFGS-B, numeric gradients"}
    few = groups[: max(len(groups) // 4, 1)]
    dt, _ = _time(
        lambda: [
            gpfit.fit_dho(g["mjd"].to_numpy(), g["mag"].to_numpy(float), g["mag_err"].to_numpy(float)) for g in few
        ]
    )
    costs["dho_fit"] = {"ms_per_lc": dt / len(few) * 1e3, "method": "celerite2 + L-BFGS-B, numeric gradients"}
    rng = np.random.default_rng(3)
    mb = []
    for g in few:  # five bands: the same curve with per-band offsets
        b = rng.choice(["u", "g", "r", "i", "z"], len(g))
        mb.append((g["mjd"].to_numpy(), g["mag"].to_numpy(float), g["mag_err"].to_numpy(float), b))
    dt, _ = _time(lambda: [multiband_period(t, m, s, b, PeriodSearch()) for t, m, s, b in mb])
    costs["multiband_period"] = {"ms_per_object": dt / len(mb) * 1e3, "grid": "0..10 1/d, 2^15+1 frequencies"}
    rec["per_object_costs"] = costs
    for k, v in costs.items():
        print(f"{k}: {v}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rec, indent=2) + "\n")
    print(f"-> {args.out}")
    return 0
