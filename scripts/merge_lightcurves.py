"""Rule merge_lightcurves: all archives of one shard -> merged, sorted, deduplicated."""

import logging

from agnlc import provenance
from agnlc.io import write_table
from agnlc.merge import merge_lightcurves, read_shard
from agnlc.runner import script_main
from agnlc.schema import LIGHTCURVE


def main(smk):
    shards = [read_shard(p, s) for p, s in zip(smk.input.parquet, smk.input.status, strict=True)]
    merged, summary = merge_lightcurves(shards)
    prov = provenance.build(
        "merge_lightcurves", {}, shard=smk.wildcards.shard, merge=summary, archives=summary["archives"]
    )
    write_table(merged, smk.output[0], LIGHTCURVE, prov)
    logging.getLogger("agnlc.merge").info("%s: %s", smk.wildcards.shard, summary)


script_main(main, snakemake)  # noqa: F821
