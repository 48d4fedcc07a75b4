"""Gaussian-process light-curve models with celerite2: DRW and DHO maximum-likelihood fits and
the Butler & Bloom (2011) style quasar χ² statistics.

Damped random walk (DRW, CAR(1)): covariance ``k(Δt) = σ² exp(-|Δt|/τ)``, so the structure
function at long lags is ``SF∞ = sqrt(2) σ`` (MacLeod et al. 2010 quote SF∞; the Object table's
``lcNonPeriodic[27]`` is σ, not SF∞). Damped harmonic oscillator (DHO, CARMA(2,1)):
``y'' + a1 y' + a2 y = b0 ε + b1 ε'`` (EzTao's parametrisation), covariance from
:mod:`agnlc.carma`. All fits are maximum likelihood with a free mean, in log parameters, by
L-BFGS-B from several starts; each fit returns a quality flag instead of silently keeping a
bad fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import celerite2
import numpy as np
from celerite2 import terms
from numpy.typing import NDArray
from scipy.optimize import minimize

from agnlc import carma
from agnlc.featuredefs import FLAG_AT_BOUND, FLAG_NOT_CONVERGED, FLAG_SHORT_BASELINE

__all__ = [
    "FLAG_AT_BOUND",
    "FLAG_NOT_CONVERGED",
    "FLAG_SHORT_BASELINE",
    "QSO_LOG10_TAU",
    "QSO_SF_INF",
    "FitResult",
    "fit_dho",
    "fit_drw",
    "qso_chi2",
]


#: Fixed quasar DRW of the χ²_QSO statistic: log10(τ/d) and SF∞ (mag), typical S82 quasar values
#: (MacLeod et al. 2010, observed frame).
QSO_LOG10_TAU = 2.6
QSO_SF_INF = 0.2

_DRW_BOUNDS = np.log([[1e-3, 5.0], [1.0, 1e5]])  # σ (mag), τ (d)
_DHO_BOUNDS = np.log([[1e-5, 10.0], [1e-8, 10.0], [1e-7, 10.0], [1e-6, 1e3]])  # a1, a2, b0, b1


@dataclass(frozen=True)
class FitResult:
    """Parameters (linear, not log), the maximised log-likelihood, and the quality flag bits."""

    params: NDArray[np.float64]
    log_likelihood: float
    flags: int


def _gp_loglike(kernel: terms.Term, t: NDArray, y: NDArray, yerr: NDArray, mean: float) -> float:
    gp = celerite2.GaussianProcess(kernel, mean=mean)
    try:
        gp.compute(t, yerr=yerr, quiet=True)
    except Exception:
        return -np.inf
    ll = gp.log_likelihood(y)
    return float(ll) if np.isfinite(ll) else -np.inf


def _best_of(
    nll, starts: list[NDArray[np.float64]], bounds: NDArray[np.float64]
) -> tuple[NDArray[np.float64], float, bool]:
    best = None
    for x0 in starts:
        x0 = np.clip(x0, bounds[:, 0] + 1e-6, bounds[:, 1] - 1e-6)
        res = minimize(
            nll, x0, method="L-BFGS-B", bounds=[tuple(b) for b in bounds], options={"maxiter": 300, "ftol": 1e-8}
        )
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    return best.x, float(best.fun), bool(best.success)


def _flags(x: NDArray, bounds: NDArray, converged: bool, finite: bool) -> int:
    flags = 0 if (converged and finite) else FLAG_NOT_CONVERGED
    at = (np.abs(x - bounds[:, 0]) < 0.01) | (np.abs(x - bounds[:, 1]) < 0.01)
    return flags | (FLAG_AT_BOUND if at.any() else 0)


def _prepare(t: NDArray, y: NDArray, yerr: NDArray) -> tuple[NDArray, NDArray, NDArray, float, float, float]:
    """float64 arrays, the weighted mean, the standard deviation (>= 2 mmag) and the baseline."""
    t, y, yerr = (np.asarray(a, dtype=np.float64) for a in (t, y, yerr))
    mu = float(np.average(y, weights=1.0 / yerr**2))
    return t, y, yerr, mu, max(float(np.std(y)), 2e-3), float(t[-1] - t[0])


def fit_drw(t: NDArray[np.float64], y: NDArray[np.float64], yerr: NDArray[np.float64]) -> FitResult:
    """Maximum-likelihood DRW: ``params = (σ [mag], τ [d], mean [mag])``.

    Starts from τ = baseline/10 with σ = the sample standard deviation, and again from τ = 30 d
    if that fit ends at a bound or does not converge; flags
    ``FLAG_SHORT_BASELINE`` when the baseline is shorter than 10 τ.
    """
    t, y, yerr, mu, sd, baseline = _prepare(t, y, yerr)
    bounds = np.vstack([_DRW_BOUNDS, [[mu - 5.0, mu + 5.0]]])

    def nll(p: NDArray) -> float:
        ll = _gp_loglike(terms.RealTerm(a=np.exp(2 * p[0]), c=np.exp(-p[1])), t, y, yerr, p[2])
        return -ll if np.isfinite(ll) else 1e25

    x, fun, ok = _best_of(nll, [np.array([np.log(sd), np.log(max(baseline / 10, 2.0)), mu])], bounds)
    flags = _flags(x[:2], bounds[:2], ok, fun < 1e24)
    if flags:
        x2, fun2, ok2 = _best_of(nll, [np.array([np.log(sd), np.log(30.0), mu])], bounds)
        if fun2 < fun:
            x, fun, ok = x2, fun2, ok2
            flags = _flags(x[:2], bounds[:2], ok, fun < 1e24)
    sigma, tau = float(np.exp(x[0])), float(np.exp(x[1]))
    if baseline < 10 * tau:
        flags |= FLAG_SHORT_BASELINE
    return FitResult(np.array([sigma, tau, x[2]]), -fun, flags)


def fit_dho(t: NDArray[np.float64], y: NDArray[np.float64], yerr: NDArray[np.float64]) -> FitResult:
    """Maximum-likelihood DHO / CARMA(2,1): ``params = (a1, a2, b0, b1, mean)``.

    Start: an overdamped DHO with the DRW-like long timescale baseline/10 and a 10-d short
    timescale, scaled to the sample variance.
    """
    t, y, yerr, mu, sd, baseline = _prepare(t, y, yerr)
    bounds = np.vstack([_DHO_BOUNDS, [[mu - 5.0, mu + 5.0]]])

    def nll(p: NDArray) -> float:
        a1, a2, b0, b1 = np.exp(p[:4])
        try:
            kern = carma.kernel(a1, a2, b0, b1)
        except (ZeroDivisionError, FloatingPointError, ValueError):
            return 1e25
        ll = _gp_loglike(kern, t, y, yerr, p[4])
        return -ll if np.isfinite(ll) else 1e25

    starts = []
    for tau_short in (10.0,):
        a1, a2, b0, b1 = carma.from_timescales(max(baseline / 10, 20.0), tau_short, 1.0, sd)
        starts.append(np.array([*np.log([a1, a2, b0, b1]), mu]))
    with np.errstate(all="ignore"):
        x, fun, ok = _best_of(nll, starts, bounds)
    flags = _flags(x[:4], bounds[:4], ok, fun < 1e24)
    return FitResult(np.r_[np.exp(x[:4]), x[4]], -fun, flags)


def qso_chi2(t: NDArray[np.float64], y: NDArray[np.float64], yerr: NDArray[np.float64]) -> tuple[float, float]:
    """``(log10 χ²_QSO/ν, log10 χ²_nonQSO/ν)`` in the style of Butler & Bloom (2011).

    χ²_QSO uses the covariance ``diag(σ_i²) + K_DRW`` with the fixed quasar DRW
    (``QSO_LOG10_TAU``, ``QSO_SF_INF``); χ²_nonQSO uses ``diag(σ_i² + σ_DRW²)``, the same
    variance without correlation. Both about the generalised-least-squares mean, ν = n − 1.
    A quasar has χ²_QSO/ν ≈ 1 and χ²_nonQSO/ν > 1.
    """
    t, y, yerr = (np.asarray(a, dtype=np.float64) for a in (t, y, yerr))
    var = QSO_SF_INF**2 / 2.0
    gp = celerite2.GaussianProcess(terms.RealTerm(a=var, c=10.0**-QSO_LOG10_TAU), mean=0.0)
    gp.compute(t, yerr=yerr, quiet=True)
    ones = np.ones_like(y)
    ci_y, ci_1 = gp.apply_inverse(y), gp.apply_inverse(ones)
    mu = float(ones @ ci_y / (ones @ ci_1))
    r = y - mu
    chi_qso = float(r @ gp.apply_inverse(r))
    w = 1.0 / (yerr**2 + var)
    mu2 = float(np.sum(w * y) / np.sum(w))
    chi_non = float(np.sum(w * (y - mu2) ** 2))
    nu = max(len(y) - 1, 1)
    return float(np.log10(chi_qso / nu)), float(np.log10(chi_non / nu))
