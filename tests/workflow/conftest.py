"""Run the Snakemake workflow on the tiny config in a temporary directory."""

from __future__ import annotations

import atexit
import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from agnlc.core.io import content_hash

#: the checkout the tests come from
SOURCE = Path(__file__).resolve().parents[2]


def _workflow_copy(source: Path) -> Path:
    """A private copy of the workflow (Snakefile, rules, library, resources) for this test process.

    `make test` runs two pytest processes side by side, and some tests edit a library module to
    check what a rerun replans: on a shared checkout that edit (and its future time stamp) would
    reach the other process's runs. Every Snakemake run of a test process uses its own copy.
    """
    dest = Path(tempfile.mkdtemp(prefix="agnlc-workflow-"))
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in ("Snakefile", "config.yaml", "pyproject.toml"):
        shutil.copy2(source / name, dest / name)
    for name in ("workflow", "scripts", "resources", "envs", "profiles", "docs", "tests/data", "tests/slurm"):
        shutil.copytree(source / name, dest / name, ignore=ignore)
    atexit.register(shutil.rmtree, dest, ignore_errors=True)
    return dest


#: the workflow every test runs (a copy of SOURCE, see :func:`_workflow_copy`)
REPO = _workflow_copy(SOURCE)
TINY = REPO / "tests" / "data" / "tiny.yaml"


def snakemake(
    workdir: Path, *args: str, timeout: int = 600, configfiles: tuple[Path, ...] = ()
) -> subprocess.CompletedProcess:
    """``snakemake -s <repo>/Snakefile --directory workdir --configfile tiny.yaml [configfiles] ...``
    (later config files override earlier ones key by key)."""
    cmd = [
        sys.executable,
        "-m",
        "snakemake",
        "-s",
        str(REPO / "Snakefile"),
        "--directory",
        str(workdir),
        "--configfile",
        str(TINY),
        *map(str, configfiles),
        "--cores",
        "2",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=workdir)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete run of the tiny config; returns its working directory."""
    wd = tmp_path_factory.mktemp("tiny_run")
    res = snakemake(wd)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-5000:]
    return wd


def output_hashes(wd: Path) -> dict[str, str]:
    """Content hash of every Parquet output (metadata excluded) and every figure."""
    out = {}
    for p in sorted((wd / "results").rglob("*")):
        rel = str(p.relative_to(wd))
        if p.suffix == ".parquet" and p.is_file():
            out[rel] = content_hash(p)
        elif p.suffix == ".png":
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out
