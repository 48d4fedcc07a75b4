"""Rule objecttable_shard: one field's Object-table rows of one shard (field s82 or xmmlss)."""

from agnlc.core import provenance
from agnlc.core.io import read_table, write_table
from agnlc.core.runner import script_main
from agnlc.objecttables.contract import S82_SCHEMA
from agnlc.objecttables.names import CATALOG_NAMES
from agnlc.objecttables.rows import s82_rows, xmmlss_rows


def main(smk):
    field = smk.wildcards.field
    catalogs = {name: read_table(smk.input[name]) for name in CATALOG_NAMES if name in smk.input.keys()}
    targets = read_table(smk.input.targets)
    if field == "s82":
        rows = s82_rows(targets, read_table(smk.input.coadd), read_table(smk.input.features), catalogs)
    else:
        rows = xmmlss_rows(targets, catalogs)
    write_table(rows, smk.output[0], S82_SCHEMA, provenance.build(f"objecttable_shard_{field}", {}))


script_main(main, snakemake)  # noqa: F821
