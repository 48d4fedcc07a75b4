# agnlc: multi-archive light curves and an LSST-style AGN training set.
# Entry point only: the stages live in workflow/rules/, the code in scripts/agnlc/ (one package per stage).
import sys

from snakemake.utils import min_version

min_version("9.0")

sys.path.insert(0, f"{workflow.basedir}/scripts")
from agnlc.core.config import ConfigError, check_config_files  # noqa: E402

try:  # Snakemake's own message for a config file it cannot parse names neither the file nor the line
    check_config_files(["config.yaml"])
except ConfigError as err:
    raise WorkflowError(str(err)) from None


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"


scattergather:
    split=N_SHARDS,


wildcard_constraints:
    shard=r"\d+-of-\d+",
    field="s82|xmmlss",


include: "workflow/rules/mocksky.smk"
include: "workflow/rules/samples.smk"
include: "workflow/rules/lightcurves.smk"
include: "workflow/rules/merge.smk"
include: "workflow/rules/features.smk"
include: "workflow/rules/objecttables.smk"
include: "workflow/rules/figures.smk"


rule all:
    input:
        rules.targets.output,
        rules.objecttable.output,
        expand(rules.objecttable_field.output, field=["s82", "xmmlss"]),
        rules.objecttable_schema.output,
        rules.hats_catalogues.output,
        FIGURES,
        rules.merge_store_index.output,
        rules.validation_features.output.report,
        VALIDATION_REFERENCE,
        gather.split(rules.merge_lightcurves.output.summary.replace("{shard}", "{scatteritem}")),
        expand("results/events/{source}/{shard}.parquet", source=EVENT_SOURCES, shard=gather.split("{scatteritem}")),
        REBUILD,
    default_target: True
