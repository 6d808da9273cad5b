"""The aligner on real German and English sentences: reordering, merges, additions, drops."""

import pytest
from conftest import SHARED

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


def test_monotone_mode_merges_and_leaves_page_debris_alone():
    """Bertalign's two-step search: a B sentence that joins two A sentences is one 2-1 bead; an
    OCR line without a word of three letters stays unaligned."""
    de = DE[:4] + ["- 12 -"] + DE[4:6]
    en = ["Hundreds of Belarusians and Russians are now fighting on the side of Ukraine.",
          "One of the fighters is Pavel Kulazhanka (36), who joined the Kastus Kalinouski Battalion "
          "a few weeks ago.",
          "The battalion has around 200 members.",
          "The battalion helped to defend the Ukrainian capital.",
          "Reports of Russians who wanted to evade the war circulated in mid-March."]
    c = run(de, en, order="monotone")
    assert links(c) == {((0,), (0,)), ((1, 2), (1,)), ((3,), (2,)), ((5,), (3,)), ((6,), (4,))}
    assert c.only_a == (4,) and c.only_b == ()
    assert c.settings["in_order"]["top_k"] == 3


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


# --- the link judge on real sentences ------------------------------------------------------------
def test_unrelated_pair_gets_no_links_and_says_so():
    de = ["Der Stadtrat von Köln hat am Dienstag einen neuen Radweg am Rhein beschlossen.",
          "Die Bauarbeiten sollen im Frühjahr beginnen und rund zwei Millionen Euro kosten.",
          "Anwohner hatten sich seit Jahren über gefährliche Kreuzungen beschwert."]
    en = ["The central bank left interest rates unchanged on Thursday.",
          "Inflation in the euro area fell to 2.1 percent in October.",
          "Economists had expected a small cut before the end of the year."]
    c = run(de, en)
    assert c.links == ()
    assert c.story is not None and not c.story.same_story
    assert "do not seem to tell the same story" in c.story.in_words()


def test_partial_match_is_a_changed_link():
    de = ["Hunderte von Weissrussen und Russen kämpfen jetzt auf der Seite der Ukraine.",
          "Einer der Kämpfer ist Pavel Kulazhanka (36)."]
    en = ["Hundreds of Belarusians and Russians are now fighting on the side of Ukraine, and more than "
          "a thousand others are waiting in Poland to be trained, equipped and sent to the front.",
          "One of the fighters is Pavel Kulazhanka (36)."]
    c = run(de, en)
    first = c.link_of("a", 0)
    assert first is not None and first.b == (0,)
    assert first.status == "changed"
    assert any(d.kind == "partial" for d in first.details)
    assert 0.0 <= first.confidence <= 1.0


def first_link(de, en):
    """The link of A's first sentence, which must be B's first sentence."""
    link = run(de, en).link_of("a", 0)
    assert link is not None and link.b == (0,)
    return link


def test_number_in_words_is_the_same_number():
    link = first_link(["Drei russische Soldaten sind zu den Ukrainern übergelaufen, sagte der Kommandeur.",
                       "Sie hatten ihre Einheit in der Nacht verlassen."],
                      ["Three Russian soldiers have defected to the Ukrainians, the commander said.",
                       "They had left their unit during the night."])
    assert not [d for d in link.details if d.kind == "number"]
    assert link.status == "same"


def test_weekday_change_is_a_changed_date():
    link = first_link(["Der Präsident traf den Kanzler am Mittwoch in Berlin zu einem langen Gespräch.",
                       "Beide sprachen über die Lage in der Ukraine."],
                      ["The president met the chancellor in Berlin on Thursday for a long conversation.",
                       "Both spoke about the situation in Ukraine."])
    assert link.status == "changed"
    assert [(d.kind, d.a, d.b) for d in link.details] == [("date", "Mittwoch", "Thursday")]


def test_translated_name_is_not_a_change():
    de = ["In Zaren-Russland kämpften die Vorfahren der Freiwilligen gegen Napoleon.",
          "Heute verteidigen sie Kiew gegen die russische Armee."]
    en = ["In Tsarist Russia the volunteers' ancestors fought against Napoleon.",
          "Today they defend Kyiv against the Russian army."]
    c = run(de, en)
    for i in (0, 1):
        link = c.link_of("a", i)
        assert link is not None and link.b == (i,)
        assert not [d for d in link.details if d.kind == "name"], link.details


def test_json_has_confidence_review_and_story():
    c = run(DE[:3], ["Hundreds of Belarusians and Russians are now fighting on the side of Ukraine.",
                     "One of the fighters is Pavel Kulazhanka (36).", "The weather was fine."])
    d = c.to_dict()
    assert all(0.0 <= lk["confidence"] <= 1.0 for lk in d["links"])
    assert isinstance(d["review"], list) and d["story"]["same_story"] is True
    linked = {(tuple(lk["a"]), tuple(lk["b"])) for lk in d["links"]}
    for r in d["review"]:  # a review pair's new units stay unlinked; a link it would grow stays as it is
        ext = r.get("extends", {"a": [], "b": []})
        assert not ext["a"] or (tuple(ext["a"]), tuple(ext["b"])) in linked
        assert set(r["a"]) - set(ext["a"]) <= set(d["only_a"]) and set(r["b"]) - set(ext["b"]) <= set(d["only_b"])
    from storydiff.compare import Comparison

    back = Comparison.from_json(c.to_json())
    assert back.links == c.links and back.review == c.review and back.story == c.story


def test_mean_windows_embed_no_joined_text_and_average_the_units(monkeypatch):
    """AlignParams(windows="mean") (the corpus option --mean-windows): a merged window's vector is
    the normalised mean of its sentences' vectors and its joined text is never embedded."""
    import numpy as np

    import storydiff.compare as cmp
    from storydiff.align import AlignParams
    from storydiff.embed import embed
    from storydiff.facts import FactParams

    en = ["Hundreds of Belarusians and Russians are now fighting on the side of Ukraine.",
          "One of the fighters is Pavel Kulazhanka (36), who has been a member of the Kastus "
          "Kalinouski Battalion for several weeks."]
    embedded = []

    def counting(texts, *args, **kw):
        embedded.extend(texts)
        return embed(texts, *args, **kw)

    monkeypatch.setattr(cmp, "embed", counting)
    joined = {" ".join(DE[s : s + k]) for k in (2, 3) for s in range(len(DE) - k + 1)}
    run(DE, en)
    assert joined <= set(embedded)  # the default embeds every merged window's text
    embedded.clear()
    c = run(DE, en, params=AlignParams(windows="mean"))
    assert not joined & set(embedded)
    assert c.settings["params"]["windows"] == "mean"
    assert ((0,), (0,)) in links(c)

    a = [cmp.Unit(i, t, 0, len(t), "body", 0) for i, t in enumerate(DE)]
    b = [cmp.Unit(i, t, 0, len(t), "body", 0) for i, t in enumerate(en)]
    sc = cmp.prepare(a, b, windows="mean").scores
    w = sc.a_spans.index((1, 2))
    v = embed(DE[1:3]).mean(axis=0)
    assert np.allclose(sc.sim[w, : len(en)], embed(en) @ (v / np.linalg.norm(v)), atol=1e-5)

    with pytest.raises(ValueError, match="windows must be one of 'joined', 'mean', not 'avg'"):
        AlignParams(windows="avg")
    with pytest.raises(ValueError, match="not 'avg'"):
        FactParams(windows="avg")


# --- a link takes in the sentence beside it that holds what the other side says more ---------------
JOIN_DE = ["Der Stadtrat hat am Dienstag den Bau einer neuen Brücke über den Main beschlossen.",
           "Als die alte Brücke im Winter gesperrt werden musste, habe die Stadt schnell handeln müssen.",
           "Normalerweise dauere die Planung bis zu vier Jahre.",
           "Anwohner hatten sich seit Jahren über den Verkehr in der Altstadt beschwert."]
JOIN_EN = ["On Tuesday the city council approved the construction of a new bridge over the Main.",
           "When the old bridge had to be closed in winter, the city had to act quickly; planning "
           "normally takes up to four years."]


def joined(de, en, links):
    from storydiff.details import compare_details
    from storydiff.judge import join_neighbours
    from storydiff.segment import Unit

    ua = [Unit(i, t, 0, len(t)) for i, t in enumerate(de)]
    ub = [Unit(j, t, 0, len(t)) for j, t in enumerate(en)]

    def details_of(x, y):
        return compare_details(" ".join(de[i] for i in x), " ".join(en[j] for j in y), "de", "en")

    assert [d.kind for d in details_of((1,), (1,))] == ["number"]  # "four years" only in B
    return [(a, b) for a, b, _, _ in join_neighbours(links, ua, ub, details_of, max_merge=3)]


def test_a_link_takes_in_the_free_neighbour_that_gives_its_missing_number():
    assert joined(JOIN_DE, JOIN_EN, [((0,), (0,), 0.9, 0.99), ((1,), (1,), 0.8, 0.7)]) == [
        ((0,), (0,)), ((1, 2), (1,))]


def test_no_neighbour_is_taken_in_when_it_is_linked_or_does_not_give_the_number():
    # the neighbour is in another link
    assert joined(JOIN_DE, JOIN_EN, [((1,), (1,), 0.8, 0.7), ((2,), (0,), 0.1, 0.2)]) == [
        ((1,), (1,)), ((2,), (0,))]
    # the neighbour says something else
    other = JOIN_DE[:2] + ["Die Planung sei schwierig gewesen."] + JOIN_DE[3:]
    assert joined(other, JOIN_EN, [((1,), (1,), 0.8, 0.7)]) == [((1,), (1,))]


@pytest.mark.skipif(not (SHARED / "bench" / "real-pairs").is_dir(), reason="../shared/bench/real-pairs not present")
def test_a_second_partner_of_a_linked_sentence_is_offered_to_grow_its_link():
    """real-pairs pair 12 (German and English outlets): the German title and lead (A0) tell what
    the English says in its first three sentences (the gold link is A0 / B0+B1+B2). The one-to-one
    choice links A0 with one of them; the review list offers the link grown by another, that
    sentence stays 'added' until a person accepts it, and after that the rest are offered to grow
    the grown link. (At the cut 0.11 of the model fitted before 2026-12-06's stop 29: at the cut
    0.17, A0's first pick by z-score, B0 at 0.14, falls below the cut and leaves A0 / B1, 0.62, as
    a rival left free, offered for review as a new link; see judge.choose_links.)"""
    from storydiff.compare import Comparison, link_details
    from storydiff.corpus import load_text
    from storydiff.judge import JudgeParams
    from storydiff.reviews import Decision, apply_decisions

    d = SHARED / "bench" / "real-pairs" / "pair_12"
    c = compare(load_text(d / "a.txt", language="de"), load_text(d / "b.txt", language="en"), presegmented=True,
                judge=JudgeParams(cut=0.11))
    first = c.link_of("a", 0)
    assert first is not None and len(first.b) == 1 and first.b[0] in (0, 1, 2)
    grow = [r for r in c.review if r.extends == (first.a, first.b) and set(r.new_b) <= {0, 1, 2}]
    assert grow, c.review
    r = grow[0]
    assert r.a == first.a and set(r.b) == set(first.b) | set(r.new_b) and not r.new_a
    assert set(r.new_b) <= set(c.only_b)  # still 'added' until a person accepts it
    row = c.to_frame().query("status == 'review'").iloc[c.review.index(r)]
    assert f"B{list(r.new_b)} may belong to the link A[0] / B{list(first.b)} as well" in row.details
    assert Comparison.from_json(c.to_json()).review == c.review
    from storydiff.cli import _summary_text

    text = _summary_text(c)  # the command line prints the link once, then the sentences offered to join it
    assert f"needs review: B{list(r.new_b)} may belong to the link" in text
    assert text.count(c.a_units[0].text.split()[0] + " ") == 1

    accepted = apply_decisions(c, [Decision.about(c, "accept", r.a, r.b)], details=link_details(c))
    grown = accepted.link_of("a", 0)
    assert grown.b == r.b and grown.reviewed
    assert not set(r.new_b) & set(accepted.only_b)
    # what was offered to grow the old link now grows the new one
    regrown = [x for x in accepted.review if x.extends is not None and 0 in x.a]
    assert regrown and all(x.extends == (grown.a, grown.b) and not set(x.new_b) & set(grown.b) for x in regrown)


@pytest.mark.skipif(not (SHARED / "bench" / "real-pairs").is_dir(), reason="../shared/bench/real-pairs not present")
def test_a_pair_taken_for_two_stories_keeps_its_review_list(monkeypatch):
    """The story check can be wrong (6 of real-pairs' 32 same-event pairs score below it), so a
    pair below it draws only very confident links and offers the rest for review as in one story:
    what would be a link in one story is still offered. real-pairs pair 21 (German and English
    outlets on one court case) passes the check; here its threshold is set above its score."""
    import dataclasses

    import storydiff.compare as cmp
    from storydiff.corpus import load_text

    d = SHARED / "bench" / "real-pairs" / "pair_21"
    a, b = load_text(d / "a.txt", language="de"), load_text(d / "b.txt", language="en")
    one = compare(a, b, presegmented=True)
    assert one.story.same_story
    check = cmp._story_check
    monkeypatch.setattr(cmp, "_story_check", lambda a, b, model: dataclasses.replace(
        check(a, b, model), threshold=4.01))  # the same story score (one of the judge's features)
    two = compare(a, b, presegmented=True)
    assert not two.story.same_story and two.story.score == one.story.score
    assert all(lk.confidence >= two.story.unrelated_cut for lk in two.links)
    lost = {(i, j) for lk in one.links if lk.confidence < two.story.unrelated_cut for i in lk.a for j in lk.b}
    assert lost, "the example needs a link below the cut for different stories"
    offered = {(i, j) for x in (*two.links, *two.review) for i in x.a for j in x.b}
    assert lost <= offered
    # as in one story, the list reaches below the link cut
    cut, review_cut = one.settings["judge"]["cut"], one.settings["judge"]["review_cut"]
    assert [r.confidence for r in two.review if r.confidence < cut]
    assert all(r.confidence >= review_cut for r in two.review)
