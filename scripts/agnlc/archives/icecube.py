"""IceCube track events (the public 10-year point-source release, 2008-2018).

Events, not light curves: they go to the ``events`` table. A target is associated with an event
when it lies within the event's angular error (``AngErr``) and within ``max_radius_deg``
(default 1 deg); for each target the ``top_n`` most energetic associated events are kept
(default 3, as the Fornax notebook does). ``energy`` is ``10^(log10 E/GeV)`` in GeV.

Release layout (IceCube Collaboration 2021, "IceCube Data for Neutrino Point-Source Searches
Years 2008-2018", the ``icecube_10year_ps`` folder as icecube/skyllh ``public_data`` holds it):
``events/<season>_exp.csv`` (IC40, IC59, IC79, IC86_I … IC86_VII; a Dataverse copy may add ``-1``
to the name) and ``uptime/<season>_exp.csv`` under the **same base names**, plus ``irfs/``.
Despite the ``.csv`` name these are whitespace-aligned text with one ``#`` header line
``# MJD[days] log10(E/GeV) AngErr[deg] RA[deg] Dec[deg] Azimuth[deg] Zenith[deg]``. Only files
under an ``events`` folder are read; a header that is not the event header is an error.

Mirror transport: a folder in that layout. Live transport: the release zip (``url``), downloaded
once and unpacked **with its folders** into a cache (flattening it would let the uptime tables
overwrite the event tables of the same name), then read the same way.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import astropy.units as u
import numpy as np
import pandas as pd
from astropy.coordinates import SkyCoord, search_around_sky

from agnlc.archives.base import ArchiveError, ArchiveSettings
from agnlc.archives.contract import EVENTS

__all__ = ["ADAPTER", "LIVE_URL", "IcecubeAdapter", "IcecubeQuery", "event_files", "read_event_files", "unpack_release"]

NAME = "icecube"
LIVE_URL = "https://icecube.wisc.edu/data-releases/20210126_PS-IC40-IC86_VII.zip"
COLUMNS = ["MJD", "log10E", "AngErr", "RA", "Dec", "Azimuth", "Zenith"]


@dataclass(frozen=True)
class IcecubeQuery:
    """Where the event files are and the association rules."""

    source: str
    max_radius_deg: float
    top_n: int
    targets: pd.DataFrame = field(repr=False, compare=False)


HEADER = ["MJD[days]", "log10(E/GeV)", "AngErr[deg]", "RA[deg]", "Dec[deg]", "Azimuth[deg]", "Zenith[deg]"]


def event_files(folder: Path) -> list[Path]:
    """The event tables (``events/<season>_exp*.csv``) under ``folder``, never the uptime ones."""
    return sorted(f for f in Path(folder).rglob("*_exp*.csv") if f.parent.name == "events")


def read_event_file(path: Path) -> pd.DataFrame:
    """One season's event table; its '#' header must name the seven event columns."""
    with open(path) as fh:
        head = fh.readline()
    names = head.lstrip("#").split()
    if not head.startswith("#") or names != HEADER:
        raise ArchiveError(f"{NAME}: {path} line 1: not the event header {HEADER} (found {names[:7]})")
    df = pd.read_csv(path, sep=r"\s+", comment="#", header=None, names=COLUMNS)
    bad = df.isna().any(axis=1).to_numpy()
    if bad.any():
        raise ArchiveError(f"{NAME}: {path} line {int(np.flatnonzero(bad)[0]) + 2}: fewer than 7 numeric fields")
    return df


def read_event_files(folder: Path) -> pd.DataFrame:
    """All event tables under ``folder`` as one table."""
    files = event_files(folder)
    if not files:
        raise ArchiveError(f"{NAME}: mirror has no data (no IceCube event tables events/*_exp.csv under {folder})")
    return pd.concat([read_event_file(f) for f in files], ignore_index=True)


def unpack_release(content: bytes, dest: Path) -> list[Path]:
    """Unpack the release zip's ``events/`` and ``uptime/`` tables into ``dest``, keeping their
    folders (members with absolute or parent-relative paths are refused)."""
    out = []
    dest = Path(dest)
    try:
        z = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise ArchiveError(f"{NAME}: the release download is not a zip archive ({exc})") from None
    with z:
        for member in z.namelist():
            parts = Path(member).parts
            if member.startswith("/") or ".." in parts or not member.endswith(".csv"):
                continue
            if len(parts) < 2 or parts[-2] not in ("events", "uptime"):
                continue
            target = dest.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".part")
            tmp.write_bytes(z.read(member))
            tmp.replace(target)
            out.append(target)
    if not any(p.parent.name == "events" for p in out):
        raise ArchiveError(f"{NAME}: the release zip holds no events/*_exp.csv table")
    return out


class IcecubeAdapter:
    """Adapter for the IceCube event release (see the module docstring)."""

    name = NAME
    schema = EVENTS

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> IcecubeQuery:
        src = settings.mirror if settings.transport == "mirror" else str(settings.options.get("url", LIVE_URL))
        return IcecubeQuery(
            src,
            float(settings.options.get("max_radius_deg", 1.0)),
            int(settings.options.get("top_n", 3)),
            targets[["objectid", "ra", "dec"]],
        )

    def fetch(self, query: IcecubeQuery, settings: ArchiveSettings) -> pd.DataFrame:
        if settings.transport == "mirror":
            return read_event_files(Path(query.source))
        import requests

        cache = Path(str(settings.options.get("cache", "results/cache/icecube")))
        if not event_files(cache):
            r = requests.get(query.source, timeout=min(settings.timeout_s, 600), verify=True)
            r.raise_for_status()
            unpack_release(r.content, cache)
        return read_event_files(cache)

    def parse(self, reply: pd.DataFrame, targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        t = targets.reset_index(drop=True)
        if len(reply) == 0 or len(t) == 0:
            return EVENTS.empty()
        rmax = float(settings.options.get("max_radius_deg", 1.0))
        top_n = int(settings.options.get("top_n", 3))
        tc = SkyCoord(t["ra"].to_numpy() * u.deg, t["dec"].to_numpy() * u.deg)
        ec = SkyCoord(reply["RA"].to_numpy() * u.deg, reply["Dec"].to_numpy() * u.deg)
        it, ie, sep, _ = search_around_sky(tc, ec, rmax * u.deg)
        ok = sep.deg <= reply["AngErr"].to_numpy()[ie]
        it, ie, sep = it[ok], ie[ok], sep.deg[ok]
        df = pd.DataFrame(
            {
                "objectid": t["objectid"].to_numpy()[it],
                "archive": NAME,
                "catalog": "IC40-IC86_VII",
                "event_id": [f"IC{m:.6f}" for m in reply["MJD"].to_numpy()[ie]],
                "mjd": reply["MJD"].to_numpy()[ie],
                "energy": 10 ** reply["log10E"].to_numpy()[ie],
                "error_radius_deg": reply["AngErr"].to_numpy()[ie],
                "sep_deg": sep,
            }
        )
        df = df.sort_values(["objectid", "energy"], ascending=[True, False], kind="stable")
        df = df.groupby("objectid", sort=False).head(top_n)
        return df.sort_values(["objectid", "mjd"], kind="stable").reset_index(drop=True)


ADAPTER = IcecubeAdapter()
