"""Many outlets on one story: a simulated corpus with story and fact-level truth (generator + score).

Each story is one WMT21 news document (``../shared/bench/wmt``: the German original and two
independent English translations). It is told by 4-6 simulated outlets: German outlets start from
the original, English ones from translation A or B. Each outlet drops about 20 % of the segments
(never the headline), changes a number in some of the segments it keeps, moves nothing, and inserts
1-2 segments from another story's document. Stories lie 60 days apart; an outlet publishes within 5
days of its story's date. Every segment of a story's document is a fact; the truth of a cell
(fact x outlet) is ``absent`` (dropped), ``changed`` (some outlet of the story changed a number in
it: its versions differ) or ``same``.

Scored: story grouping (adjusted Rand index of :func:`storydiff.stories.group_stories` against the
documents), fact cells (:func:`storydiff.facts.find_facts`: for each fact carried by two or more
outlets, the predicted fact holding most of its sentences gives each outlet's cell), and facts that
join two stories. Nothing is fitted on this set.

    python bench/many_outlets.py [--stories 10] [--seed 11] [--shared ../shared] [--links full|fast]
                                 [--windows joined|mean]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from two_outlets import ROOT  # noqa: E402

_NUM = re.compile(r"(?<![\w.,])\d+(?![\w])")


def build(shared: Path, n_stories: int, seed: int):
    """Articles and truth: ``(articles, story_of, line_segment, cells)``. ``line_segment[id]``
    maps each line of an article to ``(story, segment)``; ``cells[(story, segment)]`` maps each
    outlet of the story to its truth cell."""
    from storydiff.corpus import Article

    rng = np.random.default_rng(seed)
    docs = [json.loads(x) for x in (shared / "bench" / "wmt" / "newstest2021_deen_docs.jsonl").read_text(
        encoding="utf-8").splitlines()]
    docs = [d for d in docs if 10 <= len(d["de"]) <= 40]
    chosen = [docs[i] for i in rng.choice(len(docs), size=min(n_stories, len(docs)), replace=False)]
    articles, story_of, line_segment, cells = [], {}, {}, {}
    base = dt.date(2021, 1, 4)
    for s, doc in enumerate(chosen):
        n_out = int(rng.integers(4, 7))
        versions = []
        for o in range(n_out):
            side = ("de", "en_refA", "en_refB")[o % 3]
            segs = list(doc[side])
            keep = [0] + [i for i in range(1, len(segs)) if rng.random() > 0.2]
            changed = set()
            for i in keep:
                if i and rng.random() < 0.15 and _NUM.search(segs[i]):
                    m = list(_NUM.finditer(segs[i]))[0]
                    new = str(int(m.group(0)) + int(rng.integers(2, 9)))
                    segs[i] = segs[i][:m.start()] + new + segs[i][m.end():]
                    changed.add(i)
            lines = [(segs[i], (s, i)) for i in keep]
            other = chosen[(s + 1 + int(rng.integers(0, len(chosen) - 1))) % len(chosen)]
            for _ in range(int(rng.integers(1, 3))):
                j = int(rng.integers(1, len(other["de"])))
                at = int(rng.integers(1, len(lines) + 1))
                lines.insert(at, (other[side][j], ("inserted", j)))
            versions.append((o, side, keep, changed, lines))
        all_changed = set().union(*(v[3] for v in versions))
        for o, side, keep, _changed, lines in versions:
            art_id = f"s{s:02d}-outlet{o}"
            published = base + dt.timedelta(days=60 * s + int(rng.integers(0, 6)))
            articles.append(Article(id=art_id, language="de" if side == "de" else "en", outlet=f"Outlet {o}",
                                    published=published, text="\n".join(t for t, _ in lines)))
            story_of[art_id] = s
            line_segment[art_id] = [seg for _, seg in lines]
            for i in range(len(doc["de"])):
                cells.setdefault((s, i), {})[art_id] = ("absent" if i not in keep else
                                                        "changed" if i in all_changed else "same")
    return articles, story_of, line_segment, cells


def score(articles, story_of, line_segment, cells, stories, facts) -> dict:
    from sklearn.metrics import adjusted_rand_score

    from storydiff.segment import segment

    ids = [a.id for a in articles]
    pred_group = {i: g for g, members in enumerate(stories.groups) for i in members}
    ari = adjusted_rand_score([story_of[i] for i in ids], [pred_group[i] for i in ids])
    # which (story, segment) each unit stands for
    unit_seg = {}
    for art in articles:
        starts = np.cumsum([0] + [len(x) + 1 for x in art.text.split("\n")])
        for u in segment(art):
            line = int(np.searchsorted(starts, u.start, side="right") - 1)
            unit_seg[(art.id, u.id)] = line_segment[art.id][line]
    joined = sum(1 for f in facts.facts if len({story_of[a] for a in f.units}) > 1)
    right = total = 0
    by_class: dict[str, list[int]] = {}
    for (s, i), truth in cells.items():
        carriers = [a for a, c in truth.items() if c != "absent"]
        if len(carriers) < 2:
            continue
        best, best_n = None, 0
        for f in facts.facts:
            n = sum(1 for a, u in f.units.items() if unit_seg.get((a, u)) == (s, i))
            if n > best_n:
                best, best_n = f, n
        for art_id, want in truth.items():
            got = "absent"
            if best is not None and art_id in best.units and unit_seg.get((art_id, best.units[art_id])) == (s, i):
                got = best.status[art_id]
            right += got == want
            total += 1
            by_class.setdefault(want, [0, 0])
            by_class[want][0] += got == want
            by_class[want][1] += 1
    return {"ari": ari, "cell_accuracy": right / total if total else 0.0, "cells": total, "joined": joined,
            "facts": len(facts.facts), "groups": len(stories.groups),
            "by_class": {k: (r / n, n) for k, (r, n) in sorted(by_class.items())}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--stories", type=int, default=10)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--links", choices=("full", "fast"), default="full", help="the link judge inside stories")
    ap.add_argument("--windows", choices=("joined", "mean"), default="joined",
                    help="merged windows: joined text embedded, or the mean of the sentence vectors")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "bench" / "wmt").is_dir():
        print(f"{shared}/bench/wmt not found; pass --shared", file=sys.stderr)
        return 2
    from storydiff.facts import FactParams, find_facts
    from storydiff.stories import group_stories

    t0 = time.perf_counter()
    articles, story_of, line_segment, cells = build(shared, args.stories, args.seed)
    stories = group_stories(articles)
    facts = find_facts(articles, stories=stories, params=FactParams(links=args.links, windows=args.windows))
    res = score(articles, story_of, line_segment, cells, stories, facts)
    secs = time.perf_counter() - t0
    print(f"many outlets: {args.stories} stories told by {len(articles)} simulated outlets (seed {args.seed}; "
          f"{secs:.0f} s; {args.links} link judge, merged windows {args.windows})")
    print(f"  story grouping ARI                  {res['ari']:.3f}   ({res['groups']} groups; target >= 0.95)")
    print(f"  fact-cell accuracy (same/changed/absent) {res['cell_accuracy']:.3f}   ({res['cells']} cells of facts "
          "carried by two or more outlets; target >= 0.9)")
    print("  by truth cell: " + ", ".join(f"{k} {acc:.3f} ({n})" for k, (acc, n) in res["by_class"].items()))
    print(f"  facts joining two stories           {res['joined']}   (of {res['facts']}; target 0)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
