"""Story candidates for large corpora: an approximate index (faiss HNSW) against the exact search.

``group_stories`` scores only candidate pairs: each article's k nearest neighbours by whole-article
vector, in each language. The exact search (chunked matrix products) grows with the square of the
number of articles; ``index="hnsw"`` builds a faiss HNSW index instead. Measured here, on this
machine, in one run:

- the 2,000-article corpus of ``bench/scale.py`` (WMT21 documents, German and both English sides):
  time of the candidate step, share of the exact pairs the index finds, and share of the true
  same-story pairs (two articles of one WMT document) among the candidates;
- 10,000 and 50,000 articles: the real article vectors resampled with a little noise (the stories
  stay the documents), for time and the share of exact pairs found.

    python bench/candidates.py [--k 10] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import build_corpus  # noqa: E402
from two_outlets import ROOT  # noqa: E402


def _timed(fn, *args, **kw):
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 50_000])
    args = ap.parse_args(argv)
    wmt = Path(args.shared) / "bench" / "wmt" / "newstest2021_deen_docs.jsonl"
    if not wmt.is_file():
        print(f"{wmt} not found; pass --shared", file=sys.stderr)
        return 2
    from storydiff.stories import _candidates, _candidates_hnsw, _profiles

    arts, truth = build_corpus(wmt, 2000)
    vecs = np.stack([p.doc_vec for p in _profiles(arts, progress=False)]).astype(np.float32)
    langs = [a.language for a in arts]
    print(f"story candidates, k={args.k} per article and language (exact: chunked search; hnsw: faiss "
          f"IndexHNSWFlat, M 32, efSearch 128)")
    print(f"{'articles':>9} {'exact s':>8} {'hnsw s':>8} {'exact pairs found':>18} "
          f"{'same-story pairs: exact / hnsw':>31}")
    rng = np.random.default_rng(7)
    for n in [len(arts), *args.sizes]:
        if n == len(arts):
            v, lab, lg = vecs, np.asarray(truth), langs
        else:  # resampled: each new article is a real one with a little noise (same story)
            pick = rng.integers(0, len(arts), size=n)
            v = vecs[pick] + rng.normal(scale=0.02, size=(n, vecs.shape[1])).astype(np.float32)
            v /= np.linalg.norm(v, axis=1, keepdims=True)
            lab, lg = np.asarray(truth)[pick], [langs[i] for i in pick]
        exact, te = _timed(_candidates, v, args.k, languages=lg)
        approx, th = _timed(_candidates_hnsw, v, args.k, languages=lg)
        found = len(exact & approx) / max(1, len(exact))
        if n == len(arts):
            same = {(i, j) for i in range(n) for j in range(i + 1, n) if lab[i] == lab[j]}
            story = f"{len(exact & same) / len(same):.3f} / {len(approx & same) / len(same):.3f}"
        else:
            story = "-"
        print(f"{n:>9,} {te:>8.1f} {th:>8.1f} {found:>18.3f} {story:>31}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
