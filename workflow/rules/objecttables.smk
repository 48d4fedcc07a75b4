# Catalogue cross-matches and the LSST-style Object tables (one {field} per sky field: s82, xmmlss).


rule catalog_s82_coadd:
    input:
        targets=SHARD_TARGETS,
        mirror=get_s82_coadd_mirror,
        code=code("catalog_s82_coadd.py"),
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
for _cat in CATALOGS_ON:

    rule:
        name:
            f"catalog_{_cat}"
        input:
            targets=SHARD_TARGETS,
            mirror=get_catalog_mirror(_cat),
            code=code("catalog_match.py"),
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


rule objecttable_shard:
    input:
        unpack(get_catalog_shards),
        unpack(get_field_inputs),
        targets=SHARD_TARGETS,
        code=code("objecttable_shard.py"),
    output:
        "results/objecttable/{field}/{shard}.parquet",
    log:
        "logs/objecttable/{field}/{shard}.log",
    benchmark:
        "results/benchmarks/objecttable/{field}/{shard}.tsv",
    resources:
        mem_mb=1000,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/objecttable_shard.py"


rule objecttable_field:
    input:
        parts=gather.split("results/objecttable/{{field}}/{scatteritem}.parquet"),
        code=code("objecttable_gather.py"),
    output:
        "results/{field}ObjectTable.parquet",
    log:
        "logs/objecttable/{field}.log",
    benchmark:
        "results/benchmarks/objecttable/{field}.tsv",
    resources:
        mem_mb=1000,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/objecttable_gather.py"


rule objecttable:
    input:
        s82=rules.objecttable_field.output[0].format(field="s82"),
        xmmlss=rules.objecttable_field.output[0].format(field="xmmlss"),
        code=code("objecttable_merge.py"),
    output:
        "results/ObjectTable.parquet",
    params:
        radius_arcsec=config["objecttable"]["match_radius_arcsec"],
    log:
        "logs/objecttable/merged.log",
    benchmark:
        "results/benchmarks/objecttable/merged.tsv",
    resources:
        mem_mb=1000,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/objecttable_merge.py"


rule objecttable_schema:
    input:
        schema=str(BASEDIR / "workflow" / "schemas" / "objecttable.schema.yaml"),
        code=code("objecttable_schema.py"),
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


# The three Object tables and, with config outputs.lightcurves_hats, the merged light curves (one
# row per target, a nested lightcurve column) as HATS catalogues, in one job: hats is imported once.
rule hats_catalogues:
    input:
        tables=[f"results/{name}.parquet" for name in HATS_TABLES],
        merged=gather.split(rules.merge_lightcurves.output.merged.replace("{shard}", "{scatteritem}"))
        if HATS_LIGHTCURVES
        else [],
        targets=rules.targets.output[0] if HATS_LIGHTCURVES else [],
        code=code("hats_catalogues.py"),
    output:
        directory(HATS_TABLE_DIRS + HATS_LIGHTCURVES),
    log:
        "logs/objecttable/hats.log",
    benchmark:
        "results/benchmarks/objecttable/hats.tsv"
    resources:
        mem_mb=1000,
    conda:
        "../../envs/tables.yaml"
    script:
        "../../scripts/hats_catalogues.py"
