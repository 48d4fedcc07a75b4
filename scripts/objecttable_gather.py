"""Rule objecttable_field: gather one field's shards (s82 or xmmlss) into one Object table,
one shard at a time (memory of one shard, whatever the number of shards)."""

import logging

from agnlc.core import provenance
from agnlc.core.io import read_table, table_writer
from agnlc.core.runner import script_main
from agnlc.objecttables.contract import S82_SCHEMA
from agnlc.objecttables.merge import gather_parts


def main(smk):
    prov = provenance.build(f"objecttable_{smk.wildcards.field}", {})
    with table_writer(smk.output[0], S82_SCHEMA, prov) as write:
        n = gather_parts(smk.input.parts, read_table, write)
    logging.getLogger("agnlc.objecttables.rows").info("%d rows x %d columns", n, len(S82_SCHEMA.names))


script_main(main, snakemake)  # noqa: F821
