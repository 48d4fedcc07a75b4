"""One archive from the command line: the rule's adapter code on a target list, or the parse step
alone on replies and products already downloaded.

``python -m agnlc fetch ARCHIVE --targets FILE [--transport live|mirror] [--mirror DIR] [--out OUT.parquet]``
    :func:`agnlc.archives.base.run_adapter` with the archive's configured settings (defaults of
    ``workflow/schemas/config.schema.yaml``, the transport and mirror overridden); the targets file
    is read like a sample file (CSV, ECSV, Parquet, FITS with ra/dec). Prints the status record.
``python -m agnlc parse ARCHIVE FILE... [--targets FILE] [--out OUT.parquet]``
    files in the formats the service or its official client delivers, into canonical rows: a
    TESS/Kepler light-curve FITS, ALeRCE API JSON or the explorer's CSV, a CRTS result CSV, a
    Stripe 82 SkyServer CSV reply, HCV ``hcvsummary``/``hcv`` CSV replies, an unWISE partition
    (Parquet) or an unTimely IPAC table, a ZTF / Pan-STARRS detection / Gaia epoch-photometry HATS
    partition (Parquet), IceCube event tables. With ``--targets`` the rows are matched to the targets
    by position (the archive's radius); without, every row keeps ``objectid`` 0 and its ``source_id``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agnlc.archives import get
from agnlc.archives.base import ArchiveError, ArchiveSettings, run_adapter

__all__ = ["fetch_command", "parse_command", "read_files", "settings_for"]


def settings_for(name: str, transport: str | None = None, mirror: str | None = None) -> ArchiveSettings:
    """The archive's settings from the config defaults, with transport/mirror overridden."""
    from agnlc.core.config import validate_config

    cfg = validate_config({})
    section = cfg["archives"].get(name) or cfg["events"].get(name)
    if section is None:
        raise KeyError(f"unknown archive {name!r}")
    section = dict(section)
    if transport:
        section["transport"] = transport
    if mirror:
        section["mirror"] = mirror
    return ArchiveSettings.from_config(name, section)


def _targets(path: str | None) -> pd.DataFrame | None:
    if path is None:
        return None
    from agnlc.samples.targets import build_targets, read_sample

    t = build_targets([read_sample(path)], dedup_radius_arcsec=1.0)
    return t[["objectid", "ra", "dec"]]


def _positions(ra: Any, dec: Any) -> pd.DataFrame:
    """One objectid-0 target per distinct position (parse without --targets)."""
    pos = pd.DataFrame({"ra": np.asarray(ra, float), "dec": np.asarray(dec, float)}).dropna().drop_duplicates()
    return pos.assign(objectid=0)[["objectid", "ra", "dec"]].reset_index(drop=True)


def _matched(frame: pd.DataFrame, ra: str, dec: str, targets: pd.DataFrame | None, radius: float) -> pd.DataFrame:
    """HATS partition rows with the target's ``objectid`` and ``_dist_arcsec`` (all 0 without targets)."""
    from agnlc.sky.crossmatch import match_nearest

    if targets is None:
        return frame.assign(objectid=0, _dist_arcsec=0.0)
    ti, si, sep = match_nearest(targets["ra"], targets["dec"], frame[ra], frame[dec], radius)
    out = frame.iloc[si].reset_index(drop=True)
    return out.assign(objectid=targets["objectid"].to_numpy()[ti], _dist_arcsec=sep)


def read_files(name: str, files: list[Path], targets: pd.DataFrame | None, radius: float):
    """The files as the reply the archive's ``parse`` takes, and the targets to parse it against."""
    if name == "tess_kepler":
        from astropy.io import fits

        rows = []
        for f in files:
            with fits.open(f) as h:
                hdr = h[0].header
                rows.append(
                    {
                        "target_name": str(hdr.get("OBJECT", f.stem)),
                        "mission": str(hdr.get("TELESCOP", "")),
                        "author": "SPOC" if str(hdr.get("TELESCOP", "")).upper() == "TESS" else "Kepler",
                        "exptime": np.nan,
                        "s_ra": float(hdr.get("RA_OBJ", np.nan)),
                        "s_dec": float(hdr.get("DEC_OBJ", np.nan)),
                        "productFilename": f.name,
                        "path": str(f),
                    }
                )
        reply = pd.DataFrame(rows)
        return reply, targets if targets is not None else _positions(reply["s_ra"], reply["s_dec"])
    if name == "alerce":
        from agnlc.archives.alerce import read_file

        parts = [read_file(f) for f in files]
        reply = {k: pd.concat([p[k] for p in parts], ignore_index=True) for k in ("detections", "non_detections")}
        if targets is None:
            return reply, pd.DataFrame({"objectid": [0], "ra": [np.nan], "dec": [np.nan]})
        return reply, targets
    if name == "crts":
        from agnlc.archives.crts import read_csv

        reply = pd.concat([read_csv(f.read_text(), where=str(f)) for f in files], ignore_index=True)
        if targets is None:
            pos = reply.groupby("MasterID")[["RA", "Dec"]].mean()
            return reply, _positions(pos["RA"], pos["Dec"])
        return reply, targets
    if name == "sdss_s82":
        from agnlc.archives.sdss_s82 import read_reply

        reply = pd.concat([read_reply(f.read_text()) for f in files], ignore_index=True)
        return reply, targets if targets is not None else _positions(reply["ra"], reply["dec"])
    if name == "hcv":
        from agnlc.archives.hcv import LC_COLUMNS, SUMMARY_COLUMNS, read_reply

        summ, lcs = [], []
        for f in files:
            text = f.read_text()
            head = text.split("\n", 1)[0]
            if "RA" in head.split(","):
                summ.append(read_reply(text, SUMMARY_COLUMNS, str(f)))
            else:
                lcs.append(read_reply(text, [*LC_COLUMNS, "MatchID", "Filter"], str(f)))
        if not summ or not lcs:
            raise ArchiveError("hcv: parse needs an hcvsummary CSV (positions) and the hcv light-curve CSV(s)")
        reply = {"hcvsummary": pd.concat(summ, ignore_index=True), "hcv": pd.concat(lcs, ignore_index=True)}
        s = reply["hcvsummary"].drop_duplicates("MatchID")
        return reply, targets if targets is not None else _positions(s["RA"], s["Dec"])
    if name == "wise":
        frames = []
        for f in files:
            if f.suffix in (".tbl", ".dat", ".txt"):
                from astropy.io import ascii as astro_ascii

                df = astro_ascii.read(f, format="ipac").to_pandas()
                df = df.rename(columns={c: c.upper() for c in ("epoch", "forward", "mjdmin", "mjdmax", "mjdmean")})
            else:
                df = pd.read_parquet(f)
            frames.append(df)
        reply = pd.concat(frames, ignore_index=True)
        return reply, targets if targets is not None else _positions(reply["ra"], reply["dec"])
    if name in ("ztf", "ps1", "gaia"):
        import nested_pandas as npd

        frames = [npd.read_parquet(f) for f in files]
        reply = pd.concat(frames) if len(frames) > 1 else frames[0]
        reply = reply.reset_index(drop=True)
        if name == "ztf":
            reply = _matched(reply.rename(columns={"objectid": "objectid_archive"}), "objra", "objdec", targets, radius)
        elif name == "gaia":
            reply = _matched(reply, "ra", "dec", targets, radius)
        else:  # PS1 detection rows: matched by each detection's position
            reply = _matched(reply, "ra", "dec", targets, radius)
        return reply, targets if targets is not None else pd.DataFrame({"objectid": [0], "ra": [0.0], "dec": [0.0]})
    if name == "icecube":
        from agnlc.archives.icecube import read_event_file

        if targets is None:
            raise ArchiveError("icecube: events are associated with targets: parse needs --targets")
        return pd.concat([read_event_file(f) for f in files], ignore_index=True), targets
    raise ArchiveError(f"{name}: parse of downloaded files is not supported")


def fetch_command(name: str, targets_path: str, transport: str | None, mirror: str | None, out: str | None) -> int:
    """``python -m agnlc fetch``: run one archive's adapter on a target list."""
    settings = settings_for(name, transport, mirror)
    targets = _targets(targets_path)
    adapter = get(name)
    lc, status = run_adapter(adapter, targets, settings)
    status.pop("tracebacks", None)
    print(json.dumps(status, indent=1, default=str))
    if out:
        _write(lc, out, name, settings, status, adapter)
    else:
        with pd.option_context("display.max_rows", 40, "display.width", 200):
            print(lc.head(40).to_string(index=False))
    return 0 if status["status"] in ("ok", "empty") else 1


def parse_command(name: str, files: list[str], targets_path: str | None, out: str | None) -> int:
    """``python -m agnlc parse``: canonical rows from files already downloaded."""
    from agnlc.archives.base import _NOTES
    from agnlc.archives.contract import LIGHTCURVE
    from agnlc.core.tables import validate

    settings = settings_for(name)
    adapter = get(name)
    targets = _targets(targets_path)
    notes: list[str] = []
    token = _NOTES.set(notes)
    try:
        reply, against = read_files(name, [Path(f) for f in files], targets, settings.radius_arcsec)
        lc = adapter.parse(reply, against, settings)
    except (ArchiveError, OSError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        _NOTES.reset(token)
    schema = getattr(adapter, "schema", LIGHTCURVE)
    lc = validate(lc, schema, where=f"{name} parse")
    for n in notes:
        print(f"note: {n}", file=sys.stderr)
    status = {"archive": name, "status": "ok" if len(lc) else "empty", "rows": len(lc), "files": files}
    if out:
        _write(lc, out, name, settings, status, adapter)
        print(f"{len(lc)} rows -> {out}")
    else:
        with pd.option_context("display.max_rows", 40, "display.width", 200):
            print(lc.head(40).to_string(index=False))
        print(f"({len(lc)} rows)")
    return 0


def _write(lc: pd.DataFrame, out: str, name: str, settings: ArchiveSettings, status: dict, adapter) -> None:
    from agnlc.archives.contract import LIGHTCURVE
    from agnlc.core import provenance
    from agnlc.core.io import write_table

    prov = provenance.build(
        f"cli_{name}",
        {k: v for k, v in settings.__dict__.items() if k != "options"} | {"options": settings.options},
        archive=name,
        archives={name: {k: status.get(k) for k in ("release", "transport", "query_time", "status")}},
    )
    write_table(lc, out, getattr(adapter, "schema", LIGHTCURVE), prov)
