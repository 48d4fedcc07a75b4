"""The library's shape: stage packages without import cycles, one registry of names, and a
workflow parse that imports only light modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from agnlc.archives import EVENT_SOURCES, LIGHTCURVE_ARCHIVES, ROW_ARCHIVES
from agnlc.core.codedeps import LIBRARY_ROOT, imported_names, module_file

REPO = Path(__file__).resolve().parents[2]
PACKAGE = LIBRARY_ROOT / "agnlc"
STAGES = ("core", "sky", "samples", "archives", "merge", "features", "objecttables", "plotting", "mocksky")


def _module_name(path: Path) -> str:
    rel = path.relative_to(LIBRARY_ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _graph() -> dict[str, set[str]]:
    """Module -> the agnlc modules it imports (anywhere in the file)."""
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        deps = set()
        for name in imported_names(path):
            if name.split(".")[0] != "agnlc":
                continue
            parts = name.split(".")
            for k in range(len(parts), 0, -1):  # the longest prefix that is a module
                f = module_file(".".join(parts[:k]))
                if f is not None:
                    deps.add(_module_name(f))
                    break
        me = _module_name(path)
        # a submodule naming its own package (``from agnlc.mocksky import sdss``) is not an edge back
        graph[me] = {d for d in deps if d != me and not me.startswith(d + ".")}
    return graph


def test_every_module_belongs_to_a_stage_package():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert not loose, f"modules outside the stage packages: {loose}"
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(STAGES)


def test_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if dep in ("agnlc",):  # the package root only carries __version__
                continue
            if state.get(dep) == 1:
                cycles.append([*stack[stack.index(dep) :], dep] if dep in stack else [node, dep])
            elif state.get(dep) is None:
                visit(dep, [*stack, dep])
        state[node] = 2

    for n in sorted(graph):
        if state.get(n) is None:
            visit(n, [n])
    assert not cycles, cycles


def test_core_and_sky_depend_on_no_stage():
    graph = _graph()
    for mod, deps in graph.items():
        if mod.startswith(("agnlc.core", "agnlc.sky")):
            later = {d for d in deps if d.split(".")[1] not in ("core", "sky") and d != "agnlc"}
            assert not later, f"{mod} imports a stage: {sorted(later)}"


def test_one_registry_of_archive_and_catalogue_names():
    from agnlc.objecttables.catalogs import CATALOGS
    from agnlc.objecttables.names import CATALOG_NAMES
    from agnlc.plotting.style import ARCHIVE_MARKERS

    schema = yaml.safe_load((REPO / "workflow/schemas/config.schema.yaml").read_text())["properties"]
    assert tuple(schema["archives"]["properties"]) == LIGHTCURVE_ARCHIVES
    assert tuple(schema["events"]["properties"]) == EVENT_SOURCES
    assert tuple(CATALOGS) == CATALOG_NAMES
    assert tuple(schema["objecttable"]["properties"]["catalogs"]["properties"]) == CATALOG_NAMES
    assert set(ARCHIVE_MARKERS) == set(ROW_ARCHIVES)
    for name in (*LIGHTCURVE_ARCHIVES, *EVENT_SOURCES):
        assert (PACKAGE / "archives" / f"{name}.py").is_file(), name


def test_what_the_workflow_imports_while_parsed_is_light():
    code = (
        "import sys, time; t = time.perf_counter()\n"
        "import agnlc.archives, agnlc.core.codedeps, agnlc.core.config, agnlc.objecttables.names, "
        "agnlc.samples.sizes\n"
        # called while the workflow is parsed (common.smk): retry records, the integrity scan
        "import agnlc.core.retry, agnlc.core.integrity\n"
        "heavy = [m for m in ('pandas', 'numpy', 'pyarrow', 'astropy', 'lsdb', 'pyvo', 'lightkurve', 'alerce')"
        " if m in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]", out


def test_every_rule_runs_in_a_slurm_group_job():
    """The SLURM profile puts every rule in a group (one cluster job per shard, three for the rest:
    tests/workflow/test_slurm.py); a new rule left out would be submitted on its own."""
    import re

    rules = set()
    for path in [*(REPO / "workflow" / "rules").glob("*.smk"), REPO / "Snakefile"]:
        rules |= set(re.findall(r"^rule (\w+):", path.read_text(), re.M))
    profile = yaml.safe_load((REPO / "profiles" / "slurm" / "config.yaml").read_text())
    grouped = {g.split("=")[0] for g in profile["groups"]}
    assert rules - {"all"} <= grouped, sorted(rules - {"all"} - grouped)
