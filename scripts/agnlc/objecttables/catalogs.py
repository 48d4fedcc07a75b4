"""Object-table catalogue cross-matches (nearest counterpart within a radius).

Every target of a shard gets the nearest catalogue object within the radius, with the
catalogue's id (``cat_id``), the separation (``sep_arcsec``) and the catalogue's own columns
(native names and units; the Object-table stage converts them).

* The SDSS Stripe 82 coadd (``PhotoObjAll`` runs 106/206 of the Stripe82 database), read from
  the same mirror as the single-epoch light curves (:func:`match_s82_coadd`).
* The other catalogues (:data:`CATALOGS`): DES DR2, SDSS DR16 (with its photo-z), HSC,
  CFHTLS-Wide u, NSC DR2, Gaia EDR3 astrometry, XMM-SERVS (XMM-LSS; Chen et al. 2018, MNRAS 478,
  2132) and SDSS spectra (:func:`match_catalog`).

Each catalogue runs on the archives' contract (:class:`CatalogAdapter`): ``build_query``
(inspectable: the SQL/ADQL statements, the mirror pixels), ``fetch`` (the transport), ``parse``
(the nearest row per target), with retries and exponential backoff on transport failures.
Transports: the mock-sky mirror (``part_hpx3_PPPP.parquet`` files, only the HEALPix order-3
pixels the targets' cones touch, or a HATS catalogue read with lsdb), or the live service:

* NOIRLab Astro Data Lab (DES DR2, NSC DR2): its TAP service, one ``q3c_radial_query`` cone per
  target joined by UNION ALL (the construction the Data Lab's own examples use; no upload and no
  ``CONTAINS``, which the service may refuse);
* the Gaia archive (EDR3 astrometry): TAP with the targets uploaded and ``CONTAINS``;
* VizieR through astroquery (CFHTLS-Wide ``II/317``; XMM-SERVS ``J/MNRAS/478/2132``, whose
  columns are found by name in the reply);
* the SDSS DR16 SkyServer SQL through ``astroquery.sdss.SDSS.query_sql``: ``fGetNearbyObjEq`` per
  target with ``PhotoObjAll`` **left-joined with** ``Photoz`` on ``objID`` (astroquery's
  ``query_crossid`` does not join the photo-z table, which left it always NaN), and ``SpecObj``
  on ``bestObjID`` for the spectra.

HSC-SSP needs an account (its CAS takes a user and password): the live transport refuses with
that reason until credentials are wired through environment variables.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agnlc.archives.sdss_s82 import COADD_RUNS, PARTITION_ORDER, read_mirror
from agnlc.core.sessions import timeout_session
from agnlc.sky.crossmatch import match_nearest
from agnlc.sky.healpix import pixels_in_cone

__all__ = [
    "CATALOGS",
    "S82_COADD_COLUMNS",
    "CatalogAdapter",
    "CatalogError",
    "CatalogQuery",
    "CatalogSpec",
    "match_catalog",
    "match_s82_coadd",
]


class CatalogError(RuntimeError):
    """A catalogue cannot be read (missing mirror, refused live service)."""


_B = ("u", "g", "r", "i", "z")
S82_COADD_COLUMNS = ["objID", "run", "ra", "dec", "flags", "type"] + [
    f"{q}_{b}" for q in ("psfMag", "psfMagErr", "modelMag", "modelMagErr", "probPSF") for b in _B
]


def _nearest(
    targets: pd.DataFrame,
    cat: pd.DataFrame,
    radius_arcsec: float,
    id_col: str,
    ra_col: str,
    dec_col: str,
    columns: list[str],
) -> pd.DataFrame:
    """Nearest catalogue row of each target within ``radius_arcsec``: ``objectid, cat_id``
    (string), ``sep_arcsec`` and ``columns`` (NaN where the catalogue lacks one)."""
    cat = cat.reset_index(drop=True)
    ti, ci, sep = match_nearest(targets["ra"], targets["dec"], cat[ra_col], cat[dec_col], radius_arcsec)
    rows = cat.iloc[ci].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "objectid": targets["objectid"].to_numpy()[ti].astype(np.int64),
            "cat_id": rows[id_col].astype(str).to_numpy() if len(rows) else np.array([], dtype=object),
            "sep_arcsec": sep,
        }
    )
    for c in columns:
        out[c] = rows[c].to_numpy() if c in rows else np.nan
    return out.sort_values("objectid", kind="stable").reset_index(drop=True)


def match_s82_coadd(targets: pd.DataFrame, mirror: str | Path | None, radius_arcsec: float) -> pd.DataFrame:
    """Nearest S82 coadd object of each target.

    Returns
    -------
    pandas.DataFrame
        One row per target with a match: ``objectid, cat_id, sep_arcsec`` and the
        catalogue's native columns (asinh magnitudes on the SDSS system).
    """
    t = targets.reset_index(drop=True)
    if mirror is None:  # no coadd configured: no match (the rows take DES DR2 and SDSS DR16)
        cat = pd.DataFrame({c: pd.Series(dtype="float64") for c in S82_COADD_COLUMNS})
    else:
        parts = pixels_in_cone(t["ra"].to_numpy(), t["dec"].to_numpy(), radius_arcsec / 3600.0, PARTITION_ORDER)
        cat = read_mirror(Path(mirror), list(parts), S82_COADD_COLUMNS)
    cat = cat[cat["run"].isin(COADD_RUNS)].reset_index(drop=True)
    return _nearest(
        t, cat, radius_arcsec, "objID", "ra", "dec", [c for c in S82_COADD_COLUMNS if c not in ("objID", "ra", "dec")]
    )


@dataclass(frozen=True)
class CatalogSpec:
    """One Object-table catalogue: its id and position columns, the columns kept, and its service.

    ``live`` is ``datalab`` (Data Lab TAP, q3c cones; ``service`` and ``table``), ``tap``
    (pyvo, targets uploaded; ``service`` and ``table``), ``vizier`` (astroquery; ``table`` is the
    VizieR catalogue; ``aliases`` map our column names to the reply's candidates), ``sdss``
    (SkyServer SQL, DR16) or ``none`` (with ``refusal`` as the reason).
    """

    name: str
    release: str
    id_col: str
    ra_col: str
    dec_col: str
    columns: tuple[str, ...]
    live: str
    service: str = ""
    table: str = ""
    refusal: str = ""
    mirror_format: str = "parts"  # parts: part_hpx3_PPPP.parquet files; hats: a HATS catalogue (lsdb)
    mirror_subpath: str = ""  # the HATS catalogue inside the mirror folder
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # vizier: name -> reply candidates


_DES = tuple(
    c
    for b in "GRIZY"
    for c in (
        f"WAVG_MAG_PSF_{b}",
        f"WAVG_MAGERR_PSF_{b}",
        f"MAG_AUTO_{b}",
        f"MAGERR_AUTO_{b}",
        f"CLASS_STAR_{b}",
        f"FLAGS_{b}",
    )
)
_SDSS = (
    "type",
    "flags",
    *tuple(
        c
        for b in "ugriz"
        for c in (f"psfMag_{b}", f"psfMagErr_{b}", f"modelMag_{b}", f"modelMagErr_{b}", f"probPSF_{b}")
    ),
)
_HSC = tuple(
    c
    for b in "grizy"
    for c in (
        f"{b}_base_PsfFlux_instFlux",
        f"{b}_base_PsfFlux_instFluxErr",
        f"{b}_base_GaussianFlux_instFlux",
        f"{b}_base_GaussianFlux_instFluxErr",
        f"{b}_base_ClassificationExtendedness_value",
        f"{b}_base_PixelFlags_flag_saturated",
    )
)
DATALAB_TAP = "https://datalab.noirlab.edu/tap"

#: The Object-table catalogues other than the S82 coadd, by config name.
CATALOGS: dict[str, CatalogSpec] = {
    "des_dr2": CatalogSpec(
        "des_dr2", "DES DR2", "COADD_OBJECT_ID", "RA", "DEC", _DES, "datalab", DATALAB_TAP, "des_dr2.main"
    ),
    "sdss_dr16": CatalogSpec("sdss_dr16", "SDSS DR16", "objID", "ra", "dec", (*_SDSS, "photoz", "photozErr"), "sdss"),
    "hsc": CatalogSpec(
        "hsc",
        "HSC-SSP PDR3",
        "object_id",
        "ra",
        "dec",
        _HSC,
        "none",
        refusal="HSC-SSP's CAS needs an account (user and password); not wired yet",
    ),
    "cfhtls_w": CatalogSpec(
        "cfhtls_w",
        "CFHTLS-Wide T0007",
        "CFHTLS",
        "RAJ2000",
        "DEJ2000",
        ("uap3", "e_uap3", "uauto", "e_uauto", "cl_u"),
        "vizier",
        table="II/317/cfhtls_w",
    ),
    "nsc_dr2": CatalogSpec(
        "nsc_dr2",
        "NSC DR2",
        "id",
        "ra",
        "dec",
        ("pmra", "pmdec", "pmraerr", "pmdecerr", "gmag", "class_star"),
        "datalab",
        DATALAB_TAP,
        "nsc_dr2.object",
    ),
    "gaia_edr3": CatalogSpec(
        "gaia_edr3",
        "Gaia EDR3 astrometry",
        "source_id",
        "ra",
        "dec",
        ("pmra", "pmra_error", "pmdec", "pmdec_error", "parallax", "parallax_error"),
        "tap",
        "https://gea.esac.esa.int/tap-server/tap",
        "gaiaedr3.gaia_source",
        mirror_format="hats",
        mirror_subpath="gaia_dr3",  # the mock sky's Gaia DR3 HATS collection: DR3 astrometry is EDR3's
    ),
    "xmm_servs": CatalogSpec(
        "xmm_servs",
        "XMM-SERVS XMM-LSS (Chen et al. 2018, MNRAS 478, 2132)",
        "XID",
        "RA",
        "DEC",
        ("flux_05_10", "zphot", "zspec"),
        "vizier",
        table="J/MNRAS/478/2132",
        aliases={
            "XID": ("XID", "Seq", "ID", "Name"),
            "RA": ("RAdeg", "RA_ICRS", "RAJ2000", "RA"),
            "DEC": ("DEdeg", "DE_ICRS", "DEJ2000", "DEC", "Dec"),
            "flux_05_10": ("F0.5-10", "FFB", "Flux-FB", "FFull", "flux_05_10"),
            "zphot": ("zphot", "z-phot", "zp", "photz"),
            "zspec": ("zspec", "z-spec", "zs", "specz"),
        },
    ),
    "sdss_specobj": CatalogSpec(
        "sdss_specobj",
        "SDSS DR16 SpecObj",
        "specObjID",
        "ra",
        "dec",
        ("class", "subClass", "z", "zErr", "zWarning"),
        "sdss",
    ),
}


def _read_parts(root: Path, parts: list[int], columns: list[str]) -> pd.DataFrame:
    import pyarrow.parquet as pq

    frames = []
    for p in parts:
        f = root / f"part_hpx3_{int(p):04d}.parquet"
        if f.exists():
            frames.append(pq.read_table(f, columns=columns).to_pandas())
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    return pd.concat(frames, ignore_index=True)


def _mirror_rows(spec: CatalogSpec, targets: pd.DataFrame, mirror: Path, radius_arcsec: float) -> pd.DataFrame:
    mirror = Path(mirror)
    if not mirror.is_dir():
        raise CatalogError(f"{spec.name}: mirror folder {mirror} does not exist")
    if spec.mirror_format != "hats" and not any(mirror.glob("part_hpx3_*.parquet")):
        raise CatalogError(f"{spec.name}: mirror has no data ({mirror} holds no part_hpx3_*.parquet)")
    if spec.mirror_format == "hats":  # lsdb cross-match against the HATS catalogue, nearest within the radius
        from agnlc.archives.hats import crossmatch

        cols = [spec.id_col, spec.ra_col, spec.dec_col, *spec.columns]
        m = crossmatch(targets, str(mirror / spec.mirror_subpath), cols, radius_arcsec)
        return m[cols].drop_duplicates(spec.id_col).reset_index(drop=True)
    parts = sorted(pixels_in_cone(targets["ra"].to_numpy(), targets["dec"].to_numpy(), radius_arcsec / 3600.0, 3))
    native = [c for c in spec.columns if c not in ("photoz", "photozErr")]
    cat = _read_parts(mirror, parts, [spec.id_col, spec.ra_col, spec.dec_col, *native])
    if spec.name == "sdss_dr16":  # DR16 photo-z is its own table, keyed by objID
        pz = _read_parts(mirror.parent / "sdss_dr16_photoz", parts, ["objID", "z", "zErr"])
        pz = pz.rename(columns={"z": "photoz", "zErr": "photozErr"}).drop_duplicates("objID")
        cat = cat.merge(pz, on="objID", how="left")
    return cat


BATCH = 50  # cones per statement or call


def _batches(targets: pd.DataFrame) -> list[pd.DataFrame]:
    return [targets.iloc[i : i + BATCH] for i in range(0, len(targets), BATCH)]


def datalab_sql(spec: CatalogSpec, batch: pd.DataFrame, radius_arcsec: float) -> str:
    """One Data Lab statement: a ``q3c_radial_query`` cone per target, joined by UNION ALL."""
    cols = ", ".join(c.lower() for c in (spec.id_col, spec.ra_col, spec.dec_col, *spec.columns))
    r = radius_arcsec / 3600.0
    return "\nUNION ALL\n".join(
        f"SELECT {int(i)} AS tid, {cols} FROM {spec.table} "
        f"WHERE q3c_radial_query({spec.ra_col.lower()}, {spec.dec_col.lower()}, {ra:.8f}, {dec:.8f}, {r:.8f})"
        for i, ra, dec in zip(batch["objectid"], batch["ra"], batch["dec"], strict=True)
    )


def upload_adql(spec: CatalogSpec, radius_arcsec: float) -> str:
    """The targets (uploaded as ``TAP_UPLOAD.t``) joined with the table within the radius."""
    cols = ", ".join(f"c.{c.lower()}" for c in (spec.id_col, spec.ra_col, spec.dec_col, *spec.columns))
    return (
        f"SELECT t.objectid AS tid, {cols} FROM {spec.table} AS c JOIN TAP_UPLOAD.t AS t ON 1 = CONTAINS("
        f"POINT('ICRS', c.{spec.ra_col.lower()}, c.{spec.dec_col.lower()}), "
        f"CIRCLE('ICRS', t.ra, t.dec, {radius_arcsec / 3600.0!r}))"
    )


_SDSS_PHOTO = ["objID", "ra", "dec", *[c for c in _SDSS]]


def sdss_sql(spec: CatalogSpec, batch: pd.DataFrame, radius_arcsec: float) -> str:
    """One DR16 SkyServer statement: ``fGetNearbyObjEq`` per target, PhotoObjAll left-joined with
    Photoz (photometry) or joined with SpecObj on ``bestObjID`` (spectra)."""
    r = radius_arcsec / 60.0
    parts = []
    for i, ra, dec in zip(batch["objectid"], batch["ra"], batch["dec"], strict=True):
        cone = f"dbo.fGetNearbyObjEq({ra:.8f}, {dec:.8f}, {r:.6f}) AS n"
        if spec.name == "sdss_specobj":
            cols = ", ".join(f"s.{c}" for c in (spec.id_col, "ra", "dec", *spec.columns))
            parts.append(f"SELECT {int(i)} AS tid, {cols} FROM {cone} JOIN SpecObj AS s ON s.bestObjID = n.objID")
        else:
            cols = ", ".join(f"p.{c}" for c in _SDSS_PHOTO)
            parts.append(
                f"SELECT {int(i)} AS tid, {cols}, pz.z AS photoz, pz.zErr AS photozErr FROM {cone} "
                "JOIN PhotoObjAll AS p ON p.objID = n.objID LEFT OUTER JOIN Photoz AS pz ON pz.objID = p.objID"
            )
    return "\nUNION ALL\n".join(parts)


@dataclass(frozen=True)
class CatalogQuery:
    """An inspectable catalogue query: the statements (live) or the mirror pixels, and the targets."""

    name: str
    transport: str
    statements: tuple[str, ...]
    partitions: tuple[int, ...]
    radius_arcsec: float
    targets: pd.DataFrame = field(repr=False, compare=False)


class CatalogAdapter:
    """One catalogue on the archives' build_query / fetch / parse contract."""

    def __init__(self, spec: CatalogSpec) -> None:
        self.spec = spec
        self.name = spec.name

    def build_query(self, targets: pd.DataFrame, transport: str, radius_arcsec: float) -> CatalogQuery:
        t = targets.reset_index(drop=True)
        spec = self.spec
        statements: tuple[str, ...] = ()
        if transport == "live":
            if spec.live == "datalab":
                statements = tuple(datalab_sql(spec, b, radius_arcsec) for b in _batches(t))
            elif spec.live == "tap":
                statements = (upload_adql(spec, radius_arcsec),)
            elif spec.live == "sdss":
                statements = tuple(sdss_sql(spec, b, radius_arcsec) for b in _batches(t))
        parts = tuple(
            int(p) for p in pixels_in_cone(t["ra"].to_numpy(), t["dec"].to_numpy(), radius_arcsec / 3600.0, 3)
        )
        return CatalogQuery(spec.name, transport, statements, parts, radius_arcsec, t[["objectid", "ra", "dec"]])

    def fetch(self, query: CatalogQuery, mirror: str | Path | None, timeout: float) -> pd.DataFrame:
        """Candidate rows in the catalogue's own column names (the nearest is chosen by parse)."""
        spec = self.spec
        if query.transport == "mirror":
            if mirror is None:
                raise CatalogError(f"{spec.name}: mirror transport without a mirror folder")
            return _mirror_rows(spec, query.targets, Path(mirror), query.radius_arcsec)
        if spec.live == "none":
            raise CatalogError(f"{spec.name}: no live transport ({spec.refusal})")
        if spec.live in ("datalab", "tap"):
            import pyvo
            from astropy.table import Table

            svc = pyvo.dal.TAPService(spec.service, session=timeout_session(timeout))
            if spec.live == "tap":
                t = query.targets
                up = Table({"objectid": t["objectid"].to_numpy(), "ra": t["ra"].to_numpy(), "dec": t["dec"].to_numpy()})
                frames = [svc.run_sync(query.statements[0], uploads={"t": up}).to_table().to_pandas()]
            else:
                frames = [svc.run_sync(sql).to_table().to_pandas() for sql in query.statements]
        elif spec.live == "sdss":
            from astroquery.sdss import SDSS

            frames = []
            for sql in query.statements:
                res = SDSS.query_sql(sql, data_release=16, timeout=timeout)
                if res is not None:
                    frames.append(res.to_pandas())
        elif spec.live == "vizier":
            frames = [_vizier(spec, b, query.radius_arcsec, timeout) for b in _batches(query.targets)]
        else:
            raise CatalogError(f"{spec.name}: unknown live transport {spec.live!r}")
        frames = [f for f in frames if len(f)]
        if not frames:
            return pd.DataFrame({c: [] for c in (spec.id_col, spec.ra_col, spec.dec_col, *spec.columns)})
        df = pd.concat(frames, ignore_index=True)
        lower = {c.lower(): c for c in (spec.id_col, spec.ra_col, spec.dec_col, *spec.columns)}
        return df.rename(columns={c: lower.get(str(c).lower(), c) for c in df.columns})

    def parse(self, reply: pd.DataFrame, targets: pd.DataFrame, radius_arcsec: float) -> pd.DataFrame:
        spec = self.spec
        missing = [c for c in (spec.id_col, spec.ra_col, spec.dec_col) if c not in reply.columns]
        if missing:
            raise CatalogError(f"{spec.name}: reply lacks column(s) {missing} (columns {list(reply.columns)[:12]})")
        t = targets.reset_index(drop=True)
        return _nearest(t, reply, radius_arcsec, spec.id_col, spec.ra_col, spec.dec_col, list(spec.columns))


def _vizier(spec: CatalogSpec, batch: pd.DataFrame, radius_arcsec: float, timeout: float) -> pd.DataFrame:
    """One VizieR cone batch, its columns renamed to ours through the spec's aliases."""
    from astropy import units as u
    from astropy.coordinates import SkyCoord
    from astroquery.vizier import Vizier

    columns = ["**"] if spec.aliases else [spec.id_col, spec.ra_col, spec.dec_col, *spec.columns]
    viz = Vizier(columns=columns, row_limit=-1, timeout=timeout)
    coords = SkyCoord(batch["ra"].to_numpy(), batch["dec"].to_numpy(), unit="deg")
    tabs = viz.query_region(coords, radius=radius_arcsec * u.arcsec, catalog=spec.table)
    if not len(tabs):
        return pd.DataFrame()
    df = tabs[0].to_pandas()
    if spec.aliases:
        found = {}
        for ours, candidates in spec.aliases.items():
            hit = next((c for c in candidates if c in df.columns), None)
            if hit is None and ours in (spec.id_col, spec.ra_col, spec.dec_col):
                raise CatalogError(
                    f"{spec.name}: VizieR {spec.table} reply has none of {list(candidates)} for {ours} "
                    f"(columns {list(df.columns)[:20]})"
                )
            if hit is not None:
                found[hit] = ours
        df = df.rename(columns=found)
    return df


def match_catalog(
    name: str,
    targets: pd.DataFrame,
    radius_arcsec: float,
    transport: str = "mirror",
    mirror: str | Path | None = None,
    timeout: float = 120.0,
    retries: int = 2,
    backoff_s: float = 2.0,
    sleep: Any = time.sleep,
) -> pd.DataFrame:
    """Nearest object of catalogue ``name`` within ``radius_arcsec`` of each target.

    Transport failures are retried ``retries`` times with exponential backoff (``backoff_s``,
    doubled each time); a :class:`CatalogError` (missing mirror, refused service, a reply without
    the catalogue's columns) is raised at once.

    Returns
    -------
    pandas.DataFrame
        One row per matched target: ``objectid, cat_id`` (string), ``sep_arcsec`` and the
        catalogue's columns (:attr:`CatalogSpec.columns`) in its native names and units.
    """
    adapter = CatalogAdapter(CATALOGS[name])
    t = targets.reset_index(drop=True)
    query = adapter.build_query(t, transport, radius_arcsec)
    for attempt in range(retries + 1):
        try:
            return adapter.parse(adapter.fetch(query, mirror, timeout), t, radius_arcsec)
        except CatalogError:
            raise
        except Exception as exc:
            if attempt == retries:
                raise CatalogError(f"{name}: {type(exc).__name__}: {exc} (after {retries + 1} attempts)") from exc
            sleep(backoff_s * 2**attempt)
    raise AssertionError("unreachable")
