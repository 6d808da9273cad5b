"""Same-story grouping, facts across outlets, and `storydiff corpus`."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from storydiff.corpus import Article
from storydiff.facts import find_facts
from storydiff.stories import STORY_THRESHOLD, _candidates, group_stories, story_similarity

ROOT = Path(__file__).resolve().parents[1]
BILD = "bild-en-belarusians-russians-fight-for-ukraine"
BLICK = "blick-de-belarussen-russen-kaempfen-fuer-ukraine"

BRIDGE_DE = ("Neue Brücke in Dresden eröffnet\n"
             "Oberbürgermeister Dirk Hilbert hat am Montag die neue Elbbrücke in Dresden eröffnet. "
             "Mehr als 3000 Menschen kamen zur Feier. Der Bau hat 48 Millionen Euro gekostet und dauerte vier Jahre. "
             "Die Brücke soll täglich 20.000 Autos tragen.")
BRIDGE_EN = ("Dresden opens new bridge\n"
             "Mayor Dirk Hilbert opened the new Elbe bridge in Dresden on Monday. "
             "More than 3,000 people attended the ceremony. Construction cost 48 million euros and took four years. "
             "The bridge is expected to carry 20,000 cars a day.")
FOOTBALL_EN = ("Bayern win in Dortmund\n"
               "Bayern Munich beat Borussia Dortmund 3-1 on Saturday evening. Harry Kane scored twice. "
               "The coach praised his team's defence after the match.")


@pytest.fixture(scope="module")
def corpus_stories(articles):
    return group_stories(list(articles.values()))


def test_corpus_bild_and_blick_are_one_story_the_others_not(corpus_stories, articles):
    groups = {frozenset(g) for g in corpus_stories.groups}
    assert frozenset({BILD, BLICK}) in groups
    assert len(groups) == len(articles) - 1  # everything else is a story of its own
    frame = corpus_stories.to_frame()
    assert frame.loc[BILD, "story_group"] == frame.loc[BLICK, "story_group"]


def test_explanation_names_shared_facts(articles):
    link = story_similarity(articles[BILD], articles[BLICK])
    assert link.same_story and link.score >= STORY_THRESHOLD
    assert {"Kulazhanka", "Kalinouski"} <= set(link.shared_names)
    assert "1000" in link.shared_numbers
    assert "Kulazhanka" in link.explain() and "reaches the threshold" in link.explain()


def test_shared_names_are_shown_as_written_and_german_nouns_apart(articles):
    """Names are matched in a folded spelling (Journal -> yournal, War -> var), but shown as the
    article writes them; capitalised German nouns count (Präsident meets President) but are not
    called names."""
    link = story_similarity(articles[BILD], articles["en-legion-calls-soldiers-to-defect"])
    assert {"Journal", "War", "Putin"} <= set(link.shared_names)
    assert not {"Yournal", "Var"} & set(link.shared_names)
    newsde = articles["newsde-de-russen-schiessen-auf-eigene-truppen"]
    two_german = story_similarity(articles[BLICK], newsde)
    names, nouns = two_german.names_and_nouns
    assert {"Präsident", "Kämpfer"} <= set(nouns) and "Putin" in names
    assert not set(nouns) & set(names)
    text = two_german.explain()
    assert "Both use the words" in text and "Präsident" in text.split("Both use the words")[1]
    assert "Kämpfer" not in text.split("Both name")[1].split(".")[0]
    row = group_stories([articles[BLICK], newsde]).links_frame().iloc[0]
    assert "Präsident" in row.shared_nouns and "Präsident" not in row.shared_names and "Putin" in row.shared_names


def test_a_shared_first_name_alone_does_not_make_one_story(articles):
    # Bild (April) names Ilya Ponomarev, en-russian-soldiers-switch-sides (August) Ilya
    # Ponomarenko: two people. Without Blick in the corpus they were grouped on "Ilya".
    soldiers = "en-russian-soldiers-switch-sides"
    link = story_similarity(articles[BILD], articles[soldiers])
    assert "Ilya" not in link.shared_names and "Putin" in link.shared_names
    stories = group_stories([a for k, a in articles.items() if k != BLICK])
    assert all(len(g) == 1 for g in stories.groups)
    # the same first name with the same surname is still one person
    a = Article(id="a", language="en", text="Talks\nThe envoy met Ilya Ponomarev in Kyiv on Monday.")
    b = Article(id="b", language="de", text="Gespräche\nDer Gesandte traf Ilya Ponomarev am Montag in Kiew.")
    assert "Ilya" in story_similarity(a, b).shared_names


def test_translation_is_same_story_other_topic_is_not():
    de = Article(id="de", language="de", text=BRIDGE_DE)
    en = Article(id="en", language="en", text=BRIDGE_EN)
    foot = Article(id="foot", language="en", text=FOOTBALL_EN)
    same, other = story_similarity(de, en), story_similarity(de, foot)
    assert same.score > other.score + 1
    assert same.same_story and not other.same_story
    assert "Hilbert" in same.shared_names and "3000" in same.shared_numbers
    stories = group_stories([de, foot, en])
    assert stories.groups == (("de", "en"), ("foot",))


def test_date_window_keeps_far_apart_articles_apart():
    import datetime as dt

    de = Article(id="de", language="de", text=BRIDGE_DE, published=dt.date(2024, 1, 1))
    en = Article(id="en", language="en", text=BRIDGE_EN, published=dt.date(2024, 9, 1))
    assert group_stories([de, en]).groups == (("de",), ("en",))
    assert group_stories([de, en], max_days=None).groups == (("de", "en"),)
    frame = group_stories([de, en]).links_frame()
    assert frame.loc[0, "above_threshold"] and not frame.loc[0, "same_group"]


def test_candidates_are_nearest_neighbours():
    v = np.array([[1, 0], [0.99, 0.14], [0, 1], [0.1, 0.99], [-1, 0]], dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    assert _candidates(v, 1) == {(0, 1), (2, 3), (2, 4)}  # 4 is closest to 2 (cosine 0)
    assert len(_candidates(v, 4)) == 10  # k >= n - 1: every pair
    assert _candidates(v, 1, chunk=2) == _candidates(v, 1)
    # per language: 0 (de) also gets its nearest English neighbour although German 1 is closer
    langs = ["de", "de", "en", "en", "en"]
    assert _candidates(v, 1, languages=langs) >= {(0, 1), (0, 3), (2, 3)}


def test_duplicate_ids_rejected():
    a = Article(id="x", language="en", text=FOOTBALL_EN)
    with pytest.raises(ValueError, match="unique"):
        group_stories([a, a])


@pytest.fixture(scope="module")
def corpus_facts(articles):
    return find_facts(list(articles.values()))


def test_facts_at_most_one_unit_per_article_and_every_unit_once(corpus_facts, articles):
    from storydiff.segment import segment

    seen = set()
    for f in corpus_facts.facts:
        assert len(f.units) == f.size == len(f.texts)
        for art_id, uid in f.units.items():
            assert (art_id, uid) not in seen
            seen.add((art_id, uid))
    story_units = {(a.id, u.id) for a in articles.values() for u in segment(a) if u.comparable}
    assert seen == story_units
    sizes = [f.size for f in corpus_facts.facts]
    assert sizes == sorted(sizes, reverse=True)  # shared facts first


def test_facts_surface_the_bild_blick_waiting_list(corpus_facts):
    fact = next(f for f in corpus_facts.shared() if "More than 1000 are waiting" in " ".join(f.texts.values()))
    assert {BILD, BLICK} <= set(fact.units)
    assert "Über 1000 Soldaten warten" in fact.texts[BLICK]
    kulazhanka = next(f for f in corpus_facts.shared()
                      if "One of these men is Pavel Kulazhanka" in f.texts.get(BILD, ""))
    assert set(kulazhanka.units) == {BILD, BLICK} and set(kulazhanka.status.values()) == {"same"}


def test_facts_agree_with_the_pair_view(corpus_facts, articles):
    """Two outlets' sentences share a fact only where the pair's comparison links them: the fact
    matrix never shows as told by Blick what the side-by-side view calls dropped. "The war in
    Ukraine rages on." and "An der Seite der Ukraine." are each other's most similar sentences,
    yet the judge does not link them."""
    from storydiff.compare import compare

    comp = compare(articles[BILD], articles[BLICK])
    linked = {(i, j) for lk in comp.links for i in lk.a for j in lk.b}
    both = [f for f in corpus_facts.facts if {BILD, BLICK} <= set(f.units)]
    assert len(both) >= 10
    assert all((f.units[BILD], f.units[BLICK]) in linked for f in both)
    war = next(f for f in corpus_facts.facts if f.texts.get(BILD) == "The war in Ukraine rages on.")
    assert war.texts.get(BLICK) != "An der Seite der Ukraine."


def test_fact_matrix_and_csv(corpus_facts, articles, tmp_path):
    m = corpus_facts.matrix()
    assert list(m.columns) == list(articles)
    assert set(np.unique(m.values)) <= {"same", "changed", "absent"}
    assert (m != "absent").sum(axis=1).tolist() == [f.size for f in corpus_facts.facts]
    corpus_facts.to_csv(tmp_path / "f.csv")
    import pandas as pd

    back = pd.read_csv(tmp_path / "f.csv")
    assert len(back) == len(corpus_facts.facts) and "sentences" in back
    assert "Bild" in corpus_facts.describe()


def test_cli_corpus_names_bad_files_and_processes_the_rest(tmp_path, corpus_dir):
    import shutil

    d = tmp_path / "c"
    shutil.copytree(corpus_dir / "articles", d)
    (d / "broken.md").write_text("---\nid: broken\n---\nText.\n", encoding="utf-8")
    out = tmp_path / "facts.csv"
    r = subprocess.run([sys.executable, "-m", "storydiff.cli", "corpus", str(d), "--csv", str(out)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1, r.stderr
    assert "broken.md" in r.stderr and "Traceback" not in r.stderr
    assert "5 articles, 4 stories" in r.stdout and BILD in r.stdout and "why:" in r.stdout
    import pandas as pd

    facts = pd.read_csv(out)
    assert {BILD, BLICK, "articles", "sentences"} <= set(facts.columns)


def test_cli_corpus_missing_folder(tmp_path):
    r = subprocess.run([sys.executable, "-m", "storydiff.cli", "corpus", str(tmp_path / "nope")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "not found" in r.stderr


def test_facts_never_join_two_stories(corpus_facts, articles):
    """Facts are formed inside story groups: sentences of different stories are look-alikes."""
    groups = corpus_facts.settings["story_groups"]
    group_of = {i: g for g, ids in enumerate(groups) for i in ids}
    assert len(groups) > 1
    for f in corpus_facts.facts:
        assert len({group_of[a] for a in f.units}) == 1, f.texts
    across = find_facts(list(articles.values()), within_stories=False)
    assert len(across.shared()) > len(corpus_facts.shared())  # the look-alikes a corpus-wide search joins


def test_largest_story_first_told_and_differing_numbers(corpus_facts):
    story = corpus_facts.largest_story()
    ids = {a.id for a in story.articles}
    assert ids == {"bild-en-belarusians-russians-fight-for-ukraine", "blick-de-belarussen-russen-kaempfen-fuer-ukraine"}
    assert all(set(f.units) <= ids for f in story.facts) and len(story.shared()) == len(corpus_facts.shared())
    first = story.first_told()
    assert len(first) == len(story.shared())
    # Blick's article has a date, Bild's has none: an article with a date comes first
    assert set(first["first"]) == {"Blick"} and first["then"].str.contains("date unknown").all()
    nums = story.number_differences()
    # Bild: "around 200 members ... in 2014-2015"; Blick: "Rund 200 Mitglieder" without the years
    fact = nums[nums.sentence.str.contains("200 members")].fact.iloc[0]
    rows = nums[nums.fact == fact]
    assert set(rows.outlet) == {"Bild", "Blick"} and "2014" in " ".join(rows.numbers)


def test_many_outlets_generator_truth_is_consistent():
    """The benchmark's generator (bench/many_outlets.py): every line of an article is a segment
    of its story's document or an insert, and the truth cells agree with what each outlet kept."""
    import sys

    from conftest import ROOT, SHARED

    if not (SHARED / "bench" / "wmt").is_dir():
        pytest.skip("../shared/bench not beside the checkout")
    sys.path.insert(0, str(ROOT / "bench"))
    import many_outlets

    articles, story_of, line_segment, cells = many_outlets.build(SHARED, 4, seed=3)
    assert 16 <= len(articles) <= 24 and len(set(story_of.values())) == 4
    for art in articles:
        lines = art.text.split("\n")
        assert len(lines) == len(line_segment[art.id])
        kept = {seg for seg in line_segment[art.id] if seg[0] == story_of[art.id]}
        assert (story_of[art.id], 0) in kept  # the headline is never dropped
        assert any(seg[0] == "inserted" for seg in line_segment[art.id])
        for (s, i), truth in cells.items():
            if s == story_of[art.id]:
                assert (truth[art.id] != "absent") == ((s, i) in kept)


def test_changed_fact_cells_say_what_differs(corpus_facts):
    changed = [f for f in corpus_facts.shared() if "changed" in f.status.values()]
    assert changed
    for f in changed:
        for a, st in f.status.items():
            assert (st == "changed") == bool(f.details.get(a))
    years = next(f for f in changed if "2014" in " ".join(f.details.values()))
    assert "Bild says 2014, Blick gives no such number" in " ".join(years.details.values())
    assert "Bild says 2014" in " ".join(corpus_facts.csv_frame()["what differs"])


def test_hnsw_candidates_match_the_exact_search(articles):
    import numpy as np

    from storydiff.stories import _candidates, _candidates_hnsw

    rng = np.random.default_rng(0)
    v = rng.normal(size=(400, 64)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    langs = ["de" if i % 3 == 0 else "en" for i in range(400)]
    exact, approx = _candidates(v, 5, languages=langs), _candidates_hnsw(v, 5, languages=langs)
    assert len(exact & approx) / len(exact) >= 0.98
    arts = list(articles.values())
    assert group_stories(arts, index="hnsw").groups == group_stories(arts).groups
    with pytest.raises(ValueError, match="index must be"):
        group_stories(arts, index="kdtree")
