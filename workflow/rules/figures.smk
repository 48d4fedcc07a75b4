# Figures registered in the Snakemake report.


rule figure_lightcurve:
    input:
        lightcurves=gather.split("results/lightcurves/merged/{scatteritem}.parquet"),
        features=gather.split("results/features/{scatteritem}.parquet"),
        code=library("plotting/lightcurve.py", "plotting/style.py"),
    output:
        report("results/figures/lightcurve.png", caption="../report/lightcurve.rst", category="Light curves"),
    params:
        objects=config["figures"]["lightcurve_objects"],
    log:
        "logs/figures/lightcurve.log",
    resources:
        mem_mb=1000,
    conda:
        "../../envs/plotting.yaml"
    script:
        "../../scripts/figure_lightcurve.py"
