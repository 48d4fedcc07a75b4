"""The whole DAG on the tiny config: outputs against their contracts and the mock truth."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from agnlc.archives.contract import EVENTS, LIGHTCURVE
from agnlc.core.io import read_metadata
from agnlc.core.tables import validate
from agnlc.objecttables.contract import MERGED_SCHEMA, S82_SCHEMA
from agnlc.samples.contract import SAMPLE
from agnlc.sky.photometry import ab_mag_to_flux
from tests.workflow.conftest import REPO, output_hashes, snakemake

pytestmark = pytest.mark.workflow


def test_outputs_exist_and_satisfy_contracts(tiny_run):
    wd = tiny_run
    targets = validate(pd.read_parquet(wd / "results/samples/targets.parquet"), SAMPLE)
    assert len(targets) > 20
    shards = sorted((wd / "results/samples/shards").glob("*.parquet"))
    assert [p.name for p in shards] == ["1-of-2.parquet", "2-of-2.parquet"]
    assert sum(pq.read_metadata(p).num_rows for p in shards) == len(targets)
    for p in sorted((wd / "results/lightcurves").rglob("*.parquet")):
        if p.parent.name == "summary":
            continue
        validate(pd.read_parquet(p), LIGHTCURVE, where=str(p))
        meta = read_metadata(p)
        assert meta["agnlc_version"] and meta["git_commit"] and meta["config_hash"]
    for p in sorted((wd / "results/events").rglob("*.parquet")):
        validate(pd.read_parquet(p), EVENTS, where=str(p))
    assert len(list((wd / "results/events").rglob("*.parquet"))) == 4  # heasarc, icecube x 2 shards
    s82 = validate(pd.read_parquet(wd / "results/s82ObjectTable.parquet"), S82_SCHEMA)
    xmm = validate(pd.read_parquet(wd / "results/xmmlssObjectTable.parquet"), S82_SCHEMA)
    obj = validate(pd.read_parquet(wd / "results/ObjectTable.parquet"), MERGED_SCHEMA)
    assert len(s82) > 0 and len(xmm) >= 5  # the tiny sky's five X-ray AGN are in XMM-LSS
    # the seed's Stripe 82 boxes (RA 0-45 reaches Dec -7) contain XMM-LSS: those S82 rows are dropped
    both = set(s82["objectId"]) & set(xmm["objectId"])
    assert len(both) >= 5 and obj["objectId"].is_unique
    assert len(obj) == len(s82) + len(xmm) - len(both)
    assert (obj["field"] == "xmmlss").sum() == len(xmm)
    assert (obj.set_index("objectId").loc[sorted(both), "field"] == "xmmlss").all()
    assert xmm["lcNonPeriodic[28]_g"].isna().all() and xmm["photSource_i"].eq("hsc").sum() >= 5
    assert xmm["photoZ_pest"].notna().sum() >= 5
    for archive in ("sdss_s82", "ztf", "ps1", "gaia", "wise", "crts", "alerce", "tess_kepler", "hcv"):
        for shard in ("1-of-2", "2-of-2"):
            status = json.loads((wd / f"results/lightcurves/{archive}/{shard}.status.json").read_text())
            assert status["status"] in ("ok", "empty") and status["transport"] == "mirror", (archive, status)


def test_figures_and_report(tiny_run):
    """Every figure of rule all is drawn; the light curves cover the literature AGN; the report builds."""
    from agnlc.sky.classes import target_class

    wd = tiny_run
    for name in ("skymap", "coverage", "colours", "features_by_class", "drw_recovery", "period_recovery"):
        png = wd / f"results/figures/{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000, name
    targets = pd.read_parquet(wd / "results/samples/targets.parquet")
    merged = pd.concat(pd.read_parquet(p, columns=["objectid"]) for p in (wd / "results/lightcurves/merged").glob("*"))
    lit = targets.loc[target_class(targets["labels"]) == "literature AGN", "objectid"]
    lit = lit[lit.isin(merged["objectid"])]  # the real LaMassa object lies outside the mock sky: no data
    drawn = {int(p.stem) for p in (wd / "results/figures/lightcurves").glob("*.png")}
    assert len(lit) >= 4 and set(lit) <= drawn and len(drawn) >= len(lit) + 4  # plus two random per class
    assert "drew" in (wd / "logs/figures/lightcurves.log").read_text()
    res = snakemake(wd, "--report", "report.html")
    assert res.returncode == 0, res.stderr[-3000:]
    html = (wd / "report.html").read_text(errors="replace")
    report_items = ("skymap.png", "period_recovery.png", "ObjectTable.schema.yaml", "features.json")
    report_items += ("reference_agreement.html",)
    for name in (*report_items, f"{min(lit)}.png"):
        assert name in html, name
    assert (wd / "report.html").stat().st_size < 20_000_000


def test_labels_survive_dedup(tiny_run):
    targets = pd.read_parquet(tiny_run / "results/samples/targets.parquet")
    labels = targets["labels"].map(list)
    lit = labels.map(lambda x: "mock_literature" in x or "mock_clagn" in x)
    assert lit.sum() == 5
    assert labels[lit].map(lambda x: "sdss_qso" in x).all()  # literature objects are also SDSS quasars
    assert labels.map(lambda x: "lamassa2015_clagn" in x).sum() == 1


def test_light_curves_have_the_cadence_written(tiny_run):
    wd = tiny_run
    truth = pd.read_parquet(wd / "results/mocksky/truth.parquet")
    epochs = pd.read_parquet(wd / "results/mocksky/truth/epochs/sdss_s82")
    merged = pd.concat([pd.read_parquet(p) for p in sorted((wd / "results/lightcurves/merged").glob("*.parquet"))])
    assert {"sdss_s82", "ztf", "ps1"} <= set(merged["archive"])  # every archive reaches the merge
    merged = merged[merged["archive"] == "sdss_s82"]
    q = truth[truth["cls"].isin(["Qso", "highZQso"]) & truth["in_sdss_s82"]]["objectid"]
    assert len(q) > 5
    for oid in q:
        want = np.sort(epochs.loc[(epochs["objectid"] == oid) & (epochs["band"] == "sdss_g"), "mjd"].to_numpy())
        got = np.sort(merged.loc[(merged["objectid"] == oid) & (merged["band"] == "sdss_g"), "mjd"].to_numpy())
        np.testing.assert_allclose(got, want, atol=1e-6)
    # fluxes agree with the true magnitudes within their errors (all bands, all objects)
    saturated = truth.loc[truth["mag_r"] < 14.0, "objectid"]
    e = epochs[~epochs["objectid"].isin(saturated)].sort_values(["objectid", "band", "mjd"])
    m = merged.sort_values(["objectid", "band", "mjd"])
    assert len(m) == len(e)
    np.testing.assert_allclose(m["mjd"].to_numpy(), e["mjd"].to_numpy(), atol=1e-6)
    f_true, _ = ab_mag_to_flux(e["true_mag"].to_numpy())
    pull = (m["flux"].to_numpy() - f_true) / m["flux_err"].to_numpy()
    assert abs(pull.mean()) < 0.1 and 0.9 < pull.std() < 1.1


def test_object_table_photometry_agrees_with_truth(tiny_run):
    obj = pd.read_parquet(tiny_run / "results/ObjectTable.parquet")
    truth = pd.read_parquet(tiny_run / "results/mocksky/truth.parquet").set_index("objectid")
    t = truth.reindex(obj["objectId"])  # the LaMassa 2015 object is real, not in the truth
    bright = (t["psfmag_r"] < 20.0).to_numpy()
    diff = obj["psMag_r"].to_numpy()[bright] - t["psfmag_r"].to_numpy()[bright]
    assert np.nanmedian(np.abs(diff)) < 0.05  # coadd r photometry of bright objects within 0.05 mag
    assert set(obj["field"]) == {"s82", "xmmlss"}


def test_second_dry_run_has_nothing_to_do(tiny_run):
    res = snakemake(tiny_run, "-n")
    assert res.returncode == 0
    assert "Nothing to be done" in res.stdout + res.stderr


def _planned_jobs(res) -> dict[str, int]:
    """Rule -> job count from a dry run's ``Job stats`` table."""
    out = res.stdout + res.stderr
    table = out.split("Job stats:", 1)[1].split("\n\n", 1)[0]
    rows = [line.split() for line in table.splitlines()[3:] if line.strip()]
    return {r[0]: int(r[1]) for r in rows if len(r) == 2 and r[0] != "total"}


def test_changing_one_archive_radius_reruns_only_what_depends_on_it(tiny_run, tmp_path):
    """params are a rerun trigger: a new CRTS radius replans the CRTS shards and their descendants,
    not the other archives, the catalogues, the mock sky or the samples."""
    extra = tmp_path / "crts_radius.yaml"
    extra.write_text("archives:\n  crts: {radius_arcsec: 4.0}\n")
    res = snakemake(tiny_run, "-n", configfiles=(extra,))
    assert res.returncode == 0, res.stderr[-3000:]
    jobs = _planned_jobs(res)
    assert jobs.get("lightcurves_crts") == 2 and jobs.get("merge_lightcurves") == 2, jobs
    untouched = [r for r in jobs if r.startswith(("lightcurves_", "events_", "catalog_")) and r != "lightcurves_crts"]
    assert not untouched and not {"mocksky", "targets", "split_targets"} & set(jobs), jobs
    # a mirror is no live service: its jobs hold no query token (profiles cap live queries only)
    assert "crts_queries=0" in res.stdout and "crts_queries=1" not in res.stdout


def test_zarr_store_equals_merged_parquet(tiny_run):
    from agnlc.merge.store import open_lightcurves

    z = open_lightcurves(tiny_run / "results/lightcurves.zarr")
    p = open_lightcurves(tiny_run / "results/lightcurves/merged")
    np.testing.assert_array_equal(z.objectids, p.objectids)
    pd.testing.assert_frame_equal(
        pd.concat(z.iter(batch_size=25), ignore_index=True), pd.concat(p.iter(batch_size=40), ignore_index=True)
    )
    for oid in z.objectids[::9]:
        pd.testing.assert_frame_equal(z.get(oid, band=["sdss_g", "ztf_g"]), p.get(oid, band=["sdss_g", "ztf_g"]))
    assert z.attrs["rows"] == sum(pq.read_metadata(f).num_rows for f in p.files)


def test_summary_table_counts_the_merged_epochs(tiny_run):
    from agnlc.merge.contract import LC_SUMMARY

    summary = pd.concat(pd.read_parquet(f) for f in sorted((tiny_run / "results/lightcurves/summary").glob("*")))
    validate(summary, LC_SUMMARY)
    merged = pd.concat(pd.read_parquet(f) for f in sorted((tiny_run / "results/lightcurves/merged").glob("*")))
    assert int(summary["n_epochs"].sum() + summary["n_upper_limits"].sum()) == len(merged)
    assert (summary["calib_kind"] == "none").all()  # calibration is off by default


def test_lc_command_prints_and_plots(tiny_run, tmp_path):
    import subprocess
    import sys

    store = tiny_run / "results/lightcurves.zarr"
    oid = int(pd.read_parquet(next((tiny_run / "results/lightcurves/merged").glob("*.parquet")))["objectid"].iloc[0])
    env = {"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"}
    cmd = [sys.executable, "-m", "agnlc", "lc", str(oid), "--store", str(store)]
    out = subprocess.run([*cmd, "--band", "sdss_g"], capture_output=True, text=True, env=env, check=True).stdout
    assert "sdss_g" in out and str(oid) in out
    png = tmp_path / "lc.png"
    subprocess.run([*cmd, "--plot", str(png)], capture_output=True, text=True, env=env, check=True)
    assert png.stat().st_size > 10_000
    bad = subprocess.run([*cmd[:4], "1", "--store", str(store)], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "objectid 1 is not in" in bad.stderr


def test_an_archive_in_error_is_named_by_the_merge(tiny_run, tmp_path):
    """One archive's shard failed (error status, empty shard): the merge still runs and says so;
    the next run retries that shard only, and its result equals the clean run's."""
    import shutil

    from agnlc.core.io import write_json, write_table

    wd = tmp_path / "run"
    shutil.copytree(tiny_run, wd, symlinks=True)
    status_path = wd / "results/lightcurves/crts/1-of-2.status.json"
    status = json.loads(status_path.read_text())
    status.update(status="error", reason="HTTPError: 503 Service Unavailable (after 3 attempts)", rows=0)
    write_table(LIGHTCURVE.empty(), wd / "results/lightcurves/crts/1-of-2.parquet", LIGHTCURVE)
    write_json(status, status_path)
    res = snakemake(wd, "results/lightcurves.zarr/zarr.json")
    assert res.returncode == 0, res.stderr[-3000:]
    meta = read_metadata(wd / "results/lightcurves/merged/1-of-2.parquet")
    assert meta["merge"]["missing_archives"] == ["crts"]
    assert meta["archives"]["crts"]["reason"].startswith("HTTPError: 503")
    assert read_metadata(wd / "results/lightcurves/merged/2-of-2.parquet")["merge"]["missing_archives"] == []
    store = json.loads((wd / "results/lightcurves.zarr/zarr.json").read_text())["attributes"]
    assert store["shard_summary"]["1-of-2"]["missing_archives"] == ["crts"]
    merged = pd.read_parquet(wd / "results/lightcurves/merged/1-of-2.parquet")
    assert "crts" not in set(merged["archive"]) and len(merged) > 0
    # the failed shard was released after the run: the next run retries it and only it
    assert json.loads((wd / "results/lightcurves/crts/1-of-2.failed.json").read_text())["status"] == "error"
    assert not status_path.exists() and (wd / "results/lightcurves/crts/2-of-2.status.json").exists()
    plan = snakemake(wd, "-n")
    jobs = _planned_jobs(plan)
    assert jobs.get("lightcurves_crts") == 1 and jobs.get("merge_lightcurves") == 1, jobs
    others = [r for r in jobs if r.startswith(("lightcurves_", "events_", "catalog_")) and r != "lightcurves_crts"]
    assert not others and not {"mocksky", "targets", "split_targets"} & set(jobs), jobs
    assert jobs.get("features") == 1, jobs
    res = snakemake(wd)
    assert res.returncode == 0, res.stderr[-3000:]
    assert json.loads(status_path.read_text())["status"] == "ok"
    assert read_metadata(wd / "results/lightcurves/merged/1-of-2.parquet")["merge"]["missing_archives"] == []
    assert output_hashes(wd) == output_hashes(tiny_run)  # the retried run equals the clean run


def test_features_and_validation_report(tiny_run):
    from agnlc.features.compute import feature_columns

    feats = pd.concat(pd.read_parquet(f) for f in sorted((tiny_run / "results/features").glob("*.parquet")))
    bands = {f"sdss_{b}": b for b in "ugriz"}
    assert list(feats.columns) == ["objectid", *feature_columns(bands)]
    vals = feats.drop(columns="objectid").to_numpy(float)
    assert not np.isinf(vals).any()
    meta = read_metadata(next((tiny_run / "results/features").glob("*.parquet")))
    assert meta["unit"].startswith("mag") and meta["definitions"]["lcNonPeriodic"]["27"][0] == "drw_sigma"
    rep = json.loads((tiny_run / "results/validation/features.json").read_text())
    assert rep["sesar2010_rrlyrae"] is None  # switched off in tiny.yaml
    mt = rep["mock_truth"]
    assert mt["n_objects_matched"] > 20 and mt["infinite_values"] == {}
    assert mt["drw"]["tau_all"]["n"] > 5
    # the challenge tools' reference (tiny.yaml: 20 of the shipped light curves): every paired
    # feature equal to cesium's or FATS's, the fits compared with EzTao's, an HTML page for the report
    ref = json.loads((tiny_run / "results/validation/reference_agreement.json").read_text())
    assert len(ref["features"]) == 50 and all(r["agree"] == 1.0 and r["n"] >= 19 for r in ref["features"])
    assert {r["kind"] for r in ref["drw"]} == {"dho", "drw", "sesar", "wn"}
    assert ref["provenance"]["reference"][0].startswith("cesium_features.csv: cesium 0.12.4")
    assert "<table" in (tiny_run / "results/validation/reference_agreement.html").read_text()
    # the S82-band features reach the Object table
    obj = pd.read_parquet(tiny_run / "results/s82ObjectTable.parquet")
    assert obj["lcNonPeriodic[28]_g"].notna().sum() > 5 and obj["lcPeriodic[8]_r"].notna().sum() > 5


def test_object_table_recomputed_from_the_catalogue_matches(tiny_run):
    """Precedence DES -> S82 coadd -> DR16 and the conversions, recomputed from the match files."""
    from agnlc.sky.photometry import ab_mag_to_flux, sdss_asinh_to_ab_flux

    wd = tiny_run
    obj = pd.read_parquet(wd / "results/s82ObjectTable.parquet").set_index("objectId")

    def cat(name):
        return pd.concat(pd.read_parquet(f) for f in sorted((wd / f"results/catalogs/{name}").glob("*.parquet")))

    des, coadd, dr16 = (cat(n).set_index("objectid") for n in ("des_dr2", "sdss_s82_coadd", "sdss_dr16"))
    checked = 0
    for oid, row in obj.iterrows():
        for b in "ugriz":
            want_src, want_flux = None, np.nan
            if oid in des.index and b != "u":
                f, _ = ab_mag_to_flux(des.loc[oid, f"WAVG_MAG_PSF_{b.upper()}"], 0.0)
                if des.loc[oid, f"WAVG_MAG_PSF_{b.upper()}"] < 90 and np.isfinite(f):
                    want_src, want_flux = "des_dr2", float(f)
            for name, c in (("sdss_s82_coadd", coadd), ("sdss_dr16", dr16)):
                if want_src is None and oid in c.index:
                    f, _ = sdss_asinh_to_ab_flux(c.loc[oid, f"psfMag_{b}"], 0.0, b)
                    if np.isfinite(f):
                        want_src, want_flux = name, float(f)
            got = row[f"photSource_{b}"]
            assert (None if pd.isna(got) else got) == want_src, (oid, b)
            if want_src is not None:
                assert np.isclose(row[f"psFlux_{b}"], want_flux, rtol=1e-9), (oid, b)
                checked += 1
    assert checked > 100
    assert (obj["photSource_g"] == "des_dr2").sum() > 10 and (obj["photSource_u"] == "sdss_s82_coadd").sum() > 10


def test_object_table_class_and_redshift_agree_with_truth(tiny_run):
    obj = pd.read_parquet(tiny_run / "results/s82ObjectTable.parquet")
    truth = pd.read_parquet(tiny_run / "results/mocksky/truth.parquet").set_index("objectid")
    lab = obj[obj["class"].notna()]
    assert len(lab) > 5
    t = truth.reindex(lab["objectId"])
    assert (lab["class"].to_numpy() == t["cls"].to_numpy()).all()
    qso = lab["class"].isin(["Qso", "highZQso"]).to_numpy()
    assert np.allclose(lab["z"].to_numpy()[qso], t["z"].to_numpy()[qso], atol=0.005)
    assert obj["psPm_ra"].notna().sum() > 5


def test_object_table_proper_motion_gaia_then_nsc_and_gaia_parallax(tiny_run):
    """psPm from Gaia EDR3 where it has one, else NSC DR2 (pmSource says which); psParallax from
    Gaia only; recomputed from the catalogue match files."""
    obj = pd.read_parquet(tiny_run / "results/s82ObjectTable.parquet")

    def cat(name):
        files = sorted((tiny_run / f"results/catalogs/{name}").glob("*.parquet"))
        return pd.concat(pd.read_parquet(f) for f in files).set_index("objectid").reindex(obj["objectId"])

    g, n = cat("gaia_edr3"), cat("nsc_dr2")
    use_g = (g["pmra"].notna() & g["pmdec"].notna()).to_numpy()
    use_n = ~use_g & (n["pmra"].notna() & n["pmdec"].notna()).to_numpy()
    for col, gc, nc in (("psPm_ra", "pmra", "pmra"), ("psPm_dec", "pmdec", "pmdec")):
        want = np.where(use_g, g[gc].to_numpy(float), np.where(use_n, n[nc].to_numpy(float), np.nan))
        np.testing.assert_array_equal(obj[col].to_numpy(float), want)
    np.testing.assert_array_equal(obj["psParallax"].to_numpy(float), g["parallax"].to_numpy(float))
    src = np.where(use_g, "gaia_edr3", np.where(use_n, "nsc_dr2", None))
    assert [None if pd.isna(s) else s for s in obj["pmSource"]] == list(src)
    assert use_g.sum() > 5 and use_n.sum() > 5


def test_damaged_outputs_are_found_and_rebuilt_not_propagated(tiny_run, tmp_path):
    """A truncated archive shard and a deleted zarr chunk: `agnlc repair` moves them aside, the next
    run plans their jobs and every job after them, and the rebuilt outputs equal the clean run's."""
    import shutil

    wd = tmp_path / "run"
    shutil.copytree(tiny_run, wd, symlinks=True)
    shard = wd / "results/lightcurves/crts/1-of-2.parquet"
    stamp = shard.stat().st_mtime
    shard.write_bytes(shard.read_bytes()[: shard.stat().st_size // 2])
    os.utime(shard, (stamp, stamp))  # same time stamp: only the content says it is damaged
    chunk = wd / "results/lightcurves.zarr/shards/2-of-2/flux/c/0"
    chunk.unlink()
    # parsing the workflow changes nothing: the damage is found and moved aside by `agnlc repair`
    assert "Nothing to be done" in (lambda r: r.stdout + r.stderr)(snakemake(wd, "-n"))
    import subprocess
    import sys

    rep = subprocess.run([sys.executable, "-m", "agnlc", "repair", "results"], cwd=wd, capture_output=True, text=True)
    out = rep.stdout + rep.stderr
    assert rep.returncode == 0, out
    assert "damaged output results/lightcurves/crts/1-of-2.parquet: unreadable Parquet" in out
    assert "damaged output results/lightcurves.zarr/shards/2-of-2/zarr.json: flux: chunk c/0 missing" in out
    plan = snakemake(wd, "-n")
    jobs = _planned_jobs(plan)
    assert jobs.get("lightcurves_crts") == 1 and jobs.get("merge_lightcurves") == 2, jobs
    assert not {r for r in jobs if r.startswith(("lightcurves_", "catalog_"))} - {"lightcurves_crts"}, jobs
    res = snakemake(wd)
    assert res.returncode == 0, res.stderr[-3000:]
    assert shard.with_name("1-of-2.parquet.corrupt").exists() and chunk.exists()
    assert output_hashes(wd) == output_hashes(tiny_run)
    assert "Nothing to be done" in (lambda r: r.stdout + r.stderr)(snakemake(wd, "-n"))


def _tree_state(wd: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime in ns) of every file under the working directory but Snakemake's own folder."""
    return {
        str(p.relative_to(wd)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(wd.rglob("*"))
        if p.is_file() and ".snakemake" not in p.parts
    }


def test_parsing_changes_nothing_on_disk(tiny_run, tmp_path):
    """A dry run, the linter and the report only read the results tree (the report itself is
    written outside it)."""
    before = _tree_state(tiny_run)
    for args in (("-n",), ("--lint",), ("--report", str(tmp_path / "report.html"))):
        res = snakemake(tiny_run, *args)
        assert res.returncode == 0, (args, res.stderr[-2000:])
        assert _tree_state(tiny_run) == before, args


def _rules_using(module: Path) -> set[str]:
    """Rules whose code inputs (their script's agnlc import closure) contain ``module``."""
    from agnlc.core.codedeps import import_closure

    scripts = {
        "features": "features.py",
        "merge_lightcurves": "merge_lightcurves.py",
        "objecttable_shard": "objecttable_shard.py",
        "targets": "targets.py",
        "figure_skymap": "figures.py",
        "validation_features": "validation_features.py",
        "validation_reference": "validation_reference.py",
    }
    return {r for r, s in scripts.items() if module in import_closure(REPO / "scripts" / s)}


@pytest.mark.parametrize(
    ("module", "rerun", "untouched"),
    [
        (
            "features/periodic.py",
            {"features", "validation_features", "validation_reference"},
            {"merge_lightcurves", "targets"},
        ),
        ("archives/crts.py", {"lightcurves_crts", "merge_lightcurves"}, {"lightcurves_ztf", "targets"}),
        ("objecttables/rows.py", {"objecttable_shard"}, {"features", "merge_lightcurves", "lightcurves_crts"}),
        ("merge/store_writer.py", {"merge_lightcurves"}, {"lightcurves_ztf", "targets", "split_targets"}),
        ("samples/targets.py", {"targets"}, {"mocksky"}),
    ],
)
def test_editing_a_module_reruns_exactly_the_rules_that_import_it(tiny_run, module, rerun, untouched):
    """Code inputs are computed from the scripts' imports: a newer module replans the rules whose
    scripts import it (and what follows them), never the rules that do not."""
    path = REPO / "scripts" / "agnlc" / module
    st = path.stat()
    original = path.read_bytes()
    try:  # an edit: new content (Snakemake compares checksums, not only times) and a newer time
        path.write_bytes(original + b"\n# edited by test_editing_a_module_reruns_exactly_the_rules_that_import_it\n")
        future = time.time_ns() + 10**12  # 1000 s from now: newer than every output of the tiny run
        os.utime(path, ns=(future, future))
        plan = _planned_jobs(snakemake(tiny_run, "-n"))
    finally:
        path.write_bytes(original)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert rerun <= set(plan), (module, plan)
    assert not untouched & set(plan), (module, plan)
    assert _rules_using(path) <= set(plan)


def test_hats_catalogues_open_and_crossmatch_with_lsdb(tiny_run):
    """The Object tables and the light curves as HATS catalogues (issue 25): lsdb opens them, their
    rows equal the Parquet outputs, and the Object table cross-matches with the mock PS1 object
    catalogue (a HATS collection as IRSA serves it) exactly as a direct nearest match does."""
    import lsdb
    from astropy.coordinates import SkyCoord

    wd = tiny_run
    for name in ("ObjectTable", "s82ObjectTable", "xmmlssObjectTable"):
        ref = pq.read_table(wd / f"results/{name}.parquet").to_pandas(types_mapper=pd.ArrowDtype)
        got = lsdb.open_catalog(wd / f"results/{name}.hats").compute()
        got = got.sort_values("objectId").reset_index(drop=True)[ref.columns]
        pd.testing.assert_frame_equal(got, ref.sort_values("objectId").reset_index(drop=True))
    ps1 = lsdb.open_catalog(wd / "results/mocksky/mirrors/ps1/otmo")
    xm = lsdb.open_catalog(wd / "results/ObjectTable.hats").crossmatch(
        ps1, radius_arcsec=1.0, n_neighbors=1, suffixes=("", "_ps1")
    )
    got = xm.compute()
    obj, p = pd.read_parquet(wd / "results/ObjectTable.parquet"), ps1.compute()
    a = SkyCoord(obj["ra"].to_numpy(), obj["dec"].to_numpy(), unit="deg")
    b = SkyCoord(p["raMean"].to_numpy(float), p["decMean"].to_numpy(float), unit="deg")
    idx, sep, _ = a.match_to_catalog_sky(b)
    ok = sep.arcsec < 1.0
    expect = dict(zip(obj["objectId"].to_numpy()[ok], p["objID"].to_numpy(np.int64)[idx[ok]], strict=True))
    assert len(expect) > 10
    assert dict(zip(got["objectId"].to_numpy(np.int64), got["objID_ps1"].to_numpy(np.int64), strict=True)) == expect
    # light curves: one row per target, the merged rows nested
    lc = lsdb.open_catalog(wd / "results/lightcurves.hats").compute().set_index("objectid")
    targets = pd.read_parquet(wd / "results/samples/targets.parquet")
    merged = pd.concat([pd.read_parquet(f) for f in sorted((wd / "results/lightcurves/merged").glob("*.parquet"))])
    assert sorted(lc.index) == sorted(targets["objectid"])
    counts = merged.groupby("objectid").size()
    n_nested = lc["lightcurve"].map(lambda x: 0 if x is None else len(x))
    assert (n_nested.reindex(counts.index) == counts).all() and n_nested.sum() == len(merged)
