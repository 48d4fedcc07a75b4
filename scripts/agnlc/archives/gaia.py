"""Gaia DR3 epoch photometry through HATS (``gaia_dr3_epoch_phot``, nested per source).

Query: lsdb cross-match of the targets with the epoch-photometry collection (nearest source
within the radius). Parse: G transits (``g_transit_time, g_transit_flux(_error)``, transits
with ``variability_flag_g_reject`` dropped) and BP/RP (``bp_obs_time, bp_flux(_error)``…).
Times are ``BJD(TCB) - 2455197.5`` days, i.e. MJD = t + 55197.0 (the registry's offset; TCB is
kept, as stated there). Fluxes are e-/s on the Gaia Vega system: with the registry's DR3 zero
point ZP_Vega and ``ab_offset = m_AB - m_Vega``, ``m_AB = -2.5 log10(f_e) + ZP_Vega + ab_offset``,
so ``f_nJy = f_e 10^(-0.4 (ZP_Vega + ab_offset)) 3631e9`` — Vega magnitudes are never taken as
AB. Negative or missing fluxes are dropped. ``source_id`` is the Gaia source_id.
(A TAP transport — Gaia archive table upload plus DataLink — is still to be written; see the
README's status table.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agnlc.archives.base import ArchiveSettings, canonical
from agnlc.archives.hats import HatsQuery
from agnlc.bands import band as registry_band
from agnlc.photometry import F0_NJY
from agnlc.schema import LIGHTCURVE

__all__ = ["ADAPTER", "GaiaAdapter", "to_canonical"]

NAME = "gaia"
COLUMNS = [
    "source_id",
    "ra",
    "dec",
    "g_transit_time",
    "g_transit_flux",
    "g_transit_flux_error",
    "variability_flag_g_reject",
    "bp_obs_time",
    "bp_flux",
    "bp_flux_error",
    "rp_obs_time",
    "rp_flux",
    "rp_flux_error",
]
SERIES = (
    ("gaia_G", "g_transit_time", "g_transit_flux", "g_transit_flux_error"),
    ("gaia_BP", "bp_obs_time", "bp_flux", "bp_flux_error"),
    ("gaia_RP", "rp_obs_time", "rp_flux", "rp_flux_error"),
)


def to_canonical(objectid, source_id, sep, band: str, t, f_e, e_e) -> pd.DataFrame:
    """Gaia epoch arrays (e-/s, BJD-2455197.5) of one band to canonical rows in nJy and MJD."""
    reg = registry_band("gaia", band)
    scale = F0_NJY * 10 ** (-0.4 * (reg.zero_point_mag + reg.ab_offset_mag))
    t, f_e, e_e = (np.asarray(x, dtype=np.float64) for x in (t, f_e, e_e))
    ok = np.isfinite(t) & np.isfinite(f_e) & np.isfinite(e_e) & (f_e > 0)
    return canonical(
        NAME,
        np.asarray(objectid)[ok],
        band,
        t[ok] + reg.mjd_offset_days,
        f_e[ok] * scale,
        e_e[ok] * scale,
        np.asarray(source_id)[ok],
        np.asarray(sep)[ok],
    )


class GaiaAdapter:
    """Adapter for Gaia DR3 epoch photometry (see the module docstring)."""

    name = NAME

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> HatsQuery:
        path = (
            f"{settings.mirror}/gaia_dr3_epoch_phot"
            if settings.transport == "mirror"
            else str(settings.options.get("url"))
        )
        return HatsQuery(
            path=path,
            columns=tuple(COLUMNS),
            radius_arcsec=settings.radius_arcsec,
            n_neighbors=1,
            targets=targets[["objectid", "ra", "dec"]],
        )

    def fetch(self, query: HatsQuery, settings: ArchiveSettings) -> pd.DataFrame:
        return query.run()

    def parse(self, reply: pd.DataFrame, targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        if len(reply) == 0:
            return LIGHTCURVE.empty()
        frames = []
        for band, tcol, fcol, ecol in SERIES:
            lengths = reply[tcol].map(len).to_numpy()
            t = np.concatenate(reply[tcol].to_numpy()) if lengths.sum() else np.zeros(0)
            f = np.concatenate(reply[fcol].to_numpy()) if lengths.sum() else np.zeros(0)
            e = np.concatenate(reply[ecol].to_numpy()) if lengths.sum() else np.zeros(0)
            if band == "gaia_G" and lengths.sum():
                reject = np.concatenate(reply["variability_flag_g_reject"].to_numpy()).astype(bool)
                f = np.where(reject, np.nan, f)
            ids, src, sep = (np.repeat(reply[c].to_numpy(), lengths) for c in ("objectid", "source_id", "_dist_arcsec"))
            frames.append(to_canonical(ids, src, sep, band, t, f, e))
        out = pd.concat(frames, ignore_index=True)
        return out.sort_values(["objectid", "band", "mjd"], kind="stable").reset_index(drop=True)


ADAPTER = GaiaAdapter()
