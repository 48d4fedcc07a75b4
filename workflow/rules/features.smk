# Light-curve features per shard, named as in the Object table (lcNonPeriodic[k]_<band>).


rule features:
    input:
        lightcurves="results/lightcurves/merged/{shard}.parquet",
        targets="results/samples/shards/{shard}.parquet",
        code=library("features.py"),
    output:
        "results/features/{shard}.parquet",
    params:
        bands=config["features"]["bands"],
        min_epochs=config["features"]["min_epochs"],
    log:
        "logs/features/{shard}.log",
    threads: 1
    resources:
        mem_mb=1500,
    conda:
        "../../envs/features.yaml"
    script:
        "../../scripts/features.py"
