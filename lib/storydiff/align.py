"""Align the units of two articles: order-free and many-to-many, or in order for translations.

Terms (they are explained the same way in the notebooks):

- **similarity**: the cosine of two sentence vectors, 1 = same direction, 0 = unrelated. Its scale
  depends on the encoder (e5 puts every pair near 0.8), so storydiff never uses a fixed cosine
  threshold. It measures each score against the pair of articles at hand:
- **z-score**: how many standard deviations a similarity lies above the average similarity of all
  sentence pairs of these two articles;
- **margin**: how far a similarity lies above the unit's *neighbourhood*, the average similarity of
  its ``k`` most similar sentences on the other side (Artetxe & Schwenk, 2019). A generic sentence
  that is fairly similar to everything has a small margin, so it does not pair with everything.

A candidate link is one window of 1 to ``max_merge`` adjacent units on side A with one window on
side B (1-1, 1-2, 2-1, 1-3, 3-1). Merged windows are embedded as the joined text when the caller
gives their vectors (``a_windows``), else as the normalised mean.

``order="free"``: candidates are taken greedily, best first, if their z-score and margin both pass
the thresholds; a unit is in at most one link; a merged window must beat its best single-unit
candidate by ``merge_gain``. Whatever is left is unmatched (added or dropped).
``order="monotone"`` (true translations): Bertalign's two-step search (Liu & Zhu, 2023), see
:func:`in_order`: 1-1 anchors first, then many-to-many beads inside a band around them.

``moved`` marks links that break the order: the links not in the longest chain whose A and B
positions both increase.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = ["WINDOW_MODES", "Alignment", "AlignParams", "InOrderParams", "RawLink", "WindowScores", "align",
           "check_windows", "greedy_one_to_one", "in_order", "moved_flags", "similarity_stats", "window_scores"]


#: The ways a merged window gets its vector (:attr:`AlignParams.windows`).
WINDOW_MODES = ("joined", "mean")


def check_windows(how: str) -> None:
    """Refuse a way of giving merged windows their vectors that is not one of :data:`WINDOW_MODES`."""
    if how not in WINDOW_MODES:
        raise ValueError(f"windows must be one of {', '.join(map(repr, WINDOW_MODES))}, not {how!r}")


@dataclass(frozen=True)
class AlignParams:
    """The aligner's knobs. Defaults were chosen on the development half of
    ``../shared/bench/comparable-hard`` and the Text+Berg dev document (see bench/README.md)."""

    max_merge: int = 3
    k: int = 4  # neighbourhood size for the margin
    min_z: float = 1.4  # similarity z-score a link needs
    min_margin_z: float = 0.4  # margin (in standard deviations) a link needs
    merge_gain: float = 0.35  # z-score a merged window must gain over its best single unit
    #: How a merged window gets its vector: "joined" embeds the joined text of its units (what the
    #: link judges were fitted with); "mean" averages its units' vectors and embeds nothing: the
    #: facts of a new corpus took less than half the time (bench/scale.py --windows mean), and it
    #: loses some merges that only the joined text shows (bench/README.md has both figures).
    windows: str = "joined"

    def __post_init__(self):
        check_windows(self.windows)


@dataclass(frozen=True)
class InOrderParams:
    """The in-order aligner's knobs (``order="monotone"``). Bertalign's published defaults
    (top_k 3, band 5, skip -0.1, margin and length penalty); ``junk_bonus`` and ``margin=None``
    were chosen on the Text+Berg **dev** document only (bench/README.md)."""

    top_k: int = 3  # first step: each A unit may anchor to its top_k most similar B units
    band: int = 5  # second step: B positions within this distance of the anchor path
    skip: float = -0.1  # score of leaving a unit unaligned
    # subtract the similarity to the window's neighbours; None: on when a second encoder's
    # similarities are averaged in, off for one encoder (what measured best on dev)
    margin: bool | None = None
    length_penalty: bool = True  # scale by log2(1 + shorter/longer), lengths in characters
    junk_bonus: float = 0.1  # extra for leaving a line without any word of 3 letters unaligned
    types: tuple = ((1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 2), (2, 3), (3, 2))
    second: str | None = None  # a second encoder whose per-document z-scores are averaged in


@dataclass(frozen=True)
class RawLink:
    a: tuple[int, ...]
    b: tuple[int, ...]
    similarity: float  # cosine
    z: float
    margin_z: float
    moved: bool = False


@dataclass(frozen=True)
class Alignment:
    links: tuple[RawLink, ...]
    only_a: tuple[int, ...]
    only_b: tuple[int, ...]


def _norm(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)


def _windows(vecs: np.ndarray, max_merge: int, given: Mapping | None):
    """All windows (start, size) with their vectors, sizes 1..max_merge. When ``given`` is a
    mapping, only the merged windows it holds are candidates."""
    spans, rows = [], []
    n = len(vecs)
    for size in range(1, max_merge + 1):
        for s in range(0, n - size + 1):
            if size == 1:
                v = vecs[s]
            elif given is not None:
                if (s, size) not in given:
                    continue
                v = given[(s, size)]
            else:
                v = _norm(vecs[s : s + size].mean(axis=0))
            spans.append((s, size))
            rows.append(v)
    return spans, (np.stack(rows) if rows else np.zeros((0, vecs.shape[1]), np.float32))


def similarity_stats(sim: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation of all pair similarities (the z-score's reference)."""
    if sim.size < 2:
        return 0.0, 1.0
    return float(sim.mean()), float(max(sim.std(), 1e-3))


#: Weight of the encoder prior in the z-score reference, in sentence pairs.
PRIOR_PAIRS = 60


def _blend(mean: float, sd: float, n: int, p_mean: float, p_sd: float) -> tuple[float, float]:
    w = PRIOR_PAIRS
    m = (n * mean + w * p_mean) / (n + w)
    var = (n * (sd**2 + (mean - m) ** 2) + w * (p_sd**2 + (p_mean - m) ** 2)) / (n + w)
    return m, float(max(np.sqrt(var), 1e-3))


def _knn_mean(sim: np.ndarray, k: int, axis: int, fill: float | None = None) -> np.ndarray:
    """Mean of the k largest values along ``axis``. When the other side has fewer than k units
    and ``fill`` is given, the missing neighbours count as ``fill`` (an unrelated sentence)."""
    n = sim.shape[axis]
    if n == 0:
        return np.zeros(sim.shape[1 - axis])
    kk = max(1, min(k, n))
    part = -np.partition(-sim, kk - 1, axis=axis)
    part = part[:kk] if axis == 0 else part[:, :kk]
    total = part.sum(axis=axis)
    if fill is not None and kk < k:
        return (total + (k - kk) * fill) / k
    return total / kk


def moved_flags(pairs: list[tuple[float, float]]) -> list[bool]:
    """True for links outside the longest chain increasing in both A and B position."""
    n = len(pairs)
    if n == 0:
        return []
    order = sorted(range(n), key=lambda i: pairs[i])
    best = [1] * n
    prev = [-1] * n
    for x in range(n):
        i = order[x]
        for y in range(x):
            j = order[y]
            if pairs[j][0] < pairs[i][0] and pairs[j][1] < pairs[i][1] and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    end = max(range(n), key=lambda i: best[i])
    keep = set()
    while end != -1:
        keep.add(end)
        end = prev[end]
    return [i not in keep for i in range(n)]


@dataclass(frozen=True)
class WindowScores:
    """Similarity of every window of A (1..max_merge adjacent units) with every window of B.

    ``sim`` is the cosine, ``z`` its z-score against this pair of articles (blended with the
    encoder's prior for unrelated sentences), ``margin_z`` its margin over both windows'
    neighbourhoods in standard deviations; ``valid`` is False where a window holds a masked unit.
    ``single`` is the unit x unit cosine matrix; ``mean``/``sd`` the z-score's reference.
    """

    a_spans: list
    b_spans: list
    sim: np.ndarray
    z: np.ndarray
    margin_z: np.ndarray
    valid: np.ndarray
    a_size: np.ndarray
    b_size: np.ndarray
    single: np.ndarray
    a_ok: np.ndarray
    b_ok: np.ndarray
    mean: float
    sd: float


def window_scores(
    a_vecs: np.ndarray,
    b_vecs: np.ndarray,
    *,
    max_merge: int = 3,
    k: int = 4,
    a_windows: Mapping[tuple[int, int], np.ndarray] | None = None,
    b_windows: Mapping[tuple[int, int], np.ndarray] | None = None,
    a_mask: np.ndarray | None = None,
    b_mask: np.ndarray | None = None,
    prior: tuple[float, float] | None = None,
) -> WindowScores | None:
    """Scores of every window pair (see :func:`align` for the parameters); None when one side has
    no unit that may be linked."""
    a_vecs = np.asarray(a_vecs, dtype=np.float32)
    b_vecs = np.asarray(b_vecs, dtype=np.float32)
    n, m = len(a_vecs), len(b_vecs)
    a_ok = np.ones(n, bool) if a_mask is None else np.asarray(a_mask, bool)
    b_ok = np.ones(m, bool) if b_mask is None else np.asarray(b_mask, bool)
    if n == 0 or m == 0 or not a_ok.any() or not b_ok.any():
        return None
    single = a_vecs @ b_vecs.T
    mean, sd = similarity_stats(single[np.ix_(a_ok, b_ok)])
    if prior is not None:
        mean, sd = _blend(mean, sd, int(a_ok.sum() * b_ok.sum()), *prior)
    a_spans, a_wv = _windows(a_vecs, max_merge, a_windows)
    b_spans, b_wv = _windows(b_vecs, max_merge, b_windows)
    # windows must not contain masked units
    a_valid = np.array([a_ok[s : s + w].all() for s, w in a_spans])
    b_valid = np.array([b_ok[s : s + w].all() for s, w in b_spans])
    sim = a_wv @ b_wv.T
    # neighbourhood of each window against the single units of the other side
    fill = prior[0] if prior is not None else None
    knn_a = _knn_mean(a_wv @ b_vecs[b_ok].T, k, axis=1, fill=fill)
    knn_b = _knn_mean(a_vecs[a_ok] @ b_wv.T, k, axis=0, fill=fill)
    z = (sim - mean) / sd
    margin_z = (sim - (knn_a[:, None] + knn_b[None, :]) / 2) / sd
    a_size = np.array([w for _, w in a_spans])
    b_size = np.array([w for _, w in b_spans])
    valid = a_valid[:, None] & b_valid[None, :]
    return WindowScores(a_spans, b_spans, sim, z, margin_z, valid, a_size, b_size, single, a_ok, b_ok,
                        mean, sd)


def align(
    a_vecs: np.ndarray,
    b_vecs: np.ndarray,
    *,
    order: str = "free",
    params: AlignParams | None = None,
    a_windows: Mapping[tuple[int, int], np.ndarray] | None = None,
    b_windows: Mapping[tuple[int, int], np.ndarray] | None = None,
    a_mask: np.ndarray | None = None,
    b_mask: np.ndarray | None = None,
    prior: tuple[float, float] | None = None,
    scores: WindowScores | None = None,
) -> Alignment:
    """Align two sequences of unit vectors.

    Parameters
    ----------
    a_vecs, b_vecs : ``(n, dim)`` and ``(m, dim)`` L2-normalised vectors, one per unit.
    order : ``"free"`` (outlets that reorder, cut and add) or ``"monotone"`` (translations).
    params : thresholds; :class:`AlignParams` defaults when None.
    a_windows, b_windows : optional vectors of merged windows, keyed ``(start, size)``.
    a_mask, b_mask : optional boolean arrays; False units are never linked (e.g. boilerplate).
    prior : ``(mean, sd)`` of the encoder's similarity for unrelated sentences. It is blended
        into the z-score's reference with the weight of ``PRIOR_PAIRS`` sentence pairs, so that
        very short texts (a few sentences) still get a sensible scale.
    scores : the pair's :func:`window_scores` when already computed (then the vectors, windows,
        masks and prior are not used).

    Returns
    -------
    Alignment with links (unit ids on both sides), ``only_a`` and ``only_b``. Every unit is in
    exactly one link or one ``only_*`` list.

    Example
    -------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=(5, 16)); a /= np.linalg.norm(a, axis=1, keepdims=True)
    >>> res = align(a, a[[2, 0, 1]])
    >>> sorted((l.a, l.b) for l in res.links)
    [((0,), (1,)), ((1,), (2,)), ((2,), (0,))]
    """
    if order not in ("free", "monotone"):
        raise ValueError(f"order must be 'free' or 'monotone', not {order!r}")
    p = params or AlignParams()
    sc = scores or window_scores(a_vecs, b_vecs, max_merge=p.max_merge, k=p.k, a_windows=a_windows,
                                 b_windows=b_windows, a_mask=a_mask, b_mask=b_mask, prior=prior)
    if sc is None:
        n, m = len(a_vecs), len(b_vecs)
        return Alignment((), tuple(range(n)), tuple(range(m)))
    n, m = len(sc.a_ok), len(sc.b_ok)
    a_spans, b_spans, sim, z, margin_z = sc.a_spans, sc.b_spans, sc.sim, sc.z, sc.margin_z
    a_size, b_size, valid = sc.a_size, sc.b_size, sc.valid
    if order == "free":
        allowed = valid & ((a_size[:, None] == 1) | (b_size[None, :] == 1))
        chosen = greedy_one_to_one(sc, allowed & (z >= p.min_z) & (margin_z >= p.min_margin_z), p.merge_gain)
    else:
        chosen = in_order(sc)
    pos = [((a_spans[i][0] + a_spans[i][1] / 2), (b_spans[j][0] + b_spans[j][1] / 2)) for i, j in chosen]
    moved = moved_flags(pos) if order == "free" else [False] * len(chosen)
    links = []
    used_a, used_b = set(), set()
    for (i, j), mv in zip(chosen, moved, strict=True):
        sa, ka = a_spans[i]
        sb, kb = b_spans[j]
        ids_a = tuple(range(sa, sa + ka))
        ids_b = tuple(range(sb, sb + kb))
        used_a.update(ids_a)
        used_b.update(ids_b)
        links.append(RawLink(ids_a, ids_b, float(sim[i, j]), float(z[i, j]), float(margin_z[i, j]), mv))
    links.sort(key=lambda lk: (lk.a[0], lk.b[0]))
    return Alignment(
        tuple(links),
        tuple(i for i in range(n) if i not in used_a),
        tuple(j for j in range(m) if j not in used_b),
    )


def greedy_one_to_one(sc: WindowScores, ok: np.ndarray, merge_gain: float) -> list[tuple[int, int]]:
    """Window pairs, best z-score first (less ``merge_gain`` per merged unit), among those where
    ``ok`` is True; a pair is taken when none of its units is taken yet, and a merged window only
    when it beats the best 1-1 pair inside it by ``merge_gain`` per merged unit. Returns the
    chosen ``(window of A, window of B)`` indices into ``sc``."""
    extra = (sc.a_size[:, None] - 1) + (sc.b_size[None, :] - 1)
    score = sc.z - merge_gain * extra
    cand = np.argwhere(ok)
    if len(cand) == 0:
        return []
    order = np.argsort(-score[cand[:, 0], cand[:, 1]], kind="stable")
    used_a = np.zeros(len(sc.a_ok), bool)
    used_b = np.zeros(len(sc.b_ok), bool)
    chosen = []
    for idx in order:
        i, j = cand[idx]
        sa, ka = sc.a_spans[i]
        sb, kb = sc.b_spans[j]
        if used_a[sa : sa + ka].any() or used_b[sb : sb + kb].any():
            continue
        # windows of size 1 come first in the spans, so unit x is window x
        if (ka > 1 or kb > 1) and sc.z[i, j] < sc.z[sa : sa + ka, sb : sb + kb].max() + merge_gain * (ka + kb - 2):
            continue
        used_a[sa : sa + ka] = True
        used_b[sb : sb + kb] = True
        chosen.append((int(i), int(j)))
    return chosen


def in_order(
    sc: WindowScores,
    a_texts: list[str] | None = None,
    b_texts: list[str] | None = None,
    params: InOrderParams | None = None,
    second: WindowScores | None = None,
) -> list[tuple[int, int]]:
    """In-order alignment by Bertalign's two-step search.

    1. **Anchors**: the best in-order chain of 1-1 pairs, each A unit only with one of its
       ``top_k`` most similar B units (sum of cosines, skips free).
    2. **Beads**: dynamic programming over 1-1, 1-2, 2-1, ... beads (``types``) whose B position
       stays within ``band`` units of the anchor path. A bead is worth its window cosine (less
       the similarity to the windows' neighbours when ``margin``), times a length penalty
       ``log2(1 + shorter/longer)`` on character counts scaled by the documents' length ratio;
       leaving a unit unaligned is worth ``skip`` (plus ``junk_bonus`` for a line without any
       word of three letters: page numbers, OCR debris).

    With ``second`` (the same windows scored by another encoder) both encoders' cosines are
    z-scored against their own document's unit pairs and averaged, then put back on the first
    encoder's cosine scale. ``a_texts``/``b_texts`` give the lengths and junk lines; without them
    there is no length penalty and no junk bonus. Returns ``(window of A, window of B)`` indices
    into ``sc``.
    """
    p = params or InOrderParams()
    n, m = len(sc.a_ok), len(sc.b_ok)
    ok = np.ix_(sc.a_ok, sc.b_ok)
    sim = sc.sim
    if second is not None:
        ref = sc.single[ok]
        zs = [(s.sim - s.single[ok].mean()) / max(s.single[ok].std(), 1e-6) for s in (sc, second)]
        sim = (zs[0] + zs[1]) / 2 * max(ref.std(), 1e-6) + ref.mean()
    margin = (second is not None) if p.margin is None else p.margin
    score = sim - _neighbour_similarity(sc, sim) if margin else sim.copy()
    if p.length_penalty and a_texts is not None and b_texts is not None:
        score = score * _length_penalty(sc, a_texts, b_texts)
    single = np.where(sc.a_ok[:, None] & sc.b_ok[None, :], sim[:n, :m], -np.inf)
    lo, hi = _band(_anchors(single, p.top_k), n, m, p.band)
    junk_a = _junk(a_texts, n)
    junk_b = _junk(b_texts, m)
    return _beads(sc, score, lo, hi, p, junk_a, junk_b)


def _junk(texts, n) -> np.ndarray:
    if texts is None:
        return np.zeros(n, bool)
    return np.array([_WORD3.search(t) is None for t in texts], bool)


_WORD3 = re.compile(r"[^\W\d_]{3}")


def _neighbour_similarity(sc: WindowScores, sim: np.ndarray) -> np.ndarray:
    """For each window pair, the mean of: the A window's similarity to the units just before
    and after the B window, and the B window's to the units around the A window (Bertalign's
    margin; a missing neighbour is left out)."""
    n, m = len(sc.a_ok), len(sc.b_ok)

    def around(spans, size, get):
        out = np.zeros((len(spans),) + get(0).shape)
        for w, (s, k) in enumerate(spans):
            sides = [get(x) for x in (s - 1, s + k) if 0 <= x < size]
            out[w] = sum(sides) / len(sides) if sides else 0.0
        return out

    near_a = around(sc.a_spans, n, lambda x: sim[x])  # B window vs the units around the A window
    near_b = around(sc.b_spans, m, lambda x: sim[:, x]).T  # A window vs the units around the B window
    return (near_a + near_b) / 2


def _length_penalty(sc: WindowScores, a_texts, b_texts) -> np.ndarray:
    la = np.array([sum(len(a_texts[t]) for t in range(s, s + k)) for s, k in sc.a_spans], float)
    lb = np.array([sum(len(b_texts[t]) for t in range(s, s + k)) for s, k in sc.b_spans], float)
    lb *= sum(len(t) for t in a_texts) / max(1, sum(len(t) for t in b_texts))
    short = np.minimum(la[:, None], lb[None, :])
    long = np.maximum(np.maximum(la[:, None], lb[None, :]), 1.0)
    return np.log2(1 + short / long)


def _anchors(single: np.ndarray, top_k: int) -> list[tuple[int, int]]:
    """The in-order chain of 1-1 pairs with the largest sum of cosines, each A unit paired only
    with one of its ``top_k`` most similar B units."""
    n, m = single.shape
    allowed = np.full((n, m), -np.inf)
    top = np.argsort(-single, axis=1, kind="stable")[:, :top_k]
    rows = np.arange(n)[:, None]
    allowed[rows, top] = single[rows, top]
    allowed[~np.isfinite(single)] = -np.inf
    best = np.zeros((n + 1, m + 1))
    took = np.zeros((n + 1, m + 1), bool)  # the cell's best ends with pair (x-1, y-1)
    for x in range(1, n + 1):
        diag = np.concatenate([[-np.inf], best[x - 1, :-1] + allowed[x - 1]])
        here = np.maximum(best[x - 1], diag)
        took[x] = diag > best[x - 1]
        best[x] = np.maximum.accumulate(here)
        # where the running maximum came from an earlier column, that column holds the choice
        took[x] &= best[x] == here
    pairs = []
    x, y = n, m
    while x > 0 and y > 0:
        if took[x, y]:
            pairs.append((x - 1, y - 1))
            x, y = x - 1, y - 1
        elif best[x, y] == best[x - 1, y]:
            x -= 1
        else:
            y -= 1
    return pairs[::-1]


def _band(anchors, n: int, m: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """For each A boundary 0..n, the lowest and highest B boundary allowed: the anchor path
    (linear between anchors) widened by ``width``, and kept connected."""
    xs = [0.0] + [a + 0.5 for a, _ in anchors] + [float(n)]
    ys = [0.0] + [b + 0.5 for _, b in anchors] + [float(m)]
    centre = np.interp(np.arange(n + 1), xs, ys)
    lo = np.clip(np.floor(centre).astype(int) - width, 0, m)
    hi = np.clip(np.ceil(centre).astype(int) + width, 0, m)
    for x in range(1, n + 1):
        lo[x] = min(lo[x], hi[x - 1])
    for x in range(n - 1, -1, -1):
        hi[x] = max(hi[x], lo[x + 1])
    lo[0], hi[n] = 0, m
    return lo, hi


def _beads(sc: WindowScores, score, lo, hi, p: InOrderParams, junk_a, junk_b) -> list[tuple[int, int]]:
    n, m = len(sc.a_ok), len(sc.b_ok)
    a_idx = {sp: i for i, sp in enumerate(sc.a_spans)}
    b_idx = {sp: j for j, sp in enumerate(sc.b_spans)}
    neg = -np.inf
    best = np.full((n + 1, m + 1), neg)
    best[0, 0] = 0.0
    back: dict[tuple[int, int], tuple[int, int, tuple[int, int] | None]] = {}
    moves = [(1, 0), (0, 1)] + [t for t in p.types if t[0] <= 3 and t[1] <= 3]
    for x in range(n + 1):
        for y in range(lo[x], hi[x] + 1):
            cur = best[x, y]
            if cur == neg:
                continue
            for ka, kb in moves:
                nx, ny = x + ka, y + kb
                if nx > n or ny > m or not lo[nx] <= ny <= hi[nx]:
                    continue
                if ka == 0 or kb == 0:
                    pair = None
                    v = cur + p.skip + (p.junk_bonus if (junk_a[x] if ka else junk_b[y]) else 0.0)
                else:
                    i, j = a_idx.get((x, ka)), b_idx.get((y, kb))
                    if i is None or j is None or not sc.valid[i, j]:
                        continue
                    pair = (i, j)
                    v = cur + score[i, j]
                if v > best[nx, ny]:
                    best[nx, ny] = v
                    back[(nx, ny)] = (x, y, pair)
    chosen = []
    x, y = n, m
    while (x, y) != (0, 0):
        x, y, pair = back[(x, y)]
        if pair is not None:
            chosen.append(pair)
    return chosen[::-1]
