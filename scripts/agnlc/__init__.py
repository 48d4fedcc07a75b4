"""agnlc: multi-archive light curves and an LSST-style AGN training set.

The library behind the Snakemake workflow. It never imports snakemake: every rule script
reads ``snakemake.input``/``params`` and calls functions from here, so the same code runs in
tests, notebooks and cluster jobs.
"""

__version__ = "0.1.0"
