"""The side-by-side reading: two articles as two columns, each sentence coloured by status.

Clicking (or focusing with the keyboard) a sentence highlights its partner(s) in the other column
and shows the similarity and the details that differ. All article text is HTML-escaped, so a
``<script>`` inside an article shows as text and never runs.
"""

from __future__ import annotations

import html
import json
import uuid

from .plots import STATUS_COLORS

__all__ = ["side_by_side_fragment", "side_by_side_html"]

_LABEL = {"same": "same", "changed": "changed", "dropped": "dropped by B", "added": "added by B",
          "furniture": "page furniture (not compared)"}

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
    parts = [f"<div class='sd-col'><h3>{'A' if side == 'a' else 'B'}: {html.escape(art.label)}</h3>"]
    para = None
    for u, st in zip(units, status, strict=True):
        if para is not None and u.paragraph != para:
            parts.append("<div style='height:.5em'></div>")
        para = u.paragraph
        k = link_index.get(u.id)
        moved = k is not None and comp.links[k].moved
        cls = f"sd-u sd-{st}" + (" sd-moved" if moved else "")
        focus = "" if st == "furniture" else " tabindex='0'"
        parts.append(
            f"<span class='{cls}' data-side='{side}' data-id='{u.id}' data-link='{'' if k is None else k}' "
            f"data-status-label='{html.escape(_LABEL[st])}' title='{html.escape(_LABEL[st])}'{focus}>"
            f"{html.escape(u.text)}</span>"
        )
    parts.append("</div>")
    return "".join(parts)


def side_by_side_fragment(comp) -> str:
    """HTML fragment (for Jupyter): legend, info line, and the two columns with their script."""
    rid = "sd-" + uuid.uuid4().hex[:10]
    links = [{"a": list(lk.a), "b": list(lk.b), "status": lk.status, "moved": lk.moved,
              "similarity": lk.similarity, "details": [d.to_dict() for d in lk.details]}
             for lk in comp.links]
    legend = "".join(
        f"<span><i style='background:{STATUS_COLORS[s]}'></i>{html.escape(_LABEL[s])}</span>"
        for s in ("same", "changed", "dropped", "added"))
    s = comp.summary()
    headline = (f"B keeps {s.get('a_same_sentences', 0)} of A's sentences, changes "
                f"{s.get('a_changed_sentences', 0)}, drops {s.get('a_dropped_sentences', 0)}, and adds "
                f"{s.get('b_added_sentences', 0)} of its own. Encoder: {comp.settings.get('encoder')}.")
    data = html.escape(json.dumps(links, ensure_ascii=False), quote=True)
    return (
        f"<style>{_asset('report.css')}</style><div class='sd-wrap' id='{rid}' data-links=\"{data}\">"
        f"<p>{html.escape(headline)}</p><div class='sd-legend'>{legend}"
        "<span>⇄ moved: told in another place</span></div>"
        "<div class='sd-info' aria-live='polite'>Click a sentence to see its partner.</div>"
        f"<div class='sd-cols'>{_column(comp, 'a')}{_column(comp, 'b')}</div></div>"
        f"<script>{_asset('report.js').replace('__ROOT_ID__', rid)}</script>"
    )


def side_by_side_html(comp) -> str:
    """A complete, self-contained HTML page of the side-by-side reading."""
    title = html.escape(f"storydiff: {comp.a.label} vs {comp.b.label}")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"</head><body><h2>{title}</h2>{side_by_side_fragment(comp)}</body></html>")
