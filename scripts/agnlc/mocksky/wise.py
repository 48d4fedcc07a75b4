"""WISE/NEOWISE as the mock sky observes it: unTimely-like per-epoch coadd detections in IRSA's
layout of the unWISE time-domain catalogue on S3: the dataset
``unwise-neo7-time_domain-healpix_k5.parquet/`` hive-partitioned
``healpix_k0=<k5 // 1024>/healpix_k5=<k5>/part0.snappy.parquet``, with a ``_common_metadata``
schema carrying units, and the catalogue's column names and types (``unwise_detid`` a string
per detection, ``EPOCH``/``FORWARD``/``MJDMIN``/``MJDMAX``/``MJDMEAN`` upper case).

Observing model
    WISE (2010, two visits six months apart) and NEOWISE (2014-2024, two visits a year): a
    field is visited when the Sun is ~90 deg away in ecliptic longitude, i.e. about three
    months before and after opposition; each visit's exposures are coadded into one epoch
    (``MJDMEAN`` at the visit centre, ``MJDMIN``/``MJDMAX`` +-0.7 d). Per-epoch 5-sigma depths
    W1, W2 = 19.9, 19.3 AB (17.2, 16.0 Vega), 0.01 mag floor. Detections need S/N >= 5.

Native units
    ``flux``/``dflux`` in Vega nanomaggies (zero point 22.5 Vega mag):
    ``flux = 10^(-0.4 (m_AB - offset - 22.5))`` with offsets 2.699 (W1) and 3.339 (W2).
    ``band`` is 1 or 2. 10% of epochs are also detected on an overlapping coadd tile: a second
    row with ``primary = 0`` (the adapter keeps ``primary == 1``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from agnlc.archives.layouts import WISE_DATASET as DATASET
from agnlc.archives.layouts import wise_partition_path as partition_path
from agnlc.mocksky.observe import Survey, measure, scatter_positions
from agnlc.sky.footprint import wrap_ra
from agnlc.sky.healpix import radec_to_index
from agnlc.sky.photometry import F0_NJY

__all__ = ["M5", "SCHEMA", "VEGA_OFFSET", "Wise"]

#: the catalogue columns the mirror carries, in unWISE's names and types, with units
SCHEMA = pa.schema(
    [
        pa.field("x", pa.float32(), metadata={"unit": "pix"}),
        pa.field("y", pa.float32(), metadata={"unit": "pix"}),
        pa.field("flux", pa.float32(), metadata={"unit": "nMgy", "description": "Vega nanomaggies"}),
        pa.field("dflux", pa.float32(), metadata={"unit": "nMgy"}),
        pa.field("qf", pa.float32()),
        pa.field("ra", pa.float64(), metadata={"unit": "deg"}),
        pa.field("dec", pa.float64(), metadata={"unit": "deg"}),
        pa.field("coadd_id", pa.string()),
        pa.field("band", pa.int64(), metadata={"description": "1 = W1, 2 = W2"}),
        pa.field("unwise_detid", pa.string()),
        pa.field("primary", pa.int64()),
        pa.field("flags_unwise", pa.int64()),
        pa.field("flags_info", pa.int64()),
        pa.field("EPOCH", pa.int64()),
        pa.field("FORWARD", pa.int64()),
        pa.field("MJDMIN", pa.float64(), metadata={"unit": "d"}),
        pa.field("MJDMAX", pa.float64(), metadata={"unit": "d"}),
        pa.field("MJDMEAN", pa.float64(), metadata={"unit": "d"}),
    ]
)

M5 = {"wise_W1": 19.9, "wise_W2": 19.3}
VEGA_OFFSET = {"wise_W1": 2.699, "wise_W2": 3.339}
FLOOR = 0.01


def _visit_epochs(ra_c: float) -> np.ndarray:
    """Visit centres (MJD) of a field at mean RA ``ra_c`` (deg)."""
    opp = (80.0 + (ra_c + 180.0) / 360.0 * 365.25) % 365.25  # day of year of opposition
    year0 = 51179.0
    out = []
    for y in range(11, 26):  # 2010 .. 2024
        for shift in (-91.0, 91.0):
            t = year0 + y * 365.25 + opp + shift
            wise = 55200.0 <= t <= 55600.0  # the cryogenic + post-cryo mission
            neowise = 56639.0 <= t <= 60530.0
            if wise or neowise:
                out.append(t)
    return np.array(sorted(out))


def _coadd_id(ra: np.ndarray, dec: np.ndarray) -> np.ndarray:
    """unWISE-like coadd tile names, e.g. ``0123p015`` / ``0123m015`` (1.56-deg tiles)."""
    rr = pd.Series((np.floor(ra / 1.5625) * 15.625).astype(int)).astype(str).str.zfill(4)
    dd = pd.Series((np.floor(np.abs(dec) / 1.5625) * 15.625).astype(int)).astype(str).str.zfill(3)
    sign = pd.Series(np.where(dec < 0, "m", "p"))
    return (rr + sign + dd).to_numpy()


class Wise(Survey):
    """unTimely-like W1/W2 epoch detections, partitioned by HEALPix order 5."""

    def __init__(self, out: Path) -> None:
        super().__init__(out=out, name="wise", bands=tuple(M5))

    def visits(self, rng: np.random.Generator, objects: pd.DataFrame) -> pd.DataFrame:
        centres = _visit_epochs(float(np.mean(wrap_ra(objects["ra"].to_numpy()))))
        n = len(objects)
        t = centres[None, :] + rng.normal(0.0, 0.3, (n, len(centres)))
        frames = [pd.DataFrame({"obj": np.repeat(np.arange(n), len(centres)), "mjd": t.ravel(), "band": b}) for b in M5]
        return pd.concat(frames, ignore_index=True)

    def observe(self, rng: np.random.Generator, objects: pd.DataFrame, vis: pd.DataFrame, pix: int) -> pd.DataFrame:
        band = vis["band"].to_numpy()
        m = measure(rng, vis["true_mag"].to_numpy(), vis["band"].map(M5).to_numpy(dtype=float), FLOOR)
        detected = m.snr >= 5.0
        obj = vis["obj"].to_numpy().astype(np.int64)[detected]
        b = band[detected]
        off = vis["band"].map(VEGA_OFFSET).to_numpy(dtype=float)[detected]
        scale = 10 ** (0.4 * (off + 22.5)) / F0_NJY  # nJy (AB) -> Vega nanomaggies
        ra, dec = scatter_positions(rng, objects["ra"].to_numpy()[obj], objects["dec"].to_numpy()[obj], 0.3, pix)
        t = vis["mjd"].to_numpy()[detected]
        epoch = np.searchsorted(np.unique(np.round(t)), np.round(t))
        df = pd.DataFrame(
            {
                "ra": ra,
                "dec": dec,
                "flux": np.round(m.f_obs[detected] * scale, 4),
                "dflux": np.round(m.sigma[detected] * scale, 4),
                "band": np.where(b == "wise_W1", 1, 2).astype(np.int8),
                "MJDMEAN": np.round(t, 5),
                "MJDMIN": np.round(t - 0.7, 5),
                "MJDMAX": np.round(t + 0.7, 5),
                "EPOCH": epoch.astype(np.int64),
                "FORWARD": (epoch % 2).astype(np.int64),
                "primary": np.ones(len(t), dtype=np.int64),
                "flags_unwise": np.zeros(len(t), dtype=np.int64),
                "flags_info": np.zeros(len(t), dtype=np.int64),
                "qf": np.round(rng.uniform(0.9, 1.0, len(t)), 3).astype(np.float32),
                "coadd_id": _coadd_id(ra, dec),
                "x": rng.uniform(0, 2048, len(t)).astype(np.float32),
                "y": rng.uniform(0, 2048, len(t)).astype(np.float32),
            }
        )
        dup = df[rng.random(len(df)) < 0.10].copy()
        dup["primary"] = 0
        dup["flux"] = np.round(dup["flux"] * (1 + rng.normal(0, 0.02, len(dup))), 4)
        self.emit("det", pd.concat([df, dup], ignore_index=True))
        return self.truth_epochs(objects, vis, detected)

    def sink(self, key: str, df: pd.DataFrame, pix: int) -> None:
        # unWISE detection ids: <coadd_id>w<band>o<7-digit running number>e<3-digit epoch>
        run = pd.Series(np.arange(len(df)) + pix * 100_000).astype(str).str.zfill(7)
        df = df.assign(
            unwise_detid=(
                df["coadd_id"] + "w" + df["band"].astype(str) + "o" + run + "e" + df["EPOCH"].astype(str).str.zfill(3)
            ).to_numpy()
        )
        k5 = radec_to_index(df["ra"].to_numpy(), df["dec"].to_numpy(), 5)
        root = self.out / "mirrors" / "wise" / DATASET
        for q in np.unique(k5):
            f = root / partition_path(int(q)) / "part0.snappy.parquet"
            part = df[k5 == q].sort_values(["MJDMEAN", "band", "ra"], kind="stable")
            f.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(
                pa.Table.from_pandas(part[SCHEMA.names], schema=SCHEMA, preserve_index=False).replace_schema_metadata(
                    None
                ),
                f,
                compression="snappy",
            )
            self.files.append(f)

    def finalize(self) -> None:
        root = self.out / "mirrors" / "wise" / DATASET
        root.mkdir(parents=True, exist_ok=True)
        pq.write_metadata(SCHEMA, root / "_common_metadata")
