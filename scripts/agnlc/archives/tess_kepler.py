"""TESS, Kepler and K2 light curves (MAST; lightkurve search and FITS files).

Query: a cone per target (``lightkurve.search_lightcurve``); the mirror holds the search index
(``index.csv``: target, mission, author, exptime, position, product file) and the FITS files.
Parse: the ``LIGHTCURVE`` table's ``TIME`` is BTJD (TESS, BJD - 2457000) or BKJD (Kepler/K2,
BJD - 2454833) and becomes MJD with the header's ``BJDREFI + BJDREFF - 2400000.5`` (the registry's
offsets 56999.5 and 54832.5); ``PDCSAP_FLUX``/``PDCSAP_FLUX_ERR`` are kept in e-/s (no AB
calibration: ``mag`` is NaN, the registry says ``flux_unit = e-/s`` for these bands);
cadences with a non-zero ``QUALITY``/``SAP_QUALITY`` or a NaN flux are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.archives.base import ArchiveError, ArchiveSettings, canonical, concat_canonical
from agnlc.crossmatch import match_sources
from agnlc.schema import LIGHTCURVE

__all__ = ["ADAPTER", "TessKeplerAdapter", "TessKeplerQuery", "read_lightcurve_fits"]

INDEX_COLUMNS = ["target_name", "mission", "author", "exptime", "s_ra", "s_dec", "productFilename"]


@dataclass(frozen=True)
class TessKeplerQuery:
    """Cone searches (live) or the mirror's index."""

    cones: tuple[tuple[float, float, float], ...]
    targets: pd.DataFrame = field(repr=False, compare=False)


def read_lightcurve_fits(path: str | Path) -> tuple[pd.DataFrame, str, str]:
    """Read one light-curve file: (rows with mjd, flux, flux_err, quality), band, archive."""
    from astropy.io import fits

    with fits.open(path) as h:
        tel = str(h[0].header.get("TELESCOP", "")).upper()
        lc = h["LIGHTCURVE"]
        ref = float(lc.header.get("BJDREFI", 0)) + float(lc.header.get("BJDREFF", 0.0)) - 2400000.5
        data = lc.data
        qcol = "QUALITY" if "QUALITY" in lc.columns.names else "SAP_QUALITY"
        df = pd.DataFrame(
            {
                "mjd": np.asarray(data["TIME"], dtype=np.float64) + ref,
                "flux": np.asarray(data["PDCSAP_FLUX"], dtype=np.float64),
                "flux_err": np.asarray(data["PDCSAP_FLUX_ERR"], dtype=np.float64),
                "quality": np.asarray(data[qcol], dtype=np.int64),
            }
        )
    if tel == "TESS":
        return df, "tess_T", "tess"
    return df, "kepler_Kp", "kepler"


class TessKeplerAdapter:
    """Adapter for TESS/Kepler/K2 (see the module docstring); rows carry archive tess or kepler."""

    name = "tess_kepler"

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> TessKeplerQuery:
        cones = tuple(
            (float(ra), float(dec), settings.radius_arcsec)
            for ra, dec in zip(targets["ra"], targets["dec"], strict=True)
        )
        return TessKeplerQuery(cones, targets[["objectid", "ra", "dec"]])

    def fetch(self, query: TessKeplerQuery, settings: ArchiveSettings) -> pd.DataFrame:
        """The search index rows near the targets, each with a local ``path`` to its file."""
        if settings.transport == "mirror":
            root = Path(settings.mirror)
            if not (root / "index.csv").exists():
                raise ArchiveError(f"{self.name}: mirror index {root / 'index.csv'} does not exist")
            idx = pd.read_csv(root / "index.csv")
            idx["path"] = [str(root / "files" / f) for f in idx["productFilename"]]
            return idx
        import lightkurve as lk

        rows = []
        for ra, dec, r in query.cones:
            res = lk.search_lightcurve(f"{ra} {dec}", radius=r)
            if len(res) == 0:
                continue
            files = res.download_all(quality_bitmask="none")
            for item, lcf in zip(res.table, files or [], strict=False):
                rows.append(
                    {
                        "target_name": item["target_name"],
                        "mission": item["mission"],
                        "author": item["author"],
                        "exptime": item["exptime"],
                        "s_ra": item["s_ra"],
                        "s_dec": item["s_dec"],
                        "productFilename": Path(lcf.meta["FILENAME"]).name,
                        "path": lcf.meta["FILENAME"],
                    }
                )
        return pd.DataFrame(rows, columns=[*INDEX_COLUMNS, "path"])

    def parse(self, reply: pd.DataFrame, targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        t = targets.reset_index(drop=True)
        if len(reply) == 0:
            return LIGHTCURVE.empty()
        ti, si, sep = match_sources(t["ra"], t["dec"], reply["s_ra"], reply["s_dec"], settings.radius_arcsec)
        frames = []
        for k in range(len(si)):  # one FITS file per matched product
            row = reply.iloc[si[k]]
            df, band, archive = read_lightcurve_fits(row["path"])
            ok = (
                (df["quality"].to_numpy() == 0) & np.isfinite(df["flux"].to_numpy()) & np.isfinite(df["mjd"].to_numpy())
            )
            d = df[ok]
            frames.append(
                canonical(
                    archive,
                    np.full(len(d), t["objectid"].iloc[ti[k]]),
                    band,
                    d["mjd"],
                    d["flux"],
                    d["flux_err"],
                    np.full(len(d), str(row["target_name"])),
                    np.full(len(d), sep[k]),
                    d["quality"].to_numpy(),
                    ab=False,
                )
            )
        return concat_canonical(frames)


ADAPTER = TessKeplerAdapter()
