import numpy as np

from agnlc.sky.footprint import in_s82, in_xmmlss, wrap_ra


def test_box_edges_open_and_closed():
    # RA edges: (-60,-43], (-43,0], (0,45], (45,60)
    assert not in_s82(-60.0 % 360, 0.0)[()]
    assert in_s82(-43.0 % 360, 0.0)[()]  # closed upper end of the first box
    assert in_s82(0.0, 1.9)[()]  # RA 0 belongs to (-43, 0], dec within (-2, 2)
    assert not in_s82(0.0, 2.0)[()]
    assert in_s82(45.0, -6.9)[()]  # (0, 45] with dec (-7, 5)
    assert not in_s82(45.0001, -6.9)[()]  # (45, 60) has dec (-1.25, 1.25)
    assert not in_s82(60.0, 0.0)[()]
    assert in_s82(59.999, 1.24)[()]


def test_xmmlss_closed_box_and_wrap():
    assert in_xmmlss(34.2, -5.72)[()] and in_xmmlss(37.125, -3.87)[()]
    assert not in_xmmlss(34.19, -5.0)[()]
    np.testing.assert_allclose(wrap_ra([359.0, 1.0, 180.0]), [-1.0, 1.0, 180.0])
