"""Light curves for the reference cross-check of the lc* features (issue 26), in the run env.

Writes ``resources/validation/reference_features/lightcurves.csv.gz`` (``id, kind, t, m, e, clipped, dho_kept``: MJD,
AB mag, mag error, whether agnlc's 5σ clip leaves the epoch out, and whether the CARMA(2,1) fit's
median filter keeps it): 100 Sesar et al. (2010) Stripe 82 RR Lyrae in g (real data,
resources/validation), 150 S82-like damped random walks (60 epochs over 8 seasons, τ 20–1000 d,
σ 0.05–0.3 mag, 0.02-mag errors; 30 with one epoch dimmed by 1.5 mag, as SDSS's spurious
dimming), 50 white-noise light curves and 50 CARMA(2,1) ones (overdamped, 0.2 mag), all
from fixed seeds. ``make reference`` then runs ``cesium_reference.py`` on them in a separate
environment with cesium.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.features import carma
from agnlc.features.clip import sigma_clip_keep
from agnlc.features.compute import dho_input
from agnlc.features.validation import sesar_light_curves
from agnlc.mocksky.processes import drw

OUT = Path(__file__).resolve().parents[2] / "resources" / "validation" / "reference_features" / "lightcurves.csv.gz"
SEED = 26


def s82_times(rng: np.random.Generator, n: int, n_epochs: int = 60) -> np.ndarray:
    """Stripe 82-like epochs: 8 autumn seasons of ~100 days from MJD 51,000."""
    season = rng.integers(0, 8, size=(n, n_epochs))
    t = 51_000.0 + 365.25 * season + rng.uniform(0, 100, size=(n, n_epochs))
    return np.sort(t, axis=1)


def main() -> None:
    rng = np.random.default_rng(SEED)
    frames = []
    sesar = sesar_light_curves()
    for num in sorted(sesar)[:100]:
        g = sesar[num]
        g = g[g["band"] == "g"]
        frame = {"id": f"sesar{num}", "kind": "rrlyrae", "t": g["time"], "m": g["mag"], "e": g["magerr"]}
        frames.append(pd.DataFrame(frame))
    n_drw, n_wn = 150, 50
    t = s82_times(rng, n_drw)
    tau = 10 ** rng.uniform(np.log10(20), 3, n_drw)
    sigma = rng.uniform(0.05, 0.3, n_drw)
    x = drw(t, tau, sigma, rng.standard_normal(t.shape))
    m = 19.0 + x + 0.02 * rng.standard_normal(t.shape)
    # SDSS's "spurious dimming" (Schmidt et al. 2010): one epoch 1.5 mag too faint in 30 of them
    m[np.arange(30), rng.integers(0, t.shape[1], 30)] += 1.5
    for i in range(n_drw):
        frames.append(pd.DataFrame({"id": f"drw{i:03d}", "kind": "drw", "t": t[i], "m": m[i], "e": 0.02}))
    t = s82_times(rng, n_wn)
    for i in range(n_wn):
        m = 18.5 + 0.03 * rng.standard_normal(t.shape[1])
        frames.append(pd.DataFrame({"id": f"wn{i:03d}", "kind": "white", "t": t[i], "m": m, "e": 0.03}))
    # CARMA(2,1) light curves for the DHO cross-check: overdamped, as the mock sky's DHO quasars
    n_dho = 50
    t = s82_times(rng, n_dho)
    for i in range(n_dho):
        a1, a2, b0, b1 = carma.from_timescales(rng.uniform(100, 600), rng.uniform(3, 30), rng.uniform(1, 20), 0.2)
        m = 19.0 + carma.simulate(t[i], a1, a2, b0, b1, rng.standard_normal(t.shape[1]))
        m += 0.02 * rng.standard_normal(t.shape[1])
        frames.append(pd.DataFrame({"id": f"dho{i:03d}", "kind": "dho", "t": t[i], "m": m, "e": 0.02}))
    out = pd.concat(frames, ignore_index=True)
    # the challenge's 5σ clip, which agnlc applies before every feature: cesium gets the kept rows
    out["clipped"] = ~sigma_clip_keep(pd.factorize(out["id"])[0], out["m"].to_numpy()).astype(bool)
    # and, of those, the epochs its CARMA(2,1) fits keep (3-point median filter, 5σ, in flux)
    kept = out[~out["clipped"]].sort_values(["id", "t"], kind="stable")
    group = pd.factorize(kept["id"])[0]
    out["dho_kept"] = False
    out.loc[kept.index, "dho_kept"] = dho_input(group, kept["m"].to_numpy(), kept["e"].to_numpy())[2]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(OUT, index=False, float_format="%.6f", compression={"method": "gzip", "mtime": 0})
    print(f"{OUT}: {out['id'].nunique()} light curves, {len(out)} epochs, {int(out['clipped'].sum())} clipped")


if __name__ == "__main__":
    main()
