"""A person's decisions: kept beside the corpus, applied by compare() on every rerun, stale ones
listed and never applied to another sentence."""

import shutil

import pytest

from storydiff.compare import compare
from storydiff.corpus import load_article
from storydiff.evaluate import evaluate, gold_from_review
from storydiff.reviews import Decision, default_path, load_decisions, save_decisions

A_ID = "bild-en-belarusians-russians-fight-for-ukraine"
B_ID = "blick-de-belarussen-russen-kaempfen-fuer-ukraine"


@pytest.fixture
def corpus(tmp_path, corpus_dir):
    """A copy of the seed corpus, so that decisions and edits stay in the test."""
    shutil.copytree(corpus_dir / "articles", tmp_path / "articles")
    return tmp_path


def load(corpus, art_id):
    return load_article(corpus / "articles" / f"{art_id}.md")


def test_decisions_are_applied_on_rerun_and_win(corpus):
    a, b = load(corpus, A_ID), load(corpus, B_ID)
    first = compare(a, b)
    wrong = first.links[0]
    dropped = next(i for i in first.only_a if first.a_units[i].comparable)
    added, teaser = [j for j in first.only_b if first.b_units[j].comparable][:2]
    decisions = [Decision.about(first, "reject", wrong.a, wrong.b, note="not the same statement"),
                 Decision.about(first, "link", [dropped], [added], status="changed", note="drawn by hand"),
                 Decision.about(first, "status", first.links[1].a, first.links[1].b, status="changed"),
                 Decision.about(first, "note", [], [teaser], note="a teaser for the new page")]
    path = default_path(a, b)
    assert path == corpus / "reviews" / f"{A_ID}__{B_ID}.json"
    save_decisions(path, decisions, A_ID, B_ID)
    assert [d.action for d in load_decisions(path)] == ["reject", "link", "status", "note"]

    again = compare(a, b)  # the rerun finds and applies the file
    assert not again.stale and again.settings["reviews"]["decisions"] == 4
    assert (wrong.a, wrong.b) not in {(lk.a, lk.b) for lk in again.links}
    hand = again.link_of("a", dropped)
    assert hand.b == (added,) and hand.reviewed and hand.status == "changed" and hand.note == "drawn by hand"
    assert again.link_of("a", first.links[1].a[0]).status == "changed"
    frame = again.to_frame()
    assert {"reviewed", "note"} <= set(frame.columns)
    assert frame.query("reviewed").shape[0] == 2
    assert "a teaser for the new page" in set(frame.note)
    assert compare(a, b, reviews=False).links == first.links  # the engine's own result is still there
    # a reviewed pair is a gold standard for the engine
    res = evaluate(compare(a, b, reviews=False), gold_from_review(again))
    assert res["link_strict"]["P"] < 1.0 and res["link_strict"]["R"] < 1.0
    assert evaluate(again, gold_from_review(again))["link_strict"]["F1"] == 1.0


def test_a_decision_about_changed_text_is_stale_not_applied(corpus):
    a, b = load(corpus, A_ID), load(corpus, B_ID)
    first = compare(a, b)
    lk = first.links[0]
    save_decisions(default_path(a, b), [Decision.about(first, "reject", lk.a, lk.b)], A_ID, B_ID)
    # the article is edited: the sentence the decision was about reads differently now
    path = corpus / "articles" / f"{A_ID}.md"
    old = first.a_units[lk.a[0]].text
    path.write_text(path.read_text(encoding="utf-8").replace(old, old.rstrip(".") + " today."), encoding="utf-8")
    edited = compare(load(corpus, A_ID), b)
    assert len(edited.stale) == 1 and edited.stale[0].action == "reject"
    assert edited.links == compare(load(corpus, A_ID), b, reviews=False).links  # nothing applied
    assert edited.to_dict()["stale"][0]["a_text"] == [old]


def test_bad_review_file_is_one_clear_error(corpus):
    from storydiff.corpus import CorpusError

    a, b = load(corpus, A_ID), load(corpus, B_ID)
    path = default_path(a, b)
    path.parent.mkdir()
    path.write_text('{"decisions": [{"action": "delete everything"}]}', encoding="utf-8")
    with pytest.raises(CorpusError, match="not a storydiff review file"):
        compare(a, b)


def test_widget_decisions_reach_python_and_the_file_at_once(corpus):
    from storydiff.widget import ReviewWidget

    a, b = load(corpus, A_ID), load(corpus, B_ID)
    comp = compare(a, b)
    w = ReviewWidget(comp)
    assert w.path == default_path(a, b) and w.decisions == []
    assert "function sdInit" in w._esm and "export default" in w._esm and "<script" not in w.html
    lk = comp.links[0]
    # what the page sends when the reader presses "reject" on a link
    w.decisions = [*w.decisions, Decision.about(comp, "reject", lk.a, lk.b).to_dict()]
    assert [d.action for d in load_decisions(w.path)] == ["reject"]
    assert (lk.a, lk.b) not in {(x.a, x.b) for x in w.comparison.links}
    dropped = next(i for i in comp.only_a if comp.a_units[i].comparable)
    added = next(j for j in comp.only_b if comp.b_units[j].comparable)
    w.decisions = [*w.decisions, Decision.about(comp, "link", [dropped], [added]).to_dict()]
    hand = w.comparison.link_of("a", dropped)
    assert hand.reviewed and hand.b == (added,) and hand.status in ("same", "changed")
    # a new widget (next session) starts from the saved decisions, and compare() applies them too
    assert len(ReviewWidget(compare(a, b, reviews=False)).decisions) == 2
    assert compare(a, b).link_of("a", dropped).reviewed


def test_cli_review_writes_the_page_and_takes_in_saved_decisions(corpus, capsys):
    import json

    from storydiff.cli import main

    a_path = corpus / "articles" / f"{A_ID}.md"
    b_path = corpus / "articles" / f"{B_ID}.md"
    assert main(["review", str(a_path), str(b_path), "--no-open"]) == 0
    page = corpus / "reviews" / f"{A_ID}__{B_ID}.html"
    assert page.exists() and "save decisions" in page.read_text(encoding="utf-8")
    comp = compare(load(corpus, A_ID), load(corpus, B_ID))
    lk = comp.links[0]
    saved = corpus / "downloaded.json"
    saved.write_text(json.dumps({"a": A_ID, "b": B_ID,
                                 "decisions": [Decision.about(comp, "reject", lk.a, lk.b).to_dict()]}),
                     encoding="utf-8")
    assert main(["review", str(a_path), str(b_path), "--no-open", "--apply", str(saved)]) == 0
    out = capsys.readouterr().out
    assert "1 new decisions added" in out and "0 decisions no longer fit" in out
    assert main(["review", str(a_path), str(b_path), "--no-open", "--apply", str(saved)]) == 0
    assert "0 new decisions added" in capsys.readouterr().out  # taking the same file twice adds nothing
    assert len(load_decisions(corpus / "reviews" / f"{A_ID}__{B_ID}.json")) == 1


def test_reviewing_bild_blick_against_the_key_gives_the_keys_counts(corpus):
    """The end-to-end case: fix every wrong and missed link (what notebook 05 lists) by decisions,
    rerun, and the headline counts are the key's."""
    _review_against_the_key(corpus)


def _review_against_the_key(corpus):
    import json

    from storydiff.evaluate import load_gold

    a, b = load(corpus, A_ID), load(corpus, B_ID)
    comp = compare(a, b)
    gold = load_gold(corpus_dir_gold())
    key = {(tuple(x["a"]), tuple(x["b"])): x["status"] for x in gold["links"]}
    mine = {(lk.a, lk.b): lk.status for lk in comp.links}
    decisions = [Decision.about(comp, "reject", x, y) for (x, y) in mine if (x, y) not in key]
    decisions += [Decision.about(comp, "link", x, y, status=st) for (x, y), st in key.items() if (x, y) not in mine]
    decisions += [Decision.about(comp, "status", x, y, status=st) for (x, y), st in key.items()
                  if (x, y) in mine and mine[(x, y)] != st]
    save_decisions(default_path(a, b), decisions, A_ID, B_ID)
    reviewed = compare(a, b)
    res = evaluate(reviewed, gold)
    assert res["link_strict"]["F1"] == 1.0 and res["changed"]["F1"] == 1.0
    s = reviewed.summary()
    story_a = {u.id for u in reviewed.a_units if u.comparable}
    same = {i for x in gold["links"] if x["status"] == "same" for i in x["a"]} & story_a
    changed = {i for x in gold["links"] if x["status"] == "changed" for i in x["a"]} & story_a
    assert (s.get("a_same_sentences", 0), s.get("a_changed_sentences", 0)) == (len(same), len(changed))
    assert json.loads(default_path(a, b).read_text(encoding="utf-8"))["decisions"]
    return reviewed


@pytest.mark.slow
def test_after_the_review_notebooks_02_and_03_show_the_corrected_counts(corpus):
    """The reading room's done-when: review the pair (every wrong and missed link of notebook 05),
    rerun notebooks 02 and 03 on that corpus, and see the corrected counts there."""
    from pathlib import Path

    from storydiff.notebooks import run_notebook

    reviewed = _review_against_the_key(corpus)
    s = reviewed.summary()
    counts = (f"tells {s.get('a_same_sentences', 0)} the same way, {s.get('a_changed_sentences', 0)} with a "
              f"change, and drops {s.get('a_dropped_sentences', 0)}")
    before = compare(load(corpus, A_ID), load(corpus, B_ID), reviews=False).summary()
    assert (before.get("a_same_sentences"), before.get("a_changed_sentences")) != (
        s.get("a_same_sentences"), s.get("a_changed_sentences"))  # the review changed something
    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    for name in ("02_one_story_two_languages.ipynb", "03_what_changed.ipynb"):
        nb = run_notebook(notebooks / name, parameters={"CORPUS": str(corpus)})
        shown = "".join(o.get("data", {}).get("text/markdown", "") + o.get("text", "")
                        for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
        assert counts in shown.replace("**", ""), name
        assert "review" in shown.lower(), name  # the notebook says the counts include a person's review


def corpus_dir_gold():
    from conftest import CORPUS

    return CORPUS / "gold" / "bild-en_blick-de.json"
