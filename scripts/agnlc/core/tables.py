"""Table contracts: the machinery (columns with units, schemas, validation).

Every stage that writes a table builds it against one :class:`TableSchema` and checks it with
:func:`validate` before writing. Units live in the Arrow field metadata (``unit``) and in the
column names where the LSST naming puts them. The contracts themselves live with their stages:
:mod:`agnlc.samples.contract`, :mod:`agnlc.archives.contract`, :mod:`agnlc.merge.contract`,
:mod:`agnlc.objecttables.contract`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["LIST_STR", "STR", "Column", "SchemaError", "TableSchema", "validate"]

STR = pa.string()
LIST_STR = pa.list_(pa.string())


class SchemaError(ValueError):
    """A table does not satisfy its contract.

    The message names the table (or file), the column and, where one row is at fault,
    the 1-based row number.
    """


@dataclass(frozen=True)
class Column:
    """One column of a table contract.

    Parameters
    ----------
    name
        Column name.
    dtype
        Arrow type of the column.
    unit
        Physical unit ("" for dimensionless or not applicable).
    description
        One-line meaning, written into the Parquet field metadata.
    nullable
        Whether missing values (null / NaN) are allowed.
    min, max
        Optional inclusive bounds checked on non-missing values.
    """

    name: str
    dtype: pa.DataType
    unit: str = ""
    description: str = ""
    nullable: bool = True
    min: float | None = None
    max: float | None = None

    def arrow_field(self) -> pa.Field:
        """The Arrow field, with ``unit`` and ``description`` as field metadata."""
        meta = {"unit": self.unit, "description": self.description}
        return pa.field(self.name, self.dtype, nullable=self.nullable, metadata=meta)


@dataclass(frozen=True)
class TableSchema:
    """An ordered set of columns with a name and an optional unique key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default_factory=tuple)
    description: str = ""

    @property
    def names(self) -> list[str]:
        """Column names in contract order."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def arrow_schema(self) -> pa.Schema:
        """The Arrow schema with per-field unit metadata."""
        return pa.schema([c.arrow_field() for c in self.columns])

    def empty(self) -> pd.DataFrame:
        """An empty DataFrame with the contract's columns and dtypes."""
        return self.arrow_schema().empty_table().to_pandas()


def _is_missing(values: pd.Series) -> np.ndarray:
    return values.isna().to_numpy()


def _coerce(series: pd.Series, col: Column, where: str) -> pd.Series:
    """Cast ``series`` to the column's Arrow type via pandas, naming the first bad row."""
    t = col.dtype
    try:
        if pa.types.is_floating(t):
            out = pd.to_numeric(series, errors="raise").astype("float32" if t == pa.float32() else "float64")
        elif pa.types.is_integer(t):
            num = pd.to_numeric(series, errors="raise")
            if num.isna().any():
                if not col.nullable:
                    raise ValueError("missing value")
                out = num.astype("Int64")
            else:
                if not np.all(np.isfinite(num.to_numpy(dtype="float64"))) or not np.all(
                    num.to_numpy(dtype="float64") == np.round(num.to_numpy(dtype="float64"))
                ):
                    raise ValueError("non-integer value")
                out = num.astype("int64")
        elif pa.types.is_boolean(t):
            if series.dtype == bool:
                out = series
            else:
                uniq = set(pd.unique(series.dropna()))
                if not uniq <= {True, False}:
                    raise ValueError("non-boolean value")
                out = series.astype(bool)
        else:
            out = series
    except (ValueError, TypeError) as exc:
        bad = _first_bad_row(series, t)
        raise SchemaError(f"{where}: column '{col.name}' row {bad}: cannot convert to {t} ({exc})") from None
    return out


def _first_bad_row(series: pd.Series, t: pa.DataType) -> int | str:
    if pa.types.is_floating(t) or pa.types.is_integer(t):
        num = pd.to_numeric(series, errors="coerce")
        bad = np.flatnonzero(num.isna().to_numpy() & ~series.isna().to_numpy())
        if len(bad) == 0:
            bad = np.flatnonzero(series.isna().to_numpy())
        return int(bad[0]) + 1 if len(bad) else "?"
    return "?"


def validate(df: pd.DataFrame, schema: TableSchema, where: str | None = None) -> pd.DataFrame:
    """Check ``df`` against ``schema`` and return it with contract column order and dtypes.

    Parameters
    ----------
    df
        The table to check.
    schema
        Its contract.
    where
        Name used in error messages (a file path, or the rule); defaults to the schema name.

    Returns
    -------
    pandas.DataFrame
        The columns of ``schema`` in order, cast to the contract dtypes. Extra columns are an
        error (a contract is closed).

    Raises
    ------
    SchemaError
        Missing or extra columns, uncastable values, missing values in a non-nullable column,
        values outside the column bounds, or a duplicated key. The message names the column
        and the first offending (1-based) row.
    """
    where = where or schema.name
    missing = [c for c in schema.names if c not in df.columns]
    if missing:
        raise SchemaError(f"{where}: missing column(s) {missing} (contract '{schema.name}')")
    extra = [c for c in df.columns if c not in schema.names]
    if extra:
        raise SchemaError(f"{where}: unexpected column(s) {extra} (contract '{schema.name}')")
    out = {}
    for col in schema.columns:
        s = _coerce(df[col.name], col, where)
        miss = _is_missing(s) if not pa.types.is_list(col.dtype) else s.isna().to_numpy()
        if not col.nullable and miss.any():
            row = int(np.flatnonzero(miss)[0]) + 1
            raise SchemaError(f"{where}: column '{col.name}' row {row}: missing value not allowed")
        if (col.min is not None or col.max is not None) and (
            pa.types.is_floating(col.dtype) or pa.types.is_integer(col.dtype)
        ):
            v = s.to_numpy(dtype="float64", na_value=np.nan)
            ok = np.isnan(v)
            inside = np.ones(len(v), dtype=bool)
            if col.min is not None:
                inside &= v >= col.min
            if col.max is not None:
                inside &= v <= col.max
            bad = ~(ok | inside)
            if bad.any():
                row = int(np.flatnonzero(bad)[0]) + 1
                raise SchemaError(
                    f"{where}: column '{col.name}' row {row}: value {float(v[row - 1])!r} "
                    f"outside [{col.min}, {col.max}]"
                )
        out[col.name] = s.reset_index(drop=True)
    result = pd.DataFrame(out)
    if schema.key:
        dup = result.duplicated(list(schema.key), keep="first").to_numpy()
        if dup.any():
            row = int(np.flatnonzero(dup)[0]) + 1
            raise SchemaError(f"{where}: duplicate key {list(schema.key)} at row {row}")
    return result
