"""Rule hats_catalogues: the Object tables and (config outputs.lightcurves_hats) the merged light
curves as HATS catalogues, in one job."""

import logging
from pathlib import Path

from agnlc.core import provenance
from agnlc.core.io import read_metadata
from agnlc.core.runner import script_main
from agnlc.merge.hats import lightcurves_hats
from agnlc.objecttables.hats import objecttable_hats


def main(smk):
    log = logging.getLogger("agnlc.hats_catalogues")
    outputs = list(smk.output)
    for table, out in zip(smk.input.tables, outputs, strict=False):
        name = Path(out).name.removesuffix(".hats")
        prov = provenance.build("hats_catalogues", {}, source=read_metadata(table))
        objecttable_hats(table, out, name, prov)
        log.info("%s -> %s", table, out)
    if len(outputs) > len(smk.input.tables):  # the light curves too
        archives = {}
        for path in smk.input.merged:
            archives.update(read_metadata(path).get("archives", {}))
        prov = provenance.build("hats_catalogues", {}, unit="flux nJy, mjd MJD, mag AB", archives=archives)
        lightcurves_hats(smk.input.merged, smk.input.targets, outputs[-1], prov)
        log.info("%d shards -> %s", len(smk.input.merged), outputs[-1])


script_main(main, snakemake)  # noqa: F821
