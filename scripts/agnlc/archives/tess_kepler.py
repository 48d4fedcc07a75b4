"""TESS, Kepler and K2 light curves (MAST; lightkurve search and the mission FITS files).

Query: a cone per target (``lightkurve.search_lightcurve(radius=, author=…)``). A search without
``author`` also returns high-level products of other pipelines (QLP, K2SFF, EVEREST, eleanor …)
that have no ``PDCSAP_FLUX`` or no ``LIGHTCURVE`` extension, so the search asks for the
mission pipelines' products only: ``authors`` (default SPOC, TESS-SPOC, Kepler, K2). The mirror
holds the search index (``index.csv``: target, mission, author, exptime, position, product
file) and the files, with other authors' products among them; the same author selection applies.
Each product is downloaded and read on its own: one that fails to download or to read is left
out with a note (``skipped: …``) and costs only itself.

Parse (:func:`read_lightcurve_fits`): the ``LIGHTCURVE`` table's ``TIME`` is BTJD (TESS, BJD -
2457000) or BKJD (Kepler/K2, BJD - 2454833) and becomes MJD with the header's ``BJDREFI + BJDREFF
- 2400000.5`` (the registry's offsets 56999.5 and 54832.5); ``PDCSAP_FLUX``/``PDCSAP_FLUX_ERR``
are kept in e-/s (no AB calibration: ``mag`` is NaN, the registry says ``flux_unit = e-/s``);
cadences with a non-zero quality word (``QUALITY`` for TESS, ``SAP_QUALITY`` for Kepler and K2,
as the SPOC and Kepler pipelines name it) or a NaN time or flux are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.archives.base import ArchiveError, ArchiveSettings, canonical, concat_canonical, note
from agnlc.archives.contract import LIGHTCURVE
from agnlc.sky.crossmatch import match_sources

__all__ = ["ADAPTER", "AUTHORS", "TessKeplerAdapter", "TessKeplerQuery", "read_lightcurve_fits"]

INDEX_COLUMNS = ["target_name", "mission", "author", "exptime", "s_ra", "s_dec", "productFilename"]
AUTHORS = ("SPOC", "TESS-SPOC", "Kepler", "K2")


@dataclass(frozen=True)
class TessKeplerQuery:
    """Cone searches (live) or the mirror's index, and the pipelines asked for."""

    cones: tuple[tuple[float, float, float], ...]
    authors: tuple[str, ...]
    targets: pd.DataFrame = field(repr=False, compare=False)


def read_lightcurve_fits(path: str | Path) -> tuple[pd.DataFrame, str, str]:
    """Read one mission light-curve file: (rows ``mjd, flux, flux_err, quality``), band, archive.

    Raises :class:`ArchiveError` naming the file when it is not a SPOC/Kepler light curve (no
    ``LIGHTCURVE`` extension, no ``PDCSAP_FLUX``, no quality column, unknown telescope).
    """
    from astropy.io import fits

    try:
        h = fits.open(path)
    except (OSError, ValueError) as exc:
        raise ArchiveError(f"tess_kepler: {path}: not a FITS file ({exc})") from None
    with h:
        tel = str(h[0].header.get("TELESCOP", "")).strip().upper()
        if tel not in ("TESS", "KEPLER"):
            raise ArchiveError(f"tess_kepler: {path}: TELESCOP {tel!r} is neither TESS nor Kepler")
        if "LIGHTCURVE" not in h:
            raise ArchiveError(f"tess_kepler: {path}: no LIGHTCURVE extension (not a SPOC/Kepler light curve)")
        lc = h["LIGHTCURVE"]
        names = lc.columns.names
        qcol = "QUALITY" if tel == "TESS" else "SAP_QUALITY"
        missing = [c for c in ("TIME", "PDCSAP_FLUX", "PDCSAP_FLUX_ERR", qcol) if c not in names]
        if missing:
            raise ArchiveError(f"tess_kepler: {path}: LIGHTCURVE lacks {missing} (not a SPOC/Kepler light curve)")
        ref = float(lc.header.get("BJDREFI", h[0].header.get("BJDREFI", 0))) + float(
            lc.header.get("BJDREFF", h[0].header.get("BJDREFF", 0.0))
        )
        if ref == 0:
            raise ArchiveError(f"tess_kepler: {path}: no BJDREFI/BJDREFF: the time zero point is unknown")
        data = lc.data
        df = pd.DataFrame(
            {
                "mjd": np.asarray(data["TIME"], dtype=np.float64) + (ref - 2400000.5),
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
        authors = tuple(settings.options.get("authors", AUTHORS))
        return TessKeplerQuery(cones, authors, targets[["objectid", "ra", "dec"]])

    def fetch(self, query: TessKeplerQuery, settings: ArchiveSettings) -> pd.DataFrame:
        """The search rows near the targets by the chosen authors, each with a local ``path``."""
        if settings.transport == "mirror":
            root = Path(settings.mirror)
            if not root.is_dir():
                raise ArchiveError(f"{self.name}: mirror folder {root} does not exist")
            if not (root / "index.csv").exists():
                raise ArchiveError(f"{self.name}: mirror has no data ({root} holds no index.csv)")
            idx = pd.read_csv(root / "index.csv", dtype={"target_name": str})
            idx["path"] = [str(root / "files" / f) for f in idx["productFilename"]]
            return idx
        import lightkurve as lk

        cache = str(settings.options.get("cache", "results/cache/tess_kepler"))
        rows = []
        for ra, dec, r in query.cones:
            res = lk.search_lightcurve(f"{ra} {dec}", radius=r, author=tuple(query.authors))
            for k in range(len(res)):
                item = res[k]
                row = {c: item.table[c][0] for c in INDEX_COLUMNS}
                try:  # one product that cannot be downloaded costs only itself
                    lcf = item.download(quality_bitmask="none", download_dir=cache)
                    row["path"] = lcf.meta["FILENAME"]
                except Exception as exc:
                    note("skipped", f"{row['productFilename']}: download failed ({type(exc).__name__}: {exc})")
                    continue
                rows.append(row)
        return pd.DataFrame(rows, columns=[*INDEX_COLUMNS, "path"])

    def parse(self, reply: pd.DataFrame, targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        t = targets.reset_index(drop=True)
        if len(reply) == 0:
            return LIGHTCURVE.empty()
        ti, si, sep = match_sources(t["ra"], t["dec"], reply["s_ra"], reply["s_dec"], settings.radius_arcsec)
        chosen = _chosen(reply["author"].iloc[si], tuple(settings.options.get("authors", AUTHORS)))
        frames = []
        for k in np.flatnonzero(chosen):  # one FITS file per matched product of a chosen author
            row = reply.iloc[si[k]]
            try:
                df, band, archive = read_lightcurve_fits(row["path"])
            except ArchiveError as exc:
                note("skipped", str(exc))
                continue
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


def _chosen(author: pd.Series, authors: tuple[str, ...]) -> np.ndarray:
    """Which products are by a chosen author (case-insensitive); the others are noted as skipped."""
    keep = author.astype(str).str.upper().isin([a.upper() for a in authors]).to_numpy()
    for name, n in author[~keep].astype(str).value_counts().items():
        note("skipped", f"{n} product(s) by {name} (not one of the chosen authors {', '.join(authors)})")
    return keep


ADAPTER = TessKeplerAdapter()
