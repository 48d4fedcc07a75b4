"""Generate the mock sky: population, truth, archive and catalogue mirrors, events, samples.

Layout under the output folder::

    truth.parquet                          one row per object (class, z, mags, variability…)
    truth/epochs/<archive>/hpx3_PPPP.parquet   every visit: true magnitude, detected or not
    mirrors/<archive>/...                  each archive's replies in its own format
    catalogs/<catalogue>/...               Object-table catalogues
    events/...                             gamma-ray triggers and neutrino events
    samples/literature.ecsv, sdss.csv,     the demo samples
            xmmlss.csv
    manifest.json                          every file with its SHA-256, the config and the seed

Objects are generated once (a few columns per object); light curves are generated one HEALPix
order-3 partition at a time: every survey says when it looks at the partition's objects, the
intrinsic magnitudes of all those visits are drawn in one call (so every archive sees the same
light curve), then each survey measures its visits and writes its replies. Memory is bounded by
the largest partition. Every random stream is seeded from ``(seed, stream, partition, survey)``,
so the same seed gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from agnlc import __version__
from agnlc.archives import EVENT_SOURCES, LIGHTCURVE_ARCHIVES
from agnlc.core.io import atomic_path
from agnlc.mocksky import sdss
from agnlc.mocksky.catalogs import CatalogWriter
from agnlc.mocksky.crts import Crts
from agnlc.mocksky.events import write_events
from agnlc.mocksky.gaia import Gaia
from agnlc.mocksky.hcv import Hcv
from agnlc.mocksky.observe import EPOCH_SCHEMA, Survey, write_parquet
from agnlc.mocksky.population import Composition, draw_population
from agnlc.mocksky.ps1 import Ps1
from agnlc.mocksky.tess_kepler import TessKepler
from agnlc.mocksky.variability import true_magnitudes
from agnlc.mocksky.wise import Wise
from agnlc.mocksky.ztf import Ztf
from agnlc.objecttables.names import MOCK_CATALOG_DIRS
from agnlc.sky.bands import load_registry
from agnlc.sky.footprint import in_s82, in_xmmlss
from agnlc.sky.healpix import parent, radec_to_index

__all__ = ["CATALOG_DIRS", "EVENT_DIRS", "MIRROR_DIRS", "PARTITION_ORDER", "MockSkyConfig", "generate"]

PARTITION_ORDER = 3
#: objects simulated together (memory bound); partitions are written whole
CHUNK = 400
#: output folders (the mocksky rule declares each of them)
MIRROR_DIRS = tuple(f"mirrors/{a}" for a in LIGHTCURVE_ARCHIVES)
CATALOG_DIRS = tuple(f"catalogs/{c}" for c in MOCK_CATALOG_DIRS)
EVENT_DIRS = tuple(f"events/{s}" for s in EVENT_SOURCES)
_STREAM_POP, _STREAM_RUNS, _STREAM_LC, _STREAM_VIS, _STREAM_OBS, _STREAM_SAMPLES, _STREAM_EVENTS, _STREAM_CAT = range(8)
_STREAM_LIT = 8


@dataclass(frozen=True)
class MockSkyConfig:
    """Mock-sky settings (the ``mocksky`` config section)."""

    seed: int = 20261121
    n_objects: int = 2000
    quasar_fraction: float = 0.35
    galaxy_fraction: float = 0.25
    rrlyrae_fraction: float = 0.03
    eclipsing_binary_fraction: float = 0.03
    dho_fraction: float = 0.1
    clq_fraction: float = 0.03
    n_xray_agn: int = 30
    literature_size: int = 20
    #: shipped literature tables (resources/literature/<name>.ecsv) whose positions inside the mock
    #: footprint each get a mock changing-look quasar (the samples stage's ``samples.literature``)
    literature: tuple[str, ...] = ()

    def composition(self) -> Composition:
        """The population's class mix."""
        return Composition(
            quasar=self.quasar_fraction,
            galaxy=self.galaxy_fraction,
            rrlyrae=self.rrlyrae_fraction,
            eclipsing_binary=self.eclipsing_binary_fraction,
            dho_fraction=self.dho_fraction,
            clq_fraction=self.clq_fraction,
            n_xray_agn=self.n_xray_agn,
        )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _lambda_table() -> dict[str, float]:
    reg = load_registry()
    return dict(zip(reg["band"], reg["lambda_eff_angstrom"].astype(float), strict=False))


def generate(cfg: MockSkyConfig, outdir: str | Path) -> dict:
    """Write the whole mock sky under ``outdir`` and return its manifest."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    pop = draw_population(np.random.default_rng([cfg.seed, _STREAM_POP]), cfg.n_objects, cfg.composition())
    pop, placement = place_literature(pop, cfg.literature, np.random.default_rng([cfg.seed, _STREAM_LIT]))
    runs = sdss.sdss_runs(np.random.default_rng([cfg.seed, _STREAM_RUNS]))
    surveys: list[Survey] = [
        sdss.SdssS82(out, runs),
        Ztf(out),
        Ps1(out),
        Gaia(out),
        Wise(out),
        Crts(out),
        TessKepler(out),
        Hcv(out),
    ]
    catalogs = CatalogWriter(out)
    lam_of = _lambda_table()
    bands = sorted(lam_of)
    lam_arr = np.array([lam_of[b] for b in bands])
    pix = parent(pop["objectid"].to_numpy(), PARTITION_ORDER)
    n_det = {s.name: np.zeros(len(pop), dtype=np.int64) for s in surveys}
    files: list[Path] = []
    for p in np.unique(pix):
        sel = np.flatnonzero(pix == p)
        epochs: dict[str, list[pd.DataFrame]] = {s.name: [] for s in surveys}
        # objects of a partition are processed in chunks to bound memory; outputs are written
        # once per partition (flush)
        for c, c0 in enumerate(range(0, len(sel), CHUNK)):
            rows = sel[c0 : c0 + CHUNK]
            objects = pop.iloc[rows].reset_index(drop=True)
            vis = []
            for k, s in enumerate(surveys):
                v = s.visits(np.random.default_rng([cfg.seed, _STREAM_VIS, int(p), k, c]), objects)
                vis.append(v.assign(survey=np.int8(k)))
            allv = pd.concat(vis, ignore_index=True)
            allv["band"] = pd.Categorical(allv["band"].astype(str), categories=bands)
            lam = lam_arr[allv["band"].cat.codes.to_numpy()]
            allv["true_mag"] = true_magnitudes(
                np.random.default_rng([cfg.seed, _STREAM_LC, int(p), c]),
                objects,
                allv["obj"].to_numpy(),
                allv["mjd"].to_numpy(),
                lam,
            )
            survey_of = allv["survey"].to_numpy()
            for k, s in enumerate(surveys):
                v = allv[survey_of == k].reset_index(drop=True)
                ep = s.observe(np.random.default_rng([cfg.seed, _STREAM_OBS, int(p), k, c]), objects, v, int(p))
                ep = ep[ep["detected"].to_numpy()]  # the truth of every measurement that reached a mirror
                epochs[s.name].append(ep)
                det = ep.groupby("objectid").size()
                n_det[s.name][rows] = det.reindex(objects["objectid"]).fillna(0).to_numpy(dtype=np.int64)
            del allv, vis
            catalogs.write(np.random.default_rng([cfg.seed, _STREAM_CAT, int(p), c]), objects, int(p))
        for s in surveys:
            s.flush(int(p))
            f = out / "truth" / "epochs" / s.name / f"hpx{PARTITION_ORDER}_{int(p):04d}.parquet"
            write_parquet(pd.concat(epochs[s.name], ignore_index=True), f, EPOCH_SCHEMA)
            files.append(f)
        catalogs.flush(int(p))
    for s in surveys:
        s.finalize()
        files += s.files
    files += catalogs.files
    files += write_events(np.random.default_rng([cfg.seed, _STREAM_EVENTS]), pop, out)

    truth = pop.copy()
    truth["in_sdss_s82"] = sdss.in_sdss_footprint(truth["ra"].to_numpy(), truth["dec"].to_numpy())
    for name, counts in n_det.items():
        truth[f"n_det_{name}"] = counts
    f_truth = out / "truth.parquet"
    write_parquet(truth, f_truth)
    files.append(f_truth)
    files += _write_samples(cfg, truth, out / "samples")
    f_place = out / "samples" / "literature_placement.csv"
    with atomic_path(f_place) as tmp:
        placement.to_csv(tmp, index=False)
    files.append(f_place)
    for d in MIRROR_DIRS + CATALOG_DIRS + EVENT_DIRS:  # every declared output folder exists, even empty
        (out / d).mkdir(parents=True, exist_ok=True)
    known = set(files)
    files += [f for f in (out / "mirrors").rglob("*") if f.is_file() and f not in known]

    manifest = {
        "generator": f"agnlc.mocksky {__version__}",
        "config": asdict(cfg),
        "partition_order": PARTITION_ORDER,
        "n_objects": len(pop),
        "literature": {
            "targets": len(placement),
            "placed": int(placement["placed"].sum()),
            "outside_mock_footprint": int((~placement["in_mock_footprint"]).sum()),
        },
        "files": {str(f.relative_to(out)): _sha256(f) for f in sorted(set(files))},
    }
    with atomic_path(out / "manifest.json") as tmp:
        tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def place_literature(
    pop: pd.DataFrame, names: tuple[str, ...], rng: np.random.Generator, radius_arcsec: float = 1.0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Put a mock changing-look quasar at every shipped literature position inside the footprint.

    The positions of the tables ``names`` (``resources/literature/<name>.ecsv``) that lie in the
    Stripe 82 boxes or the XMM-LSS box, one per object (positions within ``radius_arcsec`` are one
    object), are given to the population's quasars: its changing-look quasars first, then DRW
    quasars made changing-look (a logistic step drawn as :func:`draw_population` draws it). The
    population is re-sorted by the new ``objectid`` (HEALPix order 29 of the position) and
    ``mock_id`` renumbered in that order.

    Returns
    -------
    population, placement
        The population, and one row per literature target: ``name, label, ra, dec,
        in_mock_footprint, placed`` (a target outside the footprint is listed, not lost).
    """
    from astropy.table import Table

    from agnlc.core.paths import RESOURCES
    from agnlc.sky.crossmatch import match_nearest, separation_arcsec

    cols = ["name", "label", "ra", "dec", "in_mock_footprint", "placed"]
    if not names:
        return pop, pd.DataFrame({c: [] for c in cols})
    rows = []
    for n in names:
        t = Table.read(RESOURCES / "literature" / f"{n}.ecsv", format="ascii.ecsv")
        rows.append(pd.DataFrame({"name": [str(x) for x in t["name"]], "label": [str(x) for x in t["label"]],
                                  "ra": np.asarray(t["ra"], float), "dec": np.asarray(t["dec"], float)}))  # fmt: skip
    lit = pd.concat(rows, ignore_index=True)
    lit["in_mock_footprint"] = in_s82(lit["ra"], lit["dec"]) | in_xmmlss(lit["ra"], lit["dec"])
    inside = lit[lit["in_mock_footprint"]].reset_index()
    # one object per position: a row within the radius of an earlier row is that object again
    # (a few dozen rows: a greedy pass)
    first = np.ones(len(inside), dtype=bool)
    ra, dec = inside["ra"].to_numpy(), inside["dec"].to_numpy()
    for a in range(1, len(inside)):
        d = separation_arcsec(ra[a], dec[a], ra[:a][first[:a]], dec[:a][first[:a]])
        first[a] = not (d <= radius_arcsec).any()
    objects = inside[first]
    quasar = pop["subclass"].isin(["qso_clq", "qso_drw"]).to_numpy()
    order = np.lexsort((pop["mock_id"].to_numpy(), pop["subclass"].to_numpy() != "qso_clq"))
    cand = order[quasar[order]][: len(objects)]
    pop = pop.copy()
    k = len(cand)
    pop.loc[pop.index[cand], "ra"] = objects["ra"].to_numpy()[:k]
    pop.loc[pop.index[cand], "dec"] = objects["dec"].to_numpy()[:k]
    new = cand[pop["subclass"].to_numpy()[cand] != "qso_clq"]
    pop.loc[pop.index[new], "subclass"] = "qso_clq"
    pop.loc[pop.index[new], "clq_t"] = rng.uniform(51900, 59000, len(new))
    pop.loc[pop.index[new], "clq_dm_g"] = rng.choice([-1.0, 1.0], len(new)) * rng.uniform(0.5, 1.5, len(new))
    pop.loc[pop.index[new], "clq_width"] = rng.uniform(100, 500, len(new))
    pop["objectid"] = radec_to_index(pop["ra"].to_numpy(), pop["dec"].to_numpy())
    pop = pop.sort_values("objectid", kind="stable").reset_index(drop=True)
    pop["mock_id"] = np.arange(len(pop), dtype=pop["mock_id"].dtype)
    placed_idx = set(objects["index"].to_numpy()[:k].tolist())
    # every row of a placed object (also its rows in other papers) is placed
    if k:
        i, _, _ = match_nearest(lit["ra"], lit["dec"], objects["ra"].to_numpy()[:k], objects["dec"].to_numpy()[:k],
                                radius_arcsec)  # fmt: skip
        placed_idx |= set(i.tolist())
    lit["placed"] = lit.index.isin(sorted(placed_idx))
    return pop, lit[cols]


def _write_samples(cfg: MockSkyConfig, truth: pd.DataFrame, outdir: Path) -> list[Path]:
    """A literature-style sample (changing-look and other quasars, with names and a bibcode) and
    an SDSS-style sample (every object inside the SDSS imaging, labelled by class), and an
    XMM-LSS sample (every object in the XMM-LSS box: the X-ray AGN and the field objects)."""
    import astropy.units as u
    from astropy.coordinates import SkyCoord
    from astropy.table import Table

    rng = np.random.default_rng([cfg.seed, _STREAM_SAMPLES])
    qso = truth[truth["cls"].isin(["Qso", "highZQso"]) & truth["in_sdss_s82"]]
    clq = qso[qso["subclass"] == "qso_clq"]
    rest = qso[qso["subclass"] != "qso_clq"]
    k = max(0, min(cfg.literature_size, len(qso)) - len(clq))
    pick = rest.iloc[np.sort(rng.choice(len(rest), size=min(k, len(rest)), replace=False))]
    lit = pd.concat([clq.head(cfg.literature_size), pick]).sort_values("objectid")

    def sdss_name(ra: np.ndarray, dec: np.ndarray) -> list[str]:
        c = SkyCoord(ra * u.deg, dec * u.deg)
        return ["SDSS J" + s.replace(" ", "") for s in c.to_string("hmsdms", sep="", precision=2, pad=True)]

    tab = Table(
        {
            "name": sdss_name(lit["ra"].to_numpy(), lit["dec"].to_numpy()),
            "ra": lit["ra"].to_numpy() * u.deg,
            "dec": lit["dec"].to_numpy() * u.deg,
            "label": np.where(lit["subclass"] == "qso_clq", "mock_clagn", "mock_literature"),
            "bibcode": ["mock"] * len(lit),
        }
    )
    tab.meta["description"] = "Mock literature-style sample drawn from the mock sky"
    outdir.mkdir(parents=True, exist_ok=True)
    f_lit = outdir / "literature.ecsv"
    with atomic_path(f_lit) as tmp:
        tab.write(tmp, format="ascii.ecsv", overwrite=True)
    sd = truth[truth["in_sdss_s82"]]
    label = sd["cls"].map(
        {"Star": "sdss_star", "Gal": "sdss_galaxy", "Qso": "sdss_qso", "highZQso": "sdss_qso", "Agn": "sdss_agn"}
    )
    label = np.where(sd["subclass"].isin(["rrab", "rrc", "eb"]), "sdss_variable_star", label)

    def write_csv(rows: pd.DataFrame, labels: np.ndarray, path: Path) -> Path:
        df = pd.DataFrame(
            {
                "name": sdss_name(rows["ra"].to_numpy(), rows["dec"].to_numpy()),
                "ra": rows["ra"].to_numpy(),
                "dec": rows["dec"].to_numpy(),
                "label": labels,
            }
        )
        with atomic_path(path) as tmp:
            df.to_csv(tmp, index=False)
        return path

    xm = truth[in_xmmlss(truth["ra"].to_numpy(), truth["dec"].to_numpy())]
    xmm_label = np.where(xm["subclass"] == "agn_xray", "xmmlss_xray_agn", "xmmlss_" + xm["cls"].str.lower())
    return [f_lit, write_csv(sd, label, outdir / "sdss.csv"), write_csv(xm, xmm_label, outdir / "xmmlss.csv")]
