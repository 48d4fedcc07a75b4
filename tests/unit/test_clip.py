"""The vectorised 5σ clip equals astropy's sigma_clip light curve by light curve."""

from __future__ import annotations

import numpy as np
from astropy.stats import sigma_clip

from agnlc.features.clip import sigma_clip_keep


def test_equals_astropy_sigma_clip_per_group():
    rng = np.random.default_rng(8)
    sizes = rng.integers(1, 80, 300)
    group = np.repeat(np.arange(len(sizes)), sizes)
    x = 19 + rng.standard_t(2, len(group)) * rng.uniform(0.01, 0.3, len(sizes))[group]
    x[rng.random(len(x)) < 0.03] += 3.0  # SDSS-like "spurious dimming"
    x[group == 5] = 18.0  # a constant light curve keeps everything
    shuffle = rng.permutation(len(x))  # groups need not be contiguous
    keep = np.empty(len(x), bool)
    keep[shuffle] = sigma_clip_keep(group[shuffle], x[shuffle])
    want = np.concatenate([~sigma_clip(x[group == g], sigma=5, maxiters=5).mask for g in range(len(sizes))])
    assert (keep == want).all()
    assert 0 < (~keep).sum() < 0.05 * len(x)  # the dimmed epochs, not the tails
