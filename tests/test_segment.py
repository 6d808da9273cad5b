import time
import tracemalloc

import pytest

from storydiff.corpus import Article
from storydiff.segment import segment, segment_lines


def texts(text, language="de", title=None):
    units = segment(Article(id="t", language=language, text=text, title=title))
    for u in units:
        assert text[u.start:u.end] == u.text  # offsets always point into the original
    return [(u.kind, u.text) for u in units]


@pytest.mark.parametrize(
    "language,text,expected",
    [
        # «...» quote containing several sentences, attribution kept with it (news.de / Blick)
        ("de", "«Es sind mehrere Dutzend. Die Zahl sprengt den Rahmen. Sie haben keine Zeit», "
               "so Arestovich weiter. Danach ging es weiter.",
         ["«Es sind mehrere Dutzend. Die Zahl sprengt den Rahmen. Sie haben keine Zeit», so "
          "Arestovich weiter.", "Danach ging es weiter."]),
        # straight-quote multi-sentence quote from the news.de seed
        ("de", '"Es sind mehrere Dutzend, es ist wie eine eigene Einheit. Sie haben keine Zeit, '
               'sie zu prüfen. Ich sehe, wie die Legion durch Russland marschiert", so Arestovich '
               'weiter.',
         ['"Es sind mehrere Dutzend, es ist wie eine eigene Einheit. Sie haben keine Zeit, sie zu '
          'prüfen. Ich sehe, wie die Legion durch Russland marschiert", so Arestovich weiter.']),
        # „...“ German low-high quotes
        ("de", "Er sagte: „Wir sind da. Wir bleiben.“ Dann ging er.",
         ["Er sagte: „Wir sind da. Wir bleiben.“", "Dann ging er."]),
        # abbreviations
        ("de", "Das zeigt z. B. Dr. Müller. Er lebt in den U.S.A. seit Jahren.",
         ["Das zeigt z. B. Dr. Müller.", "Er lebt in den U.S.A. seit Jahren."]),
        ("en", "The U.S. special representative in Minsk, Julie Fischer, explains it. Dr. Smith agrees.",
         ["The U.S. special representative in Minsk, Julie Fischer, explains it.", "Dr. Smith agrees."]),
        # dates, times, ordinals
        ("de", "Am 09.04.2022 um 21:06 Uhr kam die Meldung. Am 8. August spielen sie.",
         ["Am 09.04.2022 um 21:06 Uhr kam die Meldung.", "Am 8. August spielen sie."]),
        # ages in brackets (Blick / Bild)
        ("de", "Einer der Kämpfer ist Pavel Kulazhanka (36). Er kämpft.",
         ["Einer der Kämpfer ist Pavel Kulazhanka (36).", "Er kämpft."]),
        ("en", "One of these men is Pavel Kulazhanka (36). “Without an independent Ukraine, there will "
               "be no independent Belarus,” he said.",
         ["One of these men is Pavel Kulazhanka (36).", "“Without an independent Ukraine, there will "
          "be no independent Belarus,” he said."]),
        # English multi-sentence quote with attribution after it (seed 001)
        ("en", "“I took the risk because I want to fight Putin. I want a free Russia,” the 25-year-old "
               "continues.",
         ["“I took the risk because I want to fight Putin. I want a free Russia,” the 25-year-old "
          "continues."]),
    ],
)
def test_sentences(language, text, expected):
    got = texts(text, language)
    assert [t for k, t in got if k in ("body", "subhead")] == expected


@pytest.mark.parametrize(
    "line,kind",
    [
        ("Publiziert: 09.04.2022 um 21:06 Uhr", "meta"),
        ("Aktualisiert: 09.04.2022 um 21:24 Uhr", "meta"),
        ("1/6", "meta"),
        ("1:45", "meta"),
        ("|", "meta"),
        ("Foto: Instagram @vikingmma", "meta"),
        ("Fehler gefunden? Jetzt melden", "boilerplate"),
        ("Was sagst du dazu?", "boilerplate"),
        ("Folgen Sie News.de schon bei Facebook, Twitter, Pinterest und YouTube? Hier finden Sie "
         "brandheiße News.", "boilerplate"),
        ("also read", "boilerplate"),
        ("► This is where Putin’s spies take off from Berlin", "boilerplate"),
        ("By Heiko Roloff", "byline"),
        ("From: Christoph Gschoßmann", "byline"),
        ("1000 Soldaten auf der Warteliste", "subhead"),
        ("«Ohne unabhängige Ukraine gibt es kein unabhängiges Belarus»", "subhead"),
        ("Harsh punishments for potential defectors in Russia", "subhead"),
        ("One of these men is Pavel Kulazhanka (36).", "body"),
    ],
)
def test_line_kinds(line, kind):
    got = texts(f"Ein erster Absatz mit einem Satz.\n{line}\nNoch ein Satz.")
    assert got[1] == (kind, line)


def test_headline_from_title_and_caption_before_credit():
    text = ("Jetzt kämpfen auch Belarussen\n"
            "Der Weissrusse Pavel Kulazhanka (36) kämpft jetzt auf der Seite der Ukrainer.\n"
            "Foto: Instagram @vikingmma\nText.")
    got = texts(text, title="Jetzt kämpfen auch Belarussen")
    assert [k for k, _ in got] == ["headline", "caption", "meta", "body"]


def test_inline_furniture_is_split_off_not_deleted():
    got = texts(" date 2022-08-09 It should be quick. But it failed. (jis)", "en")
    assert got == [("meta", "date 2022-08-09"), ("body", "It should be quick."),
                   ("body", "But it failed."), ("meta", "(jis)")]
    got = texts("Immer mehr Soldaten wenden sich ab. Bild: picture alliance/dpa | Alexei Nikolsky")
    assert got == [("caption", "Immer mehr Soldaten wenden sich ab."),
                   ("meta", "Bild: picture alliance/dpa | Alexei Nikolsky")]


def test_blick_seed_units(articles):
    units = segment(articles["blick-de-belarussen-russen-kaempfen-fuer-ukraine"])
    by_text = {u.text: u for u in units}
    assert by_text["Jetzt kämpfen auch Belarussen und Russen für die Ukraine"].kind == "headline"
    assert by_text["Über 1000 Soldaten warten darauf, trainiert und in den Einsatz geschickt zu "
                   "werden."].kind == "body"
    assert by_text["(dzc)"].kind == "meta"
    assert [u.paragraph for u in units] == sorted(u.paragraph for u in units)
    assert [u.id for u in units] == list(range(len(units)))


def test_every_character_of_text_is_in_a_unit_or_whitespace(articles):
    for art in articles.values():
        covered = bytearray(len(art.text))
        for u in segment(art):
            covered[u.start:u.end] = b"\x01" * (u.end - u.start)
        missing = "".join(c for c, m in zip(art.text, covered, strict=True) if not m)
        assert missing.strip() == "", (art.id, missing.strip()[:80])


def test_presegmented_keeps_lines_exactly():
    art = Article(id="p", language="de", text="Satz eins. Satz zwei.\n\nDrei")
    units = segment_lines(art)
    assert [u.text for u in units] == ["Satz eins. Satz zwei.", "", "Drei"]
    assert all(art.text[u.start:u.end] == u.text for u in units)


def test_twenty_thousand_sentences():
    sents = [f"Satz Nummer {i} erzählt am 09.04.2022 von Dr. Müller (36)." for i in range(20_000)]
    # paragraphs of 10 sentences plus one very long paragraph of 2,000 sentences
    paras = [" ".join(sents[i:i + 10]) for i in range(0, 18_000, 10)] + [" ".join(sents[18_000:])]
    art = Article(id="big", language="de", text="\n\n".join(paras))
    tracemalloc.start()
    t0 = time.perf_counter()
    units = segment(art)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"20,000 sentences: {elapsed:.1f} s, peak {peak / 2**20:.0f} MiB")
    assert len(units) == 20_000
    assert units[-1].text == sents[-1]
