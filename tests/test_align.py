"""The aligner on real German and English sentences: reordering, merges, additions, drops."""

import pytest

from storydiff.compare import compare
from storydiff.corpus import Article

DE = [
    "Hunderte von Weissrussen und Russen kämpfen jetzt auf der Seite der Ukraine.",  # 0
    "Einer der Kämpfer ist Pavel Kulazhanka (36).",  # 1
    "Kulazhanka ist seit einigen Wochen Mitglied des Kastus Kalinouski Bataillons.",  # 2
    "Rund 200 Mitglieder zählt das Bataillon.",  # 3
    "Das Bataillon hat geholfen, die ukrainische Hauptstadt zu verteidigen.",  # 4
    "Bereits Mitte März kursierten Meldungen von Russen, die sich dem Krieg entziehen wollten.",  # 5
    "Über 1000 Soldaten warten darauf, trainiert und in den Einsatz geschickt zu werden.",  # 6
]


def run(de, en, **kw):
    a = Article(id="a", language="de", text="\n".join(de))
    b = Article(id="b", language="en", text="\n".join(en))
    return compare(a, b, presegmented=True, **kw)


def links(comp):
    return {(lk.a, lk.b) for lk in comp.links}


def test_reordered_translation_is_found_and_marked_moved():
    en = [
        "More than 1000 soldiers are waiting to be trained and deployed.",  # 6
        "Hundreds of Belarusians and Russians are now fighting on the side of Ukraine.",  # 0
        "One of the fighters is Pavel Kulazhanka (36).",  # 1
        "Kulazhanka has been a member of the Kastus Kalinouski Battalion for several weeks.",  # 2
        "The battalion has around 200 members.",  # 3
        "The battalion helped to defend the Ukrainian capital.",  # 4
        "Reports of Russians who wanted to evade the war circulated in mid-March.",  # 5
    ]
    c = run(DE, en)
    assert links(c) == {((6,), (0,)), ((0,), (1,)), ((1,), (2,)), ((2,), (3,)), ((3,), (4,)),
                        ((4,), (5,)), ((5,), (6,))}
    moved = [lk for lk in c.links if lk.moved]
    assert [(lk.a, lk.b) for lk in moved] == [((6,), (0,))]
    assert c.only_a == () and c.only_b == ()


def test_drop_and_addition_are_left_unmatched():
    en = [
        "Hundreds of Belarusians and Russians are now fighting on the side of Ukraine.",
        "One of the fighters is Pavel Kulazhanka (36).",
        "The battalion has around 200 members.",
        "The US special representative in Minsk, Julie Fischer, says most Belarusians oppose the war.",
        "More than 1000 soldiers are waiting to be trained and deployed.",
    ]
    c = run(DE, en)
    assert set(c.only_a) == {2, 4, 5}
    assert c.only_b == (3,)


def test_merge_two_german_sentences_into_one_english():
    en = [
        "Hundreds of Belarusians and Russians are now fighting on the side of Ukraine.",
        "One of the fighters is Pavel Kulazhanka (36), who has been a member of the Kastus "
        "Kalinouski Battalion for several weeks.",
        "The battalion has around 200 members.",
    ]
    c = run(DE, en)
    assert ((1, 2), (1,)) in links(c)
    assert ((0,), (0,)) in links(c) and ((3,), (2,)) in links(c)


def test_split_one_german_sentence_into_two_english():
    de = ["Kulazhanka ist seit einigen Wochen Mitglied des Kastus Kalinouski Bataillons, das rund "
          "200 Mitglieder zählt.", "Über 1000 Soldaten warten darauf, trainiert zu werden."]
    en = ["Kulazhanka has been a member of the Kastus Kalinouski Battalion for several weeks.",
          "The battalion has around 200 members.",
          "More than 1000 soldiers are waiting to be trained."]
    c = run(de, en)
    assert links(c) == {((0,), (0, 1)), ((1,), (2,))}


@pytest.mark.parametrize(
    "en,kind",
    [
        ("More than 100 soldiers are waiting to be trained and deployed.", "number"),
        ("One of the fighters is Pavel Kulazhanka (38).", "number"),
        ("One of the fighters is Franak Viacorka (36).", "name"),
    ],
)
def test_changed_number_or_name_is_labelled(en, kind):
    de = [DE[6]] if "1000" in en or "100 " in en else [DE[1]]
    c = run(de, [en])
    assert len(c.links) == 1
    lk = c.links[0]
    assert lk.status == "changed" and kind in {d.kind for d in lk.details}


@pytest.mark.parametrize(
    "de,en",
    [
        (DE[6], "More than 1,000 soldiers are waiting to be trained and deployed."),
        (DE[1], "One of the fighters is Pavel Kulazhanka (36)."),
        ("Alexander Lukaschenko (67) ist Putins engster Verbündeter.",
         "Alexander Lukashenko (67) is Putin's closest ally."),
        ("Das Bataillon kämpfte in Kiew.", "The battalion fought in Kyiv."),
    ],
)
def test_same_fact_in_other_spelling_is_same(de, en):
    c = run([de], [en])
    assert [lk.status for lk in c.links] == ["same"], c.links


def test_monotone_mode_keeps_order():
    en = ["Hundreds of Belarusians and Russians are now fighting on the side of Ukraine.",
          "One of the fighters is Pavel Kulazhanka (36).",
          "The battalion has around 200 members.",
          "More than 1000 soldiers are waiting to be trained and deployed."]
    c = run(DE, en, order="monotone")
    pairs = sorted((lk.a[0], lk.b[0]) for lk in c.links)
    assert pairs == [(0, 0), (1, 1), (3, 2), (6, 3)]
    assert [p[1] for p in pairs] == sorted(p[1] for p in pairs)


def test_every_unit_once():
    c = run(DE, ["Something unrelated about football.", "One of the fighters is Pavel Kulazhanka (36)."])
    seen_a = [i for lk in c.links for i in lk.a] + list(c.only_a)
    seen_b = [j for lk in c.links for j in lk.b] + list(c.only_b)
    assert sorted(seen_a) == list(range(len(DE))) and sorted(seen_b) == [0, 1]


def test_furniture_is_never_linked_to_body():
    a = Article(id="a", language="de",
                text="Fehler gefunden? Jetzt melden\nEiner der Kämpfer ist Pavel Kulazhanka (36).")
    b = Article(id="b", language="en", text="One of the fighters is Pavel Kulazhanka (36).\nAlso read")
    c = compare(a, b)
    assert links(c) == {((1,), (0,))}
