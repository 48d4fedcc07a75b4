"""Generate the mock sky: population, truth, archive mirrors and samples.

Layout under the output folder::

    truth.parquet                       one row per object (class, z, true mags, DRW params…)
    truth/sdss_s82_epochs/hpx3_PPPP.parquet   true magnitude of every detected SDSS epoch
    mirrors/sdss_s82/photoobjall_hpx3_PPPP.csv  PhotoObjAll-like CSV replies, one per HEALPix-3 pixel
    samples/literature.ecsv             a literature-style sample (name, ra, dec, label, bibcode)
    samples/sdss.csv                    an SDSS-style sample (name, ra, dec, label)
    manifest.json                       every file with its SHA-256, the config and the seed

Light curves are generated partition by partition (HEALPix order 3), so memory is bounded
by the largest partition. Every random stream is seeded from ``(seed, stream, partition)``,
so the same seed gives byte-identical files whatever order partitions are written in.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from agnlc import __version__
from agnlc.healpix import parent
from agnlc.io import atomic_path
from agnlc.mocksky import sdss
from agnlc.mocksky.population import draw_population
from agnlc.mocksky.processes import drw

__all__ = ["PARTITION_ORDER", "MockSkyConfig", "generate"]

PARTITION_ORDER = 3
_STREAM_POP, _STREAM_RUNS, _STREAM_LC, _STREAM_OBS, _STREAM_SAMPLES = range(5)


@dataclass(frozen=True)
class MockSkyConfig:
    """Mock-sky settings (the ``mocksky`` config section)."""

    seed: int = 20261121
    n_objects: int = 2000
    quasar_fraction: float = 0.5
    literature_size: int = 20


#: truth of every detected epoch (same schema in every partition file, even an empty one)
EPOCH_SCHEMA = pa.schema(
    [
        ("objectid", pa.int64()),
        ("run", pa.int64()),
        ("band", pa.string()),
        ("mjd", pa.float64()),
        ("true_mag", pa.float64()),
    ]
)


def _write_parquet(df: pd.DataFrame, path: Path, schema: pa.Schema | None = None) -> None:
    table = pa.Table.from_pandas(df, schema=schema, preserve_index=False).replace_schema_metadata(None)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")


def _round_reply(df: pd.DataFrame) -> pd.DataFrame:
    """Round to the precision an archive reply carries (mags 1e-5, MJD 1e-6 d, deg 1e-8)."""
    out = df.copy()
    for c in out.columns:
        if c in ("ra", "dec"):
            out[c] = out[c].round(8)
        elif c.startswith("mjd"):
            out[c] = out[c].round(6)
        elif "Mag" in c or c.startswith("probPSF"):
            out[c] = out[c].round(5)
    return out


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(_round_reply(df), preserve_index=False)
    with atomic_path(path) as tmp:
        pacsv.write_csv(table, tmp)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _visit_magnitudes(
    rng: np.random.Generator, objects: pd.DataFrame, vis: pd.DataFrame, bands: tuple[str, ...]
) -> dict[str, np.ndarray]:
    """Intrinsic magnitude at each visit: mean + DRW (quasars), constant (stars).

    The bands of one object share their random innovations, so they vary together while
    each keeps its own exact DRW (tau, sigma).
    """
    out = {b: objects[f"mag_{b}"].to_numpy()[vis["obj"].to_numpy()].copy() for b in bands}
    if len(vis) == 0:
        return out
    v = vis.sort_values(["obj", "mjd"], kind="stable")
    obj = v["obj"].to_numpy()
    starts = np.flatnonzero(np.r_[True, obj[1:] != obj[:-1]])
    counts = np.diff(np.r_[starts, len(obj)])
    col = np.arange(len(obj)) - np.repeat(starts, counts)
    row = np.repeat(np.arange(len(starts)), counts)
    uobj = obj[starts]
    times = np.full((len(starts), counts.max()), np.nan)
    times[row, col] = v["mjd"].to_numpy()
    innov = rng.standard_normal(times.shape)
    variable = np.isfinite(objects["tau_obs_g"].to_numpy()[uobj])
    for b in bands:
        tau = objects[f"tau_obs_{b}"].to_numpy()[uobj]
        sigma = objects[f"drw_sigma_{b}"].to_numpy()[uobj]
        tau = np.where(variable, tau, 1.0)
        sigma = np.where(variable, sigma, 0.0)
        x = drw(times, tau, sigma, innov)[row, col]
        delta = np.empty(len(vis))
        delta[v.index.to_numpy()] = x
        out[b] = out[b] + delta
    return out


def generate(cfg: MockSkyConfig, outdir: str | Path) -> dict:
    """Write the whole mock sky under ``outdir`` and return its manifest.

    Parameters
    ----------
    cfg
        Size, seed and composition.
    outdir
        Output folder (created).
    """
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    pop = draw_population(np.random.default_rng([cfg.seed, _STREAM_POP]), cfg.n_objects, cfg.quasar_fraction)
    runs = sdss.sdss_runs(np.random.default_rng([cfg.seed, _STREAM_RUNS]))
    pix = parent(pop["objectid"].to_numpy(), PARTITION_ORDER)
    n_epochs = np.zeros(len(pop), dtype=np.int64)
    in_sdss = np.zeros(len(pop), dtype=bool)
    files: list[Path] = []
    for p in np.unique(pix):
        sel = np.flatnonzero(pix == p)
        objects = pop.iloc[sel].reset_index(drop=True)
        vis = sdss.visits(np.random.default_rng([cfg.seed, _STREAM_OBS, int(p), 0]), objects, runs)
        mags = _visit_magnitudes(np.random.default_rng([cfg.seed, _STREAM_LC, int(p)]), objects, vis, sdss.BANDS)
        mirror, epochs = sdss.observe(
            np.random.default_rng([cfg.seed, _STREAM_OBS, int(p), 1]), objects, runs, vis, mags
        )
        per_obj = epochs[epochs["band"] == "r"].groupby("objectid").size()
        n_epochs[sel] = per_obj.reindex(objects["objectid"]).fillna(0).to_numpy(dtype=np.int64)
        in_sdss[sel] = sdss.in_sdss_footprint(objects["ra"].to_numpy(), objects["dec"].to_numpy())
        f_m = out / "mirrors" / "sdss_s82" / f"photoobjall_hpx{PARTITION_ORDER}_{int(p):04d}.csv"
        f_e = out / "truth" / "sdss_s82_epochs" / f"hpx{PARTITION_ORDER}_{int(p):04d}.parquet"
        _write_csv(mirror, f_m)
        _write_parquet(epochs, f_e, EPOCH_SCHEMA)
        files += [f_m, f_e]

    truth = pop.copy()
    truth["in_sdss_s82"] = in_sdss
    truth["n_epochs_sdss_s82"] = n_epochs
    f_truth = out / "truth.parquet"
    _write_parquet(truth, f_truth)
    files.append(f_truth)
    files += _write_samples(cfg, truth, out / "samples")

    manifest = {
        "generator": f"agnlc.mocksky {__version__}",
        "config": asdict(cfg),
        "partition_order": PARTITION_ORDER,
        "n_objects": len(pop),
        "files": {str(f.relative_to(out)): _sha256(f) for f in sorted(files)},
    }
    with atomic_path(out / "manifest.json") as tmp:
        tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def _write_samples(cfg: MockSkyConfig, truth: pd.DataFrame, outdir: Path) -> list[Path]:
    """A literature-style sample (quasars, with names and a bibcode) and an SDSS-style one."""
    rng = np.random.default_rng([cfg.seed, _STREAM_SAMPLES])
    qso = truth[truth["cls"].isin(["Qso", "highZQso"]) & truth["in_sdss_s82"]]
    k = min(cfg.literature_size, len(qso))
    lit = qso.iloc[np.sort(rng.choice(len(qso), size=k, replace=False))] if k else qso.iloc[:0]
    import astropy.units as u
    from astropy.coordinates import SkyCoord
    from astropy.table import Table

    def sdss_name(ra: np.ndarray, dec: np.ndarray) -> list[str]:
        c = SkyCoord(ra * u.deg, dec * u.deg)
        return ["SDSS J" + s.replace(" ", "") for s in c.to_string("hmsdms", sep="", precision=2, pad=True)]

    tab = Table(
        {
            "name": sdss_name(lit["ra"].to_numpy(), lit["dec"].to_numpy()),
            "ra": lit["ra"].to_numpy() * u.deg,
            "dec": lit["dec"].to_numpy() * u.deg,
            "label": ["mock_literature"] * len(lit),
            "bibcode": ["mock"] * len(lit),
        }
    )
    tab.meta["description"] = "Mock literature-style sample drawn from the mock sky"
    f_lit = outdir / "literature.ecsv"
    outdir.mkdir(parents=True, exist_ok=True)
    with atomic_path(f_lit) as tmp:
        tab.write(tmp, format="ascii.ecsv", overwrite=True)
    # the SDSS-style sample: every object inside the SDSS Stripe 82 imaging
    sd = truth[truth["in_sdss_s82"]]
    label = np.where(sd["cls"] == "Star", "sdss_star", "sdss_qso")
    sdss_df = pd.DataFrame(
        {
            "name": sdss_name(sd["ra"].to_numpy(), sd["dec"].to_numpy()),
            "ra": sd["ra"].to_numpy(),
            "dec": sd["dec"].to_numpy(),
            "label": label,
        }
    )
    f_sdss = outdir / "sdss.csv"
    with atomic_path(f_sdss) as tmp:
        sdss_df.to_csv(tmp, index=False)
    return [f_lit, f_sdss]
