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
    "plot_alignment",
    "plot_corpus_timeline",
    "plot_fact_matrix",
    "plot_similarity",
    "plot_summary",
    "alt_text",
    "show",
    "plot_calibration",
    "plot_threshold_curve",
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


def _plain_text(fn):
    """Run a plot function with matplotlib's mathtext off: article text and outlet names with
    ``$`` in them are drawn as written, not parsed as formulas (which fails on "$5 and $6").
    The figure gets a description of what it shows, made from the data (:func:`alt_text`)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        import matplotlib as mpl

        with mpl.rc_context({"text.parse_math": False}):
            ax = fn(*args, **kwargs)
        describe = _ALT.get(fn.__name__)
        if describe is not None:
            try:
                ax.figure.sd_alt = describe(*args, **kwargs)
            except Exception:  # noqa: BLE001 - a description must never cost the figure
                ax.figure.sd_alt = ax.get_title()
        return ax

    return wrapper


def alt_text(ax_or_fig) -> str:
    """The description of a storydiff figure (for screen readers and the reports' alt text)."""
    fig = getattr(ax_or_fig, "figure", ax_or_fig)
    return getattr(fig, "sd_alt", None) or "; ".join(a.get_title() for a in fig.axes if a.get_title())


def show(ax_or_fig=None, *, dpi: int = 100):
    """Show a figure in a notebook as a PNG image that carries its description as alt text (a
    plain ``plt.show()`` leaves nbconvert's "No description has been provided"), then close it."""
    import io

    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    fig = plt.gcf() if ax_or_fig is None else getattr(ax_or_fig, "figure", ax_or_fig)
    buf = io.BytesIO()
    with __import__("matplotlib").rc_context({"text.parse_math": False}):
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    display(Image(data=buf.getvalue(), format="png", metadata={"alt": alt_text(fig)}))


def _pct(x, total):
    return f"{100 * x / total:.0f} %" if total else "0 %"


def _alt_kinds(table, **_):
    body = table.get("body", table.get("sentences"))
    most = body.idxmax() if len(table) else "none"
    return (f"Horizontal stacked bars, one per article ({len(table)} articles): how many units of each kind "
            f"(headline, subhead, body, caption, byline, meta, boilerplate) each article has. "
            f"The most body sentences: {most} ({int(body.max()) if len(table) else 0}).")


def _alt_timeline(table, groups=None, **_):
    import pandas as pd

    dates = pd.to_datetime(table["published"]).dropna()
    when = f"from {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}" if len(dates) else "all without a date"
    unknown = int(table["published"].isna().sum())
    told = "" if groups is None else (f" Articles of one story share a colour and are joined by a line: "
                                      f"{sum(len(g) > 1 for g in groups.groups)} stories with more than one article.")
    return (f"Timeline of {len(table)} articles by publication date ({when}; {unknown} without a date), one "
            f"row per article, marker size by length.{told}")


def _alt_similarity(comp, **_):
    s = comp.summary()
    n, m = sum(u.comparable for u in comp.a_units), sum(u.comparable for u in comp.b_units)
    same = sum(lk.status == "same" for lk in comp.links)
    return (f"Heat map of sentence similarities: {n} story sentences of {_who(comp.a)} as rows, {m} of "
            f"{_who(comp.b)} as columns; {len(comp.links)} links outlined ({same} same, "
            f"{len(comp.links) - same} changed, {sum(lk.moved for lk in comp.links)} moved); "
            f"{s.get('a_dropped_sentences', 0)} rows without a link (dropped by B), "
            f"{s.get('b_added_sentences', 0)} columns without a link (added by B).")


def _alt_alignment(comp, **_):
    s = comp.summary()
    return (f"Ribbons from the sentences of {_who(comp.a)} (left, in their order) to their partners in "
            f"{_who(comp.b)} (right, in their order): {len(comp.links)} links, "
            f"{sum(lk.moved for lk in comp.links)} of them moved; {s.get('a_dropped_sentences', 0)} sentences "
            f"of A dropped, {s.get('b_added_sentences', 0)} of B added.")


def _alt_summary(comparisons, **_):
    rows = summary_table(comparisons)
    parts = []
    for _, r in rows[rows.measure == "sentences"].iterrows():
        parts.append(f"{r.pair}: keeps {_pct(r.same, r.a_total)} of A's sentences as they are, changes "
                     f"{_pct(r.changed, r.a_total)}, drops {_pct(r.dropped, r.a_total)}, and adds "
                     f"{_pct(r.added, r.a_total)} of A's length")
    return "Stacked bars per outlet, by sentences and by words. " + "; ".join(parts) + "."


def _alt_curve(curve, current=None, title=None, **_):
    lo, hi = curve["threshold"].min(), curve["threshold"].max()
    best = curve.loc[curve["F1"].idxmax()]
    now = f"; the default is {current:.2f}" if current is not None else ""
    return (f"{title or 'Precision, recall and F1'} as the threshold moves from {lo:.2f} to {hi:.2f}: "
            f"F1 is highest ({best['F1']:.2f}) at {best['threshold']:.2f}{now}.")


def _alt_calibration(rows, **_):
    rows = [r for r in rows if r[2] > 0]
    worst = max(rows, key=lambda r: abs(r[0] - r[1]))
    return (f"Reliability diagram in {len(rows)} bins of candidate pairs ({sum(r[2] for r in rows)} in all): "
            f"predicted confidence against the share people linked; the dashed diagonal is perfect. "
            f"The largest gap: pairs given {worst[0]:.2f} were linked {worst[1]:.2f} of the time "
            f"({worst[2]} pairs).")


def _alt_facts(facts, max_facts=30, **_):
    shared = facts.shared()
    changed = sum(any(s == "changed" for s in f.status.values()) for f in shared[:max_facts])
    return (f"Matrix of the facts told by two or more articles ({min(max_facts, len(shared))} of {len(shared)} "
            f"shown, rows) by article ({len(facts.articles)} columns): each cell carries the fact, carries it "
            f"with a detail that differs, or does not carry it; {changed} of the facts shown differ in a detail "
            f"somewhere. {len(facts.facts) - len(shared)} further facts are told by one article alone.")


_ALT = {"plot_unit_kinds": _alt_kinds, "plot_corpus_timeline": _alt_timeline, "plot_similarity": _alt_similarity,
        "plot_alignment": _alt_alignment, "plot_summary": _alt_summary, "plot_threshold_curve": _alt_curve,
        "plot_calibration": _alt_calibration, "plot_fact_matrix": _alt_facts}


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


@_plain_text
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


GROUP_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


@_plain_text
def plot_corpus_timeline(table, *, groups=None, ax=None):
    """Articles by publication date (x) and outlet (y); marker size = length in words.

    Articles without a known date are drawn in a separate band on the right, labelled
    "date unknown", so that nothing is silently left out.

    Parameters
    ----------
    table : the DataFrame of :func:`storydiff.stories.corpus_table`.
    groups : optional :class:`storydiff.stories.Stories`: articles of one story group share a
        colour and are joined by a line; articles that are a story of their own are grey.
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
    colour, multi = {}, []
    if groups is not None:
        multi = [g for g in groups.groups if len(g) > 1]
        colour = {i: GROUP_COLORS[k % len(GROUP_COLORS)] for k, g in enumerate(multi) for i in g}
    xy = {}
    for y, ((art_id, row), d) in enumerate(zip(table.iterrows(), dates, strict=True)):
        x = unknown_x if pd.isna(d) else d
        xy[art_id] = (x, y)
        face = colour.get(art_id, "#bbbbbb") if groups is not None else ("#999999" if pd.isna(d) else "#0072B2")
        ax.scatter([x], [y], s=20 + row["words"] / 4, marker=LANGUAGE_MARKERS.get(row["language"], "o"),
                   color=face, edgecolor="black", zorder=3)
    for k, g in enumerate(multi):
        pts = sorted(xy[i] for i in g if i in xy)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], color=GROUP_COLORS[k % len(GROUP_COLORS)], lw=2.5,
                zorder=2, label=f"story {k + 1} ({len(g)} articles)")
    if multi:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=3, frameon=False, fontsize=9,
                  title="grey: a story told by one article only", title_fontsize=9)
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


# --- one pair of articles ----------------------------------------------------------------------
def _story_ids(comp, side: str) -> list[int]:
    units = comp.a_units if side == "a" else comp.b_units
    return [u.id for u in units if u.comparable]


def _unit_label(comp, side: str, uid: int, width: int) -> str:
    units = comp.a_units if side == "a" else comp.b_units
    return f"{side.upper()}{uid}: {shorten(units[uid].text, width)}"


def _side_name(comp, side: str) -> str:
    art = comp.a if side == "a" else comp.b
    who = art.outlet or art.id
    return f"{side.upper()} = {shorten(who, 30)} ({art.language})"


@_plain_text
def plot_similarity(comp, *, sims=None, width: int = 38, ax=None):
    """Heat map of how similar every story sentence of A is to every one of B, with the links.

    Darker cells are more similar. Each link the aligner chose is outlined in its status colour
    (blue = same, orange = changed); a dashed outline marks a *moved* link. Rows whose sentence
    has no partner are labelled in the "dropped" colour, columns in the "added" colour.
    Page furniture (dates, photo credits) is left out.

    Parameters
    ----------
    comp : a :class:`storydiff.compare.Comparison`.
    sims : the full similarity matrix (A units x B units); computed with
        :meth:`Comparison.similarity_matrix` when not given.
    width : characters of each sentence label.
    """
    import numpy as np
    from matplotlib.patches import Rectangle

    ra, rb = _story_ids(comp, "a"), _story_ids(comp, "b")
    if sims is None:
        sims = comp.similarity_matrix()
    sub = np.asarray(sims)[np.ix_(ra, rb)] if ra and rb else np.zeros((len(ra), len(rb)))
    ax = _axes(ax, figsize=(max(7.0, 0.2 * len(rb) + 4.5), max(5.0, 0.2 * len(ra) + 4.0)))
    im = ax.imshow(sub, cmap="Greys", vmin=max(0.0, float(sub.min()) if sub.size else 0), vmax=1.0,
                   aspect="auto", interpolation="nearest")
    pos_a = {u: i for i, u in enumerate(ra)}
    pos_b = {u: j for j, u in enumerate(rb)}
    for lk in comp.links:
        rows = [pos_a[i] for i in lk.a if i in pos_a]
        cols = [pos_b[j] for j in lk.b if j in pos_b]
        if not rows or not cols:
            continue
        ax.add_patch(Rectangle((min(cols) - 0.5, min(rows) - 0.5), max(cols) - min(cols) + 1,
                               max(rows) - min(rows) + 1, fill=False, lw=2.2,
                               edgecolor=STATUS_COLORS[lk.status], linestyle="--" if lk.moved else "-"))
    st_a, st_b = comp.unit_status("a"), comp.unit_status("b")
    ax.set_yticks(range(len(ra)), [_unit_label(comp, "a", i, width) for i in ra], fontsize=7)
    ax.set_xticks(range(len(rb)), [_unit_label(comp, "b", j, width) for j in rb], fontsize=7, rotation=90)
    for tick, i in zip(ax.get_yticklabels(), ra, strict=True):
        if st_a[i] == "dropped":
            tick.set_color(STATUS_COLORS["dropped"])
    for tick, j in zip(ax.get_xticklabels(), rb, strict=True):
        if st_b[j] == "added":
            tick.set_color(STATUS_COLORS["added"])
    ax.set_ylabel(f"sentence of {_side_name(comp, 'a')}")
    ax.set_xlabel(f"sentence of {_side_name(comp, 'b')}")
    ax.set_title("How similar each pair of sentences is (darker = more similar)\n"
                 "outlined: the links chosen; blue = same, orange = changed, dashed = moved; "
                 "red labels: dropped by B, green labels: added by B", fontsize=9)
    ax.figure.colorbar(im, ax=ax, shrink=0.5, label="similarity (cosine)")
    return ax


def _ribbon(ax, y0a, y1a, y0b, y1b, x0, x1, color, moved):
    import numpy as np
    from matplotlib.patches import Polygon

    t = np.linspace(0, 1, 30)
    s = 3 * t**2 - 2 * t**3  # smooth step
    top = y0a + (y0b - y0a) * s
    bot = y1a + (y1b - y1a) * s
    xs = x0 + (x1 - x0) * t
    pts = np.concatenate([np.column_stack([xs, top]), np.column_stack([xs[::-1], bot[::-1]])])
    ax.add_patch(Polygon(pts, closed=True, facecolor=color, alpha=0.35 if not moved else 0.25,
                         edgecolor=color if moved else "none", linestyle="--", lw=1.2,
                         hatch="///" if moved else None))


@_plain_text
def plot_alignment(comp, *, width: int = 48, ax=None):
    """The two articles as two columns of sentences (in their own order), joined by ribbons.

    Ribbon colour: blue = same, orange = changed; a hatched ribbon with a dashed edge is a
    *moved* link (B tells it in another place). Sentences without a partner get a coloured box:
    vermillion = dropped by B (left column), green = added by B (right column). Page furniture
    is left out.
    """
    from matplotlib.patches import Patch, Rectangle

    ra, rb = _story_ids(comp, "a"), _story_ids(comp, "b")
    n = max(len(ra), len(rb), 1)
    ax = _axes(ax, figsize=(13, 0.24 * n + 1.6))
    pos_a = {u: i for i, u in enumerate(ra)}
    pos_b = {u: j for j, u in enumerate(rb)}
    xa, xb = 0.36, 0.64  # inner edges of the two text columns
    st_a, st_b = comp.unit_status("a"), comp.unit_status("b")
    for side, ids, status, x, ha in (("a", ra, st_a, xa, "right"), ("b", rb, st_b, xb, "left")):
        for k, uid in enumerate(ids):
            st = status[uid]
            own = st in ("dropped", "added")
            if own:
                ax.add_patch(Rectangle((x - 0.355 if side == "a" else x, k - 0.42), 0.355, 0.84,
                                       facecolor=STATUS_COLORS[st], alpha=0.22, edgecolor="none"))
            ax.text(x - 0.008 if side == "a" else x + 0.008, k, _unit_label(comp, side, uid, width),
                    ha=ha, va="center", fontsize=7.5, color="black",
                    fontweight="bold" if own else "normal")
    for lk in comp.links:
        rows = [pos_a[i] for i in lk.a if i in pos_a]
        cols = [pos_b[j] for j in lk.b if j in pos_b]
        if rows and cols:
            _ribbon(ax, min(rows) - 0.4, max(rows) + 0.4, min(cols) - 0.4, max(cols) + 0.4, xa, xb,
                    STATUS_COLORS[lk.status], lk.moved)
    ax.set_xlim(0, 1)
    ax.set_ylim(n - 0.5, -1.6)
    ax.text(xa - 0.008, -1.1, _side_name(comp, "a"), ha="right", fontsize=10, fontweight="bold")
    ax.text(xb + 0.008, -1.1, _side_name(comp, "b"), ha="left", fontsize=10, fontweight="bold")
    ax.axis("off")
    handles = [Patch(facecolor=STATUS_COLORS["same"], alpha=0.5, label="same"),
               Patch(facecolor=STATUS_COLORS["changed"], alpha=0.5, label="changed"),
               Patch(facecolor="white", edgecolor="#555555", hatch="///", linestyle="--", label="moved"),
               Patch(facecolor=STATUS_COLORS["dropped"], alpha=0.3, label="dropped by B"),
               Patch(facecolor=STATUS_COLORS["added"], alpha=0.3, label="added by B")]
    ax.legend(handles=handles, ncols=5, loc="upper center", bbox_to_anchor=(0.5, 0.0), frameon=False,
              fontsize=9)
    ax.set_title("Which sentence of A is told where in B", fontsize=11)
    return ax


_SUMMARY_PARTS = (("same", "a", "kept as is"), ("changed", "a", "kept, changed"),
                  ("dropped", "a", "dropped"), ("added", "b", "added by B"))


def summary_table(comparisons):
    """Per comparison and measure (sentences, words): A's story kept same / changed / dropped and
    what B adds, as counts and as a share of A's story.

    Returns
    -------
    pandas.DataFrame with columns ``pair``, ``measure``, ``a_total`` and, for each of ``same``,
    ``changed``, ``dropped``, ``added``, the count and ``<part>_pct`` (percent of A's total).
    """
    import pandas as pd

    if not isinstance(comparisons, list | tuple):
        comparisons = [comparisons]
    rows = []
    for comp in comparisons:
        s = comp.summary()
        for measure in ("sentences", "words"):
            row = {"pair": f"{_who(comp.b)} vs {_who(comp.a)}", "measure": measure}
            for part, side, _ in _SUMMARY_PARTS:
                row[part] = s.get(f"{side}_{part}_{measure}", 0)
            row["a_total"] = row["same"] + row["changed"] + row["dropped"]
            for part, _, _ in _SUMMARY_PARTS:
                row[part + "_pct"] = 100.0 * row[part] / row["a_total"] if row["a_total"] else 0.0
            rows.append(row)
    return pd.DataFrame(rows)


def _who(art) -> str:
    return f"{art.outlet or shorten(art.id, 24)} ({art.language})"


@_plain_text
def plot_summary(comparisons, *, ax=None):
    """Per outlet pair, by sentences and by words: how much of A's story B keeps as is, keeps
    changed, drops, and how much B adds (a bar beyond 100 % of A's length).

    Parameters
    ----------
    comparisons : one Comparison or a list of them (each drawn as two bars).
    """
    table = summary_table(comparisons)
    ax = _axes(ax, figsize=(10, 0.8 * len(table) + 1.8))
    labels = [f"{r.pair}\nby {r.measure}" for r in table.itertuples()]
    y = list(range(len(table)))
    left = [0.0] * len(table)
    for part, _, words in _SUMMARY_PARTS:
        vals = table[part + "_pct"].tolist()
        if part == "added":
            left = [max(x, 100.0) + 2 for x in left]  # a gap: B's additions come on top of A
        ax.barh(y, vals, left=left, color=STATUS_COLORS[part], label=words, edgecolor="white")
        for yi, l0, v, count in zip(y, left, vals, table[part].tolist(), strict=True):
            if v >= 6:
                ax.text(l0 + v / 2, yi, f"{count}", ha="center", va="center", fontsize=8,
                        color="white" if part != "changed" else "black")
        left = [a + b for a, b in zip(left, vals, strict=True)]
    ax.axvline(100, color="#333333", lw=1, linestyle=":")
    ax.set_yticks(y, labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("percent of A's story text (100 % = all of A); numbers in the bars are counts")
    ax.set_xlim(0, max(110.0, max(a for a in left) + 5))
    ax.set_title("How much of A's story B keeps, changes and drops, and how much B adds", fontsize=11)
    ax.legend(ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.16 - 0.1 / max(1, len(table))),
              frameon=False)
    return ax


@_plain_text
def plot_threshold_curve(curve, *, current=None, title: str | None = None, ax=None):
    """Precision, recall and F1 as the link threshold moves.

    Parameters
    ----------
    curve : DataFrame with columns ``threshold``, ``P``, ``R``, ``F1`` (and optionally
        ``label`` to draw several curves, e.g. one per gold set); see
        :func:`storydiff.evaluate.threshold_curve`.
    current : the threshold storydiff uses by default (a vertical line).
    """
    ax = _axes(ax, figsize=(8, 4.5))
    if "metric" in curve and curve["metric"].nunique() > 1:
        raise ValueError("curve has several metrics; select one, e.g. curve[curve.metric == 'link_strict']")
    groups = curve.groupby("label", sort=False) if "label" in curve else [("", curve)]
    # not the status colours (blue, orange, green, vermillion), which mean same/changed/added/dropped
    styles = {"P": ("#000000", "o", "precision"), "R": ("#56B4E9", "s", "recall"), "F1": ("#CC79A7", "^", "F1")}
    dashes = ["-", "--", ":"]
    for gi, (label, df) in enumerate(groups):
        for col, (color, marker, name) in styles.items():
            ax.plot(df["threshold"], df[col], color=color, marker=marker, markersize=4,
                    linestyle=dashes[gi % len(dashes)], label=f"{name}{' – ' + label if label else ''}")
    if current is not None:
        ax.axvline(current, color="#777777", lw=1)
        ax.text(current, 0.02, " default", fontsize=8, color="#555555", va="bottom",
                transform=ax.get_xaxis_transform())
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("link threshold: the confidence a pair needs to become a link\n"
                  "(the judged chance, 0 to 1, that a person would link the two sentences)")
    ax.set_ylabel("score (1 = perfect)")
    ax.grid(color="#eeeeee")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    ax.set_title(title or "How precision, recall and F1 move with the threshold", fontsize=10)
    return ax


@_plain_text
def plot_calibration(rows, *, title: str | None = None, ax=None):
    """Predicted confidence against how often it was right (a reliability diagram).

    Parameters
    ----------
    rows : ``[mean predicted confidence, share that were right, number of pairs]`` per confidence
        bin, e.g. ``load_model().info["cv_real_pairs_calibration"]`` (cross-validated by pair on
        the shared real pairs).

    A well calibrated judge puts its points on the diagonal: of the pairs it gives 0.3, about
    three in ten are real links. A point's size and the list under the axes give the number of
    pairs behind it; few pairs make a point unsure.
    """
    import numpy as np

    ax = _axes(ax, figsize=(5.5, 5))
    rows = [r for r in rows if r[2] > 0]
    if not rows:
        raise ValueError("no calibration rows to plot")
    pred, seen, n = (np.array([r[k] for r in rows], float) for k in range(3))
    ax.plot([0, 1], [0, 1], color="#999999", lw=1, ls="--", label="perfect calibration")
    ax.plot(pred, seen, color="#000000", lw=1, zorder=2)
    ax.scatter(pred, seen, s=20 + 60 * np.sqrt(n / n.max()), color="#0072B2", zorder=3,
               label="storydiff's link judge")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel("confidence storydiff gives a sentence pair")
    ax.set_ylabel("share of those pairs that people linked")
    ax.grid(color="#eeeeee")
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    ax.set_title(title or "When storydiff says p, how often is it right?", fontsize=10)
    # how many pairs stand behind each point, under the axes: beside the points the labels of the
    # crowded low confidences covered each other and the line
    cells = [f"{x:.2f}: {int(k)}" for x, k in zip(pred, n, strict=True)]
    rows_txt = ["    ".join(cells[i:i + 4]) for i in range(0, len(cells), 4)]
    ax.text(0.5, -0.13, "pairs behind each point (confidence: pairs)\n" + "\n".join(rows_txt),
            transform=ax.transAxes, ha="center", va="top", fontsize=7.5, color="#555555", linespacing=1.5)
    return ax


FACT_COLORS = {"same": STATUS_COLORS["same"], "changed": STATUS_COLORS["changed"], "absent": "#eeeeee"}


@_plain_text
def plot_fact_matrix(facts, *, max_facts: int = 30, width: int = 60, ax=None):
    """Which article carries which fact: rows are facts shared by two or more articles (most
    widely carried first), columns are articles; blue = carries it, orange = carries it with a
    difference (a number, name or quotation differs from another outlet's version), light grey =
    does not carry it. Row labels are a shortened sentence of the fact (English where there is one).

    Parameters
    ----------
    facts : :class:`storydiff.stories.Facts`.
    max_facts : at most this many rows (the most widely carried).
    """
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    shared = facts.shared()[:max_facts]
    arts = list(facts.articles)
    ax = _axes(ax, figsize=(3.2 + 1.1 * len(arts) + width * 0.06, 0.32 * max(len(shared), 1) + 2.6))
    code = {"same": 0, "changed": 1, "absent": 2}
    grid = np.array([[code[f.status.get(a.id, "absent")] for a in arts] for f in shared] or [[2] * len(arts)])
    cmap = ListedColormap([FACT_COLORS["same"], FACT_COLORS["changed"], FACT_COLORS["absent"]])
    ax.imshow(grid, cmap=cmap, vmin=0, vmax=2, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(len(arts)), [f"{a.outlet or 'outlet unknown'} ({a.language})\n{shorten(a.id, 22)}"
                                     for a in arts], fontsize=8, rotation=30, ha="right")
    ax.set_yticks(range(len(shared)), [f"{f.id}: {f.label(width)}" for f in shared], fontsize=8)
    ax.set_xticks(np.arange(-0.5, len(arts)), minor=True)
    ax.set_yticks(np.arange(-0.5, max(len(shared), 1)), minor=True)
    ax.grid(which="minor", color="white", lw=2)
    ax.tick_params(which="minor", length=0)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.legend(handles=[Patch(color=FACT_COLORS["same"], label="carries the fact"),
                       Patch(color=FACT_COLORS["changed"], label="carries it, a detail differs"),
                       Patch(facecolor=FACT_COLORS["absent"], edgecolor="#999999", label="does not carry it")],
              loc="upper center", bbox_to_anchor=(0.5, -0.02), ncols=3, frameon=False, fontsize=9)
    ax.set_title(f"Facts told by two or more articles ({len(shared)} of {len(facts.shared())} shown)",
                 fontsize=10, pad=12)
    return ax


#: Colours of marked words in :func:`plot_marked_links`, as in the side-by-side view.
MARK_FILL = "#ffd58a"
MARK_LINE = "#a66f00"


def _runs(text: str, spans) -> list[tuple[str, str | None]]:
    """``text`` cut at the edges of the ``(start, end, kind)`` spans: ``(piece, kind or None)``."""
    kind_at = [None] * len(text)
    for s, e, kind in spans:
        for i in range(max(0, s), min(len(text), e)):
            kind_at[i] = kind if kind_at[i] in (None, "unmatched") else kind_at[i]
    runs: list[tuple[str, str | None]] = []
    for ch, kind in zip(text, kind_at, strict=True):
        if runs and runs[-1][1] == kind:
            runs[-1] = (runs[-1][0] + ch, kind)
        else:
            runs.append((ch, kind))
    return runs


def _wrap_runs(runs, width_pt: float, size: float, dpi: float = 100) -> list[list[tuple]]:
    """Lines of ``(piece, kind, x, width)`` in points, words kept whole, wrapped at ``width_pt``.
    Widths are measured as Agg draws the text at ``dpi`` (hinted glyphs are wider than their
    outlines), with a little room to spare so that words never touch at another resolution."""
    from functools import cache

    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    renderer, prop = RendererAgg(10, 10, dpi), FontProperties(size=size)

    @cache
    def w(s: str) -> float:
        return renderer.get_text_width_height_descent(s, prop, ismath=False)[0] * 72 / dpi * 1.04

    space = max(w("a a") - w("aa"), 0.3 * size)
    words: list[list[tuple[str, str | None]]] = [[]]
    for piece, kind in runs:  # words: runs split at spaces, a word may hold several runs
        for k, part in enumerate(piece.split(" ")):
            if k:
                words.append([])
            if part:
                words[-1].append((part, kind))
    lines: list[list[tuple[str, str | None, float, float]]] = [[]]
    x = 0.0
    for word in (wd for wd in words if wd):
        widths = [w(p) for p, _ in word]
        if lines[-1] and x + sum(widths) > width_pt:
            lines.append([])
            x = 0.0
        for (piece, kind), pw in zip(word, widths, strict=True):
            lines[-1].append((piece, kind, x, pw))
            x += pw
        x += space
    return lines


def _statuses(statuses) -> tuple[str, ...]:
    """Link statuses to show: one name or several, each "same" or "changed"."""
    statuses = (statuses,) if isinstance(statuses, str) else tuple(statuses)
    bad = [s for s in statuses if s not in ("same", "changed")]
    if bad or not statuses:
        raise ValueError(f"statuses are 'same' and/or 'changed' (links), not {bad or 'nothing'}")
    return statuses


def _alt_marked(comp, *, statuses=("changed",), max_links=8, **_):
    from .details import with_outlets

    def n(k: int, word: str) -> str:
        return f"{k} {word}{'' if k == 1 else 's'}"

    statuses = _statuses(statuses)
    shown = [lk for lk in comp.links if lk.status in statuses][:max_links]
    detail = sum(1 for lk in shown for m in lk.marks if m.kind != "unmatched")
    loose = sum(1 for lk in shown for m in lk.marks if m.kind == "unmatched")
    first = (f" The first: {with_outlets(shown[0].details[0].in_words(), comp.a, comp.b)}."
             if shown and shown[0].details else "")
    return (f"{n(len(shown), ' or '.join(statuses) + ' link')} between {_who(comp.a)} and {_who(comp.b)}, each "
            f"shown whole, A's sentences on the left and B's on the right: {n(detail, 'word')} that carry a differing "
            f"detail (number, name, date, time, quotation) marked in orange, {n(loose, 'content word')} with no "
            f"counterpart on the other side underlined with dots.{first}")


@_plain_text
def plot_marked_links(comp, *, statuses=("changed",), max_links: int = 8, size: float = 10.0, ax=None):
    """The links of a comparison with their sentences shown whole, A left and B right, and the
    words that differ marked in place as in the side-by-side view: **orange** (filled, with a line
    under it) a word that carries a differing detail (number, name, date, time, quotation),
    **dotted underline** a content word with no counterpart on the other side. Above each link:
    its number, status and what differs in words.

    Parameters
    ----------
    comp : a :class:`storydiff.compare.Comparison`.
    statuses : which links (default the changed ones; ``("same", "changed")`` for all).
    max_links : at most this many, in A's order.
    size : font size in points.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from .details import with_outlets

    statuses = _statuses(statuses)
    numbered = [(n, lk) for n, lk in enumerate(comp.links, start=1) if lk.status in statuses]
    shown = numbered[:max_links]
    fig_w = 12.0
    col_pt = (fig_w / 2 - 0.35) * 72  # each column's width in points
    line_pt = size * 1.55
    blocks, height_pt = [], 4.3 * line_pt  # title, legend and a note
    for number, lk in shown:
        sides = [_wrap_runs(_runs(" ".join(units[i].text for i in getattr(lk, side)), lk.marks_in(side, units)),
                            col_pt, size) for side, units in (("a", comp.a_units), ("b", comp.b_units))]
        what = "; ".join(with_outlets(d.in_words(), comp.a, comp.b) for d in lk.details) or "no detail differs"
        head = textwrap.wrap(f"Link {number} ({lk.status}): {what}", 150) or [""]
        blocks.append((head, sides))
        height_pt += (len(head) * 0.9 + max(len(s) for s in sides) + 0.9) * line_pt
    if ax is None:
        fig = plt.figure(figsize=(fig_w, max(height_pt / 72, 1.4)))
        ax = fig.add_axes((0, 0, 1, 1))
    fig = ax.figure
    ax.set_axis_off()
    ax_w, ax_h = (fig.get_size_inches() * ax.get_position().size * 72)  # the axes in points

    def at(x_pt, y_pt):  # points from the axes' top left -> axes fraction
        return x_pt / ax_w, 1 - y_pt / ax_h

    left, right = 0.2 * 72, fig_w / 2 * 72 + 0.1 * 72
    y = line_pt
    ax.text(*at(left, y), f"A: {_who(comp.a)}", fontsize=size + 1, weight="bold", va="baseline")
    ax.text(*at(right, y), f"B: {_who(comp.b)}", fontsize=size + 1, weight="bold", va="baseline")
    ax.legend(handles=[Patch(facecolor=MARK_FILL, edgecolor=MARK_LINE, label="a detail that differs"),
                       Line2D([], [], color="#555555", ls=":", lw=1.5, label="no counterpart on the other side")],
              loc="upper right", bbox_to_anchor=(1 - 0.1 / fig_w, 1 - 0.2 * line_pt / ax_h), ncols=2,
              frameon=False, fontsize=size - 1)
    total = len(numbered)
    if total > len(shown):
        ax.text(*at(left, y + 1.1 * line_pt), f"The first {len(shown)} of {total} {' or '.join(statuses)} links "
                "(max_links)", fontsize=size - 1, va="baseline", color="#555555")
        y += 1.1 * line_pt
    y += 1.6 * line_pt
    if not shown:
        ax.text(*at(left, y), f"No {' or '.join(statuses)} links in this comparison.", fontsize=size,
                va="baseline", color="#555555")
    for head, sides in blocks:
        for h in head:
            ax.text(*at(left, y), h, fontsize=size - 1, color="#555555", va="baseline", style="italic")
            y += 0.9 * line_pt
        y += 0.25 * line_pt
        for x0, lines in zip((left, right), sides, strict=True):
            yy = y
            for line in lines:
                for piece, kind, x, w in line:
                    detail = kind is not None and kind != "unmatched"
                    ax.text(*at(x0 + x, yy), piece, fontsize=size, va="baseline",
                            bbox=dict(facecolor=MARK_FILL, edgecolor="none", pad=0.6) if detail else None)
                    if kind is not None:
                        x_a, y_a = at(x0 + x, yy + 0.22 * size)
                        x_b, _ = at(x0 + x + w, yy)
                        ax.plot([x_a, x_b], [y_a, y_a], transform=ax.transAxes, lw=1.5 if detail else 1.2,
                                color=MARK_LINE if detail else "#555555", ls="-" if detail else ":")
                yy += line_pt
        y += (max(len(s) for s in sides) + 0.65) * line_pt
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("")
    return ax


_ALT["plot_marked_links"] = _alt_marked
