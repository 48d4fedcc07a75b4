"""Shared observing machinery of the mock surveys: noise, detection, seasons, writers.

Noise model (every survey): the LSST-style magnitude error
``sigma_m^2 = (0.04 - gamma) x + gamma x^2`` with ``x = 10^(0.4 (m - m5))`` written in flux
space, ``sigma_f^2 = [(0.04 - gamma) f f5 + gamma f5^2] / a^2 + (f floor / a)^2``, plus a
calibration floor; it is sky limited (``sigma_f -> sqrt(gamma) f5 / a``) for faint sources.
Each survey has its own 5-sigma depth ``m5`` (varying per night), floor and saturation limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from agnlc.sky.photometry import F0_NJY, A, ab_mag_to_flux

__all__ = [
    "EPOCH_SCHEMA",
    "GAMMA",
    "Measurement",
    "Survey",
    "flux_noise",
    "measure",
    "running_index",
    "scatter_positions",
    "season_nights",
    "write_csv",
    "write_parquet",
]

GAMMA = 0.039

#: truth of every visit of every survey (same schema in every file, even an empty one)
EPOCH_SCHEMA = pa.schema(
    [
        ("objectid", pa.int64()),
        ("band", pa.string()),
        ("mjd", pa.float64()),
        ("true_mag", pa.float64()),
        ("detected", pa.bool_()),
    ]
)


def flux_noise(flux: np.ndarray, m5: np.ndarray | float, floor: float = 0.01) -> np.ndarray:
    """1-sigma flux noise (nJy) at true flux ``flux`` (>= 0) and 5-sigma depth ``m5``."""
    f = np.maximum(np.asarray(flux, dtype=np.float64), 0.0)
    f5 = F0_NJY * 10 ** (-0.4 * np.asarray(m5, dtype=np.float64))
    var = ((0.04 - GAMMA) * f * f5 + GAMMA * f5**2) / A**2 + (f * floor / A) ** 2
    return np.sqrt(var)


@dataclass
class Measurement:
    """True and observed flux (nJy), noise and S/N of each visit."""

    f_true: np.ndarray
    sigma: np.ndarray
    f_obs: np.ndarray

    @property
    def snr(self) -> np.ndarray:
        """Observed signal-to-noise ratio."""
        return self.f_obs / self.sigma


def measure(rng: np.random.Generator, true_mag: np.ndarray, m5: np.ndarray | float, floor: float) -> Measurement:
    """Observe true AB magnitudes at depth ``m5`` with Gaussian flux noise."""
    f_true, _ = ab_mag_to_flux(true_mag)
    sigma = flux_noise(f_true, m5, floor)
    return Measurement(f_true, sigma, f_true + sigma * rng.standard_normal(len(f_true)))


def season_nights(
    rng: np.random.Generator, start: float, end: float, season_doy: float, season_len: float, step: float, loss: float
) -> np.ndarray:
    """Observing nights (MJD) between ``start`` and ``end``: each year's season starts on day
    ``season_doy`` after 1 January, lasts ``season_len`` days, visits every ``step`` days, and
    a fraction ``loss`` of nights is lost to weather."""
    year0 = 51179.0  # 1999-01-01
    nights = []
    for y in range(int((start - year0) // 365.25) - 1, int((end - year0) // 365.25) + 1):
        s = year0 + y * 365.25 + season_doy
        nights.append(np.arange(s, s + season_len, step) + rng.uniform(-0.3, 0.3))
    n = np.concatenate(nights)
    n = n[(n >= start) & (n <= end)]
    return np.sort(n[rng.random(len(n)) > loss])


def scatter_positions(
    rng: np.random.Generator,
    ra: np.ndarray,
    dec: np.ndarray,
    sigma_arcsec: float,
    pix: int | None = None,
    order: int = 3,
) -> tuple[np.ndarray, np.ndarray]:
    """Positions with Gaussian astrometric scatter (per axis, arcsec).

    With ``pix`` given, a scattered position that would leave the order-``order`` pixel keeps
    the true position instead, so every row stays in the partition it is written to.
    """
    ra = np.asarray(ra, dtype=np.float64)
    dec = np.asarray(dec, dtype=np.float64)
    s = sigma_arcsec / 3600.0
    r2 = np.mod(ra + rng.normal(0.0, s, len(ra)) / np.cos(np.radians(dec)), 360.0)
    d2 = np.clip(dec + rng.normal(0.0, s, len(dec)), -90.0, 90.0)
    if pix is not None and len(ra):
        from agnlc.sky.healpix import radec_to_index

        out = radec_to_index(r2, d2, order) != pix
        r2[out], d2[out] = ra[out], dec[out]
    return r2, d2


def running_index(group: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each run of equal values of ``group`` (in the given order)."""
    group = np.asarray(group)
    if len(group) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(group, kind="stable")
    g = group[order]
    start = np.r_[True, g[1:] != g[:-1]]
    first = np.maximum.accumulate(np.where(start, np.arange(len(g)), 0))
    out = np.empty(len(g), dtype=np.int64)
    out[order] = np.arange(len(g)) - first
    return out


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write a reply-like CSV (pyarrow, deterministic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(pa.Table.from_pandas(df, preserve_index=False), path)


def write_parquet(df: pd.DataFrame | pa.Table, path: Path, schema: pa.Schema | None = None) -> None:
    """Write Parquet without pandas metadata (deterministic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = df if isinstance(df, pa.Table) else pa.Table.from_pandas(df, schema=schema, preserve_index=False)
    pq.write_table(table.replace_schema_metadata(None), path, compression="zstd")


@dataclass
class Survey:
    """Base of the mock surveys: ``visits`` says when each object is looked at, ``observe``
    measures the visits and writes the mirror rows of one partition, ``finalize`` closes the
    mirror. Subclasses set ``name`` and ``bands``."""

    out: Path
    name: str = ""
    bands: tuple[str, ...] = ()
    files: list[Path] = field(default_factory=list)
    _pending: dict[str, list] = field(default_factory=dict)

    def emit(self, key: str, data: pd.DataFrame | pa.Table) -> None:
        """Queue output rows of one chunk of objects; :meth:`flush` writes a partition's rows."""
        self._pending.setdefault(key, []).append(data)

    def flush(self, pix: int) -> None:
        """Write every queued output of partition ``pix`` (one file or HATS partition per key)."""
        for key in sorted(self._pending):
            parts = [p for p in self._pending[key] if len(p)]
            if not parts:
                continue
            data = pa.concat_tables(parts) if isinstance(parts[0], pa.Table) else pd.concat(parts, ignore_index=True)
            self.sink(key, data, pix)
        self._pending.clear()

    def sink(self, key: str, data: pd.DataFrame | pa.Table, pix: int) -> None:
        """Write one output of one partition (per survey)."""
        raise NotImplementedError

    def visits(self, rng: np.random.Generator, objects: pd.DataFrame) -> pd.DataFrame:
        """Visits ``obj, mjd, band`` (registry band) of the partition's objects."""
        raise NotImplementedError

    def observe(self, rng: np.random.Generator, objects: pd.DataFrame, vis: pd.DataFrame, pix: int) -> pd.DataFrame:
        """Measure ``vis`` (with ``true_mag``), write this partition's mirror rows, return truth epochs."""
        raise NotImplementedError

    def finalize(self) -> None:
        """Write whatever spans partitions (HATS metadata, indexes)."""

    def truth_epochs(self, objects: pd.DataFrame, vis: pd.DataFrame, detected: np.ndarray) -> pd.DataFrame:
        """The truth of every visit in :data:`EPOCH_SCHEMA` form."""
        return pd.DataFrame(
            {
                "objectid": objects["objectid"].to_numpy()[vis["obj"].to_numpy().astype(np.int64)],
                "band": vis["band"].astype(str).to_numpy(),
                "mjd": vis["mjd"].to_numpy(),
                "true_mag": vis["true_mag"].to_numpy(),
                "detected": np.asarray(detected, dtype=bool),
            }
        )
