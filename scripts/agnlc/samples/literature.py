"""Literature samples: the changing-look AGN papers the Fornax notebook uses, in one table format.

Shipped tables live in ``resources/literature/<name>.ecsv`` with columns ``name, ra, dec`` (deg,
ICRS), ``label``, ``bibcode``, ``redshift`` and the caveats as data (``coord_source``,
``position_approx``, ``inferred``, ``membership_unverified``, ``source``; see the README there);
the samples stage reads them like any user file. :func:`refresh` rebuilds a table from the
services that publish it (NED reference codes, VizieR catalogues, SIMBAD bibliographic objects,
the SDSS SkyServer, through astroquery) and :func:`write` stores it in that format;
``python -m agnlc literature refresh NAME`` does both, ``python -m agnlc literature list`` shows
what is shipped against each paper's own count (:func:`shipped`).

The SDSS DR16 quasar sample for live runs comes from :func:`sdss_quasars` (SpecObj, class QSO).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import astropy.units as u
import numpy as np
from astropy.coordinates import SkyCoord
from astropy.table import Table

from agnlc.core.io import atomic_path
from agnlc.core.paths import RESOURCES

__all__ = ["LITERATURE_DIR", "PAPERS", "Paper", "refresh", "sdss_quasars", "shipped", "write"]

LITERATURE_DIR = RESOURCES / "literature"


@dataclass(frozen=True)
class Paper:
    """Where a paper's changing-look sample is published, how to select it, and what it holds."""

    bibcode: str
    label: str
    method: str  # "ned" (reference code), "vizier", "simbad" (bibliographic objects), "html", "sdss"
    rows: tuple[int, ...] | None = None  # rows to keep, as the notebook selects by hand
    vizier_filter: str | None = None
    rows_in_paper: str = ""  # the paper's own count (text: some are unknown or approximate)
    caveat: str = ""


#: The ten papers of the Fornax light-curve collector, Graham et al. (2019) and the SDSS quasars.
PAPERS: dict[str, Paper] = {
    "yang2018": Paper("2018ApJ...862..109Y", "yang2018_clagn", "ned", rows_in_paper="31 NED rows (26 in Table 1)",
                      caveat="one NED duplicate (J0159+0033, 0.71 arcsec) dropped"),
    # MacLeod et al. (2016) is published only as an HTML table on the journal's site
    "macleod2016": Paper("2016MNRAS.457..389M", "macleod2016_clagn", "html", rows_in_paper="10",
                         caveat="positions from the J-names (~0.1 arcsec)"),
    "macleod2019": Paper("2019ApJ...874....8M", "macleod2019_clagn", "vizier", vizier_filter="macleod2019",
                         rows_in_paper="17"),
    "lamassa2015": Paper("2015ApJ...800..144L", "lamassa2015_clagn", "ned", rows=(0,), rows_in_paper="1"),
    "ruan2016": Paper("2016ApJ...826..188R", "ruan2016_clagn", "ned", rows_in_paper="3",
                      caveat="one is the LaMassa et al. (2015) quasar"),
    "sheng2020": Paper("2020ApJ...889...46S", "sheng2020_clagn", "ned", rows=(0, 1, 3), rows_in_paper="not stated",
                       caveat="NED rows 0, 1, 3 of 7; NED row order can change"),
    "green2022": Paper("2022ApJ...933..180G", "green2022_clagn", "vizier", vizier_filter="green2022",
                       rows_in_paper="19", caveat="positions from the SDSS names (~0.01 arcsec); 2 rows inferred"),
    "lyu2022": Paper("2022ApJ...927..227L", "lyu2022_clagn", "ned", rows_in_paper="68", caveat="partial: 66 of 68"),
    "hon2022": Paper("2022MNRAS.511...54H", "hon2022_clagn", "ned", rows_in_paper="unknown",
                     caveat="partial; one position differs by 9.5 arcsec between NED runs"),
    "lopeznavas2022": Paper("2022MNRAS.513L..57L", "lopeznavas2022_clagn", "simbad", rows=(0, 1, 2, 3),
                            rows_in_paper="4", caveat="membership unverified: two SIMBAD runs disagree"),
    "graham2019": Paper("2020MNRAS.491.4925G", "graham2019_clagn", "ned", rows_in_paper="73 CSQs",
                        caveat="superset of the CSQ table (NED reference code)"),
    "sdss_qso297": Paper("2020ApJS..250....8L", "sdss_qso", "sdss", rows_in_paper="297",
                         caveat="SDSS DR16 quasars: a comparison sample, not a paper sample"),
}  # fmt: skip


def shipped() -> list[dict]:
    """Per paper: the shipped table's rows, the flagged rows, the paper's count and the caveat."""
    out = []
    for name, p in PAPERS.items():
        path = LITERATURE_DIR / f"{name}.ecsv"
        t = Table.read(path, format="ascii.ecsv") if path.exists() else None
        flags = {k: int(np.sum(t[k])) if t is not None and k in t.colnames else 0
                 for k in ("position_approx", "inferred", "membership_unverified")}  # fmt: skip
        out.append({"name": name, "bibcode": p.bibcode, "shipped": len(t) if t is not None else 0,
                    "rows_in_paper": p.rows_in_paper, "caveat": p.caveat, **flags})  # fmt: skip
    return out


def _sdss_name_coords(names: list[str]) -> SkyCoord:
    """Positions from SDSS-style names ``[SDSS ]Jhhmmss.ss+ddmmss.s``."""
    s = [n.replace("SDSS", "").strip().lstrip("J") for n in names]
    return SkyCoord([f"{x[0:2]} {x[2:4]} {x[4:9]} {x[9:12]} {x[12:14]} {x[14:]}" for x in s], unit=(u.hourangle, u.deg))


def refresh(name: str) -> Table:
    """Fetch a paper's sample from its publishing service (needs the network).

    Returns
    -------
    astropy.table.Table
        ``name, ra, dec, label, bibcode`` in the shipped format.
    """
    p = PAPERS[name]
    if p.method == "ned":
        from astroquery.ipac.ned import Ned

        t = Ned.query_refcode(p.bibcode)
        if p.rows is not None:
            t = t[list(p.rows)]
        names, ra, dec = [str(x) for x in t["Object Name"]], np.asarray(t["RA"], float), np.asarray(t["DEC"], float)
    elif p.method == "simbad":
        from astroquery.simbad import Simbad

        t = Simbad.query_bibobj(p.bibcode)
        if p.rows is not None:
            t = t[list(p.rows)]
        cols = {c.lower(): c for c in t.colnames}
        names = [str(x) for x in t[cols.get("main_id", t.colnames[0])]]
        c = SkyCoord(
            t[cols["ra"]],
            t[cols["dec"]],
            unit=(u.hourangle, u.deg) if t[cols["ra"]].dtype.kind in "US" else (u.deg, u.deg),
        )
        ra, dec = c.ra.deg, c.dec.deg
    elif p.method == "vizier":
        from astroquery.vizier import Vizier

        v = Vizier(row_limit=-1)
        tabs = v.get_catalogs(list(v.find_catalogs(p.bibcode).keys()))
        t = tabs[0]
        if p.vizier_filter == "macleod2019":  # the confirmed CLQs of their Table 2
            t = t[(t["CLQ_"] > 0) & (t["Nsigma"] > 3)]
            names = [f"MacLeod19-{i}" for i in range(len(t))]
            ra, dec = np.asarray(t["_RA"], float), np.asarray(t["_DE"], float)
        else:  # Green et al. 2022: rows whose notes say CLQ, positions from the SDSS names
            t = t[[("CLQ" in str(n)) for n in t["Notes"]]]
            names = [str(x) for x in t["SDSS"]]
            c = _sdss_name_coords(names)
            ra, dec = c.ra.deg, c.dec.deg
    elif p.method == "sdss":
        return sdss_quasars(297)
    else:
        t = Table.read(
            "https://academic.oup.com/mnras/article/457/1/389/989199", htmldict={"table_id": 5}, format="ascii.html"
        )
        names = [str(x) for x in t[t.colnames[0]]]
        c = _sdss_name_coords(names)
        ra, dec = c.ra.deg, c.dec.deg
    n = len(names)
    approx = p.method == "html" or p.vizier_filter == "green2022"  # positions from (truncated) names
    return Table(
        {
            "name": names,
            "ra": np.asarray(ra) * u.deg,
            "dec": np.asarray(dec) * u.deg,
            "label": [p.label] * n,
            "bibcode": [p.bibcode] * n,
            "redshift": np.full(n, np.nan),
            "coord_source": [f"{p.method} (refreshed)"] * n,
            "position_approx": np.full(n, approx),
            "inferred": np.zeros(n, dtype=bool),
            "membership_unverified": np.full(n, p.method == "simbad"),
            "source": [f"{p.method}:{p.bibcode}"] * n,
        }
    )


def write(table: Table, name: str, folder: Path = LITERATURE_DIR, description: str = "") -> Path:
    """Store a sample table as ``<folder>/<name>.ecsv`` (atomically); rows need finite positions."""
    ra = np.asarray(table["ra"], dtype=float)
    dec = np.asarray(table["dec"], dtype=float)
    if not (np.isfinite(ra).all() and np.isfinite(dec).all()) or len(table) == 0:
        raise ValueError(f"{name}: a literature table needs at least one row and finite ra/dec")
    out = folder / f"{name}.ecsv"
    t = table.copy()
    t.meta["description"] = description or f"{PAPERS[name].bibcode if name in PAPERS else name}"
    with atomic_path(out) as tmp:
        t.write(tmp, format="ascii.ecsv", overwrite=True)
    return out


def sdss_quasars(n: int = 100, zmin: float = 0.0, zmax: float = 10.0, dr: int = 16) -> Table:
    """Spectroscopic SDSS quasars (SpecObj class QSO, zWarning 0) for the live SDSS sample."""
    from astroquery.sdss import SDSS

    sql = (
        f"SELECT TOP {int(n)} s.specObjID, s.ra, s.dec, s.z FROM SpecObj AS s "
        f"WHERE s.class = 'QSO' AND s.zWarning = 0 AND s.z BETWEEN {zmin} AND {zmax} ORDER BY s.specObjID"
    )
    t = SDSS.query_sql(sql, data_release=dr)
    return Table(
        {
            "name": [f"SDSS-{x}" for x in t["specObjID"]],
            "ra": np.asarray(t["ra"], float) * u.deg,
            "dec": np.asarray(t["dec"], float) * u.deg,
            "label": ["sdss_qso"] * len(t),
            "bibcode": ["2020ApJS..250....8L"] * len(t),
            "redshift": np.asarray(t["z"], float),
        }
    )
