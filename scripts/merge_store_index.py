"""Rule merge_store_index: the zarr store's consolidated objectid index and root metadata."""

import logging
from pathlib import Path

from agnlc.core import provenance
from agnlc.core.runner import script_main
from agnlc.merge.store_writer import write_index


def main(smk):
    store = Path(smk.output[0]).parent
    write_index(store, list(smk.params.shards), {"agnlc": provenance.build("merge_store_index", {})})
    logging.getLogger("agnlc.merge.lightcurves").info("indexed %d shards of %s", len(smk.params.shards), store)


script_main(main, snakemake)  # noqa: F821
