"""Target samples: read user and literature tables, validate, merge duplicates, shard.

Input tables (CSV, ECSV, Parquet or FITS) need ``ra`` and ``dec`` in degrees (ECSV/FITS
columns with angle units are converted); ``name``, ``label`` (``;``-separated for several)
and an explicit ``id`` are optional. Every error names the file, the 1-based data row and the
field. Rows of all inputs closer than the dedup radius become one object that keeps every
label. The ``objectid`` is the HEALPix order-29 nested index of the object's position (the
member with the smallest index), so it depends on the input positions, not on row order.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import astropy.units as u
import numpy as np
import pandas as pd
import pyarrow as pa
from astropy.coordinates import SkyCoord, search_around_sky
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from agnlc.sky.healpix import parent, radec_to_index

__all__ = [
    "DEC_NAMES",
    "RA_NAMES",
    "InputTable",
    "SampleError",
    "build_targets",
    "read_sample",
    "split_shards",
]

RA_NAMES = ("ra", "ra_deg", "raj2000", "ra_icrs")
DEC_NAMES = ("dec", "dec_deg", "dej2000", "decj2000", "de_icrs", "dec_icrs")
NAME_NAMES = ("name", "objname", "object", "source_name")
LABEL_NAMES = ("label", "labels")
ID_NAMES = ("id", "objectid", "objid", "source_id")
MAX_NAME_LEN = 256


class SampleError(ValueError):
    """Bad sample input; the message names file, row (1-based) and field."""


@dataclass
class InputTable:
    """One validated input: positions in degrees, names, labels (lists) and its file."""

    path: str
    ra: np.ndarray
    dec: np.ndarray
    names: np.ndarray
    labels: list[list[str]]


def _find(cols: list[str], options: tuple[str, ...]) -> str | None:
    low = {c.lower().strip(): c for c in cols}
    for o in options:
        if o in low:
            return low[o]
    return None


def _read_raw(path: Path) -> tuple[pd.DataFrame, dict[str, u.UnitBase | None]]:
    """Read a table file into a DataFrame of its cells plus column units (if any)."""
    where = str(path)
    if not path.exists():
        raise SampleError(f"{where}: file not found")
    if path.stat().st_size == 0:
        raise SampleError(f"{where}: file is empty")
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix.lower() == ".gz" else path.suffix.lower()
    units: dict[str, u.UnitBase | None] = {}
    try:
        if suffix in (".csv", ".csv.gz", ".txt"):
            with open(path, "rb") as fh:
                head = fh.read(4096)
            if b"\x00" in head and suffix != ".csv.gz":
                raise SampleError(f"{where}: not a text table (binary content)")
            df = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True, comment=None)
        elif suffix in (".ecsv", ".fits", ".fit"):
            from astropy.table import Table

            fmt = "ascii.ecsv" if suffix == ".ecsv" else "fits"
            tab = Table.read(path, format=fmt)
            units = {c: tab[c].unit for c in tab.colnames}
            df = tab.to_pandas()
        elif suffix in (".parquet", ".pq"):
            df = pd.read_parquet(path)
        else:
            raise SampleError(f"{where}: unknown format {path.suffix!r} (use .csv, .ecsv, .parquet or .fits)")
    except SampleError:
        raise
    except pd.errors.EmptyDataError:
        raise SampleError(f"{where}: file is empty (no header)") from None
    except Exception as exc:  # any parser failure becomes a named, clean error
        raise SampleError(f"{where}: cannot be read as a {suffix} table: {type(exc).__name__}: {exc}") from None
    return df, units


def _numeric(df: pd.DataFrame, col: str, where: str, field: str) -> np.ndarray:
    raw = df[col]
    vals = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64", na_value=np.nan).copy()
    bad = ~np.isfinite(vals)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        cell = raw.iloc[row]
        cell_s = str(cell)[:40]
        raise SampleError(f"{where}: row {row + 1}: field '{field}' (column '{col}'): not a finite number: {cell_s!r}")
    return vals


def read_sample(path: str | os.PathLike[str], default_label: str | None = None) -> InputTable:
    """Read and validate one sample file.

    Parameters
    ----------
    path
        CSV, ECSV, Parquet or FITS file.
    default_label
        Label for rows without one (default: the file stem).

    Raises
    ------
    SampleError
        Naming file, 1-based row and field: missing ra/dec column, empty table, a
        non-numeric/NaN/inf coordinate, ra outside [-180, 360), |dec| > 90, a duplicate
        explicit id, a name longer than 256 characters or an unknown format.
    """
    p = Path(path)
    where = str(p)
    df, units = _read_raw(p)
    cols = [str(c) for c in df.columns]
    df.columns = cols
    ra_col, dec_col = _find(cols, RA_NAMES), _find(cols, DEC_NAMES)
    if ra_col is None or dec_col is None:
        missing = "ra" if ra_col is None else "dec"
        raise SampleError(
            f"{where}: row 0 (header): field '{missing}': column missing "
            f"(found columns {cols[:12]}; expected one of {RA_NAMES if missing == 'ra' else DEC_NAMES})"
        )
    if len(df) == 0:
        raise SampleError(f"{where}: no data rows (header only)")
    ra = _numeric(df, ra_col, where, "ra")
    dec = _numeric(df, dec_col, where, "dec")
    for col, arr, name in ((ra_col, ra, "ra"), (dec_col, dec, "dec")):
        unit = units.get(col)
        if unit is not None and unit != u.deg:
            try:
                arr[:] = (arr * unit).to_value(u.deg)
            except u.UnitConversionError:
                raise SampleError(f"{where}: row 1: field '{name}': unit {unit} is not an angle") from None
    bad = (ra < -180.0) | (ra >= 360.0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise SampleError(f"{where}: row {row + 1}: field 'ra': {ra[row]} outside [-180, 360) deg")
    bad = np.abs(dec) > 90.0
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise SampleError(f"{where}: row {row + 1}: field 'dec': {dec[row]} outside [-90, 90] deg")
    ra = np.mod(ra, 360.0)

    id_col = _find(cols, ID_NAMES)
    if id_col is not None:
        ids = df[id_col].astype(str).str.strip()
        dup = ids.duplicated(keep=False).to_numpy() & (ids != "").to_numpy()
        if dup.any():
            rows = np.flatnonzero(dup)
            first = rows[0]
            same = rows[ids.iloc[rows].to_numpy() == ids.iloc[first]]
            raise SampleError(
                f"{where}: row {same[1] + 1}: field 'id' (column '{id_col}'): duplicate id "
                f"{ids.iloc[first][:40]!r} (also row {same[0] + 1})"
            )
    name_col = _find(cols, NAME_NAMES)
    if name_col is not None:
        names = df[name_col].fillna("").astype(str).str.strip().to_numpy(dtype=object)
    elif id_col is not None:
        names = df[id_col].fillna("").astype(str).str.strip().to_numpy(dtype=object)
    else:
        names = np.array([""] * len(df), dtype=object)
    lens = np.fromiter((len(n) for n in names), dtype=np.int64, count=len(names))
    if (lens > MAX_NAME_LEN).any():
        row = int(np.flatnonzero(lens > MAX_NAME_LEN)[0])
        raise SampleError(f"{where}: row {row + 1}: field 'name': longer than {MAX_NAME_LEN} characters")
    label = default_label or p.name.split(".")[0]
    label_col = _find(cols, LABEL_NAMES)
    if label_col is not None:
        raw = df[label_col].fillna("").astype(str)
        labels = [[s.strip() for s in v.split(";") if s.strip()] or [label] for v in raw]
    else:
        labels = [[label]] * len(df)
    return InputTable(path=where, ra=ra, dec=dec, names=names, labels=labels)


def build_targets(inputs: list[InputTable], dedup_radius_arcsec: float) -> pd.DataFrame:
    """Merge inputs into one target table (contract :data:`agnlc.core.tables.SAMPLE`).

    Rows of all inputs within ``dedup_radius_arcsec`` of each other (transitively) become one
    object keeping every label, name source and file. The position of an object is that of
    its member with the smallest HEALPix order-29 index, which does not depend on row order.
    """
    if not inputs:
        raise SampleError("no sample inputs: configure samples.files, samples.literature or samples.mock")
    ra = np.concatenate([t.ra for t in inputs])
    dec = np.concatenate([t.dec for t in inputs])
    names = np.concatenate([t.names for t in inputs])
    files = np.concatenate([np.full(len(t.ra), Path(t.path).name, dtype=object) for t in inputs])
    labels = [lab for t in inputs for lab in t.labels]
    n = len(ra)
    hpx = radec_to_index(ra, dec)

    coords = SkyCoord(ra * u.deg, dec * u.deg)
    i1, i2, _, _ = search_around_sky(coords, coords, dedup_radius_arcsec * u.arcsec)
    graph = coo_matrix((np.ones(len(i1), dtype=np.int8), (i1, i2)), shape=(n, n))
    _, group = connected_components(graph, directed=False)

    # order members by (group, hpx, name, file) so every choice below is order independent
    order = np.lexsort((files.astype(str), names.astype(str), hpx, group))
    g_sorted = group[order]
    starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
    rep = order[starts]
    counts = np.diff(np.r_[starts, n])

    # names: first non-empty name of the group in sorted order
    nm = names.astype(str)[order]
    nonempty = nm != ""
    has = np.add.reduceat(nonempty.astype(np.int64), starts) > 0
    # index of first non-empty within each group: search forward from the group start
    pos_nonempty = np.flatnonzero(nonempty)
    j = np.searchsorted(pos_nonempty, starts)
    j = np.minimum(j, max(len(pos_nonempty) - 1, 0))
    first_idx = pos_nonempty[j] if len(pos_nonempty) else np.zeros_like(starts)
    group_name = np.where(has, nm[first_idx] if len(pos_nonempty) else "", "")

    # labels and files: sorted unique per group, built column-wise
    lab_group = np.repeat(group, [len(lab) for lab in labels])
    lab_vals = np.array([x for lab in labels for x in lab], dtype=object)
    label_lists = _group_unique_lists(lab_group, lab_vals, group[rep])
    file_lists = _group_unique_lists(group, files, group[rep])

    df = pd.DataFrame(
        {
            "objectid": hpx[rep],
            "ra": ra[rep],
            "dec": dec[rep],
            "name": group_name,
            "labels": label_lists,
            "inputs": file_lists,
            "n_inputs": counts.astype(np.int32),
        }
    )
    dup = df["objectid"].duplicated().to_numpy()
    if dup.any():  # two distinct objects in one order-29 pixel (< 1 mas apart): not resolvable
        raise SampleError(f"two targets share HEALPix-29 index {int(df['objectid'][dup].iloc[0])}")
    return df.sort_values("objectid", kind="stable").reset_index(drop=True)


def _group_unique_lists(group: np.ndarray, values: np.ndarray, group_order: np.ndarray) -> list[list[str]]:
    """Sorted unique values per group, returned in the order of ``group_order``."""
    frame = pd.DataFrame({"g": group, "v": values.astype(str)}).drop_duplicates()
    frame = frame.sort_values(["g", "v"], kind="stable")
    g = frame["g"].to_numpy()
    v = frame["v"].to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if len(g) else np.zeros(0, dtype=np.int64)
    offsets = np.r_[starts, len(g)].astype(np.int32)
    lists = pa.ListArray.from_arrays(pa.array(offsets), pa.array(v, type=pa.string())).to_pylist()
    by_group = dict(zip(g[starts], lists, strict=True))
    return [by_group.get(k, []) for k in group_order]


def split_shards(targets: pd.DataFrame, n_shards: int, healpix_order: int) -> list[pd.DataFrame]:
    """Split targets into ``n_shards`` spatially compact shards of near-equal size.

    Targets are ordered by their order-29 index (which orders them by pixel at every lower
    order), and cut into contiguous runs; a cut that would split a ``healpix_order`` pixel is
    moved to the nearest pixel boundary when that keeps every shard within 50% of the mean
    size, so most pixels live in one shard.
    """
    t = targets.sort_values("objectid", kind="stable").reset_index(drop=True)
    n = len(t)
    if n_shards < 1:
        raise ValueError("n_shards must be >= 1")
    ideal = np.linspace(0, n, n_shards + 1).round().astype(np.int64)
    pix = parent(t["objectid"].to_numpy(), healpix_order)
    boundaries = np.flatnonzero(np.r_[True, pix[1:] != pix[:-1], True])  # pixel starts + n
    cuts = ideal.copy()
    tol = max(n / max(n_shards, 1) * 0.5, 0)
    for k in range(1, n_shards):
        b = boundaries[np.argmin(np.abs(boundaries - ideal[k]))]
        if abs(b - ideal[k]) <= tol and cuts[k - 1] <= b:
            cuts[k] = b
    cuts = np.maximum.accumulate(cuts)
    cuts[-1] = n
    return [t.iloc[cuts[k] : cuts[k + 1]].reset_index(drop=True) for k in range(n_shards)]
