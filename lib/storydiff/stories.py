"""Corpus level: a table of the corpus (the tour), same-story groups, facts across outlets."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .corpus import Article
from .segment import KINDS, segment

__all__ = ["corpus_table"]

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
