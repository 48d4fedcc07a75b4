"""Mock-sky population: positions, classes, magnitudes, colours and variability parameters.

Classes (``cls``, as in the Object table) and subclasses:

* ``Qso``/``highZQso`` (z >= 3) — ``qso_drw``: damped random walk per band with MacLeod et al.
  (2010) tau and SF_inf at the band's rest-frame wavelength (0.1 dex intrinsic scatter),
  observed tau = (1 + z) tau_rf, sigma = SF_inf / sqrt(2); ``qso_dho``: a CARMA(2,1) process
  (overdamped, AR timescales 100–600 d and 3–30 d, MA timescale 1–20 d) with the same
  amplitude scaling; ``qso_clq``: a changing-look quasar, a DRW plus a logistic step of the
  mean (0.5–1.5 mag in g, larger in the blue, over 100–500 d) at a random epoch 2001–2020.
  Redshifts DR16Q-like, apparent i from quasar counts (17–22.5), M_i via the distance modulus
  and a power-law K-correction, black-hole masses tied to M_i (0.3 dex scatter); colours from an
  alpha_nu = -0.5 power law with Lyman-alpha forest and Lyman-limit absorption; WISE
  W1 = i - 0.6, W2 = W1 - 0.35 (AB; W1-W2 = 1.0 Vega, AGN-like).
* ``Star`` — ``star_ms`` non-variable main sequence along an approximate stellar locus with
  parallaxes and 40 km/s proper motions; ``rrab``/``rrc`` RR Lyrae (periods 0.45–0.8 / 0.25–0.4 d,
  g amplitudes 0.5–1.2 / 0.3–0.6 mag, band-scaled); ``eb`` eclipsing binaries (periods
  0.3–10 d log-uniform, primary depth 0.1–0.8 mag, secondary 0–70% of it, widths 3–12% of the
  period).
* ``Gal`` — ``galaxy``: extended (model magnitudes 0.3–1.5 mag brighter than PSF), red
  colours, redshift 0.02–0.8 and a photo-z with 0.05 (1+z) scatter and 5% outliers.
* ``Agn`` — ``agn_xray``: X-ray AGN in the XMM-LSS box (extended hosts, i 20–24, redshifts
  0.3–3), 40% with a low-amplitude DRW.

Positions are uniform over the Stripe 82 boxes (X-ray AGN uniform in XMM-LSS). Magnitudes are
AB: ``mag_{u,g,r,i,z,y,W1,W2}`` are the means (model/total), ``psfmag_*`` the PSF ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from astropy.cosmology import FlatLambdaCDM

from agnlc.features import carma
from agnlc.sky.footprint import S82_BOXES, XMMLSS_BOX, box_areas_deg2
from agnlc.sky.healpix import radec_to_index

__all__ = [
    "BANDS",
    "HIGHZ_QSO_MIN_Z",
    "LAMBDA_EFF",
    "Composition",
    "draw_population",
    "draw_positions",
    "macleod_drw",
]

BANDS = ("u", "g", "r", "i", "z", "y", "W1", "W2")
#: effective wavelengths (Angstrom) of the intrinsic bands used for colours and DRW scaling
LAMBDA_EFF = {
    "u": 3551.0,
    "g": 4686.0,
    "r": 6166.0,
    "i": 7480.0,
    "z": 8932.0,
    "y": 9620.0,
    "W1": 33526.0,
    "W2": 46028.0,
}
#: Quasars at or above this redshift are labelled ``highZQso``.
HIGHZ_QSO_MIN_Z = 3.0
#: RR Lyrae amplitude ratios to g (Sesar et al. 2010)
RR_AMP_RATIO = {"u": 1.18, "g": 1.0, "r": 0.76, "i": 0.62, "z": 0.58, "y": 0.55, "W1": 0.3, "W2": 0.3}

_COSMO = FlatLambdaCDM(H0=70.0, Om0=0.3)


@dataclass(frozen=True)
class Composition:
    """Class fractions of the Stripe 82 population (stars take the rest) and special counts."""

    quasar: float = 0.35
    galaxy: float = 0.25
    rrlyrae: float = 0.03
    eclipsing_binary: float = 0.03
    dho_fraction: float = 0.1  # of quasars
    clq_fraction: float = 0.03  # of quasars
    n_xray_agn: int = 30


def draw_positions(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform positions over the Stripe 82 boxes (area weighted), RA in [0, 360)."""
    areas = box_areas_deg2()
    box = rng.choice(len(areas), size=n, p=areas / areas.sum())
    lo = np.array([b[0] for b in S82_BOXES])[box]
    hi = np.array([b[1] for b in S82_BOXES])[box]
    dlo = np.array([b[3] for b in S82_BOXES])[box]
    dhi = np.array([b[4] for b in S82_BOXES])[box]
    eps = 1e-6  # strictly inside the open edges
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
    z = np.exp(rng.normal(np.log(1.6), 0.45, n))  # DR16Q-like peak near 1.6
    tail = rng.random(n) < 0.08
    z[tail] = rng.uniform(2.5, 5.0, tail.sum())
    return np.clip(z, 0.1, 5.0)


def _counts_mag(rng: np.random.Generator, n: int, lo: float, hi: float, slope: float) -> np.ndarray:
    a, b = 10 ** (slope * lo), 10 ** (slope * hi)
    return np.log10(a + (b - a) * rng.random(n)) / slope


def _quasar_offsets(z: np.ndarray) -> dict[str, np.ndarray]:
    """m_b - m_i for a power-law quasar with IGM absorption (optical bands)."""
    off = {}
    for b in ("u", "g", "r", "i", "z", "y"):
        lam = LAMBDA_EFF[b]
        cont = 2.5 * -0.5 * np.log10(lam / LAMBDA_EFF["i"])
        lam_rest = lam / (1.0 + z)
        z_abs = lam / 1215.67 - 1.0
        tau = np.where(lam_rest < 1215.67, 0.0036 * (1.0 + z_abs) ** 3.46, 0.0)
        tau = tau + np.where(lam_rest < 912.0, 3.0, 0.0)
        off[b] = cont + 1.0857 * tau
    return off


def _stellar_locus(gr: np.ndarray) -> dict[str, np.ndarray]:
    """Approximate SDSS stellar-locus colours as a function of g - r (main sequence)."""
    ug = np.minimum(np.where(gr < 0.45, 0.85 + 1.1 * (gr - 0.25), 1.07 + 1.65 * (gr - 0.45)), 2.7)
    ri = np.where(gr < 1.2, 0.38 * gr - 0.05, 0.406 + 2.2 * (gr - 1.2))
    iz = 0.53 * ri + 0.02
    zy = 0.35 * iz
    return {"ug": ug, "gr": gr, "ri": ri, "iz": iz, "zy": zy}


def _new_frame(n: int) -> dict[str, np.ndarray]:
    cols: dict[str, np.ndarray] = {}
    for c in (
        "z",
        "photoz",
        "M_i",
        "log_mbh",
        "pmra",
        "pmdec",
        "parallax",
        "period",
        "t0",
        "amp_g",
        "eb_depth1",
        "eb_depth2",
        "eb_width",
        "dho_a1",
        "dho_a2",
        "dho_b0",
        "dho_b1",
        "clq_t",
        "clq_dm_g",
        "clq_width",
        "xray_flux",
    ):
        cols[c] = np.full(n, np.nan)
    for b in BANDS:
        cols[f"mag_{b}"] = np.full(n, np.nan)
        cols[f"ext_{b}"] = np.zeros(n)  # psfmag - mag (>= 0; > 0 for extended sources)
        cols[f"tau_obs_{b}"] = np.full(n, np.nan)
        cols[f"sf_inf_{b}"] = np.full(n, np.nan)
    return cols


def draw_population(rng: np.random.Generator, n: int, comp: Composition = Composition()) -> pd.DataFrame:
    """Draw the mock population (the truth columns; see the module docstring).

    Returns
    -------
    pandas.DataFrame
        One row per object, sorted by ``objectid`` (the HEALPix-29 index of the true
        position), with ``mock_id`` 0..N-1 in that order.
    """
    n_x = int(comp.n_xray_agn)
    ra, dec = draw_positions(rng, n)
    lo, hi, dlo, dhi = XMMLSS_BOX
    ra = np.concatenate([ra, rng.uniform(lo, hi, n_x)])
    dec = np.concatenate(
        [dec, np.degrees(np.arcsin(rng.uniform(np.sin(np.radians(dlo)), np.sin(np.radians(dhi)), n_x)))]
    )
    ntot = n + n_x
    u = rng.random(n)
    edges = np.cumsum([comp.quasar, comp.galaxy, comp.rrlyrae, comp.eclipsing_binary])
    kind = np.searchsorted(edges, u, side="right")  # 0 qso, 1 gal, 2 rr, 3 eb, 4 star
    kind = np.concatenate([kind, np.full(n_x, 5)])  # 5 x-ray AGN
    cols = _new_frame(ntot)
    cls = np.full(ntot, "Star", dtype=object)
    sub = np.full(ntot, "star_ms", dtype=object)

    # ---------------- quasars
    qi = np.flatnonzero(kind == 0)
    nq = len(qi)
    zq = _quasar_redshift(rng, nq)
    iq = _counts_mag(rng, nq, 17.0, 22.5, 0.35)
    m_abs = iq - _COSMO.distmod(zq).value + 1.25 * np.log10(1.0 + zq)
    log_mbh = 8.7 - 0.25 * (m_abs + 26.0) + rng.normal(0.0, 0.3, nq)
    off = _quasar_offsets(zq)
    for b in ("u", "g", "r", "i", "z", "y"):
        cols[f"mag_{b}"][qi] = iq + off[b]
    cols["mag_W1"][qi] = iq - 0.6
    cols["mag_W2"][qi] = iq - 0.95
    cols["z"][qi], cols["M_i"][qi], cols["log_mbh"][qi] = zq, m_abs, log_mbh
    cols["photoz"][qi] = zq + rng.normal(0, 0.2 * (1 + zq), nq)
    cls[qi] = np.where(zq >= HIGHZ_QSO_MIN_Z, "highZQso", "Qso")
    st, ss = rng.normal(0.0, 0.1, nq), rng.normal(0.0, 0.1, nq)
    for b in BANDS:
        t_rf, sfi = macleod_drw(LAMBDA_EFF[b] / (1.0 + zq), m_abs, log_mbh)
        cols[f"tau_obs_{b}"][qi] = t_rf * 10**st * (1.0 + zq)
        cols[f"sf_inf_{b}"][qi] = np.clip(sfi * 10**ss, 0.02, 1.0)
    sub_q = np.full(nq, "qso_drw", dtype=object)
    r = rng.random(nq)
    sub_q[r < comp.dho_fraction] = "qso_dho"
    sub_q[(r >= comp.dho_fraction) & (r < comp.dho_fraction + comp.clq_fraction)] = "qso_clq"
    sub[qi] = sub_q
    # DHO parameters (g band): overdamped CARMA(2,1) with the DRW's g-band sigma
    for j in np.flatnonzero(sub_q == "qso_dho"):
        k = qi[j]
        sigma_g = cols["sf_inf_g"][k] / np.sqrt(2.0)
        a1, a2, b0, b1 = carma.from_timescales(rng.uniform(100, 600), rng.uniform(3, 30), rng.uniform(1, 20), sigma_g)
        cols["dho_a1"][k], cols["dho_a2"][k], cols["dho_b0"][k], cols["dho_b1"][k] = a1, a2, b0, b1
    for b in BANDS:  # a DHO has no single DRW timescale; sf_inf keeps the per-band amplitude
        cols[f"tau_obs_{b}"][qi[sub_q == "qso_dho"]] = np.nan
    clq = qi[sub_q == "qso_clq"]
    cols["clq_t"][clq] = rng.uniform(51900, 59000, len(clq))
    cols["clq_dm_g"][clq] = rng.choice([-1.0, 1.0], len(clq)) * rng.uniform(0.5, 1.5, len(clq))
    cols["clq_width"][clq] = rng.uniform(100, 500, len(clq))

    # ---------------- galaxies
    gi = np.flatnonzero(kind == 1)
    ng = len(gi)
    zg = np.clip(rng.gamma(3.0, 0.1, ng), 0.02, 0.8)
    rg = _counts_mag(rng, ng, 16.0, 22.5, 0.4)
    gcol = {
        "u": 1.6 + 1.0 * zg,
        "g": 0.75 + 1.2 * zg,
        "r": 0.0,
        "i": -0.4 - 0.3 * zg,
        "z": -0.7 - 0.4 * zg,
        "y": -0.85 - 0.45 * zg,
        "W1": -0.9,
        "W2": -0.5,
    }
    for b in BANDS:
        cols[f"mag_{b}"][gi] = rg + gcol[b] + rng.normal(0, 0.05, ng)
    extent = rng.uniform(0.3, 1.5, ng)
    for b in BANDS:
        cols[f"ext_{b}"][gi] = extent
    cols["z"][gi] = zg
    pz = zg + rng.normal(0.0, 0.05 * (1 + zg), ng)
    out = rng.random(ng) < 0.05
    pz[out] = rng.uniform(0.0, 1.0, out.sum())
    cols["photoz"][gi] = np.clip(pz, 0.0, None)
    cls[gi], sub[gi] = "Gal", "galaxy"

    # ---------------- stars (main sequence, RR Lyrae, eclipsing binaries)
    si = np.flatnonzero(np.isin(kind, (2, 3, 4)))
    ns = len(si)
    gr = np.clip(rng.gamma(2.5, 0.22, ns) + 0.15, 0.15, 1.6)
    rr = kind[si] == 2
    gr[rr] = rng.uniform(0.05, 0.3, rr.sum())
    loc = _stellar_locus(gr)
    loc["ug"][rr] = rng.uniform(1.05, 1.3, rr.sum())
    r_mag = _counts_mag(rng, ns, 14.5, 22.5, 0.25)
    r_mag[rr] = rng.uniform(14.5, 21.0, rr.sum())
    cols["mag_r"][si] = r_mag
    cols["mag_g"][si] = r_mag + loc["gr"]
    cols["mag_u"][si] = cols["mag_g"][si] + loc["ug"]
    cols["mag_i"][si] = r_mag - loc["ri"]
    cols["mag_z"][si] = cols["mag_i"][si] - loc["iz"]
    cols["mag_y"][si] = cols["mag_z"][si] - loc["zy"]
    cols["mag_W1"][si] = cols["mag_z"][si] + 1.2 - 0.8 * gr
    cols["mag_W2"][si] = cols["mag_W1"][si] + 0.64
    m_r_abs = np.where(rr, 0.6, 1.0 + 6.0 * gr + rng.normal(0.0, 0.3, ns))
    d_pc = 10 ** ((r_mag - m_r_abs + 5.0) / 5.0)
    cols["parallax"][si] = 1000.0 / d_pc
    v = rng.normal(0.0, 40.0, (2, ns))
    v[:, rr] *= 3.0  # halo kinematics
    cols["pmra"][si] = v[0] / (4.74 * d_pc / 1000.0)
    cols["pmdec"][si] = v[1] / (4.74 * d_pc / 1000.0)
    # RR Lyrae
    ri_ = si[rr]
    is_c = rng.random(len(ri_)) < 0.25
    sub[ri_] = np.where(is_c, "rrc", "rrab")
    cols["period"][ri_] = np.where(is_c, rng.uniform(0.25, 0.4, len(ri_)), rng.uniform(0.45, 0.8, len(ri_)))
    cols["amp_g"][ri_] = np.where(is_c, rng.uniform(0.3, 0.6, len(ri_)), rng.uniform(0.5, 1.2, len(ri_)))
    cols["t0"][ri_] = rng.uniform(50000, 50001, len(ri_))
    # eclipsing binaries
    ei = si[kind[si] == 3]
    sub[ei] = "eb"
    cols["period"][ei] = 10 ** rng.uniform(np.log10(0.3), 1.0, len(ei))
    cols["eb_depth1"][ei] = rng.uniform(0.1, 0.8, len(ei))
    cols["eb_depth2"][ei] = cols["eb_depth1"][ei] * rng.uniform(0.0, 0.7, len(ei))
    cols["eb_width"][ei] = rng.uniform(0.03, 0.12, len(ei))
    cols["t0"][ei] = rng.uniform(50000, 50010, len(ei))

    # ---------------- X-ray AGN in XMM-LSS
    xi = np.flatnonzero(kind == 5)
    zx = rng.uniform(0.3, 3.0, n_x)
    ix = rng.uniform(20.0, 24.0, n_x)
    xcol = {"u": 1.2, "g": 0.7, "r": 0.3, "i": 0.0, "z": -0.2, "y": -0.3, "W1": -1.0, "W2": -1.3}
    for b in BANDS:
        cols[f"mag_{b}"][xi] = ix + xcol[b] + rng.normal(0, 0.1, n_x)
        cols[f"ext_{b}"][xi] = rng.uniform(0.1, 0.8, n_x)
    cols["z"][xi] = zx
    cols["photoz"][xi] = zx + rng.normal(0, 0.05 * (1 + zx), n_x)
    cols["xray_flux"][xi] = 10 ** rng.uniform(-15, -13, n_x)  # erg/s/cm2, 0.5-10 keV
    cls[xi], sub[xi] = "Agn", "agn_xray"
    var_x = xi[rng.random(n_x) < 0.4]
    m_abs_x = ix[np.isin(xi, var_x)] - _COSMO.distmod(zx[np.isin(xi, var_x)]).value
    for b in BANDS:
        t_rf, sfi = macleod_drw(LAMBDA_EFF[b] / (1.0 + cols["z"][var_x]), m_abs_x, np.full(len(var_x), 8.0))
        cols[f"tau_obs_{b}"][var_x] = t_rf * (1.0 + cols["z"][var_x])
        cols[f"sf_inf_{b}"][var_x] = np.clip(0.5 * sfi, 0.02, 1.0)

    for b in BANDS:
        cols[f"drw_sigma_{b}"] = cols[f"sf_inf_{b}"] / np.sqrt(2.0)
        cols[f"psfmag_{b}"] = cols[f"mag_{b}"] + cols[f"ext_{b}"]
    for c in ("pmra", "pmdec", "parallax"):
        extragal = np.isin(kind, (0, 1, 5))
        cols[c][extragal] = 0.0
    df = pd.DataFrame({"ra": ra, "dec": dec, "cls": cls.astype(str), "subclass": sub.astype(str), **cols})
    df["is_extended"] = df["ext_r"] > 0
    df["objectid"] = radec_to_index(df["ra"].to_numpy(), df["dec"].to_numpy())
    df = df.sort_values("objectid", kind="stable").reset_index(drop=True)
    df.insert(0, "mock_id", np.arange(ntot, dtype=np.int64))
    lead = ["mock_id", "objectid", "ra", "dec", "cls", "subclass"]
    return df[lead + [c for c in df.columns if c not in lead]]
