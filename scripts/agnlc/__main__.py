"""Command line: ``python -m agnlc literature refresh NAME [--out DIR]``.

(Run with ``PYTHONPATH=scripts`` or from the ``scripts`` folder.)
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
    args = ap.parse_args(argv)
    from agnlc import literature

    if args.action == "list":
        for name, p in literature.PAPERS.items():
            print(f"{name:16s} {p.bibcode}  via {p.method}")
        return 0
    table = literature.refresh(args.name)
    path = literature.write(table, args.name, args.out or literature.LITERATURE_DIR)
    print(f"{len(table)} objects -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
