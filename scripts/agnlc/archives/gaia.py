"""Gaia DR3 epoch photometry: the LINCC HATS catalogue (default) or the Gaia archive (TAP + DataLink).

HATS (``https://data.lsdb.io/hats/gaia_dr3_epoch_phot``; the mirror holds the same catalogue): one
row per source, ``source_id, ra, dec`` and the nested ``epoch_photometry`` column, a struct of
per-transit lists (``g_transit_time, g_transit_flux, g_transit_flux_error`` or
``g_transit_flux_over_error``, ``bp_obs_time, bp_flux, …``, ``rp_…``, the bool
``variability_flag_{g,bp,rp}_reject`` and ``rejected_by_photometry`` where present). The targets
are cross-matched with it by lsdb (nearest source within the radius). References:
nasa-fornax/fornax-demo-notebooks ``gaia_functions.py``; the lsdb notebooks that open it.

Gaia archive (``live_method: tap``): an ADQL join of the uploaded targets with
``gaiadr3.gaia_source`` (nearest source within the radius), then the epoch photometry of those
``source_id`` by DataLink ``EPOCH_PHOTOMETRY`` through ``astroquery.gaia`` (``data_structure="INDIVIDUAL"``,
one file per source, named ``EPOCH_PHOTOMETRY-Gaia DR3 <id>.xml``; at most 5000 ids a call)
or from a TAP table that has it (``epoch_source: table``, as the local test service does). The
DataLink rows come in one of two layouts, both understood: the newer DR3 layout (one row per
transit with the ``g_transit_*``/``bp_*``/``rp_*`` columns and ``variability_flag_*_reject``,
``rejected_by_photometry``), or the older one (one row per band and transit: ``band, time, flux,
flux_error, rejected_by_variability, rejected_by_photometry``).

Parse (one code path for every layout): each band's epochs with a finite time and a positive
flux, minus those rejected by the variability or photometric processing. Times are ``BJD(TCB) -
2455197.5`` days, i.e. MJD = t + 55197.0 (the registry's offset; TCB kept). Fluxes are e-/s on
the Gaia Vega system: with the registry's DR3 zero point ZP_Vega and ``ab_offset = m_AB -
m_Vega``, ``f_nJy = f_e 10^(-0.4 (ZP_Vega + ab_offset)) 3631e9``; a missing ``flux_error`` is
``flux / flux_over_error``. Vega magnitudes are never taken as AB. ``source_id`` is kept.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agnlc.archives.base import ArchiveError, ArchiveSettings, canonical, concat_canonical
from agnlc.archives.contract import LIGHTCURVE
from agnlc.archives.hats import HatsQuery, location
from agnlc.core.sessions import timeout_session
from agnlc.sky.bands import band as registry_band
from agnlc.sky.photometry import F0_NJY

__all__ = ["ADAPTER", "LIVE_URL", "GaiaAdapter", "datalink_tables", "epochs_long", "to_canonical"]

NAME = "gaia"
LIVE_URL = "https://data.lsdb.io/hats/gaia_dr3_epoch_phot"
CATALOG = "gaia_dr3_epoch_phot"
NESTED = "epoch_photometry"
COLUMNS = ["source_id", "ra", "dec", NESTED]
#: band, time, flux, flux error, flux over error, variability reject flag (per-transit layout)
SERIES = (
    ("gaia_G", "g_transit_time", "g_transit_flux", "g_transit_flux_error", "g_transit_flux_over_error", "g"),
    ("gaia_BP", "bp_obs_time", "bp_flux", "bp_flux_error", "bp_flux_over_error", "bp"),
    ("gaia_RP", "rp_obs_time", "rp_flux", "rp_flux_error", "rp_flux_over_error", "rp"),
)
OLD_BANDS = {"G": "gaia_G", "BP": "gaia_BP", "RP": "gaia_RP"}


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
            path=location(settings, CATALOG)
            if settings.transport == "mirror"
            else str(settings.options.get("url", LIVE_URL)),
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
        long = epochs_long(reply)
        frames = [
            to_canonical(g["objectid"], g["source_id"], g["_dist_arcsec"], band, g["time"], g["flux"], g["flux_error"])
            for band, g in long.groupby("band", sort=True)
        ]
        return concat_canonical(frames)


def epochs_long(reply: pd.DataFrame) -> pd.DataFrame:
    """Any epoch-photometry reply to long rows ``objectid, source_id, _dist_arcsec, band, time,
    flux, flux_error`` with rejected transits removed.

    Understood: the HATS nested column ``epoch_photometry``; the DataLink per-transit layout
    (``g_transit_time`` … one row per transit); the older DataLink layout (``band, time, flux``
    one row per band and transit). Anything else raises :class:`ArchiveError`.
    """
    keys = ["objectid", "source_id", "_dist_arcsec"]
    missing = [k for k in keys if k not in reply.columns]
    if missing:
        raise ArchiveError(f"{NAME}: reply lacks column(s) {missing}")
    if NESTED in reply.columns:
        flat = reply[NESTED].nest.to_flat()
        wide = pd.concat([reply[keys].loc[flat.index].reset_index(drop=True), flat.reset_index(drop=True)], axis=1)
    elif "g_transit_time" in reply.columns:
        wide = reply
    elif {"band", "time", "flux"} <= set(reply.columns):
        return _old_layout(reply, keys)
    else:
        raise ArchiveError(f"{NAME}: epoch photometry in no known layout (columns {sorted(reply.columns)[:12]})")
    frames = []
    phot_reject = _flag(wide, "rejected_by_photometry")
    for band, tcol, fcol, ecol, oecol, short in SERIES:
        if tcol not in wide.columns or fcol not in wide.columns:
            if band == "gaia_G":
                raise ArchiveError(f"{NAME}: epoch photometry lacks {tcol}/{fcol}")
            continue
        flux = pd.to_numeric(wide[fcol], errors="coerce").to_numpy(float)
        if ecol in wide.columns:
            err = pd.to_numeric(wide[ecol], errors="coerce").to_numpy(float)
        elif oecol in wide.columns:
            with np.errstate(divide="ignore", invalid="ignore"):
                err = flux / pd.to_numeric(wide[oecol], errors="coerce").to_numpy(float)
        else:
            raise ArchiveError(f"{NAME}: epoch photometry has neither {ecol} nor {oecol}")
        reject = _flag(wide, f"variability_flag_{short}_reject") | phot_reject
        frames.append(
            pd.DataFrame(
                {
                    **{k: wide[k].to_numpy() for k in keys},
                    "band": band,
                    "time": pd.to_numeric(wide[tcol], errors="coerce").to_numpy(float),
                    "flux": np.where(reject, np.nan, flux),
                    "flux_error": err,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _flag(df: pd.DataFrame, column: str) -> np.ndarray:
    """A boolean flag column (missing values and an absent column are False)."""
    if column not in df.columns:
        return np.zeros(len(df), dtype=bool)
    v = df[column]
    if pd.api.types.is_bool_dtype(v.dtype):
        return v.to_numpy(dtype=bool)
    text = v.astype("string").str.strip().str.lower()  # text booleans of CSV/ECSV replies
    return text.isin(["true", "t", "1", "1.0"]).fillna(False).to_numpy(dtype=bool)


def _old_layout(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The older DataLink layout: one row per band and transit."""
    band = rows["band"].astype(str).str.strip().map(OLD_BANDS)
    if band.isna().any():
        raise ArchiveError(f"{NAME}: unknown band value(s) {sorted(set(rows['band'][band.isna()].astype(str)))}")
    reject = _flag(rows, "rejected_by_variability") | _flag(rows, "rejected_by_photometry")
    flux = pd.to_numeric(rows["flux"], errors="coerce").to_numpy(float)
    return pd.DataFrame(
        {
            **{k: rows[k].to_numpy() for k in keys},
            "band": band.to_numpy(),
            "time": pd.to_numeric(rows["time"], errors="coerce").to_numpy(float),
            "flux": np.where(reject, np.nan, flux),
            "flux_error": pd.to_numeric(rows["flux_error"], errors="coerce").to_numpy(float),
        }
    )


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
    m = m.rename(columns={"dist_arcsec": "_dist_arcsec"})[["objectid", "source_id", "_dist_arcsec"]]
    if len(m) == 0:
        return m
    ids = m["source_id"].astype("int64").tolist()
    if settings.options.get("epoch_source", "datalink") == "table":
        # a TAP table with one row per source and array columns: one row per transit
        cols = ["g_transit_time", "g_transit_flux", "g_transit_flux_error"]
        rows = []
        for i in range(0, len(ids), 1000):
            chunk = ",".join(str(x) for x in ids[i : i + 1000])
            sql = f"SELECT source_id, {', '.join(cols)} FROM gaiadr3.epoch_photometry WHERE source_id IN ({chunk})"
            rows.append(svc.run_sync(sql).to_table().to_pandas())
        ep = pd.concat(rows, ignore_index=True)
        for c in cols:
            ep[c] = [np.ma.filled(np.ma.asarray(v, dtype=float), np.nan) for v in ep[c]]
        ep = ep.explode(cols, ignore_index=True)
    else:
        from astroquery.gaia import Gaia

        frames = []
        for i in range(0, len(ids), 5000):
            res = Gaia.load_data(
                ids=ids[i : i + 5000], retrieval_type="EPOCH_PHOTOMETRY", data_structure="INDIVIDUAL", format="votable"
            )
            frames += datalink_tables(res)
        ep = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"source_id": []})
    ep["source_id"] = ep["source_id"].astype("int64")
    return m.merge(ep, on="source_id")


def datalink_tables(result: dict) -> list[pd.DataFrame]:
    """The tables of an ``astroquery.gaia`` DataLink result (a dict keyed by the zip member names,
    ``EPOCH_PHOTOMETRY-Gaia DR3 <id>.xml``, each a list of VOTable tables) as DataFrames, masked
    values as NaN; members of other retrieval types are left out."""
    frames = []
    for name, tables in result.items():
        if not str(name).startswith("EPOCH_PHOTOMETRY"):
            continue
        for tab in tables:
            table = tab.to_table() if hasattr(tab, "to_table") else tab
            frames.append(table.to_pandas())
    return frames


ADAPTER = GaiaAdapter()
