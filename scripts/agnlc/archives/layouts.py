"""Layouts of the archives' files and replies that both the adapters (which read them) and the
mock sky (which writes its mirrors in them) need: kept here, apart from the adapter package, so
that writing a mirror does not import the archive clients.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["CRTS_COLUMNS", "WISE_DATASET", "crts_csv_text", "wise_partition_path"]

#: IRSA's unWISE time-domain dataset folder (under s3://nasa-irsa-wise/unwise/neo7/catalogs/time_domain/healpix_k5)
WISE_DATASET = "unwise-neo7-time_domain-healpix_k5.parquet"
#: the CRTS result CSV header
CRTS_COLUMNS = ["MasterID", "Mag", "Magerr", "RA", "Dec", "MJD", "Blend"]


def wise_partition_path(k5: int) -> str:
    """The hive partition folder of an order-5 pixel, relative to the dataset root."""
    return f"healpix_k0={int(k5) // 1024}/healpix_k5={int(k5)}"


def crts_csv_text(rows: pd.DataFrame) -> str:
    """The CRTS result CSV text: header, then rows with a space after the RA and Dec commas."""
    r = rows[CRTS_COLUMNS]
    body = (
        r["MasterID"].astype("int64").astype(str)
        + ","
        + r["Mag"].map("{:.2f}".format)
        + ","
        + r["Magerr"].map("{:.2f}".format)
        + ", "
        + r["RA"].map("{:.6f}".format)
        + ", "
        + r["Dec"].map("{:.6f}".format)
        + ","
        + r["MJD"].map("{:.5f}".format)
        + ","
        + r["Blend"].astype("int64").astype(str)
    )
    return "\n".join([",".join(CRTS_COLUMNS), *body.tolist()]) + "\n"
