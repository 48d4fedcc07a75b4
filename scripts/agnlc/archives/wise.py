"""WISE/NEOWISE epochs from the unWISE/unTimely time-domain catalogue (IRSA Parquet on S3).

Layout (IRSA; the same relative layout in the mirror): the dataset
``unwise-neo7-time_domain-healpix_k5.parquet`` under
``s3://nasa-irsa-wise/unwise/neo7/catalogs/time_domain/healpix_k5`` (bucket in us-west-2,
anonymous), hive-partitioned ``healpix_k0=<k5 // 1024>/healpix_k5=<k5>/`` (nested HEALPix,
order 5). Catalogue columns read here: ``flux, dflux`` (Vega nanomaggies, zero point 22.5 Vega),
``ra, dec``, ``band`` (1 = W1, 2 = W2), ``primary``, ``unwise_detid`` (one id per detection: the
catalogue has no object id across epochs), ``flags_unwise, flags_info, EPOCH, FORWARD, MJDMIN,
MJDMAX, MJDMEAN``. References: nasa-fornax/fornax-demo-notebooks ``light_curves/code_src/
wise_functions.py`` and ``fluxconversions.py``; Schlafly, Meisner & Green (2019, ApJS 240, 30).

Query: the order-5 pixels the targets' cones touch. Fetch reads only those partitions' columns
with pyarrow (local folder, or the bucket through ``pyarrow.fs.S3FileSystem``). unWISE covers the
whole sky, so a requested partition that is missing from the live dataset is an error (the
layout is not what we expect); in a mirror it means the pixel is outside the mirror's sky
(``empty (not covered)``). A mirror folder with no partition at all is an error.
Parse: ``primary == 1`` only (an epoch detected on two overlapping coadd tiles is delivered twice);
detections within the radius, each to its nearest target; ``m_AB = 22.5 - 2.5 log10(flux) +
ab_offset`` (registry: W1 2.699, W2 3.339), i.e. ``f_nJy = 3631 flux 10^(-0.4 ab_offset)``;
``mjd`` is ``MJDMEAN``; ``flags`` is ``flags_unwise``; ``source_id`` is ``unwise_detid``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow.dataset as ds

from agnlc.archives.base import ArchiveError, ArchiveSettings, canonical, note
from agnlc.archives.contract import LIGHTCURVE
from agnlc.archives.layouts import WISE_DATASET, wise_partition_path
from agnlc.sky.bands import band as registry_band
from agnlc.sky.crossmatch import match_sources
from agnlc.sky.healpix import pixels_in_cone

__all__ = ["ADAPTER", "DATASET", "LIVE_URL", "WiseAdapter", "WiseQuery", "partition_path"]

NAME = "wise"
ORDER = 5
DATASET = WISE_DATASET
LIVE_URL = "s3://nasa-irsa-wise/unwise/neo7/catalogs/time_domain/healpix_k5"
S3_REGION = "us-west-2"
COLUMNS = [
    "ra",
    "dec",
    "flux",
    "dflux",
    "band",
    "primary",
    "unwise_detid",
    "flags_unwise",
    "flags_info",
    "EPOCH",
    "FORWARD",
    "MJDMIN",
    "MJDMAX",
    "MJDMEAN",
]
REQUIRED = ["ra", "dec", "flux", "dflux", "band", "primary", "unwise_detid", "flags_unwise", "MJDMEAN"]


partition_path = wise_partition_path


@dataclass(frozen=True)
class WiseQuery:
    """Dataset root and the order-5 pixels to read."""

    root: str
    pixels: tuple[int, ...]
    targets: pd.DataFrame = field(repr=False, compare=False)


def _filesystem(root: str):
    """(pyarrow filesystem or None, path without scheme) for a local folder or an s3:// URL."""
    if root.startswith("s3://"):
        import pyarrow.fs as pafs

        return pafs.S3FileSystem(region=S3_REGION, anonymous=True), root.removeprefix("s3://")
    return None, root


def _exists(fs, path: str) -> bool:
    if fs is None:
        return os.path.isdir(path)
    import pyarrow.fs as pafs

    return fs.get_file_info(path).type == pafs.FileType.Directory


class WiseAdapter:
    """Adapter for unWISE/unTimely epochs (see the module docstring)."""

    name = NAME

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> WiseQuery:
        base = settings.mirror if settings.transport == "mirror" else str(settings.options.get("url", LIVE_URL))
        pix = pixels_in_cone(targets["ra"].to_numpy(), targets["dec"].to_numpy(), settings.radius_arcsec / 3600, ORDER)
        return WiseQuery(
            f"{base.rstrip('/')}/{DATASET}", tuple(int(p) for p in pix), targets[["objectid", "ra", "dec"]]
        )

    def fetch(self, query: WiseQuery, settings: ArchiveSettings) -> pd.DataFrame:
        fs, root = _filesystem(query.root)
        if not _exists(fs, root):
            if fs is None and os.path.isdir(os.path.dirname(root.rstrip("/"))):
                raise ArchiveError(f"{NAME}: mirror has no data ({query.root} does not exist)")
            raise ArchiveError(f"{NAME}: dataset {query.root} does not exist")
        if fs is None and not any(n.startswith("healpix_k0=") for n in os.listdir(root)):
            raise ArchiveError(f"{NAME}: mirror has no data ({query.root} holds no healpix_k0=* partition)")
        frames = []
        for p in query.pixels:
            path = f"{root}/{partition_path(p)}"
            if not _exists(fs, path):
                if settings.transport == "live":
                    raise ArchiveError(f"{NAME}: partition {partition_path(p)} missing under {query.root}")
                note("not covered", f"HEALPix order-5 pixel {p} is outside the mirror's sky")
                continue
            table = ds.dataset(path, format="parquet", filesystem=fs).to_table(columns=_columns(fs, path))
            frames.append(table.to_pandas())
        if not frames:
            return pd.DataFrame({c: [] for c in COLUMNS})
        return pd.concat(frames, ignore_index=True)

    def parse(self, reply: pd.DataFrame, targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        missing = [c for c in REQUIRED if c not in reply.columns]
        if missing:
            raise ArchiveError(f"{NAME}: reply lacks column(s) {missing}")
        rep = reply[reply["primary"].to_numpy() == 1]
        t = targets.reset_index(drop=True)
        ti, si, sep = match_sources(t["ra"], t["dec"], rep["ra"], rep["dec"], settings.radius_arcsec)
        if len(si) == 0:
            return LIGHTCURVE.empty()
        r = rep.iloc[si]
        code = r["band"].to_numpy()
        if not np.isin(code, (1, 2)).all():
            raise ArchiveError(f"{NAME}: unexpected band values {sorted(set(code.tolist()) - {1, 2})} (1 = W1, 2 = W2)")
        band = np.where(code == 1, "wise_W1", "wise_W2")
        offset = np.where(
            band == "wise_W1",
            registry_band(NAME, "wise_W1").ab_offset_mag,
            registry_band(NAME, "wise_W2").ab_offset_mag,
        )
        scale = 3631.0 * 10 ** (-0.4 * offset)  # Vega nanomaggies -> nJy (AB)
        return canonical(
            NAME,
            t["objectid"].to_numpy()[ti],
            band,
            r["MJDMEAN"],
            r["flux"].to_numpy(float) * scale,
            r["dflux"].to_numpy(float) * scale,
            r["unwise_detid"],
            sep,
            r["flags_unwise"].to_numpy(np.int64),
        )


def _columns(fs, path: str) -> list[str]:
    """The wanted columns the partition has (the optional ones may be absent)."""
    names = set(ds.dataset(path, format="parquet", filesystem=fs).schema.names)
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ArchiveError(f"{NAME}: partition {path} lacks column(s) {missing}")
    return [c for c in COLUMNS if c in names]


ADAPTER = WiseAdapter()
