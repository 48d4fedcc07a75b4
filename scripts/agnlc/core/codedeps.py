"""The library modules a rule script runs: its import closure inside ``agnlc``.

The workflow gives every rule these files as inputs (``code=``), so editing any module reruns
exactly the rules that import it, directly or through other modules; ``tests/unit/test_envs.py``
walks the same closure to check each rule's conda environment. Imports anywhere in a file count
(also those inside functions), and so do the ``__init__`` modules of the packages on the way.
Modules a file loads by name at run time (the archive adapters, :func:`agnlc.archives.get`) are
passed as ``extra``.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

__all__ = ["LIBRARY_ROOT", "import_closure", "imported_names", "module_file"]

#: the folder that holds the ``agnlc`` package
LIBRARY_ROOT = Path(__file__).resolve().parents[2]


@cache
def module_file(name: str, root: Path = LIBRARY_ROOT) -> Path | None:
    """The source file of an ``agnlc`` module (the package ``__init__`` for packages), or None."""
    rel = Path(*name.split("."))
    for cand in (root / rel.with_suffix(".py"), root / rel / "__init__.py"):
        if cand.exists():
            return cand
    return None


@cache
def imported_names(path: Path) -> frozenset[str]:
    """Fully qualified names imported anywhere in a file (``from a import b`` gives ``a`` and ``a.b``)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    out: set[str] = set()
    # imports are statements: walk the statement lists only (bodies of functions, classes, if,
    # try, with, loops, match cases), never into expressions (a tenth of the nodes)
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.module and node.level == 0:
                out.add(node.module)
                out |= {f"{node.module}.{a.name}" for a in node.names}
        else:
            for field in _STATEMENT_FIELDS:
                todo += getattr(node, field, ())
    return frozenset(out)


#: the fields of a node that hold statements (or handlers and match cases, which hold them)
_STATEMENT_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def import_closure(script: str | Path, extra: tuple[str, ...] = (), root: Path = LIBRARY_ROOT) -> list[Path]:
    """Every ``agnlc`` source file ``script`` imports, directly or through other ``agnlc`` modules.

    Parameters
    ----------
    script
        A rule script (or any Python file).
    extra
        Module names loaded by name at run time (e.g. ``agnlc.archives.ztf``).
    root
        The folder that holds the ``agnlc`` package.

    Returns
    -------
    list of Path
        Sorted library files (the script itself is not included).
    """
    todo: list[Path] = [Path(script).resolve()]
    for name in extra:
        todo += [f for f in _files_on_the_way(name, root)]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in imported_names(path):
            if name.split(".")[0] == "agnlc":
                todo += _files_on_the_way(name, root)
    seen.discard(Path(script).resolve())
    return sorted(seen)


def _files_on_the_way(name: str, root: Path) -> list[Path]:
    """The module ``name`` and the package ``__init__`` files Python imports before it."""
    parts = name.split(".")
    files = [module_file(".".join(parts[:k]), root) for k in range(1, len(parts) + 1)]
    return [f for f in files if f is not None]
