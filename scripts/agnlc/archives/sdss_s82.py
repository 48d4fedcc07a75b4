"""SDSS Stripe 82 single-epoch light curves (the Stripe82 database of the SDSS CAS).

Service: the Stripe 82 SkyServer's SQL page ``http://cas.sdss.org/stripe82/en/tools/search/
x_sql.asp?cmd=<SQL>&format=csv`` (the DR7-era ASP page on SQL Server; the form public clients
use: J. Bloom's ``Stripe82`` class, A. D. Myers' ``stripe82query.py``). Each statement is a UNION
ALL of one cone per target, in the construction those clients send::

    SELECT <tid> AS tid, p.objID, p.run, p.ra, p.dec, p.flags, p.psfMag_u … p.psfMagErr_z,
           f.mjd_u … f.mjd_z
    FROM dbo.fGetNearbyObjEq(<ra>, <dec>, <r arcmin>) n, PhotoObjAll p, Field f
    WHERE n.objID = p.objID AND f.fieldID = p.fieldID AND p.run NOT IN (106, 206)

Per-band epochs come from ``Field.mjd_{u,g,r,i,z}`` (MJD TAI of each filter's pass over the
field), joined on ``fieldID``; the reply may print them in scientific notation (``5.29094039E4``,
about 1e-4 d). Runs 106 and 206 are the coadd and are not epochs. The reply is CSV starting
with the header (a ``#Table1`` line first on newer SkyServers); ``ERROR`` or an HTML page is an
error; ``No objects have been found`` is the service's empty answer.

Parse: ``psfMag_*`` (asinh, SDSS system) to flux with the band's softening b, then SDSS to AB
in flux space (``f_AB = f_SDSS 10^(-0.4 Δ)``, Δ = -0.04 for u, +0.02 for z); ``mag`` is the AB
Pogson magnitude of that flux (NaN for non-positive flux). Detections whose ``flags`` share a
bit with ``reject_flags_mask`` are dropped (default: SATURATED, bit 18); SDSS's -9999 "no
measurement" values become NaN and the measurement is dropped.

Mirror transport: :class:`MirrorSkyServer` answers the same cones from the mock sky's tables in
the database's own layout (``photoobjall_hpx3_PPPP.csv`` with ``fieldID``, ``field_hpx3_PPPP.csv``
with ``fieldID, mjd_u … mjd_z``), doing the join the SQL does and replying with the same CSV, so
mirror and live share every line of reply parsing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv

from agnlc.archives.base import ArchiveError, ArchiveSettings, concat_canonical, note
from agnlc.archives.contract import LIGHTCURVE
from agnlc.sky.crossmatch import match_sources, separation_arcsec
from agnlc.sky.healpix import pixels_in_cone
from agnlc.sky.photometry import flux_to_ab_mag, sdss_asinh_to_ab_flux

__all__ = [
    "ADAPTER",
    "COADD_RUNS",
    "LIVE_URL",
    "MirrorSkyServer",
    "SdssS82Adapter",
    "SdssS82Query",
    "read_mirror",
    "read_reply",
]

NAME = "sdss_s82"
BANDS = ("u", "g", "r", "i", "z")
COADD_RUNS = (106, 206)
PARTITION_ORDER = 3
LIVE_URL = "http://cas.sdss.org/stripe82/en/tools/search/x_sql.asp"
DEFAULT_REJECT_MASK = 1 << 18  # SATURATED
PHOTO_COLUMNS = (
    ["objID", "run", "ra", "dec", "flags"] + [f"psfMag_{b}" for b in BANDS] + [f"psfMagErr_{b}" for b in BANDS]
)
NATIVE_COLUMNS = [*PHOTO_COLUMNS, *(f"mjd_{b}" for b in BANDS)]
REPLY_COLUMNS = ["tid", *NATIVE_COLUMNS]


@dataclass(frozen=True)
class SdssS82Query:
    """An inspectable query: SQL statements, the cones of each (``tid, ra, dec``), mirror pixels."""

    sql: tuple[str, ...]
    cones: tuple[tuple[tuple[int, float, float], ...], ...]
    partitions: tuple[int, ...]
    radius_arcsec: float


def cone_sql(tid: int, ra: float, dec: float, radius_arcsec: float) -> str:
    """One target's SELECT (see the module docstring)."""
    cols = ", ".join([f"p.{c}" for c in PHOTO_COLUMNS] + [f"f.mjd_{b}" for b in BANDS])
    return (
        f"SELECT {int(tid)} AS tid, {cols}\n"
        f"FROM dbo.fGetNearbyObjEq({ra:.8f}, {dec:.8f}, {radius_arcsec / 60.0:.6f}) n, PhotoObjAll p, Field f\n"
        "WHERE n.objID = p.objID AND f.fieldID = p.fieldID "
        f"AND p.run NOT IN ({', '.join(map(str, COADD_RUNS))})"
    )


def read_reply(text: str) -> pd.DataFrame:
    """One x_sql.asp CSV reply: header first (after a ``#Table1`` line on newer servers)."""
    body = text.lstrip("\ufeff")
    if body.startswith("#Table"):
        body = body.split("\n", 1)[1] if "\n" in body else ""
    head = body.lstrip()[:200].lower()
    if head.startswith("error") or "<html" in head or "<!doctype" in head:
        raise ArchiveError(f"{NAME}: service error: {body[:200]!r}")
    if head.startswith("no objects"):
        note("service", "no objects have been found")
        return pd.DataFrame({c: [] for c in REPLY_COLUMNS})
    if not body.strip():
        raise ArchiveError(f"{NAME}: empty reply (no header, no 'No objects' message)")
    try:
        df = pd.read_csv(io.StringIO(body))
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ArchiveError(f"{NAME}: reply is not CSV ({exc})") from None
    # SQL Server echoes the column names as the statement spelled them: match them case-insensitively
    canon = {c.lower(): c for c in REPLY_COLUMNS}
    df = df.rename(columns={c: canon.get(str(c).lower(), c) for c in df.columns})
    missing = [c for c in NATIVE_COLUMNS if c not in df.columns]
    if missing:
        raise ArchiveError(f"{NAME}: reply lacks column(s) {missing} (header {list(df.columns)[:8]} ...)")
    return df


def read_mirror(root: Path, partitions, columns: list[str]) -> pd.DataFrame:
    """Read the given PhotoObjAll columns of the mirror's order-3 partition files (no ``mjd_*``:
    epochs are in the Field table; missing pixels give no rows)."""
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


class MirrorSkyServer:
    """The SQL page as the mirror answers it: the cones of one statement, joined with Field,
    rendered as the service's CSV reply."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise ArchiveError(f"{NAME}: mirror folder {self.root} does not exist")
        if not any(self.root.glob("photoobjall_hpx3_*.csv")):
            raise ArchiveError(f"{NAME}: mirror has no data ({self.root} holds no photoobjall_hpx3_*.csv)")
        self._pix: dict[int, pd.DataFrame] = {}

    def _pixel(self, p: int) -> pd.DataFrame:
        if p not in self._pix:
            f = self.root / f"photoobjall_hpx3_{p:04d}.csv"
            g = self.root / f"field_hpx3_{p:04d}.csv"
            if not f.exists():
                self._pix[p] = pd.DataFrame()
            else:
                photo = pacsv.read_csv(f).to_pandas()
                field = pacsv.read_csv(g).to_pandas().drop_duplicates("fieldID") if g.exists() else pd.DataFrame()
                if "fieldID" not in photo.columns or "fieldID" not in field.columns:
                    raise ArchiveError(f"{NAME}: mirror pixel {p} lacks the PhotoObjAll/Field fieldID join")
                photo = photo[~photo["run"].isin(COADD_RUNS)]
                self._pix[p] = photo.merge(field[["fieldID", *(f"mjd_{b}" for b in BANDS)]], on="fieldID")
        return self._pix[p]

    def query(self, cones: tuple[tuple[int, float, float], ...], radius_arcsec: float) -> str:
        """The CSV reply to one statement's cones."""
        out = []
        for tid, ra, dec in cones:
            rows = [self._pixel(int(p)) for p in pixels_in_cone([ra], [dec], radius_arcsec / 3600.0, 3)]
            rows = [r for r in rows if len(r)]
            if not rows:
                continue
            r = pd.concat(rows, ignore_index=True)
            near = separation_arcsec(ra, dec, r["ra"], r["dec"]) <= radius_arcsec
            out.append(r[near].assign(tid=tid)[REPLY_COLUMNS])
        if not out or not any(len(o) for o in out):
            return "No objects have been found\n"
        return pd.concat(out, ignore_index=True).to_csv(index=False, float_format="%.15g")


class SdssS82Adapter:
    """Adapter for SDSS Stripe 82 (see the module docstring)."""

    name = NAME
    batch_size = 10  # cones per statement: the SQL travels in a GET URL

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> SdssS82Query:
        """SQL batches (UNION ALL of one cone per target) and the order-3 pixels for the mirror."""
        t = targets.reset_index(drop=True)
        cones = tuple(
            tuple(
                (int(i), float(t["ra"].iloc[i]), float(t["dec"].iloc[i]))
                for i in range(k, min(k + self.batch_size, len(t)))
            )
            for k in range(0, len(t), self.batch_size)
        )
        sql = tuple(
            "\nUNION ALL\n".join(cone_sql(i, ra, dec, settings.radius_arcsec) for i, ra, dec in c) for c in cones
        )
        parts = pixels_in_cone(
            t["ra"].to_numpy(), t["dec"].to_numpy(), settings.radius_arcsec / 3600.0, PARTITION_ORDER
        )
        return SdssS82Query(sql, cones, tuple(int(p) for p in parts), settings.radius_arcsec)

    def fetch(self, query: SdssS82Query, settings: ArchiveSettings) -> pd.DataFrame:
        """Reply rows from the mirror or the live SQL page (one request per statement)."""
        if settings.transport == "mirror":
            server = MirrorSkyServer(settings.mirror)
            texts = [server.query(c, query.radius_arcsec) for c in query.cones]
        elif settings.transport == "live":
            from agnlc.core.sessions import timeout_session

            session = timeout_session(min(settings.timeout_s, 300))
            url = settings.options.get("url", LIVE_URL)
            texts = []
            for sql in query.sql:
                r = session.get(url, params={"cmd": sql, "format": "csv"})
                r.raise_for_status()
                texts.append(r.text)
        else:
            raise ArchiveError(f"{NAME}: unknown transport {settings.transport!r}")
        # empty replies are left out of the concatenation: a float-typed empty frame would turn the
        # 19-digit int64 objIDs into floats
        frames = [f for f in (read_reply(x) for x in texts) if len(f)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({c: [] for c in REPLY_COLUMNS})

    def parse(self, reply: pd.DataFrame, targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        """PhotoObjAll + Field rows to canonical light-curve rows (one per detection and band)."""
        missing = [c for c in NATIVE_COLUMNS if c not in reply.columns]
        if missing:
            raise ArchiveError(f"{NAME}: reply lacks column(s) {missing}")
        rep = reply.drop_duplicates("objID")  # overlapping cones return a detection once per cone
        rep = rep[~rep["run"].isin(COADD_RUNS)]
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
