"""Bad samples and bad configs stop the run before any archive work, leaving nothing behind."""

from __future__ import annotations

import pytest

from agnlc.archives import REGISTRY
from agnlc.objecttables.catalogs import CATALOGS
from tests.workflow.conftest import snakemake

ARCHIVES = sorted(REGISTRY)

pytestmark = pytest.mark.workflow


def test_bad_sample_stops_samples_rule(tmp_path):
    bad = tmp_path / "mine.csv"
    bad.write_text("name,ra,dec\na,10,0\nb,oops,0\n")
    cfg = tmp_path / "cfg.yaml"
    archives = ", ".join(f"{a}: {{mirror: '{tmp_path}'}}" for a in ARCHIVES)
    catalogs = ", ".join(f"{c}: {{mirror: '{tmp_path}'}}" for c in CATALOGS)
    cfg.write_text(
        f"mocksky: {{enabled: false}}\nsamples: {{files: ['{bad}'], literature: []}}\narchives: {{{archives}}}\n"
        "events: {heasarc: {enabled: false}, icecube: {enabled: false}}\n"
        f"objecttable: {{catalogs: {{{catalogs}}}}}\n"
    )
    res = snakemake(tmp_path, "--configfile", str(cfg))
    out = res.stdout + res.stderr
    assert res.returncode != 0
    assert f"{bad}: row 2: field 'ra'" in out
    assert not (tmp_path / "results/samples/targets.parquet").exists()
    assert not list(tmp_path.glob("results/samples/.*tmp"))  # no partial file either
    assert not (tmp_path / "results/lightcurves").exists()


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("samples: {n_shard: 3}\n", "samples.n_shard: unknown key"),
        ("samples: {n_shards: four}\n", "samples.n_shards: 'four' does not match '^auto$'"),
        ("archives: {sdss_s82: {radius_arcsec: -1}}\n", "archives.sdss_s82.radius_arcsec"),
        ("archives: {sdss_s82: {transport: ftp}}\n", "archives.sdss_s82.transport"),
        ("archives: {sdss_s82: {mirror: /nonexistent/mirror}}\n", "archives.sdss_s82.mirror"),
        ("objecttable: {catalogs: {des_dr2: {mirror: /nonexistent}}}\n", "objecttable.catalogs.des_dr2.mirror"),
        ("objecttable: {catalogs: {hsc: {transport: tap}}}\n", "objecttable.catalogs.hsc.transport"),
        ("samples: {n_shards: 2}\nsamples: {n_shards: 3}\n", "cfg.yaml line 2: duplicate key 'samples'"),
        ("samples: {n_shards: 3.0}\n", "samples.n_shards: 3.0 is not of type"),
        ("features: {bands: {sdss_g: g, ztf_g: g}}\n", "are all mapped to object-table band 'g'"),
    ],
)
def test_bad_config_names_the_key(tmp_path, yaml, message):
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(yaml)
    res = snakemake(tmp_path, "--configfile", str(cfg), "-n")
    assert res.returncode != 0
    assert message in res.stdout + res.stderr
    assert not (tmp_path / "results").exists()


def test_the_live_configuration_plans(tmp_path):
    """docs/live.yaml (every archive and catalogue live, the S82 coadd and HSC off) plans a whole
    run for a user's sample without any mirror."""
    from tests.workflow.conftest import REPO

    (tmp_path / "my_targets.csv").write_text("name,ra,dec\nJ0159,29.990167,0.552917\nX,150.1,2.2\n")
    res = snakemake(tmp_path, "-n", configfiles=(REPO / "docs" / "live.yaml",))
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-3000:]
    assert "lightcurves_ztf" in out and "catalog_des_dr2" in out and "objecttable_shard" in out
    assert "catalog_hsc" not in out and "mocksky" not in out
    # every live archive job holds one query token (profiles/default caps them per service)
    assert "ztf_queries=1" in out and "crts_queries=1" in out and "_queries=0" not in out
