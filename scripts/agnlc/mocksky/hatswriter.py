"""Streaming writer of HATS catalogue collections (catalogue + margin cache).

The mock sky is generated one HEALPix order-3 pixel at a time; this writer stores each pixel's
rows as a HATS partition (``dataset/Norder=3/Dir=0/Npix=P.parquet``, rows sorted by the
``_healpix_29`` spatial index) as soon as they exist, and keeps only the rows near pixel edges
for the margin cache. :meth:`HatsCollectionWriter.finalize` writes the metadata with the
``hats`` library (``_common_metadata``, ``_metadata``, ``partition_info.csv``,
``hats.properties``) and the collection properties, so ``lsdb.open_catalog(root)`` opens the
result exactly like the archives' published HATS collections (IRSA ZTF, MAST PS1, Gaia DR3).
Properties carry a fixed creation date, so the same input gives byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from hats.catalog import PartitionInfo, TableProperties
from hats.io.parquet_metadata import write_parquet_metadata
from hats.pixel_math.healpix_pixel import HealpixPixel

from agnlc.healpix import radec_to_index

__all__ = ["FIXED_DATE", "HatsCollectionWriter"]

FIXED_DATE = "2026-01-01T00:00UTC"


def _partition_path(base: Path, order: int, pix: int) -> Path:
    return base / "dataset" / f"Norder={order}" / f"Dir={(pix // 10000) * 10000}" / f"Npix={pix}.parquet"


class HatsCollectionWriter:
    """Write one HATS collection partition by partition.

    Parameters
    ----------
    root
        Collection folder (created); the catalogue goes in ``root/name`` and the margin cache
        in ``root/name_<m>arcs``.
    name
        Catalogue name.
    schema
        Arrow schema of the rows (without ``_healpix_29``, which is added).
    ra, dec
        Position columns (degrees).
    order
        Partition order (every partition is at this order).
    margin_arcsec
        Margin-cache threshold.
    """

    def __init__(
        self,
        root: str | Path,
        name: str,
        schema: pa.Schema,
        ra: str = "ra",
        dec: str = "dec",
        order: int = 3,
        margin_arcsec: float = 5.0,
    ) -> None:
        self.root = Path(root)
        self.name = name
        self.ra, self.dec = ra, dec
        self.order = order
        self.margin_arcsec = margin_arcsec
        self.schema = schema.append(pa.field("_healpix_29", pa.int64()))
        self.pixels: list[int] = []
        self.rows = 0
        self._margin: dict[int, list[pa.Table]] = {}
        self.margin_name = f"{name}_{margin_arcsec:g}arcs"

    def write(self, pix: int, table: pa.Table) -> None:
        """Store the rows of one order-``order`` pixel (rows outside it are an error)."""
        if table.num_rows == 0:
            return
        ra = table.column(self.ra).to_numpy()
        dec = table.column(self.dec).to_numpy()
        idx = radec_to_index(ra, dec)
        if np.any((idx >> (2 * (29 - self.order))) != pix):
            raise ValueError(f"{self.name}: rows outside pixel {pix} at order {self.order}")
        table = table.append_column("_healpix_29", pa.array(idx, pa.int64())).cast(self.schema)
        table = table.take(pa.array(np.argsort(idx, kind="stable")))
        path = _partition_path(self.root / self.name, self.order, pix)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path, compression="zstd")
        self.pixels.append(int(pix))
        self.rows += table.num_rows
        # rows within the margin of a neighbouring pixel go to that pixel's margin cache
        r = self.margin_arcsec / 3600.0
        ra_s = table.column(self.ra).to_numpy()
        dec_s = table.column(self.dec).to_numpy()
        near = self._neighbours(ra_s, dec_s, r, pix)
        for q, sel in near.items():
            self._margin.setdefault(q, []).append(table.take(pa.array(sel)))

    def _neighbours(self, ra: np.ndarray, dec: np.ndarray, r: float, pix: int) -> dict[int, np.ndarray]:
        ang = np.radians(np.arange(0, 360, 45))
        cosd = np.maximum(np.cos(np.radians(dec)), 1e-6)
        out: dict[int, set[int]] = {}
        for a in ang:
            p = radec_to_index(
                np.mod(ra + r * np.cos(a) / cosd, 360), np.clip(dec + r * np.sin(a), -90, 90), self.order
            )
            for q in np.unique(p[p != pix]):
                out.setdefault(int(q), set()).update(np.flatnonzero(p == q).tolist())
        return {q: np.array(sorted(s), dtype=np.int64) for q, s in sorted(out.items())}

    def finalize(self, extra_properties: dict[str, str] | None = None) -> Path:
        """Write the catalogue and margin metadata and the collection properties."""
        base = self.root / self.name
        pixels = sorted(set(self.pixels))
        if not pixels:  # an empty catalogue still gets a schema so readers know its columns
            path = _partition_path(base, self.order, 0)
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(self.schema.empty_table(), path)
            pixels = [0]
        self._write_metadata(base, self.name, pixels, self.rows, "object", extra_properties)
        mbase = self.root / self.margin_name
        mrows = 0
        mpix = []
        for q in pixels:
            parts = self._margin.get(q)
            table = pa.concat_tables(parts) if parts else self.schema.empty_table()
            path = _partition_path(mbase, self.order, q)
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, path, compression="zstd")
            mrows += table.num_rows
            mpix.append(q)
        self._write_metadata(
            mbase,
            self.margin_name,
            mpix,
            mrows,
            "margin",
            {"hats_primary_table_url": self.name, "hats_margin_threshold": f"{self.margin_arcsec}"},
        )
        (self.root / "collection.properties").write_text(
            "#HATS Collection\n"
            f"obs_collection={self.name}\n"
            f"hats_primary_table_url={self.name}\n"
            f"all_margins={self.margin_name}\n"
            f"default_margin={self.margin_name}\n"
            "hats_builder=agnlc.mocksky\n"
            f"hats_creation_date={FIXED_DATE}\n"
            "hats_version=v1.0\n"
        )
        return self.root

    def _write_metadata(
        self, base: Path, name: str, pixels: list[int], rows: int, kind: str, extra: dict[str, str] | None
    ) -> None:
        write_parquet_metadata(base)
        PartitionInfo.from_healpix([HealpixPixel(self.order, p) for p in pixels]).write_to_file(
            base / "partition_info.csv"
        )
        props = {
            "catalog_name": name,
            "catalog_type": kind,
            "total_rows": rows,
            "ra_column": self.ra,
            "dec_column": self.dec,
            "healpix_column": "_healpix_29" if kind == "object" else None,
            "healpix_order": 29 if kind == "object" else None,
            "hats_order": self.order,
            "hats_builder": "agnlc.mocksky",
            "hats_creation_date": FIXED_DATE,
            "hats_version": "v1.0",
        }
        if extra:
            props.update(extra)
        props = {k: v for k, v in props.items() if v is not None}
        TableProperties(**props).to_properties_file(base)
