"""Per-feature agreement of agnlc's lc* features with cesium's on the reference light curves.

``python -m tests.reference.compare`` prints the table (Markdown) that docs/features.md carries;
``tests/unit/test_reference_features.py`` asserts it. Each lc* column is paired with the cesium
feature the AGN Data Challenge computed it with (its ``docs/lc_feats.yml``); a pair *agrees*
on a light curve when the relative difference is at most 1e-6.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data" / "reference"
TOLERANCE = 1e-6

#: lc* column (band g) -> the cesium 0.12 feature of the same challenge name
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
    "lcNonPeriodic[12]": "percent_amplitude",
    "lcNonPeriodic[13]": "percent_difference_flux_percentile",
    "lcNonPeriodic[14]": "qso_log_chi2_qsonu",
    "lcNonPeriodic[15]": "qso_log_chi2nuNULL_chi2nu",
    "lcNonPeriodic[16]": "skew",
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


def reference_lightcurves() -> pd.DataFrame:
    """The reference light curves in the canonical long schema (band ``sdss_g``)."""
    lcs = pd.read_csv(DATA / "lightcurves.csv.gz")
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


def cesium_features() -> pd.DataFrame:
    """cesium's features of the reference light curves, by light-curve name."""
    return pd.read_csv(DATA / "cesium_features.csv", comment="#", index_col="id")


def agnlc_features() -> pd.DataFrame:
    """agnlc's features of the reference light curves (g band), by light-curve name."""
    from agnlc.features.compute import compute_features

    lc = reference_lightcurves()
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
        from agnlc.features.definitions import FEATURE_FLAGS

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
                "cesium": name,
                "n": int(ok.sum()),
                "agree": float(np.mean(rel <= TOLERANCE)) if ok.any() else np.nan,
                "median_rel_diff": float(np.median(rel)) if ok.any() else np.nan,
                "p90_rel_diff": float(np.quantile(rel, 0.9)) if ok.any() else np.nan,
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    table = agreement(agnlc_features(), cesium_features())
    print(table.to_markdown(index=False, floatfmt=".3g"))


if __name__ == "__main__":
    main()
