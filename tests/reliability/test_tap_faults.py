"""TAP faults: a fault-injecting proxy on 127.0.0.1 in front of the real local TAP service
(DaCHS, the ``tap_service`` fixture) breaks chosen synchronous queries of the HEASARC and Gaia
TAP transports the way services break: HTTP 500/503/429, a reply cut mid-transfer, a
well-framed but truncated VOTable, malformed XML, an HTML error page, a TAP error document, a
service that never answers; plus a query with no rows. Transient faults are retried with
exponential backoff and the result equals the undisturbed query's; persistent faults end in an
error status within the retry and time budget, never in silently fewer rows."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pandas as pd
import pytest
import requests

from agnlc.archives import ArchiveSettings, get, run_adapter

ERROR_VOTABLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE type="results">
<INFO name="QUERY_STATUS" value="ERROR">Database unavailable, please retry later</INFO>
</RESOURCE></VOTABLE>"""
FAULTS = ["500", "503", "429", "reset", "cut_votable", "malformed", "html", "error_votable"]


class _Proxy(BaseHTTPRequestHandler):
    upstream: ClassVar[str] = ""
    plan: ClassVar[list[str]] = []
    calls: ClassVar[list[str]] = []

    def log_message(self, *args) -> None:
        pass

    def _send(self, code: int, body: bytes, ctype: str = "text/plain", length: int | None = None, **headers) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for k, v in headers.items():
            self.send_header(k.replace("_", "-"), v)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _relay(self) -> None:
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        is_query = self.path.rstrip("/").endswith("/sync")
        fault = self.plan.pop(0) if is_query and self.plan else "ok"
        if is_query:
            type(self).calls.append(fault)
        if fault in ("500", "503", "429"):
            self._send(int(fault), b"service trouble", Retry_After="0")
            return
        if fault == "never":
            time.sleep(30.0)  # far longer than the client's timeout
            self.close_connection = True
            return
        if fault == "malformed":
            self._send(200, b"<?xml version='1.0'?><VOTABLE><RESOURCE><TABLE><DATA><TR><TD>1</TD", "text/xml")
            return
        if fault == "html":
            self._send(200, b"<html><body><h1>Maintenance</h1></body></html>", "text/html")
            return
        if fault == "error_votable":
            self._send(200, ERROR_VOTABLE, "application/x-votable+xml")
            return
        headers = {"Content-Type": self.headers.get("Content-Type", "")}
        r = requests.request(self.command, self.upstream + self.path, data=body, headers=headers, timeout=120)
        ctype = r.headers.get("Content-Type", "application/x-votable+xml")
        if fault == "reset":  # promise the whole reply, send half, hang up
            self._send(r.status_code, r.content[: len(r.content) // 2], ctype, length=len(r.content))
            self.close_connection = True
        elif fault == "cut_votable":  # a well-framed HTTP reply whose VOTable stops half-way
            self._send(r.status_code, r.content[: len(r.content) // 2], ctype)
        else:
            self._send(r.status_code, r.content, ctype)

    do_GET = _relay
    do_POST = _relay


@pytest.fixture
def proxy(tap_service):
    base, _, _ = tap_service.rpartition("/tap")
    _Proxy.upstream, _Proxy.plan, _Proxy.calls = base, [], []
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/tap"
    srv.shutdown()
    srv.server_close()


def _targets(small_sky, near_events: bool = True) -> pd.DataFrame:
    t = pd.read_parquet(small_sky / "truth.parquet")[["objectid", "ra", "dec"]].head(40)
    if not near_events:  # a patch of sky with no events and no Gaia sources in the mock sky
        t = pd.DataFrame({"objectid": [1, 2], "ra": [123.0, 123.01], "dec": [-80.0, -80.01]})
    return t


def _heasarc(url, targets, retries=2, timeout_s=600.0, sleeps=None):
    s = ArchiveSettings(
        "heasarc", transport="live", retries=retries, backoff_s=0.5, timeout_s=timeout_s, options={"url": url}
    )
    return run_adapter(get("heasarc"), targets, s, sleep=(sleeps.append if sleeps is not None else lambda _: None))


def _key(ev: pd.DataFrame) -> pd.DataFrame:
    return ev.sort_values(["objectid", "catalog", "event_id"]).reset_index(drop=True)


@pytest.mark.parametrize("fault", FAULTS)
def test_transient_tap_fault_is_retried_and_the_result_is_whole(small_sky, tap_service, proxy, fault):
    t = _targets(small_sky)
    clean, st0 = _heasarc(tap_service, t)
    assert st0["status"] == "ok" and len(clean) > 0
    _Proxy.plan = [fault]
    sleeps: list[float] = []
    ev, st = _heasarc(proxy, t, sleeps=sleeps)
    assert _Proxy.calls[0] == fault and "ok" in _Proxy.calls[1:]
    assert st["status"] == "ok" and st["attempts"] == 2, st
    assert sleeps == [0.5]
    pd.testing.assert_frame_equal(_key(ev), _key(clean))


@pytest.mark.parametrize("fault", ["503", "cut_votable", "malformed"])
def test_persistent_tap_fault_gives_an_error_status_after_backoff(small_sky, proxy, fault):
    _Proxy.plan = [fault] * 20
    sleeps: list[float] = []
    ev, st = _heasarc(proxy, _targets(small_sky), retries=3, sleeps=sleeps)
    assert st["status"] == "error" and st["attempts"] == 4 and len(ev) == 0 and st["rows"] == 0
    assert sleeps == [0.5, 1.0, 2.0]  # exponential backoff between the four attempts
    assert st["reason"]  # the last exception, recorded for the merge and the retry record
    assert _Proxy.calls == [fault] * 4


def test_a_tap_service_that_never_answers_times_out(small_sky, proxy):
    _Proxy.plan = ["never"] * 5
    t0 = time.monotonic()
    ev, st = _heasarc(proxy, _targets(small_sky), retries=1, timeout_s=1.0)
    assert st["status"] == "error" and len(ev) == 0
    assert "timed out" in st["reason"].lower() or "time budget" in st["reason"]
    assert time.monotonic() - t0 < 10  # the session's 1-s timeout, not a 30-s hang per attempt


def test_no_rows_is_empty_not_error(small_sky, proxy):
    ev, st = _heasarc(proxy, _targets(small_sky, near_events=False))
    assert st["status"] == "empty" and st["rows"] == 0 and st["attempts"] == 1 and len(ev) == 0


def test_gaia_tap_transient_fault_is_retried(small_sky, tap_service, proxy):
    truth = pd.read_parquet(small_sky / "truth.parquet")
    t = truth[truth["n_det_gaia"] > 0][["objectid", "ra", "dec"]].head(20)

    def run(url, sleeps):
        opts = {"url": url, "live_method": "tap", "epoch_source": "table"}
        s = ArchiveSettings("gaia", transport="live", retries=2, backoff_s=0.5, options=opts)
        return run_adapter(get("gaia"), t, s, sleep=sleeps.append)

    clean, _ = run(tap_service, [])
    _Proxy.plan = ["503", "cut_votable"]
    sleeps: list[float] = []
    lc, st = run(proxy, sleeps)
    assert st["status"] == "ok" and st["attempts"] == 3 and sleeps == [0.5, 1.0], st
    key = ["objectid", "band", "mjd"]
    pd.testing.assert_frame_equal(
        lc.sort_values(key).reset_index(drop=True), clean.sort_values(key).reset_index(drop=True)
    )
