import numpy as np

from agnlc.sky.crossmatch import match_nearest, match_sources

AS = 1 / 3600


def test_match_sources_assigns_each_source_to_nearest_target():
    t_ra, t_dec = np.array([10.0, 10.0 + 1.5 * AS]), np.array([0.0, 0.0])
    s_ra = np.array([10.0 + 0.2 * AS, 10.0 + 1.0 * AS, 10.0 + 1.4 * AS, 10.0 + 5 * AS])
    s_dec = np.zeros(4)
    ti, si, sep = match_sources(t_ra, t_dec, s_ra, s_dec, 1.0)
    assert list(zip(ti, si, strict=True)) == [(0, 0), (1, 1), (1, 2)]
    np.testing.assert_allclose(sep, [0.2, 0.5, 0.1], atol=1e-6)


def test_match_nearest_one_per_target():
    t_ra, t_dec = np.array([10.0, 20.0]), np.array([0.0, 0.0])
    s_ra = np.array([10.0 + 0.5 * AS, 10.0 + 0.1 * AS, 30.0])
    ti, si, sep = match_nearest(t_ra, t_dec, s_ra, np.zeros(3), 1.0)
    assert list(ti) == [0] and list(si) == [1]
    assert sep[0] < 0.11


def test_empty_inputs():
    ti, si, sep = match_sources([], [], [1.0], [0.0], 1.0)
    assert len(ti) == len(si) == len(sep) == 0
