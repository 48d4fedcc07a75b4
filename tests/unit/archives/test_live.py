"""The live services themselves (skipped unless ``pytest --remote-data``): one known object per
archive, through the same adapter code as the mirrors."""

from __future__ import annotations

import pandas as pd
import pytest

from agnlc.archives import ArchiveSettings, get, run_adapter
from agnlc.core.config import validate_config

# SDSS J015957.64+003310.5 (LaMassa et al. 2015), a Stripe 82 changing-look quasar
TARGET = pd.DataFrame({"objectid": [1], "ra": [29.990167], "dec": [0.552917]})


@pytest.mark.remote_data
@pytest.mark.parametrize("name", ["ztf", "ps1", "gaia", "wise", "crts", "alerce", "tess_kepler", "hcv"])
def test_live_archive_answers(name):
    cfg = validate_config({})["archives"][name]
    s = ArchiveSettings.from_config(name, {**cfg, "transport": "live", "retries": 0})
    _, st = run_adapter(get(name), TARGET, s)
    assert st["status"] in ("ok", "empty"), st


@pytest.mark.remote_data
@pytest.mark.parametrize("name", ["heasarc", "icecube"])
def test_live_event_source_answers(name):
    cfg = validate_config({})["events"][name]
    s = ArchiveSettings.from_config(name, {**cfg, "transport": "live", "retries": 0})
    _, st = run_adapter(get(name), TARGET, s)
    assert st["status"] in ("ok", "empty"), st
