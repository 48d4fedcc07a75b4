import json

import numpy as np
import pandas as pd
import pytest

from agnlc.io import write_table
from agnlc.merge import MergeError, merge_lightcurves, read_shard
from agnlc.schema import LIGHTCURVE


def _lc(oid, mjds, archive="sdss_s82", band="sdss_g"):

    return pd.DataFrame(
        {
            "objectid": oid,
            "archive": archive,
            "band": band,
            "mjd": mjds,
            "flux": 1.0,
            "flux_err": 0.1,
            "mag": np.float32(20),
            "mag_err": np.float32(0.1),
            "upper_limit": False,
            "source_id": [f"s{m}" for m in mjds],
            "match_sep_arcsec": np.float32(0.1),
            "flags": 0,
        }
    )


def _status(archive, rows, status="ok"):
    return {
        "archive": archive,
        "status": status,
        "reason": "" if status == "ok" else "HTTP 503",
        "rows": rows,
        "release": "r",
        "transport": "mirror",
        "query_time": "t",
        "radius_arcsec": 1.0,
    }


def test_sorted_deduplicated_and_statuses_kept():
    a = pd.concat([_lc(2, [3.0, 1.0]), _lc(1, [5.0]), _lc(2, [3.0])], ignore_index=True)  # (2, 3.0) twice
    b = LIGHTCURVE.empty()
    merged, summary = merge_lightcurves([(a, _status("sdss_s82", 4)), (b, _status("ztf", 0, "error"))])
    assert list(zip(merged["objectid"], merged["mjd"], strict=True)) == [(1, 5.0), (2, 1.0), (2, 3.0)]
    assert summary["duplicates_dropped"] == 1
    assert summary["missing_archives"] == ["ztf"]
    assert summary["archives"]["ztf"]["reason"] == "HTTP 503"


def test_all_archives_missing_gives_empty_valid_table():
    merged, summary = merge_lightcurves([(LIGHTCURVE.empty(), _status("sdss_s82", 0, "error"))])
    assert len(merged) == 0 and list(merged.columns) == LIGHTCURVE.names
    assert summary["missing_archives"] == ["sdss_s82"]


def test_row_count_mismatch_and_truncation_detected(tmp_path):
    p, s = tmp_path / "x.parquet", tmp_path / "x.status.json"
    write_table(_lc(1, [1.0, 2.0]), p, LIGHTCURVE)
    s.write_text(json.dumps(_status("sdss_s82", 3)))
    with pytest.raises(MergeError, match="2 rows but its status record"):
        read_shard(p, s)
    s.write_text(json.dumps(_status("sdss_s82", 2)))
    assert len(read_shard(p, s)[0]) == 2
    p.write_bytes(p.read_bytes()[:100])
    with pytest.raises(MergeError, match="unreadable Parquet"):
        read_shard(p, s)
