"""Streaming writer of HATS catalogue collections (catalogue + margin cache + optional id index).

The mock sky is generated one HEALPix order-3 pixel at a time; this writer stores each pixel's
rows as a HATS partition (``dataset/Norder=3/Dir=0/Npix=P.parquet``, or with ``npix_suffix="/"``
the directory form ``Npix=P/part0.snappy.parquet`` that IRSA uses for ZTF; rows sorted by the
``_healpix_29`` spatial index, which comes first, and the ``Norder/Dir/Npix`` partition columns
last, uint8/uint64 as in IRSA's files) as soon as they exist, and keeps only the rows near pixel
edges for the margin cache. An id index (``<name>_index_<column>/dataset/index/part.0.parquet``
with ``Norder, Npix, <column>``, as hats-import writes it) is written when ``index_column`` is set.
:meth:`HatsCollectionWriter.finalize` writes the metadata with the
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

from agnlc.sky.healpix import radec_to_index

__all__ = ["FIXED_DATE", "HatsCollectionWriter"]

FIXED_DATE = "2026-01-01T00:00UTC"


def _partition_path(base: Path, order: int, pix: int, npix_suffix: str = ".parquet") -> Path:
    d = base / "dataset" / f"Norder={order}" / f"Dir={(pix // 10000) * 10000}"
    if npix_suffix == "/":
        return d / f"Npix={pix}" / "part0.snappy.parquet"
    return d / f"Npix={pix}{npix_suffix}"


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
    margin_name
        Name of the margin catalogue (default ``<name>_<margin>arcs``).
    npix_suffix
        ``.parquet`` (one file per partition) or ``/`` (a directory per partition).
    index_column
        Write an id index on this column (``<name>_index_<column>``).
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
        margin_name: str | None = None,
        npix_suffix: str = ".parquet",
        index_column: str | None = None,
    ) -> None:
        self.root = Path(root)
        self.name = name
        self.ra, self.dec = ra, dec
        self.order = order
        self.margin_arcsec = margin_arcsec
        self.npix_suffix = npix_suffix
        self.index_column = index_column
        self.schema = (
            pa.schema([pa.field("_healpix_29", pa.int64()), *schema])
            .append(pa.field("Norder", pa.uint8()))
            .append(pa.field("Dir", pa.uint64()))
            .append(pa.field("Npix", pa.uint64()))
        )
        self.pixels: list[int] = []
        self.rows = 0
        self._margin: dict[int, list[pa.Table]] = {}
        self._index: list[pa.Table] = []
        self.margin_name = margin_name or f"{name}_{margin_arcsec:g}arcs"

    def write(self, pix: int, table: pa.Table) -> None:
        """Store the rows of one order-``order`` pixel (rows outside it are an error)."""
        if table.num_rows == 0:
            return
        ra = table.column(self.ra).to_numpy()
        dec = table.column(self.dec).to_numpy()
        idx = radec_to_index(ra, dec)
        if np.any((idx >> (2 * (29 - self.order))) != pix):
            raise ValueError(f"{self.name}: rows outside pixel {pix} at order {self.order}")
        n = table.num_rows
        table = (
            table.add_column(0, "_healpix_29", pa.array(idx, pa.int64()))
            .append_column("Norder", pa.array(np.full(n, self.order), pa.uint8()))
            .append_column("Dir", pa.array(np.full(n, (pix // 10000) * 10000), pa.uint64()))
            .append_column("Npix", pa.array(np.full(n, pix), pa.uint64()))
            .cast(self.schema)
        )
        table = table.take(pa.array(np.argsort(idx, kind="stable")))
        if self.index_column:
            self._index.append(table.select(["Norder", "Npix", self.index_column]))
        path = _partition_path(self.root / self.name, self.order, pix, self.npix_suffix)
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
            path = _partition_path(base, self.order, 0, self.npix_suffix)
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
            path = _partition_path(mbase, self.order, q, self.npix_suffix)
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
        index_lines = ""
        if self.index_column:
            index_name = f"{self.name}_index_{self.index_column}"
            self._write_index(self.root / index_name, index_name)
            index_lines = f"all_indexes={self.index_column} {index_name}\ndefault_index={self.index_column}\n"
        (self.root / "collection.properties").write_text(
            "#HATS Collection\n"
            f"obs_collection={self.root.name}\n"
            f"hats_primary_table_url={self.name}\n"
            f"all_margins={self.margin_name}\n"
            f"default_margin={self.margin_name}\n"
            f"{index_lines}"
            "hats_builder=agnlc.mocksky\n"
            f"hats_creation_date={FIXED_DATE}\n"
            "hats_version=v1.0\n"
        )
        return self.root

    def _write_index(self, base: Path, name: str) -> None:
        """The id index: ``Norder, Npix, <column>`` sorted by the column, as hats-import writes it."""
        col = self.index_column
        schema = pa.schema([("Norder", pa.uint8()), ("Npix", pa.uint64()), self.schema.field(col)])
        table = pa.concat_tables(self._index).cast(schema) if self._index else schema.empty_table()
        table = table.sort_by(col)
        path = base / "dataset" / "index" / "part.0.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        collector: list = []
        pq.write_table(table, path, compression="zstd", metadata_collector=collector)
        collector[0].set_file_path("index/part.0.parquet")
        pq.write_metadata(schema, base / "dataset" / "_common_metadata")
        pq.write_metadata(schema, base / "dataset" / "_metadata", metadata_collector=collector)
        (base / "hats.properties").write_text(
            "#HATS catalog\n"
            f"obs_collection={name}\n"
            "dataproduct_type=index\n"
            f"hats_nrows={table.num_rows}\n"
            f"hats_primary_table_url={self.name}\n"
            f"hats_index_column={col}\n"
            "hats_builder=agnlc.mocksky\n"
            f"hats_creation_date={FIXED_DATE}\n"
            "hats_version=v1.0\n"
        )

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
            "npix_suffix": self.npix_suffix,
        }
        if extra:
            props.update(extra)
        props = {k: v for k, v in props.items() if v is not None}
        TableProperties(**props).to_properties_file(base)
