"""The tiny config on a real single-node SLURM cluster through profiles/slurm.

The cluster comes from tests/slurm/up.sh (the measured recipe of a local single-node SLURM:
Debian slurm-wlm + munge, no systemd); the test starts it when no idle node answers, and stops
only the daemons it started, by pid. Outputs must equal the local run's content for content.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.workflow.conftest import REPO, SOURCE, TINY, output_hashes

pytestmark = pytest.mark.workflow

UP, DOWN = REPO / "tests" / "slurm" / "up.sh", REPO / "tests" / "slurm" / "down.sh"
BASE = Path(os.environ.get("SLURM_BASE", "/tmp/agnlc-slurm"))


def _idle() -> bool:
    if not shutil.which("sinfo"):
        return False
    res = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True, timeout=20)
    return res.returncode == 0 and "idle" in res.stdout


@pytest.fixture(scope="module")
def slurm_cluster():
    """An idle single-node SLURM cluster; started (and later stopped) here when none is running."""
    if sys.platform != "linux" or os.geteuid() != 0 or (not shutil.which("apt-get") and not shutil.which("slurmctld")):
        pytest.skip("the local SLURM recipe needs Linux, root and apt (Debian)")
    started = False
    if not _idle():
        env = {**os.environ, "SLURM_BASE": str(BASE)}
        res = subprocess.run(["bash", str(UP)], capture_output=True, text=True, timeout=900, env=env)
        assert res.returncode == 0, f"tests/slurm/up.sh failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
        started = True
    yield
    if started:
        subprocess.run(["bash", str(DOWN)], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "SLURM_BASE": str(BASE)})  # fmt: skip


# longer than the run's own `timeout -s KILL 1500`, so a slow run is killed whole, never orphaned
# by pytest-timeout (found when CI shared the machine: the 900-s default left Snakemake running)
@pytest.mark.timeout(1800)
def test_tiny_run_under_slurm_equals_the_local_run(slurm_cluster, tiny_run, tmp_path):
    wd = tmp_path / "slurm_run"
    wd.mkdir()
    cmd = [
        sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "--directory", str(wd),
        "--configfile", str(TINY), "--profile", str(REPO / "profiles" / "slurm"),
        "--jobs", "4", "--latency-wait", "5", "--slurm-init-seconds-before-status-checks", "2",
    ]  # fmt: skip
    t0 = time.monotonic()
    # SIGKILL bound: a snakemake waiting on a status command that never answers ignores SIGTERM
    res = subprocess.run(["timeout", "-s", "KILL", "1500", *cmd], capture_output=True, text=True, cwd=wd)
    wall = time.monotonic() - t0
    log = res.stdout + res.stderr
    assert res.returncode == 0, log[-6000:]
    submitted = dict(re.findall(r"has been submitted with SLURM jobid (\d+) \(log: \S*/slurm_logs/([^/]+)/", log))
    kinds = list(submitted.values())
    shard_groups = [k for k in kinds if k.startswith("group_shard")]
    event_groups = [k for k in kinds if k.startswith("group_events")]
    head_tail = [k for k in kinds if k.startswith(("group_head", "group_tables", "group_figures"))]
    single = [k for k in kinds if k.startswith("rule_")]
    assert len(kinds) == len(shard_groups) + len(event_groups) + len(head_tail) + len(single), kinds
    n_shards = len(list((wd / "results/samples/shards").glob("*.parquet")))
    assert len(shard_groups) == n_shards and len(event_groups) == 1, kinds  # one job per shard, events batched
    assert len(head_tail) == 3 and not single, kinds  # the jobs before the shards, the gathers, the figures
    n_jobs = len(re.findall(r"Finished jobid", log))
    assert n_jobs > 3 * len(kinds), (n_jobs, len(kinds))  # the groups hold most of the jobs
    # issue 23: at 500,000 targets and shard_size 2500 (200 shards) the same profile submits
    # 200 shard groups + ceil(2 x 200 / 50) event groups + the jobs that see every target
    at_500k = 200 + -(-2 * 200 // 50) + len(head_tail) + len(single)
    assert at_500k <= 300, at_500k
    local, slurm = output_hashes(tiny_run), output_hashes(wd)
    assert set(slurm) == set(local)
    differ = sorted(k for k in local if local[k] != slurm[k])
    assert not differ, f"outputs differ between the local and the SLURM run: {differ}"
    record = {"wall_s": round(wall, 1), "slurm_jobs": len(submitted), "finished_jobs": n_jobs, "outputs": len(local),
              "cluster_jobs_at_500k_targets": at_500k}  # fmt: skip
    (SOURCE / "benchmarks" / "out").mkdir(parents=True, exist_ok=True)
    (SOURCE / "benchmarks" / "out" / "slurm_tiny.json").write_text(json.dumps(record, indent=2) + "\n")
