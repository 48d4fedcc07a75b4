"""The mock sky: a deterministic simulated universe in the Stripe 82 footprint.

It writes local mirrors of each archive in the archive's own column names, units and file
formats, a truth table, and the samples a user would give. See :func:`generate`.
"""

from agnlc.mocksky.generate import MockSkyConfig, generate

__all__ = ["MockSkyConfig", "generate"]
