"""Stripe 82 and XMM-LSS Object-table rows in LSST (LSE-163, flattened) column names.

Per band the photometry comes from the first catalogue of ``S82_PRECEDENCE`` (DES DR2 → SDSS
Stripe 82 coadd → SDSS DR16) with a finite PSF flux for that target (``photSource_{b}`` names it):

* ``psFlux_{b}, psFluxErr_{b}`` (nJy): DES ``WAVG_MAG_PSF`` (AB, linear error form), or the SDSS
  asinh ``psfMag`` converted to AB flux with the SDSS→AB offsets applied in flux space;
  ``psMag_{b}, psMagErr_{b}``: the AB magnitude of that flux (NaN for non-positive flux);
* ``bdFlux/bdMag``: the same from DES ``MAG_AUTO`` or SDSS ``modelMag``;
* ``extendedness_{b}``: ``1 - CLASS_STAR`` (DES) or ``1 - probPSF`` (SDSS);
* ``flags_{b}``: the filling catalogue's flags;
* ``stdColor_k``/``stdColorErr_k`` from the PSF fluxes of adjacent bands;
* ``psPm_ra/dec`` from Gaia EDR3, else NSC DR2 (``pmSource`` names it), ``psParallax`` from
  Gaia EDR3; ``class``/``z`` from SDSS spectra (:func:`spec_class`);
  ``photoZ_pest`` from the DR16 photo-z; ``lc*`` from the features stage.

A target without a match keeps NaNs and a null ``photSource_{b}``, never zeros. The XMM-LSS
rows (:func:`xmmlss_rows`) take u from CFHTLS and grizy from HSC; the merge
(:func:`agnlc.objecttables.merge.merge_tables`) drops the Stripe 82 rows that have an XMM-LSS
counterpart.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from agnlc.core.tables import TableSchema
from agnlc.objecttables.contract import OBJECT_BANDS, S82_SCHEMA
from agnlc.sky.footprint import in_s82, in_xmmlss
from agnlc.sky.photometry import ab_mag_to_flux, clean_sentinels, colour, flux_to_ab_mag, sdss_asinh_to_ab_flux

__all__ = ["HIGHZ_QSO_MIN_Z", "S82_PRECEDENCE", "s82_rows", "spec_class", "xmmlss_rows"]

SDSS_BANDS = ("u", "g", "r", "i", "z")


def _empty_rows(schema: TableSchema, n: int) -> dict[str, object]:
    cols: dict[str, object] = {}
    for c in schema.columns:
        t = str(c.dtype)
        if t.startswith("double") or t.startswith("float"):
            cols[c.name] = np.full(n, np.nan)
        elif t == "string":
            cols[c.name] = pd.array([None] * n, dtype="string")
        elif t.startswith("int"):
            cols[c.name] = pd.array([None] * n, dtype="Int64")
        else:
            cols[c.name] = [None] * n
    return cols


#: Spectroscopic quasars at or above this redshift are ``highZQso`` (as the mock sky labels them).
HIGHZ_QSO_MIN_Z = 3.0
#: Photometry precedence per band in the Stripe 82 table (SPEC §4).
S82_PRECEDENCE = ("des_dr2", "sdss_s82_coadd", "sdss_dr16")


def _skeleton(targets: pd.DataFrame) -> pd.DataFrame:
    """Contract columns for ``targets``: ids and positions filled, everything else NaN / null."""
    df = pd.DataFrame(_empty_rows(S82_SCHEMA, len(targets)))
    df["objectId"] = targets["objectid"].to_numpy(dtype=np.int64)
    df["ra"] = targets["ra"].to_numpy()
    df["dec"] = targets["dec"].to_numpy()
    return df


def _matched(frame: pd.DataFrame | None, ids: pd.Series) -> pd.DataFrame:
    """A catalogue's match table aligned on ``ids`` (rows of unmatched targets all NaN)."""
    if frame is None or frame.empty:
        return pd.DataFrame(index=ids)
    return frame.drop_duplicates("objectid").set_index("objectid").reindex(ids)


def _ab_photometry(mag: np.ndarray, err: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """AB catalogue magnitudes (sentinels -999/99/100 -> NaN) to (flux, flux_err, mag, mag_err), linear errors."""
    f, e = ab_mag_to_flux(clean_sentinels(mag, (-999.0, 99.0, 100.0)), err, error_form="linear")
    return (f, e, *flux_to_ab_mag(f, e))


#: Proper-motion precedence (``pmSource`` names the catalogue used); parallax from Gaia only.
PM_PRECEDENCE = ("gaia_edr3", "nsc_dr2")


def _shared_columns(df: pd.DataFrame, catalogs: dict[str, pd.DataFrame]) -> None:
    """Colours from the PSF fluxes, proper motions (Gaia EDR3, else NSC DR2), Gaia parallax,
    SDSS spectroscopic class and z (in place)."""
    ids = df["objectId"]
    for k, (b1, b2) in enumerate(itertools.pairwise(OBJECT_BANDS)):
        c, ce = colour(df[f"psFlux_{b1}"], df[f"psFluxErr_{b1}"], df[f"psFlux_{b2}"], df[f"psFluxErr_{b2}"])
        df[f"stdColor_{k}"], df[f"stdColorErr_{k}"] = c, ce
    # proper motion: Gaia EDR3 where it has one (2- and 3-parameter solutions have none), else NSC DR2
    src = np.full(len(df), None, dtype=object)
    for name in PM_PRECEDENCE:
        m = _matched(catalogs.get(name), ids)
        if "pmra" not in m:
            continue
        pmra, pmdec = m["pmra"].to_numpy(float), m["pmdec"].to_numpy(float)
        take = (src == None) & np.isfinite(pmra) & np.isfinite(pmdec)  # noqa: E711 (object array)
        df["psPm_ra"] = np.where(take, pmra, df["psPm_ra"].to_numpy(float))
        df["psPm_dec"] = np.where(take, pmdec, df["psPm_dec"].to_numpy(float))
        src[take] = name
        if name == "gaia_edr3":
            df["psParallax"] = m["parallax"].to_numpy(float)
    df["pmSource"] = pd.array(src, dtype="string")
    spec = _matched(catalogs.get("sdss_specobj"), ids)
    if "class" in spec:
        df["class"] = spec_class(spec["class"], spec["subClass"], spec["z"], spec["zWarning"]).to_numpy()
        df["z"] = np.where(df["class"].notna(), spec["z"].to_numpy(float), np.nan)


def _sdss_photometry(m: pd.DataFrame, b: str) -> dict[str, np.ndarray]:
    """psFlux/bdFlux (nJy, AB) and magnitudes from SDSS asinh psfMag/modelMag; extendedness 1 - probPSF."""
    out = {}
    for src, pref in (("psfMag", "ps"), ("modelMag", "bd")):
        f, e = sdss_asinh_to_ab_flux(m[f"{src}_{b}"].to_numpy(float), m[f"{src}Err_{b}"].to_numpy(float), b)
        mag, mag_err = flux_to_ab_mag(f, e)
        out |= {f"{pref}Flux": f, f"{pref}FluxErr": e, f"{pref}Mag": mag, f"{pref}MagErr": mag_err}
    out["extendedness"] = 1.0 - m[f"probPSF_{b}"].to_numpy(float)
    out["flags"] = m["flags"].to_numpy(float)
    return out


def _des_photometry(m: pd.DataFrame, b: str) -> dict[str, np.ndarray]:
    """DES DR2: WAVG_MAG_PSF -> ps, MAG_AUTO -> bd (AB; 99 and other sentinels -> NaN); 1 - CLASS_STAR."""
    B = b.upper()
    out = {}
    for src, err, pref in (("WAVG_MAG_PSF", "WAVG_MAGERR_PSF", "ps"), ("MAG_AUTO", "MAGERR_AUTO", "bd")):
        f, e, mag, mag_err = _ab_photometry(m[f"{src}_{B}"].to_numpy(float), m[f"{err}_{B}"].to_numpy(float))
        out |= {f"{pref}Flux": f, f"{pref}FluxErr": e, f"{pref}Mag": mag, f"{pref}MagErr": mag_err}
    out["extendedness"] = 1.0 - m[f"CLASS_STAR_{B}"].to_numpy(float)
    out["flags"] = m[f"FLAGS_{B}"].to_numpy(float)
    return out


def spec_class(cls: pd.Series, sub: pd.Series, z: pd.Series, warning: pd.Series) -> pd.Series:
    """SDSS spectroscopic class -> Object-table class (Star, Gal, Qso, highZQso, Agn); null if zWarning."""
    c = cls.astype("string").str.upper()
    out = pd.Series(pd.NA, index=cls.index, dtype="string")
    out[c == "STAR"] = "Star"
    out[c == "GALAXY"] = "Gal"
    out[(c == "GALAXY") & sub.astype("string").str.upper().str.contains("AGN").fillna(False)] = "Agn"
    out[c == "QSO"] = "Qso"
    out[(c == "QSO") & (z.astype(float) >= HIGHZ_QSO_MIN_Z)] = "highZQso"
    out[warning.fillna(0).astype(int) != 0] = pd.NA
    return out


def s82_rows(
    targets: pd.DataFrame,
    coadd: pd.DataFrame,
    features: pd.DataFrame,
    catalogs: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Object-table rows of one shard (targets inside the Stripe 82 footprint only).

    Parameters
    ----------
    targets
        The shard's targets.
    coadd
        :func:`agnlc.catalogs.match_s82_coadd` output.
    features
        The shard's features (``objectid`` + ``lc*`` columns).
    catalogs
        :func:`agnlc.catalogs.match_catalog` outputs by name (``des_dr2``, ``sdss_dr16``,
        ``gaia_edr3``, ``nsc_dr2``, ``sdss_specobj``; missing ones count as no match).

    Notes
    -----
    Per band the photometry comes from the first of DES DR2 → S82 coadd → SDSS DR16 with a
    finite PSF flux there (``photSource_{b}`` says which; DES has no u, SDSS no y). Proper
    motions from Gaia EDR3, else NSC DR2 (``pmSource``); parallax from Gaia EDR3; ``class`` and
    ``z`` from SDSS spectra; ``photoZ_pest`` from the DR16 photo-z.
    """
    catalogs = catalogs or {}
    t = targets[in_s82(targets["ra"].to_numpy(), targets["dec"].to_numpy())].reset_index(drop=True)
    n = len(t)
    df = _skeleton(t)
    ids = df["objectId"]
    sources = {
        "des_dr2": _matched(catalogs.get("des_dr2"), ids),
        "sdss_s82_coadd": _matched(coadd, ids),
        "sdss_dr16": _matched(catalogs.get("sdss_dr16"), ids),
    }
    for b in OBJECT_BANDS:
        filled = np.zeros(n, bool)
        src_name = np.full(n, None, dtype=object)
        for name in S82_PRECEDENCE:
            m = sources[name]
            if name == "des_dr2":
                if f"WAVG_MAG_PSF_{b.upper()}" not in m:
                    continue
                vals = _des_photometry(m, b)
            else:
                if f"psfMag_{b}" not in m:
                    continue
                vals = _sdss_photometry(m, b)
            take = ~filled & np.isfinite(vals["psFlux"])
            for k, v in vals.items():
                col = f"{k}_{b}"
                if k == "flags":
                    cur = df[col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
                    df[col] = pd.array(np.where(take, v, cur), dtype="Float64").astype("Int64")
                else:
                    df[col] = np.where(take, v, df[col].to_numpy(float))
            src_name[take] = name
            filled |= take
        df[f"photSource_{b}"] = pd.array(src_name, dtype="string")
    _shared_columns(df, catalogs)
    dr16 = sources["sdss_dr16"]
    if "photoz" in dr16:
        df["photoZ_pest"] = dr16["photoz"].to_numpy(float)
    feat = features.set_index("objectid").reindex(ids)
    for c in feat.columns:
        if c.startswith(("lcNonPeriodic[", "lcPeriodic[", "drwSigmaRms_")):
            df[c] = feat[c].to_numpy(float)
    return df[S82_SCHEMA.names]


def xmmlss_rows(targets: pd.DataFrame, catalogs: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """XMM-LSS Object-table rows of one shard (targets inside the XMM-LSS box only).

    u from CFHTLS-Wide (3″ aperture ``uap3`` → ps, Kron ``uauto`` → bd, ``1 - cl_u``), grizy from
    HSC (``PsfFlux`` → ps, ``GaussianFlux`` → bd, both nJy; the pipeline's extendedness; flags =
    the saturation flag); photo-z from XMM-SERVS for its X-ray sources, else the SDSS DR16
    photo-z; class and z from SDSS spectra; proper motions and parallax as in :func:`s82_rows`;
    lc* NaN (no deep time-domain data there, as the seed says).
    """
    catalogs = catalogs or {}
    t = targets[in_xmmlss(targets["ra"].to_numpy(), targets["dec"].to_numpy())].reset_index(drop=True)
    n = len(t)
    df = _skeleton(t)
    ids = df["objectId"]

    def matched(name: str) -> pd.DataFrame:
        return _matched(catalogs.get(name), ids)

    cf = matched("cfhtls_w")
    if "uap3" in cf:
        for src, err, pref in (("uap3", "e_uap3", "ps"), ("uauto", "e_uauto", "bd")):
            f, e, m2, me = _ab_photometry(cf[src].to_numpy(float), cf[err].to_numpy(float))
            df[f"{pref}Flux_u"], df[f"{pref}FluxErr_u"], df[f"{pref}Mag_u"], df[f"{pref}MagErr_u"] = f, e, m2, me
        df["extendedness_u"] = 1.0 - cf["cl_u"].to_numpy(float)
        df["photSource_u"] = pd.array(np.where(np.isfinite(df["psFlux_u"]), "cfhtls_w", None), dtype="string")
    hsc = matched("hsc")
    for b in "grizy":
        if f"{b}_base_PsfFlux_instFlux" not in hsc:
            continue
        for src, pref in (("PsfFlux", "ps"), ("GaussianFlux", "bd")):
            f = hsc[f"{b}_base_{src}_instFlux"].to_numpy(float)
            e = hsc[f"{b}_base_{src}_instFluxErr"].to_numpy(float)
            m2, me = flux_to_ab_mag(f, e)
            df[f"{pref}Flux_{b}"], df[f"{pref}FluxErr_{b}"], df[f"{pref}Mag_{b}"], df[f"{pref}MagErr_{b}"] = (
                f,
                e,
                m2,
                me,
            )
        df[f"extendedness_{b}"] = hsc[f"{b}_base_ClassificationExtendedness_value"].to_numpy(float)
        sat = hsc[f"{b}_base_PixelFlags_flag_saturated"].to_numpy(float)
        df[f"flags_{b}"] = pd.array(sat, dtype="Float64").astype("Int64")
        df[f"photSource_{b}"] = pd.array(np.where(hsc["cat_id"].notna(), "hsc", None), dtype="string")
    _shared_columns(df, catalogs)
    pz = np.full(n, np.nan)
    dr16 = matched("sdss_dr16")
    if "photoz" in dr16:
        pz = dr16["photoz"].to_numpy(float)
    servs = matched("xmm_servs")
    if "zphot" in servs:
        xz = servs["zphot"].to_numpy(float)
        pz = np.where(np.isfinite(xz), xz, pz)
    df["photoZ_pest"] = pz
    return df[S82_SCHEMA.names]
