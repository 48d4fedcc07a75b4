"""The band registry (``resources/bands.csv``).

One row per (archive, band): effective wavelength, photometric system (``AB``, ``Vega``,
``asinh``, ``instrumental``), zero point of the native flux unit, the offset
``ab_offset_mag = m_AB - m_native`` (never assumed 0 for Vega systems), the SDSS asinh
softening ``b``, and the archive's time standard with the offset that turns it into MJD.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from agnlc.core.paths import RESOURCES

__all__ = ["REGISTRY_PATH", "SYSTEMS", "Band", "band", "bands_of", "load_registry"]

REGISTRY_PATH = RESOURCES / "bands.csv"
SYSTEMS = ("AB", "Vega", "asinh", "instrumental")


@dataclass(frozen=True)
class Band:
    """One row of the band registry."""

    archive: str
    band: str
    object_band: str
    lambda_eff_angstrom: float
    system: str
    zero_point_mag: float
    ab_offset_mag: float
    asinh_b: float
    flux_unit: str
    time_standard: str
    mjd_offset_days: float


@lru_cache(maxsize=4)
def load_registry(path: str | Path = REGISTRY_PATH) -> pd.DataFrame:
    """Read and check the registry; one row per (archive, band).

    Raises
    ------
    ValueError
        On a duplicated (archive, band), an unknown system, a Vega/asinh band without its
        AB offset, or an asinh band without a softening parameter.
    """
    df = pd.read_csv(path, dtype={"object_band": "string"}, keep_default_na=True)
    where = str(path)
    dup = df.duplicated(["archive", "band"])
    if dup.any():
        raise ValueError(f"{where}: row {int(np.flatnonzero(dup)[0]) + 2}: duplicate (archive, band)")
    for i, row in df.iterrows():
        line = int(i) + 2
        if row["system"] not in SYSTEMS:
            raise ValueError(f"{where}: row {line}: field 'system': unknown {row['system']!r}")
        if row["system"] in ("Vega", "asinh", "AB") and pd.isna(row["ab_offset_mag"]):
            raise ValueError(f"{where}: row {line}: field 'ab_offset_mag' required for {row['system']}")
        if row["system"] == "asinh" and pd.isna(row["asinh_b"]):
            raise ValueError(f"{where}: row {line}: field 'asinh_b' required for asinh bands")
    return df


def band(archive: str, name: str, path: str | Path = REGISTRY_PATH) -> Band:
    """Look up one (archive, band) row."""
    df = load_registry(path)
    hit = df[(df["archive"] == archive) & (df["band"] == name)]
    if hit.empty:
        raise KeyError(f"band {name!r} of archive {archive!r} is not in {path}")
    r = hit.iloc[0]
    return Band(
        archive=str(r["archive"]),
        band=str(r["band"]),
        object_band="" if pd.isna(r["object_band"]) else str(r["object_band"]),
        lambda_eff_angstrom=float(r["lambda_eff_angstrom"]),
        system=str(r["system"]),
        zero_point_mag=float(r["zero_point_mag"]),
        ab_offset_mag=float(r["ab_offset_mag"]),
        asinh_b=float(r["asinh_b"]),
        flux_unit=str(r["flux_unit"]),
        time_standard=str(r["time_standard"]),
        mjd_offset_days=float(r["mjd_offset_days"]),
    )


def bands_of(archive: str, path: str | Path = REGISTRY_PATH) -> list[Band]:
    """All registry bands of one archive, in registry order."""
    df = load_registry(path)
    return [band(archive, b, path) for b in df.loc[df["archive"] == archive, "band"]]
