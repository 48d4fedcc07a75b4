import pandas as pd

from agnlc.sky.classes import target_class


def test_target_class_takes_the_highest_priority_label():
    labels = pd.Series(
        [
            ["sdss_qso", "mock_literature"],
            ["sdss_variable_star"],
            ["xmmlss_star"],
            ["sdss_qso", "xmmlss_xray_agn"],
            ["lamassa2015_clagn"],
            [],
            ["sdss_galaxy"],
            ["odd"],
        ],
        index=list("abcdefgh"),
    )
    got = target_class(labels)
    assert list(got.index) == list("abcdefgh")
    assert got.tolist() == [
        "literature AGN",
        "variable star",
        "star",
        "X-ray AGN",
        "literature AGN",
        "other",
        "galaxy",
        "other",
    ]
