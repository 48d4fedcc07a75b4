"""IceCube track events (the public 10-year point-source release, 2008-2018).

Events, not light curves: they go to the ``events`` table. A target is associated with an event
when it lies within the event's angular error (``AngErr``) and within ``max_radius_deg``
(default 1 deg); for each target the ``top_n`` most energetic associated events are kept
(default 3, as the Fornax notebook does). ``energy`` is ``10^(log10 E/GeV)`` in GeV.

Mirror transport: the release's whitespace-separated event files (``IC*_exp.csv``, header line
``# MJD[days] log10(E/GeV) AngErr[deg] RA[deg] Dec[deg] Azimuth[deg] Zenith[deg]``).
Live transport: the same files, downloaded once from the release archive (``url``) into a cache
folder and read the same way.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import astropy.units as u
import pandas as pd
from astropy.coordinates import SkyCoord, search_around_sky

from agnlc.archives.base import ArchiveError, ArchiveSettings
from agnlc.schema import EVENTS

__all__ = ["ADAPTER", "LIVE_URL", "IcecubeAdapter", "IcecubeQuery", "read_event_files"]

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


def read_event_files(folder: Path) -> pd.DataFrame:
    """All ``*_exp.csv`` event files under ``folder`` as one table."""
    files = sorted(folder.rglob("*_exp.csv"))
    if not files:
        raise ArchiveError(f"{NAME}: no IceCube event files (*_exp.csv) under {folder}")
    frames = [pd.read_csv(f, sep=r"\s+", comment="#", header=None, names=COLUMNS, usecols=range(7)) for f in files]
    return pd.concat(frames, ignore_index=True)


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
        if not list(cache.rglob("*_exp.csv")):
            r = requests.get(query.source, timeout=min(settings.timeout_s, 600), verify=True)
            r.raise_for_status()
            cache.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(io.BytesIO(r.content)) as z:
                for member in z.namelist():
                    if member.endswith("_exp.csv") and ".." not in member and not member.startswith("/"):
                        (cache / Path(member).name).write_bytes(z.read(member))
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
