"""The bad-input catalogue: malformed sample files and config files, each rejected with an error
naming the file, the row (1-based, ``row 0`` = the header) and the field, or the config key.

These call the same functions the ``targets`` rule and the Snakefile's validation call
(:func:`agnlc.samples.read_sample`, :func:`agnlc.config.validate_config`). The workflow-level
consequences (non-zero exit before any archive job, no partial output) are proved for a sample
and eight configs in ``tests/workflow/test_bad_input.py``, and for hostile names below.
"""

from __future__ import annotations

import re

import pytest

from agnlc.archives import REGISTRY
from agnlc.core.config import ConfigError, validate_config
from agnlc.objecttables.catalogs import CATALOGS
from agnlc.samples.targets import SampleError, read_sample
from tests.workflow.conftest import snakemake

#: (case, file name, content, pattern the message must match after the file path)
SAMPLE_CASES = [
    ("missing ra column", "s.csv", b"name,dec\na,0\n", r"row 0 \(header\): field 'ra': column missing"),
    ("missing dec column", "s.csv", b"ra,decl\n1,0\n", r"row 0 \(header\): field 'dec': column missing"),
    ("string in ra", "s.csv", b"ra,dec\n1,0\nabc,0\n", r"row 2: field 'ra' \(column 'ra'\): not a finite number"),
    ("NaN in dec", "s.csv", b"ra,dec\n1,0\n2,nan\n", r"row 2: field 'dec'.*not a finite number"),
    ("inf in dec", "s.csv", b"ra,dec\n1,inf\n", r"row 1: field 'dec'.*not a finite number"),
    ("empty cell", "s.csv", b"ra,dec\n1,0\n2,\n", r"row 2: field 'dec'"),
    ("ra above range", "s.csv", b"ra,dec\n1,0\n400,0\n", r"row 2: field 'ra': 400.0 outside \[-180, 360\)"),
    ("ra below range", "s.csv", b"ra,dec\n-181,0\n", r"row 1: field 'ra': -181.0 outside"),
    ("dec out of range", "s.csv", b"ra,dec\n10,91\n", r"row 1: field 'dec': 91.0 outside \[-90, 90\]"),
    ("duplicate ids", "s.csv", b"id,ra,dec\n7,1,0\n8,2,0\n7,3,0\n",
     r"row 3: field 'id'.*duplicate id '7' \(also row 1\)"),
    ("empty file", "s.csv", b"", r"file is empty"),
    ("header only", "s.csv", b"ra,dec\n", r"no data rows \(header only\)"),
    ("wrong delimiter", "s.csv", b"ra;dec\n1;0\n", r"row 0 \(header\): field 'ra': column missing"),
    ("binary garbage", "s.csv", b"\x00\x01\x02\xff" * 100, r"binary content"),
    ("huge name", "s.csv", b"name,ra,dec\n" + b"x" * 300 + b",1,0\n", r"row 1: field 'name': longer than 256"),
    ("unknown format", "s.xlsx", b"PK\x03\x04", r"unknown format '.xlsx'"),
    ("ECSV unit not an angle", "s.ecsv",
     b"# %ECSV 1.0\n# ---\n# datatype:\n# - {name: ra, unit: m, datatype: float64}\n"
     b"# - {name: dec, datatype: float64}\n"
     b"ra dec\n1.0 0.0\n", r"field 'ra': unit m is not an angle"),
]  # fmt: skip

#: (case, config, the key the message must name)
CONFIG_CASES = [
    ("unknown key", {"samples": {"n_shard": 3}}, r"samples\.n_shard: unknown key"),
    ("wrong type", {"samples": {"n_shards": "four"}}, r"samples\.n_shards"),
    ("wrong type (number as text)", {"archives": {"ztf": {"retries": "3"}}}, r"archives\.ztf\.retries"),
    ("negative radius", {"archives": {"sdss_s82": {"radius_arcsec": -1}}}, r"archives\.sdss_s82\.radius_arcsec"),
    ("negative match radius", {"objecttable": {"match_radius_arcsec": -0.5}}, r"objecttable\.match_radius_arcsec"),
    ("unknown archive", {"archives": {"hubble_deep": {"transport": "mirror"}}}, r"archives\.hubble_deep"),
    ("unknown transport", {"archives": {"sdss_s82": {"transport": "ftp"}}}, r"archives\.sdss_s82\.transport"),
    ("unknown top-level section", {"archive": {}}, r"archive: unknown key"),
    ("list where a mapping belongs", {"features": {"bands": ["g", "r"]}}, r"features\.bands"),
]


@pytest.mark.parametrize(("case", "name", "content", "pattern"), SAMPLE_CASES, ids=[c[0] for c in SAMPLE_CASES])
def test_bad_sample_names_file_row_and_field(tmp_path, case, name, content, pattern):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SampleError) as err:
        read_sample(path)
    msg = str(err.value)
    assert msg.startswith(f"{path}: "), msg  # the file first
    assert re.search(pattern, msg), f"{case}: {msg!r} does not match {pattern!r}"
    assert len(msg) < 600  # an error message, not a dump of the file


@pytest.mark.parametrize(("case", "cfg", "key"), CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_bad_config_names_the_key(case, cfg, key):
    with pytest.raises(ConfigError) as err:
        validate_config(cfg, source="my.yaml")
    msg = str(err.value)
    assert "my.yaml" in msg and re.search(key, msg), f"{case}: {msg!r}"


def test_catalogue_is_at_least_fifteen_inputs():
    assert len(SAMPLE_CASES) + len(CONFIG_CASES) >= 15


HOSTILE_NAMES = ["$(touch PWNED)", "`touch PWNED`", "a; touch PWNED", "../../../escaped", "/etc/passwd", "a|b&c>d"]


@pytest.mark.workflow
def test_hostile_names_are_data_not_paths_or_commands(tmp_path):
    """Names with shell metacharacters and path separators are kept verbatim as text: nothing is
    executed, no file appears outside ``results/``, and shard file names come from the numeric
    shard wildcard only."""
    import pandas as pd

    sample = tmp_path / "hostile.csv"
    rows = "".join(f'"{n}",{10 + i},{i * 0.1}\n' for i, n in enumerate(HOSTILE_NAMES))
    sample.write_text("name,ra,dec\n" + rows)
    cfg = tmp_path / "cfg.yaml"
    mirrors = tmp_path / "mirrors"
    mirrors.mkdir()
    archives = ", ".join(f"{a}: {{mirror: '{mirrors}'}}" for a in sorted(REGISTRY))
    catalogs = ", ".join(f"{c}: {{mirror: '{mirrors}'}}" for c in CATALOGS)
    cfg.write_text(
        f"mocksky: {{enabled: false}}\nsamples: {{files: ['{sample}'], literature: []}}\narchives: {{{archives}}}\n"
        "events: {heasarc: {enabled: false}, icecube: {enabled: false}}\n"
        f"objecttable: {{catalogs: {{{catalogs}}}}}\n"
    )
    before = set(tmp_path.parent.rglob("*"))
    res = snakemake(tmp_path, "results/samples/targets.parquet", configfiles=(cfg,))
    assert res.returncode == 0, res.stderr[-3000:]
    names = pd.read_parquet(tmp_path / "results/samples/targets.parquet")["name"]
    assert sorted(names) == sorted(HOSTILE_NAMES)
    assert not list(tmp_path.parent.rglob("PWNED")) and not (tmp_path.parent / "escaped").exists()
    new = {p for p in set(tmp_path.parent.rglob("*")) - before}
    outside = [p for p in new if not p.is_relative_to(tmp_path)]
    assert not outside, outside
