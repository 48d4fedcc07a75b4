import numpy as np
import pandas as pd
import pytest

from agnlc.features import compute_features, feature_columns


def _lc(rng, oid, n, band="sdss_g", sigma=0.05, amp=0.0):
    t = np.sort(rng.uniform(51000, 54000, n))
    m = 19.0 + amp * np.sin(t / 50.0) + rng.normal(0, sigma, n)
    return pd.DataFrame(
        {
            "objectid": oid,
            "archive": "sdss_s82",
            "band": band,
            "mjd": t,
            "flux": 1.0,
            "flux_err": 0.1,
            "mag": m.astype(np.float32),
            "mag_err": np.float32(sigma),
            "upper_limit": False,
            "source_id": "x",
            "match_sep_arcsec": np.float32(0),
            "flags": 0,
        }
    )


def test_features_match_hand_computation():
    rng = np.random.default_rng(5)
    lc = pd.concat([_lc(rng, 10, 60, amp=0.3), _lc(rng, 20, 3), _lc(rng, 30, 50, band="sdss_r")], ignore_index=True)
    out = compute_features(lc, np.array([10, 20, 30, 40]), {"sdss_g": "g", "sdss_r": "r"}, min_epochs=5)
    assert list(out["objectid"]) == [10, 20, 30, 40]
    assert set(feature_columns({"sdss_g": "g", "sdss_r": "r"})) <= set(out.columns)
    d = lc[(lc["objectid"] == 10)].sort_values("mjd")
    m, s = d["mag"].to_numpy(np.float64), d["mag_err"].to_numpy(np.float64)
    n = len(m)
    row = out.set_index("objectid").loc[10]
    assert row["lcNonPeriodic[18]_g"] == pytest.approx(np.std(m, ddof=1), rel=1e-6)
    w = 1 / s**2
    delta = np.sqrt(n / (n - 1)) * (m - np.sum(w * m) / np.sum(w)) / s
    stetson_k = np.sum(np.abs(delta)) / np.sqrt(n * np.sum(delta**2))
    assert row["lcNonPeriodic[20]_g"] == pytest.approx(stetson_k, rel=1e-6)
    exvar = (np.var(m, ddof=1) - np.mean(s**2)) / np.mean(m) ** 2
    assert row["lcNonPeriodic[23]_g"] == pytest.approx(exvar, rel=1e-4)
    # too few epochs (3 < 5) or no data at all: NaN with the epoch count as the reason
    few = out.set_index("objectid").loc[20]
    assert np.isnan(few["lcNonPeriodic[18]_g"]) and few["nEpochs_g"] == 3
    none = out.set_index("objectid").loc[40]
    assert np.isnan(none["lcNonPeriodic[20]_r"]) and none["nEpochs_r"] == 0


def test_upper_limits_are_not_features():
    rng = np.random.default_rng(6)
    lc = _lc(rng, 1, 20)
    lc.loc[:9, "upper_limit"] = True
    out = compute_features(lc, np.array([1]), {"sdss_g": "g"}, min_epochs=5)
    assert out.loc[0, "nEpochs_g"] == 10
