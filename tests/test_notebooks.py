"""Every notebook runs top to bottom, offline, in a fresh kernel (as `make report` runs it)."""

from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    from storydiff.notebooks import run_notebook

    nb = run_notebook(path, html_dir=tmp_path)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert images, "every notebook shows at least one figure"
    # every figure carries a description made from the data, also in the rendered report
    assert all(o.get("metadata", {}).get("image/png", {}).get("alt") for o in images)
    page = (tmp_path / f"{path.stem}.html").read_text(encoding="utf-8")
    assert len(page) > 10_000 and "No description has been provided" not in page


def test_notebooks_are_committed_without_outputs():
    import nbformat

    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name
        tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: one cell tagged 'parameters'"


@pytest.mark.slow
def test_pair_notebooks_work_for_another_pair(tmp_path):
    """The parameters cell is the only thing a user changes to read another pair."""
    from storydiff.notebooks import run_notebook

    other = {"A_ID": "en-legion-calls-soldiers-to-defect", "B_ID": "newsde-de-russen-schiessen-auf-eigene-truppen"}
    nb = run_notebook(NOTEBOOKS[0].parent / "02_one_story_two_languages.ipynb", parameters=other)
    text = "".join(o.get("data", {}).get("text/markdown", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))
    assert "news.de" in text and "Blick" not in text
    nb = run_notebook(NOTEBOOKS[0].parent / "03_what_changed.ipynb",
                      parameters={"A_ID": other["A_ID"], "B_IDS": [other["B_ID"], "en-russian-soldiers-switch-sides"]})
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    text = "".join(o.get("data", {}).get("text/markdown", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))
    # the details of every B, not only the first; no sentence written for the default pair
    assert "news.de (de): changed" in text and ": changed, with what differs" in text
    assert text.count("changed, with what differs") == 2
    assert "Blick" not in text and "Tsarist" not in text


@pytest.mark.slow
def test_trust_notebook_runs_without_shared(tmp_path):
    from storydiff.notebooks import run_notebook

    nb = run_notebook(NOTEBOOKS[0].parent / "05_how_far_to_trust_it.ipynb",
                      parameters={"BENCH": str(tmp_path / "no-such-folder")})
    text = "".join(o.get("data", {}).get("text/markdown", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))
    assert "is not here, so this part is skipped" in text
    assert "link strict" in text  # the corpus gold is still scored
