"""ZTF data-release light curves through HATS (IRSA's DR24 collection).

Where: ``s3://ipac-irsa-ztf/ztf/enhanced/dr24/lc/hats`` is a HATS collection (catalogue
``ztf_dr24_lc-hats`` with directory partitions ``Npix=N/part0.snappy.parquet``, a 10-arcsec margin
``ztf_dr24_lc-hats_margin_10arcsec`` and an ``objectid`` index ``ztf_dr24_lc-hats_index_objectid``);
lsdb opens the collection with its margin. References: Caltech-IPAC/irsa-tutorials
``ztf_lightcurves.md``, nasa-fornax/fornax-demo-notebooks ``ztf_functions.py`` (both DR24). The
release (DR24 by default) is the config's ``release`` and goes into the provenance.

Query: an lsdb cross-match of the targets with the collection (``objectid, objra, objdec,
filterid`` and the nested ``lightcurve``), up to six neighbours within the radius, then the
nearest ZTF object per target and filter (a source near a CCD-quadrant edge has several ZTF
objects; the nearest is kept, as IRSA recommends one match per filter).
Parse: ``lightcurve.{hmjd, mag, magerr, catflags}``; epochs with ``catflags >= max_catflags``
(default 32768, IRSA's bad-data bit) are dropped; magnitudes are calibrated AB PSF magnitudes,
so ``f = 3631 Jy 10^(-0.4 mag)``, with the linear error ``f magerr / a``; ``mjd`` is the HMJD
(heliocentric, as the band registry states); ``source_id`` is the ZTF objectid.
Transport: the same lsdb code for the mirror folder and the live ``s3://`` collection.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agnlc.archives.base import ArchiveSettings, canonical
from agnlc.archives.contract import LIGHTCURVE
from agnlc.archives.hats import HatsQuery, location
from agnlc.sky.photometry import ab_mag_to_flux

__all__ = ["ADAPTER", "ZtfAdapter"]

NAME = "ztf"
COLUMNS = ["objectid", "objra", "objdec", "filterid", "lightcurve"]
BAND = {1: "ztf_g", 2: "ztf_r", 3: "ztf_i"}


class ZtfAdapter:
    """Adapter for ZTF DR light curves (see the module docstring)."""

    name = NAME

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> HatsQuery:
        return HatsQuery(
            path=location(settings),
            columns=tuple(COLUMNS),
            radius_arcsec=settings.radius_arcsec,
            n_neighbors=6,
            targets=targets[["objectid", "ra", "dec"]],
        )

    def fetch(self, query: HatsQuery, settings: ArchiveSettings) -> pd.DataFrame:
        return query.run()

    def parse(self, reply: pd.DataFrame, targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        if len(reply) == 0:
            return LIGHTCURVE.empty()
        r = reply.sort_values(["objectid", "filterid", "_dist_arcsec"], kind="stable")
        r = r.drop_duplicates(["objectid", "filterid"], keep="first")
        flat = r["lightcurve"].nest.to_flat()
        meta = r[["objectid", "objectid_archive", "filterid", "_dist_arcsec"]].loc[flat.index]
        flags = flat["catflags"].to_numpy(dtype=np.int64)
        mag = flat["mag"].to_numpy(dtype=np.float64)
        magerr = flat["magerr"].to_numpy(dtype=np.float64)
        ok = (flags < int(settings.options.get("max_catflags", 32768))) & np.isfinite(mag) & np.isfinite(magerr)
        flux, err = ab_mag_to_flux(mag[ok], magerr[ok], error_form="linear")
        return canonical(
            NAME,
            meta["objectid"].to_numpy()[ok],
            meta["filterid"].map(BAND).to_numpy()[ok],
            flat["hmjd"].to_numpy(dtype=np.float64)[ok],
            flux,
            err,
            meta["objectid_archive"].to_numpy()[ok],
            meta["_dist_arcsec"].to_numpy()[ok],
            flags[ok],
        )


ADAPTER = ZtfAdapter()
