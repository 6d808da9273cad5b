"""Split an article into units: sentences, headlines, subheads, bylines, captions, meta, boilerplate.

Every unit keeps character offsets into ``Article.text`` so that each result points back to the
exact words. Nothing is deleted: page furniture (dates, photo credits, "1/6", "Fehler gefunden?")
is kept as a unit of kind ``meta`` or ``boilerplate`` and simply never compared with body text.

Sentences are split with pysbd (rule-based, offline, German and English rules, keeps character
spans; it handles abbreviations like "z. B.", "Dr.", "U.S.", dates like "09.04.2022" and times like
"21:06 Uhr", and keeps a quotation of several sentences together with its attribution).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from .corpus import Article, normalize_text, normalize_with_offsets

__all__ = ["Unit", "KINDS", "COMPARABLE_KINDS", "segment", "segment_lines"]

Kind = Literal["headline", "subhead", "byline", "caption", "body", "meta", "boilerplate"]
KINDS: tuple[str, ...] = ("headline", "subhead", "byline", "caption", "body", "meta", "boilerplate")
#: Kinds that carry the story and are compared across articles.
COMPARABLE_KINDS: frozenset[str] = frozenset({"headline", "subhead", "caption", "body"})


@dataclass(frozen=True)
class Unit:
    """One unit of an article: a sentence or a line of page furniture.

    ``text`` is normalised (:func:`storydiff.corpus.normalize_text`: NFC, no zero-width
    characters); ``article.text[start:end]`` is where it stands in the article as loaded. For text
    that is already normalised (almost all), ``text == article.text[start:end]``.
    """

    id: int
    text: str
    start: int
    end: int
    kind: str = "body"
    paragraph: int = 0

    @property
    def comparable(self) -> bool:
        """True for story text (headline, subhead, caption, body); False for meta/boilerplate."""
        return self.kind in COMPARABLE_KINDS


# --- line classification ------------------------------------------------------------------------
_I = re.IGNORECASE
_BOILERPLATE = [re.compile(p, _I) for p in (
    r"^fehler gefunden\?",
    r"^was sagst du dazu\??$",
    r"^folgen sie .+\b(bei|auf)\b",
    r"^alle aktuellen entwicklungen .* lesen sie hier",
    r"^erfahren sie hier mehr",
    r"^(themen|mehr zum thema|lesen sie auch|auch interessant|das könnte sie auch interessieren)$",
    r"^(also read|read more|read also|related|more on this topic)\s*:?$",
    r"^►",
    r"^[•·]?\s*artikel teilen",
    r"^/loc/",
    r"^(share|teilen)( this article| artikel)?\s*:?$",
)]
_META = [re.compile(p, _I) for p in (
    r"^\|$",
    r"^\d{1,3}\s*/\s*\d{1,3}$",  # gallery counter 1/6
    r"^\d{1,2}:\d{2}(:\d{2})?$",  # video length 1:45
    r"^(publiziert|aktualisiert|veröffentlicht|published|updated|stand)\s*:",
    r"^(foto|fotos|bild|photo|image|quelle|source)\s*:",
    r"^date\s+\d{4}-\d{2}-\d{2}$",
    r"^\d{1,2}\.\d{1,2}\.\d{4}(,?\s*(um\s*)?\d{1,2}:\d{2}(\s*uhr)?)?$",
    r"^\d{4}-\d{2}-\d{2}$",
    r"^\(\s*[a-zäöü]{2,6}(\s*(/|,|with|mit|und|and)\s*[a-zäöü]{2,6})*\s*\)$",  # (dzc) (cgsc with afp)
    r"^(politik|wirtschaft|sport|kultur|ausland|news|world|politics)$",  # section labels
)]
_BYLINE = re.compile(
    r"^(by|from:?|von|text:?|autor(in)?:?)\s+[A-ZÄÖÜ][\w.'’-]+(\s+[A-ZÄÖÜ][\w.'’-]+){0,3}"
    r"(\s*(,|and|und|&)\s*[A-ZÄÖÜ][\w.'’-]+(\s+[A-ZÄÖÜ][\w.'’-]+){0,3})*$",
    _I,
)
# A leading date stamp inside a line (" date 2022-08-09 It should be quick.")
_LEADING_META = re.compile(r"^\s*(date\s+\d{4}-\d{2}-\d{2})\s+", _I)
# A trailing photo credit inside a caption line ("... ab. Bild: picture alliance/dpa")
_TRAILING_CREDIT = re.compile(r"(?<=[.!?\"“”»«])\s+((?:Bild|Foto|Photo|Image)\s*:\s+\S.*)$")
# A trailing author/agency shorthand ("... ist. (dzc)")
_TRAILING_KUERZEL = re.compile(
    r"\s+(\(\s*[a-zäöü]{2,6}(\s*(/|,|with|mit|und|and)\s*[a-zäöü]{2,6})*\s*\))$"
)
_END_PUNCT = re.compile(r"[.!?…:;][\"'“”»«’)\]]*$")
_CREDIT_LINE = re.compile(r"^(foto|fotos|bild|photo|image)\s*:", _I)


def _line_kind(line: str, title: str | None) -> str | None:
    """Kind of a whole line, or None when it is running text to be split into sentences."""
    s = line.strip()
    if title and s == title.strip():
        return "headline"
    if any(p.search(s) for p in _BOILERPLATE):
        return "boilerplate"
    if any(p.search(s) for p in _META):
        return "meta"
    if _BYLINE.match(s):
        return "byline"
    return None


def _looks_like_subhead(sentences: list[tuple[int, int]], line: str) -> bool:
    s = line.strip()
    return (
        len(sentences) == 1
        and not _END_PUNCT.search(s)
        and len(s.split()) <= 20
    )


@lru_cache(maxsize=8)
def _segmenter(language: str):
    import pysbd

    try:
        return pysbd.Segmenter(language=language, clean=False, char_span=True)
    except ValueError:  # language without pysbd rules: English rules are a fair default
        return pysbd.Segmenter(language="en", clean=False, char_span=True)


# pysbd slows down on very long paragraphs; those are split in windows: each window's last
# sentence (possibly cut by the window's end) is carried into the next window.
_MAX_CHUNK = 10_000


@lru_cache(maxsize=20_000)
def _sentences(text: str, language: str) -> tuple[tuple[int, int], ...]:
    """(start, end) spans of the sentences of ``text``, whitespace trimmed.

    Memoised per paragraph: notebooks and corpus-level functions segment the same articles
    several times, and pysbd is the slowest step of the pipeline."""
    seg = _segmenter(language)
    raw: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        stop = min(len(text), start + _MAX_CHUNK)
        spans = [(start + sp.start, start + sp.end) for sp in seg.segment(text[start:stop])]
        if stop < len(text) and len(spans) > 1:
            raw.extend(spans[:-1])
            start = spans[-1][0]
        else:  # last window, or one sentence longer than a window
            raw.extend(spans)
            start = stop
    out = []
    for a, b in raw:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return tuple(out)


def _open_quote(text: str) -> bool:
    """True when ``text`` leaves a quotation open (more openers than closers)."""
    if text.count('"') % 2 == 1:
        return True
    if "„" in text:  # German: „ ... “
        return text.count("„") > text.count("“")
    if "«" in text or "»" in text:
        return text.count("«") > text.count("»")
    return text.count("“") > text.count("”")


def _join_quotes(text: str, spans: list[tuple[int, int]], max_join: int = 8):
    """Merge sentences that sit inside one quotation, so a quote of several sentences stays
    one unit with its attribution. A quote that never closes in the paragraph is left split."""
    out, i = [], 0
    while i < len(spans):
        s, e = spans[i]
        if _open_quote(text[s:e]):
            for j in range(i + 1, min(len(spans), i + max_join)):
                if not _open_quote(text[s : spans[j][1]]):
                    out.append((s, spans[j][1]))
                    i = j + 1
                    break
            else:
                out.append((s, e))
                i += 1
            continue
        out.append((s, e))
        i += 1
    return out


def segment(article: Article) -> list[Unit]:
    """Split an article into units with kinds, paragraph numbers and character offsets.

    Each non-empty line of the text is a paragraph. Whole lines of page furniture become one unit
    (kind ``headline``, ``byline``, ``meta`` or ``boilerplate``); other lines are split into
    sentences (``body``), a single short line without a final full stop is a ``subhead``, and a
    line followed by a photo credit is a ``caption``.

    Parameters
    ----------
    article : the article.

    Returns
    -------
    list[Unit], in text order, ids 0..n-1.

    Example
    -------
    >>> from storydiff.corpus import Article
    >>> units = segment(Article(id="x", language="de", text="Titel\\nEr kam. Sie ging."))
    >>> [(u.kind, u.text) for u in units]
    [('subhead', 'Titel'), ('body', 'Er kam.'), ('body', 'Sie ging.')]

    The result is kept per article: compare(), the story check and the fact finder all segment
    the same articles.
    """
    return list(_segment(article))


@lru_cache(maxsize=1024)
def _segment(article: Article) -> tuple[Unit, ...]:
    return tuple(_split(article))


def _split(article: Article) -> list[Unit]:
    original = article.text
    text, at = normalize_with_offsets(original)
    if text is not original:
        title = normalize_text(article.title) if article.title else article.title
        article = replace(article, text=text, title=title)
    raw: list[tuple[int, int, str, int]] = []  # start, end, kind, paragraph
    lines = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            lines.append((pos, line))
        pos += len(line) + 1
    for para, (lstart, line) in enumerate(lines):
        kind = _line_kind(line, article.title)
        stripped_start = lstart + (len(line) - len(line.lstrip()))
        stripped_end = lstart + len(line.rstrip())
        if kind is not None:
            raw.append((stripped_start, stripped_end, kind, para))
            continue
        a, b = stripped_start, stripped_end
        head = []
        m = _LEADING_META.match(text[a:b])
        if m:
            head.append((a + m.start(1), a + m.end(1), "meta", para))
            a += m.end()
        tail = []
        for rx in (_TRAILING_KUERZEL, _TRAILING_CREDIT):
            m = rx.search(text[a:b])
            if m:
                tail.insert(0, (a + m.start(1), a + m.end(1), "meta", para))
                b = a + m.start()
        spans = _join_quotes(text[a:b], _sentences(text[a:b], article.language))
        next_line = lines[para + 1][1].strip() if para + 1 < len(lines) else ""
        if any(t[2] == "meta" and _CREDIT_LINE.match(text[t[0]:t[1]]) for t in tail) or (
            _CREDIT_LINE.match(next_line)
        ):
            body_kind = "caption"
        elif not head and not tail and _looks_like_subhead(spans, text[a:b]):
            body_kind = "subhead"
        else:
            body_kind = "body"
        raw.extend(head)
        raw.extend((a + s, a + e, body_kind, para) for s, e in spans)
        raw.extend(tail)
    return [
        Unit(id=i, text=text[s:e], start=at[s], end=at[e], kind=k, paragraph=p)
        for i, (s, e, k, p) in enumerate(raw)
    ]


def segment_lines(article: Article) -> list[Unit]:
    """One unit per line, kept as it is but normalised (for gold-standard files that are already
    segmented).

    Empty lines are kept as units too, so that unit ids equal 0-based line numbers.
    """
    units = []
    pos = 0
    for i, line in enumerate(article.text.split("\n")):
        units.append(Unit(id=i, text=normalize_text(line), start=pos, end=pos + len(line), kind="body",
                          paragraph=i))
        pos += len(line) + 1
    return units
