"""Names of the Object-table catalogues (one registry: :data:`agnlc.objecttables.catalogs.CATALOGS` is
keyed by these, the mock sky writes their mirrors, the workflow has one rule per name). Light on
purpose: the workflow reads it while it is parsed."""

from __future__ import annotations

__all__ = ["CATALOG_NAMES", "MOCK_CATALOG_DIRS"]

#: the catalogues matched to the targets (``objecttable.catalogs.<name>`` in the config)
CATALOG_NAMES: tuple[str, ...] = (
    "des_dr2",
    "sdss_dr16",
    "hsc",
    "cfhtls_w",
    "nsc_dr2",
    "gaia_edr3",
    "xmm_servs",
    "sdss_specobj",
)
#: the mock sky's catalogue folders (Gaia EDR3 reads the Gaia light-curve mirror; DR16's photo-z
#: is its own table)
MOCK_CATALOG_DIRS: tuple[str, ...] = (
    "des_dr2",
    "sdss_dr16",
    "sdss_dr16_photoz",
    "hsc",
    "cfhtls_w",
    "nsc_dr2",
    "xmm_servs",
    "sdss_specobj",
)
