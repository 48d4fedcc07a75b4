"""Pan-STARRS1 DR2 detections through HATS (MAST's ``otmo`` and ``detection`` collections under
``s3://stpubdata/panstarrs/ps1/public/hats``, as the lsdb and Fornax notebooks open them; the mirror
has the same two collection names).

Query: lsdb cross-match of the targets with ``otmo`` (nearest object within the radius), then
the ``detection`` rows of the matched ``objID`` (read from the detection catalogue's partitions
around the matches, margin included). Parse: ``psfFlux``/``psfFluxErr`` are in Jy (x 1e9 ->
nJy); the -999 "no measurement" sentinel becomes NaN and the row is dropped; detections with
``psfQfPerfect`` below ``min_psf_qf_perfect`` (default 0.9) are dropped; ``filterID`` 1-5 =
g, r, i, z, y; ``obsTime`` is MJD; ``source_id`` is the ``objID``; ``flags`` is ``infoFlag``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from agnlc.archives.base import ArchiveSettings, canonical, note
from agnlc.archives.contract import LIGHTCURVE
from agnlc.archives.hats import crossmatch, no_overlap, open_collection
from agnlc.core.jitcache import load_lsdb
from agnlc.sky.photometry import clean_sentinels

__all__ = ["ADAPTER", "Ps1Adapter", "Ps1Query"]

NAME = "ps1"
BAND = {1: "ps1_g", 2: "ps1_r", 3: "ps1_i", 4: "ps1_z", 5: "ps1_y"}
OBJ_COLUMNS = ["objID", "raMean", "decMean"]
DET_COLUMNS = [
    "objID",
    "detectID",
    "ra",
    "dec",
    "obsTime",
    "filterID",
    "psfFlux",
    "psfFluxErr",
    "psfQfPerfect",
    "infoFlag",
]


@dataclass(frozen=True)
class Ps1Query:
    """otmo and detection catalogue locations, radius and the targets."""

    otmo: str
    detection: str
    radius_arcsec: float
    targets: pd.DataFrame = field(repr=False, compare=False)


class Ps1Adapter:
    """Adapter for Pan-STARRS1 DR2 (see the module docstring)."""

    name = NAME

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> Ps1Query:
        root = settings.mirror if settings.transport == "mirror" else str(settings.options.get("url"))
        otmo, det = f"{root.rstrip('/')}/otmo", f"{root.rstrip('/')}/detection"  # MAST's collection names
        return Ps1Query(otmo, det, settings.radius_arcsec, targets[["objectid", "ra", "dec"]])

    def fetch(self, query: Ps1Query, settings: ArchiveSettings) -> pd.DataFrame:
        import dask

        lsdb = load_lsdb()

        obj = crossmatch(query.targets, query.otmo, OBJ_COLUMNS, query.radius_arcsec, 1)
        if len(obj) == 0:
            return pd.DataFrame(columns=["objectid", "_dist_arcsec", *DET_COLUMNS])
        # detections of the matched objects: a cone of a few arcsec around each matched object
        det_cat = open_collection(query.detection, columns=DET_COLUMNS)
        sel = lsdb.from_dataframe(
            pd.DataFrame(
                {"objID": obj["objID"].to_numpy(), "ra": obj["raMean"].to_numpy(), "dec": obj["decMean"].to_numpy()}
            ),
            catalog_name="ps1_matches",
            margin_threshold=None,  # the left side of the cross-match needs no margin
        )
        try:
            res = sel.crossmatch(
                det_cat, radius_arcsec=3.0, n_neighbors=1000, suffixes=("_m", ""), suffix_method="overlapping_columns"
            )
        except RuntimeError as exc:
            if not no_overlap(exc):
                raise
            note("not covered", f"no partition of {query.detection} covers the matched objects")
            return pd.DataFrame(columns=["objectid", "_dist_arcsec", *DET_COLUMNS])
        with dask.config.set(scheduler="synchronous"):
            det = pd.DataFrame(res.compute()).reset_index(drop=True)
        det = det[det["objID"].to_numpy() == det["objID_m"].to_numpy()][DET_COLUMNS]
        return det.merge(obj[["objectid", "objID", "_dist_arcsec"]], on="objID")

    def parse(self, reply: pd.DataFrame, targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        if len(reply) == 0:
            return LIGHTCURVE.empty()
        f = clean_sentinels(reply["psfFlux"].to_numpy(float), (-999.0,)) * 1e9
        e = clean_sentinels(reply["psfFluxErr"].to_numpy(float), (-999.0,)) * 1e9
        qf = reply["psfQfPerfect"].to_numpy(float)
        ok = np.isfinite(f) & np.isfinite(e) & (qf >= float(settings.options.get("min_psf_qf_perfect", 0.9)))
        r = reply[ok]
        return canonical(
            NAME,
            r["objectid"],
            r["filterID"].map(BAND),
            r["obsTime"],
            f[ok],
            e[ok],
            r["objID"],
            r["_dist_arcsec"],
            r["infoFlag"].to_numpy(np.int64),
        )


ADAPTER = Ps1Adapter()
