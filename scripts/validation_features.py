"""Rule validation_features: features against the mock truth and the Sesar RR Lyrae."""

import logging

import pandas as pd

from agnlc import provenance
from agnlc.io import read_table, write_json
from agnlc.periodic import PeriodSearch
from agnlc.runner import script_main
from agnlc.validation import mock_truth_report, sesar_report


def main(smk):
    log = logging.getLogger("agnlc.validation")
    pg = smk.params.periodogram
    search = PeriodSearch(
        max_freq=pg["max_freq_per_day"], log2_n_freq=pg["log2_n_freq"], n_candidates=pg["n_candidates"]
    )
    report = {"provenance": provenance.build("validation_features", dict(pg))}
    features = pd.concat([read_table(p) for p in smk.input.features], ignore_index=True)
    summary = pd.concat([read_table(p) for p in smk.input.summary], ignore_index=True)
    if smk.input.truth:
        report["mock_truth"] = mock_truth_report(features, read_table(smk.input.truth[0]), summary)
        log.info("mock truth: %s", report["mock_truth"])
    else:
        report["mock_truth"] = None
    if smk.input.sesar:
        report["sesar2010_rrlyrae"] = sesar_report(smk.input.sesar[0], search)
        log.info("Sesar RR Lyrae: %s", report["sesar2010_rrlyrae"])
    else:
        report["sesar2010_rrlyrae"] = None
    write_json(report, smk.output[0])


script_main(main, snakemake)  # noqa: F821
