"""Rule objecttable_schema: the Object-table contract beside the table, checked against the code."""

import shutil

import yaml

from agnlc.core.runner import script_main
from agnlc.objecttables.contract import schema_document


def main(smk):
    shipped = yaml.safe_load(open(smk.input.schema))
    if shipped != schema_document():
        raise ValueError(
            f"{smk.input.schema} differs from agnlc.core.tables; regenerate it with "
            "`.venv/bin/python -m agnlc schema objecttable > workflow/schemas/objecttable.schema.yaml`"
        )
    shutil.copyfile(smk.input.schema, smk.output[0])


script_main(main, snakemake)  # noqa: F821
