"""Event catalogues as the mock sky sees them: HEASARC Fermi GBM triggers (``fermigtrig``) and
BeppoSAX GRBM bursts (``saxgrbmgrb``) as CSV tables (also loaded into the local TAP service),
and IceCube track events in the format of the public 10-year point-source release
(the 10-year release's layout: ``icecube_10year_ps/events/<season>_exp.csv`` with the header
``# MJD[days] log10(E/GeV) AngErr[deg] RA[deg] Dec[deg] Azimuth[deg] Zenith[deg]`` and
``icecube_10year_ps/uptime/<season>_exp.csv`` good-run lists under the same base names).

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


#: detector seasons of the 10-year release (MJD ranges)
SEASONS = {
    "IC40": (54562.0, 54971.0),
    "IC59": (54971.0, 55347.0),
    "IC79": (55347.0, 55694.0),
    "IC86_I": (55694.0, 56062.0),
    "IC86_II": (56062.0, 56414.0),
    "IC86_III": (56414.0, 56783.0),
    "IC86_IV": (56783.0, 57160.0),
    "IC86_V": (57160.0, 57528.0),
    "IC86_VI": (57528.0, 57891.0),
    "IC86_VII": (57891.0, 58309.0),
}


def _write_aligned(path: Path, df: pd.DataFrame, widths: tuple[int, ...], decimals: tuple[int, ...]) -> None:
    """Whitespace-aligned text with one '#' header line, as the IceCube release writes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    head = "#" + "".join(f"{c:>{w}}" for c, w in zip(df.columns, widths, strict=True))
    fmt = "".join(f"%{w}.{d}f" for w, d in zip(widths, decimals, strict=True))
    with open(path, "w") as fh:
        np.savetxt(fh, df.to_numpy(dtype=float), fmt=fmt, header=head[1:], comments="#")


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
    # the release's layout: icecube_10year_ps/events/<season>_exp.csv and uptime/<season>_exp.csv,
    # whitespace-aligned text under one '#' header line
    rel = base / "icecube" / "icecube_10year_ps"
    mjd = ice["MJD[days]"].to_numpy()
    for season, (t0, t1) in SEASONS.items():
        sel = (mjd >= t0) & (mjd < t1)
        f = rel / "events" / f"{season}_exp.csv"
        _write_aligned(f, ice[sel], widths=(17, 14, 14, 14, 14, 14, 14), decimals=(8, 2, 2, 3, 3, 3, 3))
        files.append(f)
        starts = np.arange(t0, t1, 0.34)
        up = pd.DataFrame({"MJD_start[days]": starts, "MJD_stop[days]": np.minimum(starts + 0.333, t1)})
        f = rel / "uptime" / f"{season}_exp.csv"
        _write_aligned(f, up, widths=(17, 16), decimals=(8, 8))
        files.append(f)
    return files
