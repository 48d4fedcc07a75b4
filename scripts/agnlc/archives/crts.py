"""Catalina Real-time Transient Survey (CSS DR2) light curves.

Query: one cone per target (the CRTS DR2 web service answers cones with CSV
``MasterID, Mag, Magerr, RA, Dec, MJD, Blend``); the mirror holds the same replies per HEALPix
order-3 pixel. Parse: detections within the radius, each to its nearest target; ``Mag`` is
V_CSS, Vega-like: ``V_AB = Mag + ab_offset`` (registry: 0.02); blended measurements
(``Blend > 0``) are dropped; MJD (UTC) as delivered.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.archives.base import ArchiveError, ArchiveSettings, canonical
from agnlc.bands import band as registry_band
from agnlc.crossmatch import match_sources
from agnlc.healpix import pixels_in_cone
from agnlc.photometry import ab_mag_to_flux
from agnlc.schema import LIGHTCURVE

__all__ = ["ADAPTER", "CrtsAdapter", "CrtsQuery"]

NAME = "crts"
COLUMNS = ["MasterID", "Mag", "Magerr", "RA", "Dec", "MJD", "Blend"]


@dataclass(frozen=True)
class CrtsQuery:
    """Cone requests (live) and mirror partitions."""

    requests: tuple[dict, ...]
    partitions: tuple[int, ...]
    targets: pd.DataFrame = field(repr=False, compare=False)


class CrtsAdapter:
    """Adapter for CRTS DR2 (see the module docstring)."""

    name = NAME

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> CrtsQuery:
        r_arcmin = settings.radius_arcsec / 60.0
        reqs = tuple(
            {
                "RA": f"{ra:.6f}",
                "Dec": f"{dec:.6f}",
                "Rad": f"{r_arcmin:.4f}",
                "DB": "photcat",
                "OUT": "csv",
                "SHORT": "short",
                "PLOT": "plot",
            }
            for ra, dec in zip(targets["ra"], targets["dec"], strict=True)
        )
        parts = pixels_in_cone(targets["ra"].to_numpy(), targets["dec"].to_numpy(), settings.radius_arcsec / 3600, 3)
        return CrtsQuery(reqs, tuple(int(p) for p in parts), targets[["objectid", "ra", "dec"]])

    def fetch(self, query: CrtsQuery, settings: ArchiveSettings) -> pd.DataFrame:
        if settings.transport == "mirror":
            root = Path(settings.mirror)
            if not root.is_dir():
                raise ArchiveError(f"{NAME}: mirror folder {root} does not exist")
            files = [root / f"crts_hpx3_{p:04d}.csv" for p in query.partitions]
            frames = [pd.read_csv(f) for f in files if f.exists()]
        else:
            import requests

            frames = []
            url = str(settings.options.get("url"))
            for params in query.requests:
                r = requests.get(url, params=params, timeout=min(settings.timeout_s, 120), verify=True)
                r.raise_for_status()
                text = r.text.strip()
                if text and text.splitlines()[0].startswith("MasterID"):
                    frames.append(pd.read_csv(io.StringIO(text)))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({c: [] for c in COLUMNS})

    def parse(self, reply: pd.DataFrame, targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        missing = [c for c in COLUMNS if c not in reply.columns]
        if missing:
            raise ArchiveError(f"{NAME}: reply lacks column(s) {missing}")
        rep = reply[reply["Blend"].fillna(0) == 0]
        t = targets.reset_index(drop=True)
        ti, si, sep = match_sources(t["ra"], t["dec"], rep["RA"], rep["Dec"], settings.radius_arcsec)
        if len(si) == 0:
            return LIGHTCURVE.empty()
        r = rep.iloc[si]
        offset = registry_band(NAME, "crts_V").ab_offset_mag
        flux, err = ab_mag_to_flux(r["Mag"].to_numpy(float) + offset, r["Magerr"].to_numpy(float), error_form="linear")
        ok = np.isfinite(flux) & np.isfinite(err)
        return canonical(
            NAME,
            t["objectid"].to_numpy()[ti][ok],
            "crts_V",
            r["MJD"].to_numpy()[ok],
            flux[ok],
            err[ok],
            r["MasterID"].to_numpy()[ok],
            sep[ok],
            r["Blend"].to_numpy(np.int64)[ok],
        )


ADAPTER = CrtsAdapter()
