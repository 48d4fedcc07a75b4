"""Rule mocksky: write the mock sky (mirrors, truth, samples)."""

import logging
from pathlib import Path

from agnlc.core.runner import script_main
from agnlc.mocksky import MockSkyConfig, generate


def main(smk):
    cfg = {k: v for k, v in smk.params.cfg.items() if k != "enabled"}
    outdir = Path(smk.output.manifest).parent
    manifest = generate(MockSkyConfig(**cfg), outdir)
    logging.getLogger("agnlc.mocksky").info(
        "wrote %d files for %d objects", len(manifest["files"]), manifest["n_objects"]
    )


script_main(main, snakemake)  # noqa: F821
