"""Rule objecttable: the merged results/ObjectTable.parquet."""

import logging

from agnlc import provenance
from agnlc.io import read_table, write_table
from agnlc.objecttable import MERGED_SCHEMA, S82_SCHEMA, merge_tables
from agnlc.runner import script_main


def main(smk):
    s82 = read_table(smk.input.s82)
    merged = merge_tables(s82, S82_SCHEMA.empty())
    write_table(merged, smk.output[0], MERGED_SCHEMA, provenance.build("objecttable", {}))
    logging.getLogger("agnlc.objecttable").info("%d rows x %d columns", *merged.shape)


script_main(main, snakemake)  # noqa: F821
