"""Features checked against truth: the mock sky's truth table and the real Sesar et al. (2010)
Stripe 82 RR Lyrae. Writes the numbers of ``results/validation/features.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from agnlc.core.paths import RESOURCES
from agnlc.features.periodic import PeriodSearch, multiband_period
from agnlc.sky.photometry import A, ab_mag_to_flux

__all__ = [
    "DRW_COLUMNS",
    "PERIOD_COLUMNS",
    "PERIOD_TOLERANCE",
    "SESAR_DIR",
    "drw_recovery_table",
    "mock_truth_report",
    "period_recovered",
    "period_recovery_table",
    "sesar_light_curves",
    "sesar_report",
    "sesar_summary",
    "sesar_table",
]

#: A period is recovered when |P - P_true| / P_true < this (the issue's 0.1 %).
PERIOD_TOLERANCE = 1e-3

#: columns of the per-object recovery tables (results/validation/{drw,periods}.parquet)
DRW_COLUMNS = ("objectid", "band", "tau_true_d", "tau_fit_d", "sigma_true_mag", "sigma_fit_mag",
               "baseline_days", "baseline_over_tau", "drw_flags")  # fmt: skip
PERIOD_COLUMNS = ("source", "id", "subclass", "period_true_d", "period_found_d", "fap", "recovered", "recovered_half")


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


def _with_truth(features: pd.DataFrame, truth: pd.DataFrame, summary: pd.DataFrame, band: str) -> pd.DataFrame:
    f = features.merge(truth, on="objectid", how="inner")
    base = summary[summary["band"] == f"sdss_{band}"][["objectid", "baseline_days"]]
    return f.merge(base, on="objectid", how="left")


def drw_recovery_table(
    features: pd.DataFrame, truth: pd.DataFrame, summary: pd.DataFrame, band: str = "g"
) -> pd.DataFrame:
    """Per DRW quasar of the mock sky: true and fitted DRW τ (d) and σ (mag) in ``band``.

    Returns
    -------
    pandas.DataFrame
        ``objectid, band, tau_true_d, tau_fit_d, sigma_true_mag, sigma_fit_mag, baseline_days,
        baseline_over_tau, drw_flags`` for every DRW quasar with a fitted τ.
    """
    f = _with_truth(features, truth, summary, band)
    tau, sig = f"lcNonPeriodic[28]_{band}", f"drwSigmaRms_{band}"
    q = f[(f["subclass"] == "qso_drw") & f[tau].notna()]
    return pd.DataFrame(
        {
            "objectid": q["objectid"].to_numpy(),
            "band": band,
            "tau_true_d": q[f"tau_obs_{band}"].to_numpy(float),
            "tau_fit_d": q[tau].to_numpy(float),
            "sigma_true_mag": q[f"drw_sigma_{band}"].to_numpy(float),
            "sigma_fit_mag": q[sig].to_numpy(float),
            "baseline_days": q["baseline_days"].to_numpy(float),
            "baseline_over_tau": (q["baseline_days"] / q[f"tau_obs_{band}"]).to_numpy(float),
            "drw_flags": q[f"drwFlags_{band}"].to_numpy(),
        }
    ).sort_values("objectid", kind="stable", ignore_index=True)


def period_recovery_table(features: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Per periodic variable of the mock sky (RRab, RRc, eclipsing binaries): true and found period.

    Returns
    -------
    pandas.DataFrame
        ``source ("mock"), id, subclass, period_true_d, period_found_d, fap, recovered,
        recovered_half`` (the last: found at half the true period, the usual EB alias).
    """
    f = features.merge(truth, on="objectid", how="inner")
    s = f[f["subclass"].isin(["rrab", "rrc", "eb"])]
    return pd.DataFrame(
        {
            "source": "mock",
            "id": s["objectid"].to_numpy(),
            "subclass": s["subclass"].to_numpy().astype(str),
            "period_true_d": s["period"].to_numpy(float),
            "period_found_d": s["period_days"].to_numpy(float),
            "fap": s["period_fap"].to_numpy(float),
            "recovered": period_recovered(s["period_days"], s["period"]),
            "recovered_half": period_recovered(s["period_days"], s["period"] / 2),
        }
    ).sort_values(["subclass", "id"], kind="stable", ignore_index=True)


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
    f = _with_truth(features, truth, summary, band)
    out: dict[str, Any] = {"band": band, "n_objects_matched": len(f)}
    q = drw_recovery_table(features, truth, summary, band)
    long = q["baseline_over_tau"] >= 10
    out["drw"] = {
        "definition": "median |log10(fit/true)| of DRW tau and sigma for DRW quasars; split by baseline/tau_true",
        "tau_all": _stats(_dlog(q["tau_fit_d"], q["tau_true_d"])),
        "tau_baseline_ge_10tau": _stats(_dlog(q.loc[long, "tau_fit_d"], q.loc[long, "tau_true_d"])),
        "tau_baseline_lt_10tau": _stats(_dlog(q.loc[~long, "tau_fit_d"], q.loc[~long, "tau_true_d"])),
        "sigma_all": _stats(_dlog(q["sigma_fit_mag"], q["sigma_true_mag"])),
        "flagged_fraction": float((q["drw_flags"] > 0).mean()) if len(q) else None,
    }
    d = f[(f["subclass"] == "qso_dho") & f[f"lcPeriodic[0]_{band}"].notna()]
    # the fits are in flux (nJy), the truth in magnitudes: b scales by dF/dm = F / (2.5/ln 10) at
    # the object's mean magnitude (first order in the variability amplitude)
    to_flux = ab_mag_to_flux(d[f"mag_{band}"])[0] / A
    true = {"a1": d["dho_a1"], "a2": d["dho_a2"], "b0": d["dho_b0"] * to_flux, "b1": d["dho_b1"] * to_flux}
    out["dho"] = {
        name: _stats(_dlog(d[f"lcPeriodic[{k}]_{band}"], true[name])) for k, name in enumerate(("a1", "a2", "b0", "b1"))
    }
    periods: dict[str, Any] = {}
    pt = period_recovery_table(features, truth)
    for sub in ("rrab", "rrc", "eb"):
        s = pt[pt["subclass"] == sub]
        periods[sub] = {
            "n": len(s),
            "recovered": int(s["recovered"].sum()),
            "fraction": float(s["recovered"].mean()) if len(s) else None,
        }
        if sub == "eb":
            periods[sub]["recovered_at_half_period"] = int(s["recovered_half"].sum())
    out["periods"] = periods
    ev = f[f["subclass"] == "qso_drw"][[f"lcNonPeriodic[23]_{band}", f"sf_inf_{band}"]].dropna()
    rho = spearmanr(ev.iloc[:, 0], ev.iloc[:, 1] ** 2).statistic if len(ev) > 3 else np.nan
    out["excess_variance_vs_sf_inf"] = {"n": len(ev), "spearman_rho_vs_sf_inf_squared": float(rho)}
    nonfinite = {c: int(np.isinf(features[c]).sum()) for c in features.columns if features[c].dtype.kind == "f"}
    out["infinite_values"] = {c: n for c, n in nonfinite.items() if n}
    return out


SESAR_DIR = RESOURCES / "validation" / "sesar2010"


def sesar_light_curves(folder: str | Path = SESAR_DIR) -> dict[int, pd.DataFrame]:
    """The Sesar et al. (2010) light curves (``time, mag, magerr, band``) by ``Num``, bad rows dropped."""
    d = pd.read_parquet(Path(folder) / "lightcurves.parquet")
    good = np.isfinite(d["mag"]) & (d["magerr"] > 0) & (d["magerr"] < 0.5) & (d["mag"] > 0) & (d["mag"] < 30)
    d = d[good].sort_values(["Num", "time"], kind="stable")
    return {int(n): g.drop(columns="Num").reset_index(drop=True) for n, g in d.groupby("Num", sort=True)}


def sesar_table(
    folder: str | Path = SESAR_DIR, search: PeriodSearch | None = None, limit: int | None = None
) -> pd.DataFrame:
    """Multi-band period of each real Sesar et al. (2010) RR Lyrae against its published period.

    Parameters
    ----------
    folder
        The shipped ``resources/validation/sesar2010`` (``periods.parquet`` with ``Num, Type, Per``
        and ``lightcurves.parquet``).
    search
        Period search settings.
    limit
        Only the first ``limit`` stars (sorted by number), for quick checks.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`period_recovery_table` with ``source = "sesar2010"``, ``id = Num``
        and ``subclass = "rr" + Type`` (``rrab``, ``rrc``).
    """
    folder = Path(folder)
    search = search or PeriodSearch()
    per = pd.read_parquet(folder / "periods.parquet").sort_values("Num")
    if limit:
        per = per.head(limit)
    curves = sesar_light_curves(folder)
    found = []
    for num in per["Num"]:
        d = curves[int(num)]
        p, fap, _ = multiband_period(
            d["time"].to_numpy(float),
            d["mag"].to_numpy(float),
            d["magerr"].to_numpy(float),
            d["band"].to_numpy().astype(str),
            search,
        )
        found.append((p, fap))
    res = np.array(found, dtype=float).reshape(len(found), 2)
    true = per["Per"].to_numpy(float)
    return pd.DataFrame(
        {
            "source": "sesar2010",
            "id": per["Num"].to_numpy(np.int64),
            "subclass": ("rr" + per["Type"].astype(str)).to_numpy(),
            "period_true_d": true,
            "period_found_d": res[:, 0],
            "fap": res[:, 1],
            "recovered": period_recovered(res[:, 0], true),
            "recovered_half": period_recovered(res[:, 0], true / 2),
        }
    )


def sesar_summary(table: pd.DataFrame) -> dict:
    """The Sesar recovery numbers of ``results/validation/features.json`` from :func:`sesar_table`."""
    ok = table["recovered"].to_numpy(bool)
    types = table["subclass"].str.removeprefix("rr")
    by_type = {
        str(t): {"n": int((types == t).sum()), "recovered": int(ok[(types == t).to_numpy()].sum())}
        for t in sorted(types.unique())
    }
    misses = table[~ok].head(20)
    return {
        "n": len(table),
        "recovered": int(ok.sum()),
        "fraction": float(ok.mean()) if len(table) else None,
        "tolerance": PERIOD_TOLERANCE,
        "by_type": by_type,
        "median_fap_recovered": float(np.median(table.loc[ok, "fap"])) if ok.any() else None,
        "first_misses": [
            {"Num": int(r.id), "published": float(r.period_true_d), "found": float(r.period_found_d)}
            for r in misses.itertuples()
        ],
    }


def sesar_report(folder: str | Path = SESAR_DIR, search: PeriodSearch | None = None, limit: int | None = None) -> dict:
    """:func:`sesar_summary` of :func:`sesar_table` (same parameters)."""
    return sesar_summary(sesar_table(folder, search, limit))
