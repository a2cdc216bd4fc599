"""Command line of the sample generator:

    python -m samples.generate [--out samples] [--per-schema 6] [--seed 7] [--schema NAME ...]
                               [--scanned N] [--statements N [--accounts M]]

(from the repository root; `python -m generate` from inside samples/ does the same). The
committed set is `python -m samples.generate --out samples --per-schema 6 --scanned 1
--statements 2`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .output import SCHEMAS, generate, generate_scanned, generate_statements


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m samples.generate",
                                 description="Generate synthetic PDF documents with ground truth.")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent,
                    help="output folder (default: the samples folder)")
    ap.add_argument("--per-schema", type=int, default=6, help="documents per schema (default 6)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("--schema", nargs="+", choices=SCHEMAS, default=list(SCHEMAS),
                    help="schemas to generate (default: all)")
    ap.add_argument("--scanned", type=int, default=0, metavar="N",
                    help="also write scanned variants (image-only PDFs, same ground truth) of "
                         "the first N documents per schema into OUT/scanned/<schema>")
    ap.add_argument("--statements", type=int, default=0, metavar="N",
                    help="also write N multi-account summary statements into "
                         "OUT/utility_statement")
    ap.add_argument("--accounts", type=int, default=None, metavar="M",
                    help="service accounts per statement (default 6-24; 410 gives ~150 pages)")
    args = ap.parse_args(argv)
    for schema in args.schema:
        paths = generate(args.out, schema, args.per_schema, args.seed)
        print(f"{schema}: {len(paths)} documents in {args.out / schema}")
        if args.scanned:
            paths = generate_scanned(args.out / "scanned", schema, args.scanned, args.seed)
            print(f"{schema}: {len(paths)} scanned variants in {args.out / 'scanned' / schema}")
    if args.statements:
        paths = generate_statements(args.out, args.statements, args.seed, args.accounts)
        print(f"utility_statement: {len(paths)} statements in {args.out / 'utility_statement'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
