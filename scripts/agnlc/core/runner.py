"""Glue for the thin rule scripts: logging to the rule's log file, errors logged in full.

The library never imports snakemake; a rule script passes its ``snakemake`` object here.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from typing import Any

__all__ = ["script_main"]


def script_main(func: Callable[[Any], None], smk: Any) -> None:
    """Run ``func(smk)`` with logging to ``smk.log[0]``; log and re-raise any error.

    Limits the BLAS/OpenMP thread pools to the rule's thread count so numerical libraries do
    not oversubscribe the cores the scheduler gave the job. The environment variable alone is
    too late (numpy has loaded OpenBLAS before this runs), so the loaded pools are limited with
    threadpoolctl; the variable is still set for child processes. A one-thread feature job spent
    twice its CPU time in OpenBLAS's spinning second thread without this.
    """
    from threadpoolctl import threadpool_limits

    threads = int(getattr(smk, "threads", 1) or 1)
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(threads))
    limits = threadpool_limits(limits=threads)
    log_path = smk.log[0] if len(smk.log) else None
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        os.makedirs(os.path.dirname(log_path) or ".", exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w"))
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", handlers=handlers, force=True
    )
    log = logging.getLogger(f"agnlc.{smk.rule}")
    t0 = time.monotonic()
    try:
        func(smk)
    except Exception:
        log.exception("rule %s failed", smk.rule)
        raise
    finally:
        limits.restore_original_limits()
    log.info("rule %s done in %.2f s", smk.rule, time.monotonic() - t0)
