# Samples: user and literature tables -> one validated target table -> shards.


rule targets:
    input:
        samples=get_sample_files,
        code=code("targets.py"),
    output:
        "results/samples/targets.parquet",
    params:
        dedup_radius_arcsec=config["samples"]["dedup_radius_arcsec"],
    log:
        "logs/samples/targets.log",
    benchmark:
        "results/benchmarks/samples/targets.tsv",
    resources:
        mem_mb=lambda wc, input: sample_mem_mb(estimate_rows(input.samples)),
    conda:
        "../../envs/samples.yaml"
    script:
        "../../scripts/targets.py"


rule split_targets:
    input:
        targets=rules.targets.output[0],
        code=code("split_targets.py"),
    output:
        scatter.split(SHARD_TARGETS.replace("{shard}", "{scatteritem}")),
    params:
        healpix_order=config["samples"]["healpix_order"],
    log:
        "logs/samples/split_targets.log",
    benchmark:
        "results/benchmarks/samples/split_targets.tsv",
    resources:
        mem_mb=lambda wc, input: sample_mem_mb(estimate_rows([input.targets])),
    conda:
        "../../envs/samples.yaml"
    script:
        "../../scripts/split_targets.py"
