"""Figures: what each draws (axes, legend entries, counts) and byte-stable output."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

import agnlc.plotting.lightcurve as lcmod
import agnlc.plotting.sample as samplemod
import agnlc.plotting.validation as valmod
from agnlc.plotting.style import BAND_COLOURS, class_colour, mjd_to_year, year_to_mjd


def _lc() -> pd.DataFrame:
    """Two archives in g and r (ztf densest, with upper limits) and an instrumental TESS band."""
    rng = np.random.default_rng(0)
    rows = []
    for archive, band, n, t0, ul in (
        ("sdss_s82", "sdss_g", 30, 51000, 0),
        ("sdss_s82", "sdss_r", 30, 51000, 0),
        ("ztf", "ztf_g", 80, 58300, 5),
        ("ztf", "ztf_r", 90, 58300, 0),
        ("tess", "tess_T", 200, 59000, 0),
    ):
        mjd = t0 + np.sort(rng.uniform(0, 800, n))
        flux = rng.normal(5e4 if archive != "tess" else 300, 2e3 if archive != "tess" else 5, n)
        lim = np.arange(n) < ul
        rows.append(
            pd.DataFrame(
                {
                    "objectid": 7,
                    "archive": archive,
                    "band": band,
                    "mjd": mjd,
                    "flux": np.where(lim, 2e4, flux),
                    "flux_err": 1e3,
                    "upper_limit": lim,
                }
            )
        )
    other = rows[0].assign(objectid=8)
    return pd.concat([*rows, other], ignore_index=True)


@pytest.fixture
def captured(monkeypatch):
    """Keep the Figure each plotting module saves, to inspect its axes and legends."""
    figs = []

    def keep(fig, path):
        fig.canvas.draw()
        figs.append(fig)
        with open(path, "wb") as fh:
            fig.savefig(fh, format="png", metadata={"Software": None})

    for mod in (lcmod, samplemod, valmod):
        monkeypatch.setattr(mod, "savefig", keep)
    return figs


def _legend_texts(fig) -> list[str]:
    out = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is not None:
            out += [t.get_text() for t in leg.get_texts()]
    return out


def test_calendar_axis_round_trips():
    assert mjd_to_year(51544.5) == pytest.approx(2000.0)
    assert mjd_to_year(year_to_mjd(2019.5)) == pytest.approx(2019.5)


def test_light_curve_draws_every_archive_band_limits_and_zoom(tmp_path, captured):
    path = tmp_path / "lc.png"
    info = lcmod.plot_lightcurve(_lc(), 7, path, title="test object")
    assert path.stat().st_size > 10_000
    assert info["zoom_archive"] == "ztf"  # most detections among the absolute-flux archives (tess is instrumental)
    assert info["n_upper_limits"] == 5 and info["archives"] == ["sdss_s82", "tess", "ztf"]
    fig = captured[0]
    texts = _legend_texts(fig)
    assert {"g", "r", "T"} <= set(texts)
    assert "ztf (165)" in texts and "sdss_s82 (60)" in texts and "upper limit (5)" in texts
    main, zoom, *rest = fig.axes
    assert main.get_ylabel() == "flux density [nJy]" and main.get_xlabel() == "MJD"
    assert "zoom: ztf, 165 detections" in zoom.get_title(loc="left")
    assert any("instrumental" in ax.get_ylabel() for ax in rest)  # TESS on its own axis
    assert any(ax.get_xlabel() == "year" for ax in main.child_axes)  # calendar-year top axis
    # the band colours are the shared ones
    colours = {
        tuple(np.round(h.get_color(), 3)) if not isinstance(h.get_color(), str) else h.get_color()
        for h in fig.legends[0].legend_handles
    }
    assert BAND_COLOURS["g"] in colours and BAND_COLOURS["r"] in colours


def test_light_curve_in_magnitudes_inverts_the_axis(tmp_path, captured):
    lcmod.plot_lightcurve(_lc(), 7, tmp_path / "m.png", unit="mag")
    main = captured[0].axes[0]
    assert main.get_ylabel() == "AB magnitude" and main.yaxis_inverted()
    with pytest.raises(ValueError, match="unit"):
        lcmod.plot_lightcurve(_lc(), 7, tmp_path / "x.png", unit="Jy")
    with pytest.raises(ValueError, match="objectid 99"):
        lcmod.plot_lightcurve(_lc(), 99, tmp_path / "x.png")


def test_figures_are_byte_identical_on_rerun(tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    lcmod.plot_lightcurve(_lc(), 7, a)
    lcmod.plot_lightcurve(_lc(), 7, b)
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    assert b"Software" not in a.read_bytes()[:400]


def _targets() -> pd.DataFrame:
    labels = [["lamassa2015_clagn"], ["sdss_qso", "mock_literature"]] + [["sdss_qso"]] * 6 + [["sdss_star"]] * 5
    labels += [["sdss_galaxy"]] * 3 + [["xmmlss_xray_agn"]] * 2
    n = len(labels)
    return pd.DataFrame(
        {
            "objectid": np.arange(100, 100 + n),
            "name": [f"t{i}" for i in range(n)],
            "labels": labels,
            "ra": np.r_[np.linspace(-50, 40, n - 2), 35.0, 36.0],
            "dec": np.r_[np.zeros(n - 2), -4.5, -5.0],
        }
    )


def test_selection_takes_literature_per_class_and_explicit_objects():
    t = _targets()
    with_data = t["objectid"].to_numpy()[:-1]  # the last X-ray AGN has no light curve
    sel = lcmod.select_objects(t, with_data, objects=[110], literature=True, per_class=2, seed=3)
    counts = sel["cls"].value_counts()
    assert counts["literature AGN"] == 2 and counts["X-ray AGN"] == 1
    assert counts["QSO"] == 2 and counts["galaxy"] == 2
    assert 110 in set(sel["objectid"]) and counts["star"] == 3  # 110 is a star: 2 random ones besides it
    assert t["objectid"].iloc[-1] not in set(sel["objectid"])
    again = lcmod.select_objects(t, with_data, objects=[110], literature=True, per_class=2, seed=3)
    pd.testing.assert_frame_equal(sel, again)
    none = lcmod.select_objects(t, with_data, objects=[], literature=False, per_class=0, seed=3)
    assert none.empty


def test_skymap_counts_classes(tmp_path, captured):
    from agnlc.sky.classes import target_class

    t = _targets()
    t["cls"] = target_class(t["labels"])
    counts = samplemod.plot_skymap(t, tmp_path / "sky.png")
    assert counts == {"literature AGN": 2, "X-ray AGN": 2, "QSO": 6, "star": 5, "galaxy": 3}
    texts = _legend_texts(captured[0])
    assert "QSO (6)" in texts and "X-ray AGN (2)" in texts
    assert {ax.get_title() for ax in captured[0].axes} >= {"XMM-LSS"}


def test_coverage_fractions_are_counted_per_archive_and_class(tmp_path, captured):
    from agnlc.sky.classes import target_class

    t = _targets()
    t["cls"] = target_class(t["labels"])
    qso = t.loc[t["cls"] == "QSO", "objectid"].to_numpy()
    summary = pd.DataFrame(
        {
            "objectid": np.r_[qso[:3], qso[:3], t["objectid"].to_numpy()[:1]],
            "archive": ["ztf"] * 3 + ["ztf"] * 3 + ["wise"],
            "band": ["ztf_g"] * 3 + ["ztf_r"] * 3 + ["wise_W1"],
            "n_epochs": [10, 0, 5, 0, 0, 3, 4],
            "n_upper_limits": 0,
        }
    )
    frac = samplemod.plot_coverage(t, summary, tmp_path / "cov.png")
    # QSO 0 has g, QSO 1 has only zero-epoch rows, QSO 2 has g and r: two of six QSOs in ztf
    assert frac.loc["ztf", "QSO"] == pytest.approx(2 / 6)
    assert frac.loc["ztf", "all"] == pytest.approx(2 / len(t))
    assert frac.loc["wise", "literature AGN"] == pytest.approx(1 / 2)
    assert "fraction of targets" in captured[0].axes[0].get_xlabel()


def test_colours_and_features_by_class(tmp_path, captured):
    rng = np.random.default_rng(1)
    n = 60
    cls = np.array(["QSO", "star", "galaxy"])[np.arange(n) % 3]
    objects = pd.DataFrame({f"psMag_{b}": rng.normal(20, 0.3, n) for b in "ugri"}).assign(cls=cls)
    objects.loc[0, "psMag_u"] = np.nan
    counts = samplemod.plot_colours(objects, tmp_path / "col.png")
    assert counts == {"QSO": 19, "star": 20, "galaxy": 20}
    ax1, _ = captured[0].axes
    assert (ax1.get_xlabel(), ax1.get_ylabel()) == ("g − r [mag]", "u − g [mag]")
    feats = pd.DataFrame(
        {
            "lcNonPeriodic[23]_g": rng.lognormal(-4, 1, n),
            "lcNonPeriodic[28]_g": rng.lognormal(5, 1, n),
            "drwSigmaRms_g": rng.lognormal(-2, 0.5, n),
            "lcNonPeriodic[20]_g": rng.normal(0.8, 0.05, n),
            "drwFlags_g": np.where(np.arange(n) < 6, 2, 0),
            "cls": cls,
        }
    )
    drawn = samplemod.plot_features(feats, tmp_path / "f.png")
    assert drawn == {"excess variance": n, "DRW τ": n - 6, "DRW σ": n - 6, "Stetson K": n}
    titles = [ax.get_title() for ax in captured[1].axes]
    assert "6 flagged fits left out" in titles[1] and "lcNonPeriodic[20]" in titles[3]


def test_validation_figures(tmp_path, captured):
    drw = pd.DataFrame(
        {
            "objectid": [1, 2, 3],
            "band": "g",
            "tau_true_d": [100.0, 200.0, 300.0],
            "tau_fit_d": [100.0, 20.0, 300.0],
            "sigma_true_mag": [0.1, 0.2, 0.3],
            "sigma_fit_mag": [0.1, 0.2, 0.3],
            "baseline_days": 3000.0,
            "baseline_over_tau": [30.0, 15.0, 10.0],
            "drw_flags": [0, 0, 2],
        }
    )
    med = valmod.plot_drw_recovery(drw, tmp_path / "drw.png")
    assert med["τ"] == pytest.approx(0.0) and med["σ"] == pytest.approx(0.0)
    assert "n = 3" in captured[0].axes[0].get_title()
    periods = pd.DataFrame(
        {
            "source": ["mock", "mock", "sesar2010"],
            "id": [1, 2, 3],
            "subclass": ["rrab", "eb", "rrab"],
            "period_true_d": [0.5, 2.0, 0.6],
            "period_found_d": [0.50001, 1.0, 0.6],
            "fap": 0.0,
            "recovered": [True, False, True],
            "recovered_half": [False, True, False],
        }
    )
    fr = valmod.plot_period_recovery(periods, tmp_path / "p.png")
    assert fr == {"mock/eb": 0.0, "mock/rrab": 1.0, "sesar2010/rrab": 1.0}
    assert "sesar2010 rrab: 1/1 (100.0 %)" in _legend_texts(captured[1])


def test_class_colours_are_distinct():
    from agnlc.sky.classes import TARGET_CLASSES

    cols = [class_colour(c) for c, _ in TARGET_CLASSES]
    assert len(set(cols)) == len(cols)
