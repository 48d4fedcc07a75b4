"""``python -m agnlc fetch`` and ``python -m agnlc parse``: the rule's adapter code from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from agnlc.core.io import read_metadata

REPO = Path(__file__).resolve().parents[3]
REPLIES = REPO / "tests" / "data" / "replies"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agnlc", *args], capture_output=True, text=True, timeout=300)


def test_parse_tess_fits_without_targets(tmp_path):
    out = tmp_path / "pimen.parquet"
    r = _run(
        "parse", "tess_kepler", str(REPLIES / "tess_kepler" / "test-lc-tess-pimen-100-cadences.fits"), "--out", str(out)
    )
    assert r.returncode == 0, r.stderr
    lc = pd.read_parquet(out)
    assert len(lc) == 99 and (lc["objectid"] == 0).all() and set(lc["source_id"]) == {"TIC 261136679"}
    assert read_metadata(out)["archive"] == "tess_kepler"


def test_parse_alerce_explorer_csv_with_targets(tmp_path):
    targets = tmp_path / "t.csv"
    targets.write_text("ra,dec,name\n318.5279,13.0154,ZTF18abbuive\n")
    files = [str(REPLIES / "alerce" / f"ZTF18abbuive_20240325_{k}.csv") for k in ("detections", "non_detections")]
    r = _run("parse", "alerce", *files, "--targets", str(targets), "--out", str(tmp_path / "a.parquet"))
    assert r.returncode == 0, r.stderr
    lc = pd.read_parquet(tmp_path / "a.parquet")
    assert lc["objectid"].nunique() == 1 and lc["upper_limit"].sum() == 242


def test_parse_refuses_a_file_it_does_not_understand(tmp_path):
    bad = tmp_path / "page.csv"
    bad.write_text("<html><body>Service unavailable</body></html>\n")
    r = _run("parse", "crts", str(bad))
    assert r.returncode == 2 and "HTML" in r.stderr


def test_fetch_from_a_mirror(small_sky, tmp_path):
    truth = pd.read_parquet(small_sky / "truth.parquet")
    t = truth[truth["n_det_crts"] > 0].head(3)[["ra", "dec"]]
    t.to_csv(tmp_path / "t.csv", index=False)
    out = tmp_path / "crts.parquet"
    r = _run("fetch", "crts", "--targets", str(tmp_path / "t.csv"), "--mirror", str(small_sky / "mirrors" / "crts"),
             "--out", str(out))  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert '"status": "ok"' in r.stdout
    lc = pd.read_parquet(out)
    assert lc["objectid"].nunique() == 3 and set(lc["archive"]) == {"crts"}
    assert read_metadata(out)["archives"]["crts"]["transport"] == "mirror"
