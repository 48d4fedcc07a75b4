"""Rule objecttable_schema: the Object-table contract beside the table, checked against the code."""

import shutil

import yaml

from agnlc.objecttable import schema_document
from agnlc.runner import script_main


def main(smk):
    shipped = yaml.safe_load(open(smk.input.schema))
    if shipped != schema_document():
        raise ValueError(
            f"{smk.input.schema} differs from agnlc.schema; regenerate it with "
            "`PYTHONPATH=scripts python -m agnlc schema objecttable > workflow/schemas/objecttable.schema.yaml`"
        )
    shutil.copyfile(smk.input.schema, smk.output[0])


script_main(main, snakemake)  # noqa: F821
