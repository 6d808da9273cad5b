"""Score a Comparison against a hand-made gold alignment (``corpus/gold/*.json``).

The metrics follow ``../shared/bench/README.md`` (two-outlet pairs), restricted to story units:

- **link strict**: a predicted link is right when its A ids and B ids both equal a gold link's;
- **link lax**: a predicted link is right when it shares a B unit with the gold partners of its
  A units;
- **only_a / only_b**: the dropped and added units, as sets;
- **changed**: a predicted ``changed`` link is right when it overlaps a gold ``changed`` link
  (shares an A and a B unit); recall is the share of gold ``changed`` links so found.

P = right predictions / predictions, R = found gold items / gold items, F1 their harmonic mean.
"""

from __future__ import annotations

import json
from pathlib import Path

from .corpus import CorpusError

#: Where the shared benchmark data sits, seen from the repository root.
SHARED_BENCH = Path(__file__).resolve().parents[2].parent / "shared" / "bench"

__all__ = ["load_gold", "evaluate", "gold_from_review", "evaluate_many", "explain", "score_table", "load_bench_pair",
           "bench_pairs",
           "threshold_curve"]


def load_gold(path: str | Path) -> dict:
    """Read a gold file; raises :class:`CorpusError` with the file name when it is malformed."""
    p = Path(path)
    try:
        gold = json.loads(p.read_text(encoding="utf-8"))
        for key in ("a", "b", "links", "only_a", "only_b"):
            gold[key]
    except (OSError, ValueError, KeyError) as exc:
        raise CorpusError(f"{p}: not a storydiff gold file ({exc})") from None
    gold["source"] = str(p)
    return gold


def _prf(tp_p: int, n_p: int, tp_r: int, n_r: int) -> dict:
    p = tp_p / n_p if n_p else 0.0
    r = tp_r / n_r if n_r else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"P": p, "R": r, "F1": f, "n_pred": n_p, "n_gold": n_r, "right_pred": tp_p, "found_gold": tp_r}


def _check_texts(comp, gold) -> None:
    for lk in gold["links"]:
        for side, units in (("a", comp.a_units), ("b", comp.b_units)):
            for uid, text in zip(lk[side], lk.get(f"{side}_text", []), strict=False):
                if uid >= len(units) or units[uid].text != text:
                    raise CorpusError(
                        f"{gold.get('source', 'gold')}: unit {side}{uid} is no longer {text[:40]!r}; "
                        "the segmentation changed since the gold was made; re-annotate the ids"
                    )


def evaluate(comp, gold: dict | str | Path) -> dict:
    """Precision, recall and F1 of a Comparison against a gold alignment.

    Parameters
    ----------
    comp : a :class:`storydiff.compare.Comparison` of the gold's two articles.
    gold : the gold dict or the path of a gold file.

    Returns
    -------
    dict metric -> {"P", "R", "F1", "n_pred", "n_gold", "right_pred", "found_gold"}, plus "errors": the wrong and missed
    links as texts, for reading.
    """
    if not isinstance(gold, dict):
        gold = load_gold(gold)
    if (gold["a"], gold["b"]) != (comp.a.id, comp.b.id):
        raise CorpusError(f"gold is for {gold['a']} vs {gold['b']}, not {comp.a.id} vs {comp.b.id}")
    _check_texts(comp, gold)
    story_a = {u.id for u in comp.a_units if u.comparable}
    story_b = {u.id for u in comp.b_units if u.comparable}
    G = {(frozenset(x["a"]), frozenset(x["b"])) for x in gold["links"]}
    P = {(frozenset(lk.a), frozenset(lk.b)) for lk in comp.links if set(lk.a) <= story_a}
    out = {"link_strict": _prf(len(P & G), len(P), len(G & P), len(G))}
    reach_g: dict[int, set] = {}
    for a, b in G:
        for i in a:
            reach_g.setdefault(i, set()).update(b)
    reach_p: dict[int, set] = {}
    for a, b in P:
        for i in a:
            reach_p.setdefault(i, set()).update(b)
    lax_p = sum(1 for a, b in P if b & set().union(*(reach_g.get(i, set()) for i in a)))
    lax_r = sum(1 for a, b in G if b & set().union(*(reach_p.get(i, set()) for i in a)))
    out["link_lax"] = _prf(lax_p, len(P), lax_r, len(G))
    for key, story in (("only_a", story_a), ("only_b", story_b)):
        g = {x["id"] if isinstance(x, dict) else x for x in gold[key]}
        q = set(getattr(comp, key)) & story
        out[key] = _prf(len(g & q), len(q), len(g & q), len(g))
    GC = [(set(x["a"]), set(x["b"])) for x in gold["links"] if x["status"] == "changed"]
    PC = [(set(lk.a), set(lk.b)) for lk in comp.links if lk.status == "changed"]

    def overlap(x, y):
        return bool(x[0] & y[0]) and bool(x[1] & y[1])

    out["changed"] = _prf(sum(1 for q in PC if any(overlap(q, t) for t in GC)), len(PC),
                          sum(1 for t in GC if any(overlap(t, q) for q in PC)), len(GC))

    def text(units, ids):
        return " ".join(units[i].text for i in sorted(ids))

    out["errors"] = {
        "wrong_links": [(text(comp.a_units, a), text(comp.b_units, b)) for a, b in P - G],
        "missed_links": [(text(comp.a_units, a), text(comp.b_units, b)) for a, b in G - P],
    }
    return out


def gold_from_review(comp) -> dict:
    """A reviewed comparison as a gold dict for :func:`evaluate`: its links (reviewed or not,
    as the person left them), and the story sentences it leaves unlinked. Use it when a person
    has gone through the whole pair; each link keeps its texts, so a later segmentation change
    is caught as in a hand-made gold file.

    Example
    -------
    The decisions in ``corpus/reviews/`` are applied by ``compare()``:

    >>> reviewed = compare(a, b)  # doctest: +SKIP
    >>> evaluate(compare(a, b, reviews=False), gold_from_review(reviewed))  # doctest: +SKIP
    """
    story_a = {u.id for u in comp.a_units if u.comparable}
    story_b = {u.id for u in comp.b_units if u.comparable}
    links = [{"a": list(lk.a), "b": list(lk.b), "status": lk.status, "note": lk.note, "reviewed": lk.reviewed,
              "a_text": [comp.a_units[i].text for i in lk.a], "b_text": [comp.b_units[j].text for j in lk.b]}
             for lk in comp.links if set(lk.a) <= story_a]
    return {"a": comp.a.id, "b": comp.b.id, "annotator": "a person's review (storydiff.reviews)",
            "links": links,
            "only_a": [{"id": i, "text": comp.a_units[i].text} for i in comp.only_a if i in story_a],
            "only_b": [{"id": j, "text": comp.b_units[j].text} for j in comp.only_b if j in story_b],
            "source": comp.settings.get("reviews", {}).get("file", "review")}


def load_bench_pair(pair_dir: str | Path):
    """One simulated two-outlet pair of ``../shared/bench/comparable-hard`` as (A, B, gold).

    ``a.txt`` is German and ``b.txt`` English, one unit per line (compare them with
    ``presegmented=True``). The truth file is turned into a gold dict for :func:`evaluate`.
    """
    from .corpus import load_text

    d = Path(pair_dir)
    a = load_text(d / "a.txt", language="de", id=f"{d.name}-a")
    b = load_text(d / "b.txt", language="en", id=f"{d.name}-b")
    try:
        truth = json.loads((d / "truth.json").read_text(encoding="utf-8"))
        changed = {(tuple(c["a"]), tuple(c["b"])) for c in truth["changed"]}
        links = [{"a": x["a"], "b": x["b"],
                  "status": "changed" if (tuple(x["a"]), tuple(x["b"])) in changed else "same"}
                 for x in truth["links"]]
        gold = {"a": a.id, "b": b.id, "links": links, "only_a": truth["only_a"],
                "only_b": truth["only_b"], "source": str(d / "truth.json")}
    except (OSError, ValueError, KeyError) as exc:
        raise CorpusError(f"{d / 'truth.json'}: not a comparable-hard truth file ({exc})") from None
    return a, b, gold


def bench_pairs(root: str | Path | None = None, *, names: list[str] | None = None) -> list[Path]:
    """The pair folders of ``comparable-hard`` (all, or those named), or [] when it is absent."""
    root = Path(root) if root is not None else SHARED_BENCH / "comparable-hard"
    if not root.is_dir():
        return []
    dirs = sorted(p for p in root.iterdir() if (p / "truth.json").is_file())
    return [p for p in dirs if names is None or p.name in names]


def threshold_curve(items, thresholds, *, knob: str = "cut",
                    metrics=("link_strict", "only_a", "only_b"), encoder=None, presegmented: bool = False):
    """Scores as one link threshold moves, summed over several pairs.

    Parameters
    ----------
    items : (A, B, gold) triples.
    thresholds : the values to try.
    knob : the :class:`storydiff.judge.JudgeParams` field that moves; by default ``cut``, the
        confidence a link needs (0-1), the threshold that decides every link in free order.
    metrics : which of :func:`evaluate`'s metrics to report.

    Returns
    -------
    pandas.DataFrame with columns ``threshold``, ``metric``, ``P``, ``R``, ``F1`` (micro: counts
    summed over the pairs before dividing).
    """
    from dataclasses import replace

    import pandas as pd

    from .judge import JudgeParams

    items = list(items)
    rows = []
    for t in thresholds:
        res = evaluate_many(items, encoder=encoder, presegmented=presegmented,
                            judge=replace(JudgeParams(), **{knob: float(t)}))
        rows.extend({"threshold": float(t), "metric": m, **res[m]} for m in metrics)
    return pd.DataFrame(rows)


_METRIC_WORDS = {
    "link_strict": ("links", "exactly right (the same sentences on both sides as in the answer key)"),
    "link_lax": ("links", "at least partly right (they join a sentence to one of its true partners)"),
    "only_a": ("sentences marked as dropped", "really dropped"),
    "only_b": ("sentences marked as added", "really added"),
    "changed": ("links marked as changed", "really changed"),
}


def score_table(results: dict):
    """:func:`evaluate`'s result as a table: one row per metric with P, R, F1 and the counts."""
    import pandas as pd

    rows = [{"metric": m, "precision": r["P"], "recall": r["R"], "F1": r["F1"],
             "right / predicted": f"{r['right_pred']} / {r['n_pred']}",
             "found / in answer key": f"{r['found_gold']} / {r['n_gold']}"}
            for m, r in results.items() if m in _METRIC_WORDS]
    return pd.DataFrame(rows).set_index("metric")


def explain(results: dict) -> str:
    """Precision and recall of each metric in plain words (Markdown), from :func:`evaluate`.

    >>> r = {"changed": {"P": 0.5, "R": 0.25, "F1": 0.33, "n_pred": 2, "n_gold": 4,
    ...                  "right_pred": 1, "found_gold": 1}}
    >>> for part in explain(r).split("; "): print(part)
    - **changed**: of the 2 links marked as changed, 1 are really changed (precision 50 %)
    of the 4 in the answer key it finds 1 (recall 25 %).
    """
    lines = []
    for m, (what, right) in _METRIC_WORDS.items():
        if m not in results:
            continue
        r = results[m]
        lines.append(f"- **{m.replace('_', ' ')}**: of the {r['n_pred']} {what}, {r['right_pred']} are "
                     f"{right} (precision {r['P']:.0%}); of the {r['n_gold']} in the answer key it finds "
                     f"{r['found_gold']} (recall {r['R']:.0%}).".replace("%", " %"))
    return "\n".join(lines)


def evaluate_many(items, *, encoder=None, presegmented: bool = False, params=None, judge=None) -> dict:
    """:func:`evaluate` summed over several (A, B, gold) triples (micro: counts added, then divided).

    The ``errors`` of every pair are concatenated.
    """
    from .compare import compare

    tot: dict[str, list[int]] = {}
    errors = {"wrong_links": [], "missed_links": []}
    for a, b, gold in items:
        res = evaluate(compare(a, b, encoder=encoder, presegmented=presegmented, params=params, judge=judge),
                       gold)
        for m, r in res.items():
            if m == "errors":
                for k in errors:
                    errors[k].extend(r[k])
                continue
            t = tot.setdefault(m, [0, 0, 0, 0])
            for k, key in enumerate(("right_pred", "n_pred", "found_gold", "n_gold")):
                t[k] += r[key]
    out = {m: _prf(*t) for m, t in tot.items()}
    out["errors"] = errors
    return out
