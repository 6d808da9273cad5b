"""Scoring against answer keys: the comparable-hard truth files, sums over pairs, the threshold curve."""

import json

import pytest

from storydiff.corpus import CorpusError
from storydiff.evaluate import bench_pairs, evaluate_many, explain, load_bench_pair, score_table, threshold_curve


@pytest.fixture
def pair(tmp_path):
    d = tmp_path / "pair_00"
    d.mkdir()
    (d / "a.txt").write_text("Der Bürgermeister hat am Montag die neue Brücke eröffnet.\n"
                             "Mehr als 2000 Menschen kamen zur Feier.\n"
                             "Im Winter war es in den Bergen kalt und neblig.\n", encoding="utf-8")
    (d / "b.txt").write_text("More than 3000 people came to the ceremony.\n"
                             "The mayor opened the new bridge on Monday.\n"
                             "The city also plans a new football stadium near the harbour.\n", encoding="utf-8")
    truth = {"links": [{"a": [0], "b": [1]}, {"a": [1], "b": [0]}], "only_a": [2], "only_b": [2],
             "changed": [{"a": [1], "b": [0], "kind": "number"}]}
    (d / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return d


def test_bench_pair_scored_perfectly_when_right(pair):
    a, b, gold = load_bench_pair(pair)
    assert (a.language, b.language) == ("de", "en")
    assert [x["status"] for x in gold["links"]] == ["same", "changed"]
    res = evaluate_many([(a, b, gold)], presegmented=True)
    for m in ("link_strict", "only_a", "only_b", "changed"):
        assert res[m]["F1"] == 1.0, m
    assert res["errors"] == {"wrong_links": [], "missed_links": []}
    table = score_table(res)
    assert table.loc["link_strict", "right / predicted"] == "2 / 2"
    assert "of the 2 links, 2 are exactly right" in explain(res)


def test_sums_are_micro_over_pairs(pair):
    a, b, gold = load_bench_pair(pair)
    wrong = dict(gold, links=[{"a": [0], "b": [0], "status": "same"}], only_a=[1, 2], only_b=[1, 2])
    res = evaluate_many([(a, b, gold), (a, b, wrong)], presegmented=True)
    assert (res["link_strict"]["right_pred"], res["link_strict"]["n_pred"]) == (2, 4)
    assert (res["link_strict"]["found_gold"], res["link_strict"]["n_gold"]) == (2, 3)
    assert len(res["errors"]["wrong_links"]) == 2


def test_threshold_curve_trades_precision_for_recall(pair):
    items = [load_bench_pair(pair)]
    curve = threshold_curve(items, [0.1, 1.01], presegmented=True)  # confidence a link needs
    strict = curve[curve.metric == "link_strict"].set_index("threshold")
    assert strict.loc[0.1, "R"] == 1.0
    assert strict.loc[1.01, "n_pred"] == 0 and strict.loc[1.01, "R"] == 0.0  # nothing passes
    only_a = curve[curve.metric == "only_a"].set_index("threshold")
    assert only_a.loc[1.01, "n_pred"] == 3  # every sentence is left without a partner


def test_bad_truth_file_is_named(pair):
    (pair / "truth.json").write_text("{}", encoding="utf-8")
    with pytest.raises(CorpusError, match="truth.json: not a comparable-hard truth file"):
        load_bench_pair(pair)


def test_bench_pairs_missing_folder_is_empty(tmp_path, pair):
    assert bench_pairs(tmp_path / "nowhere") == []
    assert [p.name for p in bench_pairs(pair.parent)] == ["pair_00"]
