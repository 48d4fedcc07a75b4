"""Interrupted runs: kill -9 the Snakemake process, or one rule's job, at seeded random moments of a
run of the micro config; every rerun must complete and give the clean run's content, and no
half-written output may survive. Twenty kills; about half an hour: ``make reliability``."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.workflow.conftest import REPO, output_hashes

pytestmark = pytest.mark.reliability

MICRO = REPO / "tests" / "data" / "reliability.yaml"
N_KILLS = int(os.environ.get("AGNLC_N_KILLS", "20"))


def _cmd(wd: Path) -> list[str]:
    return [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "--directory", str(wd),
            "--configfile", str(MICRO), "--cores", "2"]  # fmt: skip


def _run(wd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(_cmd(wd), capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> tuple[dict[str, str], float]:
    wd = tmp_path_factory.mktemp("clean")
    t0 = time.monotonic()
    res = _run(wd)
    assert res.returncode == 0, res.stderr[-3000:]
    return output_hashes(wd), time.monotonic() - t0


def _leftovers(wd: Path) -> list[str]:
    """Temporary files of atomic writes that a finished rerun left behind."""
    out = []
    for p in (wd / "results").rglob("*"):
        if p.name.startswith(".tmp") or ".tmp-" in p.name or (p.name.startswith(".") and p.is_dir()):
            out.append(str(p.relative_to(wd)))
    return out


@pytest.mark.parametrize("k", range(N_KILLS))
def test_killed_run_recovers(clean, tmp_path, k):
    """Even k: kill -9 the Snakemake process group; odd k: kill -9 one running job's process."""
    hashes, t_clean = clean
    rng = random.Random(1000 + k)
    wd = tmp_path / f"run{k}"
    wd.mkdir()
    proc = subprocess.Popen(_cmd(wd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    delay = rng.uniform(2.0, 0.9 * t_clean)
    time.sleep(delay)
    what = "nothing (run already over)"
    if proc.poll() is None:
        if k % 2 == 0:
            os.killpg(proc.pid, signal.SIGKILL)
            what = f"snakemake group at {delay:.1f} s"
        else:
            jobs = [c for c in psutil.Process(proc.pid).children(recursive=True) if "python" in c.name()]
            if jobs:
                victim = rng.choice(jobs)
                victim.send_signal(signal.SIGKILL)
                what = f"job pid {victim.pid} at {delay:.1f} s"
            proc.wait(timeout=900)  # snakemake sees the failed job and stops
    proc.wait(timeout=60)
    # what a user does after a kill -9 or a power loss: Snakemake's lock survives its process, so
    # `--unlock` once, then the same command (profiles/default: rerun-incomplete)
    unlock = subprocess.run([*_cmd(wd), "--unlock"], capture_output=True, text=True, timeout=300)
    assert unlock.returncode == 0, unlock.stderr[-2000:]
    res = _run(wd)
    assert res.returncode == 0, f"kill {k} ({what}): rerun failed\n{res.stderr[-3000:]}"
    got = output_hashes(wd)
    differ = sorted(p for p in hashes if got.get(p) != hashes[p])
    assert not differ, f"kill {k} ({what}): outputs differ from the clean run: {differ}"
    assert not _leftovers(wd), _leftovers(wd)
    shutil.rmtree(wd, ignore_errors=True)
