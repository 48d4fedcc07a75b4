"""Hubble Catalog of Variables through the MAST HSC API (``hcvsummary`` then ``hcv``).

Query: a cone per target on ``hcvsummary`` (one row per matched source and filter), then the
``hcv`` light curves of the matched ``MatchID``; the mirror holds the same CSV replies per HEALPix
order-3 pixel. Parse: ``CorrMag``/``MagErr`` are AB magnitudes (HSC ABMAG) -> nJy with the
linear error; ``Filter`` F606W/F814W -> ``hst_F606W``/``hst_F814W``; ``MJD`` as delivered;
``source_id`` is the ``MatchID``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.archives.base import ArchiveError, ArchiveSettings, canonical
from agnlc.crossmatch import match_sources
from agnlc.healpix import pixels_in_cone
from agnlc.photometry import ab_mag_to_flux
from agnlc.schema import LIGHTCURVE

__all__ = ["ADAPTER", "HcvAdapter", "HcvQuery"]

NAME = "hcv"


@dataclass(frozen=True)
class HcvQuery:
    """Cone requests (live) and mirror partitions."""

    cones: tuple[tuple[float, float, float], ...]
    partitions: tuple[int, ...]
    targets: pd.DataFrame = field(repr=False, compare=False)


class HcvAdapter:
    """Adapter for the HCV (see the module docstring)."""

    name = NAME

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> HcvQuery:
        cones = tuple(
            (float(ra), float(dec), settings.radius_arcsec / 3600.0)
            for ra, dec in zip(targets["ra"], targets["dec"], strict=True)
        )
        parts = pixels_in_cone(targets["ra"].to_numpy(), targets["dec"].to_numpy(), settings.radius_arcsec / 3600, 3)
        return HcvQuery(cones, tuple(int(p) for p in parts), targets[["objectid", "ra", "dec"]])

    def fetch(self, query: HcvQuery, settings: ArchiveSettings) -> dict[str, pd.DataFrame]:
        if settings.transport == "mirror":
            root = Path(settings.mirror)
            if not root.is_dir():
                raise ArchiveError(f"{NAME}: mirror folder {root} does not exist")
            out = {}
            for kind in ("hcvsummary", "hcv"):
                frames = [
                    pd.read_csv(root / f"{kind}_hpx3_{p:04d}.csv")
                    for p in query.partitions
                    if (root / f"{kind}_hpx3_{p:04d}.csv").exists()
                ]
                out[kind] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
            return out
        import requests

        base = str(settings.options.get("url"))
        summ, lcs = [], []
        for ra, dec, r in query.cones:
            resp = requests.get(
                f"{base}/hcvsummary.csv",
                params={"ra": ra, "dec": dec, "radius": r},
                timeout=min(settings.timeout_s, 120),
                verify=True,
            )
            resp.raise_for_status()
            s = pd.read_csv(io.StringIO(resp.text))
            summ.append(s)
            for mid in s.get("MatchID", pd.Series(dtype=int)).unique():
                lr = requests.get(
                    f"{base}/hcv.csv", params={"MatchID": int(mid)}, timeout=min(settings.timeout_s, 120), verify=True
                )
                lr.raise_for_status()
                lcs.append(pd.read_csv(io.StringIO(lr.text)))
        return {
            "hcvsummary": pd.concat(summ, ignore_index=True) if summ else pd.DataFrame(),
            "hcv": pd.concat(lcs, ignore_index=True) if lcs else pd.DataFrame(),
        }

    def parse(self, reply: dict[str, pd.DataFrame], targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        summ, lc = reply["hcvsummary"], reply["hcv"]
        if len(summ) == 0 or len(lc) == 0:
            return LIGHTCURVE.empty()
        src = summ.drop_duplicates("MatchID")
        t = targets.reset_index(drop=True)
        ti, si, sep = match_sources(t["ra"], t["dec"], src["MatchRA"], src["MatchDec"], settings.radius_arcsec)
        if len(si) == 0:
            return LIGHTCURVE.empty()
        match = pd.DataFrame(
            {"MatchID": src["MatchID"].to_numpy()[si], "objectid": t["objectid"].to_numpy()[ti], "sep": sep}
        )
        d = lc.merge(match, on="MatchID")
        flux, err = ab_mag_to_flux(d["CorrMag"].to_numpy(float), d["MagErr"].to_numpy(float), error_form="linear")
        ok = np.isfinite(flux) & np.isfinite(err)
        d = d[ok]
        return canonical(
            NAME, d["objectid"], "hst_" + d["Filter"].astype(str), d["MJD"], flux[ok], err[ok], d["MatchID"], d["sep"]
        )


ADAPTER = HcvAdapter()
