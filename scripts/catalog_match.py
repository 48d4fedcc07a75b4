"""Rule catalog_<name>: nearest object of one Object-table catalogue for each target of a shard."""

import logging

from agnlc.core import provenance
from agnlc.core.io import read_table, write_table
from agnlc.core.runner import script_main
from agnlc.objecttables.catalogs import CATALOGS, match_catalog


def main(smk):
    name, settings = smk.params.catalog, dict(smk.params.settings)
    targets = read_table(smk.input.targets)
    m = match_catalog(name, targets, smk.params.radius_arcsec, settings["transport"], settings["mirror"])
    prov = provenance.build(
        f"catalog_{name}",
        {**settings, "radius_arcsec": smk.params.radius_arcsec},
        catalog=name,
        release=CATALOGS[name].release,
        transport=settings["transport"],
        query_time=provenance.utc_now(),
    )
    write_table(m, smk.output[0], None, prov)
    logging.getLogger("agnlc.objecttables.catalogs").info("%s: %d of %d targets matched", name, len(m), len(targets))


script_main(main, snakemake)  # noqa: F821
