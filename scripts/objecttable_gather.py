"""Rules objecttable_s82 and objecttable_xmmlss: gather a field's shards into one Object table."""

import logging

import pandas as pd

from agnlc import provenance
from agnlc.io import read_table, write_table
from agnlc.objecttable import S82_SCHEMA
from agnlc.runner import script_main


def main(smk):
    parts = [read_table(p) for p in smk.input]
    df = pd.concat([p for p in parts if len(p)] or parts[:1], ignore_index=True)
    df = df.sort_values("objectId", kind="stable").reset_index(drop=True)
    write_table(df, smk.output[0], S82_SCHEMA, provenance.build(smk.rule, {}))
    logging.getLogger("agnlc.objecttable").info("%d rows x %d columns", *df.shape)


script_main(main, snakemake)  # noqa: F821
