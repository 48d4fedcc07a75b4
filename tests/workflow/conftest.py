"""Run the Snakemake workflow on the tiny config in a temporary directory."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from agnlc.core.io import content_hash

REPO = Path(__file__).resolve().parents[2]
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
