"""Gaussian-process light-curve models with celerite2: DRW and DHO maximum-likelihood fits (the
Butler & Bloom (2011) quasar statistics are :mod:`agnlc.features.qsofit`).

Damped random walk (DRW, CAR(1)): covariance ``k(Δt) = σ² exp(-|Δt|/τ)``, so the structure
function at long lags is ``SF∞ = sqrt(2) σ`` (MacLeod et al. 2010 quote SF∞; the Object table's
``lcNonPeriodic[27]`` is the driving amplitude β₀ = σ sqrt(2/τ) of CAR(1), as the AGN Data
Challenge's EzTao fits report it; σ itself is ``drwSigmaRms_<b>``). Damped harmonic oscillator (DHO, CARMA(2,1)):
``y'' + a1 y' + a2 y = b0 ε + b1 ε'`` (EzTao's parametrisation), covariance from
:mod:`agnlc.features.carma`. All fits are maximum likelihood with a free mean, in log parameters, by
L-BFGS-B from several starts; each fit returns a quality flag instead of silently keeping a
bad fit.

The likelihood is celerite2's O(n) factorisation called through its compiled ``driver``
(``GaussianProcess.compute`` costs ~4x more in Python checks for light curves of ~60 epochs),
with the mean profiled out: for fixed kernel parameters the maximum-likelihood mean is the
generalised-least-squares mean ``1ᵀK⁻¹y / 1ᵀK⁻¹1``, so the optimiser searches one dimension
fewer and reaches the same maximum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from celerite2 import driver
from numpy.typing import NDArray
from scipy.optimize import minimize

from agnlc.features import carma
from agnlc.features.definitions import FLAG_AT_BOUND, FLAG_BELOW_CADENCE, FLAG_NOT_CONVERGED, FLAG_SHORT_BASELINE

__all__ = [
    "FLAG_AT_BOUND",
    "FLAG_BELOW_CADENCE",
    "FLAG_NOT_CONVERGED",
    "FLAG_SHORT_BASELINE",
    "FitResult",
    "fit_dho",
    "fit_drw",
]


# σ (mag), τ (d): ln τ in [-4, 10] as EzTao bounds it (the challenge table's τ spans exactly e^-4..e^10)
_DRW_BOUNDS = np.array([np.log([1e-3, 5.0]), [-4.0, 10.0]])
# ln a1, ln a2, ln b0, ln b1: EzTao's dho_fit defaults, b in units of the normalised series
# (the challenge table's a1, a2 span exactly e^-15..e^15)
_DHO_BOUNDS = np.array([[-15.0, 15.0], [-15.0, 15.0], [-23.0, 7.0], [-23.0, 7.0]])


@dataclass(frozen=True)
class FitResult:
    """Parameters (linear, not log), the maximised log-likelihood, and the quality flag bits."""

    params: NDArray[np.float64]
    log_likelihood: float
    flags: int


_EMPTY = np.zeros(0)


def _profiled(t: NDArray, diag: NDArray, y: NDArray):
    """``coeffs -> (-log L, mean)`` at the GLS mean for the celerite kernel with coefficients
    ``coeffs`` (``ar, cr, ac, bc, cc, dc`` as in ``Term.get_coefficients``) plus ``diag(diag)``;
    ``(inf, nan)`` when the covariance is not positive definite. Buffers are reused between calls."""
    n = len(t)
    rhs = np.column_stack([y, np.ones(n)])
    const = n * np.log(2 * np.pi)
    a = np.empty(n)
    z = np.empty((n, 2))
    bufs: dict[int, tuple[NDArray, NDArray, NDArray]] = {}

    def nll(coeffs: tuple[NDArray, ...]) -> tuple[float, float]:
        ar, cr, ac, bc, cc, dc = coeffs
        c = np.concatenate((cr, cc, cc)) if len(ac) else cr
        j = len(c)
        if j not in bufs:
            bufs[j] = (np.empty((n, j)), np.empty((n, j)), np.empty((n, j)))
        u, v, w = bufs[j]
        driver.get_celerite_matrices(ar, ac, bc, dc, t, diag, a, u, v)
        try:  # in place: d overwrites a, the factor W its own buffer (checked: the driver returns them)
            d, w = driver.factor(t, c, a, u, v, a, w)
        except (driver.LinAlgError, np.linalg.LinAlgError):  # not positive definite
            return np.inf, np.nan
        if not d.min() > 0:
            return np.inf, np.nan
        driver.solve_lower(t, c, u, w, rhs, z)  # reads rhs, writes z
        q = (z.T / d) @ z
        mean = q[0, 1] / q[1, 1]
        val = 0.5 * (q[0, 0] - q[0, 1] * mean + np.log(d).sum() + const)
        return (float(val), float(mean)) if np.isfinite(val) else (np.inf, np.nan)

    return nll


def _fun_and_grad(nll, bounds: NDArray[np.float64]):
    """``x -> (f, ∇f)`` by forward differences (backward at an upper bound), steps as scipy's
    default ``sqrt(eps) max(1, |x|)``; scipy's own finite differencing costs more than the
    likelihood for light curves of ~60 epochs."""
    eps = np.sqrt(np.finfo(float).eps)

    def fg(x: NDArray) -> tuple[float, NDArray]:
        f0 = nll(x)
        g = np.empty(len(x))
        for i in range(len(x)):
            h = eps * max(1.0, abs(x[i]))
            if x[i] + h > bounds[i, 1]:
                h = -h
            xi = x.copy()
            xi[i] += h
            g[i] = (nll(xi) - f0) / h
        return f0, g

    return fg


def _best_of(
    nll, starts: list[NDArray[np.float64]], bounds: NDArray[np.float64]
) -> tuple[NDArray[np.float64], float, bool]:
    best = None
    fg = _fun_and_grad(nll, bounds)
    for x0 in starts:
        x0 = np.clip(x0, bounds[:, 0] + 1e-6, bounds[:, 1] - 1e-6)
        res = minimize(
            fg,
            x0,
            jac=True,
            method="L-BFGS-B",
            bounds=[tuple(b) for b in bounds],
            options={"maxiter": 300, "ftol": 1e-8},
        )
        if not res.success and "ABNORMAL" in str(res.message):
            # the line search stalls on the finite-difference gradient near a maximum: one restart
            # from where it stopped tells a stall (it converges there) from a real failure
            again = minimize(
                fg,
                res.x,
                jac=True,
                method="L-BFGS-B",
                bounds=[tuple(b) for b in bounds],
                options={"maxiter": 300, "ftol": 1e-8},
            )
            if again.fun <= res.fun + 1e-9:
                stalled = again.fun >= res.fun - 1e-9 and np.max(np.abs(again.jac)) < 1e-3 * max(1.0, abs(again.fun))
                res = again
                res.success = bool(res.success or stalled)  # no descent direction left: a maximum
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    return best.x, float(best.fun), bool(best.success)


def _flags(x: NDArray, bounds: NDArray, converged: bool, finite: bool) -> int:
    flags = 0 if (converged and finite) else FLAG_NOT_CONVERGED
    at = (np.abs(x - bounds[:, 0]) < 0.01) | (np.abs(x - bounds[:, 1]) < 0.01)
    return flags | (FLAG_AT_BOUND if at.any() else 0)


def _prepare(t: NDArray, y: NDArray, yerr: NDArray) -> tuple[NDArray, NDArray, NDArray, float, float]:
    """float64 arrays, the standard deviation (>= 2 mmag) and the baseline (the mean is profiled out)."""
    t, y, yerr = (np.asarray(a, dtype=np.float64) for a in (t, y, yerr))
    return t, y, yerr, max(float(np.std(y)), 2e-3), float(t[-1] - t[0])


def fit_drw(t: NDArray[np.float64], y: NDArray[np.float64], yerr: NDArray[np.float64]) -> FitResult:
    """Maximum-likelihood DRW: ``params = (σ [mag], τ [d], mean [mag])``.

    L-BFGS-B starts from the best point of a coarse grid (σ = 0.1, 0.3, 1, 2 × the sample
    standard deviation; τ = 8 log-spaced values from 2 d to twice the baseline). When the
    maximum found lies outside the grid's span (or below its second τ), the grid did not bracket
    it, and a second start (σ = the standard deviation, τ = baseline/10) runs too, the better
    kept: the profiled likelihood has a flat white-noise plateau at small τ where a single local
    start can stall short of the bound. Against always starting twice (400 DRW and 200
    white-noise light curves): the same maxima (log L within 0.01) at about 70 % of the cost.
    Flags ``FLAG_SHORT_BASELINE`` when the baseline is shorter than 10 τ and
    ``FLAG_BELOW_CADENCE`` when τ is below the median spacing of the epochs (with ln τ down to -4,
    a white-noise-like light curve can fit τ of hours that its sampling cannot resolve). The mean
    is profiled out.
    """
    t, y, yerr, sd, baseline = _prepare(t, y, yerr)
    profiled = _profiled(t, yerr**2, y)
    bounds = _DRW_BOUNDS

    def coeffs(p: NDArray) -> tuple[NDArray, ...]:
        return (np.exp(2 * p[:1]), np.exp(-p[1:2]), _EMPTY, _EMPTY, _EMPTY, _EMPTY)

    def nll(p: NDArray) -> float:
        return min(profiled(coeffs(p))[0], 1e25)

    sigmas = np.log(sd * np.array([0.1, 0.3, 1.0, 2.0]))
    taus = np.log(np.geomspace(2.0, max(2 * baseline, 10.0), 8))
    grid = np.stack(np.meshgrid(sigmas, taus), axis=-1).reshape(-1, 2)
    grid = np.clip(grid, bounds[:, 0] + 1e-6, bounds[:, 1] - 1e-6)
    x, fun, ok = _best_of(nll, [grid[int(np.argmin([nll(p) for p in grid]))]], bounds)
    inner = (sigmas[0] < x[0] < sigmas[-1]) and (taus[1] < x[1] < taus[-1])
    if not inner:  # the grid does not bracket the maximum (white-noise-like or barely sampled curves)
        x2, fun2, ok2 = _best_of(nll, [np.array([np.log(sd), np.log(max(baseline / 10, 2.0))])], bounds)
        if fun2 < fun:
            x, fun, ok = x2, fun2, ok2
    flags = _flags(x, bounds, ok, fun < 1e24)
    sigma, tau = float(np.exp(x[0])), float(np.exp(x[1]))
    mean = profiled(coeffs(x))[1]
    if baseline < 10 * tau:
        flags |= FLAG_SHORT_BASELINE
    if len(t) > 1 and tau < float(np.median(np.diff(t))):
        flags |= FLAG_BELOW_CADENCE
    return FitResult(np.array([sigma, tau, mean]), -fun, flags)


def _dho_coeffs(p: NDArray) -> tuple[NDArray, ...] | None:
    a1, a2, b0, b1 = np.exp(p[:4])
    try:
        coeffs = carma.celerite_coefficients(a1, a2, b0, b1)
    except (ZeroDivisionError, FloatingPointError, ValueError):
        return None
    return coeffs if np.isfinite(np.concatenate(coeffs)).all() else None


def fit_dho(t: NDArray[np.float64], y: NDArray[np.float64], yerr: NDArray[np.float64]) -> FitResult:
    """Maximum-likelihood DHO / CARMA(2,1): ``params = (a1, a2, b0, b1, mean)``, b and the mean
    in the units of ``y``.

    As EzTao's ``dho_fit`` (the challenge's tool): the series is normalised by its median and
    1.4826 × its median absolute deviation, bounded to ln a1, ln a2 ∈ [-15, 15] and
    ln b0, ln b1 ∈ [-23, 7] there, and b is scaled back. One difference: the mean is fitted
    (profiled), where EzTao fixes it at the median. Starts: an overdamped DHO with the DRW-like
    long timescale baseline/10 and a 10-d short timescale at unit variance, and, when that
    maximum ends at a bound, a second with a 100-d short timescale; the better is kept.
    """
    t, y, yerr, _, baseline = _prepare(t, y, yerr)
    centre = float(np.median(y))
    scale = 1.4826 * float(np.median(np.abs(y - centre)))
    if not scale > 0:
        scale = max(float(np.std(y)), 1e-12 * max(abs(centre), 1.0))
    yn, en = (y - centre) / scale, yerr / scale
    profiled = _profiled(t, en**2, yn)
    bounds = _DHO_BOUNDS

    def nll(p: NDArray) -> float:
        coeffs = _dho_coeffs(p)
        return 1e25 if coeffs is None else min(profiled(coeffs)[0], 1e25)

    long = max(baseline / 10, 20.0)
    with np.errstate(all="ignore"):
        x, fun, ok = _best_of(nll, [np.log(carma.from_timescales(long, 10.0, 1.0, 1.0))], bounds)
        if _flags(x, bounds, ok, True):
            x2, fun2, ok2 = _best_of(nll, [np.log(carma.from_timescales(long, 100.0, 1.0, 1.0))], bounds)
            if fun2 < fun:
                x, fun, ok = x2, fun2, ok2
        coeffs = _dho_coeffs(x)
    flags = _flags(x, bounds, ok, fun < 1e24)
    mean = np.nan if coeffs is None else centre + scale * profiled(coeffs)[1]
    a1, a2, b0, b1 = np.exp(x)
    # the likelihood of the data in their own units: the normalised one less n ln(scale)
    return FitResult(np.array([a1, a2, b0 * scale, b1 * scale, mean]), -fun - len(y) * np.log(scale), flags)
