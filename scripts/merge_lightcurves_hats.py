"""Rule merge_lightcurves_hats: the merged light curves as a HATS catalogue with a nested lightcurve column."""

import logging

from agnlc.core import provenance
from agnlc.core.io import read_metadata
from agnlc.core.runner import script_main
from agnlc.merge.hats import lightcurves_hats


def main(smk):
    archives = {}
    for path in smk.input.merged:
        archives.update(read_metadata(path).get("archives", {}))
    prov = provenance.build("merge_lightcurves_hats", {}, unit="flux nJy, mjd MJD, mag AB", archives=archives)
    lightcurves_hats(smk.input.merged, smk.input.targets, smk.output[0], prov)
    logging.getLogger("agnlc.merge.hats").info("%d shards -> %s", len(smk.input.merged), smk.output[0])


script_main(main, snakemake)  # noqa: F821
