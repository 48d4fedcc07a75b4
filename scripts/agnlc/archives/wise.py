"""WISE/NEOWISE unTimely epochs from HEALPix order-5 partitioned Parquet (IRSA on S3).

Query: the order-5 pixels (``healpix_k5=N``) the targets' cones touch; fetch reads only those
partitions' ``ra, dec, flux, dflux, band, MJDMEAN, primary, flags_unwise, unwise_detid`` with
pyarrow (a local folder or the ``s3://`` bucket, anonymous). Parse: ``primary == 1`` only (the
same epoch detected on two overlapping coadd tiles is delivered twice); detections within the
radius, each to its nearest target; ``flux``/``dflux`` are Vega nanomaggies (zero point 22.5
Vega): ``m_AB = 22.5 - 2.5 log10(flux) + ab_offset`` (registry: W1 2.699, W2 3.339), i.e.
``f_nJy = 3631 flux 10^(-0.4 ab_offset)``; ``mjd`` is ``MJDMEAN``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow.dataset as ds

from agnlc.archives.base import ArchiveError, ArchiveSettings, canonical
from agnlc.bands import band as registry_band
from agnlc.crossmatch import match_sources
from agnlc.healpix import pixels_in_cone
from agnlc.schema import LIGHTCURVE

__all__ = ["ADAPTER", "WiseAdapter", "WiseQuery"]

NAME = "wise"
COLUMNS = ["ra", "dec", "flux", "dflux", "band", "MJDMEAN", "primary", "flags_unwise", "unwise_detid"]


@dataclass(frozen=True)
class WiseQuery:
    """Partition root and the order-5 pixels to read."""

    root: str
    pixels: tuple[int, ...]
    targets: pd.DataFrame = field(repr=False, compare=False)


class WiseAdapter:
    """Adapter for unTimely WISE epochs (see the module docstring)."""

    name = NAME

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> WiseQuery:
        root = settings.mirror if settings.transport == "mirror" else str(settings.options.get("url"))
        pix = pixels_in_cone(targets["ra"].to_numpy(), targets["dec"].to_numpy(), settings.radius_arcsec / 3600, 5)
        return WiseQuery(root, tuple(int(p) for p in pix), targets[["objectid", "ra", "dec"]])

    def fetch(self, query: WiseQuery, settings: ArchiveSettings) -> pd.DataFrame:
        fs = None
        root = query.root
        if root.startswith("s3://"):
            import s3fs

            fs = s3fs.S3FileSystem(anon=True)
            root = root.removeprefix("s3://")
        frames = []
        for p in query.pixels:
            path = f"{root}/healpix_k5={p}"
            exists = fs.exists(path) if fs is not None else os.path.isdir(path)
            if not exists:
                continue
            frames.append(ds.dataset(path, format="parquet", filesystem=fs).to_table(columns=COLUMNS).to_pandas())
        if not frames:
            if fs is None and not os.path.isdir(query.root):
                raise ArchiveError(f"{NAME}: mirror folder {query.root} does not exist")
            return pd.DataFrame({c: [] for c in COLUMNS})
        return pd.concat(frames, ignore_index=True)

    def parse(self, reply: pd.DataFrame, targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        rep = reply[reply["primary"] == 1] if len(reply) else reply
        t = targets.reset_index(drop=True)
        ti, si, sep = match_sources(t["ra"], t["dec"], rep["ra"], rep["dec"], settings.radius_arcsec)
        if len(si) == 0:
            return LIGHTCURVE.empty()
        r = rep.iloc[si]
        band = np.where(r["band"].to_numpy() == 1, "wise_W1", "wise_W2")
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
            r["flux"].to_numpy() * scale,
            r["dflux"].to_numpy() * scale,
            r["unwise_detid"],
            sep,
            r["flags_unwise"].to_numpy(np.int64),
        )


ADAPTER = WiseAdapter()
