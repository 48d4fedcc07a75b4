"""Rule validation_features: features against the mock truth and the Sesar RR Lyrae."""

import logging

import pandas as pd

from agnlc.core import provenance
from agnlc.core.io import read_table, write_json, write_table
from agnlc.core.runner import script_main
from agnlc.features.compute import feature_flag_counts
from agnlc.features.periodic import PeriodSearch
from agnlc.features.validation import (
    DRW_COLUMNS,
    PERIOD_COLUMNS,
    drw_recovery_table,
    mock_truth_report,
    period_recovery_table,
    sesar_summary,
    sesar_table,
)


def main(smk):
    log = logging.getLogger("agnlc.features.validation")
    pg = smk.params.periodogram
    search = PeriodSearch(
        max_freq=pg["max_freq_per_day"], log2_n_freq=pg["log2_n_freq"], n_candidates=pg["n_candidates"]
    )
    prov = provenance.build("validation_features", dict(pg))
    report = {"provenance": prov}
    features = pd.concat([read_table(p) for p in smk.input.features], ignore_index=True)
    report["feature_flags"] = feature_flag_counts(features)  # objects per reason, all shards
    log.info("objects with NaN features, by reason: %s", report["feature_flags"])
    summary = pd.concat([read_table(p) for p in smk.input.summary], ignore_index=True)
    periods = []
    drw = pd.DataFrame({c: pd.Series(dtype=float) for c in DRW_COLUMNS})  # no truth: empty, same columns
    if smk.input.truth:
        truth = read_table(smk.input.truth[0])
        report["mock_truth"] = mock_truth_report(features, truth, summary)
        drw = drw_recovery_table(features, truth, summary)
        periods.append(period_recovery_table(features, truth))
        log.info("mock truth: %s", report["mock_truth"])
    else:
        report["mock_truth"] = None
    if smk.input.sesar:
        sesar = sesar_table(smk.input.sesar[0], search)
        report["sesar2010_rrlyrae"] = sesar_summary(sesar)
        periods.append(sesar)
        log.info("Sesar RR Lyrae: %s", report["sesar2010_rrlyrae"])
    else:
        report["sesar2010_rrlyrae"] = None
    empty = pd.DataFrame({c: pd.Series(dtype=float) for c in PERIOD_COLUMNS})
    period_table = pd.concat(periods, ignore_index=True) if periods else empty
    write_table(drw, smk.output.drw, provenance=prov)
    write_table(period_table, smk.output.periods, provenance=prov)
    write_json(report, smk.output.report)


script_main(main, snakemake)  # noqa: F821
