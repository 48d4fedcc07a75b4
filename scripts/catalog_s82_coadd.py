"""Rule catalog_s82_coadd: nearest SDSS Stripe 82 coadd object of each target in a shard."""

import logging

from agnlc.core import provenance
from agnlc.core.io import read_table, write_table
from agnlc.core.runner import script_main
from agnlc.objecttables.catalogs import match_s82_coadd


def main(smk):
    targets = read_table(smk.input.targets)
    if smk.input.mirror:
        m = match_s82_coadd(targets, smk.input.mirror[0], smk.params.radius_arcsec)
    else:  # objecttable.s82_coadd is empty: no coadd match, the photometry comes from DES and DR16
        m = match_s82_coadd(targets, None, smk.params.radius_arcsec)
    prov = provenance.build("catalog_s82_coadd", dict(smk.params), catalog="sdss_s82_coadd")
    write_table(m, smk.output[0], None, prov)
    logging.getLogger("agnlc.objecttables.catalogs").info("%d of %d targets matched", len(m), len(targets))


script_main(main, snakemake)  # noqa: F821
