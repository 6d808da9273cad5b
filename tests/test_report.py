"""The reading views: describe() in words, reading_table(), details in plain words."""

import pytest

from storydiff.compare import compare
from storydiff.corpus import Article
from storydiff.details import Detail
from storydiff.report import describe, reading_table


@pytest.fixture(scope="module")
def comp():
    a = Article(id="a", language="en", outlet="Paper A", text=(
        "The mayor opened the new bridge on Monday.\n\n"
        "More than 2000 people came to watch the ceremony.\n\n"
        "A *bold* <b>claim</b> about the mountains was made by the weather service."))
    b = Article(id="b", language="de", outlet="Zeitung B", text=(
        "Der Bürgermeister hat am Montag die neue Brücke eröffnet.\n\n"
        "Mehr als 3000 Menschen kamen, um die Zeremonie zu sehen.\n\n"
        "Die Stadt plant außerdem ein neues Fußballstadion am Hafen."))
    return compare(a, b)


def test_describe_counts_and_examples(comp):
    text = describe(comp)
    assert text.startswith("Of the 3 story sentences of **Paper A** (A), **Zeitung B** (B) tells 1 the same "
                           "way, 1 with a change, and drops 1. Zeitung B adds 1 sentence of its own.")
    assert "**Zeitung B changes** 1 sentence" in text
    assert "number: A says >2000, B says >3000" in text or "number: A says 2000, B says 3000" in text
    assert "Die Stadt plant außerdem" in text
    # article text cannot inject markup into the notebook
    assert "<b>" not in text and "&lt;b&gt;" in text and r"\*bold\*" in text


def test_reading_table_filters_and_escapes(comp):
    styler = reading_table(comp, "dropped")
    assert list(styler.data.columns) == ["A says"]
    assert styler.data.iloc[0, 0].startswith("A *bold* <b>claim</b>")
    html = styler.to_html()
    assert "&lt;b&gt;claim&lt;/b&gt;" in html and "<b>claim</b>" not in html
    assert list(reading_table(comp, "changed").data.columns) == ["A says", "B says", "what differs", "similarity"]
    # one row per link, dropped and added sentence, and per pair offered for review
    statuses = list(reading_table(comp).data["status"])
    assert sorted(set(statuses) - {"review"}) == ["added", "changed", "dropped", "same"]
    assert len(statuses) == 4 + len(comp.review)
    with pytest.raises(ValueError, match="same, changed, dropped or added"):
        reading_table(comp, "moved")


@pytest.mark.parametrize("detail, words", [
    (Detail("number", "2014-2015", None), "number: A says 2014-2015, B gives no such number"),
    (Detail("number", None, "39"), "number: B says 39, A gives no such number"),
    (Detail("name", "Kyiv", "Lviv"), "name: A says Kyiv, B says Lviv"),
    (Detail("partial", "a long sentence", None), "only part matches: A's sentence says more"),
    (Detail("quote", "word " * 30, None), "quotation: A quotes directly „" + "word " * 13 + "…“, B does not"),
])
def test_details_in_words(detail, words):
    assert detail.in_words() == words
