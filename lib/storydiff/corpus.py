"""Load and validate articles: one file per article, YAML front matter + unchanged text.

File format (see ``corpus/README.md``)::

    ---
    id: blick-de-belarussen-kaempfen
    outlet: Blick
    language: de
    published: 2022-04-09
    ...
    ---
    <the article text, exactly as published>

Everything after the closing ``---`` line is the text; the one newline that ends the file is not
part of it. Plain ``.txt`` files (no front matter) can be loaded with :func:`load_text` for ad-hoc
comparisons.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

__all__ = [
    "Article",
    "CorpusError",
    "LANGUAGES",
    "find_article",
    "load_article",
    "load_corpus",
    "load_text",
    "read_text_file",
]

log = logging.getLogger(__name__)

#: Languages the whole pipeline knows. Other ISO-639-1 codes are accepted by the
#: comparison engine for plain text files (``--lang-a fr``), not in a corpus.
LANGUAGES = ("de", "en")
FIELDS = (
    "id",
    "outlet",
    "language",
    "published",
    "title",
    "author",
    "url",
    "story",
    "translated_from",
)
REQUIRED = ("id", "language")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_ISO = re.compile(r"^[a-z]{2}$")


class CorpusError(ValueError):
    """A corpus file cannot be used; the message names the file and what to do."""


@dataclass(frozen=True)
class Article:
    """One article of one outlet, with its metadata and its text exactly as published.

    Unknown metadata is ``None``, never guessed.

    Example
    -------
    >>> a = load_article("corpus/articles/blick-de-belarussen-kaempfen.md")  # doctest: +SKIP
    >>> a.outlet, a.language  # doctest: +SKIP
    ('Blick', 'de')
    """

    id: str
    language: str
    text: str
    outlet: str | None = None
    published: _dt.date | None = None
    title: str | None = None
    author: str | None = None
    url: str | None = None
    story: str | None = None
    translated_from: str | None = None
    source: str | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        """Short human label: outlet and language, or the id when the outlet is unknown."""
        return f"{self.outlet or self.id} ({self.language})"

    def metadata(self) -> dict:
        """Metadata as plain JSON-friendly values (date as ISO string)."""
        out = {k: getattr(self, k) for k in FIELDS}
        if out["published"] is not None:
            out["published"] = out["published"].isoformat()
        out["source"] = self.source
        return out


def read_text_file(path: str | Path) -> str:
    """Read a text file as UTF-8 (a BOM is dropped), or fail with a clear :class:`CorpusError`.

    Legacy encodings are detected with ``charset-normalizer`` and rejected with the name of the
    encoding found and the command that converts the file, so that nothing is silently misread.
    """
    p = Path(path)
    if not p.exists():
        raise CorpusError(f"{p}: file not found; check the path")
    if p.is_dir():
        raise CorpusError(f"{p}: is a folder, expected a text file")
    raw = p.read_bytes()
    if not raw.strip():
        raise CorpusError(f"{p}: file is empty; put the article text in it or remove the file")
    if b"\x00" in raw[:8192]:
        raise CorpusError(f"{p}: looks like a binary file, not text; save the article as UTF-8 text")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        guess = best.encoding if best is not None else "an unknown encoding"
        raise CorpusError(
            f"{p}: not UTF-8 (byte {exc.start} looks like {guess}); convert it, e.g. "
            f"`iconv -f {guess if best else 'cp1252'} -t utf-8 {p.name} > fixed.txt`"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise CorpusError(
            f"{path}: no front matter; start the file with a '---' line, the metadata "
            "(id, language, outlet, ...), and another '---' line (see corpus/README.md)"
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise CorpusError(
            f"{path}: front matter is not closed; add a '---' line after the metadata"
        ) from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise CorpusError(
            f"{path}: front matter is not valid YAML{where}: {problem}; write one "
            "'key: value' per line and quote values that contain ':'"
        ) from None
    if not isinstance(meta, dict):
        raise CorpusError(f"{path}: front matter must be 'key: value' lines, got {type(meta).__name__}")
    body = "\n".join(lines[end + 1 :])
    if body.endswith("\n"):
        body = body[:-1]
    return meta, body


def _check_language(code, path: Path, field_name: str, allowed: Iterable[str] = LANGUAGES) -> str:
    allowed = tuple(allowed)
    if not isinstance(code, str) or code.strip().lower() not in allowed:
        raise CorpusError(
            f"{path}: {field_name} {code!r} is not supported; use one of "
            + ", ".join(f"`{field_name}: {c}`" for c in allowed)
        )
    return code.strip().lower()


def _as_date(value, path: Path) -> _dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise CorpusError(
            f"{path}: published {value!r} is not a date; write it as YYYY-MM-DD or leave it empty"
        ) from None


def _as_str(value, path: Path, key: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise CorpusError(f"{path}: {key} must be a single value, not a {type(value).__name__}")
    value = str(value).strip()
    return value or None


def load_article(path: str | Path) -> Article:
    """Load one article file (front matter + text) and validate it.

    Parameters
    ----------
    path : path to a ``.md`` file with YAML front matter.

    Returns
    -------
    Article

    Raises
    ------
    CorpusError : with a one-line message naming the file, the field and the fix.
    """
    p = Path(path)
    meta, body = _split_front_matter(read_text_file(p), p)
    unknown = sorted(set(meta) - set(FIELDS))
    if unknown:
        raise CorpusError(
            f"{p}: unknown front-matter field(s) {', '.join(unknown)}; allowed: {', '.join(FIELDS)}"
        )
    for key in REQUIRED:
        if meta.get(key) in (None, ""):
            hint = "add `language: de` or `language: en`" if key == "language" else (
                f"add `id: {_slugify(p.stem)}`")
            raise CorpusError(f"{p}: front matter has no '{key}'; {hint}")
    art_id = str(meta["id"]).strip()
    if not _SLUG.match(art_id):
        raise CorpusError(
            f"{p}: id {art_id!r} must be lower-case letters, digits, '-' or '_'; "
            f"e.g. `id: {_slugify(art_id) or 'my-article'}`"
        )
    language = _check_language(meta["language"], p, "language")
    tf = meta.get("translated_from")
    translated_from = None if tf in (None, "") else _check_language(tf, p, "translated_from")
    if not body.strip():
        raise CorpusError(f"{p}: the article text after the front matter is empty")
    return Article(
        id=art_id,
        language=language,
        text=body,
        outlet=_as_str(meta.get("outlet"), p, "outlet"),
        published=_as_date(meta.get("published"), p),
        title=_as_str(meta.get("title"), p, "title"),
        author=_as_str(meta.get("author"), p, "author"),
        url=_as_str(meta.get("url"), p, "url"),
        story=_as_str(meta.get("story"), p, "story"),
        translated_from=translated_from,
        source=str(p),
    )


def load_text(
    path: str | Path, *, language: str | None = None, id: str | None = None,
    languages: Iterable[str] | None = None,
) -> Article:
    """Load a plain UTF-8 text file (no front matter) as an :class:`Article`.

    A file that does start with front matter is loaded with :func:`load_article` instead.
    The language is detected (``py3langid``) when not given.

    Parameters
    ----------
    path : the text file.
    language : ISO-639-1 code; detected when ``None``.
    id : article id; derived from the file name when ``None``.
    languages : the codes accepted; None accepts any two-letter code (the encoder decides
        what it understands).
    """
    p = Path(path)
    text = read_text_file(p)
    if text.lstrip("\ufeff").startswith("---\n"):
        art = load_article(p)
        if language and language != art.language:
            raise CorpusError(
                f"{p}: front matter says language {art.language!r} but {language!r} was given"
            )
        return art
    if text.endswith("\n"):
        text = text[:-1]
    if language is None:
        language = detect_language(text)
        log.info("%s: detected language %s", p, language)
    language = str(language).strip().lower()
    if not _ISO.match(language):
        raise CorpusError(f"{p}: language {language!r} is not a two-letter ISO code such as de or en")
    if languages is not None:
        language = _check_language(language, p, "language", languages)
    return Article(id=id or _slugify(p.stem) or "article", language=language, text=text,
                   source=str(p))


def detect_language(text: str) -> str:
    """Best-guess ISO-639-1 code of ``text`` (``py3langid``, offline)."""
    import py3langid

    code, _ = py3langid.classify(text[:5000])
    return code


def _slugify(s: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")
    return s


def load_corpus(directory: str | Path, *, errors: str = "raise") -> list[Article]:
    """Load every ``*.md`` article below ``directory`` (sorted by file name).

    Parameters
    ----------
    directory : the corpus folder; ``corpus/`` and ``corpus/articles/`` both work.
    errors : ``"raise"`` stops with a :class:`CorpusError` naming the first bad file;
        ``"collect"`` loads the good files and logs a warning for each bad one
        (:func:`load_corpus_report` returns the problems instead).

    Returns
    -------
    list[Article], sorted by id.
    """
    articles, problems = load_corpus_report(directory)
    if problems and errors == "raise":
        raise CorpusError(problems[0] if len(problems) == 1 else
                          f"{len(problems)} bad files; first: {problems[0]}")
    for msg in problems:  # errors="collect": say what was left out, never skip silently
        log.warning(msg)
    return articles


def load_corpus_report(directory: str | Path) -> tuple[list[Article], list[str]]:
    """Load what can be loaded; return ``(articles, problems)``, one message per bad file."""
    d = Path(directory)
    if not d.is_dir():
        raise CorpusError(f"{d}: corpus folder not found")
    if (d / "articles").is_dir():
        d = d / "articles"
    files = sorted(p for p in d.rglob("*.md") if p.name.lower() != "readme.md")
    if not files:
        raise CorpusError(f"{d}: no article files (*.md) found; see corpus/README.md for the format")
    articles: list[Article] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for f in files:
        try:
            art = load_article(f)
        except CorpusError as exc:
            problems.append(str(exc))
            continue
        if art.id in seen:
            problems.append(
                f"{f}: duplicate id {art.id!r} (also in {seen[art.id]}); give each article its own id"
            )
            continue
        seen[art.id] = str(f)
        articles.append(art)
    return sorted(articles, key=lambda a: a.id), problems


def find_article(articles: Sequence[Article], article_id: str) -> Article:
    """The article with this id; a :class:`CorpusError` that lists the ids when there is none
    (a mistyped id in a notebook's parameters cell).

    >>> find_article([Article(id="x", language="en", text="Hi.")], "y")
    Traceback (most recent call last):
    ...
    storydiff.corpus.CorpusError: no article with id 'y'; the corpus has: x
    """
    for art in articles:
        if art.id == article_id:
            return art
    known = ", ".join(sorted(a.id for a in articles)) or "no articles"
    raise CorpusError(f"no article with id {article_id!r}; the corpus has: {known}")
