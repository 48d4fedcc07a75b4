"""Rule mocksky: write the mock sky (mirrors, truth, samples)."""

import logging
from pathlib import Path

from agnlc.core.runner import script_main
from agnlc.mocksky import MockSkyConfig, generate


def main(smk):
    cfg = {k: v for k, v in smk.params.cfg.items() if k != "enabled"}
    outdir = Path(smk.output.manifest).parent
    manifest = generate(MockSkyConfig(**cfg, literature=tuple(smk.params.literature)), outdir)
    log = logging.getLogger("agnlc.mocksky")
    log.info("wrote %d files for %d objects", len(manifest["files"]), manifest["n_objects"])
    lit = manifest["literature"]
    log.info(
        "literature targets: %d, %d with a mock changing-look quasar, %d outside the mock footprint "
        "(listed in samples/literature_placement.csv)",
        lit["targets"],
        lit["placed"],
        lit["outside_mock_footprint"],
    )


script_main(main, snakemake)  # noqa: F821
