"""A person's decisions about a comparison, kept beside the corpus and applied on every rerun.

No aligner is always right, so a result is citable only after a person has checked it. A
scholar can

- **accept** a link or a pair offered for review (it becomes a reviewed link),
- **reject** a link (its sentences count as dropped and added),
- **link** sentences by hand (they leave whatever links they were in),
- set a link's **status** (``same`` / ``changed``),
- write a **note** on a link or on a single sentence.

Decisions live in one JSON file per pair, ``corpus/reviews/<A id>__<B id>.json`` by default (see
:func:`default_path`). Each decision stores the texts of the sentences it is about: when a text
changed since (the article was edited, or the segmentation changed), the decision is **stale**:
it is listed on the comparison (``Comparison.stale``) and never applied to a different sentence.
:func:`storydiff.compare.compare` applies the decisions of a pair on every run; reviewed links are
marked (``Link.reviewed``) and win over the engine.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

__all__ = ["ACTIONS", "Decision", "apply_decisions", "default_path", "load_decisions", "save_decisions"]

ACTIONS = ("accept", "reject", "link", "status", "note")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Decision:
    """One decision about sentences ``a`` of A and ``b`` of B (unit ids), whose texts were
    ``a_text`` / ``b_text`` when it was made."""

    action: str
    a: tuple[int, ...] = ()
    b: tuple[int, ...] = ()
    a_text: tuple[str, ...] = ()
    b_text: tuple[str, ...] = ()
    status: str | None = None  # for "status" (and optionally "accept" / "link")
    note: str = ""
    when: str = field(default_factory=lambda: _now())

    def to_dict(self) -> dict:
        return {"action": self.action, "a": list(self.a), "b": list(self.b), "a_text": list(self.a_text),
                "b_text": list(self.b_text), "status": self.status, "note": self.note, "when": self.when}

    @classmethod
    def from_dict(cls, d: dict) -> Decision:
        action = d.get("action")
        if action not in ACTIONS:
            raise ValueError(f"unknown decision {action!r}; one of {', '.join(ACTIONS)}")
        status = d.get("status")
        if status not in (None, "same", "changed"):
            raise ValueError(f"status must be 'same' or 'changed', not {status!r}")
        return cls(action, tuple(int(x) for x in d.get("a", [])), tuple(int(x) for x in d.get("b", [])),
                   tuple(str(x) for x in d.get("a_text", [])), tuple(str(x) for x in d.get("b_text", [])),
                   status, str(d.get("note") or ""), str(d.get("when") or _now()))

    @classmethod
    def about(cls, comp, action: str, a=(), b=(), **kw) -> Decision:
        """A decision about units ``a``/``b`` of ``comp``, with their current texts as its key."""
        return cls.from_dict({"action": action, "a": list(a), "b": list(b),
                              "a_text": [comp.a_units[i].text for i in a],
                              "b_text": [comp.b_units[j].text for j in b], **kw})

    def describe(self) -> str:
        ids = f"A{list(self.a)} / B{list(self.b)}"
        extra = f" ({self.status})" if self.status else ""
        return f"{self.action}{extra} {ids}" + (f": {self.note}" if self.note else "")


def default_path(a, b) -> Path | None:
    """``<corpus>/reviews/<A id>__<B id>.json`` for two articles loaded from a corpus folder
    (``corpus/articles/x.md`` -> ``corpus/reviews/``); None when A was not loaded from a file."""
    if not a.source:
        return None
    folder = Path(a.source).resolve().parent
    root = folder.parent if folder.name == "articles" else folder
    return root / "reviews" / f"{a.id}__{b.id}.json"


def load_decisions(path: str | Path) -> list[Decision]:
    """The decisions in a file (a missing file has none)."""
    from .corpus import CorpusError, read_text_file

    p = Path(path)
    if not p.exists():
        return []
    try:
        data = json.loads(read_text_file(p))
        rows = data["decisions"] if isinstance(data, dict) else data
        return [Decision.from_dict(d) for d in rows]
    except (ValueError, KeyError, TypeError) as exc:
        raise CorpusError(f"{p}: not a storydiff review file ({exc})") from None


def save_decisions(path: str | Path, decisions, a_id: str = "", b_id: str = "") -> Path:
    """Write decisions (atomically, :mod:`storydiff.output`), creating the reviews folder."""
    from .output import write_text

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    doc = {"a": a_id, "b": b_id, "decisions": [d.to_dict() for d in decisions]}
    return write_text(p, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")


def _fresh(comp, d: Decision) -> bool:
    """The decision's sentences are still the sentences it was made about."""
    for ids, texts, units in ((d.a, d.a_text, comp.a_units), (d.b, d.b_text, comp.b_units)):
        if len(ids) != len(texts):
            return False
        for i, t in zip(ids, texts, strict=True):
            if not (0 <= i < len(units)) or units[i].text != t:
                return False
    return bool(d.a or d.b)


def _still_open(r, links, used_a: set, used_b: set):
    """A review pair as it stands after the decisions, or None when it is decided: its new
    sentences went into a link, or the link it would grow is gone. When that link was grown by
    another decision, the pair now grows the grown link."""
    if set(r.new_a) & used_a or set(r.new_b) & used_b:
        return None
    if r.extends is None:
        return r
    for lk in links:
        if (lk.a, lk.b) == r.extends:
            return r
        if set(r.extends[0]) <= set(lk.a) and set(r.extends[1]) <= set(lk.b):
            return replace(r, a=tuple(sorted({*lk.a, *r.new_a})), b=tuple(sorted({*lk.b, *r.new_b})),
                           extends=(lk.a, lk.b))
    return None


def apply_decisions(comp, decisions, *, details=None):
    """``comp`` with the decisions applied, in order (a later decision wins).

    ``details``: ``f(a_ids, b_ids) -> (status, details tuple, marks tuple)`` for links drawn by
    hand (compare() passes its own); without it such links are ``same`` with no details.
    Returns a new :class:`~storydiff.compare.Comparison` whose ``stale`` lists the decisions that
    no longer fit the texts.
    """
    from .compare import Link

    links = list(comp.links)
    notes: dict[tuple[str, int], str] = {}
    stale = []
    sims = []  # the unit similarities, computed once when a link is drawn by hand

    def find(a, b):
        return next((k for k, lk in enumerate(links) if lk.a == a and lk.b == b), None)

    def draw(a, b, status, note):
        # the units leave the links they were in; a hand-drawn link is reviewed
        for k in reversed(range(len(links))):
            if set(links[k].a) & set(a) or set(links[k].b) & set(b):
                del links[k]
        if not sims:
            sims.append(comp.similarity_matrix())
        sim = float(sims[0][np.ix_(list(a), list(b))].max())
        st, dets, marks = details(a, b) if details is not None else ("same", (), ())
        links.append(Link(a, b, round(sim, 4), status or st, False, dets, None, marks, True, note))

    for d in decisions:
        if not _fresh(comp, d):
            stale.append(d)
            continue
        k = find(d.a, d.b)
        if d.action == "reject":
            if k is not None:
                del links[k]
        elif d.action in ("accept", "link"):
            if k is not None:
                lk = links[k]
                links[k] = replace(lk, reviewed=True, status=d.status or lk.status, note=d.note or lk.note)
            elif d.a and d.b:
                draw(d.a, d.b, d.status, d.note)
        elif d.action == "status":
            if k is not None and d.status:
                links[k] = replace(links[k], status=d.status, reviewed=True)
            else:
                stale.append(d)
        elif d.action == "note":
            if k is not None:
                links[k] = replace(links[k], note=d.note)
            else:
                for side, ids in (("a", d.a), ("b", d.b)):
                    for i in ids:
                        notes[(side, i)] = d.note
    links.sort(key=lambda lk: (lk.a[0], lk.b[0]))
    used_a = {i for lk in links for i in lk.a}
    used_b = {j for lk in links for j in lk.b}
    review = tuple(x for x in (_still_open(r, links, used_a, used_b) for r in comp.review) if x is not None)
    return replace(comp, links=tuple(links),
                   only_a=tuple(i for i in range(len(comp.a_units)) if i not in used_a),
                   only_b=tuple(j for j in range(len(comp.b_units)) if j not in used_b),
                   review=review, stale=tuple(stale), notes=notes)
