"""Multi-band light curve of one object: flux (nJy) against MJD."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.bands import load_registry
from agnlc.plotting.style import ARCHIVE_MARKERS, band_colour, plt, savefig

__all__ = ["plot_lightcurve"]


def plot_lightcurve(lc: pd.DataFrame, objectid: int, path: str | Path, title: str | None = None) -> None:
    """Draw every archive/band of ``objectid`` (bands by wavelength) with error bars; upper limits as arrows.

    Parameters
    ----------
    lc
        Canonical light curves (at least this object's rows).
    objectid
        The object.
    path
        Output PNG.
    title
        Figure title (default: the objectid).
    """
    d = lc[lc["objectid"] == objectid]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    reg = load_registry()
    lam = dict(zip(reg["band"], reg["lambda_eff_angstrom"], strict=False))
    groups = sorted(d.groupby(["archive", "band"], sort=True), key=lambda kv: (lam.get(kv[0][1], 1e9), kv[0]))
    for (archive, band), g in groups:
        det = g[~g["upper_limit"]]
        lim = g[g["upper_limit"]]
        colour = band_colour(band)
        ax.errorbar(
            det["mjd"],
            det["flux"],
            yerr=det["flux_err"],
            fmt=ARCHIVE_MARKERS.get(archive, "o"),
            ms=3,
            lw=0.8,
            color=colour,
            label=f"{band} ({archive}, {len(det)})",
        )
        if len(lim):
            ax.errorbar(
                lim["mjd"],
                lim["flux"],
                yerr=0.1 * np.abs(lim["flux"]),
                uplims=True,
                fmt="none",
                color=colour,
                alpha=0.6,
            )
    ax.set_xlabel("MJD")
    ax.set_ylabel("flux [nJy]")
    ax.set_title(title or f"objectid {objectid}")
    ax.legend(loc="best", fontsize=8, ncol=2)
    savefig(fig, path)
