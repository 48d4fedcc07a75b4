"""Rule figure_lightcurve: multi-band light curve of one object (flux in nJy vs MJD)."""

import logging

import pandas as pd
import pyarrow.parquet as pq

from agnlc.io import read_table
from agnlc.plotting.lightcurve import plot_lightcurve
from agnlc.runner import script_main


def main(smk):
    requested = list(smk.params.objects)
    feats = pd.concat([read_table(p) for p in smk.input.features], ignore_index=True)
    ncols = [c for c in feats.columns if c.startswith("nEpochs_")]
    feats["n"] = feats[ncols].sum(axis=1)
    chosen = next((o for o in requested if (feats["objectid"] == o).any()), None)
    if chosen is None:
        best = feats.sort_values(["n", "objectid"], ascending=[False, True])
        chosen = int(best["objectid"].to_numpy()[0])
    lc = None
    for path in smk.input.lightcurves:  # read only the shard holding the object
        part = pq.read_table(path, filters=[("objectid", "==", chosen)]).to_pandas()
        if len(part):
            lc = part
            break
    if lc is None:
        raise ValueError(f"objectid {chosen} has no light-curve rows in any merged shard")
    plot_lightcurve(lc, chosen, smk.output[0])
    logging.getLogger("agnlc.figures").info("plotted objectid %d (%d rows)", chosen, len(lc))


script_main(main, snakemake)  # noqa: F821
