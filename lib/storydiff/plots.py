"""Matplotlib figures. One function per figure; each takes ``ax=None`` and returns the Axes.

Colours are colour-blind safe (Okabe-Ito) and mean the same everywhere:
same = blue, changed = orange, added = bluish green, dropped = vermillion.
Library code never calls ``plt.show()`` or ``savefig``.
"""

from __future__ import annotations

import textwrap

__all__ = [
    "STATUS_COLORS",
    "KIND_COLORS",
    "plot_corpus_timeline",
    "plot_unit_kinds",
    "shorten",
]

STATUS_COLORS = {
    "same": "#0072B2",
    "changed": "#E69F00",
    "added": "#009E73",
    "dropped": "#D55E00",
}
KIND_COLORS = {
    "headline": "#000000",
    "subhead": "#56B4E9",
    "byline": "#CC79A7",
    "caption": "#F0E442",
    "body": "#0072B2",
    "meta": "#999999",
    "boilerplate": "#D55E00",
}
LANGUAGE_MARKERS = {"de": "s", "en": "o"}


def _axes(ax, figsize=None):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def shorten(text: str, width: int = 60) -> str:
    """One-line label of at most ``width`` characters (ends with … when cut)."""
    return textwrap.shorten(" ".join(text.split()), width=width, placeholder=" …")


def _article_label(row_id: str, row) -> str:
    outlet = row["outlet"] if isinstance(row["outlet"], str) else "outlet unknown"
    return f"{outlet} ({row['language']}): {shorten(row_id, 34)}"


def plot_unit_kinds(table, *, ax=None):
    """Stacked horizontal bars: how many units of each kind each article has.

    Parameters
    ----------
    table : the DataFrame of :func:`storydiff.stories.corpus_table`.
    """
    from .segment import KINDS

    ax = _axes(ax, figsize=(9, 0.55 * len(table) + 1.6))
    labels = [_article_label(i, r) for i, r in table.iterrows()]
    left = [0] * len(table)
    for kind in KINDS:
        vals = table[kind].tolist()
        ax.barh(labels, vals, left=left, color=KIND_COLORS[kind], label=kind,
                edgecolor="white", linewidth=0.5)
        left = [a + b for a, b in zip(left, vals, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel("number of units (sentences and lines of page furniture)")
    ax.set_title("What each article is made of")
    ax.legend(ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    return ax


def plot_corpus_timeline(table, *, ax=None):
    """Articles by publication date (x) and outlet (y); marker size = length in words.

    Articles without a known date are drawn in a separate band on the right, labelled
    "date unknown", so that nothing is silently left out.
    """
    import matplotlib.dates as mdates
    import pandas as pd

    ax = _axes(ax, figsize=(9, 0.6 * len(table) + 1.6))
    labels = [_article_label(i, r) for i, r in table.iterrows()]
    dates = pd.to_datetime(table["published"])
    known = dates.dropna()
    if len(known):
        lo, hi = known.min(), known.max()
        span = max((hi - lo).days, 30)
        unknown_x = hi + pd.Timedelta(days=int(span * 0.35) + 10)
    else:
        unknown_x = pd.Timestamp("2000-01-01")
        lo = hi = unknown_x
        span = 30
    for y, ((_, row), d) in enumerate(zip(table.iterrows(), dates, strict=True)):
        x = unknown_x if pd.isna(d) else d
        ax.scatter([x], [y], s=20 + row["words"] / 4, marker=LANGUAGE_MARKERS.get(row["language"], "o"),
                   color="#999999" if pd.isna(d) else "#0072B2", edgecolor="black", zorder=3)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.axvline(unknown_x - pd.Timedelta(days=int(span * 0.15) + 5), color="#bbbbbb", linestyle="--")
    ax.text(unknown_x, -0.7, "date\nunknown", ha="center", va="bottom", fontsize=9, color="#555555")
    ax.set_xlim(lo - pd.Timedelta(days=int(span * 0.1) + 5), unknown_x + pd.Timedelta(days=int(span * 0.12) + 5))
    ax.set_ylim(len(labels) - 0.5, -1.2)
    sep = unknown_x - pd.Timedelta(days=int(span * 0.15) + 5)
    locator = mdates.AutoDateLocator(maxticks=7)
    ticks = [t for t in locator.tick_values(lo.to_pydatetime(), hi.to_pydatetime())
             if mdates.num2date(t).replace(tzinfo=None) < sep.to_pydatetime()]
    ticks = ticks[:: max(1, -(-len(ticks) // 3))]  # at most 3 labels, never overlapping
    ax.set_xticks(ticks, [mdates.num2date(t).strftime("%d %b\n%Y") for t in ticks])
    ax.set_xlabel("publication date")
    ax.set_title("When each article appeared\n(square = German, circle = English; "
                 "larger = longer)", fontsize=11)
    ax.grid(axis="x", color="#eeeeee")
    return ax
