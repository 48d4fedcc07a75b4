import numpy as np
import pandas as pd
import pytest

from agnlc.features.compute import NONPERIODIC, PERIODIC, FeatureSettings, compute_features, feature_columns
from agnlc.features.periodic import PeriodSearch

FAST = FeatureSettings(min_epochs=5, search=PeriodSearch(log2_n_freq=15))


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
    out = compute_features(lc, np.array([10, 20, 30, 40]), {"sdss_g": "g", "sdss_r": "r"}, FAST)
    assert list(out["objectid"]) == [10, 20, 30, 40]
    assert set(feature_columns({"sdss_g": "g", "sdss_r": "r"})) <= set(out.columns)
    d = lc[(lc["objectid"] == 10)].sort_values("mjd")
    m, s = d["mag"].to_numpy(np.float64), d["mag_err"].to_numpy(np.float64)
    n = len(m)
    row = out.set_index("objectid").loc[10]
    # cesium 0.12's definitions (the AGN Data Challenge's): std with ddof 0, Stetson J and K on
    # the magnitudes with a fixed error of 0.1 about the iterated Stetson mean
    assert row["lcNonPeriodic[18]_g"] == pytest.approx(np.std(m), rel=1e-6)
    w = 1 / s**2
    mu = np.median(m)
    for _ in range(20):
        w1 = 100.0 / (1.0 + (np.abs(m - mu) * 10.0 / 2.0) ** 2)
        diff = np.mean(m * w1 / w1.mean()) - mu
        mu += diff
        if abs(diff) < 1e-6 * abs(mu) or abs(diff) < 1e-6:
            break
    delta = np.sqrt(n / (n - 1)) * (m - mu) / 0.1
    stetson_k = np.mean(np.abs(delta)) / np.sqrt(np.mean(delta**2)) / 0.798
    assert row["lcNonPeriodic[20]_g"] == pytest.approx(stetson_k, rel=1e-6)
    pk = delta**2 - 1
    assert row["lcNonPeriodic[19]_g"] == pytest.approx(np.mean(np.sign(pk) * np.sqrt(np.abs(pk))), rel=1e-6)
    wm = np.sum(w * m) / np.sum(w)
    beyond = np.mean(np.abs(m - wm) > np.sqrt(np.sum(w * (m - wm) ** 2) / np.sum(w)))
    assert row["lcNonPeriodic[1]_g"] == pytest.approx(beyond, rel=1e-9)
    assert row["lcNonPeriodic[16]_g"] == pytest.approx(np.mean((m - m.mean()) ** 3) / np.std(m) ** 3, rel=1e-6)
    # the challenge notebook's excess variance (arXiv:1710.10943) and its normalisation by N m̄²
    mbar = np.sum(w * m) / np.sum(w)
    exvar = np.mean((m - mbar) ** 2 / (1 - w / np.sum(w)) - s**2)
    assert row["lcNonPeriodic[23]_g"] == pytest.approx(exvar, rel=1e-6)
    assert row["lcNonPeriodic[24]_g"] == pytest.approx(exvar / (n * mbar**2), rel=1e-6)
    assert row["lcNonPeriodic[0]_g"] == pytest.approx((m.max() - m.min()) / 2, rel=1e-6)
    assert row["lcNonPeriodic[9]_g"] == pytest.approx(np.median(np.abs(m - np.median(m))), rel=1e-5)
    assert row["lcNonPeriodic[21]_g"] == pytest.approx(np.var(m, ddof=1) / np.median(m), rel=1e-6)
    assert row["lcNonPeriodic[22]_g"] == pytest.approx(np.sum(w * (m - np.sum(w * m) / np.sum(w)) ** 2) / (n - 1))
    last = m[-30:]
    # FATS: (# rising - # not rising differences of the last 30) / 30; its small-sample kurtosis
    assert row["lcNonPeriodic[11]_g"] == pytest.approx(((np.diff(last) > 0).sum() - (np.diff(last) <= 0).sum()) / 30)
    z4 = np.sum(((m - m.mean()) / np.std(m)) ** 4)
    kurt = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * z4 - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))
    assert row["lcNonPeriodic[17]_g"] == pytest.approx(kurt, rel=1e-9)
    f = 10 ** (-0.4 * m)  # cesium: the percentile features are on the flux
    q = np.percentile(f, [5, 40, 50, 60, 95])
    assert row["lcNonPeriodic[2]_g"] == pytest.approx((q[3] - q[1]) / (q[4] - q[0]), rel=1e-6)
    assert row["lcNonPeriodic[13]_g"] == pytest.approx((q[4] - q[0]) / q[2], rel=1e-6)
    pa = max(abs(f.max() - q[2]), abs(q[2] - f.min())) / q[2]
    assert row["lcNonPeriodic[12]_g"] == pytest.approx(pa, rel=1e-6)
    close = np.mean(np.abs(m - np.median(m)) < 0.1 * (m.max() - m.min()))
    assert row["lcNonPeriodic[10]_g"] == pytest.approx(close, rel=1e-9)
    # too few epochs (3 < 5) or no data at all: NaN with the epoch count as the reason
    few = out.set_index("objectid").loc[20]
    assert np.isnan(few["lcNonPeriodic[18]_g"]) and few["nEpochs_g"] == 3
    none = out.set_index("objectid").loc[40]
    assert np.isnan(none["lcNonPeriodic[20]_r"]) and none["nEpochs_r"] == 0


def test_upper_limits_are_not_features():
    rng = np.random.default_rng(6)
    lc = _lc(rng, 1, 20)
    lc.loc[:9, "upper_limit"] = True
    out = compute_features(lc, np.array([1]), {"sdss_g": "g"}, FAST)
    assert out.loc[0, "nEpochs_g"] == 10


def test_every_feature_is_defined_and_finite_or_nan():
    assert sorted(NONPERIODIC) == list(range(29)) and sorted(PERIODIC) == list(range(33))
    assert all(len(v) == 3 and v[2] for v in (*NONPERIODIC.values(), *PERIODIC.values()))
    rng = np.random.default_rng(8)
    lc = pd.concat([_lc(rng, k, int(rng.integers(1, 80)), amp=0.2) for k in range(12)], ignore_index=True)
    out = compute_features(lc, np.arange(12), {"sdss_g": "g"}, FAST)
    vals = out.drop(columns="objectid").to_numpy(float)
    assert not np.isinf(vals).any()
    few = out["nEpochs_g"] < 5
    assert out.loc[few, "lcNonPeriodic[18]_g"].isna().all() and out.loc[~few, "lcNonPeriodic[18]_g"].notna().all()
    short = out["nEpochs_g"] < 10  # DRW not fitted below 10 epochs
    assert out.loc[short, "lcNonPeriodic[28]_g"].isna().all()
    assert out.loc[~short, "lcNonPeriodic[28]_g"].notna().all()
    assert out.loc[out["nEpochs_g"] <= 30, "lcPeriodic[0]_g"].isna().all()  # DHO: > 30 epochs only


def test_harmonic_features_recover_a_periodic_signal():
    rng = np.random.default_rng(2)
    t = np.sort(rng.uniform(51000, 54500, 120))
    f0 = 1 / 0.613
    m = 18 + 0.3 * np.sin(2 * np.pi * f0 * t) + 0.1 * np.sin(4 * np.pi * f0 * t + 1.0) + rng.normal(0, 0.02, 120)
    lc = _lc(rng, 1, 120)
    lc["mjd"], lc["mag"], lc["mag_err"] = t, m.astype(np.float32), np.float32(0.02)
    out = compute_features(lc, np.array([1]), {"sdss_g": "g"}, FeatureSettings(search=PeriodSearch(log2_n_freq=17)))
    row = out.iloc[0]
    assert row["lcPeriodic[8]_g"] == pytest.approx(f0, rel=1e-3)  # freq1_harmonics_freq_0
    assert row["lcPeriodic[4]_g"] == pytest.approx(0.3, abs=0.02)  # first harmonic amplitude
    assert row["lcPeriodic[5]_g"] == pytest.approx(0.1, abs=0.02)  # second harmonic amplitude
    # freq_varrat is cesium's Σ w r² / Σ w m² (m itself, not about its mean); in terms of the
    # variance about the weighted mean, the f1 model removes more than 95 % of it
    mf = m.astype(np.float32).astype(np.float64)
    about_mean = np.sum((mf - mf.mean()) ** 2) / np.sum(mf**2)
    assert 0 < row["lcPeriodic[31]_g"] < 0.05 * about_mean
    assert row["period_days"] == pytest.approx(0.613, rel=1e-3) and row["period_fap"] < 1e-10


def test_exact_power_equals_light_curve_direct_periodogram():
    """The refinement's exact sums are light-curve's direct Lomb–Scargle power (psd normalisation)."""
    import light_curve as licu

    from agnlc.features.periodic import _ls_power

    rng = np.random.default_rng(4)
    t = np.sort(rng.uniform(51000, 54300, 70))
    m = 19 + 0.3 * np.sin(2 * np.pi * t / 0.57) + rng.normal(0, 0.05, 70)
    grid = np.linspace(0, 2 * np.pi * 10, 2**12 + 1)
    fr, p = licu.Periodogram(freqs=grid, fast=False).freq_power(t, m)
    k = np.arange(1, len(grid), 7)
    np.testing.assert_allclose(_ls_power(t, m, fr[k] / (2 * np.pi)), p[k], rtol=1e-8, atol=1e-10 * p.max())


def test_band_periodograms_sum_to_light_curve_multiband():
    """The multi-band candidates come from the χ²-weighted sum of the band periodograms, which is
    light-curve's multiband periodogram: checked here so that a change in light-curve shows."""
    import light_curve as licu

    rng = np.random.default_rng(5)
    t = np.sort(rng.uniform(51000, 54300, 300))
    b = np.array(list("ugriz"))[rng.integers(0, 5, 300)]
    m = rng.normal(19, 0.2, 300) + 0.5 * (b == "g") + 0.2 * np.sin(2 * np.pi * t / 0.61)
    s = np.full(300, 0.02)
    grid = PeriodSearch(log2_n_freq=12).angular_grid
    _, joint = licu.Periodogram(freqs=grid, fast=True, bands=list("ugriz")).freq_power(t, m, s, b)
    pg = licu.Periodogram(freqs=grid, fast=True)
    acc, wsum = 0.0, 0.0
    for band in "ugriz":
        k = b == band
        w = np.sum((m[k] - m[k].mean()) ** 2 / s[k] ** 2)
        acc, wsum = acc + w * pg.freq_power(t[k], m[k])[1], wsum + w
    np.testing.assert_allclose(acc / wsum, joint, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_half_frequency_candidates_do_not_double_plain_periods(seed):
    """The f/2 candidates (for eclipsing binaries) have as many parameters as f: without the
    penalty a two-harmonic signal came back at twice its period (found on this test's signal)."""
    from agnlc.features.periodic import multiband_period

    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(51000, 54500, 250))
    b = np.array(list("ugriz"))[rng.integers(0, 5, 250)]
    f0 = 1 / rng.uniform(0.3, 5.0)
    m = 18 + 0.3 * np.sin(2 * np.pi * f0 * t) + 0.1 * np.sin(4 * np.pi * f0 * t + 1.0) + rng.normal(0, 0.03, 250)
    p, fap, _ = multiband_period(t, m, np.full(250, 0.03), b, PeriodSearch())
    assert p == pytest.approx(1 / f0, rel=1e-3) and fap < 1e-10


def test_lomb_scargle_bands_choose_where_the_costly_model_runs():
    rng = np.random.default_rng(4)
    lc = pd.concat([_lc(rng, 1, 40, amp=0.3), _lc(rng, 1, 40, amp=0.3, band="sdss_r")], ignore_index=True)
    only_r = FeatureSettings(min_epochs=5, search=PeriodSearch(log2_n_freq=12), lomb_scargle_bands=("r",))
    out = compute_features(lc, np.array([1]), {"sdss_g": "g", "sdss_r": "r"}, only_r).iloc[0]
    assert np.isnan(out["lcPeriodic[8]_g"]) and np.isnan(out["lcNonPeriodic[7]_g"])
    assert np.isfinite(out["lcPeriodic[8]_r"]) and np.isfinite(out["lcNonPeriodic[7]_r"])
    assert np.isfinite(out["lcNonPeriodic[18]_g"])  # the other features do not depend on it
