"""Gaia DR3 as the mock sky observes it: ``gaia_dr3`` (source astrometry and photometry) and
``gaia_dr3_epoch_phot`` (epoch photometry nested per source in the ``epoch_photometry`` column:
a struct of per-transit lists, as in the LINCC HATS catalogue), both HATS collections.

Observing model
    2014-07-25 to 2017-05-28: 12–25 field-of-view visits per object at random epochs, each two
    transits 106.5 min apart (a quarter of visits add a second pair 6 h later). Per-transit
    5-sigma depths G, BP, RP = 21.3, 19.8, 19.3 (AB) with floors 0.003, 0.005, 0.005 mag.
    Sources to G = 20.8 (Vega) are catalogued; epoch photometry is published, as in DR3, only
    for sources flagged variable (quasars, RR Lyrae, eclipsing binaries, X-ray AGN) with
    G <= 20.5.

Native units
    Fluxes in e-/s with the DR3 Vega zero points (G 25.6874, BP 25.3385, RP 24.7479), Vega
    magnitudes (``G_Vega = G_AB - 0.1136``, BP -0.0155, RP -0.3561), times as
    ``BJD(TCB) - 2455197.5`` (= MJD - 55197.0). ``variability_flag_{g,bp,rp}_reject`` mark 2% of
    transits rejected by the variability processing, ``rejected_by_photometry`` 0.5%; BP and RP
    are null on 3% of transits. Astrometry: parallax and proper motion
    with G-dependent errors (0.02 mas at G = 15 rising as 10^(0.2 (G - 15)) for parallax,
    1.3 times that in mas/yr for proper motion); quasars and galaxies have zero true motion.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from agnlc.mocksky.hatswriter import HatsCollectionWriter
from agnlc.mocksky.observe import Survey, measure, running_index, scatter_positions
from agnlc.mocksky.variability import mean_magnitude
from agnlc.sky.photometry import F0_NJY, A

__all__ = ["AB_OFFSET", "TIME_ORIGIN_MJD", "ZP_VEGA", "Gaia", "gaia_source_id"]

M5 = {"gaia_G": 21.3, "gaia_BP": 19.8, "gaia_RP": 19.3}
FLOOR = {"gaia_G": 0.003, "gaia_BP": 0.005, "gaia_RP": 0.005}
ZP_VEGA = {"gaia_G": 25.6874, "gaia_BP": 25.3385, "gaia_RP": 24.7479}
AB_OFFSET = {"gaia_G": 0.1136, "gaia_BP": 0.0155, "gaia_RP": 0.3561}  # m_AB - m_Vega
LAM = {"gaia_G": 6218.0, "gaia_BP": 5110.0, "gaia_RP": 7769.0}
START, END = 56863.0, 57901.0
TIME_ORIGIN_MJD = 55197.0  # JD 2455197.5
G_LIMIT, EPOCH_G_LIMIT = 20.8, 20.5
VARIABLE = ("qso_drw", "qso_dho", "qso_clq", "rrab", "rrc", "eb", "agn_xray")

_L = pa.list_(pa.float64())
SOURCE_SCHEMA = pa.schema(
    [
        ("source_id", pa.int64()),
        ("ra", pa.float64()),
        ("dec", pa.float64()),
        ("parallax", pa.float64()),
        ("parallax_error", pa.float32()),
        ("pmra", pa.float64()),
        ("pmra_error", pa.float32()),
        ("pmdec", pa.float64()),
        ("pmdec_error", pa.float32()),
        ("phot_g_mean_mag", pa.float32()),
        ("phot_bp_mean_mag", pa.float32()),
        ("phot_rp_mean_mag", pa.float32()),
        ("phot_variable_flag", pa.string()),
        ("has_epoch_photometry", pa.bool_()),
    ]
)
_F = pa.list_(pa.float32())
_B = pa.list_(pa.bool_())
#: the nested ``epoch_photometry`` column: one list element per transit, every band aligned on the
#: transit (BP/RP null where the band has no measurement), as in the LINCC Gaia DR3 epoch
#: photometry HATS catalogue (``https://data.lsdb.io/hats/gaia_dr3_epoch_phot``)
EPOCH_STRUCT = pa.struct(
    [
        ("transit_id", pa.list_(pa.int64())),
        ("g_transit_time", _L),
        ("g_transit_flux", _L),
        ("g_transit_flux_error", _L),
        ("g_transit_flux_over_error", _F),
        ("g_transit_mag", _F),
        ("bp_obs_time", _L),
        ("bp_flux", _L),
        ("bp_flux_error", _L),
        ("bp_flux_over_error", _F),
        ("bp_mag", _F),
        ("rp_obs_time", _L),
        ("rp_flux", _L),
        ("rp_flux_error", _L),
        ("rp_flux_over_error", _F),
        ("rp_mag", _F),
        ("variability_flag_g_reject", _B),
        ("variability_flag_bp_reject", _B),
        ("variability_flag_rp_reject", _B),
        ("rejected_by_photometry", _B),
    ]
)
EPOCH_SCHEMA = pa.schema(
    [("source_id", pa.int64()), ("ra", pa.float64()), ("dec", pa.float64()), ("epoch_photometry", EPOCH_STRUCT)]
)


def gaia_source_id(ra: np.ndarray, dec: np.ndarray, mock_id: np.ndarray) -> np.ndarray:
    """Gaia-like source ids: HEALPix level-12 nested index * 2^35 + a running number."""
    from agnlc.sky.healpix import radec_to_index

    return radec_to_index(ra, dec, 12) * (1 << 35) + (np.asarray(mock_id, dtype=np.int64) % (1 << 35))


def _vega_flux(f_nJy: np.ndarray, band: str) -> np.ndarray:
    """nJy (AB) to e-/s on the Gaia Vega scale: f_e = 10^(-0.4 (m_AB - offset - ZP))."""
    m_ab = -2.5 * np.log10(np.maximum(f_nJy, 1e-30) / F0_NJY)
    return 10 ** (-0.4 * (m_ab - AB_OFFSET[band] - ZP_VEGA[band])) * np.sign(f_nJy)


class Gaia(Survey):
    """Gaia DR3 sources and epoch photometry (two HATS collections)."""

    def __init__(self, out: Path) -> None:
        super().__init__(out=out, name="gaia", bands=tuple(M5))
        base = out / "mirrors" / "gaia"
        self.src = HatsCollectionWriter(base / "gaia_dr3", "gaia_dr3", SOURCE_SCHEMA)
        self.ep = HatsCollectionWriter(base / "gaia_dr3_epoch_phot", "gaia_dr3_epoch_phot", EPOCH_SCHEMA)

    def _g_vega(self, objects: pd.DataFrame) -> np.ndarray:
        return (
            mean_magnitude(objects, np.arange(len(objects)), np.full(len(objects), LAM["gaia_G"]), "psfmag")
            - AB_OFFSET["gaia_G"]
        )

    def visits(self, rng: np.random.Generator, objects: pd.DataFrame) -> pd.DataFrame:
        g = self._g_vega(objects)
        want = np.flatnonzero(np.isin(objects["subclass"].to_numpy(), VARIABLE) & (g <= EPOCH_G_LIMIT))
        if len(want) == 0:
            return pd.DataFrame({"obj": np.zeros(0, np.int64), "mjd": np.zeros(0), "band": np.zeros(0, str)})
        nv = rng.integers(12, 26, len(want))  # field-of-view visits per object (scanning law)
        o = np.repeat(want, nv)
        centres = rng.uniform(START, END, len(o))
        second = rng.random(len(o)) < 0.25  # a second pair 6 h later
        t = np.concatenate(
            [centres, centres + 106.5 / 1440.0, centres[second] + 0.25, centres[second] + 0.25 + 106.5 / 1440.0]
        )
        oo = np.concatenate([o, o, o[second], o[second]])
        order = np.lexsort((t, oo))
        t, oo = t[order], oo[order]
        return pd.DataFrame({"obj": np.tile(oo, 3), "mjd": np.tile(t, 3), "band": np.repeat(list(M5), len(t))})

    def observe(self, rng: np.random.Generator, objects: pd.DataFrame, vis: pd.DataFrame, pix: int) -> pd.DataFrame:
        # ---- the source table: astrometry for everything to G = 20.8
        g = self._g_vega(objects)
        keep = np.flatnonzero(g <= G_LIMIT)
        sid = gaia_source_id(objects["ra"].to_numpy(), objects["dec"].to_numpy(), objects["mock_id"].to_numpy())
        err = 0.02 * 10 ** (0.2 * np.maximum(g[keep] - 15.0, 0.0))
        ra, dec = scatter_positions(rng, objects["ra"].to_numpy()[keep], objects["dec"].to_numpy()[keep], 0.002, pix)
        mags = {b: mean_magnitude(objects, keep, np.full(len(keep), LAM[b]), "psfmag") - AB_OFFSET[b] for b in M5}
        has_ep = np.isin(objects["subclass"].to_numpy()[keep], VARIABLE) & (g[keep] <= EPOCH_G_LIMIT)
        src = pa.table(
            {
                "source_id": sid[keep],
                "ra": ra,
                "dec": dec,
                "parallax": objects["parallax"].to_numpy()[keep] + err * rng.standard_normal(len(keep)),
                "parallax_error": err.astype(np.float32),
                "pmra": objects["pmra"].to_numpy()[keep] + 1.3 * err * rng.standard_normal(len(keep)),
                "pmra_error": (1.3 * err).astype(np.float32),
                "pmdec": objects["pmdec"].to_numpy()[keep] + 1.3 * err * rng.standard_normal(len(keep)),
                "pmdec_error": (1.3 * err).astype(np.float32),
                "phot_g_mean_mag": mags["gaia_G"].astype(np.float32),
                "phot_bp_mean_mag": mags["gaia_BP"].astype(np.float32),
                "phot_rp_mean_mag": mags["gaia_RP"].astype(np.float32),
                "phot_variable_flag": np.where(has_ep, "VARIABLE", "NOT_AVAILABLE"),
                "has_epoch_photometry": has_ep,
            },
            schema=SOURCE_SCHEMA,
        )
        self.emit("src", src)
        # ---- epoch photometry of the variable sources
        if len(vis) == 0:
            return self.truth_epochs(objects, vis.assign(true_mag=np.zeros(0)), np.zeros(0, bool))
        band = vis["band"].to_numpy()
        m5 = vis["band"].map(M5).to_numpy(dtype=float)
        floor = vis["band"].map(FLOOR).to_numpy(dtype=float)
        m = measure(rng, vis["true_mag"].to_numpy(), m5, 0.0)
        extra = floor * m.f_true / A  # per-band calibration floor
        sigma = np.sqrt(m.sigma**2 + extra**2)
        f_obs = m.f_true + (m.f_obs - m.f_true) * sigma / m.sigma
        obj = vis["obj"].to_numpy().astype(np.int64)
        frame = pd.DataFrame(
            {"obj": obj, "band": band, "t": vis["mjd"].to_numpy() - TIME_ORIGIN_MJD, "f": f_obs, "s": sigma}
        )
        # one row per transit: the G, BP and RP measurements of a transit share its time
        cols: dict[str, np.ndarray] = {}
        uobj = np.unique(obj)
        g_rows = frame[frame["band"] == "gaia_G"].sort_values(["obj", "t"], kind="stable")
        counts = g_rows.groupby("obj").size().reindex(uobj, fill_value=0).to_numpy()
        offsets = pa.array(np.r_[0, np.cumsum(counts)].astype(np.int32))
        n_transit = len(g_rows)
        for b, pre, tname in (
            ("gaia_G", "g_transit", "g_transit_time"),
            ("gaia_BP", "bp", "bp_obs_time"),
            ("gaia_RP", "rp", "rp_obs_time"),
        ):
            sub = frame[frame["band"] == b].sort_values(["obj", "t"], kind="stable")
            fe = _vega_flux(sub["f"].to_numpy(), b)
            fe_err = np.abs(fe) * sub["s"].to_numpy() / np.maximum(np.abs(sub["f"].to_numpy()), 1e-30)
            with np.errstate(invalid="ignore", divide="ignore"):
                mag = np.where(fe > 0, -2.5 * np.log10(np.where(fe > 0, fe, 1.0)) + ZP_VEGA[b], np.nan)
            fname = "g_transit_flux" if pre == "g_transit" else f"{pre}_flux"
            cols[tname] = np.round(sub["t"].to_numpy(), 7)
            cols[fname] = fe
            cols[f"{fname}_error"] = fe_err
            cols[f"{fname}_over_error"] = (fe / fe_err).astype(np.float32)
            cols["g_transit_mag" if pre == "g_transit" else f"{pre}_mag"] = mag.astype(np.float32)
            short = {"gaia_G": "g", "gaia_BP": "bp", "gaia_RP": "rp"}[b]
            cols[f"variability_flag_{short}_reject"] = rng.random(len(sub)) < 0.02
        cols["transit_id"] = (sid[g_rows["obj"].to_numpy()] % (1 << 20)) * 1000 + running_index(
            g_rows["obj"].to_numpy()
        )
        cols["rejected_by_photometry"] = rng.random(n_transit) < 0.005
        # BP/RP are missing on some transits (null in the catalogue)
        for pre in ("bp", "rp"):
            gone = rng.random(n_transit) < 0.03
            for name in (f"{pre}_obs_time", f"{pre}_flux", f"{pre}_flux_error", f"{pre}_flux_over_error", f"{pre}_mag"):
                cols[name] = np.where(gone, np.nan, cols[name])
        arrays = []
        for fld in EPOCH_STRUCT:
            values = cols[fld.name]
            mask = np.isnan(values) if values.dtype.kind == "f" else None
            arrays.append(pa.ListArray.from_arrays(offsets, pa.array(values, fld.type.value_type, mask=mask)))
        nested = pa.StructArray.from_arrays(arrays, fields=list(EPOCH_STRUCT))
        ra, dec = scatter_positions(rng, objects["ra"].to_numpy()[uobj], objects["dec"].to_numpy()[uobj], 0.002, pix)
        table = pa.table({"source_id": sid[uobj], "ra": ra, "dec": dec, "epoch_photometry": nested})
        self.emit("ep", table.cast(EPOCH_SCHEMA))
        return self.truth_epochs(objects, vis, np.ones(len(vis), dtype=bool))

    def sink(self, key: str, data: pa.Table, pix: int) -> None:
        (self.src if key == "src" else self.ep).write(pix, data)

    def finalize(self) -> None:
        self.src.finalize()
        self.ep.finalize()
