"""Mock-sky population: positions, classes, magnitudes, colours and variability parameters.

Quasars
    Redshifts from a DR16Q-like distribution (peak near z ~ 1.6, tail to z = 5); apparent
    i magnitudes from quasar number counts (17 <= i <= 22.5); M_i from the distance modulus
    with a power-law K-correction; black-hole masses tied to M_i with 0.3 dex scatter.
    Colours from a power-law continuum (alpha_nu = -0.5) with Lyman-alpha forest and Lyman
    limit absorption redwards of which the flux drops (u dropouts at z > 3). Variability is a
    damped random walk per band with MacLeod et al. (2010) tau and SF_inf at the band's
    rest-frame wavelength, 0.1 dex intrinsic scatter; observed tau = (1 + z) tau_rf and the
    DRW amplitude sigma = SF_inf / sqrt(2).
Stars
    Non-variable main-sequence stars along an approximate SDSS stellar locus parametrised by
    g - r; distances from a colour–absolute-magnitude relation give parallaxes; tangential
    velocities of 40 km/s per axis give proper motions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from astropy.cosmology import FlatLambdaCDM

from agnlc.footprint import S82_BOXES, box_areas_deg2
from agnlc.healpix import radec_to_index

__all__ = [
    "BANDS",
    "HIGHZ_QSO_MIN_Z",
    "LAMBDA_EFF",
    "draw_population",
    "draw_positions",
    "macleod_drw",
]

BANDS = ("u", "g", "r", "i", "z", "y")
#: effective wavelengths (Angstrom) of the intrinsic bands used for colours and DRW scaling
LAMBDA_EFF = {"u": 3551.0, "g": 4686.0, "r": 6166.0, "i": 7480.0, "z": 8932.0, "y": 9620.0}
#: Quasars at or above this redshift are labelled ``highZQso``.
HIGHZ_QSO_MIN_Z = 3.0

_COSMO = FlatLambdaCDM(H0=70.0, Om0=0.3)


def draw_positions(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform positions over the Stripe 82 boxes (area weighted), RA in [0, 360)."""
    areas = box_areas_deg2()
    box = rng.choice(len(areas), size=n, p=areas / areas.sum())
    lo = np.array([b[0] for b in S82_BOXES])[box]
    hi = np.array([b[1] for b in S82_BOXES])[box]
    dlo = np.array([b[3] for b in S82_BOXES])[box]
    dhi = np.array([b[4] for b in S82_BOXES])[box]
    # keep away from the open edges by a hair so every object is strictly inside
    eps = 1e-6
    ra = lo + eps + (hi - lo - 2 * eps) * rng.random(n)
    s_lo, s_hi = np.sin(np.radians(dlo + eps)), np.sin(np.radians(dhi - eps))
    dec = np.degrees(np.arcsin(s_lo + (s_hi - s_lo) * rng.random(n)))
    return np.mod(ra, 360.0), dec


def macleod_drw(lambda_rf: np.ndarray, m_i: np.ndarray, log_mbh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """MacLeod et al. (2010) rest-frame tau (days) and SF_inf (mag), without scatter.

    log10 tau_rf = 2.4 + 0.17 log10(lambda_rf / 4000 A) + 0.03 (M_i + 23) + 0.21 log10(M_BH / 1e9)
    log10 SF_inf = -0.51 - 0.479 log10(lambda_rf / 4000 A) + 0.131 (M_i + 23) + 0.18 log10(M_BH / 1e9)
    """
    ll = np.log10(lambda_rf / 4000.0)
    lm = log_mbh - 9.0
    log_tau = 2.4 + 0.17 * ll + 0.03 * (m_i + 23.0) + 0.21 * lm
    log_sf = -0.51 - 0.479 * ll + 0.131 * (m_i + 23.0) + 0.18 * lm
    return 10.0**log_tau, 10.0**log_sf


def _quasar_redshift(rng: np.random.Generator, n: int) -> np.ndarray:
    # DR16Q-like: a log-normal around z ~ 1.6 plus a high-z tail; clipped to [0.1, 5]
    z = np.exp(rng.normal(np.log(1.6), 0.45, n))
    tail = rng.random(n) < 0.08
    z[tail] = rng.uniform(2.5, 5.0, tail.sum())
    return np.clip(z, 0.1, 5.0)


def _counts_mag(rng: np.random.Generator, n: int, lo: float, hi: float, slope: float) -> np.ndarray:
    # dN/dm ∝ 10^(slope m) between lo and hi, by inverse transform
    a, b = 10 ** (slope * lo), 10 ** (slope * hi)
    return np.log10(a + (b - a) * rng.random(n)) / slope


def _quasar_colours(z: np.ndarray) -> dict[str, np.ndarray]:
    """Magnitude offsets m_b - m_i for a power-law quasar with IGM absorption."""
    alpha = -0.5
    off = {}
    for b, lam in LAMBDA_EFF.items():
        cont = 2.5 * alpha * np.log10(lam / LAMBDA_EFF["i"])
        lam_rest = lam / (1.0 + z)
        # Lyman-alpha forest (effective optical depth at the absorber redshift) and Lyman limit
        z_abs = lam / 1215.67 - 1.0
        tau = np.where(lam_rest < 1215.67, 0.0036 * (1.0 + z_abs) ** 3.46, 0.0)
        tau = tau + np.where(lam_rest < 912.0, 3.0, 0.0)
        off[b] = cont + 1.0857 * tau
    return off


def _stellar_locus(gr: np.ndarray) -> dict[str, np.ndarray]:
    """Approximate SDSS stellar-locus colours as a function of g - r (main sequence)."""
    ug = np.where(gr < 0.45, 0.85 + 1.1 * (gr - 0.25), 1.07 + 1.65 * (gr - 0.45))
    ug = np.minimum(ug, 2.7)
    ri = np.where(gr < 1.2, 0.38 * gr - 0.05, 0.406 + 2.2 * (gr - 1.2))
    iz = 0.53 * ri + 0.02
    zy = 0.35 * iz
    return {"ug": ug, "gr": gr, "ri": ri, "iz": iz, "zy": zy}


def draw_population(rng: np.random.Generator, n: int, quasar_fraction: float) -> pd.DataFrame:
    """Draw the mock population (truth columns).

    Returns
    -------
    pandas.DataFrame
        One row per object: ``mock_id, objectid, ra, dec, cls, subclass, z, M_i, log_mbh,
        mag_{ugrizy}`` (true mean AB), ``tau_obs_{b}`` (days), ``sf_inf_{b}`` and
        ``drw_sigma_{b}`` (mag), ``pmra, pmdec`` (mas/yr), ``parallax`` (mas). Sorted by
        ``objectid`` (the HEALPix-29 index of the true position).
    """
    ra, dec = draw_positions(rng, n)
    is_qso = rng.random(n) < quasar_fraction
    nq, ns = int(is_qso.sum()), int((~is_qso).sum())
    df = pd.DataFrame({"ra": ra, "dec": dec})
    df["cls"] = np.where(is_qso, "Qso", "Star")
    df["subclass"] = np.where(is_qso, "qso_drw", "star_ms")
    for col in ("z", "M_i", "log_mbh", "pmra", "pmdec", "parallax"):
        df[col] = np.nan
    mags = {b: np.full(n, np.nan) for b in BANDS}

    # --- quasars
    zq = _quasar_redshift(rng, nq)
    iq = _counts_mag(rng, nq, 17.0, 22.5, 0.35)
    dm = _COSMO.distmod(zq).value
    kcorr = -2.5 * (1.0 - 0.5) * np.log10(1.0 + zq)
    m_abs = iq - dm - kcorr
    log_mbh = 8.7 - 0.25 * (m_abs + 26.0) + rng.normal(0.0, 0.3, nq)
    qcol = _quasar_colours(zq)
    qi = np.flatnonzero(is_qso)
    df.loc[qi, "z"] = zq
    df.loc[qi, "M_i"] = m_abs
    df.loc[qi, "log_mbh"] = log_mbh
    df.loc[qi[zq >= HIGHZ_QSO_MIN_Z], "cls"] = "highZQso"
    for b in BANDS:
        mags[b][qi] = iq + qcol[b]
    tau = {b: np.full(n, np.nan) for b in BANDS}
    sf = {b: np.full(n, np.nan) for b in BANDS}
    scatter_t = rng.normal(0.0, 0.1, nq)  # per-object scatter, shared by the bands
    scatter_s = rng.normal(0.0, 0.1, nq)
    for b in BANDS:
        t_rf, sfi = macleod_drw(LAMBDA_EFF[b] / (1.0 + zq), m_abs, log_mbh)
        tau[b][qi] = t_rf * 10**scatter_t * (1.0 + zq)
        sf[b][qi] = np.clip(sfi * 10**scatter_s, 0.02, 1.0)

    # --- stars
    si = np.flatnonzero(~is_qso)
    gr = np.clip(rng.gamma(2.5, 0.22, ns) + 0.15, 0.15, 1.6)
    loc = _stellar_locus(gr)
    r_mag = _counts_mag(rng, ns, 14.5, 22.5, 0.25)
    mags["r"][si] = r_mag
    mags["g"][si] = r_mag + loc["gr"]
    mags["u"][si] = mags["g"][si] + loc["ug"]
    mags["i"][si] = r_mag - loc["ri"]
    mags["z"][si] = mags["i"][si] - loc["iz"]
    mags["y"][si] = mags["z"][si] - loc["zy"]
    m_r_abs = 1.0 + 6.0 * gr + rng.normal(0.0, 0.3, ns)  # rough main-sequence relation
    d_pc = 10 ** ((r_mag - m_r_abs + 5.0) / 5.0)
    df.loc[si, "parallax"] = 1000.0 / d_pc
    v = rng.normal(0.0, 40.0, (2, ns))  # km/s per axis
    df.loc[si, "pmra"] = v[0] / (4.74 * d_pc / 1000.0)
    df.loc[si, "pmdec"] = v[1] / (4.74 * d_pc / 1000.0)

    for b in BANDS:
        df[f"mag_{b}"] = mags[b]
    for b in BANDS:
        df[f"tau_obs_{b}"] = tau[b]
        df[f"sf_inf_{b}"] = sf[b]
        df[f"drw_sigma_{b}"] = sf[b] / np.sqrt(2.0)
    df["objectid"] = radec_to_index(df["ra"].to_numpy(), df["dec"].to_numpy())
    df = df.sort_values("objectid", kind="stable").reset_index(drop=True)
    df.insert(0, "mock_id", np.arange(n, dtype=np.int64))
    cols = ["mock_id", "objectid"] + [c for c in df.columns if c not in ("mock_id", "objectid")]
    return df[cols]
