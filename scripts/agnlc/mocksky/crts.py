"""The Catalina Real-time Transient Survey (CSS, DR2) as the mock sky observes it: the photcat rows
behind the CRTS cone service, in the service's CSV format (``MasterID,Mag,Magerr,RA,Dec,MJD,Blend``,
a space after the RA and Dec commas), one file per HEALPix order-3 pixel. The adapter's
:class:`~agnlc.archives.crts.MirrorCgi` answers cone forms from these files with the service's
HTML page and result CSV. About a quarter of the nights are taken with the Mt Lemmon telescope,
whose rows carry a second MasterID (prefix 2) for the same star, as in the real catalogue.

Observing model
    2005-04-05 to 2013-05-31; in each season (~200 days around opposition) one to three nights
    per lunation; four unfiltered frames per night about 10 minutes apart. 5-sigma depth
    V = 19.5 (0.4 mag night to night), 0.03 mag floor; sources brighter than V = 12.5 saturate
    and are not catalogued.

Native columns ``MasterID, Mag, Magerr, RA, Dec, MJD, Blend``: ``Mag`` is V_CSS (unfiltered,
calibrated to Johnson V, Vega-like: ``V = V_AB - 0.02``), MJD in UTC.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.archives.layouts import crts_csv_text as crts_csv
from agnlc.mocksky.observe import Survey, measure, scatter_positions, season_nights
from agnlc.sky.footprint import wrap_ra
from agnlc.sky.photometry import F0_NJY, A

__all__ = ["M5", "VEGA_OFFSET", "Crts"]

M5 = {"crts_V": 19.5}
VEGA_OFFSET = 0.02
START, END = 53465.0, 56443.0
FLOOR = 0.03
SATURATION = 12.5


class Crts(Survey):
    """CRTS CSS light curves as CSV replies."""

    def __init__(self, out: Path) -> None:
        super().__init__(out=out, name="crts", bands=tuple(M5))

    def visits(self, rng: np.random.Generator, objects: pd.DataFrame) -> pd.DataFrame:
        ra_c = float(np.mean(wrap_ra(objects["ra"].to_numpy())))
        doy_center = (80.0 + (ra_c + 180.0) / 360.0 * 365.25) % 365.25
        lunations = season_nights(rng, START, END, doy_center - 100.0, 200.0, 29.53, 0.1)
        nights = np.concatenate([lunations + k for k in range(3)])
        nights = np.sort(nights[rng.random(len(nights)) < 0.6])
        nights = nights + 0.2 + 0.3 * rng.random(len(nights))
        frames = nights[:, None] + np.arange(4)[None, :] * 10.0 / 1440.0
        n = len(objects)
        t = np.tile(frames.ravel(), n)
        return pd.DataFrame(
            {
                "obj": np.repeat(np.arange(n), frames.size),
                "mjd": t,
                "band": "crts_V",
                "dm5": np.tile(np.repeat(rng.normal(0, 0.4, len(nights)), 4), n),
            }
        )

    def observe(self, rng: np.random.Generator, objects: pd.DataFrame, vis: pd.DataFrame, pix: int) -> pd.DataFrame:
        m = measure(rng, vis["true_mag"].to_numpy(), M5["crts_V"] + vis["dm5"].to_numpy(), FLOOR)
        detected = (m.snr >= 5.0) & (vis["true_mag"].to_numpy() > SATURATION)
        obj = vis["obj"].to_numpy().astype(np.int64)[detected]
        ra, dec = scatter_positions(rng, objects["ra"].to_numpy()[obj], objects["dec"].to_numpy()[obj], 0.5)
        f = m.f_obs[detected]
        night = np.floor(vis["mjd"].to_numpy()[detected]).astype(np.int64)
        mls = (night * 2654435761) % 97 < 24  # Mt Lemmon nights: the same star under a second MasterID
        df = pd.DataFrame(
            {
                "MasterID": np.where(mls, 2_100_000_000_000, 1_100_000_000_000) + objects["mock_id"].to_numpy()[obj],
                "Mag": np.round(-2.5 * np.log10(f / F0_NJY) - VEGA_OFFSET, 2),
                "Magerr": np.round(A * m.sigma[detected] / f, 2),
                "RA": np.round(ra, 6),
                "Dec": np.round(dec, 6),
                "MJD": np.round(vis["mjd"].to_numpy()[detected], 5),
                "Blend": np.zeros(len(f), dtype=np.int8),
            }
        )
        self.emit("lc", df)
        return self.truth_epochs(objects, vis, detected)

    def sink(self, key: str, df: pd.DataFrame, pix: int) -> None:
        out = self.out / "mirrors" / "crts" / f"crts_hpx3_{pix:04d}.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(crts_csv(df.sort_values(["MasterID", "MJD"], kind="stable")))
        self.files.append(out)
