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


def test_median_filter_clip_is_a_clip_of_the_residuals_from_scipys_running_median():
    """The CARMA(2,1) input filter: residuals from scipy.ndimage's 3-point median (mode nearest)
    of each light curve, clipped as astropy clips; single outliers go, a real step stays."""
    from scipy.ndimage import median_filter

    from agnlc.features.clip import median_filter_keep

    rng = np.random.default_rng(3)
    sizes = rng.integers(2, 90, 200)
    group = np.repeat(np.arange(len(sizes)), sizes)
    x = 1000 + rng.normal(0, 10, len(group))
    x[rng.random(len(x)) < 0.02] += 400.0
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    x[starts[7] : starts[7] + 20] += 300.0  # a step: its residuals are small
    expect = np.empty(len(x), bool)
    for a, n in zip(starts, sizes, strict=True):
        res = x[a : a + n] - median_filter(x[a : a + n], size=3, mode="nearest")
        expect[a : a + n] = ~sigma_clip(res, sigma=5, maxiters=5).mask
    keep = median_filter_keep(group, x)
    assert np.array_equal(keep, expect)
    assert (~keep).sum() > 20 and keep[starts[7] : starts[7] + 20].all()
