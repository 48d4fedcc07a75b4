"""SDSS Stripe 82 as the mock sky observes it: runs, noise, and the PhotoObjAll mirror.

The mirror holds the Stripe82 database's two tables the light curves need, in their own
layout, per HEALPix order-3 pixel: ``photoobjall_hpx3_PPPP.csv`` (``PhotoObjAll``: ``objID``
bit-packed like SDSS: skyVersion, rerun, run, camcol, field, obj; ``fieldID``, ``run, rerun,
camcol, field, obj, ra, dec, type, flags, probPSF_{ugriz}, psfMag_{ugriz}`` (asinh, SDSS system),
``psfMagErr_*``, ``modelMag_*``, ``modelMagErr_*``) and ``field_hpx3_PPPP.csv`` (``Field``:
``fieldID, run, rerun, camcol, field, mjd_{ugriz}``, the MJD TAI at which each filter scanned
the field; every object of a field shares it).
Single-epoch runs carry their own numbers; the coadd rows have run 106 (south strip) or
206 (north strip), as in the real database.

Observing model
    Seasons September–mid-December of 1998–2007: 6 runs a season up to 2004 and 40 a
    season in the SDSS-II supernova years 2005–2007; each run scans one strip (north or
    south, interleaved in 0.21-deg camcol bands) over a random 70–100% of the RA range,
    with 10% of fields lost. Filters are exposed in the drift-scan order r, i, u, z, g,
    71.7 s apart. Single-epoch 5-sigma depths u,g,r,i,z = 22.0, 22.2, 22.2, 21.3, 20.5
    (varying by 0.25 mag per run); the coadd is 2 mag deeper. Noise follows the
    LSST-style model ``sigma_m^2 = (0.04 - gamma) x + gamma x^2`` (x = 10^(0.4 (m - m5)),
    gamma = 0.039, :mod:`agnlc.mocksky.observe`) plus a 0.01 mag calibration floor. A detection
    needs S/N >= 5 in at least one band; all five bands are then measured. Objects brighter
    than r = 14 set the SATURATED flag (bit 18). Extended sources: PSF magnitudes from
    ``psfmag_*``, model magnitudes from the total ``mag_*``, probPSF = 0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.mocksky.observe import Survey, measure, write_csv
from agnlc.mocksky.observe import flux_noise as _flux_noise
from agnlc.sky.footprint import wrap_ra
from agnlc.sky.photometry import ab_flux_to_sdss_asinh

__all__ = [
    "BANDS",
    "COADD_RUNS",
    "FILTER_OFFSET_S",
    "M5",
    "SdssS82",
    "flux_noise",
    "in_sdss_footprint",
    "sdss_runs",
]

BANDS = ("u", "g", "r", "i", "z")
#: seconds after the r exposure at which each filter crosses the same sky (drift scan order r i u z g)
FILTER_OFFSET_S = {"r": 0.0, "i": 71.72, "u": 143.44, "z": 215.16, "g": 286.88}
M5 = {"u": 22.0, "g": 22.2, "r": 22.2, "i": 21.3, "z": 20.5}
COADD_RUNS = (106, 206)
FLOOR_MAG = 0.01
SATURATION_R = 14.0
FLAG_SATURATED = 1 << 18
DEC_LIMIT = 1.26
CAMCOL_WIDTH = 0.21


def sdss_runs(rng: np.random.Generator) -> pd.DataFrame:
    """The survey's run list: ``run, mjd (r-band start), strip, ra_lo, ra_hi, dm5``."""
    rows = []
    run_no = 1000
    for year in range(1998, 2008):
        n = 6 if year <= 2004 else 40
        start = 51057.0 + (year - 1998) * 365.25  # ~ 1 September
        nights = np.sort(start + rng.uniform(0.0, 105.0, n))
        for night in nights:
            frac = rng.uniform(0.7, 1.0)
            lo = -60.0 + rng.uniform(0.0, 1.0 - frac) * 120.0
            rows.append(
                (
                    run_no,
                    night + rng.uniform(0.1, 0.3),
                    int(rng.integers(0, 2)),
                    lo,
                    lo + frac * 120.0,
                    rng.normal(0.0, 0.25),
                )
            )
            run_no += 1 + int(rng.integers(0, 30))
    return pd.DataFrame(rows, columns=["run", "mjd", "strip", "ra_lo", "ra_hi", "dm5"])


def in_sdss_footprint(ra: np.ndarray, dec: np.ndarray) -> np.ndarray:
    """Inside the SDSS Stripe 82 imaging (|dec| < 1.26, RA -60..60)."""
    w = wrap_ra(ra)
    return (np.abs(dec) < DEC_LIMIT) & (w > -60.0) & (w < 60.0)


def _strip(dec: np.ndarray) -> np.ndarray:
    return (np.floor((np.asarray(dec) + DEC_LIMIT) / CAMCOL_WIDTH).astype(np.int64)) % 2


def _camcol(dec: np.ndarray) -> np.ndarray:
    return 1 + (np.floor((np.asarray(dec) + DEC_LIMIT) / (2 * CAMCOL_WIDTH)).astype(np.int64) % 6)


def flux_noise(flux: np.ndarray, m5: np.ndarray | float) -> np.ndarray:
    """SDSS single-epoch flux noise (the shared model with the SDSS 0.01 mag floor)."""
    return _flux_noise(flux, m5, FLOOR_MAG)


class SdssS82(Survey):
    """SDSS Stripe 82: single-epoch runs and the coadd, written as PhotoObjAll CSV replies."""

    def __init__(self, out: Path, runs: pd.DataFrame) -> None:
        super().__init__(out=out, name="sdss_s82", bands=tuple(f"sdss_{b}" for b in BANDS))
        self.runs = runs

    def visits(self, rng: np.random.Generator, objects: pd.DataFrame) -> pd.DataFrame:
        """One row per (run, object, filter); ``visit`` numbers the (run, object) pairs."""
        runs = self.runs
        ra = objects["ra"].to_numpy()
        dec = objects["dec"].to_numpy()
        idx_in = np.flatnonzero(in_sdss_footprint(ra, dec))
        w = wrap_ra(ra[idx_in])
        strip = _strip(dec[idx_in])
        covered = (
            (strip[:, None] == runs["strip"].to_numpy()[None, :])
            & (w[:, None] >= runs["ra_lo"].to_numpy()[None, :])
            & (w[:, None] <= runs["ra_hi"].to_numpy()[None, :])
            & (rng.random((len(idx_in), len(runs))) > 0.10)
        )
        oi, ri = np.nonzero(covered)
        # the scan reaches the object's field some minutes after the run starts (36 s per 0.1512-deg
        # field); every object of a field shares the field's time (Field.mjd_<band> in the database)
        field_ra = -60.0 + np.floor((w[oi] + 60.0) / 0.1512) * 0.1512
        t_r = runs["mjd"].to_numpy()[ri] + (field_ra - runs["ra_lo"].to_numpy()[ri]) / 0.1512 * 36.0 / 86400.0
        nv = len(oi)
        return pd.DataFrame(
            {
                "obj": np.repeat(idx_in[oi], len(BANDS)),
                "visit": np.repeat(np.arange(nv), len(BANDS)),
                "run_index": np.repeat(ri, len(BANDS)),
                "band": np.tile([f"sdss_{b}" for b in BANDS], nv),
                "mjd": np.repeat(t_r, len(BANDS)) + np.tile([FILTER_OFFSET_S[b] / 86400.0 for b in BANDS], nv),
            }
        )

    def observe(self, rng: np.random.Generator, objects: pd.DataFrame, vis: pd.DataFrame, pix: int) -> pd.DataFrame:
        """Measure the visits, write ``photoobjall_hpx3_PPPP.csv`` (epochs + coadd), return truth."""
        nb = len(BANDS)
        nv = len(vis) // nb
        obj = vis["obj"].to_numpy()[::nb].astype(np.int64)
        ri = vis["run_index"].to_numpy()[::nb].astype(np.int64)
        dm5 = self.runs["dm5"].to_numpy()[ri]
        true_mag = vis["true_mag"].to_numpy().reshape(nv, nb)
        t = vis["mjd"].to_numpy().reshape(nv, nb)
        cols: dict[str, np.ndarray] = {}
        snr_max = np.full(nv, -np.inf)
        for j, b in enumerate(BANDS):
            m = measure(rng, true_mag[:, j], M5[b] + dm5, FLOOR_MAG)
            snr_max = np.maximum(snr_max, m.snr)
            _measure(rng, cols, b, m.f_obs, m.sigma, m.snr, t[:, j])
        detected = snr_max >= 5.0
        single = _rows(rng, objects, obj, self.runs["run"].to_numpy()[ri], cols, detected)

        # the coadd (runs 106/206): mean PSF magnitudes, 2 mag deeper, one row per covered object
        cobj = np.flatnonzero(in_sdss_footprint(objects["ra"].to_numpy(), objects["dec"].to_numpy()))
        nc = len(cobj)
        ccols: dict[str, np.ndarray] = {}
        csnr = np.full(nc, -np.inf)
        for b in BANDS:
            m = measure(rng, objects[f"psfmag_{b}"].to_numpy()[cobj], M5[b] + 2.0, FLOOR_MAG)
            csnr = np.maximum(csnr, m.snr)
            _measure(rng, ccols, b, m.f_obs, m.sigma, m.snr, np.full(nc, 53700.0 + FILTER_OFFSET_S[b] / 86400.0))
            ext = objects[f"ext_{b}"].to_numpy()[cobj]
            ccols[f"modelMag_{b}"] = ccols[f"modelMag_{b}"] - ext  # model magnitude: total flux
            ccols[f"probPSF_{b}"] = np.where(ext > 0.2, 0.0, ccols[f"probPSF_{b}"])
        crun = np.where(_strip(objects["dec"].to_numpy()[cobj]) == 0, COADD_RUNS[0], COADD_RUNS[1])
        coadd = _rows(rng, objects, cobj, crun, ccols, csnr >= 5.0)
        self.emit("photoobjall", pd.concat([single, coadd], ignore_index=True))
        return self.truth_epochs(objects, vis, np.repeat(detected, nb))

    def sink(self, key: str, data: pd.DataFrame, pix: int) -> None:
        data = _round_reply(data)
        mjd = [f"mjd_{b}" for b in BANDS]
        f = self.out / "mirrors" / "sdss_s82" / f"photoobjall_hpx3_{pix:04d}.csv"
        write_csv(data.drop(columns=mjd), f)
        g = self.out / "mirrors" / "sdss_s82" / f"field_hpx3_{pix:04d}.csv"
        fields = data[["fieldID", "run", "rerun", "camcol", "field", *mjd]].drop_duplicates("fieldID")
        write_csv(fields.sort_values("fieldID", kind="stable"), g)
        self.files += [f, g]


def _round_reply(df: pd.DataFrame) -> pd.DataFrame:
    """Round to the precision a reply carries (mags 1e-5, MJD 1e-6 d, degrees 1e-8)."""
    out = df.copy()
    for c in out.columns:
        if c in ("ra", "dec"):
            out[c] = out[c].round(8)
        elif c.startswith("mjd"):
            out[c] = out[c].round(6)
        elif "Mag" in c or c.startswith("probPSF"):
            out[c] = out[c].round(5)
    return out


def _measure(
    rng: np.random.Generator,
    cols: dict[str, np.ndarray],
    b: str,
    f_obs: np.ndarray,
    sig: np.ndarray,
    snr: np.ndarray,
    t: np.ndarray,
) -> None:
    mag, mag_err = ab_flux_to_sdss_asinh(f_obs, sig, b)
    n = len(f_obs)
    cols[f"psfMag_{b}"] = mag
    cols[f"psfMagErr_{b}"] = mag_err
    cols[f"modelMag_{b}"] = mag + rng.normal(0.0, 0.01, n)
    cols[f"modelMagErr_{b}"] = mag_err * 1.05
    cols[f"mjd_{b}"] = t
    cols[f"probPSF_{b}"] = np.where(snr > 10, 1.0, (rng.random(n) < 0.8).astype(float))


def _rows(
    rng: np.random.Generator,
    objects: pd.DataFrame,
    obj: np.ndarray,
    run: np.ndarray,
    cols: dict[str, np.ndarray],
    keep: np.ndarray,
) -> pd.DataFrame:
    """Assemble PhotoObjAll rows (ids, positions with 0.05-arcsec scatter, flags)."""
    n = len(obj)
    ra = objects["ra"].to_numpy()[obj]
    dec = objects["dec"].to_numpy()[obj]
    scatter = 0.05 / 3600.0
    ra_obs = np.mod(ra + rng.normal(0.0, scatter, n) / np.cos(np.radians(dec)), 360.0)
    dec_obs = dec + rng.normal(0.0, scatter, n)
    camcol = _camcol(dec)
    field = 11 + np.floor((wrap_ra(ra) + 60.0) / 0.1512).astype(np.int64)
    sat = objects["mag_r"].to_numpy()[obj] < SATURATION_R
    df = pd.DataFrame(
        {
            "run": run.astype(np.int64),
            "rerun": np.full(n, 301, dtype=np.int64),
            "camcol": camcol,
            "field": field,
            "ra": ra_obs,
            "dec": dec_obs,
            "type": np.full(n, 6, dtype=np.int64),
            "flags": np.where(sat, FLAG_SATURATED, 0).astype(np.int64),
        }
    )
    for k, v in cols.items():
        df[k] = v
    # obj: from the object's mock id, so ids do not depend on how the sky is partitioned
    # (unique within a field for up to 65535 objects, and almost always beyond)
    df["obj"] = 1 + (objects["mock_id"].to_numpy()[obj] % 65535)
    df = df[keep].reset_index(drop=True)
    field_id = (
        (np.int64(1) << 59)
        | (df["rerun"].to_numpy() << 48)
        | (df["run"].to_numpy() << 32)
        | (df["camcol"].to_numpy() << 29)
        | (df["field"].to_numpy() << 16)
    )
    df.insert(0, "objID", field_id | df["obj"].to_numpy())
    df.insert(1, "fieldID", field_id)  # the Field table's key (the objID bits without obj)
    return df
