"""Rules figure_{skymap,coverage,colours,features,drw_recovery,period_recovery}: one figure each,
named by the rule's ``figure`` parameter."""

import logging

import pandas as pd

from agnlc.core.io import read_table
from agnlc.core.runner import script_main
from agnlc.plotting.sample import plot_colours, plot_coverage, plot_features, plot_skymap
from agnlc.plotting.validation import plot_drw_recovery, plot_period_recovery
from agnlc.sky.classes import target_class


def _targets(smk) -> pd.DataFrame:
    t = read_table(smk.input.targets, columns=["objectid", "ra", "dec", "labels"])
    return t.assign(cls=target_class(t["labels"]))


def _gather(paths) -> pd.DataFrame:
    return pd.concat([read_table(p) for p in paths], ignore_index=True)


def skymap(smk):
    return plot_skymap(_targets(smk), smk.output[0])


def coverage(smk):
    return plot_coverage(_targets(smk), _gather(smk.input.summary), smk.output[0]).round(3).to_dict()


def colours(smk):
    cls = _targets(smk)[["objectid", "cls"]].rename(columns={"objectid": "objectId"})
    objects = read_table(smk.input.objects, columns=["objectId", "psMag_u", "psMag_g", "psMag_r", "psMag_i"])
    return plot_colours(objects.merge(cls, on="objectId", how="left").fillna({"cls": "other"}), smk.output[0])


def features(smk):
    f = _gather(smk.input.features).merge(_targets(smk)[["objectid", "cls"]], on="objectid", how="left")
    return plot_features(f.fillna({"cls": "other"}), smk.output[0], band=smk.params.band)


def drw_recovery(smk):
    return plot_drw_recovery(read_table(smk.input.drw), smk.output[0])


def period_recovery(smk):
    return plot_period_recovery(read_table(smk.input.periods), smk.output[0])


FIGURES = {
    "skymap": skymap,
    "coverage": coverage,
    "colours": colours,
    "features": features,
    "drw_recovery": drw_recovery,
    "period_recovery": period_recovery,
}


def main(smk):
    drawn = FIGURES[smk.params.figure](smk)
    logging.getLogger("agnlc.figures").info("%s: %s", smk.params.figure, drawn)


script_main(main, snakemake)  # noqa: F821
