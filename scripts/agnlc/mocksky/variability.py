"""Intrinsic magnitudes of every object at any set of (time, band) requests.

All surveys of one sky partition are evaluated in one call, so the same object shows the same
light curve to every archive: the stochastic processes are simulated on the union of all the
times at which any survey looks at the object.

* Mean magnitude of a band: the object's PSF SED anchors (``psfmag_{u..y,W1,W2}``; light
  curves are PSF photometry, and for point sources these equal the total ``mag_*``) interpolated
  linearly in log wavelength at the band's effective wavelength.
* DRW quasars and variable X-ray AGN: :func:`agnlc.mocksky.processes.drw_ragged` per intrinsic band
  (the anchor band nearest in wavelength), innovations shared by the bands of an object.
* DHO quasars: one CARMA(2,1) realisation (:mod:`agnlc.features.carma`) scaled per band by
  ``sf_inf_b / sf_inf_g``.
* Changing-look quasars: DRW plus a logistic step ``dm_b / (1 + exp(-(t - t_cl) / w))`` with
  ``dm_b = dm_g (4686 / lambda_b)^0.5``.
* RR Lyrae: a Fourier template (ab: sawtooth-like, c: near-sinusoidal) with peak-to-peak
  ``amp_g`` times the band ratio; eclipsing binaries: Gaussian primary and secondary eclipses.

Times are one MJD scale for all archives (the archives' own time standards are applied when
the mirrors are written; the minutes between barycentric and geocentric time are ignored).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agnlc.features import carma
from agnlc.mocksky.population import BANDS, LAMBDA_EFF, RR_AMP_RATIO
from agnlc.mocksky.processes import drw_ragged

__all__ = ["eb_profile", "mean_magnitude", "nearest_anchor", "rr_template", "true_magnitudes"]

_LOG_LAM = np.log10([LAMBDA_EFF[b] for b in BANDS])
_ORDER = np.argsort(_LOG_LAM)


def nearest_anchor(lambda_eff: float) -> str:
    """The intrinsic band whose wavelength is nearest (in log) to ``lambda_eff``."""
    return BANDS[int(np.argmin(np.abs(_LOG_LAM - np.log10(lambda_eff))))]


def mean_magnitude(objects: pd.DataFrame, rows: np.ndarray, lam: np.ndarray, prefix: str = "mag") -> np.ndarray:
    """Mean AB magnitude of objects ``rows`` at wavelengths ``lam`` (log-lambda interpolation)."""
    anchors = np.stack([objects[f"{prefix}_{b}"].to_numpy() for b in BANDS], axis=1)[:, _ORDER]
    x = _LOG_LAM[_ORDER]
    ll = np.log10(lam)
    j = np.clip(np.searchsorted(x, ll) - 1, 0, len(x) - 2)
    w = np.clip((ll - x[j]) / (x[j + 1] - x[j]), 0.0, 1.0)
    a = anchors[rows]
    return a[np.arange(len(rows)), j] * (1 - w) + a[np.arange(len(rows)), j + 1] * w


_RRAB = ((1.0, 0.0), (0.48, 2.4), (0.32, 5.1), (0.20, 1.4), (0.12, 4.0))
_RRC = ((1.0, 0.0), (0.20, 4.8), (0.08, 3.0))


def _template(coeffs: tuple[tuple[float, float], ...], phase: np.ndarray) -> np.ndarray:
    grid = np.linspace(0, 1, 1001)
    f = sum(a * np.cos(2 * np.pi * (k + 1) * grid + p) for k, (a, p) in enumerate(coeffs))
    lo, hi = f.min(), f.max()
    val = sum(a * np.cos(2 * np.pi * (k + 1) * phase + p) for k, (a, p) in enumerate(coeffs))
    return (val - (lo + hi) / 2) / (hi - lo)  # zero-centred, peak-to-peak 1


def rr_template(phase: np.ndarray, is_c: np.ndarray) -> np.ndarray:
    """RR Lyrae magnitude template (peak-to-peak 1, zero-centred) at ``phase`` in [0, 1)."""
    return np.where(is_c, _template(_RRC, phase), _template(_RRAB, phase))


def eb_profile(phase: np.ndarray, d1: np.ndarray, d2: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Eclipse dimming in magnitudes: Gaussian dips of depth d1 at phase 0 and d2 at 0.5."""
    p1 = np.minimum(phase, 1 - phase)
    p2 = np.abs(phase - 0.5)
    return d1 * np.exp(-0.5 * (p1 / width) ** 2) + d2 * np.exp(-0.5 * (p2 / width) ** 2)


def true_magnitudes(
    rng: np.random.Generator, objects: pd.DataFrame, obj: np.ndarray, mjd: np.ndarray, lam: np.ndarray
) -> np.ndarray:
    """Intrinsic AB magnitude for each request ``(obj[k], mjd[k], lam[k])``.

    Parameters
    ----------
    rng
        Generator for the stochastic processes (partition specific).
    objects
        Population rows of the partition.
    obj, mjd, lam
        Object row, time and effective wavelength of every request.
    """
    obj = np.asarray(obj, dtype=np.int64)
    mjd = np.asarray(mjd, dtype=np.float64)
    lam = np.asarray(lam, dtype=np.float64)
    mag = mean_magnitude(objects, obj, lam, prefix="psfmag")
    if len(obj) == 0:
        return mag
    sub = objects["subclass"].to_numpy()[obj]
    ulam, inv = np.unique(lam, return_inverse=True)
    fam = np.array([nearest_anchor(x) for x in ulam])[inv]

    # distinct times per object (stochastic variables only), as one flattened ragged array
    stoch = np.isin(sub, ("qso_drw", "qso_clq", "qso_dho", "agn_xray")) & np.isfinite(
        objects["sf_inf_g"].to_numpy()[obj]
    )
    if stoch.any():
        k = np.flatnonzero(stoch)
        order = np.lexsort((mjd[k], obj[k]))
        so, st = obj[k][order], mjd[k][order]
        new = np.r_[True, (so[1:] != so[:-1]) | (st[1:] != st[:-1])]
        o, t = so[new], st[new]  # distinct (object, time), sorted
        pos = np.empty(len(k), dtype=np.int64)
        pos[order] = np.cumsum(new) - 1
        innov = rng.standard_normal(len(o))
        dho = objects["subclass"].to_numpy()[o] == "qso_dho"
        starts = np.flatnonzero(np.r_[True, o[1:] != o[:-1]])
        ends = np.r_[starts[1:], len(o)]
        delta = np.zeros(len(k))
        for f in np.unique(fam[k]):
            sel = fam[k] == f
            tau = objects[f"tau_obs_{f}"].to_numpy()[o]
            sig = objects[f"drw_sigma_{f}"].to_numpy()[o]
            x = np.zeros(len(o))
            drw_rows = ~dho & np.isfinite(tau)
            if drw_rows.any():
                x[drw_rows] = drw_ragged(o[drw_rows], t[drw_rows], tau[drw_rows], sig[drw_rows], innov[drw_rows])
            if dho.any():
                scale = (objects[f"sf_inf_{f}"].to_numpy() / objects["sf_inf_g"].to_numpy())[o]
                for s0, s1 in zip(starts, ends, strict=True):
                    if not dho[s0]:
                        continue
                    a1, a2, b0, b1 = (objects[c].to_numpy()[o[s0]] for c in ("dho_a1", "dho_a2", "dho_b0", "dho_b1"))
                    x[s0:s1] = scale[s0] * carma.simulate(t[s0:s1], a1, a2, b0, b1, innov[s0:s1])
            delta[sel] = x[pos[sel]]
        mag[k] += delta

    clq = sub == "qso_clq"
    if clq.any():
        o = obj[clq]
        t_cl = objects["clq_t"].to_numpy()[o]
        w = objects["clq_width"].to_numpy()[o]
        dm = objects["clq_dm_g"].to_numpy()[o] * np.sqrt(4686.0 / lam[clq])
        mag[clq] += dm / (1.0 + np.exp(-(mjd[clq] - t_cl) / w))

    rr = np.isin(sub, ("rrab", "rrc"))
    if rr.any():
        o = obj[rr]
        phase = np.mod((mjd[rr] - objects["t0"].to_numpy()[o]) / objects["period"].to_numpy()[o], 1.0)
        ratio = pd.Series(fam[rr]).map(RR_AMP_RATIO).to_numpy()
        mag[rr] += objects["amp_g"].to_numpy()[o] * ratio * rr_template(phase, sub[rr] == "rrc")

    eb = sub == "eb"
    if eb.any():
        o = obj[eb]
        phase = np.mod((mjd[eb] - objects["t0"].to_numpy()[o]) / objects["period"].to_numpy()[o], 1.0)
        mag[eb] += eb_profile(
            phase,
            objects["eb_depth1"].to_numpy()[o],
            objects["eb_depth2"].to_numpy()[o],
            objects["eb_width"].to_numpy()[o],
        )
    return mag
