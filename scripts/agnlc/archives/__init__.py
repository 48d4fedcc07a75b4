"""Stage 2, archives: one module per archive, each an adapter (``build_query`` / ``fetch`` /
``parse``, see :mod:`agnlc.archives.base`), the canonical contracts (:mod:`agnlc.archives.contract`)
and the one registry of archive names (here). Adapters are imported on first use, so naming the
archives (the workflow does, at every parse) imports none of their clients.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["EVENT_REGISTRY", "EVENT_SOURCES", "LIGHTCURVE_ARCHIVES", "REGISTRY", "ROW_ARCHIVES", "get"]

#: light-curve archives, by config name (one adapter module each)
LIGHTCURVE_ARCHIVES: tuple[str, ...] = (
    "sdss_s82",
    "ztf",
    "ps1",
    "gaia",
    "wise",
    "crts",
    "alerce",
    "tess_kepler",
    "hcv",
)
#: event sources (HEASARC triggers, IceCube neutrinos): the events table, never fluxes
EVENT_SOURCES: tuple[str, ...] = ("heasarc", "icecube")
#: the ``archive`` values of light-curve rows (TESS/Kepler rows say which mission)
ROW_ARCHIVES: tuple[str, ...] = ("sdss_s82", "ztf", "ps1", "gaia", "wise", "crts", "alerce", "tess", "kepler", "hcv")

#: names known to :func:`get` (kept as names: membership and iteration need no import)
REGISTRY: tuple[str, ...] = LIGHTCURVE_ARCHIVES
EVENT_REGISTRY: tuple[str, ...] = EVENT_SOURCES


def get(name: str) -> Any:
    """The adapter (an :class:`agnlc.archives.base.Adapter`) registered under ``name``."""
    if name not in LIGHTCURVE_ARCHIVES + EVENT_SOURCES:
        raise KeyError(f"unknown archive {name!r}; known: {sorted(LIGHTCURVE_ARCHIVES + EVENT_SOURCES)}")
    return importlib.import_module(f"agnlc.archives.{name}").ADAPTER


def __getattr__(name: str):
    """``ArchiveSettings``, ``ArchiveError``, ``run_adapter``, ``Adapter`` from :mod:`agnlc.archives.base`."""
    if name in ("Adapter", "ArchiveError", "ArchiveSettings", "run_adapter"):
        return getattr(importlib.import_module("agnlc.archives.base"), name)
    raise AttributeError(name)
