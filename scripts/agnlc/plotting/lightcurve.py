"""Per-object multi-archive light curves in the style of van Velzen et al. (2021): flux (nJy, or
AB magnitude) against MJD for every archive and band, a calendar-year top axis, upper limits as
arrows, and a zoom panel on the archive with the most detections.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from agnlc.plotting.style import ARCHIVE_MARKERS, band_colour, mjd_to_year, plt, savefig, year_to_mjd
from agnlc.sky.bands import load_registry
from agnlc.sky.classes import TARGET_CLASSES, target_class

__all__ = ["plot_lightcurve", "select_objects"]

#: AB magnitude of 1 nJy
_AB_NJY = 31.4


def select_objects(
    targets: pd.DataFrame,
    with_data: np.ndarray,
    objects: list[int],
    literature: bool,
    per_class: int,
    seed: int,
) -> pd.DataFrame:
    """Targets to draw: explicit ``objects``, the literature AGN, and ``per_class`` random others per class.

    Parameters
    ----------
    targets
        The target table (``objectid, labels, name``).
    with_data
        Objectids with at least one light-curve row; only these are drawn.
    objects
        Explicit objectids (drawn if they have data).
    literature
        Draw every target of the ``literature AGN`` class.
    per_class
        Random targets per class (seeded, among those not chosen already).
    seed
        Seed of the random choice.

    Returns
    -------
    pandas.DataFrame
        ``objectid, name, cls`` sorted by objectid.
    """
    t = targets[targets["objectid"].isin(with_data)].assign(cls=lambda d: target_class(d["labels"]))
    chosen = t["objectid"].isin(objects)
    if literature:
        chosen |= t["cls"] == TARGET_CLASSES[0][0]
    rng = np.random.default_rng(seed)
    rest = t[~chosen].sort_values("objectid", kind="stable")
    # one seeded random key per row, then the per_class smallest keys per class: columnar, no loop
    keyed = rest.assign(_key=rng.random(len(rest))).sort_values(["cls", "_key"], kind="stable")
    picked = keyed.groupby("cls", sort=True).head(per_class)["objectid"]
    sel = t[chosen | t["objectid"].isin(picked)]
    return sel[["objectid", "name", "cls"]].sort_values("objectid", kind="stable", ignore_index=True)


def _calibrated(bands: pd.Series) -> pd.Series:
    """True for bands with absolute fluxes (not an instrumental system)."""
    reg = load_registry().drop_duplicates("band").set_index("band")["system"]
    return bands.map(reg).ne("instrumental")


def _draw(ax, d: pd.DataFrame, unit: str, lam: dict[str, float], alpha: float = 1.0) -> None:
    """Error bars per (archive, band) and upper-limit arrows on ``ax``."""
    order = sorted(d.groupby(["archive", "band"], sort=True).groups, key=lambda k: (lam.get(k[1], 1e9), k))
    for archive, band in order:
        g = d[(d["archive"] == archive) & (d["band"] == band)]
        colour = band_colour(band)
        marker = ARCHIVE_MARKERS.get(archive, "o")
        det, lim = g[~g["upper_limit"]], g[g["upper_limit"]]
        if unit == "mag":
            y = _AB_NJY - 2.5 * np.log10(det["flux"].where(det["flux"] > 0))
            yerr = 2.5 / np.log(10) * det["flux_err"] / det["flux"].where(det["flux"] > 0)
            ylim = _AB_NJY - 2.5 * np.log10(lim["flux"].where(lim["flux"] > 0))
        else:
            y, yerr, ylim = det["flux"], det["flux_err"], lim["flux"]
        ax.errorbar(det["mjd"], y, yerr=yerr, fmt=marker, ms=3.5, lw=0.6, color=colour, alpha=alpha, mec="none")
        if len(lim):
            # fainter than the limit is down on screen in flux and on the inverted magnitude axis alike
            ax.plot(lim["mjd"], ylim, ls="none", marker=r"$\downarrow$", ms=9, color=colour, alpha=0.5 * alpha)


def plot_lightcurve(
    lc: pd.DataFrame,
    objectid: int,
    path: str | Path,
    title: str | None = None,
    unit: str = "nJy",
) -> dict[str, object]:
    """Draw every archive/band of ``objectid`` with a zoom on its densest archive.

    Bands have one colour across all figures (by band family), archives one marker; instrumental
    bands (TESS, Kepler) go on their own right-hand axis since their fluxes are not absolute.

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
    unit
        ``"nJy"`` (flux) or ``"mag"`` (AB magnitude, detections with positive flux only).

    Returns
    -------
    dict
        What was drawn: ``archives``, ``bands``, ``zoom_archive``, ``n_upper_limits``.
    """
    if unit not in ("nJy", "mag"):
        raise ValueError(f"unit must be 'nJy' or 'mag', not {unit!r}")
    d = lc[lc["objectid"] == objectid]
    if d.empty:
        raise ValueError(f"objectid {objectid}: no light-curve rows to plot")
    reg = load_registry()
    lam = dict(zip(reg["band"], reg["lambda_eff_angstrom"], strict=False))
    cal = _calibrated(d["band"])
    main, inst = d[cal.to_numpy()], d[~cal.to_numpy()]
    counts = main[~main["upper_limit"]].groupby("archive").size()
    zoom_archive = str(counts.sort_values(ascending=False, kind="stable").index[0]) if len(counts) else None

    fig, (ax, axz) = plt.subplots(2, 1, figsize=(10, 7), height_ratios=[2, 1], layout="constrained")
    _draw(ax, main, unit, lam)
    ylabel = "flux density [nJy]" if unit == "nJy" else "AB magnitude"
    ax.set_ylabel(ylabel)
    if unit == "mag":
        ax.invert_yaxis()
    if len(inst):
        axi = ax.twinx()
        axi.grid(False)
        _draw(axi, inst, "nJy", lam, alpha=0.35)
        axi.set_ylabel(f"{', '.join(sorted(inst['archive'].unique()))} flux [instrumental]", color="0.4")
    top = ax.secondary_xaxis("top", functions=(mjd_to_year, year_to_mjd))
    top.set_xlabel("year")
    ax.set_xlabel("MJD")
    # the title carries target names: text, never mathtext ("$..$" in a name is drawn as typed)
    ax.set_title(title or f"objectid {objectid}", loc="left", fontsize=11, parse_math=False)

    bands = sorted(d["band"].unique(), key=lambda b: (lam.get(b, 1e9), b))
    families = list(dict.fromkeys(b.split("_", 1)[-1] for b in bands))
    band_handles = [Line2D([], [], ls="none", marker="o", color=band_colour(f"x_{f}"), label=f) for f in families]
    archives = sorted(d["archive"].unique())
    n_det = d[~d["upper_limit"]].groupby("archive").size()
    arch_handles = [
        Line2D([], [], ls="none", marker=ARCHIVE_MARKERS.get(a, "o"), color="0.2", label=f"{a} ({n_det.get(a, 0)})")
        for a in archives
    ]
    n_lim = int(d["upper_limit"].sum())
    if n_lim:
        arch_handles.append(
            Line2D([], [], ls="none", marker=r"$\downarrow$", ms=9, color="0.4", label=f"upper limit ({n_lim})")
        )
    fig.legend(handles=band_handles, title="band", loc="outside right upper", fontsize=8, ncols=2)
    fig.legend(handles=arch_handles, title="archive (detections)", loc="outside right lower", fontsize=8)

    if zoom_archive is not None:
        z = main[main["archive"] == zoom_archive]
        _draw(axz, z, unit, lam)
        if unit == "mag":
            axz.invert_yaxis()
        axz.set_ylabel(ylabel)
        axz.set_xlabel("MJD")
        axz.set_title(f"zoom: {zoom_archive}, {int(counts[zoom_archive])} detections", loc="left", fontsize=9)
    else:
        axz.set_axis_off()
    savefig(fig, path)
    return {"archives": archives, "bands": bands, "zoom_archive": zoom_archive, "n_upper_limits": n_lim}
