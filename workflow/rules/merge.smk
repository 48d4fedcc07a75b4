# Merged light curves per shard: all archives' shards, sorted and deduplicated, written as
# Parquet, as a per-object summary, and as this shard's group of the zarr store; then the
# store's consolidated index over all shards.


rule merge_lightcurves:
    input:
        unpack(get_archive_shards),
        code=code("merge_lightcurves.py"),
    output:
        merged="results/lightcurves/merged/{shard}.parquet",
        summary="results/lightcurves/summary/{shard}.parquet",
        zarr_group="results/lightcurves.zarr/shards/{shard}/zarr.json",
    params:
        calibration=config["merge"],
        retry=get_failed_archive_records,
    log:
        "logs/merge/{shard}.log",
    benchmark:
        "results/benchmarks/merge/{shard}.tsv",
    resources:
        mem_mb=1500,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/merge_lightcurves.py"


rule merge_store_index:
    input:
        groups=gather.split("results/lightcurves.zarr/shards/{scatteritem}/zarr.json"),
        code=code("merge_store_index.py"),
    output:
        "results/lightcurves.zarr/zarr.json",
    params:
        shards=gather.split("{scatteritem}"),
    log:
        "logs/merge/store_index.log",
    benchmark:
        "results/benchmarks/merge/store_index.tsv",
    resources:
        mem_mb=1000,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/merge_store_index.py"
