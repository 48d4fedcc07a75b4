"""Every rule's conda env lists exactly what its script imports (directly or through agnlc),
pinned to the versions of requirements.lock, so conda and pip installs run the same code.

conda channels are not reachable from these machines, so the envs are never built here: this
test checks their consistency with the code and the lock, which is what can be checked offline.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

from agnlc.archives import EVENT_SOURCES, LIGHTCURVE_ARCHIVES
from agnlc.core.codedeps import import_closure, imported_names

REPO = Path(__file__).resolve().parents[2]

#: import name -> conda-forge package name (where they differ, or to make the mapping explicit)
CONDA_NAME = {
    "yaml": "pyyaml",
    "light_curve": "light-curve-python",
    "upath": "universal_pathlib",
    "nested_pandas": "nested-pandas",
}
#: conda-forge name -> pip name in requirements.lock (where they differ)
PIP_NAME = {"light-curve-python": "light-curve", "universal_pathlib": "universal-pathlib"}
#: packages a rule needs at run time without importing them by name (engines, plugins)
RUNTIME_ONLY: dict[str, set[str]] = {}


def third_party(script: Path) -> frozenset[str]:
    """Top-level third-party modules a rule script reaches through its agnlc import closure
    (:func:`agnlc.core.codedeps.import_closure`, the walk that gives every rule its code inputs);
    the archive rules' script loads every adapter by name, so all adapters count for it."""
    extra = tuple(f"agnlc.archives.{a}" for a in (*LIGHTCURVE_ARCHIVES, *EVENT_SOURCES))
    files = [script, *import_closure(script, extra if script.name == "lightcurves.py" else ())]
    found: set[str] = set()
    for path in files:
        for name in imported_names(path):
            top = name.split(".")[0]
            if top != "agnlc" and top not in sys.stdlib_module_names and top not in ("__future__", "snakemake"):
                found.add(top)
    return frozenset(found)


def rules() -> list[tuple[str, Path, Path]]:
    """(rule name, env file, script) for every rule with ``conda:`` and ``script:``."""
    out = []
    for smk in sorted((REPO / "workflow" / "rules").glob("*.smk")):
        text = smk.read_text()
        for block in re.split(r"\n(?=\s*rule\b)", text):
            m = re.match(r"\s*rule\s*(\w*)", block)
            env = re.search(r'conda:\s*\n\s*"([^"]+)"', block)
            script = re.search(r'script:\s*\n\s*"([^"]+)"', block)
            if m and env and script:
                name = m.group(1) or re.search(r'name:\s*\n?\s*f?"([^"]+)"', block).group(1)
                out.append((name, (smk.parent / env.group(1)).resolve(), (smk.parent / script.group(1)).resolve()))
    return out


def env_pins(path: Path) -> dict[str, str]:
    deps = yaml.safe_load(path.read_text())["dependencies"]
    pins = dict(d.split("=", 1) for d in deps if isinstance(d, str))
    pins.pop("python")
    return pins


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, ver = line.split("==", 1)
            pins[name.lower().replace("_", "-")] = ver.strip()
    return pins


def test_every_rule_with_a_script_has_an_env():
    found = rules()
    assert len(found) >= 20, found
    names = {n for n, _, _ in found}
    assert {"mocksky", "targets", "features", "merge_lightcurves", "figure_skymap", "objecttable"} <= names


@pytest.mark.parametrize("env", sorted(p.name for p in (REPO / "envs").glob("*.yaml")))
def test_env_lists_exactly_what_its_rules_import(env):
    path = REPO / "envs" / env
    users = [(n, s) for n, e, s in rules() if e == path]
    assert users, f"envs/{env} is used by no rule"
    need: set[str] = set()
    for _, script in users:
        need |= {CONDA_NAME.get(m, m) for m in third_party(script)}
    need |= set().union(*(RUNTIME_ONLY.get(n, set()) for n, _ in users))
    have = set(env_pins(path))
    assert not need - have, f"envs/{env} misses {sorted(need - have)} (imported by {[n for n, _ in users]})"
    assert not have - need, f"envs/{env} lists {sorted(have - need)} that none of {[n for n, _ in users]} imports"


@pytest.mark.parametrize("env", sorted(p.name for p in (REPO / "envs").glob("*.yaml")))
def test_env_pins_equal_the_lock(env):
    """conda and pip install the same versions (requirements.lock is the pip side)."""
    lock = lock_pins()
    for name, ver in env_pins(REPO / "envs" / env).items():
        pip = PIP_NAME.get(name, name).lower().replace("_", "-")
        assert pip in lock, f"envs/{env}: {name} is not in requirements.lock"
        assert lock[pip] == ver, f"envs/{env}: {name}={ver} but requirements.lock has {lock[pip]}"
