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
    benchmark:
        "results/benchmarks/catalogs/sdss_s82_coadd/{shard}.tsv",
    resources:
        mem_mb=1000,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/catalog_s82_coadd.py"


# The other Object-table catalogues: one rule per catalogue (catalog_<name>), one job per shard.
for _cat in CATALOG_NAMES:

    rule:
        name:
            f"catalog_{_cat}"
        input:
            targets="results/samples/shards/{shard}.parquet",
            mirror=catalog_mirror(_cat),
            code=library("catalogs.py", "crossmatch.py", "healpix.py", "sessions.py"),
        output:
            f"results/catalogs/{_cat}/{{shard}}.parquet",
        params:
            catalog=_cat,
            settings=config["objecttable"]["catalogs"][_cat],
            radius_arcsec=config["objecttable"]["match_radius_arcsec"],
        log:
            f"logs/catalogs/{_cat}/{{shard}}.log",
        benchmark:
            f"results/benchmarks/catalogs/{_cat}/{{shard}}.tsv",
        resources:
            mem_mb=1000,
        conda:
            "../../envs/tables.yaml"
        script:
            "../../scripts/catalog_match.py"


rule objecttable_s82_shard:
    input:
        unpack(catalog_shards),
        targets="results/samples/shards/{shard}.parquet",
        coadd="results/catalogs/sdss_s82_coadd/{shard}.parquet",
        features="results/features/{shard}.parquet",
        code=library("objecttable.py", "photometry.py", "schema.py", "featuredefs.py", "catalogs.py"),
    output:
        "results/objecttable/s82/{shard}.parquet",
    log:
        "logs/objecttable/s82/{shard}.log",
    benchmark:
        "results/benchmarks/objecttable/s82/{shard}.tsv",
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
        "results/s82ObjectTable.parquet",
    log:
        "logs/objecttable/s82.log",
    benchmark:
        "results/benchmarks/objecttable/s82.tsv",
    resources:
        mem_mb=2000,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/objecttable_gather.py"


rule objecttable_xmmlss_shard:
    input:
        unpack(catalog_shards),
        targets="results/samples/shards/{shard}.parquet",
        code=library("objecttable.py", "photometry.py", "schema.py", "featuredefs.py", "catalogs.py"),
    output:
        "results/objecttable/xmmlss/{shard}.parquet",
    log:
        "logs/objecttable/xmmlss/{shard}.log",
    benchmark:
        "results/benchmarks/objecttable/xmmlss/{shard}.tsv",
    resources:
        mem_mb=1000,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/objecttable_xmmlss_shard.py"


rule objecttable_xmmlss:
    input:
        gather.split("results/objecttable/xmmlss/{scatteritem}.parquet"),
    output:
        "results/xmmlssObjectTable.parquet",
    log:
        "logs/objecttable/xmmlss.log",
    benchmark:
        "results/benchmarks/objecttable/xmmlss.tsv",
    resources:
        mem_mb=2000,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/objecttable_gather.py"


rule objecttable:
    input:
        s82="results/s82ObjectTable.parquet",
        xmmlss="results/xmmlssObjectTable.parquet",
        code=library("objecttable.py", "schema.py", "featuredefs.py", "crossmatch.py"),
    output:
        "results/ObjectTable.parquet",
    params:
        radius_arcsec=config["objecttable"]["match_radius_arcsec"],
    log:
        "logs/objecttable/merged.log",
    benchmark:
        "results/benchmarks/objecttable/merged.tsv",
    resources:
        mem_mb=2000,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/objecttable_merge.py"


rule objecttable_schema:
    input:
        schema=str(BASEDIR / "workflow" / "schemas" / "objecttable.schema.yaml"),
        code=library("objecttable.py", "schema.py", "featuredefs.py"),
    output:
        report("results/ObjectTable.schema.yaml", caption="../report/objecttable_schema.rst", category="Object tables"),
    log:
        "logs/objecttable/schema.log",
    benchmark:
        "results/benchmarks/objecttable/schema.tsv",
    resources:
        mem_mb=500,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/objecttable_schema.py"
