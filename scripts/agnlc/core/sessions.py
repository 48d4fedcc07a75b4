"""HTTP sessions for the live transports: TLS verified and a timeout on every request.

pyvo's ``TAPService`` posts synchronous queries through its session without a timeout, so a
service that accepts the connection and never answers would hang the job forever (found by
the TAP fault tests). :func:`timeout_session` gives pyvo (and any other client that takes a
``requests.Session``) a session whose requests time out unless the caller sets its own.
"""

from __future__ import annotations

from typing import Any

import requests

__all__ = ["TimeoutSession", "timeout_session"]


class TimeoutSession(requests.Session):
    """A ``requests.Session`` with a default per-request timeout (connect and read, seconds)
    and certificate verification that callers cannot switch off."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__()
        self.timeout_s = float(timeout_s)
        self.verify = True

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        """``requests.Session.request`` with ``timeout`` defaulting to :attr:`timeout_s`."""
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout_s
        kwargs["verify"] = True
        return super().request(method, url, *args, **kwargs)


def timeout_session(timeout_s: float) -> TimeoutSession:
    """A session whose every request times out after ``timeout_s`` seconds without an answer."""
    return TimeoutSession(timeout_s)
