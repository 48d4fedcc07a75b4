"""Where the workflow's own files are: the repository root the library belongs to (``agnlc`` is
installed editable from ``scripts/``, so its files stay in the checkout)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["REPO", "RESOURCES", "SCHEMAS"]

#: the checkout: ``<REPO>/scripts/agnlc/core/paths.py``
REPO = Path(__file__).resolve().parents[3]
#: small shipped inputs (band registry, literature tables)
RESOURCES = REPO / "resources"
#: the config schema and the table contracts
SCHEMAS = REPO / "workflow" / "schemas"
