"""Definitions of the light-curve features (index -> name, unit, definition), SPEC §4.

Kept free of heavy imports so the Object-table contract (:mod:`agnlc.objecttables.contract`) can
carry each feature's unit and definition. The code that computes them is
:mod:`agnlc.features.compute`, with the periodic model in :mod:`agnlc.features.lombscargle`.
"""

from __future__ import annotations

from collections.abc import Sequence

N_LC_NONPERIODIC = 29
N_LC_PERIODIC = 33

#: Quality flag bits of a DRW/DHO fit (``drwFlags_<b>``, ``dhoFlags_<b>``), set by agnlc.gpfit.
FLAG_NOT_CONVERGED = 1
FLAG_AT_BOUND = 2
FLAG_SHORT_BASELINE = 4  # DRW: baseline < 10 τ, so τ is poorly constrained (Kozłowski 2017)
FLAG_BELOW_CADENCE = 8  # DRW: τ below the median spacing of the epochs, so the data cannot resolve it

#: Why a band's features are NaN (``featFlags_<b>``) or the multi-band period is (``periodFlags``):
#: one bit per reason; set per object, counted per shard in the features file's metadata.
FEATURE_FLAGS: dict[str, int] = {
    "too_few_epochs": 1,  # fewer detections at distinct times than features.min_epochs: all NaN
    "duplicate_epochs_merged": 2,  # detections at one MJD in one band were merged (inverse-variance mean)
    "constant": 4,  # no spread in magnitude: shape, period and model features are NaN
    "nonperiodic_failed": 8,  # the light-curve extractor failed for this object: its features are NaN
    "harmonic_failed": 16,  # the Lomb-Scargle model (Richards features) raised: lcPeriodic[4..32], lcNonPeriodic[7] NaN
    "drw_failed": 32,  # the DRW fit raised: lcNonPeriodic[27, 28] and drwSigmaRms NaN
    "dho_failed": 64,  # the DHO fit raised: lcPeriodic[0..3] NaN
    "period_too_few_epochs": 128,  # periodFlags: too few epochs for the multi-band model
    "period_no_peak": 256,  # periodFlags: no periodogram peak above 2 cycles per baseline
    "period_failed": 512,  # periodFlags: the multi-band period search raised
    "sigma_clipped": 1024,  # epochs more than 5σ from the median magnitude were left out (agnlc.features.clip)
}

__all__ = [
    "FEATURE_FLAGS",
    "FLAG_AT_BOUND",
    "FLAG_BELOW_CADENCE",
    "FLAG_NOT_CONVERGED",
    "FLAG_SHORT_BASELINE",
    "NONPERIODIC",
    "N_LC_NONPERIODIC",
    "N_LC_PERIODIC",
    "PERIODIC",
    "flag_counts",
    "lc_feature_column",
    "richards_names",
]


def lc_feature_column(kind: str, index: int, band: str) -> str:
    """Object-table name of one light-curve feature, e.g. ``lcNonPeriodic[23]_g``.

    Parameters
    ----------
    kind
        ``"lcNonPeriodic"`` or ``"lcPeriodic"``.
    index
        Feature index (0..28 for lcNonPeriodic, 0..32 for lcPeriodic).
    band
        One-letter object-table band.
    """
    limit = {"lcNonPeriodic": N_LC_NONPERIODIC, "lcPeriodic": N_LC_PERIODIC}[kind]
    if not 0 <= index < limit:
        raise ValueError(f"{kind} index {index} outside 0..{limit - 1}")
    return f"{kind}[{index}]_{band}"


def flag_counts(flags: Sequence[int]) -> dict[str, int]:
    """How many objects carry each :data:`FEATURE_FLAGS` reason (reasons with zero omitted)."""
    import numpy as np

    arr = np.asarray(flags, dtype=np.int64)
    out = {name: int(np.count_nonzero(arr & bit)) for name, bit in FEATURE_FLAGS.items()}
    return {k: v for k, v in out.items() if v}


def richards_names() -> list[str]:
    """Names of lcPeriodic[4..32] in index order, as the challenge's feature notebook lists them.

    cesium 0.12 calls them ``freq{i}_amplitude{j+1}``, ``freq{i}_freq``,
    ``freq{i}_rel_phase{j+1}`` and ``freq1_signif``; the challenge's are those of the cesium it ran.
    """
    names = []
    for i in (1, 2, 3):
        names += [f"freq{i}_harmonics_amplitude_{j}" for j in range(4)]
        names += [f"freq{i}_harmonics_freq_0"]
        names += [f"freq{i}_harmonics_rel_phase_{j}" for j in range(1, 4)]
    return [*names, "freq_signif", "freq_signif_ratio_21", "freq_signif_ratio_31", "freq_varrat", "freq_y_offset"]


_LS = "cesium's Lomb-Scargle model, >= 20 epochs (agnlc.features.lombscargle)"
_RICHARDS: dict[str, tuple[str, str]] = {
    "amplitude": ("mag", "Amplitude sqrt(a² + b²) of harmonic {j} of frequency {i}, " + _LS),
    "freq": ("1/d", "Frequency {i}: the best of the 1/T..33 1/d grid (step 0.8/T, 10-step zoom); " + _LS),
    "rel_phase": ("rad", "Phase of harmonic {j} of frequency {i} minus {j} × harmonic 1's, in (-π, π]; " + _LS),
    "freq_signif": ("", "Significance (Gaussian σ) of frequency 1's model: F test of its power; " + _LS),
    "freq_signif_ratio_21": ("", "Significance of frequency 2's fit over frequency 1's; " + _LS),
    "freq_signif_ratio_31": ("", "Significance of frequency 3's fit over frequency 1's; " + _LS),
    "freq_varrat": ("", "Σ w r² / Σ w m², r the residual of frequency 1's model, w = 1/(σ² + 0.05²); " + _LS),
    "freq_y_offset": ("mag", "Offset term of frequency 1's model (cesium's trend_coef[0] - cn0); " + _LS),
}


def _richards_definition(name: str) -> tuple[str, str]:
    if name.startswith("freq") and "_harmonics_" in name:
        i = int(name[4])
        kind, j = name.split("_harmonics_")[1].rsplit("_", 1)
        unit, text = _RICHARDS[kind]
        return unit, text.format(i=i, j=int(j) + 1)
    return _RICHARDS[name]


#: lcNonPeriodic index -> (name, unit, definition)
NONPERIODIC: dict[int, tuple[str, str, str]] = {
    0: ("amplitude", "mag", "Half the difference between the maximum and minimum magnitude"),
    1: ("beyond1std", "", "Fraction of epochs with |m - <m>_w| > s_w, the weighted mean and std (cesium)"),
    2: ("flux_percentile_ratio_mid20", "", "(f60 - f40) / (f95 - f5), f_q the q-th percentile of 10^(-0.4 m) (cesium)"),
    3: ("flux_percentile_ratio_mid35", "", "(f67.5 - f32.5) / (f95 - f5), flux percentiles (cesium)"),
    4: ("flux_percentile_ratio_mid50", "", "(f75 - f25) / (f95 - f5), flux percentiles (cesium)"),
    5: ("flux_percentile_ratio_mid65", "", "(f82.5 - f17.5) / (f95 - f5), flux percentiles (cesium)"),
    6: ("flux_percentile_ratio_mid80", "", "(f90 - f10) / (f95 - f5), flux percentiles (cesium)"),
    7: ("linear_trend", "mag/d", "Trend term fitted with frequency 1 of " + _LS + " (cesium's linear_trend)"),
    8: ("max_slope", "mag/d", "Maximum |Δm/Δt| between consecutive epochs"),
    9: ("median_absolute_deviation", "mag", "median(|m - median(m)|)"),
    10: ("median_buffer_range_percentage", "", "Fraction with |m - median(m)| < 0.1 (max(m) - min(m)) (cesium)"),
    11: (
        "pair_slope_trend",
        "",
        "Of the last 30 epochs' 29 differences, (# with Δm > 0 - # with Δm <= 0) / 30 (FATS PairSlopeTrend)",
    ),
    12: ("percent_amplitude", "", "max(|f_max - f50|, |f50 - f_min|) / f50, f = 10^(-0.4 m) (cesium)"),
    13: ("percent_difference_flux_percentile", "", "(f95 - f5) / f50, flux percentiles (cesium)"),
    14: ("QSO", "", "ln χ²_QSO/ν, Butler & Bloom (2011) fixed S82 DRW, as cesium's qso_fit (agnlc.features.qsofit)"),
    15: ("non_QSO", "", "ln(χ²_QSO/ν_NULL / χ²_QSO/ν), χ²_QSO/ν_NULL = Tr(C⁻¹) var(m) / ν (cesium's qso_fit)"),
    16: ("skew", "", "Sample skewness, biased: <d^3> / <d^2>^1.5, d = m - mean(m) (cesium, scipy)"),
    17: (
        "small_kurtosis",
        "",
        "n(n+1)/((n-1)(n-2)(n-3)) Σ((m - <m>)/s)⁴ - 3(n-1)²/((n-2)(n-3)), s the std with ddof 0 (FATS SmallKurtosis)",
    ),
    18: ("std", "mag", "Standard deviation, ddof 0 (cesium)"),
    19: ("stetson_j", "", "<sgn(δ²-1) sqrt|δ²-1|>, δ = sqrt(n/(n-1)) (m - m_S)/0.1, m_S the Stetson mean (cesium)"),
    20: ("stetson_k", "", "<|δ|> / sqrt(<δ²>) / 0.798, δ as for stetson_j (cesium)"),
    21: (
        "variance_over_median",
        "mag",
        "var(m) (ddof 1) / median(m), the challenge index's words; not the released table's quantity "
        "(it spans -4.16..6.28, which no variance over a magnitude gives) and not reproducible from its sources",
    ),
    22: ("chi2_dof", "", "Σ((m - <m>_w)/σ)² / (n - 1), <m>_w the inverse-variance weighted mean"),
    23: (
        "excess_variance",
        "mag²",
        "<Δm² - σ²>, Δm = (m - <m>_w) / sqrt(1 - w/Σw), w = 1/σ² (the challenge's notebook, arXiv:1710.10943)",
    ),
    24: ("normalised_excess_variance", "", "excess_variance / (n <m>_w²) (the challenge's notebook, arXiv:1202.3786)"),
    25: ("cusum_range", "", "Range of the cumulative sum of (m - <m>)/(n s)"),
    26: ("von_neumann_ratio", "", "η = Σ(m_i+1 - m_i)² / ((n-1) s²)"),
    27: (
        "drw_sigma",
        "mag/d^0.5",
        "DRW driving amplitude β₀ = σ sqrt(2/τ) (CAR(1), as EzTao); σ itself (SF∞/sqrt 2) is drwSigmaRms_<b>",
    ),
    28: ("drw_tau", "d", "DRW τ by maximum likelihood, ln τ in [-4, 10] as EzTao (observed frame); >= 10 epochs"),
}

#: lcPeriodic index -> (name, unit, definition)
PERIODIC: dict[int, tuple[str, str, str]] = {
    0: (
        "dho_a1",
        "1/d",
        "DHO (CARMA(2,1)) a1 by maximum likelihood in flux (nJy) after a 3-point median filter 5σ clip, "
        "EzTao's bounds and normalisation, the mean fitted; g, r, i with > 30 epochs (the challenge's)",
    ),
    1: ("dho_a2", "1/d²", "DHO a2 (as a1)"),
    2: ("dho_b0", "nJy/d^1.5", "DHO b0, the driving-noise amplitude, in flux (as a1)"),
    3: ("dho_b1", "nJy/d^0.5", "DHO b1, the moving-average amplitude, in flux (as a1)"),
}
for _k, _name in enumerate(richards_names(), start=4):
    PERIODIC[_k] = (_name, *_richards_definition(_name))
assert len(NONPERIODIC) == N_LC_NONPERIODIC and len(PERIODIC) == N_LC_PERIODIC
