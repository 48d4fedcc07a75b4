"""EzTao's DRW fits and FATS's two features of the reference light curves (issue 26), run in
their own environment (``make reference``; EzTao 0.5.1 pins scipy < 1.15).

Reads ``resources/validation/reference_features/lightcurves.csv.gz`` and writes
``resources/validation/reference_features/eztao_fats_features.csv``, one row per light curve, on the epochs that the
5σ clip keeps (as ``cesium_reference.py``):

* ``fats_pair_slope_trend``, ``fats_small_kurtosis``: FATS 1.3.6's ``PairSlopeTrend`` and
  ``SmallKurtosis``, the FATS features the AGN Data Challenge lists (lcNonPeriodic[11], [17]).
  FATS is Python 2 code: its ``FeatureFunctionLib.py`` is run after lib2to3's mechanical
  conversion (tabs expanded as Python 2 read them), unchanged otherwise.
* ``eztao_drw_sigma``, ``eztao_drw_tau``, ``eztao_drw_loglike``: ``eztao.ts.drw_fit`` with the
  challenge's bound ln τ ∈ [-4, 10] (EzTao's own amplitude bounds), 10 L-BFGS-B starts drawn as
  EzTao draws them but from a seeded generator (EzTao's own draw is unseeded), on light curves of
  at least 10 epochs (the challenge's rule); the log-likelihood is EzTao's GP at that solution
  (y minus its median, zero mean).
* ``eztao_dho_a1 … b1``, ``eztao_dho_loglike``: ``eztao.ts.dho_fit`` with its defaults (bounds,
  normalisation, 20 L-BFGS-B starts drawn as EzTao draws them, seeded) on the light curve in flux
  (nJy from AB mag) after the challenge's 3-point median filter (the ``dho_kept`` epochs), on
  light curves with more than 30 such epochs (the challenge's rule); the log-likelihood is of
  the flux, median subtracted, zero mean, at that solution.
"""

from __future__ import annotations

import importlib.util
import sys
import types
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parents[2] / "resources" / "validation" / "reference_features"
SEED = 26
N_OPT = 10


def load_fats() -> types.ModuleType:
    """FATS's feature library, converted from Python 2 by lib2to3 (tabs at 8 columns)."""
    from lib2to3.refactor import RefactoringTool, get_fixers_from_package

    root = Path(importlib.util.find_spec("FATS").submodule_search_locations[0])
    tool = RefactoringTool(get_fixers_from_package("lib2to3.fixes"))
    mod = None
    for name in ("Base", "lomb", "FeatureFunctionLib"):  # its modules import each other by bare name
        code = str(tool.refactor_string((root / f"{name}.py").read_text().expandtabs(8) + "\n", name))
        mod = types.ModuleType(name)
        mod.__file__ = str(root / f"{name}.py")
        sys.modules[name] = mod
        exec(compile(code, mod.__file__, "exec"), mod.__dict__)  # FATS's own code, converted
    return mod


def drw(t: np.ndarray, m: np.ndarray, e: np.ndarray, rng: np.random.Generator) -> tuple[float, float, float]:
    """EzTao's DRW fit (σ, τ) and its log-likelihood, with the challenge's τ bounds."""
    from celerite import GP
    from eztao.carma import DRW_term
    from eztao.ts import drw_fit

    tt, y = t - t[0], m - np.median(m)
    std, min_dt = np.std(y), np.min(np.diff(tt))
    amp_range, log_tau_range = (std / 50, 3 * std), (np.log(min_dt / 5), np.log(tt[-1] / 10))

    def init(size: int = 1) -> np.ndarray:  # eztao.ts.carma_fit.drw_log_param_init, seeded
        tau = np.exp(rng.uniform(size=(size, 1)) * (log_tau_range[1] - log_tau_range[0]) + log_tau_range[0])
        amp = rng.uniform(size=(size, 1)) * (amp_range[1] - amp_range[0]) + amp_range[0]
        return np.log(np.hstack((amp, tau)))

    bounds = [(np.log(std / 50), np.log(3 * std)), (-4.0, 10.0)]
    sigma, tau = drw_fit(t, m, e, init_func=init, n_opt=N_OPT, user_bounds=bounds, scipy_opt_kwargs={})
    if not (np.isfinite(sigma) and np.isfinite(tau)):
        return np.nan, np.nan, np.nan
    gp = GP(DRW_term(np.log(sigma), np.log(tau)), mean=0)
    gp.compute(tt, e)
    return float(sigma), float(tau), float(gp.log_likelihood(y))


def dho(t: np.ndarray, m: np.ndarray, e: np.ndarray, rng: np.random.Generator) -> tuple[float, ...]:
    """EzTao's DHO fit (a1, a2, b0, b1) of the flux and its log-likelihood."""
    from celerite import GP
    from eztao.carma import DHO_term
    from eztao.ts import dho_fit

    flux = 3631.0e9 * 10 ** (-0.4 * m)  # AB mag -> nJy
    ferr = flux * e * np.log(10) / 2.5

    def init(size: int = 1) -> np.ndarray:  # eztao.ts.carma_fit.dho_log_param_init, seeded
        log_params = rng.uniform(size=(size, 4))
        log_params[:, :2] = log_params[:, :2] * 16 + (-6)
        log_params[:, 2:3] = log_params[:, 2:3] * 12 + (-10)
        return log_params

    params = np.asarray(dho_fit(t, flux, ferr, init_func=init, scipy_opt_kwargs={}), dtype=np.float64)
    if not np.all(np.isfinite(params)):
        return (np.nan,) * 5
    gp = GP(DHO_term(*np.log(params)), mean=0)
    gp.compute(t - t[0], ferr)
    return (*params.tolist(), float(gp.log_likelihood(flux - np.median(flux))))


def main() -> None:
    import eztao
    import scipy

    warnings.filterwarnings("ignore")
    fats = load_fats()
    lcs = pd.read_csv(HERE / "lightcurves.csv.gz")
    lcs = lcs[~lcs["clipped"]].sort_values(["id", "t"], kind="stable")
    names = ("eztao_dho_a1", "eztao_dho_a2", "eztao_dho_b0", "eztao_dho_b1", "eztao_dho_loglike")
    rows = []
    for k, (name, g) in enumerate(lcs.groupby("id", sort=True)):
        t, m, e = (g[c].to_numpy(np.float64) for c in ("t", "m", "e"))
        row = {
            "id": name,
            "fats_pair_slope_trend": fats.PairSlopeTrend().fit([m]),
            "fats_small_kurtosis": fats.SmallKurtosis().fit([m]),
        }
        fit = drw(t, m, e, np.random.default_rng([SEED, k])) if len(t) >= 10 else (np.nan,) * 3
        row |= dict(zip(("eztao_drw_sigma", "eztao_drw_tau", "eztao_drw_loglike"), fit, strict=True))
        kept = g["dho_kept"].to_numpy(bool)
        fit = dho(t[kept], m[kept], e[kept], np.random.default_rng([SEED, k, 2])) if kept.sum() > 30 else (np.nan,) * 5
        row |= dict(zip(names, fit, strict=True))
        rows.append(row)
    out = HERE / "eztao_fats_features.csv"
    with open(out, "w") as fh:
        fh.write(f"# eztao {eztao.__version__}, FATS 1.3.6, scipy {scipy.__version__}, numpy {np.__version__}\n")
        pd.DataFrame(rows).set_index("id").to_csv(fh, float_format="%.10g")
    print(f"{out}: {len(rows)} light curves")


if __name__ == "__main__":
    main()
