"""Rule objecttable_s82_shard: Stripe 82 Object-table rows of one shard."""

from agnlc import provenance
from agnlc.catalogs import CATALOGS
from agnlc.io import read_table, write_table
from agnlc.objecttable import S82_SCHEMA, s82_rows
from agnlc.runner import script_main


def main(smk):
    catalogs = {name: read_table(smk.input[name]) for name in CATALOGS}
    rows = s82_rows(
        read_table(smk.input.targets), read_table(smk.input.coadd), read_table(smk.input.features), catalogs
    )
    write_table(rows, smk.output[0], S82_SCHEMA, provenance.build("objecttable_s82_shard", {}))


script_main(main, snakemake)  # noqa: F821
