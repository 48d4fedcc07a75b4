"""Object-table catalogues as the mock sky sees them (one Parquet file per catalogue and HEALPix
order-3 pixel, ``catalogs/<name>/part_hpx3_PPPP.parquet``), in each catalogue's own column names.

``des_dr2``
    RA -60..60, Dec -7..1.3; coadd 5-sigma depths g, r, i, z, Y = 25.1, 24.8, 24.3, 23.6, 22.4.
    ``COADD_OBJECT_ID, RA, DEC, WAVG_MAG_PSF_{G,R,I,Z,Y}, WAVG_MAGERR_PSF_*, MAG_AUTO_*,
    MAGERR_AUTO_*, CLASS_STAR_*, FLAGS_*`` (AB; FLAGS 4 = saturated, brighter than 16.5).
``sdss_dr16``
    The SDSS imaging. ``objID, ra, dec, type, flags, psfMag_{ugriz}, psfMagErr_*, modelMag_*,
    modelMagErr_*, probPSF_*`` (asinh, SDSS system).
``sdss_dr16_photoz``
    DR16 galaxies (type 3): ``objID, z, zErr``.
``hsc``
    RA -30..40, Dec -7..1.5, LSST-pipeline names: ``object_id, ra, dec``,
    ``{g,r,i,z,y}_base_PsfFlux_instFlux(Err)``, ``..._base_GaussianFlux_instFlux(Err)`` (nJy),
    ``..._base_ClassificationExtendedness_value``, ``..._base_PixelFlags_flag_saturated``.
``cfhtls_w``
    The W1 field RA 30.2..38.8, Dec -11.2..-3.7: ``CFHTLS, RAJ2000, DEJ2000, uap3, e_uap3``
    (3-arcsec aperture), ``uauto, e_uauto`` (Kron), ``cl_u`` (SExtractor class_star); AB.
``nsc_dr2``
    Everywhere, 90% complete to g = 23: ``id, ra, dec, pmra, pmdec, pmraerr, pmdecerr, gmag,
    class_star``.
``xmm_servs``
    The XMM-LSS box, every X-ray AGN and 70% of the quasars: ``XID, RA, DEC, flux_05_10, zphot,
    zspec`` (zspec NaN for 60%).
``sdss_specobj``
    The SDSS imaging: quasars i < 21.5 (85%), galaxies r < 17.77 (90%) and r < 19.5 (15%), stars
    r < 20 (3%): ``specObjID, ra, dec, class (QSO/GALAXY/STAR), subClass, z, zErr, zWarning``.

Gaia EDR3 astrometry is the ``gaia_dr3`` source table of the Gaia mirror (EDR3 and DR3 share it).
Positions carry catalogue-typical scatter (0.02–0.3 arcsec); photometric errors follow the
shared noise model at each catalogue's depth.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.mocksky.observe import measure, scatter_positions, write_parquet
from agnlc.mocksky.sdss import in_sdss_footprint
from agnlc.sky.footprint import in_xmmlss, wrap_ra
from agnlc.sky.photometry import F0_NJY, A, ab_flux_to_sdss_asinh

__all__ = ["CATALOGS", "CatalogWriter"]

CATALOGS = ("des_dr2", "sdss_dr16", "sdss_dr16_photoz", "hsc", "cfhtls_w", "nsc_dr2", "xmm_servs", "sdss_specobj")
DES_M5 = {"G": 25.1, "R": 24.8, "I": 24.3, "Z": 23.6, "Y": 22.4}
HSC_M5 = {"g": 26.5, "r": 26.1, "i": 25.9, "z": 25.1, "y": 24.4}
SDSS_M5 = {"u": 22.0, "g": 22.2, "r": 22.2, "i": 21.3, "z": 20.5}


def _mag(f: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(f > 0, -2.5 * np.log10(np.where(f > 0, f, 1.0) / F0_NJY), 99.0)


def _magerr(f: np.ndarray, s: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(f > 0, A * s / np.where(f > 0, f, 1.0), 99.0)


class CatalogWriter:
    """Writes every catalogue's rows for one partition at a time."""

    def __init__(self, out: Path) -> None:
        self.base = out / "catalogs"
        self.files: list[Path] = []
        self._pending: dict[str, list[pd.DataFrame]] = {}

    def _write(self, name: str, df: pd.DataFrame, pix: int) -> None:
        if len(df):
            self._pending.setdefault(name, []).append(df)

    def flush(self, pix: int) -> None:
        """Write the queued rows of partition ``pix``, one file per catalogue."""
        for name in sorted(self._pending):
            f = self.base / name / f"part_hpx3_{pix:04d}.parquet"
            write_parquet(pd.concat(self._pending[name], ignore_index=True), f)
            self.files.append(f)
        self._pending.clear()

    def write(self, rng: np.random.Generator, o: pd.DataFrame, pix: int) -> None:
        """All catalogues of one partition's objects ``o``."""
        ra, dec = o["ra"].to_numpy(), o["dec"].to_numpy()
        w = wrap_ra(ra)
        ext = o["ext_r"].to_numpy()
        mock = o["mock_id"].to_numpy()
        # ---------------- DES DR2
        sel = np.flatnonzero((w > -60) & (w < 60) & (dec > -7.0) & (dec < 1.3))
        if len(sel):
            r2, d2 = scatter_positions(rng, ra[sel], dec[sel], 0.05)
            df = pd.DataFrame({"COADD_OBJECT_ID": 1_000_000_000 + mock[sel], "RA": r2, "DEC": d2})
            snr_max = np.zeros(len(sel))
            for b, m5 in DES_M5.items():
                lb = b.lower()
                mp = measure(rng, o[f"psfmag_{lb}"].to_numpy()[sel], m5, 0.005)
                ma = measure(rng, o[f"mag_{lb}"].to_numpy()[sel], m5 - 0.3, 0.005)
                df[f"WAVG_MAG_PSF_{b}"] = np.round(_mag(mp.f_obs), 5)
                df[f"WAVG_MAGERR_PSF_{b}"] = np.round(_magerr(mp.f_obs, mp.sigma), 5)
                df[f"MAG_AUTO_{b}"] = np.round(_mag(ma.f_obs), 5)
                df[f"MAGERR_AUTO_{b}"] = np.round(_magerr(ma.f_obs, ma.sigma), 5)
                point = np.clip(rng.normal(0.95, 0.03, len(sel)), 0, 1)
                extended = np.clip(rng.uniform(0.0, 0.3, len(sel)), 0, 1)
                cs = np.where(ext[sel] > 0.1, extended, point)
                faint = mp.snr < 10
                cs[faint] = rng.uniform(0.2, 0.8, faint.sum())
                df[f"CLASS_STAR_{b}"] = np.round(cs, 3)
                df[f"FLAGS_{b}"] = np.where(o[f"psfmag_{lb}"].to_numpy()[sel] < 16.5, 4, 0).astype(np.int16)
                snr_max = np.maximum(snr_max, mp.snr)
            self._write("des_dr2", df[snr_max >= 5], pix)
        # ---------------- SDSS DR16 photometry and photo-z
        sel = np.flatnonzero(in_sdss_footprint(ra, dec))
        if len(sel):
            r2, d2 = scatter_positions(rng, ra[sel], dec[sel], 0.1)
            typ = np.where(ext[sel] > 0.2, 3, 6)
            objid = (np.int64(1) << 59) | (np.int64(301) << 48) | (np.int64(4000) << 32) | (mock[sel] + 1)
            df = pd.DataFrame(
                {
                    "objID": objid,
                    "ra": r2,
                    "dec": d2,
                    "type": typ.astype(np.int16),
                    "flags": np.where(o["psfmag_r"].to_numpy()[sel] < 14.0, 1 << 18, 0).astype(np.int64),
                }
            )
            snr_max = np.zeros(len(sel))
            for b, m5 in SDSS_M5.items():
                mp = measure(rng, o[f"psfmag_{b}"].to_numpy()[sel], m5, 0.01)
                mm = measure(rng, o[f"mag_{b}"].to_numpy()[sel], m5 - 0.2, 0.01)
                df[f"psfMag_{b}"], df[f"psfMagErr_{b}"] = (
                    np.round(x, 5) for x in ab_flux_to_sdss_asinh(mp.f_obs, mp.sigma, b)
                )
                df[f"modelMag_{b}"], df[f"modelMagErr_{b}"] = (
                    np.round(x, 5) for x in ab_flux_to_sdss_asinh(mm.f_obs, mm.sigma, b)
                )
                df[f"probPSF_{b}"] = np.where(
                    ext[sel] > 0.2, 0.0, np.where(mp.snr > 10, 1.0, (rng.random(len(sel)) < 0.8) * 1.0)
                )
                snr_max = np.maximum(snr_max, mp.snr)
            df = df[snr_max >= 5]
            self._write("sdss_dr16", df, pix)
            gal = df[df["type"] == 3]
            if len(gal):
                idx = (gal["objID"].to_numpy() & 0xFFFFFFFF) - 1  # mock_id back from objID
                pos = pd.Series(np.arange(len(o)), index=mock).reindex(idx).to_numpy()
                photoz = o["photoz"].to_numpy()[pos]
                self._write(
                    "sdss_dr16_photoz",
                    pd.DataFrame(
                        {
                            "objID": gal["objID"].to_numpy(),
                            "z": np.round(photoz, 4),
                            "zErr": np.round(0.05 * (1 + photoz), 4),
                        }
                    ),
                    pix,
                )
        # ---------------- HSC (LSST pipeline names)
        sel = np.flatnonzero((w > -30) & (w < 40) & (dec > -7.0) & (dec < 1.5))
        if len(sel):
            r2, d2 = scatter_positions(rng, ra[sel], dec[sel], 0.05)
            df = pd.DataFrame({"object_id": 40_000_000_000 + mock[sel], "ra": r2, "dec": d2})
            snr_max = np.zeros(len(sel))
            for b, m5 in HSC_M5.items():
                mp = measure(rng, o[f"psfmag_{b}"].to_numpy()[sel], m5, 0.005)
                mg = measure(rng, o[f"mag_{b}"].to_numpy()[sel] + 0.05, m5 - 0.2, 0.005)
                sat = o[f"psfmag_{b}"].to_numpy()[sel] < 17.5
                df[f"{b}_base_PsfFlux_instFlux"] = np.where(sat, np.nan, mp.f_obs)
                df[f"{b}_base_PsfFlux_instFluxErr"] = np.where(sat, np.nan, mp.sigma)
                df[f"{b}_base_GaussianFlux_instFlux"] = np.where(sat, np.nan, mg.f_obs)
                df[f"{b}_base_GaussianFlux_instFluxErr"] = np.where(sat, np.nan, mg.sigma)
                ex = (ext[sel] > 0.1).astype(float)
                flip = (mp.snr < 8) & (rng.random(len(sel)) < 0.3)
                ex[flip] = 1 - ex[flip]
                df[f"{b}_base_ClassificationExtendedness_value"] = ex
                df[f"{b}_base_PixelFlags_flag_saturated"] = sat
                snr_max = np.maximum(snr_max, np.where(sat, 100.0, mp.snr))
            self._write("hsc", df[snr_max >= 5], pix)
        # ---------------- CFHTLS-Wide W1 u band
        sel = np.flatnonzero((ra > 30.2) & (ra < 38.8) & (dec > -11.2) & (dec < -3.7))
        if len(sel):
            r2, d2 = scatter_positions(rng, ra[sel], dec[sel], 0.2)
            ap = np.where(
                ext[sel] > 0.1, o["psfmag_u"].to_numpy()[sel] - 0.3 * ext[sel], o["psfmag_u"].to_numpy()[sel] + 0.1
            )
            ma = measure(rng, ap, 25.2, 0.01)
            mk = measure(rng, o["mag_u"].to_numpy()[sel], 24.9, 0.01)
            cs = np.where(
                ext[sel] > 0.1, rng.uniform(0.0, 0.3, len(sel)), np.clip(rng.normal(0.95, 0.03, len(sel)), 0, 1)
            )
            df = pd.DataFrame(
                {
                    "CFHTLS": [f"W1-{m:08d}" for m in mock[sel]],
                    "RAJ2000": r2,
                    "DEJ2000": d2,
                    "uap3": np.round(_mag(ma.f_obs), 4),
                    "e_uap3": np.round(_magerr(ma.f_obs, ma.sigma), 4),
                    "uauto": np.round(_mag(mk.f_obs), 4),
                    "e_uauto": np.round(_magerr(mk.f_obs, mk.sigma), 4),
                    "cl_u": np.round(cs, 2),
                }
            )
            self._write("cfhtls_w", df[ma.snr >= 5], pix)
        # ---------------- NOIRLab Source Catalog DR2
        gmag = o["psfmag_g"].to_numpy()
        sel = np.flatnonzero((rng.random(len(o)) < 0.9) & (gmag < 23.0))
        if len(sel):
            r2, d2 = scatter_positions(rng, ra[sel], dec[sel], 0.1)
            e = 1.5 * 10 ** (0.2 * np.maximum(gmag[sel] - 19.0, 0.0))
            df = pd.DataFrame(
                {
                    "id": [f"{130000 + int(pix)}_{m}" for m in mock[sel]],
                    "ra": r2,
                    "dec": d2,
                    "pmra": o["pmra"].to_numpy()[sel] + e * rng.standard_normal(len(sel)),
                    "pmdec": o["pmdec"].to_numpy()[sel] + e * rng.standard_normal(len(sel)),
                    "pmraerr": np.round(e, 3),
                    "pmdecerr": np.round(e, 3),
                    "gmag": np.round(gmag[sel], 3),
                    "class_star": np.where(ext[sel] > 0.1, 0.1, 0.95),
                }
            )
            self._write("nsc_dr2", df, pix)
        # ---------------- XMM-SERVS (XMM-LSS)
        sub = o["subclass"].to_numpy()
        inbox = in_xmmlss(ra, dec)
        sel = np.flatnonzero(
            inbox
            & ((sub == "agn_xray") | (np.isin(o["cls"].to_numpy(), ["Qso", "highZQso"]) & (rng.random(len(o)) < 0.7)))
        )
        if len(sel):
            r2, d2 = scatter_positions(rng, ra[sel], dec[sel], 0.2)
            z = o["z"].to_numpy()[sel]
            flux = np.where(
                np.isfinite(o["xray_flux"].to_numpy()[sel]),
                o["xray_flux"].to_numpy()[sel],
                10 ** rng.uniform(-14.5, -13, len(sel)),
            )
            df = pd.DataFrame(
                {
                    "XID": np.arange(len(sel)) + 1 + 100000 * (pix + 1),
                    "RA": r2,
                    "DEC": d2,
                    "flux_05_10": flux,
                    "zphot": np.round(o["photoz"].to_numpy()[sel], 3),
                    "zspec": np.where(rng.random(len(sel)) < 0.4, np.round(z, 4), np.nan),
                }
            )
            self._write("xmm_servs", df, pix)
        # ---------------- SDSS spectra
        cls = o["cls"].to_numpy()
        r = o["mag_r"].to_numpy()
        i = o["mag_i"].to_numpy()
        u = rng.random(len(o))
        take = in_sdss_footprint(ra, dec) & (
            (np.isin(cls, ["Qso", "highZQso"]) & (i < 21.5) & (u < 0.85))
            | ((cls == "Gal") & (((r < 17.77) & (u < 0.9)) | ((r < 19.5) & (u < 0.15))))
            | ((cls == "Star") & (r < 20.0) & (u < 0.03))
        )
        sel = np.flatnonzero(take)
        if len(sel):
            r2, d2 = scatter_positions(rng, ra[sel], dec[sel], 0.1)
            spec_class = pd.Series(cls[sel]).map({"Qso": "QSO", "highZQso": "QSO", "Gal": "GALAXY", "Star": "STAR"})
            zz = np.where(cls[sel] == "Star", rng.normal(0, 0.0002, len(sel)), o["z"].to_numpy()[sel])
            subcl = np.where(sub[sel] == "qso_clq", "BROADLINE", np.where(cls[sel] == "Star", "F5", ""))
            df = pd.DataFrame(
                {
                    "specObjID": (np.int64(3) << 60) + mock[sel],
                    "ra": r2,
                    "dec": d2,
                    "class": spec_class.to_numpy(),
                    "subClass": subcl,
                    "z": np.round(zz + rng.normal(0, 0.0005, len(sel)), 5),
                    "zErr": np.full(len(sel), 0.0005),
                    "zWarning": np.zeros(len(sel), dtype=np.int32),
                }
            )
            self._write("sdss_specobj", df, pix)
