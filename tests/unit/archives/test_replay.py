"""Replay tests: the adapters on replies and products the real services produced (or, where no
recorded bytes exist anywhere public, on fixtures built here from the services' format facts).

Each test stubs the transport only (an HTTP server on 127.0.0.1, the client object, or a local
folder in the service's layout), runs the adapter's fetch and parse, and checks the canonical rows
value by value against numbers read independently from the recorded file (astropy.io.fits, csv,
json, pyarrow). The recorded files and their sources are listed in ``tests/data/replies/README.md``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from astropy.io import ascii as astro_ascii
from astropy.io import fits

from agnlc.archives import ArchiveSettings, get, run_adapter
from agnlc.sky.healpix import radec_to_index

REPLIES = Path(__file__).resolve().parents[2] / "data" / "replies"
F0 = 3631e9  # nJy


def _ab_njy(mag):
    return F0 * 10 ** (-0.4 * np.asarray(mag, dtype=float))


# ---------------------------------------------------------------------------------------------
# a tiny HTTP service on 127.0.0.1: routes map a path to a function of (method, query, form)


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict] = {}
    seen: ClassVar[list] = []

    def log_message(self, *args) -> None:
        pass

    def _answer(self, method: str) -> None:
        u = urlparse(self.path)
        form = {}
        if method == "POST":
            n = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(n).decode()).items()}
        query = {k: v[0] for k, v in parse_qs(u.query).items()}
        type(self).seen.append((method, u.path, query, form))
        fn = type(self).routes.get(u.path)
        body = b"not found" if fn is None else fn(method, query, form).encode()
        self.send_response(404 if fn is None else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")


@pytest.fixture
def http():
    _Handler.routes, _Handler.seen = {}, []
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", _Handler
    srv.shutdown()
    srv.server_close()


def _live(name: str, url: str, radius: float = 1.0, **options) -> ArchiveSettings:
    return ArchiveSettings(
        name, transport="live", radius_arcsec=radius, retries=0, backoff_s=0.0, options={"url": url, **options}
    )


# ---------------------------------------------------------------------------------------------
# TESS / Kepler: real SPOC, Kepler and eleanor product files


def _tess_mirror(tmp_path: Path, rows: list[dict]) -> Path:
    root = tmp_path / "tess_kepler"
    (root / "files").mkdir(parents=True)
    for r in rows:
        shutil.copy(REPLIES / "tess_kepler" / r["productFilename"], root / "files" / r["productFilename"])
    pd.DataFrame(rows).to_csv(root / "index.csv", index=False)
    return root


def _fits_rows(path: Path, quality: str) -> pd.DataFrame:
    with fits.open(path) as h:
        d = h["LIGHTCURVE"].data
        ref = h["LIGHTCURVE"].header["BJDREFI"] + h["LIGHTCURVE"].header["BJDREFF"] - 2400000.5
        ok = (d[quality] == 0) & np.isfinite(d["PDCSAP_FLUX"]) & np.isfinite(d["TIME"])
        return pd.DataFrame(
            {"mjd": d["TIME"][ok] + ref, "flux": d["PDCSAP_FLUX"][ok], "flux_err": d["PDCSAP_FLUX_ERR"][ok]}
        )


def test_tess_spoc_kepler_and_eleanor_products(tmp_path):
    pimen = {"ra": 84.2911879979852, "dec": -80.4691197969941}
    kepler90 = {"ra": 284.433491, "dec": 49.30516}
    rows = [
        {"target_name": "261136679", "mission": "TESS Sector 01", "author": "SPOC", "exptime": 120,
         "s_ra": pimen["ra"], "s_dec": pimen["dec"], "productFilename": "test-lc-tess-pimen-100-cadences.fits"},
        {"target_name": "261136679", "mission": "TESS Sector 01", "author": "GSFC-ELEANOR-LITE", "exptime": 1800,
         "s_ra": pimen["ra"], "s_dec": pimen["dec"],
         "productFilename": "test-lc-tess-pimen_s1_eleanor_lite-100-cadences.fits"},
        {"target_name": "kplr011442793", "mission": "Kepler Quarter 04", "author": "Kepler", "exptime": 1800,
         "s_ra": kepler90["ra"], "s_dec": kepler90["dec"], "productFilename": "kplr011442793-2010009091648_llc.fits"},
    ]  # fmt: skip
    root = _tess_mirror(tmp_path, rows)
    targets = pd.DataFrame(
        {"objectid": [1, 2], "ra": [pimen["ra"], kepler90["ra"]], "dec": [pimen["dec"], kepler90["dec"]]}
    )
    lc, st = run_adapter(get("tess_kepler"), targets, ArchiveSettings("tess_kepler", mirror=str(root), radius_arcsec=3))
    assert st["status"] == "ok", st
    # the eleanor product (another author, no LIGHTCURVE/PDCSAP_FLUX) is left out with a note
    assert any("GSFC-ELEANOR-LITE" in n for n in st["notes"])
    tess = _fits_rows(REPLIES / "tess_kepler" / rows[0]["productFilename"], "QUALITY")
    kep = _fits_rows(REPLIES / "tess_kepler" / rows[2]["productFilename"], "SAP_QUALITY")
    assert len(tess) == 99 and len(kep) == 955  # counted independently from the files
    t1 = lc[lc["objectid"] == 1].sort_values("mjd")
    t2 = lc[lc["objectid"] == 2].sort_values("mjd")
    assert set(t1["band"]) == {"tess_T"} and set(t2["band"]) == {"kepler_Kp"} and set(t2["archive"]) == {"kepler"}
    np.testing.assert_allclose(t1["mjd"], np.sort(tess["mjd"]), rtol=0, atol=1e-9)
    np.testing.assert_allclose(t1["flux"], tess.sort_values("mjd")["flux"], rtol=1e-7)
    np.testing.assert_allclose(t2["mjd"], np.sort(kep["mjd"]), rtol=0, atol=1e-9)
    np.testing.assert_allclose(t2["flux_err"], kep.sort_values("mjd")["flux_err"], rtol=1e-7)
    assert t1["mjd"].between(58324, 58353).all()  # sector 1 began 2018-07-25 (BTJD + 2457000 - 2400000.5)


def test_eleanor_file_asked_for_explicitly_is_skipped_with_its_reason(tmp_path):
    row = {"target_name": "261136679", "mission": "TESS Sector 01", "author": "SPOC", "exptime": 1800,
           "s_ra": 84.2911879979852, "s_dec": -80.4691197969941,
           "productFilename": "test-lc-tess-pimen_s1_eleanor_lite-100-cadences.fits"}  # fmt: skip
    root = _tess_mirror(tmp_path, [row])
    t = pd.DataFrame({"objectid": [1], "ra": [row["s_ra"]], "dec": [row["s_dec"]]})
    lc, st = run_adapter(get("tess_kepler"), t, ArchiveSettings("tess_kepler", mirror=str(root), radius_arcsec=3))
    assert st["status"] == "empty" and len(lc) == 0
    assert "no LIGHTCURVE extension" in st["reason"]


# ---------------------------------------------------------------------------------------------
# ALeRCE: the API's lightcurve JSON and the explorer's CSV export


class _FakeAlerce:
    """Answers like the alerce client, from the recorded ZTF20aaelulu light-curve reply."""

    calls: ClassVar[list] = []

    def __init__(self) -> None:
        self.body = json.loads((REPLIES / "alerce" / "webservices_lightcurve_aaelulu.json").read_text())

    def query_objects(self, **kw):
        _FakeAlerce.calls.append(("objects", kw))
        return pd.DataFrame({"oid": ["ZTF20aaelulu"], "meanra": [185.7289], "meandec": [15.8236]})

    def query_detections(self, oid, **kw):
        _FakeAlerce.calls.append(("detections", kw))
        return pd.DataFrame(self.body["detections"])

    def query_non_detections(self, oid, **kw):
        _FakeAlerce.calls.append(("non_detections", kw))
        return pd.DataFrame(self.body["non_detections"])


def test_alerce_api_reply_with_null_corrections(monkeypatch):
    import alerce.core

    monkeypatch.setattr(alerce.core, "Alerce", _FakeAlerce)
    _FakeAlerce.calls = []
    t = pd.DataFrame({"objectid": [5], "ra": [185.7289], "dec": [15.8236]})
    lc, st = run_adapter(get("alerce"), t, _live("alerce", ""))
    assert st["status"] == "ok", st
    assert all(kw.get("survey") == "ztf" for _, kw in _FakeAlerce.calls)  # every call names the survey
    body = json.loads((REPLIES / "alerce" / "webservices_lightcurve_aaelulu.json").read_text())
    good = [
        d for d in body["detections"]
        if d["corrected"] is True and d["dubious"] is False and d["magpsf_corr"] is not None
        and d["sigmapsf_corr_ext"] is not None and d["magpsf_corr"] < 99
    ]  # fmt: skip
    assert len(good) == 31  # 27 of the 58 detections are uncorrected (null *_corr): never converted
    det = lc[~lc["upper_limit"]].sort_values("mjd")
    expect = sorted(good, key=lambda d: d["mjd"])
    np.testing.assert_allclose(det["mjd"], [d["mjd"] for d in expect])
    np.testing.assert_allclose(det["flux"], _ab_njy([d["magpsf_corr"] for d in expect]), rtol=1e-9)
    assert len(lc[lc["upper_limit"]]) == len(body["non_detections"]) == 17


def test_alerce_explorer_csv_with_sentinels_and_text_booleans():
    from agnlc.archives.alerce import ADAPTER, read_file

    path = REPLIES / "alerce" / "ZTF18abbuive_20240325_detections.csv"
    reply = read_file(path)
    reply["non_detections"] = read_file(REPLIES / "alerce" / "ZTF18abbuive_20240325_non_detections.csv")[
        "non_detections"
    ]
    t = pd.DataFrame({"objectid": [3], "ra": [318.5279], "dec": [13.0154]})
    lc = ADAPTER.parse(reply, t, ArchiveSettings("alerce"))
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 608 and sum(r["sigmapsf_corr"] == "100" for r in rows) == 101
    good = [
        r for r in rows
        if r["corrected"] == "true" and r["dubious"] == "false" and r["magpsf_corr"] not in ("", "100")
        and r["sigmapsf_corr_ext"] not in ("", "100")
    ]  # fmt: skip
    det = lc[~lc["upper_limit"]]
    assert len(det) == len(good) > 400  # sigmapsf_corr = 100 does not drop a row: sigmapsf_corr_ext is used
    np.testing.assert_allclose(
        np.sort(det["flux"]), np.sort(_ab_njy([float(r["magpsf_corr"]) for r in good])), rtol=1e-9
    )
    assert (det["source_id"] == "ZTF18abbuive").all() and set(det["band"]) <= {"ztf_g", "ztf_r"}
    assert lc["upper_limit"].sum() == 242


# ---------------------------------------------------------------------------------------------
# WISE: the unTimely catalogue's own columns, in IRSA's hive layout


def test_wise_untimely_rows_in_irsa_layout(tmp_path):
    tab = astro_ascii.read(
        REPLIES / "wise" / "unTimely_Catalog_explorer_example_search_results_26.978383+23.661691.dat", format="ipac"
    )
    df = tab.to_pandas()
    # the catalogue's upper-case epoch columns (the explorer lower-cases them)
    df = df.rename(columns={c: c.upper() for c in ("epoch", "forward", "mjdmin", "mjdmax", "mjdmean")})
    keep = ["flux", "dflux", "ra", "dec", "band", "primary", "unwise_detid", "flags_unwise", "flags_info",
            "EPOCH", "FORWARD", "MJDMIN", "MJDMAX", "MJDMEAN"]  # fmt: skip
    df = df[keep]
    root = tmp_path / "wise" / "unwise-neo7-time_domain-healpix_k5.parquet"
    k5 = radec_to_index(df["ra"].to_numpy(), df["dec"].to_numpy(), 5)
    for p in np.unique(k5):
        part = root / f"healpix_k0={p // 1024}" / f"healpix_k5={p}" / "part0.snappy.parquet"
        part.parent.mkdir(parents=True)
        pq.write_table(pa.Table.from_pandas(df[k5 == p], preserve_index=False), part)
    t = pd.DataFrame({"objectid": [1], "ra": [26.978383], "dec": [23.661691]})
    lc, st = run_adapter(get("wise"), t, ArchiveSettings("wise", mirror=str(tmp_path / "wise"), radius_arcsec=2.0))
    assert st["status"] == "ok", st
    d1, d2 = np.radians(23.661691), np.radians(df["dec"].to_numpy())
    sep = (
        np.degrees(
            np.arccos(
                np.clip(
                    np.sin(d1) * np.sin(d2)
                    + np.cos(d1) * np.cos(d2) * np.cos(np.radians(df["ra"].to_numpy() - 26.978383)),
                    -1,
                    1,
                )
            )
        )
        * 3600
    )
    near = df[(sep <= 2.0) & (df["primary"] == 1)]  # fmt: skip
    assert len(lc) == len(near) > 0
    w1 = near[near["band"] == 1].sort_values("MJDMEAN")
    got = lc[lc["band"] == "wise_W1"].sort_values("mjd")
    np.testing.assert_allclose(got["flux"], w1["flux"].to_numpy() * 3631.0 * 10 ** (-0.4 * 2.699), rtol=1e-6)
    np.testing.assert_allclose(got["mjd"], w1["MJDMEAN"], rtol=0, atol=1e-6)
    assert set(got["source_id"]) == set(w1["unwise_detid"])


def test_wise_missing_partition_live_is_an_error_and_mirror_is_not_covered(tmp_path):
    root = tmp_path / "wise" / "unwise-neo7-time_domain-healpix_k5.parquet"
    (root / "healpix_k0=0" / "healpix_k5=1").mkdir(parents=True)
    t = pd.DataFrame({"objectid": [1], "ra": [180.0], "dec": [60.0]})
    _, st = run_adapter(get("wise"), t, ArchiveSettings("wise", mirror=str(tmp_path / "wise"), retries=0))
    assert st["status"] == "empty" and st["reason"].startswith("not covered")
    _, st = run_adapter(get("wise"), t, _live("wise", str(tmp_path / "wise")))
    assert st["status"] == "error" and "partition" in st["reason"] and "missing" in st["reason"]


# ---------------------------------------------------------------------------------------------
# CRTS (format facts only: no recorded reply exists): the page, then the CSV behind its link

CRTS_CSV = (
    "MasterID,Mag,Magerr,RA,Dec,MJD,Blend\n"
    "1135075045477,17.51,0.08, 254.457610, 35.342270,53464.49188,0\n"
    "1135075045477,17.43,0.07, 254.457630, 35.342250,53470.41111,0\n"
    "2135075045477,17.47,0.09, 254.457590, 35.342260,53500.30000,0\n"
    "1135075045999,19.90,0.20, 254.459000, 35.342270,53464.49188,0\n"  # a neighbour 4" away
    "1135075045477,17.60,0.08, 254.457620, 35.342280,53480.41111,1\n"  # blended
)


def _crts_routes(http_base, page):
    def post(method, query, form):
        return page(form)

    def get_csv(method, query, form):
        return CRTS_CSV

    return {"/cgi-bin/getcssconedb_release_img.cgi": post, "/DataRelease/upload/result_web_fileSbxUFV.csv": get_csv}


def test_crts_page_then_csv_by_position(http):
    base, handler = http

    def page(form):
        link = f"{base}/DataRelease/upload/result_web_fileSbxUFV.csv"
        return f'<html><body>Photcat DB query ... There were 5 lines. <a href="{link}">(right-mouse-click and save as to download )</a>'  # noqa: E501

    handler.routes = _crts_routes(base, page)
    t = pd.DataFrame({"objectid": [1], "ra": [254.45761], "dec": [35.34227]})
    lc, st = run_adapter(get("crts"), t, _live("crts", f"{base}/cgi-bin/getcssconedb_release_img.cgi", radius=3.0))
    assert st["status"] == "ok", st
    method, _, _, form = handler.seen[0]
    assert method == "POST" and form["RADec"].split() == ["254.457610", "35.342270"] and form["OUT"] == "csv"
    # both telescopes' MasterIDs of the star, not the neighbour, not the blended row
    assert sorted(lc["source_id"].unique()) == ["1135075045477", "2135075045477"] and len(lc) == 3
    np.testing.assert_allclose(np.sort(lc["flux"]), np.sort(_ab_njy(np.array([17.51, 17.43, 17.47]) + 0.02)))


@pytest.mark.parametrize(
    ("page", "status", "reason"),
    [
        ("<html>Photcat DB query<br>This area is not covered by CSS data.</html>", "empty", "not covered"),
        (
            "<html>This area is covered by the data release. However, no objects were found in the "
            "specified area .</html>",
            "empty",
            "no objects were found",
        ),
        ("<html><body>Internal Server Error: please try later</body></html>", "error", "not understood"),
    ],
)
def test_crts_page_messages(http, page, status, reason):
    base, handler = http
    handler.routes = _crts_routes(base, lambda form: page)
    t = pd.DataFrame({"objectid": [1], "ra": [254.45761], "dec": [35.34227]})
    _, st = run_adapter(get("crts"), t, _live("crts", f"{base}/cgi-bin/getcssconedb_release_img.cgi", radius=3.0))
    assert st["status"] == status and reason in st["reason"], st


# ---------------------------------------------------------------------------------------------
# HCV API (format facts only): hcvsummary.csv then hcv.csv under /api/v0.1/hsc/v3

HCV_SUMMARY = (
    "MatchID,Filter,GroupID,SubGroupID,RA,Dec,AutoClass,ExpertClass,VarQualFlag,FilterDetFlag,NumLC,MeanMag,"
    "MeanCorrMag,MAD,Chi2\n"
    "46020970,ACS_F475W,69810,-5,16.136772,2.188972,2,1,AACAA,1,12,25.407,25.408,0.1640,20.2264\n"
    "46020970,ACS_F814W,69810,-5,16.136772,2.188972,2,1,AACAA,1,3,24.107,24.108,0.1200,12.5\n"
)
HCV_LC = (
    "MJD,Filter,Mag,CorrMag,MagErr,ImageName\n"
    "53000.1,ACS_F814W,24.2,24.1,0.05,a\n53010.2,ACS_F814W,24.0,23.9,0.04,b\n53020.3,ACS_F814W,24.3,24.2,0.06,c\n"
)


def test_hcv_versioned_api_and_instrument_filters(http):
    base, handler = http

    def summary(method, query, form):
        return HCV_SUMMARY if abs(float(query["ra"]) - 16.136772) < 1e-3 else ""

    def lc(method, query, form):
        return HCV_LC if query["Filter"] == "ACS_F814W" else ""

    handler.routes = {"/api/v0.1/hsc/v3/hcvsummary.csv": summary, "/api/v0.1/hsc/v3/hcv.csv": lc}
    t = pd.DataFrame({"objectid": [4, 5], "ra": [16.136772, 40.0], "dec": [2.188972, 0.0]})
    out, st = run_adapter(get("hcv"), t, _live("hcv", f"{base}/api/v0.1/hsc/v3"))
    assert st["status"] == "ok", st
    assert {(p, q.get("Filter")) for m, p, q, f in handler.seen if p.endswith("hcv.csv")} == {
        ("/api/v0.1/hsc/v3/hcv.csv", "ACS_F475W"),
        ("/api/v0.1/hsc/v3/hcv.csv", "ACS_F814W"),
    }
    assert set(out["band"]) == {"hst_F814W"} and (out["objectid"] == 4).all() and len(out) == 3
    np.testing.assert_allclose(out.sort_values("mjd")["flux"], _ab_njy([24.1, 23.9, 24.2]))
    assert any("no HCV source" in n for n in st["notes"])  # the empty reply of the second cone


# ---------------------------------------------------------------------------------------------
# SDSS: a real SkyServer CSV reply (#Table1) and the Stripe 82 x_sql.asp form (format facts)


def test_skyserver_table1_line_and_missing_columns_named():
    from agnlc.archives.base import ArchiveError
    from agnlc.archives.sdss_s82 import read_reply

    text = (REPLIES / "sdss" / "skyserver_xid_im.txt").read_text()
    assert text.startswith("#Table1")
    with pytest.raises(ArchiveError, match=r"lacks column\(s\) \['flags'"):
        read_reply(text)  # a crossid reply: parsed past '#Table1', then its columns are checked


def test_stripe82_x_sql_asp_reply(http):
    base, handler = http
    reply = (
        "tid,objID,run,ra,dec,flags,psfMag_u,psfMag_g,psfMag_r,psfMag_i,psfMag_z,psfMagErr_u,psfMagErr_g,"
        "psfMagErr_r,psfMagErr_i,psfMagErr_z,mjd_u,mjd_g,mjd_r,mjd_i,mjd_z\n"
        "0,8647474690858025001,4207,29.99016,0.55291,268500992,20.1,19.5,19.2,19.0,18.9,0.05,0.02,0.02,0.02,0.05,"
        "5.29094017E4,5.29094039E4,5.29093994E4,5.29094005E4,5.29094028E4\n"
        "0,8647474690858025002,106,29.99016,0.55291,0,20.0,19.4,19.1,18.9,18.8,0.01,0.01,0.01,0.01,0.01,"
        "5.37E4,5.37E4,5.37E4,5.37E4,5.37E4\n"
    )

    def x_sql(method, query, form):
        assert "fGetNearbyObjEq" in query["cmd"] and query["format"] == "csv"
        return reply if "29.99016" in query["cmd"] else "No objects have been found\n"

    handler.routes = {"/stripe82/en/tools/search/x_sql.asp": x_sql}
    t = pd.DataFrame({"objectid": [1, 2], "ra": [29.99016, 31.0], "dec": [0.55291, 0.1]})
    s = _live("sdss_s82", f"{base}/stripe82/en/tools/search/x_sql.asp", reject_flags_mask=0)
    lc, st = run_adapter(get("sdss_s82"), t, s)
    assert st["status"] == "ok", st
    assert len(lc) == 5 and lc["band"].nunique() == 5  # the coadd row (run 106) is not an epoch
    g = lc[lc["band"] == "sdss_g"].iloc[0]
    assert g["mjd"] == pytest.approx(52909.4039, abs=1e-6)  # Field.mjd_g in scientific notation
    from agnlc.sky.photometry import sdss_asinh_to_ab_flux

    f, _ = sdss_asinh_to_ab_flux(np.array([19.5]), np.array([0.02]), "g")
    assert g["flux"] == pytest.approx(f[0], rel=1e-9)


# ---------------------------------------------------------------------------------------------
# IceCube (format facts only): the release zip, events/ and uptime/ tables under the same names

EVENTS = (
    "#     MJD[days]  log10(E/GeV)   AngErr[deg]       RA[deg]      Dec[deg]  Azimuth[deg]   Zenith[deg]\n"
    "   55694.99190986          4.55          0.20       242.625       -22.626        75.666        67.342\n"
    "   55694.99825262          2.96          0.90       275.128        39.110        45.537       129.114\n"
    "   55695.00023207          2.87          0.48        92.455         4.699       228.872        94.694\n"
)
UPTIME = "#  MJD_start[days]  MJD_stop[days]\n   54562.37203080   54562.70626163\n   54562.70812230   54563.04198119\n"


def test_icecube_release_zip_keeps_events_and_uptime_apart(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("icecube_10year_ps/events/IC86_I_exp.csv", EVENTS)
        z.writestr("icecube_10year_ps/uptime/IC86_I_exp.csv", UPTIME)
        z.writestr("icecube_10year_ps/readme.txt", "IceCube 10-year point-source release")
    data = buf.getvalue()

    class _Bytes(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Bytes)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        t = pd.DataFrame({"objectid": [1, 2], "ra": [242.7, 10.0], "dec": [-22.6, 0.0]})
        s = _live("icecube", f"http://127.0.0.1:{srv.server_address[1]}/release.zip", cache=str(tmp_path / "ic"))
        ev, st = run_adapter(get("icecube"), t, s)
    finally:
        srv.shutdown()
        srv.server_close()
    assert st["status"] == "ok", st
    assert (tmp_path / "ic" / "icecube_10year_ps" / "uptime" / "IC86_I_exp.csv").read_text() == UPTIME
    assert (tmp_path / "ic" / "icecube_10year_ps" / "events" / "IC86_I_exp.csv").read_text() == EVENTS
    assert len(ev) == 1 and ev["objectid"].iloc[0] == 1
    assert ev["mjd"].iloc[0] == pytest.approx(55694.99190986) and ev["energy"].iloc[0] == pytest.approx(10**4.55)


def test_icecube_uptime_table_is_never_read_as_events(tmp_path):
    from agnlc.archives.base import ArchiveError
    from agnlc.archives.icecube import read_event_file, read_event_files

    (tmp_path / "events").mkdir()
    (tmp_path / "uptime").mkdir()
    (tmp_path / "events" / "IC40_exp.csv").write_text(UPTIME)  # an uptime table where events belong
    with pytest.raises(ArchiveError, match="line 1: not the event header"):
        read_event_file(tmp_path / "events" / "IC40_exp.csv")
    (tmp_path / "events" / "IC40_exp.csv").write_text(EVENTS)
    (tmp_path / "uptime" / "IC40_exp.csv").write_text(UPTIME)
    assert len(read_event_files(tmp_path)) == 3


# ---------------------------------------------------------------------------------------------
# Gaia epoch photometry (format facts: the DataLink row layouts) and the DataLink zip members


def test_gaia_datalink_layouts_give_the_same_rows():
    from agnlc.archives.gaia import epochs_long

    keys = {"objectid": 1, "source_id": 2328619740476096384, "_dist_arcsec": 0.1}
    new = pd.DataFrame(
        {
            **{k: [v, v] for k, v in keys.items()},
            "g_transit_time": [1710.1, 1711.2],
            "g_transit_flux": [1000.0, 1100.0],
            "g_transit_flux_error": [10.0, 11.0],
            "bp_obs_time": [1710.1, None],
            "bp_flux": [300.0, None],
            "bp_flux_error": [5.0, None],
            "rp_obs_time": [1710.1, 1711.2],
            "rp_flux": [900.0, 950.0],
            "rp_flux_error": [9.0, 9.5],
            "variability_flag_g_reject": ["false", "true"],
            "rejected_by_photometry": [False, False],
        }
    )
    old = pd.DataFrame(
        {
            **{k: [v] * 5 for k, v in keys.items()},
            "band": ["G", "G", "BP", "RP", "RP"],
            "time": [1710.1, 1711.2, 1710.1, 1710.1, 1711.2],
            "flux": [1000.0, 1100.0, 300.0, 900.0, 950.0],
            "flux_error": [10.0, 11.0, 5.0, 9.0, 9.5],
            "rejected_by_variability": [False, True, False, False, False],
            "rejected_by_photometry": [False, False, False, False, False],
        }
    )
    a = epochs_long(new).dropna().sort_values(["band", "time"]).reset_index(drop=True)
    b = epochs_long(old).dropna().sort_values(["band", "time"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert list(a["band"]) == ["gaia_BP", "gaia_G", "gaia_RP", "gaia_RP"]  # the rejected G transit is gone


def test_gaia_datalink_zip_members_other_than_epoch_photometry_are_left_out():
    from astropy.io.votable import parse

    from agnlc.archives.gaia import datalink_tables

    with zipfile.ZipFile(REPLIES / "gaia" / "gaia_dr3_source_id_5937083312263887616_dl_products_vot.zip") as z:
        names = z.namelist()
        result = {n: [parse(io.BytesIO(z.read(n))).get_first_table()] for n in names}
    assert all(" " in n and n.endswith(".xml") for n in names)  # '<TYPE>-Gaia DR3 <id>.xml'
    assert datalink_tables(result) == []  # MCMC/XP products only: no epoch photometry here
    epoch = {"EPOCH_PHOTOMETRY-Gaia DR3 5937083312263887616.xml": result[names[0]]}
    assert len(datalink_tables(epoch)) == 1


# ---------------------------------------------------------------------------------------------
# HATS: the HATS authors' own test catalogues through the HATS transport


def test_hats_reader_opens_the_hats_authors_catalogues():
    from agnlc.archives.hats import crossmatch

    base = REPLIES / "hats"
    for path in ("small_sky_o1_collection", "small_sky_npix_as_dir", "small_sky_nested"):
        part = next((base / path).rglob("Npix=*.parquet"), None) or next((base / path).rglob("part0.parquet"))
        rows = pq.read_table(part, columns=["id", "ra", "dec"]).to_pandas()
        rows = rows.drop_duplicates(["ra", "dec"], keep=False).head(5)  # the test data has rows at one position
        t = pd.DataFrame({"objectid": np.arange(len(rows)) + 100, "ra": rows["ra"], "dec": rows["dec"]})
        m = crossmatch(t, str(base / path), ["id", "ra", "dec"], radius_arcsec=1.0)
        assert sorted(m["id"]) == sorted(rows["id"]), path  # every target finds its own row
        assert (m["_dist_arcsec"] < 1e-6).all()


def test_hats_nested_light_curves_flatten_to_the_stored_lists():
    from agnlc.archives.hats import crossmatch

    base = REPLIES / "hats" / "small_sky_nested"
    part = base / "dataset" / "Norder=1" / "Dir=0" / "Npix=47.parquet"
    stored = pq.read_table(part, columns=["id", "ra", "dec", "lc"]).to_pandas().head(3)
    t = pd.DataFrame({"objectid": [1, 2, 3], "ra": stored["ra"], "dec": stored["dec"]})
    m = crossmatch(t, str(base), ["id", "ra", "dec", "lc"], radius_arcsec=1.0)
    flat = m["lc"].nest.to_flat()
    for _, row in stored.iterrows():
        got = flat.loc[m.index[m["id"] == row["id"]]]
        np.testing.assert_allclose(np.sort(got["mjd"].to_numpy(float)), np.sort(np.asarray(row["lc"]["mjd"], float)))


# ---------------------------------------------------------------------------------------------
# HEASARC TAP: Xamin answers with base64 BINARY VOTables, and names un-aliased columns c_ra, …


def _tap_routes(bodies: list[bytes]):
    def sync(method, query, form):
        return bodies.pop(0).decode() if bodies else ""

    return {"/xamin/vo/tap/sync": sync}


def test_heasarc_binary_votable_without_the_event_columns_is_an_error_naming_them(http):
    base, handler = http
    recorded = (REPLIES / "heasarc" / "pyvo_arihip-tap-async-result.xml").read_bytes()
    assert b'<STREAM encoding="base64">' in recorded  # a BINARY VOTable, not TABLEDATA
    handler.routes = _tap_routes([recorded, recorded])
    t = pd.DataFrame({"objectid": [1], "ra": [10.0], "dec": [0.0]})
    _, st = run_adapter(get("heasarc"), t, _live("heasarc", f"{base}/xamin/vo/tap"))
    # pyvo decoded the BINARY stream (the reply's one column is named), and the missing columns are named
    assert st["status"] == "error" and "lacks column(s)" in st["reason"] and "'result'" in st["reason"], st
    assert any(m == "POST" and p == "/xamin/vo/tap/sync" for m, p, _, _ in handler.seen)  # a sync TAP query


def test_heasarc_alias_prefixed_columns_are_read(http):
    from astropy.io.votable import from_table
    from astropy.table import Table

    base, handler = http
    tab = Table(
        {
            "t_objectid": [1],
            "c_name": ["bn080916009"],
            "c_ra": [10.2],
            "c_dec": [0.1],
            "event_time": [54725.5],
            "c_error_radius": [0.5],
        }
    )
    vot = from_table(tab)
    vot.get_first_table().format = "binary"  # base64 BINARY, as Xamin answers
    buf = io.BytesIO()
    vot.to_xml(buf)
    empty = from_table(Table({"objectid": np.zeros(0, int), "name": np.zeros(0, str), "ra": np.zeros(0),
                              "dec": np.zeros(0), "event_time": np.zeros(0), "error_radius": np.zeros(0)}))  # fmt: skip
    buf2 = io.BytesIO()
    empty.to_xml(buf2)
    handler.routes = _tap_routes([buf.getvalue(), buf2.getvalue()])
    t = pd.DataFrame({"objectid": [1], "ra": [10.0], "dec": [0.0]})
    ev, st = run_adapter(get("heasarc"), t, _live("heasarc", f"{base}/xamin/vo/tap"))
    assert st["status"] == "ok", st
    assert list(ev["event_id"]) == ["bn080916009"] and ev["mjd"].iloc[0] == 54725.5
    assert ev["sep_deg"].iloc[0] == pytest.approx(np.hypot(0.2, 0.1), rel=1e-3)
