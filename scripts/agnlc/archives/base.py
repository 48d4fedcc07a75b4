"""The adapter contract shared by every archive, and the runner that isolates failures.

Each archive module provides an :class:`Adapter` with three steps:

``build_query(targets, settings)``
    what would be asked, inspectable without sending it (SQL/ADQL text, partitions…);
``fetch(query, settings)``
    the transport: the live service or the local mirror, returning the archive's native
    reply (a DataFrame in the archive's own columns);
``parse(reply, targets, settings)``
    native reply to the canonical long light-curve schema (:data:`agnlc.core.tables.LIGHTCURVE`).

:func:`run_adapter` wraps the three steps with retries, exponential backoff and a time budget;
an archive that still fails yields an empty shard and an ``error`` status with the reason, so
the rest of the run goes on and the merge records what is missing.

Nothing is silently empty: a reply the adapter does not understand raises :class:`ArchiveError`
(an ``error`` status with the reason). ``empty`` is kept for replies in which the service itself
says there is nothing, or targets outside the archive's coverage; the adapter says which with
:func:`note` (``note("not covered", ...)``, ``note("service", "no objects were found")``) and
the status carries those notes and names them in its reason.
"""

from __future__ import annotations

import contextvars
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from agnlc.archives.contract import LIGHTCURVE
from agnlc.core.provenance import utc_now
from agnlc.core.tables import validate
from agnlc.sky.photometry import flux_to_ab_mag

__all__ = ["Adapter", "ArchiveError", "ArchiveSettings", "note", "run_adapter"]

_NOTES: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("agnlc_archive_notes", default=None)


def note(kind: str, message: str) -> None:
    """Record why (part of) a reply holds no data: ``kind`` is ``not covered`` (outside the
    archive's sky or mission) or ``service`` (the service's own "nothing here" message) or
    ``skipped`` (a product that cannot be read, e.g. a TESS file without a light-curve table)
    or ``failed`` (one target's reply or mirror file could not be read: the message names the
    file or reply and its line; only that target's data are lost).
    Kept in the status record of the running :func:`run_adapter` call."""
    notes = _NOTES.get()
    if notes is not None:
        notes.append(f"{kind}: {message}")


def canonical(
    archive: str,
    objectid: np.ndarray,
    band: np.ndarray | str,
    mjd: np.ndarray,
    flux: np.ndarray,
    flux_err: np.ndarray,
    source_id: np.ndarray,
    sep_arcsec: np.ndarray,
    flags: np.ndarray | int = 0,
    upper_limit: np.ndarray | bool = False,
    ab: bool = True,
) -> pd.DataFrame:
    """Canonical light-curve rows from arrays; ``mag``/``mag_err`` are the AB magnitude of the
    flux (NaN for non-positive flux, for upper limits' errors, or when ``ab`` is false, e.g.
    instrumental e-/s fluxes)."""
    flux = np.asarray(flux, dtype=np.float64)
    flux_err = np.asarray(flux_err, dtype=np.float64)
    if ab:
        mag, mag_err = flux_to_ab_mag(flux, flux_err)
    else:
        mag = mag_err = np.full(len(flux), np.nan)
    n = len(flux)
    df = pd.DataFrame(
        {
            "objectid": np.asarray(objectid, dtype=np.int64),
            "archive": archive,
            "band": band if isinstance(band, str) else np.asarray(band).astype(str),
            "mjd": np.asarray(mjd, dtype=np.float64),
            "flux": flux,
            "flux_err": flux_err,
            "mag": np.asarray(mag, dtype=np.float32),
            "mag_err": np.asarray(mag_err, dtype=np.float32),
            "upper_limit": np.broadcast_to(np.asarray(upper_limit, dtype=bool), (n,)),
            "source_id": np.asarray(source_id).astype(str),
            "match_sep_arcsec": np.asarray(sep_arcsec, dtype=np.float32),
            "flags": np.broadcast_to(np.asarray(flags, dtype=np.int64), (n,)),
        }
    )
    return df.sort_values(["objectid", "band", "mjd"], kind="stable").reset_index(drop=True)


def concat_canonical(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate canonical parts (e.g. one per band or file), sorted by (objectid, band, mjd)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return LIGHTCURVE.empty()
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["objectid", "band", "mjd"], kind="stable").reset_index(drop=True)


class ArchiveError(RuntimeError):
    """An archive could not be queried or its reply could not be parsed."""


@dataclass(frozen=True)
class ArchiveSettings:
    """Per-archive settings from the config (``archives.<name>``)."""

    name: str
    transport: str = "mirror"
    mirror: str = ""
    radius_arcsec: float = 1.0
    release: str = ""
    retries: int = 2
    backoff_s: float = 1.0
    timeout_s: float = 600.0
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_config(cls, name: str, cfg: dict[str, Any]) -> ArchiveSettings:
        """Build from one ``archives.<name>`` config section."""
        known = {"transport", "mirror", "radius_arcsec", "release", "retries", "backoff_s", "timeout_s"}
        cfg = dict(cfg)
        base = {k: v for k, v in cfg.items() if k in known}
        opts = {k: v for k, v in cfg.items() if k not in known and k != "enabled"}
        return cls(name=name, options=opts, **base)


class Adapter(Protocol):
    """What every archive module exposes (see the module docstring)."""

    name: str

    def build_query(self, targets: pd.DataFrame, settings: ArchiveSettings) -> Any: ...

    def fetch(self, query: Any, settings: ArchiveSettings) -> pd.DataFrame: ...

    def parse(self, reply: pd.DataFrame, targets: pd.DataFrame, settings: ArchiveSettings) -> pd.DataFrame: ...


def run_adapter(
    adapter: Adapter, targets: pd.DataFrame, settings: ArchiveSettings, sleep=time.sleep
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Query one archive for one shard of targets, isolating failures.

    Parameters
    ----------
    adapter
        The archive adapter.
    targets
        The shard's targets (``objectid, ra, dec, ...``).
    settings
        Transport, radius, release and the retry budget.
    sleep
        Injected for tests.

    Returns
    -------
    lightcurves, status
        The canonical light-curve rows (empty on error) and the status record:
        ``status`` (ok / empty / error), ``reason``, ``rows``, ``n_targets``,
        ``n_targets_with_data``, ``attempts``, ``query_time``, ``elapsed_s``, ``release``,
        ``transport``, ``radius_arcsec``.
    """
    t0 = time.monotonic()
    schema = getattr(adapter, "schema", LIGHTCURVE)  # event archives deliver the EVENTS table
    status: dict[str, Any] = {
        "archive": adapter.name,
        "transport": settings.transport,
        "release": settings.release,
        "radius_arcsec": settings.radius_arcsec,
        "n_targets": len(targets),
        "query_time": utc_now(),
    }
    if len(targets) == 0:
        status.update(
            status="empty", reason="no targets in this shard", rows=0, attempts=0, n_targets_with_data=0, elapsed_s=0.0
        )
        return schema.empty(), status
    query = adapter.build_query(targets, settings)
    last: str = ""
    attempts = 0
    for attempt in range(settings.retries + 1):
        attempts = attempt + 1
        if time.monotonic() - t0 > settings.timeout_s:
            last = f"time budget of {settings.timeout_s} s exhausted"
            break
        notes: list[str] = []
        token = _NOTES.set(notes)
        try:
            reply = adapter.fetch(query, settings)
            lc = adapter.parse(reply, targets, settings)
            lc = validate(lc, schema, where=f"{adapter.name} reply")
            n_with = int(lc["objectid"].nunique())
            if notes:
                status["notes"] = _summarise(notes)
            failed = [n for n in notes if n.startswith("failed: ")]
            if failed:
                status["n_targets_failed"] = len(failed)
                if len(lc) == 0 and len(failed) >= len(targets):  # nothing readable at all: an error
                    return schema.empty(), _error(
                        status, f"every target failed: {'; '.join(_summarise(failed, 3))}", attempts, t0
                    )
            status.update(
                status="ok" if len(lc) else "empty",
                reason=_partial_reason(failed) if len(lc) else _empty_reason(notes),
                rows=len(lc),
                n_targets_with_data=n_with,
                attempts=attempts,
                elapsed_s=round(time.monotonic() - t0, 3),
            )
            return lc, status
        except Exception as exc:
            last = f"{type(exc).__name__}: {exc}"
            status.setdefault("tracebacks", []).append(traceback.format_exc(limit=3))
            if attempt < settings.retries:
                sleep(settings.backoff_s * (2**attempt))
        finally:
            _NOTES.reset(token)
    return schema.empty(), _error(status, last, attempts, t0)


def _error(status: dict[str, Any], reason: str, attempts: int, t0: float) -> dict[str, Any]:
    """``status`` completed as an ``error`` with ``reason`` (no rows)."""
    status.update(
        status="error",
        reason=reason,
        rows=0,
        n_targets_with_data=0,
        attempts=attempts,
        elapsed_s=round(time.monotonic() - t0, 3),
    )
    return status


def _summarise(notes: list[str], most: int = 20) -> list[str]:
    """Distinct notes with their counts, most frequent first (at most ``most``)."""
    counts = pd.Series(notes).value_counts(sort=True)
    return [f"{k} (x{v})" if v > 1 else str(k) for k, v in counts.head(most).items()]


def _partial_reason(failed: list[str]) -> str:
    """The reason of an ``ok`` status with some targets lost (empty when none was)."""
    if not failed:
        return ""
    return f"{len(failed)} target(s) failed, the rest delivered: {'; '.join(_summarise(failed, 3))}"


def _empty_reason(notes: list[str]) -> str:
    """The reason of an ``empty`` status: what the notes say, else no match within the radius."""
    if not notes:
        return "no measurements within the radius"
    return "; ".join(_summarise(notes, 3))  # each note starts with its kind, e.g. "not covered: ..."
