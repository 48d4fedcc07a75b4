"""Shared fixtures: a small mock sky generated once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from agnlc.mocksky import MockSkyConfig, generate

REPO = Path(__file__).resolve().parents[1]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--remote-data", action="store_true", help="run tests that need the network")
    parser.addoption("--reliability", action="store_true", help="run the kill -9 suite (make reliability)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skips = {
        "remote_data": (config.getoption("--remote-data"), "needs the network: run with --remote-data"),
        "reliability": (config.getoption("--reliability"), "the kill -9 suite (about 80 minutes): make reliability"),
    }
    for item in items:
        for marker, (enabled, reason) in skips.items():
            if item.get_closest_marker(marker) is not None and not enabled:
                item.add_marker(pytest.mark.skip(reason=reason))


SMALL = MockSkyConfig(seed=7, n_objects=600, quasar_fraction=0.5, n_xray_agn=10, literature_size=10)


@pytest.fixture(scope="session")
def small_sky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 610-object mock sky (about a third inside the SDSS imaging, ten X-ray AGN)."""
    out = tmp_path_factory.mktemp("mocksky")
    generate(SMALL, out)
    return out


@pytest.fixture(scope="session")
def tap_service(small_sky: Path, tmp_path_factory: pytest.TempPathFactory):
    """URL of a real local TAP service (GAVO DaCHS on 127.0.0.1) loaded with the small sky's tables
    under the archives' schema and table names. Set up when missing (Debian packages, ~90 s);
    what this session started is stopped at its end, by pid."""
    from tests.tap import conftest_helpers as tap
    from tests.tap.rd import write_rds

    state = tmp_path_factory.mktemp("tap-state")
    started = False
    if not tap.answering():
        ok, why = tap.can_install()
        if not ok:
            pytest.skip(why)
        tap.up(state)
        started = True
    tap.load(write_rds(small_sky, tmp_path_factory.mktemp("rds")))
    yield tap.URL
    if started:
        tap.down(state)
