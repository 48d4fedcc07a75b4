"""cesium's features of the reference light curves (issue 26), run in the reference env.

Reads ``resources/validation/reference_features/lightcurves.csv.gz`` (from ``make_lightcurves.py``) and writes
``resources/validation/reference_features/cesium_features.csv``: one row per light curve, cesium 0.12's general and
Lomb–Scargle features with its defaults, on the epochs that agnlc's 5σ clip keeps (the challenge
clipped before every metric; ``make_lightcurves.py`` marks the clipped epochs). Kept out of the
run environment on purpose: ``make reference`` builds ``.venv-reference`` from
``tests/reference/requirements.txt`` (cesium pins its own numpy and scipy).
"""

from __future__ import annotations

import sys
from pathlib import Path

import cesium
import dask
import numpy as np
import pandas as pd
from cesium.features import GENERAL_FEATS, LOMB_SCARGLE_FEATS
from cesium.featurize import featurize_time_series

HERE = Path(__file__).resolve().parents[2] / "resources" / "validation" / "reference_features"


def main() -> None:
    lcs = pd.read_csv(HERE / "lightcurves.csv.gz")
    lcs = lcs[~lcs["clipped"]]  # agnlc's 5σ clip (the challenge's), decided in the run env
    groups = [g for _, g in lcs.groupby("id", sort=True)]
    names = [str(g["id"].iloc[0]) for g in groups]
    feats = [f for f in GENERAL_FEATS + LOMB_SCARGLE_FEATS if f != "period_fast"]
    with dask.config.set(scheduler="synchronous"):
        res = featurize_time_series(
            times=[g["t"].to_numpy(np.float64) for g in groups],
            values=[g["m"].to_numpy(np.float64) for g in groups],
            errors=[g["e"].to_numpy(np.float64) for g in groups],
            features_to_use=feats,
            names=names,
            scheduler=dask.get,
        )
    res.columns = [c[0] if isinstance(c, tuple) else c for c in res.columns]
    res.index.name = "id"
    out = HERE / "cesium_features.csv"
    with open(out, "w") as fh:
        fh.write(f"# cesium {cesium.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}\n")
        res.to_csv(fh, float_format="%.10g")
    print(f"{out}: {len(res)} light curves x {res.shape[1]} features")


if __name__ == "__main__":
    main()
