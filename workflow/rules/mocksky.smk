# The embedded default: a deterministic mock sky with archive and catalogue mirrors, events,
# truth and demo samples (scripts/agnlc/mocksky/).

from agnlc.objecttables.names import MOCK_CATALOG_DIRS  # noqa: E402


rule mocksky:
    input:
        code=code("mocksky.py"),
        literature=[str(BASEDIR / "resources" / "literature" / f"{n}.ecsv") for n in config["samples"]["literature"]],
    output:
        manifest=f"{MOCKDIR}/manifest.json",
        truth=f"{MOCKDIR}/truth.parquet",
        literature=f"{MOCKDIR}/samples/literature.ecsv",
        sdss=f"{MOCKDIR}/samples/sdss.csv",
        xmmlss=f"{MOCKDIR}/samples/xmmlss.csv",
        epochs=directory(f"{MOCKDIR}/truth/epochs"),
        mirrors=[directory(f"{MOCKDIR}/mirrors/{m}") for m in _ARCHIVE_NAMES],
        catalogs=[directory(f"{MOCKDIR}/catalogs/{c}") for c in MOCK_CATALOG_DIRS],
        events=[directory(f"{MOCKDIR}/events/{e}") for e in _EVENT_NAMES],
    params:
        cfg=config["mocksky"],
        literature=config["samples"]["literature"],
    log:
        "logs/mocksky.log",
    benchmark:
        "results/benchmarks/mocksky.tsv",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    conda:
        "../../envs/mocksky.yaml"
    script:
        "../../scripts/mocksky.py"
