from pathlib import Path

import numpy as np

from agnlc.features.validation import SESAR_DIR, period_recovered, sesar_light_curves, sesar_report


def test_period_recovered_tolerance():
    assert list(period_recovered(np.array([1.0005, 1.002, np.nan]), np.array([1.0, 1.0, 1.0]))) == [True, False, False]


def test_sesar_light_curves_read_clean():
    """The shipped Sesar et al. (2010) data: 483 stars, each with clean ugriz light curves."""
    curves = sesar_light_curves()
    assert len(curves) == 483 and SESAR_DIR.is_relative_to(Path(__file__).resolve().parents[2])
    d = curves[1013184]
    assert set(d["band"]) == {"u", "g", "r", "i", "z"} and d["time"].is_monotonic_increasing
    assert (d["magerr"] > 0).all() and d["mag"].between(10, 30).all()


def test_sesar_rr_lyrae_periods_recovered():
    """All 483 real S82 RR Lyrae: multi-band period within 0.1 % of the published one.

    The issue aims at >= 97 %; this implementation reaches 94.8 % (458/483; the misses are
    daily and yearly aliases and a few doubled periods); the test guards that level.
    """
    rep = sesar_report()
    assert rep["n"] == 483
    assert rep["fraction"] >= 0.93, rep
    assert rep["by_type"]["ab"]["recovered"] / rep["by_type"]["ab"]["n"] >= 0.93


def _truth_and_features():
    import pandas as pd

    truth = pd.DataFrame(
        {
            "objectid": [1, 2, 3, 4],
            "subclass": ["qso_drw", "qso_drw", "rrab", "eb"],
            "tau_obs_g": [100.0, 400.0, 0, 0],
            "drw_sigma_g": [0.2, 0.1, 0, 0],
            "period": [np.nan, np.nan, 0.55, 2.0],
        }
    )
    feats = pd.DataFrame(
        {
            "objectid": [1, 2, 3, 4],
            "lcNonPeriodic[28]_g": [110.0, np.nan, 1.0, 1.0],
            "drwSigmaRms_g": [0.25, np.nan, 0.1, 0.1],
            "drwFlags_g": [4, 0, 0, 0],
            "period_days": [np.nan, np.nan, 0.55002, 1.0],
            "period_fap": [np.nan, np.nan, 1e-9, 1e-3],
        }
    )
    summary = pd.DataFrame({"objectid": [1, 2], "band": "sdss_g", "baseline_days": [3000.0, 3000.0]})
    return feats, truth, summary


def test_drw_and_period_tables_per_object():
    from agnlc.features.validation import DRW_COLUMNS, PERIOD_COLUMNS, drw_recovery_table, period_recovery_table

    feats, truth, summary = _truth_and_features()
    drw = drw_recovery_table(feats, truth, summary)
    assert tuple(drw.columns) == DRW_COLUMNS and list(drw["objectid"]) == [1]  # object 2 has no fit
    assert drw.loc[0, "baseline_over_tau"] == 30.0 and drw.loc[0, "tau_fit_d"] == 110.0
    per = period_recovery_table(feats, truth)
    assert tuple(per.columns) == PERIOD_COLUMNS
    assert per.set_index("id")["recovered"].to_dict() == {4: False, 3: True}
    assert per.set_index("id")["recovered_half"].to_dict() == {4: True, 3: False}


def test_sesar_summary_counts_by_type():
    import pandas as pd

    from agnlc.features.validation import sesar_summary

    t = pd.DataFrame(
        {
            "source": "sesar2010",
            "id": [1, 2, 3],
            "subclass": ["rrab", "rrab", "rrc"],
            "period_true_d": [0.5, 0.6, 0.3],
            "period_found_d": [0.5, 0.3, 0.3],
            "fap": [1e-10, 1e-2, 1e-8],
            "recovered": [True, False, True],
            "recovered_half": [False, True, False],
        }
    )
    s = sesar_summary(t)
    assert s["by_type"] == {"ab": {"n": 2, "recovered": 1}, "c": {"n": 1, "recovered": 1}}
    assert s["recovered"] == 2 and s["first_misses"] == [{"Num": 2, "published": 0.6, "found": 0.3}]
