"""Rule targets: validate and merge the sample files into results/samples/targets.parquet."""

import logging

from agnlc.core import provenance
from agnlc.core.io import write_table
from agnlc.core.runner import script_main
from agnlc.samples.contract import SAMPLE
from agnlc.samples.targets import build_targets, read_sample


def main(smk):
    log = logging.getLogger("agnlc.targets")
    inputs = [read_sample(path) for path in smk.input.samples]
    for t in inputs:
        log.info("%s: %d rows", t.path, len(t.ra))
    targets = build_targets(inputs, smk.params.dedup_radius_arcsec)
    prov = provenance.build("targets", dict(smk.params), inputs=[str(p) for p in smk.input.samples])
    write_table(targets, smk.output[0], SAMPLE, prov)
    log.info("%d input rows -> %d targets", sum(len(t.ra) for t in inputs), len(targets))


script_main(main, snakemake)  # noqa: F821
