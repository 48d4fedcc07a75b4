"""Rule objecttable_xmmlss_shard: XMM-LSS Object-table rows of one shard."""

from agnlc import provenance
from agnlc.catalogs import CATALOGS
from agnlc.io import read_table, write_table
from agnlc.objecttable import S82_SCHEMA, xmmlss_rows
from agnlc.runner import script_main


def main(smk):
    catalogs = {name: read_table(smk.input[name]) for name in CATALOGS}
    rows = xmmlss_rows(read_table(smk.input.targets), catalogs)
    write_table(rows, smk.output[0], S82_SCHEMA, provenance.build("objecttable_xmmlss_shard", {}))


script_main(main, snakemake)  # noqa: F821
