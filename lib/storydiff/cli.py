"""Command line: ``storydiff tour | compare | corpus``.

Every expected problem (bad file, bad option) ends with a one-line message on stderr and a
non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys

from .corpus import CorpusError

__all__ = ["main"]


def _cmd_tour(args) -> int:
    import pandas as pd

    from .corpus import load_corpus
    from .stories import corpus_table

    table = corpus_table(load_corpus(args.corpus))
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(table.drop(columns=["author"]).to_string())
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="storydiff", description="How outlets tell the same story.")
    ap.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("tour", help="table of the corpus: outlets, languages, dates, lengths")
    p.add_argument("corpus", help="corpus folder (e.g. corpus/)")
    p.set_defaults(func=_cmd_tour)
    return ap


class _Fail(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="storydiff: %(message)s")
    try:
        return args.func(args)
    except CorpusError as exc:
        print(f"storydiff: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("storydiff: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
