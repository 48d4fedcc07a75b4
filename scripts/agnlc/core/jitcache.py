"""lsdb with hats' JIT kernels cached on disk, so a job does not compile them again.

hats compiles its pixel-tree kernels (``align_trees`` and the MOC filter) with numba's ``@njit``
without ``cache=True``. Every process that cross-matches or writes a HATS catalogue then spends
several seconds compiling the same code (9 s of a 10-s mirror job on the reference machine).
:func:`load_lsdb` switches on numba's own on-disk cache for those kernels before their first
call: numba keys each entry on the kernel's source file and the CPU, and falls back to a
user-wide cache folder (or ``NUMBA_CACHE_DIR``) when the package folder is read-only.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: the hats modules whose ``@njit`` kernels run in every cross-match and catalogue write
KERNEL_MODULES = ("hats.pixel_tree.pixel_alignment", "hats.pixel_tree.moc_filter")

_cached: list[str] = []


def cache_kernels(modules: tuple[str, ...] = KERNEL_MODULES) -> list[str]:
    """Switch on numba's on-disk cache for every JIT kernel of ``modules`` (once per process).

    Returns
    -------
    list of str
        The qualified names of the kernels cached, in this and any earlier call.
    """
    from numba.core.caching import NullCache
    from numba.core.dispatcher import Dispatcher

    for name in modules:
        module = importlib.import_module(name)
        for attr, obj in vars(module).items():
            if isinstance(obj, Dispatcher) and isinstance(obj._cache, NullCache):
                obj.enable_caching()
                _cached.append(f"{name}.{attr}")
    return list(_cached)


def load_lsdb() -> ModuleType:
    """``import lsdb``, with hats' kernels cached on disk (see the module docstring)."""
    cache_kernels()
    import lsdb

    return lsdb
