"""Rules lightcurves_<archive> and events_<source>: one archive, one shard -> canonical light
curves (or events) + status."""

import logging

from agnlc.archives import get
from agnlc.archives.base import ArchiveSettings, run_adapter
from agnlc.archives.contract import EVENTS, LIGHTCURVE
from agnlc.core import provenance
from agnlc.core.io import read_table, write_json, write_table
from agnlc.core.runner import script_main


def main(smk):
    log = logging.getLogger("agnlc.lightcurves")
    name = smk.params.archive
    settings = ArchiveSettings.from_config(name, dict(smk.params.settings))
    targets = read_table(smk.input.targets)
    lc, status = run_adapter(get(name), targets, settings)
    status["shard"] = smk.wildcards.shard
    prov = provenance.build(
        f"lightcurves_{name}",
        dict(smk.params.settings),
        archive=name,
        archives={name: {k: status[k] for k in ("release", "transport", "query_time", "status")}},
    )
    schema = EVENTS if smk.params.get("schema") == "events" else LIGHTCURVE
    write_table(lc, smk.output.parquet, schema, prov)
    status.pop("tracebacks", None) if status["status"] != "error" else None
    write_json(status, smk.output.status)
    log.info(
        "%s %s: %s, %d rows for %d/%d targets (%s)",
        name,
        smk.wildcards.shard,
        status["status"],
        status["rows"],
        status["n_targets_with_data"],
        status["n_targets"],
        status.get("reason", ""),
    )


script_main(main, snakemake)  # noqa: F821
