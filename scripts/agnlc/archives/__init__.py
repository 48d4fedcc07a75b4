"""Archive adapters: one module per archive, a registry from names to adapters."""

from __future__ import annotations

from agnlc.archives import alerce, crts, gaia, hcv, heasarc, icecube, ps1, sdss_s82, tess_kepler, wise, ztf
from agnlc.archives.base import Adapter, ArchiveError, ArchiveSettings, run_adapter

__all__ = ["EVENT_REGISTRY", "REGISTRY", "Adapter", "ArchiveError", "ArchiveSettings", "get", "run_adapter"]

REGISTRY: dict[str, Adapter] = {
    m.ADAPTER.name: m.ADAPTER for m in (sdss_s82, ztf, ps1, gaia, wise, crts, alerce, tess_kepler, hcv)
}
#: event-type sources (HEASARC triggers, IceCube neutrinos): the events table, never fluxes
EVENT_REGISTRY: dict[str, Adapter] = {m.ADAPTER.name: m.ADAPTER for m in (heasarc, icecube)}


def get(name: str) -> Adapter:
    """The adapter registered under ``name`` (light-curve or event archive)."""
    try:
        return {**REGISTRY, **EVENT_REGISTRY}[name]
    except KeyError:
        raise KeyError(f"unknown archive {name!r}; known: {sorted(REGISTRY) + sorted(EVENT_REGISTRY)}") from None
