"""Rule features: per-band light-curve features of one shard."""

import logging

from agnlc import provenance
from agnlc.features import compute_features
from agnlc.io import read_metadata, read_table, write_table
from agnlc.runner import script_main


def main(smk):
    lc = read_table(smk.input.lightcurves)
    targets = read_table(smk.input.targets, columns=["objectid"])
    feats = compute_features(lc, targets["objectid"].to_numpy(), dict(smk.params.bands), smk.params.min_epochs)
    prov = provenance.build(
        "features", dict(smk.params), unit="mag (AB)", archives=read_metadata(smk.input.lightcurves).get("archives", {})
    )
    write_table(feats, smk.output[0], None, prov)
    logging.getLogger("agnlc.features").info("%d objects, %d columns", len(feats), feats.shape[1])


script_main(main, snakemake)  # noqa: F821
