# The embedded default: a deterministic mock sky with archive mirrors, truth and samples.


rule mocksky:
    input:
        library("mocksky/generate.py", "mocksky/population.py", "mocksky/processes.py", "mocksky/sdss.py"),
    output:
        manifest=f"{MOCKDIR}/manifest.json",
        truth=f"{MOCKDIR}/truth.parquet",
        literature=f"{MOCKDIR}/samples/literature.ecsv",
        sdss=f"{MOCKDIR}/samples/sdss.csv",
        truth_epochs=directory(f"{MOCKDIR}/truth/sdss_s82_epochs"),
        sdss_s82=directory(f"{MOCKDIR}/mirrors/sdss_s82"),
    params:
        cfg=config["mocksky"],
    log:
        "logs/mocksky.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    conda:
        "../../envs/mocksky.yaml"
    script:
        "../../scripts/mocksky.py"
