"""Per-object isolation of the feature stage: one light curve's failure costs only its own values.

The Rust ``light-curve`` extension reports some bad input as a ``PanicException``, a subclass of
``BaseException`` rather than ``Exception``; :func:`attempt` treats everything except the
process-level exceptions (interrupt, exit) as the object's own failure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

__all__ = ["FATAL", "FailureLog", "attempt", "batch_or_each"]

#: Exceptions that stop the job rather than one object.
FATAL = (KeyboardInterrupt, SystemExit, GeneratorExit)

T = TypeVar("T")


def attempt(fn: Callable[..., T], *args: Any) -> tuple[T | None, BaseException | None]:
    """``(fn(*args), None)``, or ``(None, exc)`` when it raised anything but :data:`FATAL`."""
    try:
        return fn(*args), None
    except FATAL:
        raise
    except BaseException as exc:  # PanicException derives from BaseException
        return None, exc


def batch_or_each(evaluator: Any, lcs: Any, ncol: int) -> tuple[np.ndarray, np.ndarray, BaseException | None]:
    """A light-curve evaluator (feature extractor or periodogram) on a batch of light curves.

    One batched call on the Arrow ``List<Struct<t, m, sigma>>`` ``lcs``; if it fails, one call per
    light curve, so that only the failing ones are lost. Returns ``(values (n, ncol), failed (n,),
    the first failure or None)``.
    """
    fields = {"t": "t", "m": "m", "sigma": "sigma"}
    n = len(lcs)
    failed = np.zeros(n, bool)
    res, exc = attempt(lambda: evaluator.many(lcs, arrow_fields=fields, fill_value=np.nan, sorted=True, n_jobs=1))
    if exc is None:
        return np.asarray(res, dtype=np.float64).reshape(n, ncol), failed, None
    out = np.full((n, ncol), np.nan)
    first = None
    for k in range(n):
        v = lcs[k].values
        one = (v.field("t").to_numpy(), v.field("m").to_numpy(), v.field("sigma").to_numpy())
        res, exc = attempt(lambda one=one: evaluator(*one, fill_value=np.nan, sorted=True))
        if exc is None:
            out[k] = res
        else:
            failed[k], first = True, first or exc
    return out, failed, first


class FailureLog:
    """Logs the first ``limit`` object failures in full, then only counts them."""

    def __init__(self, logger: logging.Logger, limit: int = 20) -> None:
        self.logger, self.limit, self.n = logger, limit, 0

    def __call__(self, objectid: int, band: str, what: str, exc: BaseException) -> None:
        self.n += 1
        if self.n <= self.limit:
            msg = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
            self.logger.warning(
                "object %s band %s: %s failed (%s: %s); its values are NaN",
                objectid,
                band,
                what,
                type(exc).__name__,
                msg,
            )
        elif self.n == self.limit + 1:
            self.logger.warning("more object failures: only counted from here on (see the features metadata)")
