"""The Hubble Catalog of Variables (HCV, MAST HSC API) as the mock sky sees it: CSV replies of
``hcvsummary`` (one row per matched source and filter) and ``hcv`` (its light curve), one pair
of files per HEALPix order-3 pixel.

HST covers a tiny fraction of the sky: 0.5% of the sources (at least one per partition that has
an object brighter than 24) fall in an ACS/WFC field with F606W and F814W visits, 5-30 epochs
per filter between 2003 and 2017 clustered in a few programmes. Depth 27 (5 sigma), floor 0.01.
Columns as the HSC API's v3 tables deliver them: ``hcvsummary``: ``MatchID, Filter, GroupID,
SubGroupID, RA, Dec, AutoClass, ExpertClass, VarQualFlag, FilterDetFlag, NumLC, MeanMag,
MeanCorrMag, MAD, Chi2`` (one row per source and filter; the filter named with its instrument,
``ACS_F606W``, or ``WFC3_F606W`` for a fifth of the sources); ``hcv``: ``MatchID, Filter, MJD,
Mag, CorrMag, MagErr, ImageName`` (ABMAG).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.mocksky.observe import Survey, measure, scatter_positions, write_csv
from agnlc.sky.photometry import F0_NJY, A

__all__ = ["Hcv"]

BANDS = ("hst_F606W", "hst_F814W")
SUMMARY = [
    "MatchID",
    "Filter",
    "GroupID",
    "SubGroupID",
    "RA",
    "Dec",
    "AutoClass",
    "ExpertClass",
    "VarQualFlag",
    "FilterDetFlag",
    "NumLC",
    "MeanMag",
    "MeanCorrMag",
    "MAD",
    "Chi2",
]
M5 = 27.0
FLOOR = 0.01


class Hcv(Survey):
    """HCV summary and light-curve CSV replies."""

    def __init__(self, out: Path) -> None:
        super().__init__(out=out, name="hcv", bands=BANDS)

    def visits(self, rng: np.random.Generator, objects: pd.DataFrame) -> pd.DataFrame:
        n = len(objects)
        pick = np.flatnonzero(rng.random(n) < 0.005)
        bright = np.flatnonzero(objects["mag_i"].to_numpy() < 24.0)
        if len(pick) == 0 and len(bright):
            pick = bright[:1]
        frames = []
        for o in pick:
            programmes = np.sort(rng.uniform(52700, 57900, int(rng.integers(1, 4))))
            for b in BANDS:
                k = int(rng.integers(5, 31))
                t = np.sort(rng.choice(programmes, k) + rng.uniform(0, 30, k))
                frames.append(pd.DataFrame({"obj": o, "mjd": t, "band": b}))
        if not frames:
            return pd.DataFrame({"obj": np.zeros(0, np.int64), "mjd": np.zeros(0), "band": np.zeros(0, str)})
        return pd.concat(frames, ignore_index=True)

    def observe(self, rng: np.random.Generator, objects: pd.DataFrame, vis: pd.DataFrame, pix: int) -> pd.DataFrame:
        if len(vis) == 0:
            return self.truth_epochs(objects, vis.assign(true_mag=np.zeros(0)), np.zeros(0, bool))
        m = measure(rng, vis["true_mag"].to_numpy(), M5, FLOOR)
        ok = m.f_obs > 0
        obj = vis["obj"].to_numpy().astype(np.int64)
        match_id = 10_000_000 + objects["mock_id"].to_numpy()[obj]
        wfc3 = (objects["mock_id"].to_numpy()[obj] % 5 == 0) & (vis["band"].astype(str).to_numpy() == "hst_F606W")
        filt = np.where(wfc3, "WFC3_", "ACS_") + vis["band"].astype(str).str.replace("hst_", "").to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            mag = -2.5 * np.log10(np.where(ok, m.f_obs, 1.0) / F0_NJY)
        lc = pd.DataFrame(
            {
                "MatchID": match_id,
                "Filter": filt,
                "MJD": np.round(vis["mjd"].to_numpy(), 6),
                "Mag": np.round(mag + 0.01, 4),
                "CorrMag": np.round(mag, 4),
                "MagErr": np.round(A * m.sigma / np.abs(m.f_obs), 4),
            }
        )[ok]
        lc["ImageName"] = (
            "hst_" + lc["MatchID"].astype(str) + "_" + lc.groupby(["MatchID", "Filter"]).cumcount().astype(str)
        )
        lc = lc.sort_values(["MatchID", "Filter", "MJD"], kind="stable")
        g = lc.groupby(["MatchID", "Filter"], sort=True)
        summ = g.agg(
            NumLC=("MJD", "size"),
            MeanMag=("Mag", "mean"),
            MeanCorrMag=("CorrMag", "mean"),
            MAD=("CorrMag", lambda x: float(np.median(np.abs(x - np.median(x))))),
        ).reset_index()
        uo = np.unique(obj)
        ra, dec = scatter_positions(rng, objects["ra"].to_numpy()[uo], objects["dec"].to_numpy()[uo], 0.05)
        pos = pd.DataFrame(
            {
                "MatchID": 10_000_000 + objects["mock_id"].to_numpy()[uo],
                "GroupID": 60_000 + objects["mock_id"].to_numpy()[uo] % 10_000,
                "SubGroupID": -5,
                "RA": np.round(ra, 7),
                "Dec": np.round(dec, 7),
            }
        )
        summ = summ.merge(pos, on="MatchID")
        summ["AutoClass"], summ["ExpertClass"], summ["VarQualFlag"], summ["FilterDetFlag"] = 1, 0, "AAAAA", 1
        summ["Chi2"] = np.round(rng.uniform(0.5, 5.0, len(summ)), 4)
        for c in ("MeanMag", "MeanCorrMag", "MAD"):
            summ[c] = summ[c].round(4)
        summ = summ[SUMMARY]
        self.emit("hcvsummary", summ)
        self.emit("hcv", lc)
        return self.truth_epochs(objects, vis, ok)

    def sink(self, key: str, frame: pd.DataFrame, pix: int) -> None:
        f = self.out / "mirrors" / "hcv" / f"{key}_hpx3_{pix:04d}.csv"
        write_csv(frame, f)
        self.files.append(f)
