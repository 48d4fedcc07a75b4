# Merged light curves per shard: all archives' shards, sorted and deduplicated.


rule merge_lightcurves:
    input:
        unpack(archive_shards),
        code=library("merge.py", "schema.py"),
    output:
        "results/lightcurves/merged/{shard}.parquet",
    log:
        "logs/merge/{shard}.log",
    resources:
        mem_mb=1500,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/merge_lightcurves.py"
