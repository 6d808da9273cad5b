"""Scale: group 2,000 articles into stories (time, peak memory, accuracy).

The corpus is built from the 61 German-English news documents of ../shared/bench/wmt: each article is
one side of a document (the German original or one of the two independent English translations),
with about 20 % of its sentences dropped and the rest shuffled (the headline stays first), so that
no two articles are the same text. The document id is the true story. storydiff's
``group_stories`` finds candidates with a nearest-neighbour search (k per article) and scores only
those; the run reports the time and peak memory of each stage and the grouping's accuracy:

- pairwise precision / recall / F1: over all pairs of articles, "same story" predicted vs true;
- adjusted Rand index (scikit-learn) of the groups against the document ids;
- perfect stories: documents whose articles form exactly one group.

    python bench/scale.py [--n 2000] [--k 10] [--exhaustive 400]

``--exhaustive N`` also groups the first N articles with every pair scored (the peer), to show
what the nearest-neighbour candidates cost in accuracy and save in time. Embeddings go to a cache
folder of the benchmark's own (bench/out/cache), so the first run embeds and later runs reuse it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
import tracemalloc
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIDES = ("de", "en_refA", "en_refB")


def build_corpus(wmt: Path, n: int, seed: int = 7):
    from storydiff.corpus import Article

    docs = [json.loads(line) for line in wmt.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    arts, truth = [], []
    for k in range(n):
        doc = docs[k % len(docs)]
        side = SIDES[(k // len(docs)) % len(SIDES)]
        segs = doc[side]
        body = [s for s in segs[1:] if rng.random() >= 0.2] or segs[1:2]
        rng.shuffle(body)
        arts.append(Article(id=f"a{k:05d}", language="de" if side == "de" else "en",
                            outlet=f"{side}-{k // (len(docs) * len(SIDES))}", text="\n".join([segs[0], *body])))
        truth.append(doc["docid"])
    return arts, truth


def accuracy(groups, ids, truth) -> dict:
    from sklearn.metrics import adjusted_rand_score

    label = {i: g for g, members in enumerate(groups) for i in members}
    pred = [label[i] for i in ids]
    by_true: dict[str, list[int]] = {}
    for k, t in enumerate(truth):
        by_true.setdefault(t, []).append(k)
    tp = sum(1 for members in by_true.values() for x, y in combinations(members, 2) if pred[x] == pred[y])
    true_pairs = sum(len(m) * (len(m) - 1) // 2 for m in by_true.values())
    sizes: dict[int, int] = {}
    for p in pred:
        sizes[p] = sizes.get(p, 0) + 1
    pred_pairs = sum(s * (s - 1) // 2 for s in sizes.values())
    prec, rec = tp / max(1, pred_pairs), tp / max(1, true_pairs)
    perfect = sum(1 for members in by_true.values()
                  if len({pred[x] for x in members}) == 1 and sizes[pred[members[0]]] == len(members))
    return {"pair_P": prec, "pair_R": rec, "pair_F1": 2 * prec * rec / max(1e-9, prec + rec),
            "ARI": adjusted_rand_score(truth, pred), "perfect": perfect, "stories": len(by_true),
            "groups": len(groups)}


def run(arts, truth, k, *, memory: bool = False):
    """Group once; with ``memory`` the run is traced (tracemalloc slows Python code, so the time
    of a traced run is not reported)."""
    from storydiff.stories import group_stories

    if memory:
        tracemalloc.start()
    t0 = time.perf_counter()
    stories = group_stories(arts, k=k, max_days=None, progress=False)
    secs = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] if memory else float("nan")
    if memory:
        tracemalloc.stop()
    return stories, secs, peak, accuracy(stories.groups, [a.id for a in arts], truth)


def line(label, stories, secs, peak, acc):
    t = f"{secs:8.1f} s" if secs == secs else f"{'-':>10}"  # nan: not measured in this run
    m = f"{peak / 2**20:8.0f} MiB" if peak == peak else f"{'-':>12}"
    return (f"{label:44} {t} {m} {stories.settings['candidate_pairs']:>9} "
            f"{acc['pair_P']:6.3f} {acc['pair_R']:6.3f} {acc['pair_F1']:6.3f} {acc['ARI']:6.3f} "
            f"{acc['perfect']:>3}/{acc['stories']:<3} {acc['groups']:>6}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--exhaustive", type=int, default=400, help="peer: every pair scored on the first N articles")
    args = ap.parse_args(argv)
    wmt = Path(args.shared) / "bench" / "wmt" / "newstest2021_deen_docs.jsonl"
    if not wmt.is_file():
        print(f"{wmt} not found; pass --shared", file=sys.stderr)
        return 2
    os.environ.setdefault("STORYDIFF_CACHE", str(ROOT / "bench" / "out" / "cache"))
    arts, truth = build_corpus(wmt, args.n)
    print(f"{len(arts)} articles from {len(set(truth))} WMT21 documents "
          f"({sum(a.language == 'de' for a in arts)} German, {sum(a.language == 'en' for a in arts)} English)")
    header = (f"{'run':44} {'time':>10} {'peak mem':>12} {'cand.pairs':>9} {'pairP':>6} {'pairR':>6} "
              f"{'pairF1':>6} {'ARI':>6} {'perfect':>7} {'groups':>6}")
    print(header)
    print(line(f"group_stories n={len(arts)}, k={args.k}, cold", *run(arts, truth, args.k)))
    print(line("  again: embeddings and sentences cached", *run(arts, truth, args.k)))
    stories, _, peak, acc = run(arts, truth, args.k, memory=True)
    print(line("  again, memory traced (time not comparable)", stories, float("nan"), peak, acc))
    if args.exhaustive:
        sub, sub_truth = arts[: args.exhaustive], truth[: args.exhaustive]
        for kk, label in ((args.k, f"n={len(sub)}, k={args.k}"), (len(sub) - 1, f"n={len(sub)}, every pair")):
            print(line(label, *run(sub, sub_truth, kk)))
    print(f"process peak RSS (resource): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
