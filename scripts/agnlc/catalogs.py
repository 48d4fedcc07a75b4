"""Object-table catalogue cross-matches (nearest counterpart within a radius).

Every target of a shard gets the nearest catalogue object within the radius, with the
catalogue's id (``cat_id``), the separation (``sep_arcsec``) and the catalogue's own columns
(native names and units; the Object-table stage converts them).

* The SDSS Stripe 82 coadd (``PhotoObjAll`` runs 106/206 of the Stripe82 context), read from
  the same mirror as the single-epoch light curves (:func:`match_s82_coadd`).
* The other catalogues (:data:`CATALOGS`): DES DR2, SDSS DR16 (with its photo-z joined by
  ``objID``), HSC, CFHTLS-Wide u, NSC DR2, XMM-SERVS (XMM-LSS) and SDSS spectra
  (:func:`match_catalog`). Transports: the mock-sky mirror (``part_hpx3_PPPP.parquet`` files,
  only the HEALPix order-3 pixels the targets' cones touch are read), or the live service:
  a pyvo TAP query with the targets uploaded (NOIRLab Astro Data Lab for DES DR2 and NSC DR2),
  astroquery VizieR (CFHTLS-Wide, XMM-SERVS) and astroquery SDSS (DR16 photometry, photo-z and
  spectra). HSC-SSP needs an account (its CAS takes a user and password): the live transport
  refuses with that reason until credentials are wired through environment variables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.archives.sdss_s82 import COADD_RUNS, PARTITION_ORDER, read_mirror
from agnlc.crossmatch import match_nearest
from agnlc.healpix import pixels_in_cone
from agnlc.sessions import timeout_session

__all__ = ["CATALOGS", "S82_COADD_COLUMNS", "CatalogError", "CatalogSpec", "match_catalog", "match_s82_coadd"]


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


def match_s82_coadd(targets: pd.DataFrame, mirror: str | Path, radius_arcsec: float) -> pd.DataFrame:
    """Nearest S82 coadd object of each target.

    Returns
    -------
    pandas.DataFrame
        One row per target with a match: ``objectid, cat_id, sep_arcsec`` and the
        catalogue's native columns (asinh magnitudes on the SDSS system).
    """
    t = targets.reset_index(drop=True)
    parts = pixels_in_cone(t["ra"].to_numpy(), t["dec"].to_numpy(), radius_arcsec / 3600.0, PARTITION_ORDER)
    cat = read_mirror(Path(mirror), list(parts), S82_COADD_COLUMNS)
    cat = cat[cat["run"].isin(COADD_RUNS)].reset_index(drop=True)
    return _nearest(
        t, cat, radius_arcsec, "objID", "ra", "dec", [c for c in S82_COADD_COLUMNS if c not in ("objID", "ra", "dec")]
    )


@dataclass(frozen=True)
class CatalogSpec:
    """One Object-table catalogue: its id and position columns, the columns kept, and its service.

    ``live`` is ``tap`` (pyvo, targets uploaded; ``service`` and ``table``), ``vizier``
    (astroquery; ``table`` is the VizieR table), ``sdss`` (astroquery SDSS, DR16) or ``none``
    (with ``refusal`` as the reason).
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
        "des_dr2", "DES DR2", "COADD_OBJECT_ID", "RA", "DEC", _DES, "tap", DATALAB_TAP, "des_dr2.main"
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
        "tap",
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
        "XMM-SERVS XMM-LSS (Chen et al. 2018)",
        "XID",
        "RA",
        "DEC",
        ("flux_05_10", "zphot", "zspec"),
        "vizier",
        table="J/ApJS/235/26/table2",
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


def _live_rows(spec: CatalogSpec, targets: pd.DataFrame, radius_arcsec: float, timeout: float) -> pd.DataFrame:
    """Candidate rows from the live service (the nearest is chosen by the caller)."""
    from astropy.table import Table

    if spec.live == "none":
        raise CatalogError(f"{spec.name}: no live transport ({spec.refusal})")
    if spec.live == "tap":
        import pyvo

        up = Table(
            {
                "objectid": targets["objectid"].to_numpy(),
                "ra": targets["ra"].to_numpy(),
                "dec": targets["dec"].to_numpy(),
            }
        )
        cols = ", ".join(f"c.{c.lower()}" for c in (spec.id_col, spec.ra_col, spec.dec_col, *spec.columns))
        adql = (
            f"SELECT {cols} FROM {spec.table} AS c JOIN TAP_UPLOAD.t AS t ON 1 = CONTAINS("
            f"POINT('ICRS', c.{spec.ra_col.lower()}, c.{spec.dec_col.lower()}), "
            f"CIRCLE('ICRS', t.ra, t.dec, {radius_arcsec / 3600.0!r}))"
        )
        svc = pyvo.dal.TAPService(spec.service, session=timeout_session(timeout))
        res = svc.run_sync(adql, uploads={"t": up}).to_table()  # a keyword here would be a TAP parameter
        df = res.to_pandas()
    elif spec.live == "vizier":
        from astropy import units as u
        from astropy.coordinates import SkyCoord
        from astroquery.vizier import Vizier

        viz = Vizier(columns=[spec.id_col, spec.ra_col, spec.dec_col, *spec.columns], row_limit=-1, timeout=timeout)
        coords = SkyCoord(targets["ra"].to_numpy(), targets["dec"].to_numpy(), unit="deg")
        tabs = viz.query_region(coords, radius=radius_arcsec * u.arcsec, catalog=spec.table)
        df = tabs[0].to_pandas() if len(tabs) else pd.DataFrame(columns=[spec.id_col, spec.ra_col, spec.dec_col])
    else:  # sdss
        from astropy import units as u
        from astropy.coordinates import SkyCoord
        from astroquery.sdss import SDSS

        coords = SkyCoord(targets["ra"].to_numpy(), targets["dec"].to_numpy(), unit="deg")
        if spec.name == "sdss_specobj":
            res = SDSS.query_crossid(
                coords,
                radius=radius_arcsec * u.arcsec,
                photoobj_fields=["ra", "dec"],
                specobj_fields=[spec.id_col, *spec.columns],
                data_release=16,
            )
        else:
            fields = [spec.id_col, spec.ra_col, spec.dec_col, *[c for c in spec.columns if "photoz" not in c]]
            res = SDSS.query_crossid(coords, radius=radius_arcsec * u.arcsec, photoobj_fields=fields, data_release=16)
        df = res.to_pandas() if res is not None else pd.DataFrame(columns=[spec.id_col, spec.ra_col, spec.dec_col])
    lower = {c.lower(): c for c in (spec.id_col, spec.ra_col, spec.dec_col, *spec.columns)}
    return df.rename(columns={c: lower.get(c.lower(), c) for c in df.columns})


def match_catalog(
    name: str,
    targets: pd.DataFrame,
    radius_arcsec: float,
    transport: str = "mirror",
    mirror: str | Path | None = None,
    timeout: float = 120.0,
) -> pd.DataFrame:
    """Nearest object of catalogue ``name`` within ``radius_arcsec`` of each target.

    Returns
    -------
    pandas.DataFrame
        One row per matched target: ``objectid, cat_id`` (string), ``sep_arcsec`` and the
        catalogue's columns (:attr:`CatalogSpec.columns`) in its native names and units.
    """
    spec = CATALOGS[name]
    t = targets.reset_index(drop=True)
    if transport == "mirror":
        if mirror is None:
            raise CatalogError(f"{name}: mirror transport without a mirror folder")
        cat = _mirror_rows(spec, t, Path(mirror), radius_arcsec)
    else:
        cat = _live_rows(spec, t, radius_arcsec, timeout)
    return _nearest(t, cat, radius_arcsec, spec.id_col, spec.ra_col, spec.dec_col, list(spec.columns))
