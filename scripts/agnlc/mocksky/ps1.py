"""Pan-STARRS1 DR2 as the mock sky observes it: the ``otmo`` object table and the
``detection`` table as two HATS collections (MAST publishes both as HATS).

Observing model
    2010-05-01 to 2014-03-31, six TTI pairs (two exposures 15 min apart) per band at random
    nights of the partition's seasons: about 12 detections per band. Single-exposure 5-sigma
    depths g, r, i, z, y = 22.0, 21.8, 21.5, 20.9, 19.7 (0.3 mag night to night), 0.01 mag
    floor, saturation at 13.5.

``detection`` rows (detections with S/N >= 5): ``objID, detectID, ra, dec, obsTime`` (MJD),
``filterID`` (1-5 = grizy), ``psfFlux, psfFluxErr`` (Jy), ``psfQfPerfect`` (0.95-1; 0.5 for
saturated or bad pixels), ``infoFlag``; 0.5% of rows carry the -999 "no measurement"
sentinel in ``psfFlux``. ``otmo`` rows: ``objID, raMean, decMean, nDetections, n{g..y}``
and mean PSF magnitudes (-999 where none). ``objID`` follows the PS1 zone scheme
``zone * 10^13 + round(ra * 10^6) * 10 + 0`` with 30-arcsec declination zones.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from agnlc.mocksky.hatswriter import HatsCollectionWriter
from agnlc.mocksky.observe import Survey, measure, running_index, scatter_positions, season_nights
from agnlc.sky.footprint import wrap_ra

__all__ = ["FILTERID", "M5", "Ps1", "ps1_objid"]

M5 = {"ps1_g": 22.0, "ps1_r": 21.8, "ps1_i": 21.5, "ps1_z": 20.9, "ps1_y": 19.7}
FILTERID = {b: k + 1 for k, b in enumerate(M5)}
START, END = 55317.0, 56747.0
FLOOR = 0.01
SATURATION = 13.5

DET_SCHEMA = pa.schema(
    [
        ("objID", pa.int64()),
        ("detectID", pa.int64()),
        ("ra", pa.float64()),
        ("dec", pa.float64()),
        ("obsTime", pa.float64()),
        ("filterID", pa.int8()),
        ("psfFlux", pa.float64()),
        ("psfFluxErr", pa.float64()),
        ("psfQfPerfect", pa.float32()),
        ("infoFlag", pa.int64()),
    ]
)
OBJ_SCHEMA = pa.schema(
    [("objID", pa.int64()), ("raMean", pa.float64()), ("decMean", pa.float64()), ("nDetections", pa.int32())]
    + [(f"n{b[-1]}", pa.int32()) for b in M5]
    + [(f"{b[-1]}MeanPSFMag", pa.float32()) for b in M5]
)


def ps1_objid(ra: np.ndarray, dec: np.ndarray) -> np.ndarray:
    """PS1-like object ids from positions (declination zones of 30 arcsec)."""
    zone = np.floor((np.asarray(dec) + 90.0) / (30.0 / 3600.0)).astype(np.int64)
    return zone * 10**13 + np.round(np.asarray(ra) * 1e6).astype(np.int64) * 10


class Ps1(Survey):
    """Pan-STARRS1 DR2 detections and objects (two HATS collections)."""

    def __init__(self, out: Path) -> None:
        super().__init__(out=out, name="ps1", bands=tuple(M5))
        base = out / "mirrors" / "ps1"
        self.det = HatsCollectionWriter(base / "detection", "detection", DET_SCHEMA)
        self.obj = HatsCollectionWriter(base / "otmo", "otmo", OBJ_SCHEMA, ra="raMean", dec="decMean")

    def visits(self, rng: np.random.Generator, objects: pd.DataFrame) -> pd.DataFrame:
        ra_c = float(np.mean(wrap_ra(objects["ra"].to_numpy())))
        doy_center = (80.0 + (ra_c + 180.0) / 360.0 * 365.25) % 365.25
        nights = season_nights(rng, START, END, doy_center - 90.0, 180.0, 1.0, 0.0)
        frames = []
        n = len(objects)
        for band in M5:
            pick = np.sort(rng.random((n, len(nights))).argsort(axis=1)[:, :6], axis=1)  # 6 nights per object
            t = nights[pick] + 0.2 + 0.3 * rng.random(pick.shape)
            t = np.stack([t, t + 15.0 / 1440.0], axis=2).reshape(n, -1)  # TTI pairs
            depth = np.repeat(rng.normal(0.0, 0.3, pick.shape), 2, axis=1)
            frames.append(
                pd.DataFrame(
                    {"obj": np.repeat(np.arange(n), t.shape[1]), "mjd": t.ravel(), "band": band, "dm5": depth.ravel()}
                )
            )
        return pd.concat(frames, ignore_index=True)

    def observe(self, rng: np.random.Generator, objects: pd.DataFrame, vis: pd.DataFrame, pix: int) -> pd.DataFrame:
        band = vis["band"].to_numpy()
        m5 = vis["band"].map(M5).to_numpy(dtype=float) + vis["dm5"].to_numpy()
        m = measure(rng, vis["true_mag"].to_numpy(), m5, FLOOR)
        detected = m.snr >= 5.0
        obj = vis["obj"].to_numpy().astype(np.int64)[detected]
        nd = int(detected.sum())
        ra0, dec0 = objects["ra"].to_numpy(), objects["dec"].to_numpy()
        objid = ps1_objid(ra0, dec0)
        ra, dec = scatter_positions(rng, ra0[obj], dec0[obj], 0.1, pix)
        bad = (rng.random(nd) < 0.02) | (vis["true_mag"].to_numpy()[detected] < SATURATION)
        flux_jy = m.f_obs[detected] * 1e-9
        sentinel = rng.random(nd) < 0.005
        det = pa.table(
            {
                "objID": objid[obj],
                "detectID": objects["mock_id"].to_numpy()[obj] * 10**6 + running_index(obj) + 10**15,
                "ra": ra,
                "dec": dec,
                "obsTime": np.round(vis["mjd"].to_numpy()[detected], 6),
                "filterID": pa.array(vis["band"].map(FILTERID).to_numpy(dtype=np.int8)[detected]),
                "psfFlux": np.where(sentinel, -999.0, flux_jy),
                "psfFluxErr": np.where(sentinel, -999.0, m.sigma[detected] * 1e-9),
                "psfQfPerfect": pa.array(np.where(bad, 0.5, rng.uniform(0.95, 1.0, nd)).astype(np.float32)),
                "infoFlag": np.where(bad, 4, 0).astype(np.int64),
            },
            schema=DET_SCHEMA,
        )
        self.emit("det", det)
        # the object table: every object with at least one detection
        d = pd.DataFrame({"obj": obj, "band": band[detected], "flux": m.f_obs[detected]})
        counts = d.pivot_table(index="obj", columns="band", values="flux", aggfunc="size", fill_value=0)
        means = d.pivot_table(index="obj", columns="band", values="flux", aggfunc="mean")
        if len(counts):
            o = counts.index.to_numpy()
            rm, dm = scatter_positions(rng, ra0[o], dec0[o], 0.02, pix)
            cols = {
                "objID": objid[o],
                "raMean": rm,
                "decMean": dm,
                "nDetections": counts.sum(axis=1).to_numpy(dtype=np.int32),
            }
            for b in M5:
                cols[f"n{b[-1]}"] = counts.get(b, pd.Series(0, index=counts.index)).to_numpy(dtype=np.int32)
            for b in M5:
                f = means.get(b, pd.Series(np.nan, index=counts.index)).to_numpy(dtype=float)
                with np.errstate(invalid="ignore", divide="ignore"):
                    mag = np.where(f > 0, -2.5 * np.log10(np.where(f > 0, f, 1.0) / 3631e9), -999.0)
                cols[f"{b[-1]}MeanPSFMag"] = mag.astype(np.float32)
            self.emit("obj", pa.table(cols, schema=OBJ_SCHEMA))
        return self.truth_epochs(objects, vis, detected)

    def sink(self, key: str, data: pa.Table, pix: int) -> None:
        (self.det if key == "det" else self.obj).write(pix, data)

    def finalize(self) -> None:
        self.det.finalize()
        self.obj.finalize()
