"""Rule objecttable_field: gather one field's shards (s82 or xmmlss) into one Object table."""

import logging

import pandas as pd

from agnlc.core import provenance
from agnlc.core.io import read_table, write_table
from agnlc.core.runner import script_main
from agnlc.objecttables.contract import S82_SCHEMA


def main(smk):
    parts = [read_table(p) for p in smk.input.parts]
    df = pd.concat([p for p in parts if len(p)] or parts[:1], ignore_index=True)
    df = df.sort_values("objectId", kind="stable").reset_index(drop=True)
    write_table(df, smk.output[0], S82_SCHEMA, provenance.build(f"objecttable_{smk.wildcards.field}", {}))
    logging.getLogger("agnlc.objecttables.rows").info("%d rows x %d columns", *df.shape)


script_main(main, snakemake)  # noqa: F821
