"""Provenance metadata carried by every Parquet output.

Metadata is stored under the Parquet key ``agnlc`` as JSON: package version, git commit,
config hash, the stage that wrote the file, and per-archive release/transport/query time.
Content hashes (:func:`agnlc.io.content_hash`) ignore this metadata, so a rerun that only
changes a query time still has the same content.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from agnlc import __version__
from agnlc.core.paths import REPO

__all__ = ["build", "config_hash", "git_commit", "utc_now"]

_REPO = REPO


def config_hash(config: Any) -> str:
    """SHA-256 (first 16 hex digits) of a JSON-serialisable config, keys sorted."""
    blob = json.dumps(config, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def git_commit() -> str:
    """The repository's HEAD commit (with ``-dirty`` if modified), or ``unknown``."""
    try:
        head = subprocess.run(
            ["git", "-C", str(_REPO), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(_REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}-dirty" if dirty else head


def utc_now() -> str:
    """Current UTC time, ISO 8601 with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def build(stage: str, params: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """Provenance record for one output.

    Parameters
    ----------
    stage
        The rule or stage that wrote the output.
    params
        The rule's parameters; their hash is recorded as ``config_hash``.
    **extra
        Further fields, e.g. ``archives={"sdss_s82": {"release": ..., "transport": ...}}``.
    """
    rec: dict[str, Any] = {
        "agnlc_version": __version__,
        "git_commit": git_commit(),
        "stage": stage,
        "config_hash": config_hash(params or {}),
        "params": params or {},
    }
    rec.update(extra)
    return rec
