"""Archive adapters: one module per archive, a registry from names to adapters."""

from __future__ import annotations

from agnlc.archives.base import Adapter, ArchiveError, ArchiveSettings, run_adapter
from agnlc.archives.sdss_s82 import ADAPTER as SDSS_S82

__all__ = ["REGISTRY", "Adapter", "ArchiveError", "ArchiveSettings", "get", "run_adapter"]

REGISTRY: dict[str, Adapter] = {SDSS_S82.name: SDSS_S82}


def get(name: str) -> Adapter:
    """The adapter registered under ``name``."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown archive {name!r}; known: {sorted(REGISTRY)}") from None
