"""The side-by-side reading as a two-way Jupyter widget (anywidget): decisions reach Python at once.

    from storydiff.widget import ReviewWidget
    w = ReviewWidget(compare(a, b))   # shows the view; accept, reject, link, notes in the page
    w.comparison                       # the comparison with every decision so far applied
    w.stale                            # decisions whose sentences changed since

Each decision made in the view is appended to ``w.decisions`` (synchronised with the page) and
written at once to the pair's review file (``corpus/reviews/<A>__<B>.json`` for corpus
articles, see :mod:`storydiff.reviews`), so that the next ``compare()`` applies it too.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from .report import _asset, side_by_side_fragment
from .reviews import Decision, apply_decisions, default_path, load_decisions, save_decisions

__all__ = ["ReviewWidget"]

_ESM = _asset("report.js") + """
export default {
  render({ model, el }) {
    el.innerHTML = model.get("html");
    sdInit(el.querySelector(".sd-wrap"), (d) => {
      model.set("decisions", [...model.get("decisions"), d]);
      model.save_changes();
    });
  },
};
"""


class ReviewWidget(anywidget.AnyWidget):
    """Review a comparison in JupyterLab; see the module docstring."""

    _esm = _ESM
    html = traitlets.Unicode("").tag(sync=True)
    decisions = traitlets.List([]).tag(sync=True)

    def __init__(self, comp, path: str | Path | None = None, **kwargs):
        self.path = Path(path) if path is not None else default_path(comp.a, comp.b)
        existing = load_decisions(self.path) if self.path is not None else []
        super().__init__(html=side_by_side_fragment(comp, script=False),
                         decisions=[d.to_dict() for d in existing], **kwargs)
        self._base = comp
        self.comparison = apply_decisions(comp, existing, details=self._details()) if existing else comp
        self.observe(self._on_decisions, names="decisions")

    def _details(self):
        from .compare import link_details

        return link_details(self._base)

    @property
    def stale(self):
        """Decisions that no longer fit the sentences (not applied)."""
        return self.comparison.stale

    def _on_decisions(self, change) -> None:
        decisions = [Decision.from_dict(d) for d in change["new"]]
        if self.path is not None:
            save_decisions(self.path, decisions, self._base.a.id, self._base.b.id)
        self.comparison = apply_decisions(self._base, decisions, details=self._details())
