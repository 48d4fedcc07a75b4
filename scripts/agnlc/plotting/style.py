"""Shared figure style: one colour per band across every figure, deterministic savefig."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from agnlc.io import atomic_path

__all__ = ["BAND_COLOURS", "band_colour", "plt", "savefig"]

#: colour per band family (the last letter(s) after the archive prefix)
BAND_COLOURS: dict[str, str] = {
    "u": "#6a3d9a",
    "g": "#1f78b4",
    "r": "#33a02c",
    "i": "#ff7f00",
    "z": "#e31a1c",
    "y": "#8c510a",
    "G": "#4d4d4d",
    "BP": "#2166ac",
    "RP": "#b2182b",
    "V": "#01665e",
    "W1": "#c51b7d",
    "W2": "#17becf",
    "T": "#b15928",
    "Kp": "#b15928",
    "F606W": "#1b9e77",
    "F814W": "#d95f02",
}

#: marker per archive, so bands of the same colour from different archives stay apart
ARCHIVE_MARKERS: dict[str, str] = {
    "sdss_s82": "o",
    "ztf": "s",
    "alerce": "D",
    "ps1": "^",
    "gaia": "v",
    "wise": "P",
    "crts": "X",
    "tess": ".",
    "kepler": ".",
    "hcv": "*",
}

plt.rcParams.update(
    {
        "figure.dpi": 100,
        "savefig.dpi": 120,
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "svg.hashsalt": "agnlc",
    }
)


def band_colour(band: str) -> str:
    """Colour of a registry band such as ``sdss_g`` or ``wise_W1`` (grey if unknown)."""
    key = band.split("_", 1)[-1]
    return BAND_COLOURS.get(key, "#999999")


def savefig(fig, path: str | Path) -> None:
    """Save a PNG atomically with fixed metadata (no timestamps) and close the figure."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
