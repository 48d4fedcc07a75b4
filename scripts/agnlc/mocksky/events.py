"""Event catalogues as the mock sky sees them: HEASARC Fermi GBM triggers (``fermigtrig``) and
BeppoSAX GRBM bursts (``saxgrbmgrb``) as CSV tables (also loaded into the local TAP service),
and IceCube track events in the format of the public 10-year point-source release
(``IC86_exp.csv``: ``MJD[days] log10(E/GeV) AngErr[deg] RA[deg] Dec[deg] Azimuth[deg] Zenith[deg]``).

Events are drawn isotropically over a region around Stripe 82 (RA -75..75, Dec -22..20) at the
all-sky rates (GBM about 240 triggers a year since 2008-08, error radii 1-15 deg; BeppoSAX
about 170 a year in 1996-2002, radii 1-5 deg; IceCube about 27 events per square degree over
2008-2018, angular errors 0.2-5 deg, log10 E/GeV 2.5-7 with a steep spectrum), plus a few
events planted within 0.3 deg of random quasars so that matches are guaranteed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.mocksky.observe import write_csv

__all__ = ["write_events"]

RA_LO, RA_HI, DEC_LO, DEC_HI = -75.0, 75.0, -22.0, 20.0


def _region(rng: np.random.Generator, density_per_deg2: float) -> tuple[np.ndarray, np.ndarray]:
    area = np.radians(RA_HI - RA_LO) * (np.sin(np.radians(DEC_HI)) - np.sin(np.radians(DEC_LO))) * (180 / np.pi) ** 2
    n = rng.poisson(density_per_deg2 * area)
    ra = np.mod(rng.uniform(RA_LO, RA_HI, n), 360.0)
    dec = np.degrees(np.arcsin(rng.uniform(np.sin(np.radians(DEC_LO)), np.sin(np.radians(DEC_HI)), n)))
    return ra, dec


def _planted(rng: np.random.Generator, truth: pd.DataFrame, k: int) -> tuple[np.ndarray, np.ndarray]:
    q = truth[truth["cls"].isin(["Qso", "highZQso"])]
    if len(q) == 0:
        return np.zeros(0), np.zeros(0)
    pick = q.iloc[rng.choice(len(q), size=min(k, len(q)), replace=False)]
    r = 0.3 * np.sqrt(rng.random(len(pick)))
    a = rng.uniform(0, 2 * np.pi, len(pick))
    dec = pick["dec"].to_numpy() + r * np.sin(a)
    ra = np.mod(pick["ra"].to_numpy() + r * np.cos(a) / np.cos(np.radians(dec)), 360.0)
    return ra, dec


def write_events(rng: np.random.Generator, truth: pd.DataFrame, out: Path) -> list[Path]:
    """Write the three event catalogues under ``out/events`` and return their paths."""
    files = []
    base = out / "events"
    # Fermi GBM triggers
    ra, dec = _region(rng, 240.0 * 16 / 41253.0)
    pra, pdec = _planted(rng, truth, 5)
    ra, dec = np.concatenate([ra, pra]), np.concatenate([dec, pdec])
    n = len(ra)
    t = np.sort(rng.uniform(54700.0, 60400.0, n))
    err = np.concatenate([rng.uniform(1.0, 15.0, n - len(pra)), rng.uniform(0.5, 1.0, len(pra))])
    ttype = rng.choice(["GRB", "GRB", "GRB", "SFLARE", "TGF", "LOCLPAR"], n)
    fermi = pd.DataFrame(
        {
            "name": [f"bn{int(x):06d}" for x in 80000 + np.arange(n)],
            "ra": np.round(ra, 4),
            "dec": np.round(dec, 4),
            "trigger_time": np.round(t, 6),
            "trigger_type": ttype,
            "error_radius": np.round(err, 3),
        }
    )
    files.append(base / "heasarc" / "fermigtrig.csv")
    write_csv(fermi, files[-1])
    # BeppoSAX GRBM bursts
    ra, dec = _region(rng, 170.0 * 6 / 41253.0)
    pra, pdec = _planted(rng, truth, 3)
    ra, dec = np.concatenate([ra, pra]), np.concatenate([dec, pdec])
    n = len(ra)
    sax = pd.DataFrame(
        {
            "name": [f"GRB{int(x):06d}" for x in 960701 + np.arange(n)],
            "ra": np.round(ra, 4),
            "dec": np.round(dec, 4),
            "time": np.round(np.sort(rng.uniform(50270.0, 52370.0, n)), 6),
            "error_radius": np.round(
                np.concatenate([rng.uniform(1.0, 5.0, n - len(pra)), rng.uniform(0.5, 1.0, len(pra))]), 3
            ),
        }
    )
    files.append(base / "heasarc" / "saxgrbmgrb.csv")
    write_csv(sax, files[-1])
    # IceCube events
    ra, dec = _region(rng, 27.0)
    pra, pdec = _planted(rng, truth, 5)
    ra, dec = np.concatenate([ra, pra]), np.concatenate([dec, pdec])
    n = len(ra)
    loge = 2.5 - np.log10(rng.random(n)) / 1.5  # steep power law above 10^2.5 GeV
    loge = np.minimum(loge, 7.0)
    ang = np.clip(0.2 * 10 ** rng.normal(0.3, 0.35, n), 0.2, 5.0)
    ang[-len(pra) :] = 0.3 if len(pra) else ang[-len(pra) :]
    ice = pd.DataFrame(
        {
            "MJD[days]": np.round(np.sort(rng.uniform(54560.0, 58300.0, n)), 6),
            "log10(E/GeV)": np.round(loge, 2),
            "AngErr[deg]": np.round(ang, 2),
            "RA[deg]": np.round(ra, 3),
            "Dec[deg]": np.round(dec, 3),
            "Azimuth[deg]": np.round(rng.uniform(0, 360, n), 3),
            "Zenith[deg]": np.round(90.0 + dec, 3),
        }
    )
    f = base / "icecube" / "IC86_exp.csv"
    f.parent.mkdir(parents=True, exist_ok=True)
    with open(f, "w") as fh:
        fh.write("# " + " ".join(ice.columns) + "\n")
        ice.to_csv(fh, sep=" ", header=False, index=False)
    files.append(f)
    return files
