"""Rule merge_lightcurves: all archives of one shard -> merged Parquet, summary, zarr group."""

import logging
from pathlib import Path

from agnlc.archives.contract import LIGHTCURVE
from agnlc.core import provenance
from agnlc.core.io import write_table
from agnlc.core.runner import script_main
from agnlc.merge.contract import LC_SUMMARY
from agnlc.merge.lightcurves import Calibration, calibrate, merge_lightcurves, read_shard, summarise
from agnlc.merge.store_writer import write_shard

#: Rows per Parquet row group: per-object filtered reads skip the other groups by statistics.
ROW_GROUP = 16384


def main(smk):
    shards = [read_shard(p, s) for p, s in zip(smk.input.parquet, smk.input.status, strict=True)]
    merged, summary = merge_lightcurves(shards)
    cfg = dict(smk.params.calibration)
    cal = Calibration(
        kind=cfg["offsets"],
        reference=tuple(cfg["reference_archives"]),
        pair_window_days=cfg["pair_window_days"],
        min_pairs=cfg["min_pairs"],
    )
    merged, applied = calibrate(merged, cal)
    summary["calibration"] = {"kind": cal.kind, "bands_calibrated": int((applied["calib_kind"] != "none").sum())}
    prov = provenance.build(
        "merge_lightcurves", cfg, shard=smk.wildcards.shard, merge=summary, archives=summary["archives"]
    )
    write_table(merged, smk.output.merged, LIGHTCURVE, prov, row_group_size=ROW_GROUP)
    write_table(summarise(merged, applied), smk.output.summary, LC_SUMMARY, prov)
    write_shard(
        merged,
        Path(smk.output.zarr_group).parents[2],  # <store>/shards/<shard>/zarr.json
        smk.wildcards.shard,
        {"agnlc": prov, "missing_archives": summary["missing_archives"]},
    )
    logging.getLogger("agnlc.merge.lightcurves").info("%s: %s", smk.wildcards.shard, summary)


script_main(main, snakemake)  # noqa: F821
