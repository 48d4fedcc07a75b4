# The embedded default: a deterministic mock sky with archive and catalogue mirrors, events,
# truth and demo samples (scripts/agnlc/mocksky/).

MOCK_MIRRORS = ["sdss_s82", "ztf", "alerce", "ps1", "gaia", "wise", "crts", "tess_kepler", "hcv"]
MOCK_CATALOGS = ["des_dr2", "sdss_dr16", "sdss_dr16_photoz", "hsc", "cfhtls_w", "nsc_dr2", "xmm_servs", "sdss_specobj"]


rule mocksky:
    input:
        library("mocksky", "layouts.py"),
    output:
        manifest=f"{MOCKDIR}/manifest.json",
        truth=f"{MOCKDIR}/truth.parquet",
        literature=f"{MOCKDIR}/samples/literature.ecsv",
        sdss=f"{MOCKDIR}/samples/sdss.csv",
        xmmlss=f"{MOCKDIR}/samples/xmmlss.csv",
        epochs=directory(f"{MOCKDIR}/truth/epochs"),
        mirrors=[directory(f"{MOCKDIR}/mirrors/{m}") for m in MOCK_MIRRORS],
        catalogs=[directory(f"{MOCKDIR}/catalogs/{c}") for c in MOCK_CATALOGS],
        heasarc=directory(f"{MOCKDIR}/events/heasarc"),
        icecube=directory(f"{MOCKDIR}/events/icecube"),
    params:
        cfg=config["mocksky"],
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
