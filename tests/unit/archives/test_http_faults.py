"""HTTP transports against a local fault-injecting server on 127.0.0.1: HTTP 500 then success
(retried), a truncated reply (detected, retried, then an error status), a timeout, and an
HTML error page; the live code paths of CRTS, HCV and SDSS are the ones exercised. CRTS is served
as the real CGI answers: a form POST gets an HTML page linking to a result CSV, which the client
then GETs (the faults are injected into the GETs)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pandas as pd
import pytest

from agnlc.archives import ArchiveSettings, get, run_adapter

CRTS_REPLY = "MasterID,Mag,Magerr,RA,Dec,MJD,Blend\n1100000000001,18.50,0.05, 10.000010, 0.000010,53500.1,0\n"


class _Handler(BaseHTTPRequestHandler):
    plan: ClassVar[list[str]] = []
    calls: ClassVar[list[str]] = []

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        host, port = self.server.server_address[:2]
        link = f"http://{host}:{port}/DataRelease/upload/result_web_fileAbC123.csv"
        body = f'<HTML><BODY>There were 1 lines. <a href="{link}">(right-mouse-click and save as to download )</a>'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def do_GET(self) -> None:
        mode = self.plan.pop(0) if self.plan else "ok"
        type(self).calls.append(mode)
        if mode == "500":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"internal error")
        elif mode == "429":
            self.send_response(429)
            self.send_header("Retry-After", "0")
            self.end_headers()
        elif mode == "truncated":
            body = CRTS_REPLY.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body) * 3))  # promise more than is sent
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif mode == "slow":
            import time

            time.sleep(3.0)
            self.send_response(200)
            self.end_headers()
        elif mode == "html":
            body = b"<html><body>Service unavailable</body></html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            body = CRTS_REPLY.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


@pytest.fixture
def server():
    _Handler.plan = []
    _Handler.calls = []
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


TARGET = pd.DataFrame({"objectid": [7], "ra": [10.0], "dec": [0.0]})


def _crts(url, retries=2, timeout=60.0):
    s = ArchiveSettings(
        "crts",
        transport="live",
        radius_arcsec=3.0,
        retries=retries,
        backoff_s=0.0,
        timeout_s=timeout,
        options={"url": f"{url}/cgi"},
    )
    return run_adapter(get("crts"), TARGET, s, sleep=lambda _: None)


@pytest.mark.parametrize("fault", ["500", "429"])
def test_transient_http_error_is_retried(server, fault):
    _Handler.plan = [fault]
    lc, st = _crts(server)
    assert st["status"] == "ok" and st["attempts"] == 2 and len(lc) == 1
    assert _Handler.calls == [fault, "ok"]


def test_truncated_reply_detected_then_error_status(server):
    _Handler.plan = ["truncated"] * 3
    lc, st = _crts(server)
    assert st["status"] == "error" and st["attempts"] == 3 and len(lc) == 0
    assert "Read" in st["reason"] or "Connection" in st["reason"] or "Incomplete" in st["reason"]


def test_persistent_500_gives_error_status(server):
    _Handler.plan = ["500"] * 5
    lc, st = _crts(server, retries=1)
    assert st["status"] == "error" and "500" in st["reason"] and len(lc) == 0


def test_html_error_page_is_not_data(server):
    _Handler.plan = ["html"] * 3
    s = ArchiveSettings("sdss_s82", transport="live", retries=0, options={"url": f"{server}/x_sql"})
    _, st = run_adapter(get("sdss_s82"), TARGET, s, sleep=lambda _: None)
    assert st["status"] == "error" and "service error" in st["reason"]


def test_timeout_gives_error_status(server, monkeypatch):
    import requests

    real_get = requests.get

    def short_timeout(*a, **kw):
        kw["timeout"] = 0.5
        return real_get(*a, **kw)

    monkeypatch.setattr(requests, "get", short_timeout)
    _Handler.plan = ["slow"] * 3
    s = ArchiveSettings("hcv", transport="live", retries=1, backoff_s=0.0, options={"url": server})
    _, st = run_adapter(get("hcv"), TARGET, s, sleep=lambda _: None)
    assert st["status"] == "error" and "Timeout" in st["reason"] and st["attempts"] == 2
