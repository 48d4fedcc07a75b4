# Per-archive light-curve shards: one rule per archive (lightcurves_<archive>), one job per shard.
# A failing archive writes an empty shard with an error status; the run goes on.

for _archive in ARCHIVES:

    rule:
        name:
            f"lightcurves_{_archive}"
        input:
            targets=SHARD_TARGETS,
            mirror=get_archive_mirror(_archive),
            code=code("lightcurves.py", f"agnlc.archives.{_archive}"),
        output:
            parquet=f"results/lightcurves/{_archive}/{{shard}}.parquet",
            status=f"results/lightcurves/{_archive}/{{shard}}.status.json",
        params:
            archive=_archive,
            settings=config["archives"][_archive],
        log:
            f"logs/lightcurves/{_archive}/{{shard}}.log",
        benchmark:
            f"results/benchmarks/lightcurves/{_archive}/{{shard}}.tsv",
        threads: 1
        resources:
            mem_mb=2000,
            runtime=60,
            # one token per live archive: profiles cap concurrent queries per archive with
            # `resources: [<archive>_queries=N]` (live services throttle heavy users)
            **query_tokens(_archive),
        conda:
            "../../envs/archives.yaml"
        script:
            "../../scripts/lightcurves.py"


# Event-type sources (HEASARC triggers, IceCube neutrinos): the events table, one job per shard.
for _source in EVENT_SOURCES:

    rule:
        name:
            f"events_{_source}"
        input:
            targets=SHARD_TARGETS,
            mirror=get_archive_mirror(_source, "events"),
            code=code("lightcurves.py", f"agnlc.archives.{_source}"),
        output:
            parquet=f"results/events/{_source}/{{shard}}.parquet",
            status=f"results/events/{_source}/{{shard}}.status.json",
        params:
            archive=_source,
            settings=config["events"][_source],
            schema="events",
        log:
            f"logs/events/{_source}/{{shard}}.log",
        benchmark:
            f"results/benchmarks/events/{_source}/{{shard}}.tsv",
        threads: 1
        resources:
            mem_mb=1500,
            runtime=30,
            **query_tokens(_source, "events"),
        conda:
            "../../envs/archives.yaml"
        script:
            "../../scripts/lightcurves.py"
