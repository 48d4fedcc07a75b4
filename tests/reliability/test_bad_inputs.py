"""The bad-input catalogue: malformed sample files and config files, each rejected with an error
naming the file, the row (1-based, ``row 0`` = the header) and the field, or the config key.

These call the same functions the ``targets`` rule and the Snakefile's validation call
(:func:`agnlc.samples.read_sample`, :func:`agnlc.config.validate_config`). The workflow-level
consequences (non-zero exit before any archive job, no partial output) are proved for a sample
and eight configs in ``tests/workflow/test_bad_input.py``, and for hostile names below.
"""

from __future__ import annotations

import gzip
import io
import logging
import re

import numpy as np
import pandas as pd
import pytest

from agnlc.archives import REGISTRY
from agnlc.core.config import ConfigError, load_yaml, validate_config
from agnlc.objecttables.catalogs import CATALOGS
from agnlc.samples.targets import SampleError, build_targets, read_sample
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
    # issue 22: what exports and spreadsheets really look like
    ("ra and RA both present", "s.csv", b"ra,RA,dec\n1,2,0\n", r"field 'ra': columns \['ra', 'RA'\] both name it"),
    ("dec and dec [deg] both present", "s.csv", b"ra,dec,dec [deg]\n1,0,0\n", r"field 'dec': columns .* both name it"),
    ("boolean text coordinates", "s.csv", b"ra,dec\nTrue,False\n", r"row 1: field 'ra'.*not a finite number: 'True'"),
    ("unknown unit in the header", "s.csv", b"ra [furlong],dec\n1,0\n", r"field 'ra': unit furlong is not known"),
    ("header unit not an angle", "s.csv", b"ra (m),dec\n1,0\n", r"field 'ra': unit m is not an angle"),
    ("not gzip behind .gz", "s.csv.gz", b"ra,dec\n1,0\n", r"not a readable gzip file"),
    ("string in ra of a gzip CSV", "s.csv.gz", gzip.compress(b"ra,dec\n1,0\nx,0\n"), r"row 2: field 'ra'"),
    ("UTF-16 with a bad value", "s.csv", "ra,dec\n1,0\n2,zwei\n".encode("utf-16"), r"row 2: field 'dec'.*'zwei'"),
    ("comment lines only", "s.csv", b"# exported 2026-11-30\n# nothing\n", r"file is empty \(no header\)"),
    ("sexagesimal with one bad row", "s.csv", b"ra,dec\n12:34:56.7,+01:02:03\n12:99:99,+01:02:03\n",
     r"row 2: field 'ra'"),
    ("dec out of range in sexagesimal", "s.csv", b"ra,dec\n12:34:56,+95:00:00\n", r"row 1: field 'dec': 95.0 outside"),
]  # fmt: skip


def _parquet(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.to_parquet(buf)
    return buf.getvalue()


def _fits_gz(df: pd.DataFrame, units: dict) -> bytes:
    """A gzip FITS binary table with the TUNIT strings as given (FITS writes hours as 'h')."""
    from astropy.io import fits

    cols = [fits.Column(name=c, format="D", unit=units.get(c), array=df[c].to_numpy(float)) for c in df.columns]
    buf = io.BytesIO()
    fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns(cols)]).writeto(buf)
    return gzip.compress(buf.getvalue())


def _astropy_bytes(fmt: str, units: dict | None = None) -> bytes:
    """The two test rows written by astropy in ``fmt`` (VOTable, IPAC, ECSV)."""
    from astropy.table import Table

    t = Table({"ra": _RA, "dec": _DEC, "name": ["a", "b"]})
    for c, unit in (units or {"ra": "deg", "dec": "deg"}).items():
        t[c].unit = unit
    buf = io.StringIO() if fmt.startswith("ascii") else io.BytesIO()
    t.write(buf, format=fmt)
    out = buf.getvalue()
    return out.encode() if isinstance(out, str) else out


SAMPLE_CASES += [
    ("boolean coordinates in Parquet", "s.parquet", _parquet(pd.DataFrame({"ra": [True], "dec": [False]})),
     r"field 'ra' \(column 'ra'\): boolean values, not coordinates"),
]  # fmt: skip

_CASJOBS = b"#Table1\nobjID,ra,dec\n1237,10.5,-1.25\n1238,20.25,0.5\n"
_RA, _DEC = [10.5, 20.25], [-1.25, 0.5]

#: (case, file name, content, expected ra, expected dec, expected names or None)
READ_CASES = [
    ("CasJobs #Table1 line before the header", "s.csv", _CASJOBS, _RA, _DEC, ["1237", "1238"]),
    ("comment block and blank lines", "s.csv", b"# query: my sample\n#\n\nra,dec\n10.5,-1.25\n20.25,0.5\n\n",
     _RA, _DEC, None),
    ("UTF-8 with BOM", "s.csv", b"\xef\xbb\xbfra,dec\n10.5,-1.25\n20.25,0.5\n", _RA, _DEC, None),
    ("UTF-16 with BOM (spreadsheet 'Unicode text')", "s.csv",
     "name,ra,dec\nÅ,10.5,-1.25\nß,20.25,0.5\n".encode("utf-16"), _RA, _DEC, ["Å", "ß"]),
    ("Latin-1 names", "s.csv", "name,ra,dec\nÅngström,10.5,-1.25\nMüller,20.25,0.5\n".encode("latin-1"),
     _RA, _DEC, ["Ångström", "Müller"]),
    ("gzip CSV", "s.csv.gz", gzip.compress(b"ra,dec\n10.5,-1.25\n20.25,0.5\n"), _RA, _DEC, None),
    ("gzip FITS with degree units", "s.fits.gz",
     _fits_gz(pd.DataFrame({"RA": _RA, "DEC": _DEC}), {"RA": "deg", "DEC": "deg"}), _RA, _DEC, None),
    ("gzip FITS with RA in hours", "s.fits.gz",
     _fits_gz(pd.DataFrame({"RA": [0.7, 1.35], "DEC": _DEC}), {"RA": "h", "DEC": "deg"}), _RA, _DEC, None),
    ("header unit in brackets, hours", "s.csv", b"RA [h],Dec [deg]\n0.7,-1.25\n1.35,0.5\n", _RA, _DEC, None),
    ("header unit in parentheses, spelled out", "s.csv", b"RA (degrees),DEC (Degrees)\n10.5,-1.25\n20.25,0.5\n",
     _RA, _DEC, None),
    ("VizieR RAdeg/DEdeg", "s.csv", b"RAdeg,DEdeg\n10.5,-1.25\n20.25,0.5\n", _RA, _DEC, None),
    ("VizieR computed _RAJ2000/_DEJ2000", "s.csv", b"_RAJ2000,_DEJ2000\n10.5,-1.25\n20.25,0.5\n", _RA, _DEC, None),
    ("sexagesimal with colons", "s.csv", b"ra,dec\n00:42:00,-01:15:00\n01:21:00,+00:30:00\n", _RA, _DEC, None),
    ("sexagesimal with letters", "s.csv", b"ra,dec\n0h42m00s,-1d15m00s\n1h21m00s,0d30m00s\n", _RA, _DEC, None),
    ("tab-separated .tsv", "s.tsv", b"ra\tdec\n10.5\t-1.25\n20.25\t0.5\n", _RA, _DEC, None),
    ("tab-separated .txt", "s.txt", b"ra\tdec\tname\n10.5\t-1.25\ta b\n20.25\t0.5\tc\n", _RA, _DEC, ["a b", "c"]),
    ("optional columns empty", "s.csv", b"id,name,label,ra,dec\n,,,10.5,-1.25\n,,,20.25,0.5\n", _RA, _DEC, ["", ""]),
    ("Parquet id with gaps (float NaN)", "s.parquet",
     _parquet(pd.DataFrame({"id": [12.0, np.nan], "ra": _RA, "dec": _DEC})), _RA, _DEC, ["12", ""]),
    ("VOTable (a TAP or VizieR export)", "s.vot", _astropy_bytes("votable"), _RA, _DEC, ["a", "b"]),
    ("IPAC table (an IRSA export)", "s.tbl", _astropy_bytes("ascii.ipac"), _RA, _DEC, ["a", "b"]),
    ("gzip ECSV", "s.ecsv.gz", gzip.compress(_astropy_bytes("ascii.ecsv")), _RA, _DEC, ["a", "b"]),
    ("spreadsheet's trailing empty rows", "s.csv", b"ra,dec\n10.5,-1.25\n20.25,0.5\n,\n,\n", _RA, _DEC, None),
    ("Parquet name with None", "s.parquet",
     _parquet(pd.DataFrame({"name": ["a", None], "ra": _RA, "dec": _DEC})), _RA, _DEC, ["a", ""]),
]  # fmt: skip


@pytest.mark.parametrize(("case", "name", "content", "ra", "dec", "names"), READ_CASES, ids=[c[0] for c in READ_CASES])
def test_real_world_sample_files_are_read(tmp_path, case, name, content, ra, dec, names):
    path = tmp_path / name
    path.write_bytes(content)
    t = read_sample(path)
    np.testing.assert_allclose(t.ra, ra, atol=1e-9)
    np.testing.assert_allclose(t.dec, dec, atol=1e-9)
    if names is not None:
        assert list(t.names) == names


def test_targets_parquet_fed_back_keeps_list_labels(tmp_path):
    first = tmp_path / "a.csv"
    first.write_text("name,label,ra,dec\nx,qso;clagn,10.5,-1.25\ny,,20.25,0.5\n")
    targets = build_targets([read_sample(first)], 1.0)
    again = tmp_path / "targets.parquet"
    targets.to_parquet(again)
    t = read_sample(again)
    assert t.labels == [["clagn", "qso"], ["a"]]  # lists read back as lists, not as their text
    assert list(t.names) == ["x", "y"]


@pytest.mark.parametrize(
    ("case", "content", "warning"),
    [
        ("RA looks like hours", b"ra,dec\n1.5,0\n12.25,1\n23.9,2\n", "all 3 RA values are below 24"),
        ("Latin-1 text", "name,ra,dec\nÅ,100,0\n".encode("latin-1"), "not UTF-8 (first at line 2)"),
    ],
)
def test_suspicious_samples_warn_naming_the_file(tmp_path, caplog, case, content, warning):
    path = tmp_path / "s.csv"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="agnlc.samples"):
        read_sample(path)
    assert any(str(path) in r.getMessage() and warning in r.getMessage() for r in caplog.records), caplog.text


def test_hours_with_a_unit_do_not_warn(tmp_path, caplog):
    path = tmp_path / "s.csv"
    path.write_bytes(b"ra [h],dec\n1.5,0\n12.25,1\n23.9,2\n")
    with caplog.at_level(logging.WARNING, logger="agnlc.samples"):
        t = read_sample(path)
    assert not caplog.records and t.ra[1] == pytest.approx(183.75)


def test_a_wide_merging_chain_warns_with_the_count(tmp_path, caplog):
    path = tmp_path / "chain.csv"
    rows = "".join(f"{10 + k * 0.9 / 3600:.9f},0\n" for k in range(5))  # 0.9" steps: one chain 3.6" wide
    path.write_text("ra,dec\n" + rows + "50,0\n")
    with caplog.at_level(logging.WARNING, logger="agnlc.samples"):
        t = build_targets([read_sample(path)], 1.0)
    assert len(t) == 2
    assert any("1 object(s) merge rows that chain wider than twice" in r.getMessage() for r in caplog.records)


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
    # issue 22
    ("float where an integer belongs", {"samples": {"n_shards": 3.0}}, r"samples\.n_shards: 3\.0 is not of type"),
    ("float retries", {"archives": {"ztf": {"retries": 2.5}}}, r"archives\.ztf\.retries"),
    ("boolean where an integer belongs", {"features": {"min_epochs": True}}, r"features\.min_epochs"),
    ("empty mirror path", {"archives": {"ztf": {"mirror": ""}}}, r"archives\.ztf\.mirror: '' should be non-empty"),
    ("empty catalogue mirror path", {"objecttable": {"catalogs": {"des_dr2": {"mirror": ""}}}},
     r"objecttable\.catalogs\.des_dr2\.mirror"),
    ("empty band mapping", {"features": {"bands": {}}}, r"features\.bands: \{\} should be non-empty"),
    ("unknown light-curve band", {"features": {"bands": {"sdss_q": "u"}}},
     r"features\.bands\.sdss_q: not a band of the registry"),
    ("two bands on one letter", {"features": {"bands": {"sdss_g": "g", "ztf_g": "g"}}},
     r"features\.bands: \['sdss_g', 'ztf_g'\] are all mapped to object-table band 'g'"),
]  # fmt: skip

#: (case, YAML text, the message after the file name)
YAML_CASES = [
    ("duplicate key", "samples:\n  n_shards: 2\n  n_shards: 3\n",
     r"line 3: duplicate key 'n_shards' \(first at line 2\)"),
    ("duplicate top-level section", "samples: {}\nfeatures: {}\nsamples: {}\n", r"line 3: duplicate key 'samples'"),
    ("unclosed flow mapping", "features: {bands: {sdss_g: g}\n", r"line 2, column 1: YAML syntax error"),
    ("tab indentation", "samples:\n\tn_shards: 2\n", r"line 2, column 1: YAML syntax error"),
    ("bad indentation", "samples:\n  n_shards: 2\n    seed: 3\n", r"line 3, column \d+: YAML syntax error"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text", "pattern"), YAML_CASES, ids=[c[0] for c in YAML_CASES])
def test_config_file_errors_name_file_and_line(tmp_path, case, text, pattern):
    path = tmp_path / "my.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_yaml(path)
    msg = str(err.value)
    assert msg.startswith(f"{path} ") and re.search(pattern, msg), f"{case}: {msg!r}"


def test_hostile_names_are_text_in_figure_titles(tmp_path):
    """A name with mathtext markup is drawn as typed (mathtext would fail on the bad command)."""
    from agnlc.plotting.lightcurve import plot_lightcurve

    lc = pd.DataFrame(
        {"objectid": 1, "archive": "sdss_s82", "band": "sdss_g", "mjd": [51000.0, 51010.0], "flux": [100.0, 120.0],
         "flux_err": [5.0, 5.0], "mag": [26.4, 26.2], "mag_err": [0.05, 0.05], "upper_limit": False,
         "source_id": "x", "match_sep_arcsec": 0.0, "flags": 0}
    )  # fmt: skip
    name = r"$\notacommand{x}$ a_b^c <b>bold</b> %s {0}"
    plot_lightcurve(lc, 1, tmp_path / "x.png", title=name)
    assert (tmp_path / "x.png").stat().st_size > 0


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


def test_catalogue_grew_by_thirty_for_issue_22():
    """Issue 22: 26 cases before it; the degenerate light curves live in tests/unit/test_feature_isolation.py."""
    assert len(SAMPLE_CASES) + len(CONFIG_CASES) + len(READ_CASES) + len(YAML_CASES) >= 26 + 30


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
