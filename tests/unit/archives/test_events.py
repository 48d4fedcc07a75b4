"""Event sources: associations by error circle, never fluxes; ADQL inspectable."""

from __future__ import annotations

import numpy as np
import pandas as pd

from agnlc.archives import ArchiveSettings, get, run_adapter
from agnlc.archives.contract import EVENTS
from agnlc.core.tables import validate


def _targets(sky):
    return pd.read_parquet(sky / "truth.parquet")[["objectid", "ra", "dec"]]


def test_heasarc_targets_inside_error_circles(small_sky):
    t = _targets(small_sky)
    ev, st = run_adapter(get("heasarc"), t, ArchiveSettings("heasarc", mirror=str(small_sky / "events" / "heasarc")))
    assert st["status"] in ("ok", "empty")
    validate(ev, EVENTS)
    assert (ev["sep_deg"] <= ev["error_radius_deg"] + 1e-9).all()
    assert (ev.loc[ev["catalog"] == "fermigtrig", "error_radius_deg"] <= 1.0).all()
    assert (ev.loc[ev["catalog"] == "saxgrbmgrb", "error_radius_deg"] <= 3.0).all()
    assert ev["energy"].isna().all()  # triggers carry no energy: nothing is invented
    # the mock sky planted a few events within 0.3 deg of quasars: they are found
    assert len(ev) > 0


def test_heasarc_adql_uses_upload_and_circle():
    t = pd.DataFrame({"objectid": [1], "ra": [10.0], "dec": [0.0]})
    q = get("heasarc").build_query(t, ArchiveSettings("heasarc", transport="live"))
    assert (
        "tap_upload.targets" in q.adql["fermigtrig"]
        and "CIRCLE('ICRS', c.ra, c.dec, c.error_radius)" in q.adql["fermigtrig"]
    )
    assert '"time"' in q.adql["saxgrbmgrb"]  # reserved word quoted


def test_icecube_top_n_within_angular_error(small_sky):
    t = _targets(small_sky)
    s = ArchiveSettings("icecube", mirror=str(small_sky / "events" / "icecube"), options={"top_n": 2})
    ev, st = run_adapter(get("icecube"), t, s)
    assert st["status"] == "ok"
    validate(ev, EVENTS)
    assert (ev["sep_deg"] <= ev["error_radius_deg"] + 1e-9).all() and (ev["sep_deg"] <= 1.0).all()
    assert ev.groupby("objectid").size().max() <= 2
    assert (ev["energy"] >= 10**2.5 - 1e-6).all() and np.isfinite(ev["mjd"]).all()
