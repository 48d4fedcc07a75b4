"""Display classes of targets from their sample labels (one class per target, for figures and
the per-class light-curve selection)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["TARGET_CLASSES", "target_class"]

#: Display classes of targets from their labels, in priority order: (class, label suffixes).
#: A literature AGN is any label of a literature table (``<paper>_clagn``) or the mock's.
TARGET_CLASSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("literature AGN", ("_clagn", "mock_literature")),
    ("X-ray AGN", ("_xray_agn",)),
    ("QSO", ("_qso",)),
    ("variable star", ("_variable_star",)),
    ("star", ("_star",)),
    ("galaxy", ("_galaxy",)),
)


def target_class(labels: pd.Series) -> pd.Series:
    """One display class per target from its label list (the first class of
    :data:`TARGET_CLASSES` any label matches, else ``"other"``).

    Parameters
    ----------
    labels
        The targets' ``labels`` column (lists of strings).

    Returns
    -------
    pandas.Series
        Class names, index as ``labels``.
    """
    flat = labels.explode().dropna().astype(str)
    rank = pd.Series(len(TARGET_CLASSES), index=flat.index, dtype=np.int64)
    for k, (_, suffixes) in reversed(list(enumerate(TARGET_CLASSES))):
        rank[flat.str.endswith(suffixes).to_numpy()] = k
    best = rank.groupby(level=0).min().reindex(labels.index, fill_value=len(TARGET_CLASSES))
    names = np.array([c for c, _ in TARGET_CLASSES] + ["other"], dtype=object)
    return pd.Series(names[best.to_numpy()], index=labels.index, dtype=object)
