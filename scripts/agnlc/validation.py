"""Features checked against truth: the mock sky's truth table and the real Sesar et al. (2010)
Stripe 82 RR Lyrae. Writes the numbers of ``results/validation/features.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from agnlc.periodic import PeriodSearch, multiband_period

__all__ = ["PERIOD_TOLERANCE", "mock_truth_report", "period_recovered", "sesar_light_curve", "sesar_report"]

#: A period is recovered when |P - P_true| / P_true < this (the issue's 0.1 %).
PERIOD_TOLERANCE = 1e-3


def period_recovered(p: np.ndarray, p_true: np.ndarray, tol: float = PERIOD_TOLERANCE) -> np.ndarray:
    """Boolean: ``|p - p_true| / p_true < tol`` (NaN is not recovered)."""
    with np.errstate(invalid="ignore"):
        return np.abs(np.asarray(p) - np.asarray(p_true)) / np.asarray(p_true) < tol


def _dlog(fit: pd.Series, true: pd.Series) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.log10(fit.to_numpy(float) / true.to_numpy(float))
    return d[np.isfinite(d)]


def _stats(d: np.ndarray) -> dict[str, Any]:
    return {
        "n": len(d),
        "median_abs_dlog10": float(np.median(np.abs(d))) if len(d) else None,
        "median_dlog10": float(np.median(d)) if len(d) else None,
    }


def mock_truth_report(features: pd.DataFrame, truth: pd.DataFrame, summary: pd.DataFrame, band: str = "g") -> dict:
    """Recovery of DRW, DHO, periods and excess variance against the mock truth, in ``band``.

    Parameters
    ----------
    features
        Gathered feature shards.
    truth
        The mock sky's truth table (``objectid`` as in the targets).
    summary
        Gathered light-curve summaries (for the baseline of the feature band).
    band
        Object-table band to check (its light-curve band is ``sdss_{band}``).
    """
    f = features.merge(truth, on="objectid", how="inner")
    base = summary[summary["band"] == f"sdss_{band}"][["objectid", "baseline_days"]]
    f = f.merge(base, on="objectid", how="left")
    out: dict[str, Any] = {"band": band, "n_objects_matched": len(f)}
    sig, tau = f"lcNonPeriodic[27]_{band}", f"lcNonPeriodic[28]_{band}"
    q = f[(f["subclass"] == "qso_drw") & f[tau].notna()]
    long = q["baseline_days"] >= 10 * q[f"tau_obs_{band}"]
    out["drw"] = {
        "definition": "median |log10(fit/true)| of DRW tau and sigma for DRW quasars; split by baseline/tau_true",
        "tau_all": _stats(_dlog(q[tau], q[f"tau_obs_{band}"])),
        "tau_baseline_ge_10tau": _stats(_dlog(q.loc[long, tau], q.loc[long, f"tau_obs_{band}"])),
        "tau_baseline_lt_10tau": _stats(_dlog(q.loc[~long, tau], q.loc[~long, f"tau_obs_{band}"])),
        "sigma_all": _stats(_dlog(q[sig], q[f"drw_sigma_{band}"])),
        "flagged_fraction": float((q[f"drwFlags_{band}"] > 0).mean()) if len(q) else None,
    }
    d = f[(f["subclass"] == "qso_dho") & f[f"lcPeriodic[0]_{band}"].notna()]
    out["dho"] = {
        name: _stats(_dlog(d[f"lcPeriodic[{k}]_{band}"], d[f"dho_{name}"]))
        for k, name in enumerate(("a1", "a2", "b0", "b1"))
    }
    periods: dict[str, Any] = {}
    for sub in ("rrab", "rrc", "eb"):
        s = f[f["subclass"] == sub]
        ok = period_recovered(s["period_days"], s["period"])
        half = period_recovered(s["period_days"], s["period"] / 2)
        periods[sub] = {"n": len(s), "recovered": int(ok.sum()), "fraction": float(ok.mean()) if len(s) else None}
        if sub == "eb":
            periods[sub]["recovered_at_half_period"] = int(half.sum())
    out["periods"] = periods
    ev = f[f["subclass"] == "qso_drw"][[f"lcNonPeriodic[23]_{band}", f"sf_inf_{band}"]].dropna()
    rho = spearmanr(ev.iloc[:, 0], ev.iloc[:, 1] ** 2).statistic if len(ev) > 3 else np.nan
    out["excess_variance_vs_sf_inf"] = {"n": len(ev), "spearman_rho_vs_sf_inf_squared": float(rho)}
    nonfinite = {c: int(np.isinf(features[c]).sum()) for c in features.columns if features[c].dtype.kind == "f"}
    out["infinite_values"] = {c: n for c, n in nonfinite.items() if n}
    return out


def sesar_light_curve(path: str | Path) -> pd.DataFrame:
    """One Sesar et al. (2010) light curve (``time, mag, magerr, band``), bad rows dropped."""
    d = pd.read_csv(path)
    good = np.isfinite(d["mag"]) & (d["magerr"] > 0) & (d["magerr"] < 0.5) & (d["mag"] > 0) & (d["mag"] < 30)
    return d[good].sort_values("time", kind="stable").reset_index(drop=True)


def sesar_report(folder: str | Path, search: PeriodSearch | None = None, limit: int | None = None) -> dict:
    """Multi-band period recovery on the real Sesar et al. (2010) RR Lyrae.

    Parameters
    ----------
    folder
        ``sesar2010_rrlyrae`` with ``periods.csv`` (Num, Type, Per) and ``light-curves/<Num>.csv``.
    search
        Period search settings.
    limit
        Only the first ``limit`` stars (sorted by number), for quick checks.
    """
    folder = Path(folder)
    search = search or PeriodSearch()
    per = pd.read_csv(folder / "periods.csv").sort_values("Num")
    if limit:
        per = per.head(limit)
    found = []
    for num in per["Num"]:
        d = sesar_light_curve(folder / "light-curves" / f"{num}.csv")
        p, fap, _ = multiband_period(
            d["time"].to_numpy(float),
            d["mag"].to_numpy(float),
            d["magerr"].to_numpy(float),
            d["band"].to_numpy().astype(str),
            search,
        )
        found.append((p, fap))
    res = np.array(found, dtype=float).reshape(len(found), 2)
    ok = period_recovered(res[:, 0], per["Per"].to_numpy())
    by_type = {
        str(t): {"n": int((per["Type"] == t).sum()), "recovered": int(ok[(per["Type"] == t).to_numpy()].sum())}
        for t in sorted(per["Type"].unique())
    }
    misses = per.assign(found=res[:, 0])[~ok].head(20)
    return {
        "n": len(per),
        "recovered": int(ok.sum()),
        "fraction": float(ok.mean()) if len(per) else None,
        "tolerance": PERIOD_TOLERANCE,
        "by_type": by_type,
        "median_fap_recovered": float(np.median(res[ok, 1])) if ok.any() else None,
        "first_misses": [
            {"Num": int(r.Num), "published": float(r.Per), "found": float(r.found)} for r in misses.itertuples()
        ],
    }
