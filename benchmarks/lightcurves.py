"""Synthetic S82-like DRW light curves for the feature benchmarks (numpy and pandas only, so an
earlier revision of agnlc can be measured on the same input)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def light_curves(n: int, epochs: int = 60, seed: int = 1) -> pd.DataFrame:
    """``n`` DRW light curves in the canonical schema (exact AR(1) recursion, vectorised over objects)."""
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(51000, 54300, (n, epochs)), axis=1)
    tau = rng.uniform(100, 600, (n, 1))
    sig = rng.uniform(0.1, 0.3, (n, 1))
    y = np.empty((n, epochs))
    y[:, 0] = rng.normal(0, 1, n) * sig[:, 0]
    a = np.exp(-np.diff(t, axis=1) / tau)
    eps = rng.normal(0, 1, (n, epochs - 1))
    for k in range(1, epochs):  # over epochs, vectorised over objects
        y[:, k] = a[:, k - 1] * y[:, k - 1] + sig[:, 0] * np.sqrt(1 - a[:, k - 1] ** 2) * eps[:, k - 1]
    m = 19.0 + y + rng.normal(0, 0.02, (n, epochs))
    return pd.DataFrame(
        {
            "objectid": np.repeat(np.arange(n), epochs),
            "archive": "sdss_s82",
            "band": "sdss_g",
            "mjd": t.ravel(),
            "flux": 1.0,
            "flux_err": 0.02,
            "mag": m.ravel().astype(np.float32),
            "mag_err": np.float32(0.02),
            "upper_limit": False,
            "source_id": "x",
            "match_sep_arcsec": np.float32(0),
            "flags": 0,
        }
    )
