"""Rule objecttable_hats: the Object tables (results/*ObjectTable.parquet) as HATS catalogues."""

import logging
from pathlib import Path

from agnlc.core import provenance
from agnlc.core.io import read_metadata
from agnlc.core.runner import script_main
from agnlc.objecttables.hats import objecttable_hats


def main(smk):
    log = logging.getLogger("agnlc.objecttables.hats")
    for table, out in zip(smk.input.tables, smk.output, strict=True):
        name = Path(out).name.removesuffix(".hats")
        prov = provenance.build("objecttable_hats", {}, source=read_metadata(table))
        objecttable_hats(table, out, name, prov)
        log.info("%s -> %s", table, out)


script_main(main, snakemake)  # noqa: F821
