"""HEASARC gamma-ray trigger catalogues (Fermi GBM ``fermigtrig``, BeppoSAX GRBM ``saxgrbmgrb``).

These are events, not light curves: they go to the ``events`` table, never as fluxes. A target
is associated with an event when it lies inside the event's error circle (separation <= the
catalogue's ``error_radius``), for events whose error radius is at most ``max_error_radius_deg``
of the catalogue (defaults 1 deg for Fermi GBM, 3 deg for BeppoSAX, the Fornax notebook's
choices from the radius histograms).

Live transport: one synchronous TAP query per catalogue on the HEASARC TAP service with the
targets uploaded (pyvo ``uploads=``), the circle test done by the service with ADQL
``CONTAINS(POINT(target), CIRCLE(event, error_radius))``; every selected column is named with
``AS`` (Xamin otherwise answers ``c.ra`` as ``c_ra``), and the result VOTable may be BINARY
(base64), which pyvo decodes. Mirror transport: the same tables as
CSV (the mock sky's ``events/heasarc``), the same test done with astropy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import astropy.units as u
import numpy as np
import pandas as pd
from astropy.coordinates import SkyCoord, search_around_sky

from agnlc.archives.base import ArchiveError, ArchiveSettings
from agnlc.archives.contract import EVENTS
from agnlc.core.sessions import timeout_session

__all__ = ["ADAPTER", "LIVE_URL", "HeasarcAdapter", "HeasarcQuery", "adql"]

NAME = "heasarc"
LIVE_URL = "https://heasarc.gsfc.nasa.gov/xamin/vo/tap"
DEFAULT_MAX_RADIUS = {"fermigtrig": 1.0, "saxgrbmgrb": 3.0}
TIME_COLUMN = {"fermigtrig": "trigger_time", "saxgrbmgrb": "time"}


def adql(catalog: str, max_radius_deg: float) -> str:
    """The ADQL of one catalogue: events whose error circle contains an uploaded target."""
    tcol = TIME_COLUMN[catalog]
    return (
        "SELECT t.objectid AS objectid, c.name AS name, c.ra AS ra, c.dec AS dec, "
        f'c."{tcol}" AS event_time, c.error_radius AS error_radius\n'
        f"FROM tap_upload.targets AS t, {catalog} AS c\n"
        f"WHERE c.error_radius <= {max_radius_deg}\n"
        "AND 1 = CONTAINS(POINT('ICRS', t.ra, t.dec), CIRCLE('ICRS', c.ra, c.dec, c.error_radius))"
    )


@dataclass(frozen=True)
class HeasarcQuery:
    """ADQL per catalogue (live) and the radius caps."""

    adql: dict[str, str]
    max_radius_deg: dict[str, float]
    targets: pd.DataFrame = field(repr=False, compare=False)


class HeasarcAdapter:
    """Adapter for the HEASARC trigger catalogues (see the module docstring)."""

    name = NAME
    schema = EVENTS

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> HeasarcQuery:
        caps = {c: float(settings.options.get(f"max_error_radius_deg_{c}", r)) for c, r in DEFAULT_MAX_RADIUS.items()}
        return HeasarcQuery({c: adql(c, r) for c, r in caps.items()}, caps, targets[["objectid", "ra", "dec"]])

    def fetch(self, query: HeasarcQuery, settings: ArchiveSettings) -> dict[str, pd.DataFrame]:
        if settings.transport == "mirror":
            root = Path(settings.mirror)
            out = {}
            for c in query.adql:
                f = root / f"{c}.csv"
                if not root.is_dir():
                    raise ArchiveError(f"{NAME}: mirror folder {root} does not exist")
                if not f.exists():
                    raise ArchiveError(f"{NAME}: mirror has no data ({root} holds no {c}.csv)")
                out[c] = _circle_match(pd.read_csv(f), query.targets, c, query.max_radius_deg[c])
            return out
        import pyvo
        from astropy.table import Table

        url = str(settings.options.get("url", LIVE_URL))
        svc = pyvo.dal.TAPService(url, session=timeout_session(settings.timeout_s))
        up = Table(
            {
                "objectid": query.targets["objectid"].to_numpy(),
                "ra": query.targets["ra"].to_numpy(),
                "dec": query.targets["dec"].to_numpy(),
            }
        )
        return {c: svc.run_sync(q, uploads={"targets": up}).to_table().to_pandas() for c, q in query.adql.items()}

    def parse(self, reply: dict[str, pd.DataFrame], targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        frames = []
        t = targets.set_index("objectid")
        for c, df in reply.items():
            df = _unprefixed(df)
            missing = [k for k in REPLY_COLUMNS if k not in df.columns]
            if missing:
                raise ArchiveError(f"{NAME}: {c} reply lacks column(s) {missing} (columns {list(df.columns)[:10]})")
            if len(df) == 0:
                continue
            tc = SkyCoord(
                t.loc[df["objectid"], "ra"].to_numpy() * u.deg, t.loc[df["objectid"], "dec"].to_numpy() * u.deg
            )
            ec = SkyCoord(df["ra"].to_numpy() * u.deg, df["dec"].to_numpy() * u.deg)
            frames.append(
                pd.DataFrame(
                    {
                        "objectid": df["objectid"].to_numpy(np.int64),
                        "archive": NAME,
                        "catalog": c,
                        "event_id": df["name"].astype(str).to_numpy(),
                        "mjd": df["event_time"].to_numpy(float),
                        "energy": np.nan,
                        "error_radius_deg": df["error_radius"].to_numpy(float),
                        "sep_deg": tc.separation(ec).deg,
                    }
                )
            )
        if not frames:
            return EVENTS.empty()
        return (
            pd.concat(frames, ignore_index=True).sort_values(["objectid", "mjd"], kind="stable").reset_index(drop=True)
        )


REPLY_COLUMNS = ["objectid", "name", "ra", "dec", "event_time", "error_radius"]


def _unprefixed(df: pd.DataFrame) -> pd.DataFrame:
    """Xamin names a selected ``c.ra`` without ``AS`` as ``c_ra`` (astroquery's HEASARC docs): the
    ADQL names every column, and a reply that still carries the alias prefix is read the same."""
    ren = {}
    for col in df.columns:
        for prefix in ("t_", "c_"):
            if str(col).startswith(prefix) and str(col)[2:] in REPLY_COLUMNS and str(col)[2:] not in df.columns:
                ren[col] = str(col)[2:]
    return df.rename(columns=ren)


def _circle_match(cat: pd.DataFrame, targets: pd.DataFrame, catalog: str, max_radius: float) -> pd.DataFrame:
    """Rows (target, event) where the target is inside the event's error circle."""
    cat = cat[cat["error_radius"] <= max_radius].reset_index(drop=True)
    if len(cat) == 0 or len(targets) == 0:
        return pd.DataFrame(columns=["objectid", "name", "ra", "dec", "event_time", "error_radius"])
    tc = SkyCoord(targets["ra"].to_numpy() * u.deg, targets["dec"].to_numpy() * u.deg)
    ec = SkyCoord(cat["ra"].to_numpy() * u.deg, cat["dec"].to_numpy() * u.deg)
    it, ie, sep, _ = search_around_sky(tc, ec, max_radius * u.deg)
    inside = sep.deg <= cat["error_radius"].to_numpy()[ie]
    it, ie = it[inside], ie[inside]
    return pd.DataFrame(
        {
            "objectid": targets["objectid"].to_numpy()[it],
            "name": cat["name"].to_numpy()[ie],
            "ra": cat["ra"].to_numpy()[ie],
            "dec": cat["dec"].to_numpy()[ie],
            "event_time": cat[TIME_COLUMN[catalog]].to_numpy()[ie],
            "error_radius": cat["error_radius"].to_numpy()[ie],
        }
    )


ADAPTER = HeasarcAdapter()
