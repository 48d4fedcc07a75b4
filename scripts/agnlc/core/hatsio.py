"""HATS catalogues of our outputs, written with hats' own partitioning and metadata functions,
one partition in memory at a time, in Arrow (no pandas round trip).

A HATS catalogue (the format of the IRSA ZTF, PS1 and Gaia collections that the archives read)
is a folder of Parquet files, one per HEALPix pixel, with dataset metadata, a partition list, a
point map and a properties file; ``lsdb.open_catalog`` opens it and cross-matches it. We build it
the way ``lsdb.from_dataframe(...).write_catalog(...)`` does, step by step with the same hats
functions (``compute_spatial_index``, ``generate_alignment`` with lsdb's defaults, the pixel
paths, ``get_parquet_write_table_kwargs``, ``write_parquet_metadata``, ``PartitionInfo``,
``write_skymap``, ``TableProperties``, ``CollectionProperties``), but each partition's rows go
from the sorted Parquet outputs to its file as an Arrow table. lsdb's path converts every
partition to pandas and back (with 459 Object-table columns that was most of the cost) and drops
the columns' units; here every partition keeps the source schema, its field metadata (units,
descriptions) and our provenance record.

Only the positions (id, ra, dec: 24 bytes per object) are held for the whole catalogue.
The catalogue is written to a temporary folder beside the destination and renamed into place;
``hats.properties`` carries the provenance record (``agnlc_provenance``, JSON).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from agnlc import __version__
from agnlc.core.io import META_KEY, remove_stale

__all__ = ["HIGHEST_ORDER", "write_hats"]

#: The deepest partition order (lsdb.from_dataframe's default).
HIGHEST_ORDER = 7


def _partition_pixels(spatial: np.ndarray, partition_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Each object's destination pixel (order, pixel) from hats' alignment of the sorted
    order-29 indices ``spatial``, at most ``partition_rows`` objects per pixel (the arguments
    ``lsdb.from_dataframe`` passes by default)."""
    from hats.pixel_math import generate_alignment
    from hats.pixel_math.spatial_index import spatial_index_to_healpix

    cells = spatial_index_to_healpix(spatial, target_order=HIGHEST_ORDER)
    histogram = np.bincount(cells, minlength=12 * 4**HIGHEST_ORDER).astype(np.int64)
    alignment = generate_alignment(
        histogram,
        highest_order=HIGHEST_ORDER,
        lowest_order=0,
        threshold=partition_rows,
        drop_empty_siblings=True,
        use_lower_order=True,
    )
    # with use_lower_order the alignment may be given at a lower order than HIGHEST_ORDER
    aligned_order = (len(alignment) // 12).bit_length() // 2  # 12 * 4**order entries
    cells = cells >> (2 * (HIGHEST_ORDER - aligned_order))
    used = np.unique(cells)
    dest = np.array([alignment[c][:2] for c in used], dtype=np.int64).reshape(-1, 2)
    where = np.searchsorted(used, cells)
    return dest[where, 0], dest[where, 1]


def write_hats(
    positions: pa.Table,
    rows: Callable[[pa.Table], pa.Table],
    out: str | os.PathLike[str],
    name: str,
    provenance: dict[str, Any],
    partition_rows: int,
    ra: str = "ra",
    dec: str = "dec",
) -> None:
    """Write a HATS catalogue of ``positions`` whose partitions hold ``rows(partition)``.

    Parameters
    ----------
    positions
        One row per object: its id and ``ra``, ``dec`` (deg); everything the partitioning needs.
    rows
        Given the rows of ``positions`` of one partition (sorted by HEALPix order-29 index), the
        catalogue rows of those objects, in that order (an Arrow table; any columns); called
        with no rows for the schema of an empty catalogue.
    out
        The catalogue folder (a collection, as lsdb writes it: ``lsdb.open_catalog(out)`` opens it).
    name
        The catalogue name in its properties.
    provenance
        Stored as JSON under ``agnlc_provenance`` in ``hats.properties`` and in every
        partition's Parquet metadata.
    partition_rows
        At most this many objects per HEALPix partition (the memory bound of the writer).
    """
    from hats.catalog import CatalogType, CollectionProperties, PartitionInfo, TableProperties
    from hats.io import file_io, paths, write_parquet_metadata
    from hats.io.file_io.file_io import get_parquet_write_table_kwargs
    from hats.io.skymap import write_skymap
    from hats.pixel_math import HealpixPixel
    from hats.pixel_math.spatial_index import (
        SPATIAL_INDEX_COLUMN,
        SPATIAL_INDEX_ORDER,
        compute_spatial_index,
        spatial_index_to_healpix,
    )

    dest = Path(out)
    dest.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(dest.parent, f".{dest.name}.*.tmp")
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
    record = json.dumps(provenance, sort_keys=True, default=str)
    builder = f"agnlc v{__version__}"
    try:
        base = tmp / name
        spatial = compute_spatial_index(positions[ra].to_numpy(), positions[dec].to_numpy()).astype(np.int64)
        order = np.argsort(spatial, kind="stable")
        spatial, positions = spatial[order], positions.take(order)
        orders, pixels = _partition_pixels(spatial, partition_rows)
        cuts = np.flatnonzero((np.diff(orders) != 0) | (np.diff(pixels) != 0)) + 1
        starts, stops = np.r_[0, cuts], np.r_[cuts, len(spatial)]
        if len(spatial) == 0:
            starts = stops = np.zeros(0, dtype=np.int64)

        def with_index(table: pa.Table, index: np.ndarray) -> pa.Table:
            table = table.append_column(pa.field(SPATIAL_INDEX_COLUMN, pa.int64()), pa.array(index, pa.int64()))
            return table.replace_schema_metadata({**(table.schema.metadata or {}), META_KEY: record.encode()})

        written, counts = [], []
        for a, b in zip(starts.tolist(), stops.tolist(), strict=True):
            pixel = HealpixPixel(int(orders[a]), int(pixels[a]))
            table = with_index(rows(positions.slice(a, b - a)), spatial[a:b])
            if table.num_rows != b - a:
                raise ValueError(f"{name}: partition {pixel} has {b - a} objects but {table.num_rows} rows")
            path = paths.new_pixel_catalog_file(base, pixel, create_dirs=True)
            kwargs = get_parquet_write_table_kwargs(table.schema, write_table_kwargs={"compression": "zstd"})
            pq.write_table(table, path.path, **kwargs)
            written.append(pixel)
            counts.append(b - a)
        if written:
            write_parquet_metadata(base, create_metadata=True, create_per_partition_stats=True)
        else:  # no objects (a sample outside every field): the schema alone, as lsdb writes it
            schema = with_index(rows(positions.slice(0, 0)), spatial[:0]).schema
            meta = paths.get_parquet_metadata_pointer(base)
            file_io.make_directory(meta.parent, exist_ok=True)
            pq.write_metadata(schema, meta.path)
            pq.write_metadata(schema, paths.get_common_metadata_pointer(base).path)
        partition_info = PartitionInfo(written)
        partition_info.write_to_file(base / "partition_info.csv")

        skymap_order = max(max((p.order for p in written), default=0), 8)
        cells = spatial_index_to_healpix(spatial, target_order=skymap_order)
        histogram = np.bincount(cells, minlength=12 * 4**skymap_order).astype(np.int64)
        file_io.write_fits_image(histogram, paths.get_point_map_file_pointer(base))
        write_skymap(histogram=histogram, catalog_dir=base)

        properties = TableProperties(
            catalog_name=name,
            catalog_type=CatalogType.OBJECT,
            ra_column=ra,
            dec_column=dec,
            healpix_column=SPATIAL_INDEX_COLUMN,
            healpix_order=SPATIAL_INDEX_ORDER,
            total_rows=int(sum(counts)),
            hats_max_rows=int(max(counts, default=0)),
            moc_sky_fraction=float(f"{partition_info.calculate_fractional_coverage():.5g}") if written else 0.0,
            hats_order=partition_info.get_highest_order() if written else None,
            npix_suffix=".parquet",
            skymap_order=skymap_order,
            agnlc_provenance=record,
            **TableProperties.new_provenance_dict(base, builder=builder),
        )
        properties.to_properties_file(base)
        collection = CollectionProperties(
            obs_collection=name,
            hats_primary_table_url=name,
            **CollectionProperties.new_provenance_dict(tmp, builder=builder),
        )
        collection.to_properties_file(tmp)

        if dest.exists():
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
