# Catalogue cross-matches and the LSST-style Object tables.


rule catalog_s82_coadd:
    input:
        targets="results/samples/shards/{shard}.parquet",
        mirror=config["objecttable"]["s82_coadd"],
        code=library("catalogs.py", "crossmatch.py"),
    output:
        "results/catalogs/sdss_s82_coadd/{shard}.parquet",
    params:
        radius_arcsec=config["objecttable"]["match_radius_arcsec"],
    log:
        "logs/catalogs/sdss_s82_coadd/{shard}.log",
    resources:
        mem_mb=1000,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/catalog_s82_coadd.py"


rule objecttable_s82_shard:
    input:
        targets="results/samples/shards/{shard}.parquet",
        coadd="results/catalogs/sdss_s82_coadd/{shard}.parquet",
        features="results/features/{shard}.parquet",
        code=library("objecttable.py", "photometry.py", "schema.py", "featuredefs.py"),
    output:
        "results/objecttable/s82/{shard}.parquet",
    log:
        "logs/objecttable/s82/{shard}.log",
    resources:
        mem_mb=1000,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/objecttable_s82_shard.py"


rule objecttable_s82:
    input:
        gather.split("results/objecttable/s82/{scatteritem}.parquet"),
    output:
        report("results/s82ObjectTable.parquet", caption="../report/s82objecttable.rst", category="Object tables"),
    log:
        "logs/objecttable/s82.log",
    resources:
        mem_mb=2000,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/objecttable_s82.py"


rule objecttable:
    input:
        s82="results/s82ObjectTable.parquet",
        code=library("objecttable.py", "schema.py", "featuredefs.py"),
    output:
        "results/ObjectTable.parquet",
    log:
        "logs/objecttable/merged.log",
    resources:
        mem_mb=2000,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/objecttable_merge.py"


rule objecttable_schema:
    input:
        schema="workflow/schemas/objecttable.schema.yaml",
        code=library("objecttable.py", "schema.py", "featuredefs.py"),
    output:
        report("results/ObjectTable.schema.yaml", caption="../report/objecttable_schema.rst", category="Object tables"),
    log:
        "logs/objecttable/schema.log",
    resources:
        mem_mb=500,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/objecttable_schema.py"
