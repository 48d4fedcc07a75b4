"""TESS and K2 as the mock sky observes them: light-curve FITS files as MAST/lightkurve
deliver them, plus the search index (what ``lightkurve.search_lightcurve`` lists).

TESS
    Bright sources (T = AB(7865 A) - 0.4 < 15.5) get TESS-SPOC full-frame light curves in one
    or two of sectors 42, 43 (2021) and 70 (2023): 600-s cadence, a one-day orbit gap per
    sector. File ``hlsp_tess-spoc_tess_phot_<TIC>-s<sector>_tess_v1_lc.fits`` with a
    ``LIGHTCURVE`` table ``TIME`` (BTJD = BJD - 2457000), ``SAP_FLUX``, ``PDCSAP_FLUX`` and
    errors (e-/s; T = 10 gives 15,000 e-/s) and ``QUALITY`` (1% of cadences flagged 4096).
K2
    Campaign 12 (2016-12-15 to 2017-03-04; field centre RA 351.66, Dec -5.10, radius 6.5 deg):
    60% of sources with Kp = AB(6400 A) - 0.1 < 18 in the field, 29.4-min long cadence. File
    ``ktwo<EPIC>-c12_llc.fits`` with ``TIME`` (BKJD = BJD - 2454833), ``SAP_FLUX``,
    ``PDCSAP_FLUX`` and errors (e-/s; Kp = 12 gives 1.74e5 e-/s), ``SAP_QUALITY``.

Every TESS star is also listed with a QLP high-level product (``hlsp_qlp_…_llc.fits``: normalised
``SAP_FLUX``/``KSPSAP_FLUX``, no ``PDCSAP_FLUX``), as a real search without an author returns
products of several pipelines; the adapter keeps the SPOC-family authors.

Noise: the shared model with per-cadence 5-sigma depths 19.0 (TESS, 10 min) and 20.5
(K2, 30 min) and a 0.0005 mag floor. Fluxes are kept in e-/s (no AB calibration), as the
band registry says.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from astropy.io import fits

from agnlc.mocksky.observe import Survey, measure, write_csv
from agnlc.mocksky.variability import mean_magnitude

__all__ = ["K2_C12", "SECTORS", "TessKepler"]

SECTORS = {42: (59446.0, 59473.0), 43: (59473.0, 59500.0), 70: (60207.0, 60233.0)}
K2_C12 = {"ra": 351.6588, "dec": -5.1023, "radius": 6.5, "start": 57737.0, "end": 57816.0}
TESS_LIMIT, K2_LIMIT = 15.5, 18.0
M5 = {"tess_T": 19.0, "kepler_Kp": 20.5}
FLOOR = 0.0005


def _t_mag(objects: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    return mean_magnitude(objects, rows, np.full(len(rows), 7865.0), "psfmag") - 0.4


def _kp_mag(objects: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    return mean_magnitude(objects, rows, np.full(len(rows), 6400.0), "psfmag") - 0.1


def _in_k2(ra: np.ndarray, dec: np.ndarray) -> np.ndarray:
    import astropy.units as u
    from astropy.coordinates import SkyCoord

    c = SkyCoord(ra * u.deg, dec * u.deg)
    return c.separation(SkyCoord(K2_C12["ra"] * u.deg, K2_C12["dec"] * u.deg)).deg < K2_C12["radius"]


class TessKepler(Survey):
    """TESS sectors and K2 Campaign 12 light-curve files with a search index."""

    def __init__(self, out: Path) -> None:
        super().__init__(out=out, name="tess_kepler", bands=("tess_T", "kepler_Kp"))
        self.index: list[dict] = []

    def visits(self, rng: np.random.Generator, objects: pd.DataFrame) -> pd.DataFrame:
        n = len(objects)
        rows = np.arange(n)
        frames = []
        bright = np.flatnonzero(_t_mag(objects, rows) < TESS_LIMIT)
        for o in bright:
            sectors = sorted(rng.choice(list(SECTORS), size=int(rng.integers(1, 3)), replace=False))
            for s in sectors:
                t0, t1 = SECTORS[s]
                t = np.arange(t0, t1, 600.0 / 86400.0)
                mid = (t0 + t1) / 2
                t = t[np.abs(t - mid) > 0.5]  # orbit gap
                frames.append(pd.DataFrame({"obj": o, "mjd": t, "band": "tess_T", "sector": s}))
        in_field = _in_k2(objects["ra"].to_numpy(), objects["dec"].to_numpy())
        k2 = np.flatnonzero(in_field & (_kp_mag(objects, rows) < K2_LIMIT) & (rng.random(n) < 0.6))
        for o in k2:
            t = np.arange(K2_C12["start"], K2_C12["end"], 29.4 / 1440.0)
            frames.append(pd.DataFrame({"obj": o, "mjd": t, "band": "kepler_Kp", "sector": 12}))
        if not frames:
            return pd.DataFrame(
                {
                    "obj": np.zeros(0, np.int64),
                    "mjd": np.zeros(0),
                    "band": np.zeros(0, str),
                    "sector": np.zeros(0, np.int64),
                }
            )
        return pd.concat(frames, ignore_index=True)

    def observe(self, rng: np.random.Generator, objects: pd.DataFrame, vis: pd.DataFrame, pix: int) -> pd.DataFrame:
        if len(vis) == 0:
            return self.truth_epochs(objects, vis.assign(true_mag=np.zeros(0)), np.zeros(0, bool))
        m = measure(rng, vis["true_mag"].to_numpy(), vis["band"].map(M5).to_numpy(dtype=float), FLOOR)
        base = self.out / "mirrors" / "tess_kepler"
        keys = vis[["obj", "band", "sector"]].astype({"obj": np.int64, "sector": np.int64})
        for (o, b, s), idx in keys.groupby(["obj", "band", "sector"], sort=True).indices.items():
            mock_id = int(objects["mock_id"].iloc[o])
            ref = _t_mag(objects, np.array([o]))[0] if b == "tess_T" else _kp_mag(objects, np.array([o]))[0]
            # nJy -> e-/s through the object's own reference magnitude and the mission zero point
            f_ref_njy = 3631e9 * 10 ** (-0.4 * (ref + (0.4 if b == "tess_T" else 0.1)))
            e_per_njy = (
                15000.0 * 10 ** (-0.4 * (ref - 10.0)) if b == "tess_T" else 1.74e5 * 10 ** (-0.4 * (ref - 12.0))
            ) / f_ref_njy
            flux = m.f_obs[idx] * e_per_njy
            err = m.sigma[idx] * e_per_njy
            t = vis["mjd"].to_numpy()[idx]
            quality = np.where(rng.random(len(idx)) < 0.01, 4096, 0).astype(np.int32)
            ra, dec = float(objects["ra"].iloc[o]), float(objects["dec"].iloc[o])
            if b == "tess_T":
                tic = 100_000_000 + mock_id
                time = t - 56999.5
                name = f"hlsp_tess-spoc_tess_phot_{tic:016d}-s{s:04d}_tess_v1_lc.fits"
                hdr = {
                    "TELESCOP": "TESS",
                    "OBJECT": f"TIC {tic}",
                    "TICID": tic,
                    "SECTOR": int(s),
                    "TESSMAG": round(float(ref), 3),
                    "RA_OBJ": ra,
                    "DEC_OBJ": dec,
                }
                lc_hdr = {
                    "BJDREFI": 2457000,
                    "BJDREFF": 0.0,
                    "TIMESYS": "TDB",
                    "TIMEUNIT": "d",
                    "TUNIT1": "BJD - 2457000, days",
                }
                qname, target, mission, exptime, author = "QUALITY", f"{tic}", f"TESS Sector {s:02d}", 600, "TESS-SPOC"
            else:
                epic = 200_000_000 + mock_id
                time = t - 54832.5
                name = f"ktwo{epic}-c12_llc.fits"
                hdr = {
                    "TELESCOP": "Kepler",
                    "MISSION": "K2",
                    "OBJECT": f"EPIC {epic}",
                    "KEPLERID": epic,
                    "CAMPAIGN": 12,
                    "KEPMAG": round(float(ref), 3),
                    "RA_OBJ": ra,
                    "DEC_OBJ": dec,
                }
                lc_hdr = {
                    "BJDREFI": 2454833,
                    "BJDREFF": 0.0,
                    "TIMESYS": "TDB",
                    "TIMEUNIT": "d",
                    "TUNIT1": "BJD - 2454833, days",
                }
                qname, target, mission, exptime, author = "SAP_QUALITY", f"{epic}", "K2 Campaign 12", 1800, "K2"
            cols = [
                fits.Column("TIME", "D", array=np.round(time, 7), unit=lc_hdr["TUNIT1"]),
                fits.Column("SAP_FLUX", "E", array=(flux * 1.02).astype(np.float32), unit="e-/s"),
                fits.Column("SAP_FLUX_ERR", "E", array=(err * 1.02).astype(np.float32), unit="e-/s"),
                fits.Column("PDCSAP_FLUX", "E", array=flux.astype(np.float32), unit="e-/s"),
                fits.Column("PDCSAP_FLUX_ERR", "E", array=err.astype(np.float32), unit="e-/s"),
                fits.Column(qname, "J", array=quality),
            ]
            primary = fits.PrimaryHDU()
            for k, v in hdr.items():
                primary.header[k] = v
            table = fits.BinTableHDU.from_columns(cols, name="LIGHTCURVE")
            for k, v in lc_hdr.items():
                if k != "TUNIT1":
                    table.header[k] = v
            path = base / "files" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            fits.HDUList([primary, table]).writeto(path, overwrite=True, output_verify="silentfix")
            self.files.append(path)
            row = {
                "target_name": target,
                "mission": mission,
                "author": author,
                "exptime": exptime,
                "s_ra": round(ra, 7),
                "s_dec": round(dec, 7),
                "productFilename": name,
                "t_min": round(float(t.min()), 5),
                "t_max": round(float(t.max()), 5),
            }
            self.index.append(row)
            if b == "tess_T":  # a search also lists the QLP high-level product of the same star
                qlp = f"hlsp_qlp_tess_ffi_s{s:04d}-{tic:016d}_tess_v01_llc.fits"
                qcols = [
                    fits.Column("TIME", "D", array=np.round(time, 7), unit=lc_hdr["TUNIT1"]),
                    fits.Column("SAP_FLUX", "E", array=(flux / np.median(flux)).astype(np.float32)),
                    fits.Column("KSPSAP_FLUX", "E", array=(flux / np.median(flux)).astype(np.float32)),
                    fits.Column("KSPSAP_FLUX_ERR", "E", array=(err / np.median(flux)).astype(np.float32)),
                    fits.Column("QUALITY", "J", array=quality),
                ]
                qtable = fits.BinTableHDU.from_columns(qcols, name="LIGHTCURVE")
                qpath = base / "files" / qlp
                fits.HDUList([primary, qtable]).writeto(qpath, overwrite=True, output_verify="silentfix")
                self.files.append(qpath)
                self.index.append({**row, "author": "QLP", "exptime": 600, "productFilename": qlp})
        return self.truth_epochs(objects, vis, np.ones(len(vis), dtype=bool))

    def finalize(self) -> None:
        idx = pd.DataFrame(
            self.index,
            columns=[
                "target_name",
                "mission",
                "author",
                "exptime",
                "s_ra",
                "s_dec",
                "productFilename",
                "t_min",
                "t_max",
            ],
        )
        f = self.out / "mirrors" / "tess_kepler" / "index.csv"
        write_csv(idx.sort_values("productFilename", kind="stable"), f)
        self.files.append(f)
