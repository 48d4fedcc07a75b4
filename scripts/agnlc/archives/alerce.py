"""ALeRCE broker: ZTF alert photometry of the objects near each target.

Query: a cone per target (``query_objects(ra, dec, radius)`` of the ``alerce`` client; the mirror
holds the same object, detection and non-detection replies per HEALPix order-3 pixel), then the
detections and non-detections of each object (``query_detections``/``query_non_detections``).
Parse: alerts are *difference* photometry; the total flux comes from ALeRCE's corrected
magnitude ``magpsf_corr`` with the extended error ``sigmapsf_corr_ext`` (which includes the
reference-image error). Uncorrected alerts (``corrected`` false) and ALeRCE's sentinels
(``magpsf_corr`` of 100, infinite, or <= -900; ``dubious`` alerts) are dropped, never converted.
Non-detections become upper limits: ``flux`` holds the 5-sigma difference-image limit
``diffmaglim`` in nJy (a limit on the change of flux, the deepest information an alert stream
gives). ``fid`` 1/2 = ZTF g/r; ``mjd`` as delivered; ``source_id`` is the ALeRCE ``oid``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.archives.base import ArchiveError, ArchiveSettings, canonical, concat_canonical
from agnlc.crossmatch import match_sources
from agnlc.healpix import pixels_in_cone
from agnlc.photometry import ab_mag_to_flux, clean_sentinels
from agnlc.schema import LIGHTCURVE

__all__ = ["ADAPTER", "AlerceAdapter", "AlerceQuery"]

NAME = "alerce"
BAND = {1: "ztf_g", 2: "ztf_r"}


@dataclass(frozen=True)
class AlerceQuery:
    """Cone requests and mirror partitions."""

    cones: tuple[tuple[float, float, float], ...]
    partitions: tuple[int, ...]
    targets: pd.DataFrame = field(repr=False, compare=False)


def _records(path: Path) -> pd.DataFrame:
    return pd.read_json(path, orient="records") if path.exists() and path.stat().st_size > 3 else pd.DataFrame()


class AlerceAdapter:
    """Adapter for the ALeRCE broker (see the module docstring)."""

    name = NAME

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> AlerceQuery:
        cones = tuple(
            (float(ra), float(dec), settings.radius_arcsec)
            for ra, dec in zip(targets["ra"], targets["dec"], strict=True)
        )
        parts = pixels_in_cone(targets["ra"].to_numpy(), targets["dec"].to_numpy(), settings.radius_arcsec / 3600, 3)
        return AlerceQuery(cones, tuple(int(p) for p in parts), targets[["objectid", "ra", "dec"]])

    def fetch(self, query: AlerceQuery, settings: ArchiveSettings) -> dict[str, pd.DataFrame]:
        if settings.transport == "mirror":
            root = Path(settings.mirror)
            if not root.is_dir():
                raise ArchiveError(f"{NAME}: mirror folder {root} does not exist")
            out = {}
            for kind in ("objects", "detections", "non_detections"):
                frames = [_records(root / f"{kind}_hpx3_{p:04d}.json") for p in query.partitions]
                frames = [f for f in frames if len(f)]
                out[kind] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
            return out
        from alerce.core import Alerce

        client = Alerce()
        objs = []
        for ra, dec, r in query.cones:
            o = client.query_objects(ra=ra, dec=dec, radius=r, format="pandas")
            if len(o):
                objs.append(o)
        objects = pd.concat(objs, ignore_index=True).drop_duplicates("oid") if objs else pd.DataFrame()
        dets, nds = [], []
        for oid in objects.get("oid", []):
            dets.append(client.query_detections(oid, format="pandas").assign(oid=oid))
            nds.append(client.query_non_detections(oid, format="pandas").assign(oid=oid))
        return {
            "objects": objects,
            "detections": pd.concat(dets, ignore_index=True) if dets else pd.DataFrame(),
            "non_detections": pd.concat(nds, ignore_index=True) if nds else pd.DataFrame(),
        }

    def parse(self, reply: dict[str, pd.DataFrame], targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        objs = reply["objects"]
        if len(objs) == 0:
            return LIGHTCURVE.empty()
        t = targets.reset_index(drop=True)
        ti, si, sep = match_sources(t["ra"], t["dec"], objs["meanra"], objs["meandec"], settings.radius_arcsec)
        if len(si) == 0:
            return LIGHTCURVE.empty()
        match = pd.DataFrame({"oid": objs["oid"].to_numpy()[si], "objectid": t["objectid"].to_numpy()[ti], "sep": sep})
        frames = []
        det = reply["detections"].merge(match, on="oid") if len(reply["detections"]) else pd.DataFrame()
        if len(det):
            mag = clean_sentinels(det["magpsf_corr"].to_numpy(float), (100.0,))
            err = clean_sentinels(det["sigmapsf_corr_ext"].to_numpy(float), (100.0,))
            good = (
                det["corrected"].astype(bool).to_numpy()
                & ~det["dubious"].astype(bool).to_numpy()
                & np.isfinite(mag)
                & np.isfinite(err)
            )
            d = det[good]
            flux, ferr = ab_mag_to_flux(mag[good], err[good], error_form="linear")
            frames.append(
                canonical(
                    NAME,
                    d["objectid"],
                    d["fid"].map(BAND),
                    d["mjd"],
                    flux,
                    ferr,
                    d["oid"],
                    d["sep"],
                    np.where(d["isdiffpos"].astype(str).isin(["1", "t"]), 0, 1),
                )
            )
        nd = reply["non_detections"].merge(match, on="oid") if len(reply["non_detections"]) else pd.DataFrame()
        if len(nd):
            lim = clean_sentinels(nd["diffmaglim"].to_numpy(float), (100.0,))
            ok = np.isfinite(lim)
            n = nd[ok]
            flux, _ = ab_mag_to_flux(lim[ok])
            frames.append(
                canonical(
                    NAME,
                    n["objectid"],
                    n["fid"].map(BAND),
                    n["mjd"],
                    flux,
                    np.full(len(n), np.nan),
                    n["oid"],
                    n["sep"],
                    0,
                    upper_limit=True,
                )
            )
        return concat_canonical(frames)


ADAPTER = AlerceAdapter()
