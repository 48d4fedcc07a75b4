"""Rule objecttable: the merged results/ObjectTable.parquet (XMM-LSS rows replace matched S82 rows)."""

import logging

from agnlc.core import provenance
from agnlc.core.io import read_table, write_table
from agnlc.core.runner import script_main
from agnlc.objecttables.contract import MERGED_SCHEMA
from agnlc.objecttables.merge import merge_tables


def main(smk):
    s82, xmm = read_table(smk.input.s82), read_table(smk.input.xmmlss)
    merged = merge_tables(s82, xmm, smk.params.radius_arcsec)
    dropped = len(s82) + len(xmm) - len(merged)
    prov = provenance.build("objecttable", dict(smk.params), s82_rows_dropped=dropped)
    write_table(merged, smk.output[0], MERGED_SCHEMA, prov)
    logging.getLogger("agnlc.objecttables.rows").info(
        "%d rows x %d columns (%d S82 rows with an XMM-LSS counterpart dropped)", *merged.shape, dropped
    )


script_main(main, snakemake)  # noqa: F821
