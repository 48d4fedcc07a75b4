"""Hubble Catalog of Variables through the MAST HSC API (``hcvsummary`` then ``hcv``).

API (Bonanos et al. 2019, A&A 630, A92; the MAST ``HCV_API_demo`` notebook and
nasa-fornax/fornax-demo-notebooks ``hcv_functions.py``): ``GET
https://catalogs.mast.stsci.edu/api/v0.1/hsc/v3/hcvsummary.csv?ra=&dec=&radius=`` (radius in
degrees) answers one row per (``MatchID``, ``Filter``) with ``RA, Dec`` and the filter named
with its instrument (``ACS_F814W``, ``WFC3_F606W``); ``GET …/v3/hcv.csv?MatchID=&Filter=`` answers
that filter's light curve (``MJD, CorrMag, MagErr`` …). An empty reply is an empty body (the
service's "nothing here"); anything that is not the expected CSV is an error.

Parse: each target's nearest ``MatchID`` within the radius; ``CorrMag``/``MagErr`` are HSC ABMAG
magnitudes -> nJy with the linear error; the filter maps to the registry band ``hst_<filter>``
(the instrument prefix is dropped: ACS/WFC and WFC3/UVIS F606W and F814W are treated as one band
each, as the registry has no per-instrument HST bands); filters the registry does not know are
left out with a note. ``MJD`` as delivered; ``source_id`` is the ``MatchID``.

Mirror transport: :class:`MirrorApi` answers the same two requests from the mock sky's rows
(``hcvsummary_hpx3_PPPP.csv`` and ``hcv_hpx3_PPPP.csv`` in the API's columns), so mirror and live
share every line of CSV parsing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.archives.base import ArchiveError, ArchiveSettings, canonical, note
from agnlc.archives.contract import LIGHTCURVE
from agnlc.sky.bands import band as registry_band
from agnlc.sky.crossmatch import match_nearest, separation_arcsec
from agnlc.sky.healpix import pixels_in_cone
from agnlc.sky.photometry import ab_mag_to_flux

__all__ = ["ADAPTER", "LIVE_URL", "HcvAdapter", "HcvQuery", "MirrorApi", "band_of", "read_reply"]

NAME = "hcv"
LIVE_URL = "https://catalogs.mast.stsci.edu/api/v0.1/hsc/v3"
SUMMARY_COLUMNS = ["MatchID", "Filter", "RA", "Dec"]
LC_COLUMNS = ["MJD", "CorrMag", "MagErr"]


@dataclass(frozen=True)
class HcvQuery:
    """Cone requests (``ra, dec, radius`` in degrees) and mirror partitions."""

    cones: tuple[dict, ...]
    partitions: tuple[int, ...]
    targets: pd.DataFrame = field(repr=False, compare=False)


def band_of(filters: pd.Series) -> pd.Series:
    """Registry band of HCV ``Filter`` values (``ACS_F814W`` -> ``hst_F814W``); unknown -> NaN."""
    name = "hst_" + filters.astype(str).str.strip().str.split("_").str[-1].str.upper()
    known = []
    for b in name.unique():
        try:
            registry_band(NAME, b)
            known.append(b)
        except KeyError:
            pass
    return name.where(name.isin(known))


def read_reply(text: str, columns: list[str], where: str) -> pd.DataFrame:
    """One CSV reply of the API; an empty body is the service's empty answer."""
    if not text.strip():
        return pd.DataFrame({c: [] for c in columns})
    if text.lstrip().startswith("<") or text.lstrip().startswith("{"):
        raise ArchiveError(f"{NAME}: {where}: not CSV: {text[:120]!r}")
    try:
        df = pd.read_csv(io.StringIO(text))
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ArchiveError(f"{NAME}: {where}: not CSV ({exc})") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ArchiveError(f"{NAME}: {where}: reply lacks column(s) {missing} (header {list(df.columns)[:10]})")
    return df


class MirrorApi:
    """The two API tables as the mirror answers them (CSV text, empty when nothing matches)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise ArchiveError(f"{NAME}: mirror folder {self.root} does not exist")
        if not any(self.root.glob("hcvsummary_hpx3_*.csv")):
            raise ArchiveError(f"{NAME}: mirror has no data ({self.root} holds no hcvsummary_hpx3_*.csv)")
        self._cache: dict[Path, pd.DataFrame] = {}
        self._groups: dict[tuple[int, str], pd.DataFrame] | None = None

    def _read(self, path: Path) -> pd.DataFrame:
        if path not in self._cache:
            self._cache[path] = pd.read_csv(path) if path.exists() else pd.DataFrame()
        return self._cache[path]

    def _light_curves(self) -> dict[tuple[int, str], pd.DataFrame]:
        """The mirror's light-curve rows grouped by (MatchID, Filter), read and grouped once."""
        if self._groups is None:
            parts = [self._read(f) for f in sorted(self.root.glob("hcv_hpx3_*.csv"))]
            parts = [x for x in parts if len(x)]
            lc = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"MatchID": [], "Filter": []})
            self._groups = {(int(m), str(f)): g for (m, f), g in lc.groupby(["MatchID", "Filter"], sort=False)}
        return self._groups

    def get(self, table: str, params: dict) -> str:
        if table == "hcvsummary":
            ra, dec, r = float(params["ra"]), float(params["dec"]), float(params["radius"])
            rows = [self._read(self.root / f"hcvsummary_hpx3_{p:04d}.csv") for p in pixels_in_cone([ra], [dec], r, 3)]
            rows = [x for x in rows if len(x)]
            if not rows:
                return ""
            s = pd.concat(rows, ignore_index=True)
            s = s[separation_arcsec(ra, dec, s["RA"], s["Dec"]) <= r * 3600.0]
            return s.to_csv(index=False) if len(s) else ""
        if table == "hcv":
            mid, filt = int(params["MatchID"]), str(params["Filter"])
            groups = self._light_curves()
            key = (mid, filt)
            return groups[key].to_csv(index=False) if key in groups else ""
        raise ArchiveError(f"{NAME}: unknown table {table!r}")


class _LiveApi:
    def __init__(self, base: str, timeout_s: float) -> None:
        self.base, self.timeout_s = base.rstrip("/"), timeout_s

    def get(self, table: str, params: dict) -> str:
        import requests

        url = f"{self.base}/{table}.csv"
        r = requests.get(url, params=params, timeout=min(self.timeout_s, 120), verify=True)
        r.raise_for_status()
        return r.text


class HcvAdapter:
    """Adapter for the HCV (see the module docstring)."""

    name = NAME

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> HcvQuery:
        r = settings.radius_arcsec / 3600.0
        cones = tuple(
            {"ra": f"{ra:.7f}", "dec": f"{dec:.7f}", "radius": f"{r:.7f}"}
            for ra, dec in zip(targets["ra"], targets["dec"], strict=True)
        )
        parts = pixels_in_cone(targets["ra"].to_numpy(), targets["dec"].to_numpy(), r, 3)
        return HcvQuery(cones, tuple(int(p) for p in parts), targets[["objectid", "ra", "dec"]])

    def fetch(self, query: HcvQuery, settings: ArchiveSettings) -> dict[str, pd.DataFrame]:
        if settings.transport == "mirror":
            api = MirrorApi(settings.mirror)
        else:
            api = _LiveApi(str(settings.options.get("url", LIVE_URL)), settings.timeout_s)
        summaries = []
        for cone in query.cones:  # a reply that cannot be read costs only its cone's target
            try:
                s = read_reply(api.get("hcvsummary", cone), SUMMARY_COLUMNS, f"hcvsummary {cone}")
            except ArchiveError as exc:
                note("failed", str(exc))
                continue
            if len(s) == 0:
                note("service", "no HCV source in the cone")
            summaries.append(s)
        if not summaries:
            summaries = [pd.DataFrame({c: [] for c in SUMMARY_COLUMNS})]
        summ = pd.concat(summaries, ignore_index=True).drop_duplicates(["MatchID", "Filter"])
        sel = _nearest(summ, query.targets, settings.radius_arcsec)
        lcs = []
        for mid, filt in sel[["MatchID", "Filter"]].drop_duplicates().itertuples(index=False):
            try:
                lc = read_reply(api.get("hcv", {"MatchID": int(mid), "Filter": filt}), LC_COLUMNS, f"hcv {mid} {filt}")
            except ArchiveError as exc:
                note("failed", str(exc))
                continue
            lcs.append(lc.assign(MatchID=int(mid), Filter=filt))
        return {
            "hcvsummary": summ,
            "hcv": pd.concat(lcs, ignore_index=True) if lcs else pd.DataFrame({c: [] for c in LC_COLUMNS}),
        }

    def parse(self, reply: dict[str, pd.DataFrame], targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        summ, lc = reply["hcvsummary"], reply["hcv"]
        if len(summ) == 0 or len(lc) == 0:
            return LIGHTCURVE.empty()
        for c in [*LC_COLUMNS, "MatchID", "Filter"]:
            if c not in lc.columns:
                raise ArchiveError(f"{NAME}: light-curve reply lacks column {c}")
        match = _nearest(summ, targets, settings.radius_arcsec)[["MatchID", "objectid", "sep"]].drop_duplicates()
        d = lc.merge(match, on="MatchID")
        band = band_of(d["Filter"])
        for f in sorted(set(d["Filter"][band.isna()].astype(str))):
            note("skipped", f"HCV filter {f} has no band in the registry")
        d, band = d[band.notna()], band[band.notna()]
        flux, err = ab_mag_to_flux(d["CorrMag"].to_numpy(float), d["MagErr"].to_numpy(float), error_form="linear")
        ok = np.isfinite(flux) & np.isfinite(err) & np.isfinite(d["MJD"].to_numpy(float))
        return canonical(
            NAME,
            d["objectid"].to_numpy()[ok],
            band.to_numpy()[ok],
            d["MJD"].to_numpy(float)[ok],
            flux[ok],
            err[ok],
            d["MatchID"].to_numpy()[ok],
            d["sep"].to_numpy()[ok],
        )


def _nearest(summ: pd.DataFrame, targets: pd.DataFrame, radius_arcsec: float) -> pd.DataFrame:
    """For each target the nearest MatchID within the radius, with all of its filter rows."""
    if len(summ) == 0:
        return pd.DataFrame({"MatchID": [], "Filter": [], "objectid": [], "sep": []})
    src = summ.drop_duplicates("MatchID")
    t = targets.reset_index(drop=True)
    ti, si, sep = match_nearest(t["ra"], t["dec"], src["RA"], src["Dec"], radius_arcsec)
    m = pd.DataFrame({"MatchID": src["MatchID"].to_numpy()[si], "objectid": t["objectid"].to_numpy()[ti], "sep": sep})
    return summ[["MatchID", "Filter"]].merge(m, on="MatchID")


ADAPTER = HcvAdapter()
