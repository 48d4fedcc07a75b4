"""Issue 22 §3–4 through the workflow: a sample outside every archive's sky runs to the end
(exit 0, every archive ``empty``, nothing queued for retry, every figure drawn), and a damaged
CRTS mirror file costs only its targets, named in the shard's status."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.workflow.conftest import snakemake

pytestmark = pytest.mark.workflow

SOUTH = "name,ra,dec\nsouth1,180.0,-60.0\nsouth2,181.0,-61.0\nsouth3,182.5,-62.0\n"


def test_a_sample_outside_every_archive_runs_to_the_end(tmp_path):
    (tmp_path / "south.csv").write_text(SOUTH)
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("samples: {files: [south.csv], literature: [], mock: [], n_shards: 1}\n")
    res = snakemake(tmp_path, "--configfile", str(cfg))
    assert res.returncode == 0, res.stderr[-4000:]
    statuses = {p.parent.name: json.loads(p.read_text()) for p in tmp_path.glob("results/*/*/1-of-1.status.json")}
    assert len(statuses) == 11  # nine light-curve archives and two event sources
    for name, st in statuses.items():
        assert st["status"] == "empty" and st["attempts"] == 1, (name, st)
    covered = [n for n, st in statuses.items() if "not covered" in st["reason"]]
    assert {"ztf", "ps1", "gaia", "wise", "crts"} <= set(covered)
    assert not list(tmp_path.glob("results/**/*.failed.json"))  # nothing for the next run to retry
    assert "will be retried" not in res.stderr
    feats = pd.read_parquet(tmp_path / "results/features/1-of-1.parquet")
    assert (feats["featFlags_g"] == 1).all() and len(feats) == 3
    assert (tmp_path / "results/figures/coverage.png").stat().st_size > 0
    rerun = snakemake(tmp_path, "--configfile", str(cfg), "-n")
    assert "Nothing to be done" in rerun.stdout + rerun.stderr


def test_a_damaged_crts_file_costs_only_its_targets(tmp_path):
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("samples: {n_shards: 1}\n")
    res = snakemake(tmp_path, "results/mocksky/manifest.json", configfiles=(cfg,))
    assert res.returncode == 0, res.stderr[-3000:]
    files = sorted((tmp_path / "results/mocksky/mirrors/crts").glob("crts_hpx3_*.csv"))
    damaged = max(files, key=lambda f: f.stat().st_size)
    lines = damaged.read_text().splitlines()
    lines[5] = lines[5][: len(lines[5]) // 3]  # a truncated line
    damaged.write_text("\n".join(lines) + "\n")
    res = snakemake(tmp_path, "results/lightcurves/crts/1-of-1.status.json", configfiles=(cfg,))
    assert res.returncode == 0, res.stderr[-3000:]
    st = json.loads((tmp_path / "results/lightcurves/crts/1-of-1.status.json").read_text())
    assert st["status"] == "ok" and st["n_targets_with_data"] > 0 and st["n_targets_failed"] > 0, st
    assert f"{damaged.relative_to(tmp_path)} line 6" in st["reason"], st["reason"]
