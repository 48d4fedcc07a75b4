"""agnlc.core.runner: the rule-script glue."""

from types import SimpleNamespace

import pytest
from threadpoolctl import threadpool_info

from agnlc.core.runner import script_main


def _smk(tmp_path, threads):
    return SimpleNamespace(threads=threads, log=[str(tmp_path / "rule.log")], rule="demo")


def test_blas_pools_follow_the_rule_threads(tmp_path):
    """numpy has loaded OpenBLAS before the script runs, so only limiting the loaded pools works."""
    seen = {}
    script_main(lambda smk: seen.update(n={p["num_threads"] for p in threadpool_info()}), _smk(tmp_path, 1))
    assert seen["n"] == {1}
    assert "rule demo done" in (tmp_path / "rule.log").read_text()


def test_errors_are_logged_and_raised(tmp_path):
    def boom(smk):
        raise ValueError("bad row 3")

    with pytest.raises(ValueError, match="bad row 3"):
        script_main(boom, _smk(tmp_path, 1))
    assert "rule demo failed" in (tmp_path / "rule.log").read_text()
