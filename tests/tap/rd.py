"""Resource descriptors for the local DaCHS TAP service, loaded with mock-sky tables under the
archives' real schema and table names (``gaiadr3.gaia_source``, ``gaiadr3.epoch_photometry``,
and HEASARC's unqualified ``fermigtrig``/``saxgrbmgrb``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

GAIA_RD = """<resource schema="gaiadr3">
  <meta name="title">Local stand-in for Gaia DR3 (agnlc mock sky)</meta>
  <meta name="description">Mock-sky rows with the column names of the gaiadr3 tables.</meta>
  <meta name="creationDate">2026-01-01T00:00:00Z</meta>
  <meta name="subject">astrometry</meta>
  <meta name="creator.name">agnlc tests</meta>
  <table id="gaia_source" onDisk="True" adql="True" primary="source_id">
    <meta name="description">Mock Gaia sources.</meta>
    <column name="source_id" type="bigint" ucd="meta.id;meta.main" required="True"/>
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"/>
    <column name="phot_g_mean_mag" type="real" unit="mag" ucd="phot.mag;em.opt"/>
    <column name="pmra" type="double precision" unit="mas/yr" ucd="pos.pm;pos.eq.ra"/>
    <column name="pmdec" type="double precision" unit="mas/yr" ucd="pos.pm;pos.eq.dec"/>
    <column name="parallax" type="double precision" unit="mas" ucd="pos.parallax"/>
  </table>
  <table id="epoch_photometry" onDisk="True" adql="True" primary="source_id">
    <meta name="description">Mock epoch photometry with array columns.</meta>
    <column name="source_id" type="bigint" ucd="meta.id;meta.main" required="True"/>
    <column name="n_transits" type="smallint" required="True"/>
    <column name="g_transit_time" type="double precision[]" unit="d"/>
    <column name="g_transit_flux" type="double precision[]"/>
    <column name="g_transit_flux_error" type="double precision[]"/>
    <column name="g_transit_mag" type="double precision[]" unit="mag"/>
  </table>
  <data id="import">
    <sources>gaia_source.csv</sources>
    <csvGrammar/>
    <make table="gaia_source"><rowmaker idmaps="*"/></make>
  </data>
  <data id="import_epoch">
    <sources>epoch_photometry.csv</sources>
    <csvGrammar/>
    <make table="epoch_photometry">
      <rowmaker idmaps="source_id,n_transits">
        <map key="g_transit_time">[float(x) for x in @g_transit_time.split()]</map>
        <map key="g_transit_flux">[float(x) for x in @g_transit_flux.split()]</map>
        <map key="g_transit_flux_error">[float(x) for x in @g_transit_flux_error.split()]</map>
        <map key="g_transit_mag">[float(x) for x in @g_transit_mag.split()]</map>
      </rowmaker>
    </make>
  </data>
</resource>
"""

HEASARC_RD = """<resource schema="public" resdir="heasarc">
  <meta name="title">Local stand-in for HEASARC trigger tables (agnlc mock sky)</meta>
  <meta name="description">Mock rows; table names unqualified like HEASARC's.</meta>
  <meta name="creationDate">2026-01-01T00:00:00Z</meta>
  <meta name="subject">gamma-ray bursts</meta>
  <meta name="creator.name">agnlc tests</meta>
  <table id="fermigtrig" onDisk="True" adql="True">
    <meta name="description">Mock Fermi GBM triggers.</meta>
    <column name="name" type="text" ucd="meta.id;meta.main"/>
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"/>
    <column name="trigger_time" type="double precision" unit="d" ucd="time.epoch"/>
    <column name="trigger_type" type="text"/>
    <column name="error_radius" type="real" unit="deg"/>
  </table>
  <table id="saxgrbmgrb" onDisk="True" adql="True">
    <meta name="description">Mock BeppoSAX GRBM bursts (a column named time).</meta>
    <column name="name" type="text" ucd="meta.id;meta.main"/>
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"/>
    <column name="quoted/time" type="double precision" unit="d"/>
    <column name="error_radius" type="real" unit="deg"/>
  </table>
  <data id="import">
    <sources>fermigtrig.csv</sources>
    <csvGrammar/>
    <make table="fermigtrig"><rowmaker idmaps="*"/></make>
  </data>
  <data id="import_sax">
    <sources>saxgrbmgrb.csv</sources>
    <csvGrammar/>
    <make table="saxgrbmgrb">
      <rowmaker idmaps="name,ra,dec,error_radius"><map key="quoted/time">float(@time)</map></rowmaker>
    </make>
  </data>
</resource>
"""


def write_rds(sky: Path, out: Path) -> list[Path]:
    """Write the gaiadr3 and heasarc RD folders for a mock sky; returns the folders."""
    gaia = out / "gaiadr3"
    gaia.mkdir(parents=True, exist_ok=True)
    (gaia / "q.rd").write_text(GAIA_RD)
    src = pq.read_table(sky / "mirrors" / "gaia" / "gaia_dr3" / "gaia_dr3" / "dataset", partitioning=None).to_pandas()
    src[["source_id", "ra", "dec", "phot_g_mean_mag", "pmra", "pmdec", "parallax"]].to_csv(
        gaia / "gaia_source.csv", index=False
    )
    ep = pq.read_table(
        sky / "mirrors" / "gaia" / "gaia_dr3_epoch_phot" / "gaia_dr3_epoch_phot" / "dataset", partitioning=None
    ).to_pandas()

    nested = ep["epoch_photometry"]  # struct of per-transit lists -> one array column per field

    def join(col: str) -> list[str]:
        return [" ".join(repr(float(x)) for x in np.asarray(v[col], dtype=float)) for v in nested]

    pd.DataFrame(
        {
            "source_id": ep["source_id"],
            "n_transits": [len(v["g_transit_time"]) for v in nested],
            "g_transit_time": join("g_transit_time"),
            "g_transit_flux": join("g_transit_flux"),
            "g_transit_flux_error": join("g_transit_flux_error"),
            "g_transit_mag": join("g_transit_mag"),
        }
    ).to_csv(gaia / "epoch_photometry.csv", index=False)
    heasarc = out / "heasarc"
    heasarc.mkdir(parents=True, exist_ok=True)
    (heasarc / "q.rd").write_text(HEASARC_RD)
    for name in ("fermigtrig", "saxgrbmgrb"):
        (heasarc / f"{name}.csv").write_bytes((sky / "events" / "heasarc" / f"{name}.csv").read_bytes())
    return [gaia, heasarc]
