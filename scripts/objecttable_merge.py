"""Rule objecttable: the merged results/ObjectTable.parquet (XMM-LSS rows replace matched S82
rows), streamed over Stripe 82 batches (memory of one batch plus the XMM-LSS table)."""

import logging

from agnlc.core import provenance
from agnlc.core.io import read_table, table_writer
from agnlc.core.runner import script_main
from agnlc.objecttables.contract import MERGED_SCHEMA
from agnlc.objecttables.merge import count_dropped, merge_stream, parquet_batches


def main(smk):
    xmm = read_table(smk.input.xmmlss)
    radius = smk.params.radius_arcsec
    dropped = count_dropped(smk.input.s82, xmm, radius)  # for the provenance, written first
    prov = provenance.build("objecttable", dict(smk.params), s82_rows_dropped=dropped)
    n = 0
    with table_writer(smk.output[0], MERGED_SCHEMA, prov) as write:
        for part in merge_stream(parquet_batches(smk.input.s82), xmm, radius):
            write(part)
            n += len(part)
    logging.getLogger("agnlc.objecttables.rows").info(
        "%d rows x %d columns (%d S82 rows with an XMM-LSS counterpart dropped)", n, len(MERGED_SCHEMA.names), dropped
    )


script_main(main, snakemake)  # noqa: F821
