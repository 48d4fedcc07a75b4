"""ZTF as the mock sky observes it: the data-release light curves (a HATS collection like
IRSA's) and, from the same exposures, the ALeRCE broker's alert replies.

Observing model
    2018-03-17 to 2024-01-31; each partition's season is the ~200 days around opposition of
    its mean RA; g and r every 3 nights, i every 8 nights (each a ~70% weather success);
    5-sigma depths g, r, i = 20.8, 20.6, 20.1 mag (0.35 mag night to night), 0.015 mag floor;
    saturation at 12.5 mag.

Data-release mirror (``mirrors/ztf``, laid out as IRSA's DR24 collection
``s3://ipac-irsa-ztf/ztf/enhanced/dr24/lc/hats``: catalogue ``ztf_dr24_lc-hats`` with
partitions as directories ``Npix=N/part0.snappy.parquet``, margin
``ztf_dr24_lc-hats_margin_10arcsec`` and id index ``ztf_dr24_lc-hats_index_objectid``)
    One row per ZTF object = (field, readout channel, filter) with IRSA's columns and types
    ``objectid int64, filterid int8 (1 g, 2 r, 3 i), fieldid int16, rcid int8, objra/objdec
    float32, nepochs int64`` and the nested ``lightcurve`` (struct of lists: ``hmjd`` double,
    ``mag, magerr, clrcoeff`` float, ``catflags`` int32); only
    detections (S/N >= 5) are listed; 3% of epochs and every saturated one have
    ``catflags = 32768``. ``hmjd`` is the heliocentric MJD (here the mock's common MJD).

ALeRCE mirror (``mirrors/alerce/{objects,detections,non_detections}_hpx3_PPPP.json``)
    From 2018-06-01, g and r: the difference flux ``f(t) - f_ref`` of each exposure; an alert
    (detection) when ``|diff| >= 5 sigma``, otherwise a non-detection with ``diffmaglim`` (the
    exposure's 5-sigma limit). Detections carry ALeRCE's columns ``candid, oid, mjd, fid,
    magpsf, sigmapsf, isdiffpos (1/-1), magnr, sigmanr, distnr, magpsf_corr, sigmapsf_corr,
    sigmapsf_corr_ext, corrected, dubious``: the corrected (total) magnitude is
    ``-2.5 log10(f_ref,measured + diff)``, its extended error includes the reference error;
    when the total flux is not positive ``magpsf_corr = 100`` and ``dubious`` is true; 5% of
    objects have no reference association, and 10% of the other detections are not corrected
    (``corrected`` false, corrected columns null, as in the broker's replies); ``candid`` is a
    string.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from agnlc.mocksky.hatswriter import HatsCollectionWriter
from agnlc.mocksky.observe import Survey, flux_noise, measure, running_index, scatter_positions, season_nights
from agnlc.sky.footprint import wrap_ra
from agnlc.sky.photometry import F0_NJY, A, ab_mag_to_flux

__all__ = ["COLLECTION", "FILTERID", "M5", "ZTF_SCHEMA", "Ztf", "float32_inside"]

COLLECTION = "ztf_dr24_lc-hats"

M5 = {"ztf_g": 20.8, "ztf_r": 20.6, "ztf_i": 20.1}
FILTERID = {"ztf_g": 1, "ztf_r": 2, "ztf_i": 3}
STEP = {"ztf_g": 3.0, "ztf_r": 3.0, "ztf_i": 8.0}
START, END, ALERT_START = 58194.0, 60340.0, 58270.0
FLOOR = 0.015
SATURATION = 12.5
BAD_FLAG = 32768

ZTF_SCHEMA = pa.schema(
    [
        ("objectid", pa.int64()),
        ("filterid", pa.int8()),
        ("fieldid", pa.int16()),
        ("rcid", pa.int8()),
        ("objra", pa.float32()),
        ("objdec", pa.float32()),
        ("nepochs", pa.int64()),
        (
            "lightcurve",
            pa.struct(
                [
                    ("hmjd", pa.list_(pa.float64())),
                    ("mag", pa.list_(pa.float32())),
                    ("magerr", pa.list_(pa.float32())),
                    ("clrcoeff", pa.list_(pa.float32())),
                    ("catflags", pa.list_(pa.int32())),
                ]
            ),
        ),
    ]
)


def float32_inside(ra: np.ndarray, dec: np.ndarray, pix: int, order: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Positions rounded to float32 (IRSA's ``objra/objdec`` type), nudged 0.1 arcsec towards the
    centre of their order-``order`` pixel where the rounding alone would move them out of it."""
    from agnlc.sky.healpix import radec_to_index

    ra32, dec32 = np.asarray(ra, np.float32), np.asarray(dec, np.float32)
    out = radec_to_index(ra32.astype(np.float64), dec32.astype(np.float64), order) != pix
    if out.any():
        import astropy.units as u
        from cdshealpix.nested import healpix_to_lonlat

        lon, lat = healpix_to_lonlat(np.array([pix], dtype=np.uint64), order)
        c_ra, c_dec = float(lon.to_value(u.deg)[0]), float(lat.to_value(u.deg)[0])
        step = 0.1 / 3600.0
        r, d = np.asarray(ra, float)[out], np.asarray(dec, float)[out]
        dra = (c_ra - r + 180.0) % 360.0 - 180.0
        ra32[out] = np.mod(r + np.sign(dra) * step / np.cos(np.radians(d)), 360.0)
        dec32[out] = d + np.sign(c_dec - d) * step
    return ra32, dec32


def _alerce_oid(mock_id: np.ndarray, year: np.ndarray) -> list[str]:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    digits = np.stack([(mock_id // 26**k) % 26 for k in range(6, -1, -1)], axis=1)
    return [f"ZTF{y:02d}" + "".join(letters[d]) for y, d in zip(year, digits, strict=True)]


class Ztf(Survey):
    """ZTF data-release light curves (HATS) and ALeRCE alerts (JSON replies)."""

    def __init__(self, out: Path) -> None:
        super().__init__(out=out, name="ztf", bands=tuple(M5))
        self.writer = HatsCollectionWriter(
            out / "mirrors" / "ztf",
            COLLECTION,
            ZTF_SCHEMA,
            ra="objra",
            dec="objdec",
            margin_arcsec=10.0,
            margin_name=f"{COLLECTION}_margin_10arcsec",
            npix_suffix="/",
            index_column="objectid",
        )

    def visits(self, rng: np.random.Generator, objects: pd.DataFrame) -> pd.DataFrame:
        ra_c = float(np.mean(wrap_ra(objects["ra"].to_numpy())))
        doy_center = (80.0 + (ra_c + 180.0) / 360.0 * 365.25) % 365.25
        frames = []
        for band in M5:
            nights = season_nights(rng, START, END, doy_center - 100.0 - 0.0, 200.0, STEP[band], 0.3)
            nights = nights + 0.15 + 0.2 * rng.random(len(nights))  # time of night
            depth = rng.normal(0.0, 0.35, len(nights))
            seen = rng.random((len(objects), len(nights))) < 0.9  # chip gaps, field edges
            oi, ni = np.nonzero(seen)
            frames.append(
                pd.DataFrame(
                    {"obj": oi, "mjd": nights[ni] + rng.uniform(0, 1e-3, len(ni)), "band": band, "dm5": depth[ni]}
                )
            )
        return pd.concat(frames, ignore_index=True)

    def observe(self, rng: np.random.Generator, objects: pd.DataFrame, vis: pd.DataFrame, pix: int) -> pd.DataFrame:
        m5 = vis["band"].map(M5).to_numpy(dtype=float) + vis["dm5"].to_numpy()
        true_mag = vis["true_mag"].to_numpy()
        m = measure(rng, true_mag, m5, FLOOR)
        detected = m.snr >= 5.0
        self._write_dr(rng, objects, vis, m, detected, pix)
        self._write_alerce(rng, objects, vis, m, m5, pix)
        return self.truth_epochs(objects, vis, detected)

    def _write_dr(self, rng, objects, vis, m, detected, pix) -> None:
        d = vis[detected].assign(f_obs=m.f_obs[detected], sig=m.sigma[detected])
        mag = -2.5 * np.log10(d["f_obs"].to_numpy() / F0_NJY)
        magerr = A * d["sig"].to_numpy() / d["f_obs"].to_numpy()
        flags = np.where((rng.random(len(d)) < 0.03) | (d["true_mag"].to_numpy() < SATURATION), BAD_FLAG, 0)
        d = d.assign(mag=mag, magerr=magerr, catflags=flags, fid=d["band"].map(FILTERID).to_numpy(dtype=np.int64))
        d = d.sort_values(["obj", "fid", "mjd"], kind="stable")
        keys = d[["obj", "fid"]].to_numpy()
        if len(d) == 0:
            return
        starts = np.flatnonzero(np.r_[True, np.any(keys[1:] != keys[:-1], axis=1)])
        offsets = pa.array(np.r_[starts, len(d)].astype(np.int32))
        o = keys[starts, 0]
        fid = keys[starts, 1]
        mock_id = objects["mock_id"].to_numpy()[o]
        ra, dec = scatter_positions(rng, objects["ra"].to_numpy()[o], objects["dec"].to_numpy()[o], 0.06, pix)
        fieldid = 300 + (np.floor(wrap_ra(objects["ra"].to_numpy()[o]) / 7.0).astype(int) % 400)
        rcid = (mock_id % 64).astype(np.int8)
        lc = pa.StructArray.from_arrays(
            [
                pa.ListArray.from_arrays(offsets, pa.array(np.round(d["mjd"].to_numpy(), 6))),
                pa.ListArray.from_arrays(offsets, pa.array(d["mag"].to_numpy(np.float32))),
                pa.ListArray.from_arrays(offsets, pa.array(d["magerr"].to_numpy(np.float32))),
                pa.ListArray.from_arrays(offsets, pa.array(rng.normal(-0.05, 0.02, len(d)).astype(np.float32))),
                pa.ListArray.from_arrays(offsets, pa.array(d["catflags"].to_numpy(np.int32))),
            ],
            names=["hmjd", "mag", "magerr", "clrcoeff", "catflags"],
        )
        ra32, dec32 = float32_inside(ra, dec, pix)
        table = pa.table(
            {
                "objectid": pa.array(
                    fieldid.astype(np.int64) * 10**10
                    + rcid.astype(np.int64) * 10**8
                    + fid.astype(np.int64) * 10**7
                    + mock_id,
                    pa.int64(),
                ),
                "filterid": pa.array(fid, pa.int8()),
                "fieldid": pa.array(fieldid, pa.int16()),
                "rcid": pa.array(rcid, pa.int8()),
                "objra": pa.array(ra32, pa.float32()),
                "objdec": pa.array(dec32, pa.float32()),
                "nepochs": pa.array(np.diff(np.r_[starts, len(d)]), pa.int64()),
                "lightcurve": lc,
            }
        )
        self.emit("dr", table)

    def _write_alerce(self, rng, objects, vis, m, m5, pix) -> None:
        sel = (vis["mjd"].to_numpy() >= ALERT_START) & np.isin(vis["band"].to_numpy(), ("ztf_g", "ztf_r"))
        v = vis[sel].reset_index(drop=True)
        obj = v["obj"].to_numpy().astype(np.int64)
        f_obs = m.f_obs[sel]
        sig = m.sigma[sel]
        f_ref_true, _ = ab_mag_to_flux(_mean_psf(objects, obj, v["band"].to_numpy()))
        sig_ref = flux_noise(f_ref_true, m5[sel] + 1.5, 0.005)
        # one reference measurement per object and filter
        key = obj * 4 + np.where(v["band"].to_numpy() == "ztf_g", 1, 2)
        uk, inv = np.unique(key, return_inverse=True)
        ref_noise = rng.standard_normal(len(uk))[inv]
        f_ref_meas = f_ref_true + sig_ref * ref_noise
        diff = f_obs - f_ref_true
        alert = np.abs(diff) >= 5.0 * sig
        fid = np.where(v["band"].to_numpy() == "ztf_g", 1, 2)
        has = np.unique(obj[alert])
        if len(has) == 0:
            return
        a = alert & np.isin(obj, has)
        first = pd.Series(v["mjd"].to_numpy()[a]).groupby(obj[a]).min()
        year = (18 + np.floor((first.to_numpy() - 58119.0) / 365.25)).astype(int)
        # per-object ALeRCE ids and reference association, looked up by position in `has`
        oids = np.array(_alerce_oid(objects["mock_id"].to_numpy()[has], year), dtype=object)
        corrected = rng.random(len(has)) >= 0.05
        d_idx = np.flatnonzero(a)
        dd = diff[d_idx]
        f_tot = f_ref_meas[d_idx] + dd
        s_d = sig[d_idx]
        s_tot = np.sqrt(s_d**2 + sig_ref[d_idx] ** 2)
        # as in the real broker, one object mixes corrected and uncorrected detections (null *_corr)
        corr = corrected[np.searchsorted(has, obj[d_idx])] & (rng.random(len(d_idx)) >= 0.1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mag_corr = np.where(f_tot > 0, -2.5 * np.log10(np.where(f_tot > 0, f_tot, 1.0) / F0_NJY), 100.0)
            s_corr = np.where(f_tot > 0, A * s_d / np.where(f_tot > 0, f_tot, 1.0), 100.0)
            s_corr_ext = np.where(f_tot > 0, A * s_tot / np.where(f_tot > 0, f_tot, 1.0), 100.0)
        det = pd.DataFrame(
            {
                "candid": (  # a string in ALeRCE's replies
                    objects["mock_id"].to_numpy()[obj[d_idx]].astype(np.int64) * 100000
                    + running_index(obj[d_idx])
                    + 2_000_000_000_000_000
                ).astype(str),
                "oid": oids[np.searchsorted(has, obj[d_idx])],
                "mjd": np.round(v["mjd"].to_numpy()[d_idx], 6),
                "fid": fid[d_idx],
                "magpsf": np.round(-2.5 * np.log10(np.abs(dd) / F0_NJY), 5),
                "sigmapsf": np.round(A * s_d / np.abs(dd), 5),
                "isdiffpos": np.where(dd > 0, 1, -1),
                "magnr": np.round(-2.5 * np.log10(np.maximum(f_ref_meas[d_idx], 1e-3) / F0_NJY), 5),
                "sigmanr": np.round(A * sig_ref[d_idx] / np.maximum(f_ref_meas[d_idx], 1e-3), 5),
                "distnr": np.round(np.abs(rng.normal(0, 0.1, len(d_idx))), 4),
                "magpsf_corr": np.where(corr, np.round(mag_corr, 5), np.nan),
                "sigmapsf_corr": np.where(corr, np.round(s_corr, 5), np.nan),
                "sigmapsf_corr_ext": np.where(corr, np.round(s_corr_ext, 5), np.nan),
                "corrected": corr,
                "dubious": corr & (f_tot <= 0),
            }
        )
        nd_idx = np.flatnonzero(~alert & np.isin(obj, has))
        nondet = pd.DataFrame(
            {
                "oid": oids[np.searchsorted(has, obj[nd_idx])],
                "mjd": np.round(v["mjd"].to_numpy()[nd_idx], 6),
                "fid": fid[nd_idx],
                "diffmaglim": np.round(m5[sel][nd_idx], 4),
            }
        )
        ra = objects["ra"].to_numpy()[has]
        dec = objects["dec"].to_numpy()[has]
        g = det.groupby("oid")
        ra, dec = scatter_positions(rng, ra, dec, 0.08)
        objs = pd.DataFrame({"oid": oids, "meanra": np.round(ra, 7), "meandec": np.round(dec, 7)})
        objs["ndet"] = objs["oid"].map(g.size()).to_numpy()
        objs["firstmjd"] = objs["oid"].map(g["mjd"].min()).to_numpy()
        objs["lastmjd"] = objs["oid"].map(g["mjd"].max()).to_numpy()
        objs["corrected"] = objs["oid"].map(g["corrected"].all()).to_numpy()
        for name, frame in (("objects", objs), ("detections", det), ("non_detections", nondet)):
            self.emit(name, frame)

    def sink(self, key: str, data, pix: int) -> None:
        if key == "dr":
            self.writer.write(pix, data)
            return
        f = self.out / "mirrors" / "alerce" / f"{key}_hpx3_{pix:04d}.json"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(data.to_json(orient="records", double_precision=10) + "\n")
        self.files.append(f)

    def finalize(self) -> None:
        self.writer.finalize()


def _mean_psf(objects: pd.DataFrame, obj: np.ndarray, band: np.ndarray) -> np.ndarray:
    """The object's mean PSF magnitude in a ZTF band (the reference image's source)."""
    from agnlc.mocksky.variability import mean_magnitude

    lam = np.where(band == "ztf_g", 4746.0, 6366.0)
    return mean_magnitude(objects, obj, lam, prefix="psfmag")
