"""Bring your own articles: saved web pages, CSV and JSON-lines exports, folders of text files.

``storydiff import PATH... --into corpus/articles`` (or :func:`import_paths`) writes one article
file (front matter + text, the corpus format) per article found:

- **saved HTML pages** (``.html``, ``.htm``): text, title, author, date and site by
  `trafilatura` (which dates pages with `htmldate`), the maintained extractors for news pages;
- **CSV** (``.csv``) and **JSON lines** (``.jsonl``, ``.ndjson``): one article per row; columns
  are found by common names (``text``/``body``/``content``, ``title``/``headline``,
  ``date``/``published``, ``outlet``/``source``/``publication``, ...) or named with
  :class:`Columns`;
- **text files** (``.txt``): the whole file is the text.

The language is detected (``py3langid``) unless given, and must be one the corpus knows (de, en).
The front matter records where each article came from (``imported_from``) and how its text was
taken out (``extractor`` with its version). Texts that are nearly the same as another article's
(wire copies printed by several outlets: 80 % of their 5-word shingles shared) get
``duplicate_of``. Ids are made from the title (or file name) and kept unique, also against the
articles already in the folder. A file that cannot be imported is named with the reason; nothing
else is lost.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version
from pathlib import Path

__all__ = ["Columns", "ImportReport", "import_paths"]

HTML = {".html", ".htm"}
TABLES = {".csv", ".jsonl", ".ndjson"}
TEXT = {".txt"}
#: Share of 5-word shingles two texts must share to be taken for copies of one text.
DUPLICATE_JACCARD = 0.8


@dataclass(frozen=True)
class Columns:
    """Which column of a CSV or JSON-lines export holds what; None: found by common names."""

    text: str | None = None
    title: str | None = None
    date: str | None = None
    outlet: str | None = None
    language: str | None = None
    author: str | None = None
    url: str | None = None
    id: str | None = None


_GUESS = {
    "text": ("text", "body", "content", "article", "fulltext", "full_text", "article_text", "maintext"),
    "title": ("title", "headline", "heading"),
    "date": ("date", "published", "publication_date", "pubdate", "published_at", "date_publish", "datetime"),
    "outlet": ("outlet", "source", "publication", "publisher", "site", "sitename", "medium", "source_domain"),
    "language": ("language", "lang"),
    "author": ("author", "authors", "byline"),
    "url": ("url", "link", "href"),
    "id": ("id", "article_id", "doc_id", "uid"),
}


@dataclass
class ImportReport:
    """What an import did: ``written`` article files, ``skipped`` ``(source, reason)`` pairs, and
    ``duplicates`` ``(id, duplicate_of)`` pairs."""

    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0: everything imported; 1: some sources skipped; 2: nothing imported."""
        if not self.written:
            return 2
        return 1 if self.skipped else 0


def _pkg(name: str) -> str:
    try:
        return f"{name} {_version(name)}"
    except PackageNotFoundError:
        return name


def _date(value) -> str | None:
    """``YYYY-MM-DD`` from a date-like value, or None. Never guessed: ``09/04/2022`` may be 9 April
    or 4 September, so a date with slashes whose day and month could be swapped is left out
    (``09.04.2022``, with dots, is day first)."""
    import datetime as dt

    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        m = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        m = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text.split()[0] if text else "")
        if m:
            x, y, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if text[m.end(1)] == ".":  # 09.04.2022: day first, the German way
                return dt.date(year, y, x).isoformat()
            if x <= 12 and y <= 12 and x != y:
                return None  # 09/04/2022: day and month could be either way round
            day, month = (x, y) if x > 12 else (y, x)
            return dt.date(year, month, day).isoformat()
        if re.search(r"[A-Za-zÄÖÜäöü]{3}", text):  # "9 April 2022", "April 9, 2022"
            import pandas as pd

            return pd.Timestamp(text).date().isoformat()
    except (ValueError, TypeError, OverflowError):
        return None
    return None


def _from_html(path: Path) -> list[dict]:
    import logging

    import trafilatura

    for name in ("trafilatura", "htmldate", "courlan"):  # their parse warnings are not the user's business
        logging.getLogger(name).setLevel(logging.ERROR)
    from .corpus import CorpusError, read_text_file

    try:
        raw = read_text_file(path)
    except CorpusError as exc:
        if "not UTF-8" not in str(exc):
            raise
        raw = path.read_bytes()  # a page saved in its own encoding: trafilatura reads the charset
    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False) if raw.strip() else None
    if doc is None or not (doc.text or "").strip():
        raise ValueError("no article text found in the page (an index page, a video or an empty file?)")
    return [{"text": doc.text, "title": doc.title, "date": doc.date, "outlet": doc.sitename or doc.hostname,
             "author": doc.author, "url": doc.url, "extractor": f"{_pkg('trafilatura')}; {_pkg('htmldate')}"}]


def _rows(path: Path) -> list[dict]:
    if path.suffix.lower() == ".csv":
        import pandas as pd

        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        return frame.to_dict(orient="records")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rec = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"line {n} is not JSON ({exc})") from None
            if not isinstance(rec, dict):
                raise ValueError(f"line {n} is not a JSON object")
            rows.append(rec)
    return rows


def _from_table(path: Path, cols: Columns) -> list[dict]:
    rows = _rows(path)
    if not rows:
        raise ValueError("no rows")
    keys = {k.lower(): k for k in rows[0]}
    chosen = {}
    for what, names in _GUESS.items():
        given = getattr(cols, what)
        if given is not None:
            if given not in rows[0]:
                raise ValueError(f"no column {given!r}; the columns are: {', '.join(map(str, rows[0]))}")
            chosen[what] = given
        else:
            chosen[what] = next((keys[n] for n in names if n in keys), None)
    if chosen["text"] is None:
        raise ValueError(f"no text column found among {', '.join(map(str, rows[0]))}; name it with --text-col")
    kind = "CSV" if path.suffix.lower() == ".csv" else "JSON lines"
    out = []
    for k, row in enumerate(rows, start=1):
        rec = {what: (row.get(col) if col else None) for what, col in chosen.items()}
        if isinstance(rec.get("author"), list):
            rec["author"] = ", ".join(map(str, rec["author"]))
        rec["extractor"] = f"storydiff {_pkg('storydiff').split()[-1]} ({kind}, row {k})"
        rec["row"] = k
        out.append(rec)
    return out


def _from_text(path: Path) -> list[dict]:
    from .corpus import read_text_file

    return [{"text": read_text_file(path), "extractor": f"storydiff {_pkg('storydiff').split()[-1]} (text file)"}]


def _sources(paths) -> list[Path]:
    files = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in HTML | TABLES | TEXT)
        else:
            files.append(p)
    return files


def _shingles(text: str, n: int = 5) -> set[int]:
    words = re.findall(r"\w+", text.lower())
    return {hash(tuple(words[i:i + n])) for i in range(max(1, len(words) - n + 1))}


def import_paths(paths, into: str | Path, *, language: str | None = None, outlet: str | None = None,
                 columns: Columns | None = None) -> ImportReport:
    """Import files and folders into the corpus folder ``into`` (created when missing).

    Parameters
    ----------
    paths : files or folders (``.html``, ``.htm``, ``.csv``, ``.jsonl``, ``.ndjson``, ``.txt``).
    into : the folder for the article files (e.g. ``corpus/articles``).
    language : ``de`` or ``en`` for every article; detected per article when None.
    outlet : the outlet of every article, when the sources do not say.
    columns : column names for CSV / JSON-lines exports (:class:`Columns`).
    """
    import yaml

    from .corpus import LANGUAGES, CorpusError, detect_language, load_corpus_report, slugify
    from .output import write_text

    into = Path(into)
    into.mkdir(parents=True, exist_ok=True)
    cols = columns or Columns()
    report = ImportReport()
    existing = []
    if any(into.glob("*.md")):
        existing, _ = load_corpus_report(into)
    taken = {a.id for a in existing}
    seen = [(a.id, _shingles(a.text)) for a in existing]
    for src in _sources(paths):
        try:
            if not src.exists():
                raise ValueError("not found")
            suffix = src.suffix.lower()
            if suffix in HTML:
                records = _from_html(src)
            elif suffix in TABLES:
                records = _from_table(src, cols)
            elif suffix in TEXT:
                records = _from_text(src)
            else:
                raise ValueError(f"unknown kind of file ({suffix or 'no extension'}); "
                                 "use .html, .htm, .csv, .jsonl, .ndjson or .txt")
        except (ValueError, OSError, CorpusError, UnicodeDecodeError) as exc:
            report.skipped.append((str(src), str(exc).replace(f"{src}: ", "")))
            continue
        for rec in records:
            where = f"{src}" + (f" row {rec['row']}" if "row" in rec else "")
            text = (rec.get("text") or "").strip()
            if not text:
                report.skipped.append((where, "no text"))
                continue
            try:
                lang = language or str(rec.get("language") or "").strip().lower() or detect_language(text)
            except CorpusError as exc:
                report.skipped.append((where, f"{exc}; give --language"))
                continue
            if lang not in LANGUAGES:
                report.skipped.append((where, f"language {lang!r} is not one the corpus knows "
                                              f"({', '.join(LANGUAGES)}); give --language if the detection is wrong"))
                continue
            base = slugify(str(rec.get("id") or rec.get("title") or src.stem)) or "article"
            art_id, k = base, 2
            while art_id in taken:
                art_id, k = f"{base}-{k}", k + 1
            taken.add(art_id)
            sh = _shingles(text)
            dup = next((other for other, osh in seen
                        if len(sh & osh) / max(1, len(sh | osh)) >= DUPLICATE_JACCARD), None)
            seen.append((art_id, sh))
            meta = {"id": art_id, "language": lang, "outlet": rec.get("outlet") or outlet,
                    "published": _date(rec.get("date")), "title": rec.get("title"), "author": rec.get("author"),
                    "url": rec.get("url"), "imported_from": where, "extractor": rec.get("extractor"),
                    "duplicate_of": dup}
            meta = {k: (str(v).strip() if v is not None else None) for k, v in meta.items()}
            meta = {k: v for k, v in meta.items() if v}
            body = text if not rec.get("title") or text.startswith(str(rec["title"])) else f"{rec['title']}\n\n{text}"
            page = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + body + "\n"
            report.written.append(write_text(into / f"{art_id}.md", page))
            if dup:
                report.duplicates.append((art_id, dup))
    return report
