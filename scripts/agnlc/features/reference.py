"""Agreement of agnlc's lc* features with the AGN Data Challenge's tools on shipped reference
light curves: cesium 0.12 (``cesium_features.csv``), FATS 1.3.6 and EzTao 0.5.1
(``eztao_fats_features.csv``), in ``resources/validation/reference_features`` (its README gives
their sources and licences; ``make reference`` regenerates them, each tool in its own
environment).

Each deterministic lc* column is paired with the feature the challenge computed it with (its
``docs/lc_feats.yml`` and feature notebook); a pair *agrees* on a light curve when the relative
difference is at most :data:`TOLERANCE`. The DRW fit ([27], [28]) is compared with EzTao's where
both fits end inside their bounds, the DHO fit (lcPeriodic[0-3]) by each solution's likelihood
under EzTao's model. The rule ``validation_reference`` writes these tables into the validation
report; ``tests/unit/test_reference_features.py`` asserts them.
"""

from __future__ import annotations

from pathlib import Path

import celerite2
import numpy as np
import pandas as pd

from agnlc.features import carma
from agnlc.features.compute import compute_features
from agnlc.features.definitions import FEATURE_FLAGS
from agnlc.sky.photometry import ab_mag_to_flux

__all__ = [
    "PAIRS",
    "TOLERANCE",
    "agnlc_features",
    "agreement",
    "agreement_report",
    "dho_agreement",
    "drw_agreement",
    "reference_features",
    "reference_lightcurves",
]

TOLERANCE = 1e-6

#: lc* column (band g) -> the cesium 0.12 (or FATS 1.3.6) feature of the same challenge name
PAIRS: dict[str, str] = {
    "lcNonPeriodic[0]": "amplitude",
    "lcNonPeriodic[1]": "percent_beyond_1_std",
    "lcNonPeriodic[2]": "flux_percentile_ratio_mid20",
    "lcNonPeriodic[3]": "flux_percentile_ratio_mid35",
    "lcNonPeriodic[4]": "flux_percentile_ratio_mid50",
    "lcNonPeriodic[5]": "flux_percentile_ratio_mid65",
    "lcNonPeriodic[6]": "flux_percentile_ratio_mid80",
    "lcNonPeriodic[7]": "linear_trend",
    "lcNonPeriodic[8]": "max_slope",
    "lcNonPeriodic[9]": "median_absolute_deviation",
    "lcNonPeriodic[10]": "percent_close_to_median",
    "lcNonPeriodic[11]": "fats_pair_slope_trend",
    "lcNonPeriodic[12]": "percent_amplitude",
    "lcNonPeriodic[13]": "percent_difference_flux_percentile",
    "lcNonPeriodic[14]": "qso_log_chi2_qsonu",
    "lcNonPeriodic[15]": "qso_log_chi2nuNULL_chi2nu",
    "lcNonPeriodic[16]": "skew",
    "lcNonPeriodic[17]": "fats_small_kurtosis",
    "lcNonPeriodic[18]": "std",
    "lcNonPeriodic[19]": "stetson_j",
    "lcNonPeriodic[20]": "stetson_k",
}
for _i in (1, 2, 3):
    _base = 4 + 8 * (_i - 1)
    for _j in range(4):
        PAIRS[f"lcPeriodic[{_base + _j}]"] = f"freq{_i}_amplitude{_j + 1}"
    PAIRS[f"lcPeriodic[{_base + 4}]"] = f"freq{_i}_freq"
    for _j in range(3):
        PAIRS[f"lcPeriodic[{_base + 5 + _j}]"] = f"freq{_i}_rel_phase{_j + 2}"
PAIRS |= {
    "lcPeriodic[28]": "freq1_signif",
    "lcPeriodic[29]": "freq_signif_ratio_21",
    "lcPeriodic[30]": "freq_signif_ratio_31",
    "lcPeriodic[31]": "freq_varrat",
    "lcPeriodic[32]": "freq_y_offset",
}


def reference_lightcurves(folder: str | Path) -> pd.DataFrame:
    """The reference light curves of ``folder`` in the canonical long schema (band ``sdss_g``)."""
    lcs = _read_lightcurves(folder)
    ids = {name: i + 1 for i, name in enumerate(sorted(lcs["id"].unique()))}
    return pd.DataFrame(
        {
            "objectid": lcs["id"].map(ids).astype(np.int64),
            "name": lcs["id"],
            "mjd": lcs["t"],
            "band": "sdss_g",
            "mag": lcs["m"],
            "mag_err": lcs["e"],
            "upper_limit": False,
        }
    ).sort_values(["objectid", "mjd"], kind="stable", ignore_index=True)


def reference_features(folder: str | Path) -> pd.DataFrame:
    """cesium's, FATS's and EzTao's values for the reference light curves, by light-curve name."""
    folder = Path(folder)
    cesium = _read_csv(folder / "cesium_features.csv", ["id", *sorted(set(PAIRS.values()) - FATS)], "id")
    tools = _read_csv(folder / "eztao_fats_features.csv", ["id", *sorted(FATS | EZTAO)], "id")
    return cesium.join(tools, how="left")


#: ln τ bounds of both DRW fits (the challenge's); a fit this close (in ln) to one is "at a bound"
LN_TAU_BOUNDS = (-4.0, 10.0)
AT_BOUND = 0.01


def drw_agreement(ours: pd.DataFrame, ref: pd.DataFrame) -> pd.DataFrame:
    """agnlc's DRW τ (lcNonPeriodic[28]) and σ (drwSigmaRms) against EzTao's ``drw_fit``, per kind
    of light curve, on those where both fits are finite and inside the τ bounds (EzTao's
    amplitude bounds are std/50..3 std, so also inside those): the number compared and the
    median and 90th percentile of |Δ log10 τ| and |Δ log10 σ|.

    The fits differ by design in one respect: EzTao subtracts the median and fixes the mean at
    zero, agnlc fits the mean (profiled, generalised least squares).
    """
    tau_a, tau_b = ours["lcNonPeriodic[28]"].reindex(ref.index), ref["eztao_drw_tau"]
    sig_a, sig_b = ours["drwSigmaRms"].reindex(ref.index), ref["eztao_drw_sigma"]
    lo, hi = LN_TAU_BOUNDS
    inside = np.ones(len(ref), bool)
    for tau in (tau_a, tau_b):
        ln = np.log(tau.to_numpy(np.float64))
        inside &= np.isfinite(ln) & (ln > lo + AT_BOUND) & (ln < hi - AT_BOUND)
    kind = ref.index.str.extract(r"^([a-z]+)", expand=False)
    rows = []
    for name in sorted(set(kind)):
        sel = inside & (kind == name)
        dt = np.abs(np.log10(tau_a[sel] / tau_b[sel]))
        ds = np.abs(np.log10(sig_a[sel] / sig_b[sel]))
        rows.append(
            {
                "kind": name,
                "fitted": int((kind == name).sum()),
                "both_inside": int(sel.sum()),
                "median_dlog_tau": float(np.median(dt)) if sel.any() else np.nan,
                "p90_dlog_tau": float(np.quantile(dt, 0.9)) if sel.any() else np.nan,
                "median_dlog_sigma": float(np.median(ds)) if sel.any() else np.nan,
                "p90_dlog_sigma": float(np.quantile(ds, 0.9)) if sel.any() else np.nan,
            }
        )
    return pd.DataFrame(rows)


def agnlc_features(folder: str | Path) -> pd.DataFrame:
    """agnlc's features of the reference light curves (g band, default settings), by light-curve name."""
    lc = reference_lightcurves(folder)
    names = lc.drop_duplicates("objectid").set_index("objectid")["name"]
    feats = compute_features(lc.drop(columns="name"), names.index.to_numpy(), {"sdss_g": "g"})
    feats.index = names.loc[feats["objectid"]].to_numpy()
    return feats.rename(columns=lambda c: c.removesuffix("_g"))


def agreement(ours: pd.DataFrame, ref: pd.DataFrame, same_epochs: bool = False) -> pd.DataFrame:
    """One row per pair: light curves with both values finite, the fraction within
    :data:`TOLERANCE` (relative), and the median and 90th percentile relative difference.

    ``same_epochs`` leaves out the light curves whose epochs agnlc changed: repeated times in one
    band are merged into their inverse-variance mean (``featFlags`` bit ``duplicate_epochs_merged``),
    which cesium does not do.
    """
    if same_epochs:
        merged = (ours["featFlags"].to_numpy() & FEATURE_FLAGS["duplicate_epochs_merged"]) != 0
        ref = ref.drop(index=ours.index[merged], errors="ignore")
    rows = []
    for col, name in PAIRS.items():
        a = ours[col].reindex(ref.index).to_numpy(np.float64)
        b = ref[name].to_numpy(np.float64)
        ok = np.isfinite(a) & np.isfinite(b)
        rel = np.abs(a[ok] - b[ok]) / np.maximum(np.abs(b[ok]), 1e-12)
        rows.append(
            {
                "column": col,
                "reference": name,
                "n": int(ok.sum()),
                "agree": float(np.mean(rel <= TOLERANCE)) if ok.any() else np.nan,
                "median_rel_diff": float(np.median(rel)) if ok.any() else np.nan,
                "p90_rel_diff": float(np.quantile(rel, 0.9)) if ok.any() else np.nan,
            }
        )
    return pd.DataFrame(rows)


#: ln bounds of the DHO fits (EzTao's dho_fit defaults for a1, a2)
LN_A_BOUNDS = (-15.0, 15.0)


def dho_loglike(t: np.ndarray, flux: np.ndarray, err: np.ndarray, params: np.ndarray) -> float:
    """Log-likelihood of a DHO (a1, a2, b0, b1) for ``flux`` minus its median with zero mean:
    EzTao's model, so that both fits are judged by one function."""
    gp = celerite2.GaussianProcess(carma.kernel(*params[:4]), mean=0.0)
    gp.compute(t - t[0], yerr=err)
    return float(gp.log_likelihood(flux - np.median(flux)))


def dho_agreement(ours: pd.DataFrame, ref: pd.DataFrame, folder: str | Path) -> pd.DataFrame:
    """agnlc's DHO fit (lcPeriodic[0-3], in flux after the median filter) against EzTao's
    ``dho_fit`` on the same epochs, per kind of light curve: where both fits end with ln a1,
    ln a2 inside EzTao's bounds, the median |Δlog10| of each parameter, and for all fitted light
    curves the log-likelihood of each solution under EzTao's model (median subtracted, zero mean):
    the fraction where agnlc's is at least EzTao's less 0.5, and the median difference.
    """
    lcs = _read_lightcurves(folder)
    lcs = lcs[~lcs["clipped"] & lcs["dho_kept"]].sort_values(["id", "t"], kind="stable")
    cols = [f"lcPeriodic[{k}]" for k in range(4)]
    theirs = ["eztao_dho_a1", "eztao_dho_a2", "eztao_dho_b0", "eztao_dho_b1"]
    rows = []
    for name, g in lcs.groupby("id", sort=True):
        a, b = ours.loc[name, cols].to_numpy(np.float64), ref.loc[name, theirs].to_numpy(np.float64)
        if not (np.isfinite(a).all() and np.isfinite(b).all()):
            continue
        t = g["t"].to_numpy()  # the epochs both fits saw
        flux, err = ab_mag_to_flux(g["m"].to_numpy(), g["e"].to_numpy(), error_form="linear")
        inside = all(LN_A_BOUNDS[0] + AT_BOUND < np.log(p) < LN_A_BOUNDS[1] - AT_BOUND for p in (*a[:2], *b[:2]))
        rows.append(
            {
                "kind": str(pd.Series([name]).str.extract(r"^([a-z]+)", expand=False)[0]),
                "inside": inside,
                "dlog": np.abs(np.log10(a / b)),
                "dll": dho_loglike(t, flux, err, a) - ref.loc[name, "eztao_dho_loglike"],
            }
        )
    per = pd.DataFrame(rows)
    out = []
    for kind, k in per.groupby("kind", sort=True):
        ins = k[k["inside"]]
        d = np.stack(ins["dlog"].to_numpy()) if len(ins) else np.full((0, 4), np.nan)
        rec = {"kind": kind, "fitted": len(k), "both_inside": len(ins)}
        for i, p in enumerate(("a1", "a2", "b0", "b1")):
            rec[f"median_dlog_{p}"] = float(np.median(d[:, i])) if len(d) else np.nan
        rec |= {"ours_as_likely": float(np.mean(k["dll"] >= -0.5)), "median_dloglike": float(np.median(k["dll"]))}
        out.append(rec)
    return pd.DataFrame(out)


#: reference columns that come from FATS and from EzTao (the rest of PAIRS's are cesium's)
FATS = {"fats_pair_slope_trend", "fats_small_kurtosis"}
EZTAO = {
    "eztao_drw_sigma", "eztao_drw_tau", "eztao_dho_a1", "eztao_dho_a2", "eztao_dho_b0", "eztao_dho_b1",
    "eztao_dho_loglike",
}  # fmt: skip
_LC_COLUMNS = ["id", "kind", "t", "m", "e", "clipped", "dho_kept"]


def _read_csv(path: Path, columns: list[str], index: str | None = None) -> pd.DataFrame:
    """A shipped reference table, with a clear error naming the file when it or a column is missing."""
    if not path.is_file():
        raise FileNotFoundError(f"{path}: reference table missing (make reference writes it)")
    df = pd.read_csv(path, comment="#")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: columns {missing} missing")
    return df.set_index(index) if index else df


def _read_lightcurves(folder: str | Path) -> pd.DataFrame:
    return _read_csv(Path(folder) / "lightcurves.csv.gz", _LC_COLUMNS)


def agreement_report(folder: str | Path, ours: pd.DataFrame | None = None) -> dict[str, list[dict]]:
    """All three tables for the reference light curves of ``folder``: ``features`` (every pair,
    on the light curves whose epochs agnlc kept as they are), ``drw`` and ``dho`` (per kind of
    light curve); records of plain floats, ready for JSON. ``ours``: agnlc's features of them,
    when already computed (:func:`agnlc_features`)."""
    ours = agnlc_features(folder) if ours is None else ours
    ref = reference_features(folder)
    tables = {
        "features": agreement(ours, ref, same_epochs=True),
        "drw": drw_agreement(ours, ref),
        "dho": dho_agreement(ours, ref, folder),
    }
    return {k: v.astype(object).where(v.notna(), None).to_dict(orient="records") for k, v in tables.items()}
