r"""Target samples: read user and literature tables, validate, merge duplicates, shard.

Input tables (CSV/TSV, ECSV, Parquet, FITS, VOTable or IPAC; the text ones and FITS optionally
gzip-compressed: ``.csv.gz``, ``.fits.gz``) need ``ra`` and ``dec``: in degrees, or in the unit
the column names (ECSV/FITS/VOTable units, or a header such as ``RA [h]``, ``dec (deg)``), or
sexagesimal text (RA in hours,
``12:34:56.7`` or ``12h34m56.7s``). ``name``, ``label`` (``;``-separated, or a list in Parquet)
and an explicit ``id`` are optional and may be empty. Text files may be UTF-8 (with or without
BOM), UTF-16 (with BOM) or Latin-1/Windows-1252 (read with a warning), and may start with
comment or metadata lines (``#`` or ``\``). Every error names the file, the 1-based data
row and the field; ambiguous input (two columns for one field, boolean coordinates) is an
error, suspicious input (all RA below 24, "looks like hours") a warning naming the file.

Rows of all inputs closer than the dedup radius become one object that keeps every
label. The ``objectid`` is the HEALPix order-29 nested index of the object's position (the
member with the smallest index), so it depends on the input positions, not on row order.
"""

from __future__ import annotations

import codecs
import gzip
import io
import logging
import os
import re
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

RA_NAMES = ("ra", "ra_deg", "radeg", "raj2000", "_raj2000", "ra_j2000", "ra_icrs", "right_ascension")
DEC_NAMES = ("dec", "dec_deg", "decdeg", "dedeg", "dej2000", "_dej2000", "decj2000", "dec_j2000", "de_icrs",
             "dec_icrs", "declination")  # fmt: skip
NAME_NAMES = ("name", "objname", "object", "source_name")
LABEL_NAMES = ("label", "labels")
ID_NAMES = ("id", "objectid", "objid", "source_id")
MAX_NAME_LEN = 256

log = logging.getLogger("agnlc.samples")

#: file suffix -> astropy format: ECSV, FITS, VOTable (TAP and VizieR exports), IPAC (IRSA exports)
_ASTROPY_FORMATS = {
    ".ecsv": "ascii.ecsv", ".fits": "fits", ".fit": "fits", ".vot": "votable", ".votable": "votable",
    ".xml": "votable", ".tbl": "ascii.ipac", ".ipac": "ascii.ipac",
}  # fmt: skip

#: a unit written in a header: ``ra [deg]``, ``RA (h)``, ``dec_[degrees]``
_HEADER_UNIT = re.compile(r"^(?P<name>.*?)[\s_]*[\[(](?P<unit>[^\])]*)[\])]\s*$")
_UNIT_SPELLINGS = {
    "deg": u.deg, "degree": u.deg, "degrees": u.deg, "°": u.deg, "d": u.deg,
    "h": u.hourangle, "hr": u.hourangle, "hour": u.hourangle, "hours": u.hourangle, "hourangle": u.hourangle,
    "rad": u.rad, "radian": u.rad, "radians": u.rad,
}  # fmt: skip


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


def _split_header(col: str) -> tuple[str, str | None]:
    """``"RA [deg]"`` -> ``("ra", "deg")``; ``"ra"`` -> ``("ra", None)`` (name lower-cased)."""
    m = _HEADER_UNIT.match(col.strip())
    if m and m.group("name"):
        return m.group("name").strip().lower(), m.group("unit").strip()
    return col.strip().lower(), None


def _find(cols: list[str], options: tuple[str, ...], where: str = "", field: str = "") -> str | None:
    """The column for one field: the first of ``options`` present (header units ignored).

    Two columns that both spell the chosen option (``ra`` and ``RA``, ``ra`` and ``ra [deg]``)
    are ambiguous: a :class:`SampleError` naming both.
    """
    by_name: dict[str, list[str]] = {}
    for c in cols:
        by_name.setdefault(_split_header(c)[0], []).append(c)
    for o in options:
        if o in by_name:
            if len(by_name[o]) > 1 and field:
                raise SampleError(
                    f"{where}: row 0 (header): field '{field}': columns {by_name[o]} both name it; keep one"
                )
            return by_name[o][0]
    return None


def _angle_unit(text: str | u.UnitBase | None, where: str, field: str) -> u.UnitBase | None:
    """An angle unit from its spelling (``deg``, ``Degrees``, ``h``, ``hourangle``, ...)."""
    if text is None or text == "":
        return None
    if isinstance(text, u.UnitBase) and not isinstance(text, u.UnrecognizedUnit):
        unit = text
    else:
        key = str(text).strip().lower().rstrip(".")
        unit = _UNIT_SPELLINGS.get(key)
        if unit is None:
            try:
                unit = u.Unit(str(text).strip())
            except ValueError:
                raise SampleError(f"{where}: row 0 (header): field '{field}': unit {text!s} is not known") from None
    if unit == u.hour:  # FITS and VOTable write hours of right ascension as the time unit 'h'
        unit = u.hourangle
    if unit.physical_type != "angle":
        raise SampleError(f"{where}: row 1: field '{field}': unit {unit} is not an angle")
    return unit


def _decode(raw: bytes, where: str) -> str:
    """Text of a table file: UTF-8 (BOM or not), UTF-16 with BOM, else Latin-1 with a warning."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict")
    head = raw[:4096]
    if b"\x00" in head:
        if len(head) > 8 and head[1::2].count(0) > 0.9 * len(head[1::2]):  # UTF-16 LE without BOM
            return raw.decode("utf-16-le")
        if len(head) > 8 and head[0::2].count(0) > 0.9 * len(head[0::2]):
            return raw.decode("utf-16-be")
        raise SampleError(f"{where}: not a text table (binary content)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        log.warning("%s: not UTF-8 (first at line %d); read as Windows-1252/Latin-1", where, line)
        return raw.decode("cp1252", errors="replace") if _cp1252_ok(raw) else raw.decode("latin-1")


def _cp1252_ok(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _strip_preamble(text: str) -> str:
    r"""Drop leading comment/metadata lines (``#`` or ``\``) and blank lines before the header."""
    lines = text.splitlines(keepends=True)
    k = 0
    while k < len(lines) and (not lines[k].strip() or lines[k].lstrip().startswith(("#", "\\"))):
        k += 1
    return "".join(lines[k:])


def _read_raw(path: Path) -> tuple[pd.DataFrame, dict[str, u.UnitBase | None]]:
    """Read a table file into a DataFrame of its cells plus column units (if any)."""
    where = str(path)
    if not path.exists():
        raise SampleError(f"{where}: file not found")
    if path.stat().st_size == 0:
        raise SampleError(f"{where}: file is empty")
    gz = path.suffix.lower() == ".gz"
    suffix = "".join(path.suffixes[-2:]).lower().removesuffix(".gz") if gz else path.suffix.lower()
    units: dict[str, u.UnitBase | None] = {}
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            raw = path.read_bytes()
            if gz:
                try:
                    raw = gzip.decompress(raw)
                except (OSError, EOFError) as exc:
                    raise SampleError(f"{where}: not a readable gzip file ({exc})") from None
            text = _strip_preamble(_decode(raw, where))
            if not text.strip():
                raise SampleError(f"{where}: file is empty (no header)")
            header = text.split("\n", 1)[0]
            sep = "\t" if suffix == ".tsv" or ("\t" in header and "," not in header) else ","
            df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True)
            blank = (df.apply(lambda c: c.str.strip()) == "").all(axis=1)  # spreadsheets' trailing ",,," rows
            df = df[~blank].reset_index(drop=True) if blank.any() and not blank.all() else df
        elif suffix in _ASTROPY_FORMATS:
            from astropy.table import Table

            tab = Table.read(path, format=_ASTROPY_FORMATS[suffix])
            units = {c: tab[c].unit for c in tab.colnames}
            df = tab.to_pandas()
        elif suffix in (".parquet", ".pq"):
            df = pd.read_parquet(path)
        else:
            raise SampleError(
                f"{where}: unknown format {path.suffix!r} (use .csv, .tsv, .ecsv, .parquet, .fits, .vot or .tbl)"
            )
    except SampleError:
        raise
    except pd.errors.EmptyDataError:
        raise SampleError(f"{where}: file is empty (no header)") from None
    except Exception as exc:  # any parser failure becomes a named, clean error
        raise SampleError(f"{where}: cannot be read as a {suffix} table: {type(exc).__name__}: {exc}") from None
    return df, units


def _sexagesimal(raw: pd.Series, field: str) -> np.ndarray | None:
    """Degrees from sexagesimal text (RA in hours, Dec in degrees), or None if it is not that."""
    from astropy.coordinates import Angle

    text = raw.astype(str).str.strip()
    if not text.str.contains(r"^[+-]?\d{1,3}[:hd\s]\s*\d", regex=True).all():
        return None
    unit = u.hourangle if field == "ra" else u.deg
    out = np.full(len(text), np.nan)
    try:
        out[:] = Angle(text.to_numpy(), unit=unit).to_value(u.deg)
    except (ValueError, TypeError):
        for i, v in enumerate(text):  # find the row that does not parse; the others stay
            try:
                out[i] = Angle(v, unit=unit).to_value(u.deg)
            except (ValueError, TypeError):
                out[i] = np.nan
    return out


def _numeric(df: pd.DataFrame, col: str, where: str, field: str) -> np.ndarray:
    raw = df[col]
    if pd.api.types.is_bool_dtype(raw.dtype) or (
        raw.dtype == object and raw.map(lambda v: isinstance(v, bool | np.bool_)).any()
    ):
        raise SampleError(f"{where}: row 1: field '{field}' (column '{col}'): boolean values, not coordinates")
    vals = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64", na_value=np.nan).copy()
    bad = ~np.isfinite(vals)
    if bad.all() and not pd.api.types.is_numeric_dtype(raw.dtype):
        sexa = _sexagesimal(raw, field)
        if sexa is not None:
            vals, bad = sexa, ~np.isfinite(sexa)
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
    ra_col, dec_col = _find(cols, RA_NAMES, where, "ra"), _find(cols, DEC_NAMES, where, "dec")
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
    explicit = False
    for col, arr, name in ((ra_col, ra, "ra"), (dec_col, dec, "dec")):
        unit = _angle_unit(units.get(col) or _split_header(col)[1], where, name)
        explicit |= unit is not None
        if unit is not None and unit != u.deg:
            arr[:] = (arr * unit).to_value(u.deg)
    if not explicit and len(ra) >= 3 and np.all((ra >= 0) & (ra < 24)):
        log.warning(
            "%s: all %d RA values are below 24: if they are hours, convert them or name the unit (e.g. 'ra [h]')",
            where,
            len(ra),
        )
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
        ids = _text_column(df[id_col])
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
        names = _text_column(df[name_col]).to_numpy(dtype=object)
    elif id_col is not None:
        names = _text_column(df[id_col]).to_numpy(dtype=object)
    else:
        names = np.array([""] * len(df), dtype=object)
    lens = np.fromiter((len(n) for n in names), dtype=np.int64, count=len(names))
    if (lens > MAX_NAME_LEN).any():
        row = int(np.flatnonzero(lens > MAX_NAME_LEN)[0])
        raise SampleError(f"{where}: row {row + 1}: field 'name': longer than {MAX_NAME_LEN} characters")
    label = default_label or p.name.split(".")[0]
    label_col = _find(cols, LABEL_NAMES)
    if label_col is not None:
        labels = [_labels_of(v) or [label] for v in df[label_col]]
    else:
        labels = [[label]] * len(df)
    return InputTable(path=where, ra=ra, dec=dec, names=names, labels=labels)


def _text_column(col: pd.Series) -> pd.Series:
    """Stripped text of an optional column; missing values (NaN, None, NA) are ``""``.

    Integral floats (an id column with a gap, read back as float) lose their ``.0``.
    """
    if pd.api.types.is_float_dtype(col.dtype):
        v = col.to_numpy(float)
        finite = np.isfinite(v)
        text = col.astype(str).to_numpy(dtype=object)
        ints = finite & (v == np.round(v))
        text[ints] = v[ints].astype(np.int64).astype(str)
        text[~finite] = ""
        return pd.Series(text, index=col.index, dtype=object).str.strip()
    return col.astype(object).where(col.notna(), "").astype(str).str.strip()


def _labels_of(value: object) -> list[str]:
    """Labels of one cell: a list/array (Parquet ``List<string>``) or ``;``-separated text."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return [str(x).strip() for x in value if x is not None and str(x).strip()]
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or value is pd.NA:
        return []
    return [x.strip() for x in str(value).split(";") if x.strip()]


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
    _warn_wide_groups(coords, group, dedup_radius_arcsec)

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


def _warn_wide_groups(coords: SkyCoord, group: np.ndarray, radius_arcsec: float) -> None:
    """Warn when transitive merging chained rows wider than twice the radius into one object."""
    sizes = np.bincount(group)
    multi = np.flatnonzero(sizes > 2)  # a pair is never wider than the radius
    if len(multi) == 0:
        return
    wide = 0
    worst = 0.0
    for g in multi:  # only groups of three or more rows: few, and small
        c = coords[group == g]
        span = float(c[:, None].separation(c[None, :]).arcsec.max())
        if span > 2 * radius_arcsec:
            wide += 1
            worst = max(worst, span)
    if wide:
        log.warning(
            "%d object(s) merge rows that chain wider than twice the dedup radius (%.1f arcsec; widest %.1f "
            "arcsec): check samples.dedup_radius_arcsec",
            wide,
            radius_arcsec,
            worst,
        )


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
