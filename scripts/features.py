"""Rule features: per-band light-curve features of one shard."""

import logging

from agnlc.core import provenance
from agnlc.core.io import read_metadata, read_table, write_table
from agnlc.core.runner import script_main
from agnlc.features.compute import NONPERIODIC, PERIODIC, FeatureSettings, compute_features, feature_flag_counts
from agnlc.features.definitions import FEATURE_FLAGS
from agnlc.features.periodic import PeriodSearch


def settings_from(cfg: dict) -> FeatureSettings:
    pg = cfg["periodogram"]
    return FeatureSettings(
        min_epochs=cfg["min_epochs"],
        drw_min_epochs=cfg["drw_min_epochs"],
        dho_min_epochs=cfg["dho_min_epochs"],
        dho_bands=tuple(cfg["dho_bands"]),
        periodic_min_epochs=cfg["periodic_min_epochs"],
        lomb_scargle_bands=tuple(cfg["lomb_scargle_bands"]),
        multiband_period=cfg["multiband_period"],
        search=PeriodSearch(
            max_freq=pg["max_freq_per_day"], log2_n_freq=pg["log2_n_freq"], n_candidates=pg["n_candidates"]
        ),
    )


def main(smk):
    cfg = dict(smk.params.features)
    lc = read_table(smk.input.lightcurves)
    targets = read_table(smk.input.targets, columns=["objectid"])
    feats = compute_features(lc, targets["objectid"].to_numpy(), dict(cfg["bands"]), settings_from(cfg))
    prov = provenance.build(
        "features",
        cfg,
        unit="mag (AB), detections only",
        definitions={"lcNonPeriodic": NONPERIODIC, "lcPeriodic": PERIODIC},
        archives=read_metadata(smk.input.lightcurves).get("archives", {}),
        flag_bits=FEATURE_FLAGS,
        flag_counts=feature_flag_counts(feats),
    )
    write_table(feats, smk.output[0], None, prov)
    logging.getLogger("agnlc.features.compute").info("%d objects, %d columns", len(feats), feats.shape[1])


script_main(main, snakemake)  # noqa: F821
