"""The words that differ, marked in place (storydiff.marks), on real sentences."""

from storydiff.compare import compare
from storydiff.corpus import Article
from storydiff.details import compare_details
from storydiff.judge import WordMatcher
from storydiff.marks import word_marks


def marked(text, marks):
    return [(text[s:e], k) for s, e, k in marks]


def test_changed_number_and_name_are_marked_on_both_sides():
    a = "Zwölf Demonstranten wurden am Samstag in Seattle festgenommen."
    b = "Twelve demonstrators were arrested in Portland on Saturday, 14 of them students."
    details = compare_details(a, b, "de", "en")
    ma, mb = word_marks(a, b, details, WordMatcher())
    assert ("Seattle", "name") in marked(a, ma) or ("Seattle", "unmatched") in marked(a, ma)
    assert any(w == "Portland" for w, _ in marked(b, mb))
    assert ("14", "number") in marked(b, mb)
    assert not [w for w, _ in marked(a, ma) if w in ("Demonstranten", "Samstag", "festgenommen")]


def test_a_plain_translation_has_few_marks():
    a = "Der Bürgermeister hat am Montag die neue Brücke über den Fluss eröffnet."
    b = "The mayor opened the new bridge over the river on Monday."
    ma, mb = word_marks(a, b, compare_details(a, b, "de", "en"), WordMatcher())
    assert len(ma) + len(mb) <= 1, (marked(a, ma), marked(b, mb))


def test_a_german_compound_and_its_last_part_are_counterparts():
    a = "Der Italiener gewann die Etappe im Massensprint nach den Kleingruppentrainings."
    b = "The Italian won the stage in a bunch sprint after the small group trainings."
    ma, _ = word_marks(a, b, [], WordMatcher())
    assert not {"Massensprint", "Kleingruppentrainings"} & {w for w, _ in marked(a, ma)}


def test_a_nationality_is_the_counterpart_of_its_country():
    """Bild / Blick: "fighting alongside the Ukrainians" / "auf der Seite der Ukraine".
    "Ukrainians" is a stop word (no content word of its own), but it is Ukraine's counterpart."""
    a = "Hundreds of them are already fighting alongside the Ukrainians."
    b = ("Hunderte von Weissrussen und Russen haben Putin bereits den Rücken gekehrt und kämpfen jetzt auf der "
         "Seite der Ukraine.")
    _, mb = word_marks(a, b, [], WordMatcher())
    assert "Ukraine" not in [w for w, _ in marked(b, mb)]
    assert {"Putin", "Rücken"} <= {w for w, _ in marked(b, mb)}  # what Blick says more stays marked


def test_marks_travel_with_the_comparison():
    a = Article(id="a", language="en", outlet="Paper A", text=(
        "The mayor opened the new bridge on Monday.\n\nMore than 2000 people came to watch the ceremony."))
    b = Article(id="b", language="de", outlet="Zeitung B", text=(
        "Der Bürgermeister hat am Montag die neue Brücke eröffnet.\n\n"
        "Mehr als 3000 Menschen kamen, um die Zeremonie zu sehen."))
    c = compare(a, b)
    crowd = next(lk for lk in c.links if lk.status == "changed")
    on_a = {(c.a_units[m.unit].text[m.start:m.end], m.kind) for m in crowd.marks if m.side == "a"}
    assert ("2000", "number") in on_a
    row = c.to_frame().query("status == 'changed'").iloc[0]
    assert ("2000", "number") in marked(row.a_text, row.a_marks)
    assert ("3000", "number") in marked(row.b_text, row.b_marks)
    again = type(c).from_json(c.to_json())
    assert again.links == c.links
    html = c.to_html()
    assert "<mark class='sd-w sd-w-number' title='number differs'>2000</mark>" in html


def test_reading_table_marks_words_and_still_escapes():
    from storydiff.report import reading_table

    a = Article(id="a", language="en", text="More than 2000 people <script>x()</script> came to watch the ceremony.")
    b = Article(id="b", language="de", text="Mehr als 3000 Menschen kamen, um die Zeremonie zu sehen.")
    c = compare(a, b)
    html = reading_table(c).to_html()
    assert "<mark class='sd-w sd-w-number'" in html and ">2000</mark>" in html and ">3000</mark>" in html
    assert "<script" not in html and "&lt;" in html and "x()" in html  # shown as text, never a tag
