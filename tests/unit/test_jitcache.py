"""hats' JIT kernels are compiled once and then loaded from numba's on-disk cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ALIGN = """
import json
from agnlc.core.jitcache import cache_kernels
import hats.pixel_tree.pixel_alignment as pa
from hats.pixel_math.healpix_pixel import HealpixPixel
from hats.pixel_tree.pixel_tree import PixelTree
names = cache_kernels()
left = PixelTree.from_healpix([HealpixPixel(1, 4), HealpixPixel(2, 20)])
right = PixelTree.from_healpix([HealpixPixel(1, 4), HealpixPixel(0, 2)])
aligned = pa.align_trees(left, right, alignment_type="inner")
stats = [pa.perform_align_trees.stats, pa.perform_inner_align_trees.stats]
print(json.dumps({"names": names, "pixels": len(aligned.pixel_mapping),
                  "hits": sum(sum(s.cache_hits.values()) for s in stats),
                  "misses": sum(sum(s.cache_misses.values()) for s in stats)}))
"""


def _align(cache_dir: Path) -> dict:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache_dir)}
    res = subprocess.run([sys.executable, "-c", ALIGN], capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_the_second_process_loads_the_compiled_kernels_instead_of_compiling(tmp_path):
    first, second = _align(tmp_path), _align(tmp_path)
    assert "hats.pixel_tree.pixel_alignment.perform_align_trees" in first["names"]
    assert first["pixels"] == second["pixels"] == 1  # the shared pixel, the same alignment
    assert first["misses"] >= 1 and first["hits"] == 0  # compiled and written to the cache
    assert second["hits"] >= 1 and second["misses"] == 0  # read back, nothing compiled
    assert any(tmp_path.rglob("*.nbi"))  # numba's cache index, under NUMBA_CACHE_DIR


def test_kernels_are_switched_on_once_per_process():
    from agnlc.core.jitcache import cache_kernels

    assert cache_kernels() == cache_kernels()
