"""The words that differ, marked in place: measured on comparable-hard (../shared/bench).

For every truth ``changed`` link (a number or a name replaced in B) that a predicted link covers:
is the changed word marked on both sides? B: the new word (``to``) lies inside a mark. A: for a
name, the old name (``from``) lies inside a mark; for a number, a mark covers a number with the
old value (however it is written: 1,75 = 1.75). And on predicted links that are right and
unchanged: the share of content words marked (false alarms a reader has to look past).

    python bench/word_marks.py [--pairs 0-29] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from two_outlets import ROOT  # noqa: E402


def _covered(text: str, marks, pred) -> bool:
    return any(pred(text[s:e]) for s, e, _ in marks)


def _digits(x: str) -> str:
    return re.sub(r"[^\d]", "", x)


def measure(shared: Path, names: list[str]) -> dict:
    from storydiff.compare import compare
    from storydiff.corpus import load_text
    from storydiff.judge import content_words

    root = shared / "bench" / "comparable-hard"
    both = a_ok = b_ok = n = 0
    marked_words = words = 0
    misses = []
    for name in names:
        truth = json.loads((root / name / "truth.json").read_text(encoding="utf-8"))
        comp = compare(load_text(root / name / "a.txt", language="de"), load_text(root / name / "b.txt", language="en"),
                       presegmented=True)
        frame = comp.to_frame()
        rows = frame[frame.status.isin(["same", "changed"])]
        changed = [(set(c["a"]), set(c["b"])) for c in truth["changed"]]
        for c in truth["changed"]:
            hit = [r for _, r in rows.iterrows() if set(r.a_ids) & set(c["a"]) and set(r.b_ids) & set(c["b"])]
            if not hit:
                continue
            r = hit[0]
            n += 1
            to, frm = str(c["to"]), str(c["from"])
            ok_b = _covered(r.b_text, r.b_marks, lambda w, to=to: to in w or w in to.split())
            if c["kind"] == "number":
                ok_a = _covered(r.a_text, r.a_marks, lambda w, frm=frm: _digits(w) != "" and _digits(w) == _digits(frm))
            else:
                # (an old name that B still gives elsewhere in the link has a counterpart there)
                ok_a = (frm not in r.a_text) or frm in r.b_text or _covered(r.a_text, r.a_marks,
                                                         lambda w, frm=frm: frm in w or w in frm.split())
            a_ok += ok_a
            b_ok += ok_b
            both += ok_a and ok_b
            if not (ok_a and ok_b):
                misses.append((name, c["detail"], r.a_marks, r.b_marks))
        gold = {(tuple(x["a"]), tuple(x["b"])) for x in truth["links"]}
        for _, r in rows.iterrows():
            key = (tuple(r.a_ids), tuple(r.b_ids))
            if key not in gold or any(set(r.a_ids) & a and set(r.b_ids) & b for a, b in changed):
                continue
            for text, marks in ((r.a_text, r.a_marks), (r.b_text, r.b_marks)):
                ws = content_words(text)
                words += len(ws)
                marked_words += sum(1 for w in ws if any(text[s:e] == w for s, e, _ in marks))
    return {"changed_links": n, "both_sides": both / n if n else 0.0, "a_side": a_ok / n if n else 0.0,
            "b_side": b_ok / n if n else 0.0, "unchanged_words_marked": marked_words / words if words else 0.0,
            "misses": misses}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--pairs", default="0-29", help="pair numbers, e.g. 0-14 (development half) or 15-29")
    ap.add_argument("--misses", action="store_true", help="list the changed links not marked on both sides")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "bench" / "comparable-hard").is_dir():
        print(f"{shared}/bench/comparable-hard not found; pass --shared", file=sys.stderr)
        return 2
    lo, hi = (int(x) for x in args.pairs.split("-"))
    names = [f"pair_{i:02d}" for i in range(lo, hi + 1)]
    t0 = time.perf_counter()
    res = measure(shared, names)
    print(f"word marks on comparable-hard pairs {args.pairs} ({time.perf_counter() - t0:.0f} s): "
          f"{res['changed_links']} changed links covered by a predicted link")
    print(f"  changed word marked on both sides  {res['both_sides']:.3f}   (A {res['a_side']:.3f}, "
          f"B {res['b_side']:.3f}; target >= 0.95)")
    print(f"  content words marked on right, unchanged links  {res['unchanged_words_marked']:.3f}")
    if args.misses:
        for m in res["misses"]:
            print("   ", m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
