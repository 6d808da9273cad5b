"""Figures: each draws what the comparison says, in the shared colours, with readable labels."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.patches import Polygon, Rectangle  # noqa: E402

from storydiff import plots  # noqa: E402
from storydiff.compare import compare  # noqa: E402
from storydiff.corpus import Article  # noqa: E402

A_TEXT = ("Der Bürgermeister hat am Montag die neue Brücke eröffnet.\n\n"
          "Mehr als 2000 Menschen kamen zur Feier.\n\n"
          "Die Bauarbeiten dauerten vier Jahre.\n\n"
          "Im Winter war es in den Bergen kalt und neblig.")
B_TEXT = ("Construction took four years.\n\n"
          "The mayor opened the new bridge on Monday.\n\n"
          "More than 3000 people came to the ceremony.\n\n"
          "The city also plans a new football stadium near the harbour.")


@pytest.fixture(scope="module")
def comp():
    a = Article(id="a", language="de", outlet="Zeitung", text=A_TEXT)
    b = Article(id="b", language="en", outlet="Paper", text=B_TEXT)
    return compare(a, b)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_the_small_pair_is_what_the_figures_show(comp):
    # the figures below are checked against this comparison
    assert sorted((lk.a, lk.b, lk.status) for lk in comp.links) == [
        ((0,), (1,), "same"), ((1,), (2,), "changed"), ((2,), (0,), "same")]
    assert comp.only_a == (3,) and comp.only_b == (3,)


def test_similarity_map_outlines_each_link_in_its_status_colour(comp):
    ax = plots.plot_similarity(comp)
    boxes = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(boxes) == len(comp.links)
    colours = sorted(to_hex(p.get_edgecolor()) for p in boxes)
    assert colours == sorted(plots.STATUS_COLORS[lk.status].lower() for lk in comp.links)
    # one box sits on the cell of A0 x B1
    assert any(p.get_xy() == (0.5, -0.5) for p in boxes)
    ylabels = ax.get_yticklabels()
    assert len(ylabels) == 4 and ylabels[0].get_text().startswith("A0: Der Bürgermeister")
    assert to_hex(ylabels[3].get_color()) == plots.STATUS_COLORS["dropped"].lower()
    assert to_hex(ax.get_xticklabels()[3].get_color()) == plots.STATUS_COLORS["added"].lower()


def test_similarity_map_uses_given_matrix(comp):
    sims = comp.similarity_matrix()
    assert sims.shape == (len(comp.a_units), len(comp.b_units))
    assert sims[0, 1] == pytest.approx(max(lk.similarity for lk in comp.links if lk.a == (0,)), abs=1e-3)
    ax = plots.plot_similarity(comp, sims=sims * 0 + 0.5)
    assert (ax.images[0].get_array() == 0.5).all()


def test_ribbons_one_per_link_and_unmatched_marked(comp):
    ax = plots.plot_alignment(comp)
    ribbons = [p for p in ax.patches if isinstance(p, Polygon)]
    assert len(ribbons) == len(comp.links)
    assert sorted(to_hex(p.get_facecolor()) for p in ribbons) == sorted(
        plots.STATUS_COLORS[lk.status].lower() for lk in comp.links)
    bands = [to_hex(p.get_facecolor()) for p in ax.patches if isinstance(p, Rectangle)]
    assert sorted(bands) == sorted([plots.STATUS_COLORS["dropped"].lower(), plots.STATUS_COLORS["added"].lower()])
    texts = [t.get_text() for t in ax.texts]
    assert any(t.startswith("A3: Im Winter") for t in texts)
    assert any(t.startswith("B3: The city also plans") for t in texts)


def test_long_sentences_are_shortened(comp):
    long = Article(id="l", language="en", text="The mayor " + "very " * 60 + "happily opened the bridge on Monday.")
    c = compare(comp.a, long)
    ax = plots.plot_alignment(c, width=40)
    assert all(len(t.get_text()) <= 40 + 6 for t in ax.texts if t.get_text().startswith("B0"))
    assert all(len(t.get_text()) <= 40 + 6 for t in plots.plot_similarity(c, width=40).get_xticklabels())


def test_summary_table_and_bars(comp):
    table = plots.summary_table(comp)
    sent = table[table.measure == "sentences"].iloc[0]
    assert (sent["same"], sent["changed"], sent["dropped"], sent["added"]) == (2, 1, 1, 1)
    assert sent[["same_pct", "changed_pct", "dropped_pct"]].sum() == pytest.approx(100)
    words = table[table.measure == "words"].iloc[0]
    assert words["dropped"] == 10 and words["added"] == 11  # "Im Winter ... neblig." / "The city ... harbour."
    ax = plots.plot_summary([comp, comp])
    assert len(ax.get_yticklabels()) == 4
    # A's part of each bar ends at 100 %, B's additions start after it
    ends = {}
    for p in ax.patches:
        y = round(p.get_y() + p.get_height() / 2)
        ends.setdefault(y, []).append((p.get_x(), p.get_x() + p.get_width(), to_hex(p.get_facecolor())))
    for bars in ends.values():
        a_part = [b for b in bars if b[2] != plots.STATUS_COLORS["added"].lower()]
        assert max(b[1] for b in a_part) == pytest.approx(100)
        added = [b for b in bars if b[2] == plots.STATUS_COLORS["added"].lower()]
        assert added[0][0] > 100


def test_threshold_curve():
    curve = pd.DataFrame({"threshold": [0, 1, 2] * 2, "P": [0.5, 0.7, 0.9] * 2, "R": [0.9, 0.7, 0.4] * 2,
                          "F1": [0.6, 0.7, 0.55] * 2, "label": ["x"] * 3 + ["y"] * 3})
    ax = plots.plot_threshold_curve(curve, current=1.0)
    assert len(ax.lines) == 6 + 1  # P, R, F1 for two labels, and the default line
    assert list(ax.lines[0].get_ydata()) == [0.5, 0.7, 0.9]
    with pytest.raises(ValueError, match="several metrics"):
        plots.plot_threshold_curve(curve.assign(metric=["a", "b"] * 3))


def test_fact_matrix_figure(articles):
    from storydiff.facts import Fact, Facts

    arts = tuple(list(articles.values())[:3])
    facts = Facts(arts, (Fact(1, {arts[0].id: 0, arts[1].id: 2}, {arts[0].id: "x", arts[1].id: "y"},
                              {arts[0].id: "same", arts[1].id: "changed"}),
                         Fact(2, {arts[2].id: 1}, {arts[2].id: "z"}, {arts[2].id: "same"})))
    ax = plots.plot_fact_matrix(facts)
    grid = ax.images[0].get_array()
    assert grid.tolist() == [[0, 1, 2]]  # only the shared fact is drawn: same, changed, absent
    assert len(ax.get_yticklabels()) == 1 and ax.get_yticklabels()[0].get_text() == "1: x"


def test_timeline_with_story_groups(articles):
    from storydiff.stories import Stories, corpus_table

    ids = list(articles)
    stories = Stories(((ids[0], ids[1]),) + tuple((i,) for i in ids[2:]), ())
    ax = plots.plot_corpus_timeline(corpus_table(list(articles.values())), groups=stories)
    assert len(ax.lines) == 2  # the group line and the "date unknown" separator
    assert ax.get_legend().get_texts()[0].get_text() == "story 1 (2 articles)"


def _drawn_words(ax):
    """(text, its box on the canvas in pixels, highlighted) of each word piece the figure draws."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer), t.get_bbox_patch() is not None) for t in ax.texts]


def test_marked_links_show_whole_sentences_with_the_differing_words_marked(comp):
    ax = plots.plot_marked_links(comp)
    words = _drawn_words(ax)
    drawn = " ".join(w for w, _, _ in words)
    changed = [lk for lk in comp.links if lk.status == "changed"]
    assert len(changed) == 1
    lk = changed[0]
    # both sentences of the changed link whole, word by word
    for ids, units in ((lk.a, comp.a_units), (lk.b, comp.b_units)):
        for word in units[ids[0]].text.split():
            assert word in drawn
    # the numbers that differ (2000 / 3000) are highlighted, on both sides; nothing else is
    detail = {m.kind for m in lk.marks if m.kind != "unmatched"}
    assert detail == {"number"}
    assert sorted(w for w, _, hi in words if hi) == ["2000", "3000"]
    # what differs is said in words above the link, with the outlets' names
    assert any("Zeitung says 2000" in w and "Paper says 3000" in w for w, _, _ in words)
    # words on one line never overlap as drawn
    lines: dict = {}
    for _, box, _ in words:
        lines.setdefault(round(box.y0), []).append(box)
    for boxes in lines.values():
        boxes.sort(key=lambda b: b.x0)
        assert all(left.x1 <= right.x0 + 0.5 for left, right in zip(boxes, boxes[1:], strict=False))
    alt = plots.alt_text(ax)
    assert alt.startswith("1 changed link between Zeitung (de) and Paper (en)")
    assert "2 words that carry a differing detail" in alt and "Zeitung says 2000, Paper says 3000" in alt


def test_marked_links_without_changes_say_so():
    a = Article(id="a", language="en", outlet="X", text="The mayor opened the new bridge on Monday.")
    b = Article(id="b", language="en", outlet="Y", text="The football club won the cup on Sunday evening.")
    ax = plots.plot_marked_links(compare(a, b))
    assert any("No changed links" in w for w, _, _ in _drawn_words(ax))


def test_marked_links_name_a_status_they_cannot_show(comp):
    with pytest.raises(ValueError, match="'same' and/or 'changed'"):
        plots.plot_marked_links(comp, statuses="dropped")  # dropped sentences are not links
    ax = plots.plot_marked_links(comp, statuses="same")  # one status as a plain string
    assert plots.alt_text(ax).startswith("2 same links between")


def test_calibration_lists_the_pairs_behind_each_point_where_it_covers_nothing():
    """The shipped judge's calibration rows crowd five points below 0.15, so the number of pairs
    behind each point is listed under the axes, all of them, clear of the plot and its labels."""
    from storydiff.judge import load_model

    rows = [r for r in load_model().info["cv_real_pairs_calibration"] if r[2] > 0]
    ax = plots.plot_calibration(rows)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (counts,) = [t for t in ax.texts if t.get_text().startswith("pairs behind each point")]
    for r in rows:
        assert f"{r[0]:.2f}: {int(r[2])}" in counts.get_text()
    box = counts.get_window_extent(renderer)
    assert box.y1 < ax.get_window_extent(renderer).y0  # under the axes
    assert box.y1 < ax.xaxis.label.get_window_extent(renderer).y0  # and under their label
    assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and fig.bbox.y0 <= box.y0  # inside the figure
