import numpy as np
import pytest

from agnlc.sky import photometry as ph


@pytest.mark.parametrize(("band", "m0"), [("u", 24.63), ("g", 25.11), ("r", 24.80), ("i", 24.36), ("z", 22.83)])
def test_sdss_zero_flux_magnitudes(band, m0):
    b = ph.SDSS_SOFTENING[band]
    assert ph.zero_flux_magnitude(b) == pytest.approx(m0, abs=0.005)
    mag, _ = ph.flux_to_asinh_mag(0.0, None, b)
    assert mag == pytest.approx(m0, abs=0.005)


def test_ab_hand_values():
    f, e = ph.ab_mag_to_flux(np.array([0.0, 31.4, 22.5]), np.array([0.1, 0.1, 0.1]))
    assert f[0] == pytest.approx(3.631e12)
    assert f[1] == pytest.approx(1.0, rel=1e-3)  # 31.4 AB ~ 1 nJy
    assert f[2] == pytest.approx(3631.0)  # 22.5 AB = 1 nanomaggy = 3631 nJy
    assert e[2] == pytest.approx(3631.0 * (np.exp(0.1 / ph.A) - 1.0))
    _, e_lin = ph.ab_mag_to_flux(22.5, 0.1, error_form="linear")
    assert e_lin == pytest.approx(3631.0 * 0.1 / ph.A)
    assert e[2] > e_lin  # the asymmetric (upper) error exceeds the linear one


def test_ab_round_trip():
    m = np.linspace(14, 24, 11)
    f, e = ph.ab_mag_to_flux(m, np.full_like(m, 0.05), error_form="linear")
    m2, e2 = ph.flux_to_ab_mag(f, e)
    np.testing.assert_allclose(m2, m, atol=1e-12)
    np.testing.assert_allclose(e2, 0.05, rtol=1e-12)
    assert np.isnan(ph.flux_to_ab_mag(-5.0, 1.0)[0])


def test_asinh_round_trip_including_negative_flux():
    b = ph.SDSS_SOFTENING["g"]
    f = np.array([-500.0, 0.0, 100.0, 3631.0, 1e6])
    ferr = np.array([300.0, 300.0, 300.0, 50.0, 1e3])
    m, merr = ph.flux_to_asinh_mag(f, ferr, b)
    f2, e2 = ph.asinh_mag_to_flux(m, merr, b)
    np.testing.assert_allclose(f2, f, atol=1e-6)
    np.testing.assert_allclose(e2, ferr, rtol=1e-10)


def test_asinh_close_to_pogson_when_bright():
    m_ab = 17.0
    f, _ = ph.ab_mag_to_flux(m_ab)
    m_asinh, _ = ph.flux_to_asinh_mag(f, None, ph.SDSS_SOFTENING["r"])
    assert m_asinh == pytest.approx(m_ab, abs=1e-6)


def test_seed_error_formula_equals_cosh_form():
    # NED/seed: df = |f dm/a / tanh(-m/a - ln b)|
    b, m, dm = ph.SDSS_SOFTENING["i"], 21.3, 0.12
    f, df = ph.asinh_mag_to_flux(m, dm, b)
    y = -m / ph.A - np.log(b)
    assert df == pytest.approx(abs(f * dm / ph.A / np.tanh(y)), rel=1e-12)


def test_sdss_to_ab_offset_direction():
    # u_AB = u_SDSS - 0.04: the same SDSS magnitude is 0.04 mag brighter in AB -> more flux
    f_sdss, _ = ph.asinh_mag_to_flux(18.0, None, ph.SDSS_SOFTENING["u"])
    f_ab, _ = ph.sdss_asinh_to_ab_flux(18.0, None, "u")
    assert f_ab / f_sdss == pytest.approx(10 ** (0.4 * 0.04))
    f_ab_z, _ = ph.sdss_asinh_to_ab_flux(18.0, None, "z")
    f_sdss_z, _ = ph.asinh_mag_to_flux(18.0, None, ph.SDSS_SOFTENING["z"])
    assert f_ab_z / f_sdss_z == pytest.approx(10 ** (-0.4 * 0.02))
    m, _ = ph.ab_flux_to_sdss_asinh(f_ab, None, "u")
    assert m == pytest.approx(18.0, abs=1e-10)


def test_colour_and_error_hand_derived():
    c, e = ph.colour(1000.0, 10.0, 500.0, 10.0)
    assert c == pytest.approx(-2.5 * np.log10(2.0))
    assert e == pytest.approx(ph.A * np.sqrt(0.01**2 + 0.02**2))
    c_bad, e_bad = ph.colour(-1.0, 1.0, 5.0, 1.0)
    assert np.isnan(c_bad) and np.isnan(e_bad)


def test_clean_sentinels():
    v = ph.clean_sentinels([1.0, -999.0, 100.0, np.inf, -950.0, 20.0])
    assert np.isnan(v[1:5]).all() and v[0] == 1.0 and v[5] == 20.0
