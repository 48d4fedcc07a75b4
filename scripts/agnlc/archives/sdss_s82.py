"""SDSS Stripe 82 single-epoch light curves (``PhotoObjAll`` in the Stripe82 context).

Native reply columns: ``objID, run, ..., ra, dec, flags, psfMag_{ugriz}`` (asinh, SDSS
system), ``psfMagErr_*``, ``mjd_{ugriz}`` (MJD TAI). Runs 106 and 206 are the coadd and are
not epochs; they are dropped here. Conversion: asinh magnitude to flux with the band's
softening b, then SDSS to AB in flux space (``f_AB = f_SDSS 10^(-0.4 Δ)``, Δ = -0.04 for u,
+0.02 for z); ``mag`` is the AB Pogson magnitude of that flux (NaN for non-positive flux).
Quality cut: detections whose ``flags`` share a bit with ``reject_flags_mask`` are dropped
(default: SATURATED, bit 18). SDSS's -9999 "no measurement" values become NaN and the
measurement is dropped.

Transports
    ``mirror``: CSV files ``photoobjall_hpx3_PPPP.csv`` (one per HEALPix order-3 pixel)
    in the reply format; only the pixels the targets' cones touch are read.
    ``live``: the Stripe 82 SkyServer SQL endpoint (HTTP GET, CSV), targets in batches,
    each batch one SQL statement with a ``VALUES`` table and ``fGetNearbyObjAllEq``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv

from agnlc.archives.base import ArchiveError, ArchiveSettings, concat_canonical
from agnlc.crossmatch import match_sources
from agnlc.healpix import pixels_in_cone
from agnlc.photometry import flux_to_ab_mag, sdss_asinh_to_ab_flux
from agnlc.schema import LIGHTCURVE

__all__ = ["ADAPTER", "COADD_RUNS", "LIVE_URL", "SdssS82Adapter", "SdssS82Query", "read_mirror"]

NAME = "sdss_s82"
BANDS = ("u", "g", "r", "i", "z")
COADD_RUNS = (106, 206)
PARTITION_ORDER = 3
LIVE_URL = "https://cas.sdss.org/stripe82/en/tools/search/x_sql.aspx"
DEFAULT_REJECT_MASK = 1 << 18  # SATURATED
NATIVE_COLUMNS = (
    ["objID", "run", "ra", "dec", "flags"]
    + [f"psfMag_{b}" for b in BANDS]
    + [f"psfMagErr_{b}" for b in BANDS]
    + [f"mjd_{b}" for b in BANDS]
)


@dataclass(frozen=True)
class SdssS82Query:
    """An inspectable query: SQL statements (live) and mirror partitions."""

    sql: tuple[str, ...]
    partitions: tuple[int, ...]
    radius_arcsec: float


def _sql(batch: pd.DataFrame, radius_arcsec: float) -> str:
    values = ",\n  ".join(
        f"({int(i)}, {ra:.8f}, {dec:.8f})" for i, ra, dec in zip(batch.index, batch["ra"], batch["dec"], strict=True)
    )
    cols = ", ".join(f"p.{c}" for c in NATIVE_COLUMNS)
    return (
        f"SELECT t.tid, {cols}\n"
        f"FROM (VALUES\n  {values}\n) AS t(tid, ra, dec)\n"
        f"CROSS APPLY dbo.fGetNearbyObjAllEq(t.ra, t.dec, {radius_arcsec / 60.0:.6f}) AS n\n"
        "JOIN PhotoObjAll AS p ON p.objID = n.objID\n"
        f"WHERE p.run NOT IN ({', '.join(map(str, COADD_RUNS))})"
    )


def read_mirror(root: Path, partitions: tuple[int, ...] | list[int], columns: list[str]) -> pd.DataFrame:
    """Read the given columns of the mirror's order-3 partition files (missing pixels: no rows)."""
    root = Path(root)
    if not root.is_dir():
        raise ArchiveError(f"{NAME}: mirror folder {root} does not exist")
    frames = []
    convert = pacsv.ConvertOptions(include_columns=list(columns))
    for p in partitions:
        f = root / f"photoobjall_hpx{PARTITION_ORDER}_{int(p):04d}.csv"
        if f.exists():
            frames.append(pacsv.read_csv(f, convert_options=convert).to_pandas())
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    return pd.concat(frames, ignore_index=True)


class SdssS82Adapter:
    """Adapter for SDSS Stripe 82 (see the module docstring)."""

    name = NAME
    batch_size = 100

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> SdssS82Query:
        """SQL batches for the live service and the order-3 pixels for the mirror."""
        t = targets.reset_index(drop=True)
        sql = tuple(
            _sql(t.iloc[i : i + self.batch_size], settings.radius_arcsec) for i in range(0, len(t), self.batch_size)
        )
        parts = pixels_in_cone(
            t["ra"].to_numpy(), t["dec"].to_numpy(), settings.radius_arcsec / 3600.0, PARTITION_ORDER
        )
        return SdssS82Query(sql=sql, partitions=tuple(int(p) for p in parts), radius_arcsec=settings.radius_arcsec)

    def fetch(self, query: SdssS82Query, settings: ArchiveSettings) -> pd.DataFrame:
        """Native reply rows from the mirror or the live SQL service."""
        if settings.transport == "mirror":
            return self._fetch_mirror(query, Path(settings.mirror))
        if settings.transport == "live":
            return self._fetch_live(query, settings)
        raise ArchiveError(f"{NAME}: unknown transport {settings.transport!r}")

    @staticmethod
    def _fetch_mirror(query: SdssS82Query, root: Path) -> pd.DataFrame:
        return read_mirror(root, query.partitions, NATIVE_COLUMNS)

    @staticmethod
    def _fetch_live(query: SdssS82Query, settings: ArchiveSettings) -> pd.DataFrame:
        import requests

        url = settings.options.get("url", LIVE_URL)
        frames = []
        for sql in query.sql:
            r = requests.get(
                url, params={"cmd": sql, "format": "csv"}, timeout=min(settings.timeout_s, 300), verify=True
            )
            r.raise_for_status()
            text = r.text
            # SkyServer prefixes CSV replies with a '#Table1' line
            if text.startswith("#Table"):
                text = text.split("\n", 1)[1] if "\n" in text else ""
            if text.strip().lower().startswith("error") or "<html" in text[:200].lower():
                raise ArchiveError(f"{NAME}: service error: {text[:200]!r}")
            frames.append(pd.read_csv(io.StringIO(text)))
        if not frames:
            return pd.DataFrame(columns=list(NATIVE_COLUMNS))
        return pd.concat(frames, ignore_index=True)

    def parse(self, reply: pd.DataFrame, targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        """PhotoObjAll rows to canonical light-curve rows (one per detection and band)."""
        missing = [c for c in NATIVE_COLUMNS if c not in reply.columns]
        if missing:
            raise ArchiveError(f"{NAME}: reply lacks column(s) {missing}")
        rep = reply[~reply["run"].isin(COADD_RUNS)]
        mask = int(settings.options.get("reject_flags_mask", DEFAULT_REJECT_MASK))
        if mask:
            rep = rep[(rep["flags"].to_numpy(dtype=np.int64) & mask) == 0]
        t = targets.reset_index(drop=True)
        ti, si, sep = match_sources(t["ra"], t["dec"], rep["ra"], rep["dec"], settings.radius_arcsec)
        if len(si) == 0:
            return LIGHTCURVE.empty()
        rows = rep.iloc[si]
        frames = []
        for b in BANDS:
            mag = rows[f"psfMag_{b}"].to_numpy(dtype=np.float64)
            err = rows[f"psfMagErr_{b}"].to_numpy(dtype=np.float64)
            mjd = rows[f"mjd_{b}"].to_numpy(dtype=np.float64)
            ok = np.isfinite(mag) & np.isfinite(err) & np.isfinite(mjd) & (mag > -900) & (err > -900) & (err >= 0)
            flux, flux_err = sdss_asinh_to_ab_flux(mag[ok], err[ok], b)
            ab, ab_err = flux_to_ab_mag(flux, flux_err)
            frames.append(
                pd.DataFrame(
                    {
                        "objectid": t["objectid"].to_numpy()[ti[ok]],
                        "archive": NAME,
                        "band": f"sdss_{b}",
                        "mjd": mjd[ok],
                        "flux": flux,
                        "flux_err": flux_err,
                        "mag": ab.astype(np.float32),
                        "mag_err": ab_err.astype(np.float32),
                        "upper_limit": False,
                        "source_id": rows["objID"].to_numpy()[ok].astype(str),
                        "match_sep_arcsec": sep[ok].astype(np.float32),
                        "flags": rows["flags"].to_numpy(dtype=np.int64)[ok],
                    }
                )
            )
        return concat_canonical(frames)


ADAPTER = SdssS82Adapter()
