"""Command line.

``python -m agnlc lc OBJECTID [--store PATH] [--archive A ...] [--band B ...] [--plot OUT.png]``
    print (or plot) one merged light curve from the zarr store or the merged Parquet.
``python -m agnlc schema objecttable``
    the Object-table contract as YAML (``workflow/schemas/objecttable.schema.yaml``).
``python -m agnlc literature refresh NAME [--out DIR]`` / ``python -m agnlc literature list``
    the shipped literature samples.
``python -m agnlc fetch ARCHIVE --targets FILE [--transport live|mirror] [--mirror DIR] [--out OUT.parquet]``
    one archive's adapter on a target list (the rule's code).
``python -m agnlc parse ARCHIVE FILE... [--targets FILE] [--out OUT.parquet]``
    replies or products already downloaded into canonical rows (see :mod:`agnlc.archives.cli`).
``python -m agnlc config check FILE...``
    read config files strictly and validate them (with the defaults) as the workflow does; a
    YAML syntax error or a duplicate key names the file and line (Snakemake's own message for a
    ``--configfile`` it cannot parse does not).
``python -m agnlc repair [RESULTS]``
    find damaged outputs (truncated Parquet, missing zarr chunks) and move them aside, so the
    next run rebuilds them and everything after them (:mod:`agnlc.core.integrity`).

(``make setup`` installs ``agnlc`` editable into ``.venv``; the console script ``agnlc`` is the same.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m agnlc")
    sub = ap.add_subparsers(dest="command", required=True)
    lit = sub.add_parser("literature", help="shipped literature samples")
    lit_sub = lit.add_subparsers(dest="action", required=True)
    ref = lit_sub.add_parser("refresh", help="rebuild a literature table from its publishing service")
    ref.add_argument("name")
    ref.add_argument("--out", type=Path, default=None)
    lit_sub.add_parser("list", help="known papers")
    lc = sub.add_parser("lc", help="print or plot one object's merged light curve")
    lc.add_argument("objectid", type=int)
    lc.add_argument("--store", default="results/lightcurves.zarr", help="zarr store or merged Parquet folder/file")
    lc.add_argument("--archive", nargs="+", default=None, help="only these archives")
    lc.add_argument("--band", nargs="+", default=None, help="only these bands (registry names, e.g. sdss_g)")
    lc.add_argument("--mjd-min", type=float, default=None)
    lc.add_argument("--mjd-max", type=float, default=None)
    lc.add_argument("--plot", type=Path, default=None, help="write a PNG instead of printing")
    sch = sub.add_parser("schema", help="print a table contract as YAML")
    sch.add_argument("table", choices=["objecttable"])
    fe = sub.add_parser("fetch", help="one archive's adapter on a target list")
    fe.add_argument("archive")
    fe.add_argument("--targets", required=True, help="CSV, ECSV, Parquet or FITS with ra/dec")
    fe.add_argument("--transport", choices=["live", "mirror"], default=None)
    fe.add_argument("--mirror", default=None, help="mirror folder (transport mirror)")
    fe.add_argument("--out", default=None, help="write the canonical rows to this Parquet file")
    pa_ = sub.add_parser("parse", help="downloaded replies or products into canonical rows")
    pa_.add_argument("archive")
    pa_.add_argument("files", nargs="+")
    pa_.add_argument("--targets", default=None, help="match rows to these targets (else objectid 0)")
    pa_.add_argument("--out", default=None, help="write the canonical rows to this Parquet file")
    cf = sub.add_parser("config", help="check config files as the workflow reads them")
    cf_sub = cf.add_subparsers(dest="action", required=True)
    cfc = cf_sub.add_parser("check", help="strict YAML and schema validation of config files")
    cfc.add_argument("files", nargs="+", type=Path)
    rep = sub.add_parser("repair", help="move damaged outputs aside so the next run rebuilds them")
    rep.add_argument("results", nargs="?", default="results")
    args = ap.parse_args(argv)
    if args.command == "config":
        return _config_check(args.files)
    if args.command == "repair":
        from agnlc.core.integrity import pending_rebuilds, quarantine, scan

        damage = scan(args.results)
        for d in damage:
            print(f"agnlc: damaged output {d.path}: {d.reason}; moved aside, rebuilt by the next run")
        quarantine(damage)
        pending = pending_rebuilds(args.results)
        print(f"{len(damage)} damaged output(s) moved aside; {len(pending)} to be rebuilt by the next run")
        return 0
    if args.command in ("fetch", "parse"):
        from agnlc.archives import cli

        try:
            if args.command == "fetch":
                return cli.fetch_command(args.archive, args.targets, args.transport, args.mirror, args.out)
            return cli.parse_command(args.archive, args.files, args.targets, args.out)
        except KeyError as exc:
            print(f"error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
            return 2
    if args.command == "lc":
        return _lc(args)
    if args.command == "schema":
        import yaml

        from agnlc.objecttables.contract import schema_document

        print(yaml.safe_dump(schema_document(), sort_keys=False, allow_unicode=True, width=120), end="")
        return 0
    from agnlc.samples import literature

    if args.action == "list":
        print(f"{'table':15s} {'bibcode':19s} {'shipped':>7s}  {'in paper':28s} caveat")
        for r in literature.shipped():
            flagged = ", ".join(f"{r[k]} {k.replace('_', ' ')}" for k in ("position_approx", "inferred",
                                "membership_unverified") if r[k])  # fmt: skip
            caveat = "; ".join(x for x in (r["caveat"], f"flagged rows: {flagged}" if flagged else "") if x)
            print(f"{r['name']:15s} {r['bibcode']:19s} {r['shipped']:7d}  {r['rows_in_paper']:28s} {caveat}")
        return 0
    table = literature.refresh(args.name)
    path = literature.write(table, args.name, args.out or literature.LITERATURE_DIR)
    print(f"{len(table)} objects -> {path}")
    return 0


def _lc(args: argparse.Namespace) -> int:
    import pandas as pd

    from agnlc.merge.store import StoreError, open_lightcurves

    try:
        store = open_lightcurves(args.store)
        lc = store.get(args.objectid, archive=args.archive, band=args.band, mjd_min=args.mjd_min, mjd_max=args.mjd_max)
    except (KeyError, StoreError) as exc:
        print(f"error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    if args.plot is not None:
        from agnlc.plotting.lightcurve import plot_lightcurve

        plot_lightcurve(lc, args.objectid, args.plot)
        print(f"{len(lc)} rows -> {args.plot}")
        return 0
    with pd.option_context("display.max_rows", None, "display.width", 200):
        print(lc.to_string(index=False))
    return 0


def _config_check(files: list[Path]) -> int:
    """Each file strictly, then the files merged in order (later keys override) against the schema."""
    from agnlc.core.config import ConfigError, load_yaml, validate_config

    merged: dict = {}

    def update(a: dict, b: dict) -> None:
        for k, v in b.items():
            if isinstance(v, dict) and isinstance(a.get(k), dict):
                update(a[k], v)
            else:
                a[k] = v

    try:
        for f in files:
            data = load_yaml(f)
            if data is not None and not isinstance(data, dict):
                raise ConfigError(f"{f}: the top level is a {type(data).__name__}, not a mapping of keys")
            update(merged, data or {})
        validate_config(merged, source=", ".join(map(str, files)))
    except (ConfigError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"ok: {', '.join(map(str, files))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
