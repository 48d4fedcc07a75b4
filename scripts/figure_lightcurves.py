"""Rule figure_lightcurves: one multi-archive light-curve PNG per selected object."""

import logging
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from agnlc.core.io import read_table, remove_stale
from agnlc.core.runner import script_main
from agnlc.plotting.lightcurve import plot_lightcurve, select_objects


def main(smk):
    log = logging.getLogger("agnlc.figures")
    sel_cfg = smk.params.selection
    targets = read_table(smk.input.targets, columns=["objectid", "name", "labels"])
    with_data = pd.concat([read_table(p, columns=["objectid"]) for p in smk.input.lightcurves])["objectid"].unique()
    sel = select_objects(
        targets, with_data, sel_cfg["objects"], sel_cfg["literature"], sel_cfg["per_class"], sel_cfg["seed"]
    )
    missing = sorted(set(sel_cfg["objects"]) - set(sel["objectid"]))
    if missing:
        log.warning("objectids without light-curve rows (not drawn): %s", missing)
    ids = sel["objectid"].tolist()
    lc = pd.concat(
        [pq.read_table(p, filters=[("objectid", "in", ids)]).to_pandas() for p in smk.input.lightcurves],
        ignore_index=True,
    )
    out = Path(smk.output[0])
    remove_stale(out.parent, f".{out.name}.*")
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the figures are for everyone who reads results/
    try:
        for row in sel.itertuples(index=False):  # one figure per object: a loop over files, not over rows
            title = f"{row.name}   objectid {row.objectid}   ({row.cls})"
            drawn = plot_lightcurve(lc, row.objectid, tmp / f"{row.objectid}.png", title=title, unit=sel_cfg["unit"])
            log.info("%d: %s", row.objectid, drawn)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.info("drew %d light curves into %s", len(sel), out)


script_main(main, snakemake)  # noqa: F821
