"""ALeRCE broker: ZTF alert photometry of the objects near each target.

Query: a cone per target (``query_objects(survey="ztf", ra=, dec=, radius=)`` of the ``alerce``
client, radius in arcsec), then the detections and non-detections of each object
(``query_detections`` / ``query_non_detections`` with ``survey="ztf"``). The mirror answers the same
three calls from the mock sky's replies (:class:`MirrorClient`, JSON records per HEALPix order-3
pixel), so mirror and live share every line of parsing. The same parse reads the broker's
downloaded files (:func:`read_file`: the API's ``/lightcurve`` JSON or the explorer's
detections/non-detections CSV).

Parse: alerts are *difference* photometry; the total flux comes from ALeRCE's corrected
magnitude ``magpsf_corr`` with the extended error ``sigmapsf_corr_ext`` (which includes the
reference-image error). Uncorrected detections (``corrected`` false: their ``*_corr`` are null,
and one object mixes both), ``dubious`` ones and ALeRCE's sentinels (``magpsf_corr`` or
``sigmapsf_corr_ext`` of 100, infinite or <= -900) are dropped, never converted; ``sigmapsf_corr``
(100 on many real rows) is not used. Booleans come as JSON booleans or as the explorer's
``true``/``false`` text. Non-detections become upper limits: ``flux`` holds the 5-sigma
difference-image limit ``diffmaglim`` in nJy (a limit on the change of flux, the deepest
information an alert stream gives). ``fid`` 1/2 = ZTF g/r; ``mjd`` as delivered; ``source_id``
is the ALeRCE ``oid``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.archives.base import ArchiveError, ArchiveSettings, canonical, concat_canonical, note
from agnlc.archives.contract import LIGHTCURVE
from agnlc.sky.crossmatch import match_nearest
from agnlc.sky.healpix import pixels_in_cone
from agnlc.sky.photometry import ab_mag_to_flux, clean_sentinels

__all__ = ["ADAPTER", "AlerceAdapter", "AlerceQuery", "MirrorClient", "as_bool", "read_file"]

NAME = "alerce"
BAND = {1: "ztf_g", 2: "ztf_r"}
DET_COLUMNS = ["mjd", "fid", "magpsf_corr", "sigmapsf_corr_ext", "isdiffpos", "corrected", "dubious"]
ND_COLUMNS = ["mjd", "fid", "diffmaglim"]


@dataclass(frozen=True)
class AlerceQuery:
    """Cone requests (ra, dec, radius in arcsec) and mirror partitions."""

    cones: tuple[tuple[float, float, float], ...]
    partitions: tuple[int, ...]
    targets: pd.DataFrame = field(repr=False, compare=False)


def as_bool(values: pd.Series) -> np.ndarray:
    """Booleans from JSON booleans, ``true``/``false`` text or 0/1; null is False."""
    if values.dtype == bool:
        return values.to_numpy()
    text = values.astype("string").str.strip().str.lower()
    return text.isin(["true", "t", "1", "1.0"]).fillna(False).to_numpy(dtype=bool)


def _records(path: Path) -> pd.DataFrame:
    return pd.read_json(path, orient="records", dtype=False) if path.exists() and path.stat().st_size > 3 else None


class MirrorClient:
    """The three ``alerce`` client calls answered from the mirror's JSON records."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise ArchiveError(f"{NAME}: mirror folder {self.root} does not exist")
        if not any(self.root.glob("objects_hpx3_*.json")):
            raise ArchiveError(f"{NAME}: mirror has no data ({self.root} holds no objects_hpx3_*.json)")
        self._pix: dict[tuple[str, int], pd.DataFrame | None] = {}
        self._by_oid: dict[str, dict[str, pd.DataFrame]] = {}

    def _table(self, kind: str, pix: int) -> pd.DataFrame | None:
        key = (kind, pix)
        if key not in self._pix:
            self._pix[key] = _records(self.root / f"{kind}_hpx3_{pix:04d}.json")
        return self._pix[key]

    def query_objects(self, *, survey: str, ra: float, dec: float, radius: float, format: str = "pandas"):
        if survey != "ztf":
            raise ArchiveError(f"{NAME}: the mirror holds the ZTF survey only, not {survey!r}")
        frames = []
        for p in pixels_in_cone([ra], [dec], radius / 3600.0, 3):
            objs = self._table("objects", int(p))
            if objs is None:
                continue
            oi, _, _ = match_nearest(objs["meanra"], objs["meandec"], [ra], [dec], radius)
            frames.append(objs.iloc[np.sort(oi)])
            self._index(int(p))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def _index(self, pix: int) -> None:
        """Group one pixel's detections and non-detections by object (once)."""
        if ("indexed", pix) in self._pix:
            return
        self._pix[("indexed", pix)] = None
        for kind in ("detections", "non_detections"):
            rows = self._table(kind, pix)
            if rows is not None:
                for oid, g in rows.groupby("oid", sort=False):
                    self._by_oid.setdefault(str(oid), {})[kind] = g.drop(columns="oid")

    def _rows(self, kind: str, oid: str) -> pd.DataFrame:
        return self._by_oid.get(str(oid), {}).get(kind, pd.DataFrame())

    def query_detections(self, oid: str, *, survey: str, format: str = "pandas") -> pd.DataFrame:
        return self._rows("detections", oid)

    def query_non_detections(self, oid: str, *, survey: str, format: str = "pandas") -> pd.DataFrame:
        return self._rows("non_detections", oid)


def read_file(path: str | Path) -> dict[str, pd.DataFrame]:
    """A downloaded ALeRCE file: the API's ``/objects/<oid>/lightcurve`` JSON (``detections`` and
    ``non_detections``), or the explorer's ``*detections.csv`` / ``*non_detections.csv``. The
    object id comes from the file name (``ZTF…``) where the rows do not carry it."""
    path = Path(path)
    oid = next((tok for tok in path.stem.replace("-", "_").split("_") if tok.startswith("ZTF")), path.stem)
    if path.suffix == ".json":
        body = json.loads(path.read_text())
        if not isinstance(body, dict) or "detections" not in body:
            raise ArchiveError(f"{NAME}: {path}: not an ALeRCE light-curve JSON (no 'detections' key)")
        det = pd.DataFrame(body["detections"])
        nd = pd.DataFrame(body.get("non_detections", []))
    elif path.suffix == ".csv":
        df = pd.read_csv(path, dtype={"candid": str, "oid": str})
        if "magpsf_corr" in df.columns:
            det, nd = df, pd.DataFrame({c: [] for c in ND_COLUMNS})
        elif "diffmaglim" in df.columns:
            det, nd = pd.DataFrame({c: [] for c in DET_COLUMNS}), df
        else:
            raise ArchiveError(f"{NAME}: {path}: neither a detections nor a non-detections table")
    else:
        raise ArchiveError(f"{NAME}: {path}: unknown ALeRCE file type (.json or .csv expected)")
    for frame in (det, nd):
        if "oid" not in frame.columns:
            frame["oid"] = oid
    return {"detections": det, "non_detections": nd}


class AlerceAdapter:
    """Adapter for the ALeRCE broker (see the module docstring)."""

    name = NAME

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> AlerceQuery:
        cones = tuple(
            (float(ra), float(dec), settings.radius_arcsec)
            for ra, dec in zip(targets["ra"], targets["dec"], strict=True)
        )
        parts = pixels_in_cone(targets["ra"].to_numpy(), targets["dec"].to_numpy(), settings.radius_arcsec / 3600, 3)
        return AlerceQuery(cones, tuple(int(p) for p in parts), targets[["objectid", "ra", "dec"]])

    def fetch(self, query: AlerceQuery, settings: ArchiveSettings) -> dict[str, pd.DataFrame]:
        if settings.transport == "mirror":
            client = MirrorClient(settings.mirror)
        else:
            from alerce.core import Alerce

            client = Alerce()
        objs = []
        for ra, dec, r in query.cones:
            o = client.query_objects(survey="ztf", ra=ra, dec=dec, radius=r, format="pandas")
            if len(o):
                objs.append(o)
            else:
                note("service", "no ALeRCE object in the cone")
        objects = pd.concat(objs, ignore_index=True).drop_duplicates("oid") if objs else pd.DataFrame()
        dets, nds = [], []
        for oid in objects.get("oid", []):
            d = client.query_detections(oid, survey="ztf", format="pandas")
            n = client.query_non_detections(oid, survey="ztf", format="pandas")
            dets.append(pd.DataFrame(d).assign(oid=oid))
            nds.append(pd.DataFrame(n).assign(oid=oid))
        return {
            "objects": objects,
            "detections": pd.concat(dets, ignore_index=True) if dets else pd.DataFrame(),
            "non_detections": pd.concat(nds, ignore_index=True) if nds else pd.DataFrame(),
        }

    def parse(self, reply: dict[str, pd.DataFrame], targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame:
        t = targets.reset_index(drop=True)
        objs = reply.get("objects")
        if objs is None:  # a downloaded file of one object: no positions, every row is the target's
            if len(t) != 1:
                raise ArchiveError(f"{NAME}: a file without object positions needs exactly one target")
            oids = (
                pd.concat(
                    [
                        reply["detections"].get("oid", pd.Series(dtype=str)),
                        reply["non_detections"].get("oid", pd.Series(dtype=str)),
                    ]
                )
                .dropna()
                .unique()
            )
            match = pd.DataFrame({"oid": oids, "objectid": t["objectid"].iloc[0], "sep": np.nan})
        else:
            if len(objs) == 0:
                return LIGHTCURVE.empty()
            ti, si, sep = match_nearest(t["ra"], t["dec"], objs["meanra"], objs["meandec"], settings.radius_arcsec)
            if len(si) == 0:
                return LIGHTCURVE.empty()
            match = pd.DataFrame(
                {"oid": objs["oid"].to_numpy()[si], "objectid": t["objectid"].to_numpy()[ti], "sep": sep}
            )
        frames = []
        det = reply["detections"].merge(match, on="oid") if len(reply["detections"]) else pd.DataFrame()
        if len(det):
            missing = [c for c in DET_COLUMNS if c not in det.columns]
            if missing:
                raise ArchiveError(f"{NAME}: detections lack column(s) {missing}")
            mag = clean_sentinels(pd.to_numeric(det["magpsf_corr"], errors="coerce").to_numpy(float), (100.0,))
            err = clean_sentinels(pd.to_numeric(det["sigmapsf_corr_ext"], errors="coerce").to_numpy(float), (100.0,))
            good = as_bool(det["corrected"]) & ~as_bool(det["dubious"]) & np.isfinite(mag) & np.isfinite(err)
            d = det[good]
            flux, ferr = ab_mag_to_flux(mag[good], err[good], error_form="linear")
            positive = pd.to_numeric(d["isdiffpos"].replace({"t": 1, "f": -1}), errors="coerce").to_numpy() > 0
            frames.append(
                canonical(
                    NAME,
                    d["objectid"],
                    d["fid"].astype(int).map(BAND),
                    d["mjd"].astype(float),
                    flux,
                    ferr,
                    d["oid"],
                    d["sep"],
                    np.where(positive, 0, 1),
                )
            )
        nd = reply["non_detections"].merge(match, on="oid") if len(reply["non_detections"]) else pd.DataFrame()
        if len(nd):
            lim = clean_sentinels(pd.to_numeric(nd["diffmaglim"], errors="coerce").to_numpy(float), (100.0,))
            ok = np.isfinite(lim)
            n = nd[ok]
            flux, _ = ab_mag_to_flux(lim[ok])
            frames.append(
                canonical(
                    NAME,
                    n["objectid"],
                    n["fid"].astype(int).map(BAND),
                    n["mjd"].astype(float),
                    flux,
                    np.full(len(n), np.nan),
                    n["oid"],
                    n["sep"],
                    0,
                    upper_limit=True,
                )
            )
        return concat_canonical(frames)


ADAPTER = AlerceAdapter()
