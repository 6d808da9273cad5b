"""The side-by-side reading: two articles as two columns, each sentence coloured by status.

Clicking (or focusing with the keyboard) a sentence highlights its partner(s) in the other column
and shows the similarity and the details that differ. All article text is HTML-escaped, so a
``<script>`` inside an article shows as text and never runs.
"""

from __future__ import annotations

import html
import json
import uuid

from .plots import STATUS_COLORS, shorten

__all__ = ["describe", "md_escape", "reading_table", "shorten", "text_table", "side_by_side_fragment",
           "side_by_side_html"]

_LABEL = {"same": "same", "changed": "changed", "dropped": "dropped by B", "added": "added by B",
          "furniture": "page furniture (not compared)", "review": "needs review"}

def _asset(name: str) -> str:
    from importlib.resources import files

    return files("storydiff").joinpath(name).read_text(encoding="utf-8")


def _column(comp, side: str) -> str:
    units = comp.a_units if side == "a" else comp.b_units
    art = comp.a if side == "a" else comp.b
    status = comp.unit_status(side)
    link_index = {}
    for k, lk in enumerate(comp.links):
        for i in getattr(lk, side):
            link_index[i] = k
    marks: dict[int, list] = {}
    for lk in comp.links:
        for m in lk.marks:
            if m.side == side:
                marks.setdefault(m.unit, []).append(m)
    in_review: dict[int, list[int]] = {}
    for k, r in enumerate(comp.review):
        for i in getattr(r, f"new_{side}"):  # a sentence already linked keeps its link's look
            in_review.setdefault(i, []).append(k)
    parts = [f"<div class='sd-col' data-side='{side}'><h3>{'A' if side == 'a' else 'B'}: {html.escape(art.label)}</h3>"
             "<div class='sd-scroll'>"]
    para = None
    for u, st in zip(units, status, strict=True):
        if para is not None and u.paragraph != para:
            parts.append("<div style='height:.5em'></div>")
        para = u.paragraph
        k = link_index.get(u.id)
        moved = k is not None and comp.links[k].moved
        rev = in_review.get(u.id, [])
        reviewed = k is not None and comp.links[k].reviewed
        cls = (f"sd-u sd-{st}" + (" sd-moved" if moved else "") + (" sd-review" if rev else "")
               + (" sd-reviewed" if reviewed else ""))
        focus = "" if st == "furniture" else " tabindex='0'"
        label = _LABEL[st] + ("; needs review: may match a sentence of the other article" if rev else "")
        kinds = " ".join(sorted({d.kind for d in comp.links[k].details})) if k is not None else ""
        parts.append(
            f"<span class='{cls}' data-side='{side}' data-id='{u.id}' data-link='{'' if k is None else k}' "
            f"data-review='{' '.join(map(str, rev))}' data-kinds='{kinds}' "
            f"data-status-label='{html.escape(label)}' title='{html.escape(label)}'{focus}>"
            f"{_marked_spans(u.text, [(m.start, m.end, m.kind) for m in marks.get(u.id, [])])}</span>"
        )
    parts.append("</div></div>")
    return "".join(parts)


_FILTERS = (("all", "everything"), ("changed", "changed"), ("dropped", "dropped by B"), ("added", "added by B"),
            ("review", "needs review"), ("same", "same"), ("number", "a number differs"),
            ("name", "a name differs"), ("date", "a date or day differs"), ("time", "a time differs"),
            ("quote", "a quotation differs"), ("attribution", "the source differs"), ("partial", "only part matches"),
            ("extra", "one side says more"))
_TOOLS = (
    "<div class='sd-tools'><button type='button' class='sd-prev' title='previous change (p)'>◀ previous</button>"
    "<button type='button' class='sd-next' title='next change (n)'>next ▶</button>"
    "<label>show <select class='sd-filter'>"
    + "".join(f"<option value='{v}'>{html.escape(t)}</option>" for v, t in _FILTERS)
    + "</select></label><label>find <input type='search' class='sd-search' size='18' "
    "placeholder='word in either article'></label><span class='sd-count'></span>"
    "<span class='sd-keys'>keys: n / p next and previous change; Enter in the search box: next hit</span></div>"
)


_MARK_TITLE = {"number": "number differs", "name": "name differs", "date": "date or day differs",
               "time": "time differs", "quote": "quotation differs", "attribution": "source differs",
               "unmatched": "no counterpart on the other side"}


_REVIEW_TOOLS = (
    "<div class='sd-tools sd-review-tools'><span>your review:</span>"
    "<button type='button' class='sd-accept' title='the clicked link (or pair offered for review) is right'>"
    "accept</button><button type='button' class='sd-reject' title='the clicked link is wrong'>reject</button>"
    "<button type='button' class='sd-link-btn' title='link the clicked sentence with one you click next'>"
    "link to…</button><button type='button' class='sd-same-btn'>same</button>"
    "<button type='button' class='sd-changed-btn'>changed</button>"
    "<input type='text' class='sd-note' size='24' placeholder='note on the clicked sentence'>"
    "<button type='button' class='sd-add-note'>add note</button>"
    "<button type='button' class='sd-save' disabled>save decisions (0)</button></div>"
)


def _stale(comp) -> str:
    if not comp.stale:
        return ""
    items = "".join(f"<li>{html.escape(d.describe())}</li>" for d in comp.stale)
    return (f"<div class='sd-story'><b>{len(comp.stale)} earlier decision{'s' if len(comp.stale) > 1 else ''} "
            f"no longer fit the text (a sentence changed) and {'were' if len(comp.stale) > 1 else 'was'} not "
            f"applied:</b><ul>{items}</ul></div>")


def side_by_side_fragment(comp, *, script: bool = True) -> str:
    """HTML fragment (for Jupyter): legend, info line, and the two columns with their script
    (``script=False``: without it, for the review widget, which starts the view itself)."""
    rid = "sd-" + uuid.uuid4().hex[:10]
    links = [{"a": list(lk.a), "b": list(lk.b), "status": lk.status, "moved": lk.moved,
              "similarity": lk.similarity, "confidence": lk.confidence,
              "details": [d.in_words() for d in lk.details]}
             for lk in comp.links]
    review = [{"a": list(r.a), "b": list(r.b), "confidence": r.confidence, "grows": bool(r.extends)}
              for r in comp.review]
    legend = "".join(
        f"<span><i style='background:{STATUS_COLORS[s]}'></i>{html.escape(_LABEL[s])}</span>"
        for s in ("same", "changed", "dropped", "added")) + (
        "<span><i class='sd-review-mark'></i>needs review</span>" if comp.review else "")
    s = comp.summary()
    headline = (f"B keeps {s.get('a_same_sentences', 0)} of A's sentences, changes "
                f"{s.get('a_changed_sentences', 0)}, drops {s.get('a_dropped_sentences', 0)}, and adds "
                f"{s.get('b_added_sentences', 0)} of its own. Encoder: {comp.settings.get('encoder')}.")
    data = html.escape(json.dumps(links, ensure_ascii=False), quote=True)
    rdata = html.escape(json.dumps(review, ensure_ascii=False), quote=True)
    story = ""
    if comp.story is not None and not comp.story.same_story:
        story = f"<p class='sd-story'><b>{html.escape(comp.story.in_words())}</b></p>"
    return (
        f"<style>{_asset('report.css')}</style><div class='sd-wrap' id='{rid}' data-links=\"{data}\" "
        f"data-review=\"{rdata}\" data-a-id=\"{html.escape(comp.a.id, quote=True)}\" "
        f"data-b-id=\"{html.escape(comp.b.id, quote=True)}\">"
        f"{story}<p>{html.escape(headline)}</p><div class='sd-legend'>{legend}"
        "<span>⇄ moved: told in another place</span>"
        "<span><mark class='sd-w sd-w-number'>word</mark> a detail differs</span>"
        "<span><mark class='sd-w sd-w-unmatched'>word</mark> no counterpart</span></div>"
        f"{_stale(comp)}<div class='sd-bar'>{_TOOLS}{_REVIEW_TOOLS}"
        "<div class='sd-info' aria-live='polite'>Click a sentence to see its partner.</div></div>"
        f"<div class='sd-cols'>{_column(comp, 'a')}<div class='sd-gutter' aria-hidden='true'><svg></svg></div>"
        f"{_column(comp, 'b')}</div></div>"
        + (f"<script>(function(){{{_asset('report.js')}\nsdInit(document.getElementById('{rid}'), null);}})();</script>"
           if script else "")
    )


def md_escape(text: str, width: int | None = 160) -> str:
    r"""Article text or metadata made safe for Markdown, the one place it passes on its way into a
    notebook's Markdown: shortened to ``width`` characters (None: not shortened), HTML escaped
    (``<script>`` shows as text), Markdown marks and ``$`` (which starts a formula) backslashed.

    >>> print(md_escape("Bild</h3><script>x=1</script> costs $5 *now*"))
    Bild&lt;/h3&gt;&lt;script&gt;x=1&lt;/script&gt; costs \$5 \*now\*
    """
    import re

    short = " ".join(text.split()) if width is None else shorten(text, width)
    return re.sub(r"([\\`*_\[\]#|$~])", r"\\\1", html.escape(short, quote=False))


def _who(art) -> str:
    return art.outlet or art.id


def _review_words(comp) -> str:
    info = comp.settings.get("reviews")
    if not info:
        return ""
    reviewed = sum(lk.reviewed for lk in comp.links)
    stale = (f"; {info['stale']} of them no longer fit the text (a sentence changed) and were not applied"
             if info["stale"] else "")
    return (f" A person's review is applied: {info['decisions']} decisions{stale}; {reviewed} links are "
            "reviewed.")


def describe(comp, *, examples: int = 3) -> str:
    """What B keeps, changes, drops and adds, in plain words (Markdown), with example sentences.

    Every article text in the result is escaped, so it renders as text.

    Example
    -------
    >>> from IPython.display import Markdown  # doctest: +SKIP
    >>> Markdown(describe(comparison))  # doctest: +SKIP
    """
    a, b = md_escape(_who(comp.a)), md_escape(_who(comp.b))
    s = comp.summary()
    total = sum(s.get(f"a_{k}_sentences", 0) for k in ("same", "changed", "dropped"))
    lines = []
    if comp.story is not None and not comp.story.same_story:  # said first, before any count
        lines += [f"**{html.escape(comp.story.in_words(), quote=False)}**", ""]
    lines += [
        f"Of the {total} story sentences of **{a}** (A), **{b}** (B) tells "
        f"{s.get('a_same_sentences', 0)} the same way, {s.get('a_changed_sentences', 0)} with a change, "
        f"and drops {s.get('a_dropped_sentences', 0)}. {b} adds {s.get('b_added_sentences', 0)} "
        f"sentence{'' if s.get('b_added_sentences', 0) == 1 else 's'} of its own."
        + (f" Each link has a *confidence* (0 to 1): the judged chance that a person would draw it; "
           f"{len(comp.review)} more pair{'s' if len(comp.review) != 1 else ''} of free sentences "
           "may be links too and need review (their sentences count as dropped and added until a person accepts them)."
           if comp.settings.get("order") == "free" else "")
        + (" " + html.escape(comp.story.in_words(), quote=False)
           if comp.story is not None and comp.story.same_story else "")
        + _review_words(comp), ""]
    frame = comp.to_frame()
    for status, verb, col in (("dropped", f"{b} drops", "a_text"), ("added", f"{b} adds", "b_text"),
                              ("changed", f"{b} changes", None)):
        rows = frame[frame.status == status]
        if status == "changed":  # a differing number, name or quotation says more than "partial" or "extra"
            rows = rows.iloc[rows.details.str.startswith(("only part", "more said")).argsort(kind="stable")]
        if rows.empty:
            lines.append(f"- **{verb}** nothing.")
            continue
        more = f" ({len(rows) - examples} more in the table)" if len(rows) > examples else ""
        lines.append(f"- **{verb}** {len(rows)} sentence{'s' if len(rows) != 1 else ''}, for example{more}:")
        for r in rows.head(examples).itertuples():
            if col:
                lines.append(f"  - “{md_escape(getattr(r, col))}”")
            else:
                lines.append(f"  - A: “{md_escape(r.a_text, 110)}” → B: “{md_escape(r.b_text, 110)}” "
                             f"(*{md_escape(r.details, 200)}*)")
    return "\n".join(lines)


_COLUMNS = {"status": "status", "a_text": "A says", "b_text": "B says", "details": "what differs",
            "similarity": "similarity"}


def reading_table(comp, status: str | None = None):
    """Rows of :meth:`Comparison.to_frame` for reading: whole sentences, wrapped, left aligned.

    Parameters
    ----------
    status : keep only rows of this status (``same``, ``changed``, ``dropped``, ``added``).

    Returns
    -------
    A pandas ``Styler`` (renders as an HTML table in Jupyter; ``.data`` is the DataFrame).
    """
    frame = comp.to_frame()
    if status is not None:
        if status not in ("same", "changed", "dropped", "added"):
            raise ValueError(f"status must be same, changed, dropped or added, not {status!r}")
        frame = frame[frame.status == status]
    cols = [c for c in _COLUMNS if c in frame and (status is None or c != "status")]
    if status in ("dropped", "added"):
        cols = ["a_text" if status == "dropped" else "b_text"]
    styler = text_table(frame[cols].rename(columns=_COLUMNS))
    # the words that differ, marked in the whole sentences as in the side-by-side view
    for side in ("a", "b"):
        col = _COLUMNS[f"{side}_text"]
        if col not in styler.data:
            continue
        marks = {t: m for t, m in zip(frame[f"{side}_text"], frame[f"{side}_marks"], strict=True) if m}
        styler = styler.format(lambda t, marks=marks: _marked_spans(t, marks.get(t, []), inline_style=True),
                               subset=[col],
                               escape=None)
    return styler


def _marked_spans(text, spans, *, inline_style: bool = False) -> str:
    """``text`` HTML-escaped, with ``(start, end, kind)`` spans inside <mark> elements (styled by
    report.css, or inline where that style sheet is absent: the pandas tables)."""
    if not isinstance(text, str):
        return ""
    out, pos = [], 0
    for s, e, kind in sorted(spans, key=lambda x: (x[0], -x[1])):
        if s < pos or e > len(text):
            continue
        style = f" style='{_MARK_STYLE.get(kind, _MARK_STYLE['number'])}'" if inline_style else ""
        out += [html.escape(text[pos:s]), f"<mark class='sd-w sd-w-{html.escape(kind)}' "
                f"title='{_MARK_TITLE.get(kind, kind)}'{style}>{html.escape(text[s:e])}</mark>"]
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


_MARK_STYLE = {"unmatched": "background:none;border-bottom:2px dotted #555",
               "number": "background:#ffd58a"}


def text_table(frame):
    """Any table of sentences for reading: numbered from 1, wrapped, left aligned, HTML escaped.

    Parameters
    ----------
    frame : a pandas DataFrame (for a list of pairs: ``pandas.DataFrame(pairs, columns=[...])``).

    Returns
    -------
    A pandas ``Styler``.
    """
    view = frame.reset_index(drop=True)
    view.index = view.index + 1
    return (view.style.set_properties(**{"text-align": "left", "white-space": "normal",
                                         "vertical-align": "top"})
            .set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
            .format(precision=2, na_rep="", escape="html"))


def side_by_side_html(comp) -> str:
    """A complete, self-contained HTML page of the side-by-side reading."""
    title = html.escape(f"storydiff: {comp.a.label} vs {comp.b.label}")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"</head><body><h2>{title}</h2>{side_by_side_fragment(comp)}</body></html>")
