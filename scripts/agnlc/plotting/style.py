"""Shared figure style: one colour per band across every figure, deterministic savefig."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from agnlc.core.io import atomic_path

__all__ = [
    "ARCHIVE_MARKERS",
    "BAND_COLOURS",
    "CLASS_COLOURS",
    "band_colour",
    "class_colour",
    "mjd_to_year",
    "plt",
    "savefig",
    "year_to_mjd",
]

#: colour per band family (the last letter(s) after the archive prefix)
BAND_COLOURS: dict[str, str] = {
    "u": "#6a3d9a",
    "g": "#1f78b4",
    "r": "#33a02c",
    "i": "#ff7f00",
    "z": "#e31a1c",
    "y": "#8c510a",
    "G": "#4d4d4d",
    "BP": "#56b4e9",
    "RP": "#fb9a99",
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

#: colour per target class (agnlc.classes.TARGET_CLASSES), the same in every figure
CLASS_COLOURS: dict[str, str] = {
    "literature AGN": "#d62728",
    "X-ray AGN": "#9467bd",
    "QSO": "#1f77b4",
    "variable star": "#ff7f0e",
    "star": "#7f7f7f",
    "galaxy": "#2ca02c",
    "other": "#bcbd22",
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


def class_colour(name: str) -> str:
    """Colour of a target class (see :data:`CLASS_COLOURS`)."""
    return CLASS_COLOURS.get(name, CLASS_COLOURS["other"])


def mjd_to_year(mjd: np.ndarray | float) -> np.ndarray:
    """Decimal (Julian) year of an MJD: 2000.0 at MJD 51544.5."""
    return 2000.0 + (np.asarray(mjd, dtype=float) - 51544.5) / 365.25


def year_to_mjd(year: np.ndarray | float) -> np.ndarray:
    """Inverse of :func:`mjd_to_year`."""
    return 51544.5 + (np.asarray(year, dtype=float) - 2000.0) * 365.25


def savefig(fig, path: str | Path) -> None:
    """Save a PNG atomically with fixed metadata (no timestamps) and close the figure."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
