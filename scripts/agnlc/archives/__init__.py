"""Archive adapters: one module per archive, a registry from names to adapters."""

from __future__ import annotations

from agnlc.archives import alerce, crts, gaia, hcv, ps1, sdss_s82, tess_kepler, wise, ztf
from agnlc.archives.base import Adapter, ArchiveError, ArchiveSettings, run_adapter

__all__ = ["REGISTRY", "Adapter", "ArchiveError", "ArchiveSettings", "get", "run_adapter"]

REGISTRY: dict[str, Adapter] = {
    m.ADAPTER.name: m.ADAPTER for m in (sdss_s82, ztf, ps1, gaia, wise, crts, alerce, tess_kepler, hcv)
}


def get(name: str) -> Adapter:
    """The adapter registered under ``name``."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown archive {name!r}; known: {sorted(REGISTRY)}") from None
