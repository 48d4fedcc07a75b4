# agnlc: multi-archive light curves and an LSST-style AGN training set.
# Entry point only: the stages live in workflow/rules/, the code in scripts/agnlc/.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"


scattergather:
    split=N_SHARDS,


wildcard_constraints:
    shard=r"\d+-of-\d+",


include: "workflow/rules/mocksky.smk"
include: "workflow/rules/samples.smk"
include: "workflow/rules/lightcurves.smk"
include: "workflow/rules/merge.smk"
include: "workflow/rules/features.smk"
include: "workflow/rules/objecttables.smk"
include: "workflow/rules/figures.smk"


rule all:
    input:
        "results/samples/targets.parquet",
        "results/s82ObjectTable.parquet",
        "results/xmmlssObjectTable.parquet",
        "results/ObjectTable.parquet",
        "results/ObjectTable.schema.yaml",
        FIGURES,
        "results/lightcurves.zarr/zarr.json",
        "results/validation/features.json",
        gather.split("results/lightcurves/summary/{scatteritem}.parquet"),
        expand("results/events/{source}/{shard}.parquet", source=EVENT_SOURCES, shard=gather.split("{scatteritem}")),
        REBUILD,
    default_target: True
