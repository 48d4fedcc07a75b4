"""CARMA(2,1) ("damped harmonic oscillator", DHO) autocovariance and exact simulation.

Model: ``y'' + a1 y' + a2 y = b0 e + b1 e'`` driven by unit white noise ``e`` (the
parametrisation of EzTao, Yu et al. 2022, which the lcPeriodic features 0-3 report). With AR
roots ``r_k`` of ``z^2 + a1 z + a2`` (negative real parts) and ``b(z) = b0 + b1 z`` the
autocovariance is (Kelly et al. 2014, eq. 4)::

    R(tau) = sum_k  b(r_k) b(-r_k) / (-2 Re(r_k) prod_{l != k} (r_l - r_k)(conj(r_l) + r_k))  exp(r_k |tau|)

which equals the Fourier transform of the power spectrum ``|b(i w)|^2 / |a(i w)|^2 / (2 pi)``
(checked numerically in the tests). Simulation uses celerite2 terms built from these
coefficients and the exact lower-triangular factor (``GaussianProcess.dot_tril``) applied to
seeded standard normals.
"""

from __future__ import annotations

import cmath

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "acf_coefficients",
    "autocovariance",
    "celerite_coefficients",
    "from_timescales",
    "kernel",
    "roots",
    "simulate",
    "variance",
]


def _roots(a1: float, a2: float) -> tuple[complex, complex]:
    disc = cmath.sqrt(a1 * a1 - 4.0 * a2)
    return (-a1 + disc) / 2.0, (-a1 - disc) / 2.0


def roots(a1: float, a2: float) -> NDArray[np.complex128]:
    """AR roots of ``z^2 + a1 z + a2`` (both with negative real part for a1, a2 > 0)."""
    return np.array(_roots(float(a1), float(a2)), dtype=np.complex128)


def _acf(a1: float, a2: float, b0: float, b1: float) -> tuple[tuple[complex, complex], tuple[complex, complex]]:
    """Scalar form of :func:`acf_coefficients` (called once per likelihood evaluation)."""
    r0, r1 = _roots(a1, a2)
    c0 = (b0 + b1 * r0) * (b0 - b1 * r0) / (-2.0 * r0.real * (r1 - r0) * (r1.conjugate() + r0))
    c1 = (b0 + b1 * r1) * (b0 - b1 * r1) / (-2.0 * r1.real * (r0 - r1) * (r0.conjugate() + r1))
    return (c0, c1), (r0, r1)


def acf_coefficients(
    a1: float, a2: float, b0: float, b1: float
) -> tuple[NDArray[np.complex128], NDArray[np.complex128]]:
    """``(C_k, r_k)`` such that ``R(tau) = sum_k C_k exp(r_k |tau|)`` (real in total)."""
    c, r = _acf(float(a1), float(a2), float(b0), float(b1))
    return np.array(c, dtype=np.complex128), np.array(r, dtype=np.complex128)


def autocovariance(tau: NDArray[np.float64], a1: float, a2: float, b0: float, b1: float) -> NDArray[np.float64]:
    """R(tau) of the CARMA(2,1) process."""
    c, r = acf_coefficients(a1, a2, b0, b1)
    t = np.abs(np.asarray(tau, dtype=np.float64))[..., None]
    return np.real(np.sum(c * np.exp(r * t), axis=-1))


def variance(a1: float, a2: float, b0: float, b1: float) -> float:
    """Stationary variance R(0)."""
    return float(autocovariance(np.zeros(1), a1, a2, b0, b1)[0])


def from_timescales(
    tau_long: float, tau_short: float, tau_ma: float, sigma: float
) -> tuple[float, float, float, float]:
    """(a1, a2, b0, b1) of an overdamped DHO with AR timescales ``tau_long``, ``tau_short``
    (days), MA timescale ``tau_ma = b1/b0`` and stationary standard deviation ``sigma``."""
    a1 = 1.0 / tau_long + 1.0 / tau_short
    a2 = 1.0 / (tau_long * tau_short)
    v = variance(a1, a2, 1.0, tau_ma)
    b0 = sigma / np.sqrt(v)
    return a1, a2, b0, b0 * tau_ma


_EMPTY = np.zeros(0)


def celerite_coefficients(a1: float, a2: float, b0: float, b1: float) -> tuple[NDArray[np.float64], ...]:
    """celerite ``(ar, cr, ac, bc, cc, dc)`` of the autocovariance: two real exponentials when
    the AR roots are real, one complex term (``a = 2 Re C``, ``b = 2 Im C``) otherwise.

    Called at every likelihood evaluation of a DHO fit, so it builds as few arrays as possible
    (the returned empty arrays are shared and must not be written to)."""
    c, r = _acf(float(a1), float(a2), float(b0), float(b1))
    if abs(r[0].imag) < 1e-12:  # two real roots: two real exponentials
        return (
            np.array((c[0].real, c[1].real)),
            np.array((-r[0].real, -r[1].real)),
            _EMPTY,
            _EMPTY,
            _EMPTY,
            _EMPTY,
        )
    k = 0 if r[0].imag < 0 else 1  # r = -(c + i d) with d > 0
    a_b = 2.0 * c[k]
    acd = np.array((a_b.real, a_b.imag, -r[k].real, -r[k].imag))
    return _EMPTY, _EMPTY, acd[0:1], acd[1:2], acd[2:3], acd[3:4]


def kernel(a1: float, a2: float, b0: float, b1: float):
    """The celerite2 term of :func:`celerite_coefficients`."""
    from celerite2 import terms

    ar, cr, ac, bc, cc, dc = celerite_coefficients(a1, a2, b0, b1)
    if len(ar):
        return terms.RealTerm(a=float(ar[0]), c=float(cr[0])) + terms.RealTerm(a=float(ar[1]), c=float(cr[1]))
    return terms.ComplexTerm(a=float(ac[0]), b=float(bc[0]), c=float(cc[0]), d=float(dc[0]))


def simulate(
    t: NDArray[np.float64], a1: float, a2: float, b0: float, b1: float, normals: NDArray[np.float64]
) -> NDArray[np.float64]:
    """One exact realisation at sorted, distinct times ``t`` from standard normals ``normals``."""
    import celerite2

    gp = celerite2.GaussianProcess(kernel(a1, a2, b0, b1), mean=0.0)
    gp.compute(np.asarray(t, dtype=np.float64), diag=np.full(len(t), 1e-12 * variance(a1, a2, b0, b1)))
    return np.asarray(gp.dot_tril(np.asarray(normals, dtype=np.float64)))
