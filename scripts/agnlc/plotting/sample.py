"""Sample-level figures: sky map, archive coverage, colour-colour diagrams, features by class."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from agnlc.features.definitions import FLAG_AT_BOUND, FLAG_BELOW_CADENCE, FLAG_NOT_CONVERGED
from agnlc.plotting.style import class_colour, plt, savefig
from agnlc.sky.classes import TARGET_CLASSES
from agnlc.sky.footprint import S82_BOXES, XMMLSS_BOX, wrap_ra

__all__ = ["CLASS_ORDER", "plot_colours", "plot_coverage", "plot_features", "plot_skymap"]

#: classes in legend order
CLASS_ORDER: tuple[str, ...] = (*(c for c, _ in TARGET_CLASSES), "other")

#: (title, feature column without its band, transform, axis label) of the features by class
FEATURE_PANELS: tuple[tuple[str, str, str, str], ...] = (
    ("excess variance", "lcNonPeriodic[23]", "log10", "log10 excess variance [mag²] (positive values)"),
    ("DRW τ", "lcNonPeriodic[28]", "log10", "log10 DRW τ [d]"),
    ("DRW σ", "drwSigmaRms", "log10", "log10 DRW σ [mag]"),
    ("Stetson K", "lcNonPeriodic[20]", "linear", "Stetson K"),
)
_DRW_COLUMNS = ("lcNonPeriodic[28]", "drwSigmaRms")


def _classes_present(cls: pd.Series) -> list[str]:
    return [c for c in CLASS_ORDER if (cls == c).any()]


def plot_skymap(targets: pd.DataFrame, path: str | Path) -> dict[str, int]:
    """Targets by class on the whole sky (Aitoff) and over the Stripe 82 and XMM-LSS footprints.

    Parameters
    ----------
    targets
        ``objectid, ra, dec, cls``.
    path
        Output PNG.

    Returns
    -------
    dict
        Targets drawn per class.
    """
    fig = plt.figure(figsize=(12, 6.5), layout="constrained")
    gs = fig.add_gridspec(2, 2, height_ratios=[1.4, 0.6])
    sky = fig.add_subplot(gs[0, 0], projection="aitoff")
    strip = fig.add_subplot(gs[1, :])
    xmm = fig.add_subplot(gs[0, 1])
    ra = wrap_ra(targets["ra"])
    dec = targets["dec"].to_numpy(float)
    counts = {}
    for c in _classes_present(targets["cls"]):
        m = (targets["cls"] == c).to_numpy()
        counts[c] = int(m.sum())
        kw = {"s": 6, "color": class_colour(c), "label": f"{c} ({m.sum()})", "alpha": 0.8, "lw": 0}
        # Aitoff wants radians with east to the left as on the sky
        sky.scatter(-np.radians(ra[m]), np.radians(dec[m]), **kw)
        strip.scatter(ra[m], dec[m], **kw)
        xmm.scatter(ra[m], dec[m], **kw)
    sky.set_xticks(np.radians([-150, -120, -90, -60, -30, 0, 30, 60, 90, 120, 150]))
    sky.set_xticklabels(["150°", "120°", "90°", "60°", "30°", "0°", "330°", "300°", "270°", "240°", "210°"], fontsize=7)
    sky.set_title("all targets (RA increases to the left)", fontsize=10, pad=14)
    for lo, hi, _closed, dlo, dhi in S82_BOXES:
        strip.add_patch(Rectangle((lo, dlo), hi - lo, dhi - dlo, fill=False, lw=1.2, ec="k"))
    rlo, rhi, dlo, dhi = XMMLSS_BOX
    for ax in (strip, xmm):
        ax.add_patch(Rectangle((rlo, dlo), rhi - rlo, dhi - dlo, fill=False, lw=1.2, ec="#9467bd", ls="--"))
    strip.set_xlim(62, -62)
    strip.set_ylim(-8, 6)
    strip.set_xlabel("RA [deg] (wrapped to ±180)")
    strip.set_ylabel("Dec [deg]")
    strip.set_title("Stripe 82 boxes (black) and XMM-LSS (dashed)", fontsize=10)
    strip.set_aspect("equal")
    pad = 0.6
    xmm.set_xlim(rhi + pad, rlo - pad)
    xmm.set_ylim(dlo - pad, dhi + pad)
    xmm.set_aspect("equal")
    xmm.set_xlabel("RA [deg]")
    xmm.set_ylabel("Dec [deg]")
    xmm.set_title("XMM-LSS", fontsize=10)
    strip.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, markerscale=2, title="class")
    savefig(fig, path)
    return counts


def plot_coverage(targets: pd.DataFrame, summary: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """Fraction of targets with detections per archive (by class) and detected epochs per object.

    Parameters
    ----------
    targets
        ``objectid, cls``.
    summary
        Gathered light-curve summaries (``objectid, archive, band, n_epochs, n_upper_limits``).
    path
        Output PNG.

    Returns
    -------
    pandas.DataFrame
        Fraction of targets with data, archive × class (plus ``all``).
    """
    per = summary.groupby(["objectid", "archive"], as_index=False)["n_epochs"].sum()
    per = per[per["n_epochs"] > 0].merge(targets[["objectid", "cls"]], on="objectid")
    archives = sorted(per["archive"].unique())
    classes = _classes_present(targets["cls"])
    n_class = targets["cls"].value_counts()
    frac = per.groupby(["archive", "cls"]).size().unstack(fill_value=0).reindex(index=archives, columns=classes)
    frac = frac.fillna(0) / n_class.reindex(classes).to_numpy()
    frac["all"] = per.groupby("archive").size().reindex(archives).fillna(0) / len(targets)

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(13, 4.8), layout="constrained", width_ratios=[1.2, 1])
    y = np.arange(len(archives))
    h = 0.8 / (len(classes) + 1)
    a1.barh(y - 0.4 + h / 2, frac["all"], height=h, color="k", label=f"all ({len(targets)})")
    for k, c in enumerate(classes):
        a1.barh(y - 0.4 + h * (k + 1.5), frac[c], height=h, color=class_colour(c), label=f"{c} ({n_class[c]})")
    a1.set_yticks(y, archives)
    a1.invert_yaxis()
    a1.set_xlim(0, 1)
    a1.set_xlabel("fraction of targets with ≥ 1 detection")
    a1.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), title="targets")
    data = [np.log10(per.loc[per["archive"] == a, "n_epochs"].to_numpy(float)) for a in archives]
    if archives:
        a2.boxplot(data, orientation="horizontal", tick_labels=archives, whis=(5, 95), showfliers=False)
        a2.invert_yaxis()
    else:  # e.g. a sample outside every archive's sky: say so rather than fail
        for ax in (a1, a2):
            ax.text(0.5, 0.5, "no target has data in any archive", ha="center", va="center", transform=ax.transAxes)
    a2.set_xlabel("log10 detected epochs per object (objects with data; box 25–75 %, whiskers 5–95 %)")
    savefig(fig, path)
    return frac


def plot_colours(objects: pd.DataFrame, path: str | Path) -> dict[str, int]:
    """u−g vs g−r and g−r vs r−i (PSF AB magnitudes of the Object table) coloured by class.

    Parameters
    ----------
    objects
        Object table rows with ``psMag_{u,g,r,i}`` and ``cls``.
    path
        Output PNG.

    Returns
    -------
    dict
        Objects drawn per class (with all four magnitudes).
    """
    ok = objects[["psMag_u", "psMag_g", "psMag_r", "psMag_i"]].notna().all(axis=1)
    o = objects[ok]
    ug, gr, ri = o["psMag_u"] - o["psMag_g"], o["psMag_g"] - o["psMag_r"], o["psMag_r"] - o["psMag_i"]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 5), layout="constrained")
    counts = {}
    for c in _classes_present(o["cls"]):
        m = (o["cls"] == c).to_numpy()
        counts[c] = int(m.sum())
        kw = {"s": 8, "color": class_colour(c), "alpha": 0.75, "lw": 0, "label": f"{c} ({m.sum()})"}
        a1.scatter(gr[m], ug[m], **kw)
        a2.scatter(ri[m], gr[m], **kw)
    a1.set_xlabel("g − r [mag]")
    a1.set_ylabel("u − g [mag]")
    a2.set_xlabel("r − i [mag]")
    a2.set_ylabel("g − r [mag]")
    for ax in (a1, a2):
        ax.set_xlim(-0.6, 2.0)
        ax.set_ylim(-0.6, 3.5)
    a2.legend(fontsize=8, markerscale=2, title="class", loc="upper left")
    fig.suptitle(f"PSF colours (AB) of {len(o)} of {len(objects)} Object-table rows with u, g, r, i", fontsize=10)
    savefig(fig, path)
    return counts


def plot_features(features: pd.DataFrame, path: str | Path, band: str = "g") -> dict[str, int]:
    """Distributions of excess variance, DRW τ and σ and Stetson K in ``band`` per class.

    DRW fits at a bound of the search, not converged or with τ below the cadence (``drwFlags``
    bits 1, 2, 8) are left out
    and counted in the panel title; short-baseline fits (bit 4) are kept.

    Parameters
    ----------
    features
        Feature rows (``lcNonPeriodic[k]_<band>``) with ``cls``.
    path
        Output PNG.
    band
        Object-table band.

    Returns
    -------
    dict
        Finite values drawn per panel.
    """
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), layout="constrained")
    drawn = {}
    classes = _classes_present(features["cls"])
    for ax, (title, stem, transform, label) in zip(axes.flat, FEATURE_PANELS, strict=True):
        col = features[f"{stem}_{band}"].to_numpy(float)
        bad = np.zeros(len(col), dtype=bool)
        if stem in _DRW_COLUMNS:
            unresolved = FLAG_AT_BOUND | FLAG_NOT_CONVERGED | FLAG_BELOW_CADENCE
            bad = (features[f"drwFlags_{band}"].to_numpy() & unresolved) > 0
            col = np.where(bad, np.nan, col)
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.log10(np.where(col > 0, col, np.nan)) if transform == "log10" else col
        fin = np.isfinite(v)
        drawn[title] = int(fin.sum())
        if not fin.any():
            ax.text(0.5, 0.5, "no finite values", ha="center", va="center", transform=ax.transAxes)
        else:
            bins = np.linspace(*np.nanpercentile(v[fin], [0.5, 99.5]), 31)
            for c in classes:
                m = fin & (features["cls"] == c).to_numpy()
                if m.sum() >= 3:
                    ax.hist(v[m], bins=bins, histtype="step", lw=1.5, density=True, color=class_colour(c),
                            label=f"{c} ({m.sum()})")  # fmt: skip
            ax.legend(fontsize=7)
        ax.set_xlabel(label)
        ax.set_ylabel("density")
        dropped = f"; {int(bad.sum())} flagged fits left out" if bad.any() else ""
        ax.set_title(f"{title} ({band}, {stem}{dropped})", fontsize=10)
    savefig(fig, path)
    return drawn
