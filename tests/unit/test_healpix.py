import numpy as np

from agnlc.sky.healpix import parent, pixels_in_cone, radec_to_index


def test_matches_hats_spatial_index():
    from hats.pixel_math.spatial_index import compute_spatial_index

    rng = np.random.default_rng(0)
    ra, dec = rng.uniform(0, 360, 500), rng.uniform(-90, 90, 500)
    np.testing.assert_array_equal(radec_to_index(ra, dec), compute_spatial_index(ra, dec))


def test_parent_is_lower_order_pixel():
    rng = np.random.default_rng(1)
    ra, dec = rng.uniform(0, 360, 300), rng.uniform(-60, 60, 300)
    np.testing.assert_array_equal(parent(radec_to_index(ra, dec), 5), radec_to_index(ra, dec, 5))


def test_cone_pixels_cover_neighbours_near_edges():
    # points exactly on a pixel corner region: shifted positions must be covered
    rng = np.random.default_rng(2)
    ra, dec = rng.uniform(0, 60, 2000), rng.uniform(-2, 2, 2000)
    r = 2.0 / 3600
    pix = set(pixels_in_cone(ra, dec, r, 3))
    ang = rng.uniform(0, 2 * np.pi, 2000)
    ra2 = ra + r * np.cos(ang) / np.cos(np.radians(dec))
    dec2 = dec + r * np.sin(ang)
    assert set(radec_to_index(ra2, dec2, 3)) <= pix
