"""Execute the notebooks top to bottom and (optionally) render them to HTML.

Used by ``make report`` (``python -m storydiff.notebooks --html reports notebooks/*.ipynb``) and
by the test suite. Notebooks run with ``notebooks/`` as the working directory, in a fresh kernel,
so the result does not depend on hidden state.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time
from pathlib import Path

__all__ = ["run_notebook", "offline_html", "main"]

log = logging.getLogger(__name__)


def run_notebook(path: str | Path, *, html_dir: str | Path | None = None, timeout: int = 600,
                 parameters: dict | None = None):
    """Execute one notebook in a fresh kernel; optionally write ``html_dir/<name>.html``.

    Parameters
    ----------
    path : the ``.ipynb`` file (it is not modified).
    html_dir : where to write the rendered HTML, or None.
    timeout : seconds allowed per cell.
    parameters : values that replace the assignments of the cell tagged ``parameters``
        (each ``name = value`` line whose name is given).

    Returns
    -------
    The executed notebook (``nbformat.NotebookNode``).
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    if parameters:
        _inject(nb, parameters)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    client.execute()
    _check_outputs(nb, path)
    if html_dir is not None:
        from nbconvert import HTMLExporter

        from .output import write_text

        body, _ = HTMLExporter().from_notebook_node(_with_alt_text(nb))
        out = Path(html_dir) / (path.stem + ".html")
        out.parent.mkdir(parents=True, exist_ok=True)
        write_text(out, offline_html(body))
    return nb


_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.I | re.S)
_REMOTE_SRC = re.compile(r"\bsrc\s*=\s*[\"']?(?:https?:)?//", re.I)
# what loads code from the network inside a script: import("https://..."), x.src = "https://...",
# widgetRendererSrc = "https://..." (nbconvert's loader of the Jupyter widget manager)
_REMOTE_LOAD = re.compile(r"(?:\bimport\s*\(|src\s*=|\bfetch\s*\(|Url\s*=)\s*[\"'`](?:https?:)?//", re.I)


def offline_html(body: str) -> str:
    """A rendered notebook that loads nothing from the network when opened: scripts that fetch
    from a CDN (nbconvert adds require.js, MathJax, a Mermaid loader and, when a cell showed a
    progress bar, the Jupyter widget manager) are removed. The reports
    need none of them: figures are inline PNG images and tables plain HTML."""
    return _SCRIPT.sub(lambda m: "" if _REMOTE_SRC.search(m.group(1)) or _REMOTE_LOAD.search(m.group(2))
                       else m.group(0), body)


def _with_alt_text(nb):
    """A copy of the notebook whose figures that carry an ``alt`` description (see
    :func:`storydiff.plots.show`) are rendered as ``<img alt=...>``: nbconvert's lab template
    ignores that metadata and writes "No description has been provided"."""
    import copy
    import html

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            alt = out.get("metadata", {}).get("image/png", {}).get("alt")
            if "image/png" in data and alt and "text/html" not in data:
                png = data["image/png"].replace("\n", "")
                data["text/html"] = (f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt, quote=True)}" '
                                     'style="max-width:100%">')
    return nb


class NotebookProblem(RuntimeError):
    """A notebook ran, but a cell printed a traceback (e.g. a figure that failed to draw)."""


def _check_outputs(nb, path) -> None:
    """Fail when a cell's output holds a traceback that did not stop the cell: matplotlib draws
    figures after the cell has finished, and a drawing error is only printed."""
    for k, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            text = out.get("text", "") if out.get("output_type") == "stream" else ""
            if out.get("output_type") == "error" or "Traceback (most recent call last)" in text:
                last = (text.strip().splitlines() or ["error"])[-1] if text else out.get("evalue", "")
                raise NotebookProblem(f"{path}: cell {k} printed an error: {last}")


def _inject(nb, parameters: dict) -> None:
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise ValueError("notebook has no cell tagged 'parameters'")
    lines = cells[0].source.split("\n")
    for name, value in parameters.items():
        for i, line in enumerate(lines):
            if line.split("=")[0].strip() == name:
                lines[i] = f"{name} = {value!r}"
                break
        else:
            raise ValueError(f"parameter {name!r} is not set in the parameters cell")
    cells[0].source = "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m storydiff.notebooks", description=__doc__)
    ap.add_argument("notebooks", nargs="+")
    ap.add_argument("--html", metavar="DIR", help="write HTML renderings to DIR")
    args = ap.parse_args(argv)
    failed = 0
    for nb in args.notebooks:
        t0 = time.perf_counter()
        try:
            run_notebook(nb, html_dir=args.html)
        except Exception as exc:  # report every notebook, then fail
            failed += 1
            print(f"{nb}: FAILED: {str(exc).strip().splitlines()[-1] if str(exc).strip() else exc!r}",
                  file=sys.stderr)
            continue
        where = f" -> {Path(args.html) / (Path(nb).stem + '.html')}" if args.html else ""
        print(f"{nb}: ran in {time.perf_counter() - t0:.1f} s{where}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
