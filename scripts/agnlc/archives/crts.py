"""Catalina Real-time Transient Survey (CSS DR2) light curves through the cone-search CGI.

The service answers in two steps (facts from the public clients; no recorded reply exists):

1. a form POST (``getcssconedb_release_img.cgi`` on nunuku.caltech.edu: ``RADec="<ra> <dec>"``,
   ``Rad`` in arcmin, ``IMG=nun``, ``DB=photcat``, ``OUT=csv``, ``SHORT=short``, ``PLOT=plot``,
   ``.submit=Submit``; or the older ``getcssconedbid_release2.cgi`` on nesssi.cacr.caltech.edu with
   ``RA``/``Dec``) returns an **HTML page**, even with ``OUT=csv``. It either links to a temporary
   ``result_web_file<6 chars>.csv`` (``There were N lines. <a href=...>``), or says
   ``This area is not covered by CSS data.`` or ``... However, no objects were found in the
   specified area .``;
2. a GET of that link returns the CSV ``MasterID,Mag,Magerr,RA,Dec,MJD,Blend`` (values may have
   a leading space), one row per exposure of every MasterID in the cone (one star can have one
   MasterID per telescope: 1... CSS, 2... MLS, 3... SSS).

Parse: each MasterID's mean position is matched to the nearest target within the radius and all
its rows are kept; ``Mag`` is V_CSS (Vega-like): ``V_AB = Mag + ab_offset`` (registry: 0.02);
blended measurements (``Blend > 0``) are dropped; MJD as delivered. A page that says neither
of the known messages nor links a CSV is an error, never an empty reply.

Mirror transport: :class:`MirrorCgi` answers the same form from the mock sky's photcat rows
(one CSV per HEALPix order-3 pixel, the reply's own columns); it renders the same page and
serves the same CSV, so mirror and live runs share every line of the page and CSV parsing.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.archives.base import ArchiveError, ArchiveSettings, canonical, note
from agnlc.archives.contract import LIGHTCURVE
from agnlc.archives.layouts import CRTS_COLUMNS, crts_csv_text
from agnlc.sky.bands import band as registry_band
from agnlc.sky.crossmatch import match_nearest, separation_arcsec
from agnlc.sky.healpix import pixels_in_cone
from agnlc.sky.photometry import ab_mag_to_flux

__all__ = [
    "ADAPTER",
    "COLUMNS",
    "LIVE_URL",
    "CrtsAdapter",
    "CrtsQuery",
    "MirrorCgi",
    "csv_text",
    "parse_page",
    "read_csv",
]

NAME = "crts"
COLUMNS = CRTS_COLUMNS
LIVE_URL = "http://nunuku.caltech.edu/cgi-bin/getcssconedb_release_img.cgi"
NOT_COVERED = "This area is not covered by CSS data"
NO_OBJECTS = "no objects were found in the specified area"
_LINK = re.compile(r"""href\s*=\s*["']?([^"'\s>]*result_web_file[^"'\s>]*\.csv)""", re.IGNORECASE)


@dataclass(frozen=True)
class CrtsQuery:
    """One form per target (the fields the CGI takes) and the mirror partitions."""

    forms: tuple[dict, ...]
    partitions: tuple[int, ...]
    targets: pd.DataFrame = field(repr=False, compare=False)


def form(url: str, ra: float, dec: float, radius_arcmin: float) -> dict[str, str]:
    """The POST form fields of one cone, for the nunuku form or the older nesssi one."""
    common = {"Rad": f"{radius_arcmin:.4f}", "DB": "photcat", "OUT": "csv", "SHORT": "short", "PLOT": "plot"}
    if "getcssconedbid_release2" in url:
        return {"RA": f"{ra:.6f}", "Dec": f"{dec:.6f}", **common}
    return {"RADec": f"{ra:.6f} {dec:.6f}", "IMG": "nun", ".submit": "Submit", **common}


def parse_page(html: str) -> tuple[str, str]:
    """What a result page says: ``("csv", link)``, ``("not covered", message)`` or
    ``("none", message)``; anything else raises :class:`ArchiveError` with the page's start."""
    text = re.sub(r"\s+", " ", html)
    m = _LINK.search(html)
    if m:
        return "csv", m.group(1)
    if NOT_COVERED.lower() in text.lower():
        return "not covered", NOT_COVERED
    if NO_OBJECTS.lower() in text.lower() or re.search(r"There were 0 lines", text):
        return "none", "covered, but no objects were found in the specified area"
    if "You must input coordinates" in text:
        raise ArchiveError(f"{NAME}: the service rejected the coordinates ('You must input coordinates!')")
    raise ArchiveError(f"{NAME}: result page not understood (no CSV link, no known message): {text[:200]!r}")


def read_csv(text: str, where: str = "CRTS CSV") -> pd.DataFrame:
    """The result CSV (leading spaces allowed) with its columns checked."""
    if text.lstrip().startswith("<"):
        raise ArchiveError(f"{NAME}: {where} is HTML, not the CSV: {text[:120]!r}")
    try:
        df = pd.read_csv(io.StringIO(text), comment="#", skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ArchiveError(f"{NAME}: {where} is not a CSV: {exc}") from None
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ArchiveError(f"{NAME}: {where} lacks column(s) {missing} (header {list(df.columns)})")
    bad = _first_bad_number(df)
    if bad:
        raise ArchiveError(f"{NAME}: {where} line {bad[0]}: {bad[1]} is not a finite number")
    return df


def _first_bad_number(df: pd.DataFrame) -> tuple[int, str, int] | None:
    """``(file line, column, count)`` of the first row whose Mag/Magerr/RA/Dec/MJD is not a
    finite number (line 1 is the header), or None."""
    num = df[["Mag", "Magerr", "RA", "Dec", "MJD"]].apply(pd.to_numeric, errors="coerce")
    bad = ~np.isfinite(num.to_numpy(float)).all(axis=1)
    if not bad.any():
        return None
    i = int(np.flatnonzero(bad)[0])
    return i + 2, str(num.columns[~np.isfinite(num.iloc[i].to_numpy(float))][0]), int(bad.sum())


class MirrorCgi:
    """The CGI as the mirror answers it: the page for a form, then the CSV behind its link."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise ArchiveError(f"{NAME}: mirror folder {self.root} does not exist")
        if not any(self.root.glob("crts_hpx3_*.csv")):
            raise ArchiveError(f"{NAME}: mirror has no data ({self.root} holds no crts_hpx3_*.csv)")
        self._results: dict[str, str] = {}
        self._pixels: dict[Path, pd.DataFrame] = {}

    def _pixel(self, path: Path) -> pd.DataFrame:
        """One pixel's photcat rows (read once per transport); a damaged file raises
        :class:`ArchiveError` naming the file and its line, and costs only the cones it serves."""
        if path not in self._pixels:
            try:
                df = pd.read_csv(path, skipinitialspace=True)
            except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
                raise ArchiveError(f"{NAME}: mirror file {path}: not a CSV ({exc})") from None
            missing = [c for c in COLUMNS if c not in df.columns]
            if missing:
                raise ArchiveError(f"{NAME}: mirror file {path} line 1: column(s) {missing} missing")
            bad = _first_bad_number(df)
            if bad:
                raise ArchiveError(
                    f"{NAME}: mirror file {path} line {bad[0]}: {bad[1]} is not a finite number ({bad[2]} such line(s))"
                )
            self._pixels[path] = df
        return self._pixels[path]

    def post(self, fields: dict[str, str]) -> str:
        """The HTML page the service returns for one form."""
        if "RADec" in fields:
            ra, dec = (float(x) for x in fields["RADec"].split())
        else:
            ra, dec = float(fields["RA"]), float(fields["Dec"])
        r_deg = float(fields["Rad"]) / 60.0
        files = [self.root / f"crts_hpx3_{p:04d}.csv" for p in pixels_in_cone([ra], [dec], r_deg, 3)]
        files = [f for f in files if f.exists()]
        head = "<HTML><HEAD><TITLE>Catalina Surveys Data Release 2</TITLE></HEAD><BODY>Photcat DB query<br>"
        if not files:
            return head + f"{NOT_COVERED}.<br></BODY></HTML>"
        rows = pd.concat([self._pixel(f) for f in files], ignore_index=True)
        sep = separation_arcsec(ra, dec, rows["RA"], rows["Dec"])
        rows = rows[sep <= r_deg * 3600.0]
        if len(rows) == 0:
            return head + f"This area is covered by the data release. However, {NO_OBJECTS} .<br></BODY></HTML>"
        text = csv_text(rows)
        key = hashlib.sha1(text.encode()).hexdigest()[:6]
        link = f"mirror://DataRelease/upload/result_web_file{key}.csv"
        self._results[link] = text
        return head + f'There were {len(rows)} lines. <a href="{link}">(right-mouse-click and save as to download )</a>'

    def get(self, link: str) -> str:
        """The CSV behind a link of :meth:`post` (links are temporary, as the service's are)."""
        try:
            return self._results.pop(link)
        except KeyError:
            raise ArchiveError(f"{NAME}: result {link} has expired") from None


csv_text = crts_csv_text


class _LiveCgi:
    """The live CGI over HTTP (a POST for the page, a GET for the CSV)."""

    def __init__(self, url: str, timeout_s: float) -> None:
        from agnlc.core.sessions import timeout_session

        self.url = url
        self.session = timeout_session(min(timeout_s, 120.0))

    def post(self, fields: dict[str, str]) -> str:
        r = self.session.post(self.url, data=fields)
        r.raise_for_status()
        return r.text

    def get(self, link: str) -> str:
        r = self.session.get(link)
        r.raise_for_status()
        return r.text


class CrtsAdapter:
    """Adapter for CRTS DR2 (see the module docstring)."""

    name = NAME

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> CrtsQuery:
        url = str(settings.options.get("url", LIVE_URL))
        r_arcmin = settings.radius_arcsec / 60.0
        forms = tuple(form(url, ra, dec, r_arcmin) for ra, dec in zip(targets["ra"], targets["dec"], strict=True))
        parts = pixels_in_cone(targets["ra"].to_numpy(), targets["dec"].to_numpy(), settings.radius_arcsec / 3600, 3)
        return CrtsQuery(forms, tuple(int(p) for p in parts), targets[["objectid", "ra", "dec"]])

    def fetch(self, query: CrtsQuery, settings: ArchiveSettings) -> pd.DataFrame:
        if settings.transport == "mirror":
            cgi = MirrorCgi(settings.mirror)
        else:
            cgi = _LiveCgi(str(settings.options.get("url", LIVE_URL)), settings.timeout_s)
        frames = []
        for fields in query.forms:  # one reply per target: a reply that cannot be read costs only its target
            try:
                kind, what = parse_page(cgi.post(fields))
                if kind == "csv":
                    frames.append(read_csv(cgi.get(what), where=f"CSV {what}"))
                else:
                    note("not covered" if kind == "not covered" else "service", f"{what} ({_where(fields)})")
            except ArchiveError as exc:
                note("failed", f"{_where(fields)}: {exc}")
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({c: [] for c in COLUMNS})

    def parse(self, reply: pd.DataFrame, targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        missing = [c for c in COLUMNS if c not in reply.columns]
        if missing:
            raise ArchiveError(f"{NAME}: reply lacks column(s) {missing}")
        rep = reply.drop_duplicates()
        rep = rep[pd.to_numeric(rep["Blend"], errors="coerce").fillna(0).to_numpy() == 0]
        if len(rep) == 0:
            return LIGHTCURVE.empty()
        # one position per MasterID (the mean of its epochs), matched to the nearest target
        pos = rep.groupby("MasterID", sort=True)[["RA", "Dec"]].mean()
        t = targets.reset_index(drop=True)
        ti, si, sep = match_nearest(pos["RA"], pos["Dec"], t["ra"], t["dec"], settings.radius_arcsec)
        if len(ti) == 0:
            return LIGHTCURVE.empty()
        owner = pd.DataFrame(
            {"MasterID": pos.index.to_numpy()[ti], "objectid": t["objectid"].to_numpy()[si], "sep": sep}
        )
        r = rep.merge(owner, on="MasterID")
        offset = registry_band(NAME, "crts_V").ab_offset_mag
        flux, err = ab_mag_to_flux(r["Mag"].to_numpy(float) + offset, r["Magerr"].to_numpy(float), error_form="linear")
        ok = np.isfinite(flux) & np.isfinite(err) & np.isfinite(r["MJD"].to_numpy(float))
        return canonical(
            NAME,
            r["objectid"].to_numpy()[ok],
            "crts_V",
            r["MJD"].to_numpy(float)[ok],
            flux[ok],
            err[ok],
            r["MasterID"].to_numpy()[ok],
            r["sep"].to_numpy()[ok],
            r["Blend"].to_numpy(np.int64)[ok],
        )


def _where(fields: dict[str, str]) -> str:
    return f"RA Dec {fields['RADec']}" if "RADec" in fields else f"RA {fields['RA']} Dec {fields['Dec']}"


ADAPTER = CrtsAdapter()
