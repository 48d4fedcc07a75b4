"""HATS transport shared by the ZTF, Pan-STARRS and Gaia adapters: one lsdb code path for the
local mirror and the archives' published collections (a path or an ``s3://``/``https://`` URL).

The targets become a small lsdb catalogue, cross-matched with the archive's collection (its
margin cache is used, so targets near partition edges are not missed) and computed with dask's
synchronous scheduler inside the job (one rule job = one process; Snakemake does the
parallelism across shards).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from agnlc.archives.base import ArchiveError, note
from agnlc.core.jitcache import load_lsdb

__all__ = ["HatsQuery", "crossmatch", "location", "no_overlap", "open_collection", "upath"]


def _empty(columns: list[str]) -> pd.DataFrame:
    """The cross-match result of no match: the target id, the asked columns and the distance."""
    cols = ["objectid", *[c if c != "objectid" else "objectid_archive" for c in columns], "_dist_arcsec"]
    return pd.DataFrame({c: [] for c in cols})


@dataclass(frozen=True)
class HatsQuery:
    """An inspectable HATS query: where, which columns, radius and neighbours."""

    path: str
    columns: tuple[str, ...]
    radius_arcsec: float
    n_neighbors: int
    targets: pd.DataFrame = field(repr=False, compare=False)

    def run(self) -> pd.DataFrame:
        """Send the cross-match (lsdb) and return its rows."""
        return crossmatch(self.targets, self.path, list(self.columns), self.radius_arcsec, self.n_neighbors)


def location(settings, mirror_subpath: str = "") -> str:
    """Where a HATS adapter reads: the mirror folder (plus a sub-path) or the live ``url``."""
    if settings.transport == "mirror":
        return f"{settings.mirror}/{mirror_subpath}" if mirror_subpath else settings.mirror
    return str(settings.options.get("url"))


def upath(path: str):
    """A UPath for remote URLs (anonymous S3 access), the plain string for local paths."""
    if path.startswith("s3://"):
        import s3fs  # noqa: F401  (UPath's S3 backend: fail here, with its name, if it is missing)
        from upath import UPath

        return UPath(path, anon=True)
    return path


def no_overlap(exc: BaseException) -> bool:
    """Whether lsdb refused a cross-match because the catalogues share no sky (not an error:
    the targets are outside the collection's coverage)."""
    return isinstance(exc, RuntimeError) and "do not overlap" in str(exc)


def open_collection(path: str, columns: list[str] | None = None):
    """Open a HATS collection or catalogue lazily with lsdb.

    A local folder that exists but holds no HATS catalogue (no ``*.parquet`` anywhere below it)
    (or is missing from a folder that exists) is an :class:`~agnlc.archives.base.ArchiveError`
    "mirror has no data".
    """
    import os

    lsdb = load_lsdb()

    if "://" not in path:
        if os.path.isdir(path) and not any(Path(path).rglob("*.parquet")):
            raise ArchiveError(f"mirror has no data ({path} holds no HATS catalogue)")
        if not os.path.exists(path) and os.path.isdir(os.path.dirname(path.rstrip("/"))):
            raise ArchiveError(f"mirror has no data ({path} does not exist)")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lsdb.open_catalog(upath(path), columns=columns)


def crossmatch(
    targets: pd.DataFrame, path: str, columns: list[str], radius_arcsec: float, n_neighbors: int = 1
) -> pd.DataFrame:
    """Cross-match targets (``objectid, ra, dec``) with a HATS collection.

    Returns
    -------
    pandas.DataFrame
        ``objectid`` of the target, the requested columns of the match and ``_dist_arcsec``.
    """
    import dask

    lsdb = load_lsdb()

    t = pd.DataFrame(
        {"objectid": targets["objectid"].to_numpy(), "ra": targets["ra"].to_numpy(), "dec": targets["dec"].to_numpy()}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # no margin for the left side: lsdb's cross-match reads only the right catalogue's margin
        tcat = lsdb.from_dataframe(t, catalog_name="targets", ra_column="ra", dec_column="dec", margin_threshold=None)
        cat = open_collection(path, columns=columns)
        try:
            res = tcat.crossmatch(
                cat,
                radius_arcsec=radius_arcsec,
                n_neighbors=n_neighbors,
                suffixes=("_target", ""),
                suffix_method="overlapping_columns",
            )
        except RuntimeError as exc:
            if not no_overlap(exc):
                raise
            # the targets are outside the catalogue's sky (lsdb: "Catalogs do not overlap"): not covered
            note("not covered", f"no partition of {path} covers the targets")
            return _empty(columns)
        with dask.config.set(scheduler="synchronous"):
            df = res.compute()
    df = pd.DataFrame(df).reset_index(drop=True)
    if "objectid_target" in df.columns:
        df = df.rename(columns={"objectid": "objectid_archive", "objectid_target": "objectid"})
    return df
