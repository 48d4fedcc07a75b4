"""Validation figures: DRW parameters and periods recovered against truth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.features.validation import PERIOD_TOLERANCE
from agnlc.plotting.style import plt, savefig

__all__ = ["plot_drw_recovery", "plot_period_recovery"]

_SUBCLASS_STYLE = {"rrab": ("o", "#1f77b4"), "rrc": ("s", "#ff7f0e"), "eb": ("D", "#2ca02c")}


def _one_to_one(ax, lo: float, hi: float) -> None:
    ax.plot([lo, hi], [lo, hi], color="k", lw=0.8)
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")


def plot_drw_recovery(drw: pd.DataFrame, path: str | Path) -> dict[str, float]:
    """Fitted against true DRW τ and σ of the mock quasars; baseline ≥ 10 τ filled, flagged fits grey.

    Parameters
    ----------
    drw
        :func:`agnlc.validation.drw_recovery_table`.
    path
        Output PNG.

    Returns
    -------
    dict
        Median |Δlog10| of τ and σ over all fits drawn.
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 5.2), layout="constrained")
    band = str(drw["band"].iloc[0]) if len(drw) else "?"
    out = {}
    for ax, (name, true, fit, unit) in zip(
        axes, (("τ", "tau_true_d", "tau_fit_d", "d"), ("σ", "sigma_true_mag", "sigma_fit_mag", "mag")), strict=True
    ):
        x, y = np.log10(drw[true].to_numpy(float)), np.log10(drw[fit].to_numpy(float))
        ok = np.isfinite(x) & np.isfinite(y)
        long = (drw["baseline_over_tau"] >= 10).to_numpy()
        flagged = (drw["drw_flags"] > 0).to_numpy()
        for m, kw in (
            (ok & long & ~flagged, {"color": "#1f77b4", "label": "baseline ≥ 10 τ"}),
            (ok & ~long & ~flagged, {"color": "#ff7f0e", "label": "baseline < 10 τ"}),
            (ok & flagged, {"color": "0.6", "marker": "x", "label": "flagged fit"}),
        ):
            ax.scatter(x[m], y[m], s=14, lw=0.8 if kw.get("marker") == "x" else 0, **{"marker": "o", **kw})
        med = float(np.median(np.abs(y[ok] - x[ok]))) if ok.any() else float("nan")
        out[name] = med
        if ok.any():
            lo, hi = np.nanmin(np.r_[x[ok], y[ok]]) - 0.2, np.nanmax(np.r_[x[ok], y[ok]]) + 0.2
            _one_to_one(ax, lo, hi)
        ax.set_xlabel(f"log10 true DRW {name} [{unit}]")
        ax.set_ylabel(f"log10 fitted DRW {name} [{unit}]")
        ax.set_title(f"DRW {name} in {band}: median |Δlog10| = {med:.2f} (n = {int(ok.sum())})", fontsize=10)
        ax.legend(fontsize=8, loc="upper left")
    savefig(fig, path)
    return out


def plot_period_recovery(periods: pd.DataFrame, path: str | Path) -> dict[str, float]:
    """Found against true period per source and subclass, with the 1:1, 1:2 and 2:1 lines, and the
    distribution of the relative error against the 0.1 % tolerance.

    Parameters
    ----------
    periods
        :func:`agnlc.validation.period_recovery_table` and/or :func:`agnlc.validation.sesar_table` rows.
    path
        Output PNG.

    Returns
    -------
    dict
        Recovered fraction per ``source/subclass``.
    """
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 5.2), layout="constrained")
    out = {}
    lo, hi = 0.15, 20.0
    for r in (1.0, 0.5, 2.0):
        a1.plot([lo, hi], [lo * r, hi * r], color="k", lw=0.8 if r == 1 else 0.5, ls="-" if r == 1 else ":")
    rel_all = []
    for (source, sub), g in periods.groupby(["source", "subclass"], sort=True):
        marker, colour = _SUBCLASS_STYLE.get(sub, ("^", "#9467bd"))
        frac = float(g["recovered"].mean())
        out[f"{source}/{sub}"] = frac
        filled = source == "mock"  # mock filled and solid, real data open and dashed
        label = f"{source} {sub}: {int(g['recovered'].sum())}/{len(g)} ({100 * frac:.1f} %)"
        a1.scatter(g["period_true_d"], g["period_found_d"], s=14, marker=marker, label=label,
                   facecolors=colour if filled else "none", edgecolors=colour, lw=0.8)  # fmt: skip
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.abs(g["period_found_d"] - g["period_true_d"]).to_numpy(float) / g["period_true_d"].to_numpy(float)
        rel_all.append((label, colour, "-" if filled else "--", np.log10(np.clip(rel[np.isfinite(rel)], 1e-7, None))))
    a1.set_xscale("log")
    a1.set_yscale("log")
    a1.set_xlim(lo, hi)
    a1.set_ylim(lo / 2, hi * 2)
    a1.set_xlabel("true / published period [d]")
    a1.set_ylabel("recovered period [d]")
    a1.set_title("period recovery (lines: 1:1, and 1:2, 2:1 dotted)", fontsize=10)
    a1.legend(fontsize=7, loc="upper left")
    bins = np.linspace(-7, 1, 41)
    for label, colour, ls, v in rel_all:
        a2.hist(v, bins=bins, histtype="step", lw=1.4, color=colour, ls=ls, label=label.split(":")[0])
    a2.axvline(np.log10(PERIOD_TOLERANCE), color="k", ls="--", lw=0.8)
    a2.text(
        np.log10(PERIOD_TOLERANCE), 0.97, " 0.1 % tolerance", transform=a2.get_xaxis_transform(), va="top", fontsize=8
    )
    a2.set_xlabel("log10 |P_found − P_true| / P_true (values < 1e-7 at −7)")
    a2.set_ylabel("objects")
    a2.legend(fontsize=7)
    savefig(fig, path)
    return out
