"""Rule split_targets: spatially compact shards of the target table."""

import logging

from agnlc.core import provenance
from agnlc.core.io import read_table, write_table
from agnlc.core.runner import script_main
from agnlc.samples.contract import SAMPLE
from agnlc.samples.targets import split_shards


def main(smk):
    targets = read_table(smk.input[0])
    shards = split_shards(targets, len(smk.output), smk.params.healpix_order)
    for k, (shard, path) in enumerate(zip(shards, smk.output, strict=True)):
        prov = provenance.build("split_targets", dict(smk.params), shard=k + 1, n_shards=len(shards))
        write_table(shard, path, SAMPLE, prov)
    logging.getLogger("agnlc.split").info("shard sizes: %s", [len(s) for s in shards])


script_main(main, snakemake)  # noqa: F821
