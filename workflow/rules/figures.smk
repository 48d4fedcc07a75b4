# Figures, each registered in the Snakemake report (captions in workflow/report/).


rule figure_lightcurves:
    input:
        lightcurves=gather.split(rules.merge_lightcurves.output.merged.replace("{shard}", "{scatteritem}")),
        targets=rules.targets.output[0],
        code=code("figure_lightcurves.py"),
    output:
        report(
            directory("results/figures/lightcurves"),
            patterns=["{objectid}.png"],
            caption="../report/lightcurves.rst",
            category="Light curves",
            labels={"figure": "light curve {objectid}"},
        ),
    params:
        selection=config["figures"]["lightcurves"],
    log:
        "logs/figures/lightcurves.log",
    benchmark:
        "results/benchmarks/figures/lightcurves.tsv",
    resources:
        mem_mb=1500,
    conda:
        "../../envs/plotting.yaml"
    script:
        "../../scripts/figure_lightcurves.py"


rule figure_skymap:
    input:
        targets=rules.targets.output[0],
        code=code("figures.py"),
    output:
        report("results/figures/skymap.png", caption="../report/skymap.rst", category="Samples"),
    params:
        figure="skymap",
    log:
        "logs/figures/skymap.log",
    benchmark:
        "results/benchmarks/figures/skymap.tsv",
    resources:
        mem_mb=1000,
    conda:
        "../../envs/plotting.yaml"
    script:
        "../../scripts/figures.py"


rule figure_coverage:
    input:
        targets=rules.targets.output[0],
        summary=gather.split(rules.merge_lightcurves.output.summary.replace("{shard}", "{scatteritem}")),
        code=code("figures.py"),
    output:
        report("results/figures/coverage.png", caption="../report/coverage.rst", category="Light curves"),
    params:
        figure="coverage",
    log:
        "logs/figures/coverage.log",
    benchmark:
        "results/benchmarks/figures/coverage.tsv",
    resources:
        mem_mb=1000,
    conda:
        "../../envs/plotting.yaml"
    script:
        "../../scripts/figures.py"


rule figure_colours:
    input:
        targets=rules.targets.output[0],
        objects=rules.objecttable.output[0],
        code=code("figures.py"),
    output:
        report("results/figures/colours.png", caption="../report/colours.rst", category="Object tables"),
    params:
        figure="colours",
    log:
        "logs/figures/colours.log",
    benchmark:
        "results/benchmarks/figures/colours.tsv",
    resources:
        mem_mb=1500,
    conda:
        "../../envs/plotting.yaml"
    script:
        "../../scripts/figures.py"


rule figure_features:
    input:
        targets=rules.targets.output[0],
        features=gather.split(rules.features.output[0].replace("{shard}", "{scatteritem}")),
        code=code("figures.py"),
    output:
        report("results/figures/features_by_class.png", caption="../report/features.rst", category="Features"),
    params:
        figure="features",
        band=config["figures"]["feature_band"],
    log:
        "logs/figures/features.log",
    benchmark:
        "results/benchmarks/figures/features.tsv",
    resources:
        mem_mb=1500,
    conda:
        "../../envs/plotting.yaml"
    script:
        "../../scripts/figures.py"


rule figure_drw_recovery:
    input:
        drw=rules.validation_features.output.drw,
        code=code("figures.py"),
    output:
        report("results/figures/drw_recovery.png", caption="../report/drw_recovery.rst", category="Validation"),
    params:
        figure="drw_recovery",
    log:
        "logs/figures/drw_recovery.log",
    benchmark:
        "results/benchmarks/figures/drw_recovery.tsv",
    resources:
        mem_mb=1000,
    conda:
        "../../envs/plotting.yaml"
    script:
        "../../scripts/figures.py"


rule figure_period_recovery:
    input:
        periods=rules.validation_features.output.periods,
        code=code("figures.py"),
    output:
        report(
            "results/figures/period_recovery.png", caption="../report/period_recovery.rst", category="Validation"
        ),
    params:
        figure="period_recovery",
    log:
        "logs/figures/period_recovery.log",
    benchmark:
        "results/benchmarks/figures/period_recovery.tsv",
    resources:
        mem_mb=1000,
    conda:
        "../../envs/plotting.yaml"
    script:
        "../../scripts/figures.py"
