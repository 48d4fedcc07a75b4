# Figures, each registered in the Snakemake report (captions in workflow/report/).


rule figure_lightcurves:
    input:
        lightcurves=gather.split("results/lightcurves/merged/{scatteritem}.parquet"),
        targets="results/samples/targets.parquet",
        code=library("plotting/lightcurve.py", "plotting/style.py", "classes.py"),
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
        targets="results/samples/targets.parquet",
        code=library("plotting/sample.py", "plotting/style.py", "classes.py", "footprint.py"),
    output:
        report("results/figures/skymap.png", caption="../report/skymap.rst", category="Samples"),
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
        targets="results/samples/targets.parquet",
        summary=gather.split("results/lightcurves/summary/{scatteritem}.parquet"),
        code=library("plotting/sample.py", "plotting/style.py", "classes.py"),
    output:
        report("results/figures/coverage.png", caption="../report/coverage.rst", category="Light curves"),
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
        targets="results/samples/targets.parquet",
        objects="results/ObjectTable.parquet",
        code=library("plotting/sample.py", "plotting/style.py", "classes.py"),
    output:
        report("results/figures/colours.png", caption="../report/colours.rst", category="Object tables"),
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
        targets="results/samples/targets.parquet",
        features=gather.split("results/features/{scatteritem}.parquet"),
        code=library("plotting/sample.py", "plotting/style.py", "classes.py", "featuredefs.py"),
    output:
        report("results/figures/features_by_class.png", caption="../report/features.rst", category="Features"),
    params:
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
        drw="results/validation/drw_recovery.parquet",
        code=library("plotting/validation.py", "plotting/style.py"),
    output:
        report("results/figures/drw_recovery.png", caption="../report/drw_recovery.rst", category="Validation"),
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
        periods="results/validation/period_recovery.parquet",
        code=library("plotting/validation.py", "plotting/style.py"),
    output:
        report(
            "results/figures/period_recovery.png", caption="../report/period_recovery.rst", category="Validation"
        ),
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
