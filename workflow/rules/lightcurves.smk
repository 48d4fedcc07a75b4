# Per-archive light-curve shards: one rule per archive (lightcurves_<archive>), one job per shard.
# A failing archive writes an empty shard with an error status; the run goes on.

for _archive in ARCHIVES:

    rule:
        name:
            f"lightcurves_{_archive}"
        input:
            targets="results/samples/shards/{shard}.parquet",
            mirror=archive_mirror(_archive),
            code=library("archives/base.py", "archives/hats.py", f"archives/{_archive}.py", "crossmatch.py",
                         "photometry.py", "bands.py"),
        output:
            parquet=f"results/lightcurves/{_archive}/{{shard}}.parquet",
            status=f"results/lightcurves/{_archive}/{{shard}}.status.json",
        params:
            archive=_archive,
            settings=config["archives"][_archive],
        log:
            f"logs/lightcurves/{_archive}/{{shard}}.log",
        threads: 1
        resources:
            mem_mb=2000,
            runtime=60,
            # one token per archive: profiles cap concurrent queries per archive with
            # `resources: [<archive>_queries=N]` (live services throttle heavy users)
            **{f"{_archive}_queries": 1},
        conda:
            "../../envs/archives.yaml"
        script:
            "../../scripts/lightcurves.py"
