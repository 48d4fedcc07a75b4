"""Gaia DR3 epoch photometry through HATS (``gaia_dr3_epoch_phot``, nested per source).

Query: lsdb cross-match of the targets with the epoch-photometry collection (nearest source
within the radius). Parse: G transits (``g_transit_time, g_transit_flux(_error)``, transits
with ``variability_flag_g_reject`` dropped) and BP/RP (``bp_obs_time, bp_flux(_error)``…).
Times are ``BJD(TCB) - 2455197.5`` days, i.e. MJD = t + 55197.0 (the registry's offset; TCB is
kept, as stated there). Fluxes are e-/s on the Gaia Vega system: with the registry's DR3 zero
point ZP_Vega and ``ab_offset = m_AB - m_Vega``, ``m_AB = -2.5 log10(f_e) + ZP_Vega + ab_offset``,
so ``f_nJy = f_e 10^(-0.4 (ZP_Vega + ab_offset)) 3631e9`` — Vega magnitudes are never taken as
AB. Negative or missing fluxes are dropped. ``source_id`` is the Gaia source_id.
TAP alternative (``live_method: tap``): an ADQL join of the uploaded targets with
``gaiadr3.gaia_source`` (nearest source within the radius), then the epoch photometry of those
``source_id`` — by DataLink ``EPOCH_PHOTOMETRY`` through ``astroquery.gaia`` (at most 5000 ids a
call) on the Gaia archive, or from the ``gaiadr3.epoch_photometry`` table of a TAP service that
has it (``epoch_source: table``, as the local test service does).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agnlc.archives.base import ArchiveSettings, canonical, concat_canonical
from agnlc.archives.hats import HatsQuery, location
from agnlc.bands import band as registry_band
from agnlc.photometry import F0_NJY
from agnlc.schema import LIGHTCURVE
from agnlc.sessions import timeout_session

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
        return HatsQuery(
            path=location(settings, "gaia_dr3_epoch_phot"),
            columns=tuple(COLUMNS),
            radius_arcsec=settings.radius_arcsec,
            n_neighbors=1,
            targets=targets[["objectid", "ra", "dec"]],
        )

    def fetch(self, query: HatsQuery, settings: ArchiveSettings) -> pd.DataFrame:
        if settings.transport == "live" and settings.options.get("live_method", "hats") == "tap":
            return _fetch_tap(query, settings)
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
        return concat_canonical(frames)


def tap_adql(radius_arcsec: float) -> str:
    """Targets (uploaded as ``tap_upload.targets``) joined with gaia_source within the radius."""
    r = radius_arcsec / 3600.0
    return (
        "SELECT t.objectid, g.source_id, "
        "DISTANCE(POINT('ICRS', t.ra, t.dec), POINT('ICRS', g.ra, g.dec)) * 3600.0 AS dist_arcsec\n"
        "FROM tap_upload.targets AS t JOIN gaiadr3.gaia_source AS g\n"
        f"ON 1 = CONTAINS(POINT('ICRS', g.ra, g.dec), CIRCLE('ICRS', t.ra, t.dec, {r:.8f}))"
    )


def _fetch_tap(query: HatsQuery, settings: ArchiveSettings) -> pd.DataFrame:
    import pyvo
    from astropy.table import Table

    t = query.targets
    svc = pyvo.dal.TAPService(str(settings.options.get("url")), session=timeout_session(settings.timeout_s))
    up = Table({"objectid": t["objectid"].to_numpy(), "ra": t["ra"].to_numpy(), "dec": t["dec"].to_numpy()})
    m = svc.run_sync(tap_adql(query.radius_arcsec), uploads={"targets": up}).to_table().to_pandas()
    m = m.sort_values(["objectid", "dist_arcsec"], kind="stable").drop_duplicates("objectid")
    if len(m) == 0:
        return pd.DataFrame(columns=["objectid", "source_id", "_dist_arcsec", *COLUMNS[3:]])
    ids = m["source_id"].astype("int64").tolist()
    if settings.options.get("epoch_source", "datalink") == "table":
        rows = []
        for i in range(0, len(ids), 1000):
            chunk = ",".join(str(x) for x in ids[i : i + 1000])
            rows.append(
                svc.run_sync(
                    "SELECT source_id, g_transit_time, g_transit_flux, g_transit_flux_error "
                    f"FROM gaiadr3.epoch_photometry WHERE source_id IN ({chunk})"
                )
                .to_table()
                .to_pandas()
            )
        ep = pd.concat(rows, ignore_index=True)
    else:
        from astroquery.gaia import Gaia

        frames = []
        for i in range(0, len(ids), 5000):
            res = Gaia.load_data(
                ids=ids[i : i + 5000], retrieval_type="EPOCH_PHOTOMETRY", data_structure="COMBINED", format="votable"
            )
            for tables in res.values():
                for tab in tables:
                    frames.append(tab.to_table().to_pandas())
        ep = _datalink_to_arrays(pd.concat(frames, ignore_index=True)) if frames else pd.DataFrame()
    for c in COLUMNS[3:]:  # columns a service does not provide become empty per-source arrays
        if c not in ep.columns:
            ep[c] = [np.zeros(0, dtype=bool if c.startswith("variability") else float) for _ in range(len(ep))]
    for c in ("g_transit_time", "g_transit_flux", "g_transit_flux_error"):
        ep[c] = [np.ma.filled(np.ma.asarray(v, dtype=float), np.nan) for v in ep[c]]
    ep["variability_flag_g_reject"] = [
        np.zeros(len(v), dtype=bool) if len(r) != len(v) else np.asarray(r, bool)
        for v, r in zip(ep["g_transit_time"], ep["variability_flag_g_reject"], strict=True)
    ]
    out = m.rename(columns={"dist_arcsec": "_dist_arcsec"}).merge(ep, on="source_id")
    return out


def _datalink_to_arrays(rows: pd.DataFrame) -> pd.DataFrame:
    """DataLink EPOCH_PHOTOMETRY rows (one per transit and band) to per-source arrays."""
    out = []
    for sid, g in rows.groupby("source_id", sort=True):
        rec = {"source_id": int(sid)}
        for band, tcol, fcol, ecol in SERIES:
            b = g[g["band"] == band.split("_")[1]]
            rec[tcol] = b["time"].to_numpy(float)
            rec[fcol] = b["flux"].to_numpy(float)
            rec[ecol] = b["flux_error"].to_numpy(float)
            if band == "gaia_G":
                rec["variability_flag_g_reject"] = b.get(
                    "variability_flag_g_reject", pd.Series(False, index=b.index)
                ).to_numpy(bool)
        out.append(rec)
    return pd.DataFrame(out)


ADAPTER = GaiaAdapter()
