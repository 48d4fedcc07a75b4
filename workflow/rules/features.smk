# Light-curve features per shard, named as in the Object table (lcNonPeriodic[k]_<band>).


rule features:
    input:
        lightcurves=rules.merge_lightcurves.output.merged,
        targets=SHARD_TARGETS,
        code=code("features.py"),
    output:
        "results/features/{shard}.parquet",
    params:
        features=config["features"],
    log:
        "logs/features/{shard}.log",
    benchmark:
        "results/benchmarks/features/{shard}.tsv",
    threads: 1
    resources:
        mem_mb=1500,
    conda:
        "../../envs/features.yaml"
    script:
        "../../scripts/features.py"


rule validation_features:
    input:
        features=gather.split("results/features/{scatteritem}.parquet"),
        summary=gather.split("results/lightcurves/summary/{scatteritem}.parquet"),
        truth=[f"{MOCKDIR}/truth.parquet"] if MOCK else [],
        sesar=get_sesar_rrlyrae,
        code=code("validation_features.py"),
    output:
        report=report(
            "results/validation/features.json", caption="../report/validation.rst", category="Validation"
        ),
        drw="results/validation/drw_recovery.parquet",
        periods="results/validation/period_recovery.parquet",
    params:
        periodogram=config["features"]["periodogram"],
    log:
        "logs/validation/features.log",
    benchmark:
        "results/benchmarks/validation/features.tsv",
    resources:
        mem_mb=1500,
    conda:
        "../../envs/features.yaml"
    script:
        "../../scripts/validation_features.py"


rule validation_reference:
    input:
        lightcurves=f"{REFERENCE_FEATURES}/lightcurves.csv.gz",
        cesium=f"{REFERENCE_FEATURES}/cesium_features.csv",
        tools=f"{REFERENCE_FEATURES}/eztao_fats_features.csv",
        code=code("validation_reference.py"),
    output:
        json="results/validation/reference_agreement.json",
        html=report(
            "results/validation/reference_agreement.html",
            caption="../report/reference_agreement.rst",
            category="Validation",
        ),
    log:
        "logs/validation/reference.log",
    benchmark:
        "results/benchmarks/validation/reference.tsv",
    resources:
        mem_mb=1500,
    conda:
        "../../envs/features.yaml"
    script:
        "../../scripts/validation_reference.py"
