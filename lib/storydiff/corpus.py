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
import stat
import unicodedata
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
    "normalize_text",
    "normalize_with_offsets",
    "read_text_file",
    "slugify",
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
    "imported_from",
    "extractor",
    "duplicate_of",
)
REQUIRED = ("id", "language")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_ISO = re.compile(r"^[a-z]{2}$")


class CorpusError(ValueError):
    """A corpus file cannot be used; the message names the file and what to do."""


#: Larger files are refused: an article is a few hundred kilobytes at most; 20 MB of text would
#: be some 200,000 sentences, hours of work on a laptop.
MAX_FILE_BYTES = 20_000_000
#: Characters removed on loading: zero-width space, word joiner, zero-width (non-)joiner, BOM,
#: soft hyphen. They are invisible, yet split words ("Lukas\u200bhenko") for every later step.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def normalize_text(text: str) -> str:
    """Text as every step after loading sees it: Unicode NFC (a decomposed "u" + diaeresis, as
    macOS saves file names and some editors text, becomes "ü") and without invisible zero-width
    characters. ``Article.text`` keeps the text as loaded; units carry the normalised text and
    offsets into the original (:func:`normalize_with_offsets`).

    >>> normalize_text("Mu\u0308nchen Lukas\u200bhenko") == "München Lukashenko"
    True
    """
    return unicodedata.normalize("NFC", text.translate(_INVISIBLE))


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """:func:`normalize_text` and, for each position of the result (and its end), the position in
    ``text`` it comes from: ``offsets[k]`` is where the normalised character ``k`` starts in the
    original; ``offsets[len(result)] == len(text)``.

    >>> norm, at = normalize_with_offsets("Mu\u0308nchen")
    >>> norm, at[2], at[len(norm)]
    ('München', 3, 8)
    """
    if text.isascii() or (unicodedata.is_normalized("NFC", text) and not any(ord(c) in _INVISIBLE for c in text)):
        return text, list(range(len(text) + 1))  # nothing to change (almost every text)
    out: list[str] = []
    at: list[int] = []
    i, n = 0, len(text)
    while i < n:  # a starter and the combining marks after it are normalised together
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = unicodedata.normalize("NFC", text[i:j].translate(_INVISIBLE))
        out.append(piece)
        at.extend([i] * len(piece))
        i = j
    at.append(n)
    return "".join(out), at


def _short_repr(value, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters: error messages stay one readable line."""
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 5] + " …" + r[-2:]


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
    imported_from: str | None = None  # provenance of an imported article: the file it came from
    extractor: str | None = None  # ... and the tool that took its text out (with version)
    duplicate_of: str | None = None  # id of an article with nearly the same text (a wire copy)
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
    """Read a text file as UTF-8 (a BOM is dropped, line ends become ``\\n``), or fail with a
    clear :class:`CorpusError`.

    Only regular files are read (a pipe or a device such as ``/dev/zero`` would block or never
    end), at most :data:`MAX_FILE_BYTES`. Legacy encodings and UTF-16 are detected and rejected
    with the command that converts the file, so that nothing is silently misread.
    """
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise CorpusError(f"{p}: file not found; check the path") from None
    except OSError as exc:
        raise CorpusError(f"{p}: cannot be read ({exc.strerror or exc}); check the path and its permissions") from None
    if stat.S_ISDIR(st.st_mode):
        raise CorpusError(f"{p}: is a folder, expected a text file")
    if not stat.S_ISREG(st.st_mode):
        raise CorpusError(f"{p}: is not a regular file (a pipe, device or socket); save the article to a "
                          "text file and give that")
    if st.st_size > MAX_FILE_BYTES:
        raise CorpusError(f"{p}: {st.st_size / 1e6:.0f} MB is too large for one article (at most "
                          f"{MAX_FILE_BYTES / 1e6:.0f} MB); split it into articles")
    try:
        with open(p, "rb") as fh:  # a file that grew since stat() is cut at the limit + 1 byte
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = "permission denied" if isinstance(exc, PermissionError) else (exc.strerror or str(exc))
        raise CorpusError(f"{p}: cannot be read ({reason}); check the file's permissions") from None
    if len(raw) > MAX_FILE_BYTES:
        raise CorpusError(f"{p}: too large for one article (more than {MAX_FILE_BYTES / 1e6:.0f} MB)")
    if not raw.strip():
        raise CorpusError(f"{p}: file is empty; put the article text in it or remove the file")
    for bom, enc in ((b"\xff\xfe\x00\x00", "UTF-32LE"), (b"\x00\x00\xfe\xff", "UTF-32BE"),
                     (b"\xff\xfe", "UTF-16LE"), (b"\xfe\xff", "UTF-16BE")):
        if raw.startswith(bom):
            raise CorpusError(f"{p}: is {enc} text, storydiff reads UTF-8; convert it, e.g. "
                              f"`iconv -f {enc.replace('LE', '').replace('BE', '')} -t UTF-8 {p.name} > fixed.txt`")
    head = raw[:8192]
    if b"\x00" in head:
        # UTF-16 without a byte-order mark: Latin text has its zero bytes on one side of each pair
        # (the odd bytes in UTF-16LE), a binary file anywhere
        zeros = [head[k::2].count(0) / max(1, len(head[k::2])) for k in (0, 1)]
        for enc, (own, other) in (("UTF-16LE", zeros[::-1]), ("UTF-16BE", zeros)):
            if own >= 0.5 and other <= 0.05:
                raise CorpusError(f"{p}: looks like {enc} text without a byte-order mark; convert it, e.g. "
                                  f"`iconv -f {enc} -t UTF-8 {p.name} > fixed.txt`")
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


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML for front matter: no aliases (``*name`` can expand a few hundred bytes into gigabytes),
    at most :attr:`MAX_NODES` values nested at most :attr:`MAX_DEPTH` deep, no repeated key, and
    dates left as text (checked by :func:`_as_date` with a clear message)."""

    MAX_NODES = 1000
    MAX_DEPTH = 10

    def __init__(self, stream):
        super().__init__(stream)
        self._nodes = 0
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in front matter",
                                              self.peek_event().start_mark)
        self._nodes += 1
        self._depth += 1
        try:
            if self._nodes > self.MAX_NODES or self._depth > self.MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, "front matter is too large or too deeply nested",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"the key {_short_repr(key)} appears twice",
                                                        key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


_FrontMatterLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


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
        meta = yaml.load("\n".join(lines[1:end]), Loader=_FrontMatterLoader) or {}  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = str(getattr(exc, "problem", None) or "invalid YAML")[:200]
        raise CorpusError(
            f"{path}: front matter is not valid YAML{where}: {problem}; write one "
            "'key: value' per line and quote values that contain ':'"
        ) from None
    except RecursionError:
        raise CorpusError(f"{path}: front matter is nested too deeply; write one 'key: value' per line") from None
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
            f"{path}: {field_name} {_short_repr(code)} is not supported; use one of "
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
    text = str(value).strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError("not YYYY-MM-DD")
        return _dt.date.fromisoformat(text)
    except ValueError as exc:
        why = "" if "YYYY" in str(exc) else f" ({exc})"
        raise CorpusError(
            f"{path}: published {_short_repr(value)} is not a date{why}; write it as YYYY-MM-DD "
            "(e.g. 2022-04-09) or leave it empty"
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
    unknown = sorted(str(k) for k in set(meta) - set(FIELDS))
    if unknown:
        raise CorpusError(
            f"{p}: unknown front-matter field(s) {', '.join(_short_repr(str(u), 40) for u in unknown[:5])}; "
            f"allowed: {', '.join(FIELDS)}"
        )
    for key in REQUIRED:
        if meta.get(key) in (None, ""):
            hint = "add `language: de` or `language: en`" if key == "language" else (
                f"add `id: {slugify(p.stem)}`")
            raise CorpusError(f"{p}: front matter has no '{key}'; {hint}")
    art_id = str(meta["id"]).strip()
    if not _SLUG.match(art_id):
        raise CorpusError(
            f"{p}: id {_short_repr(art_id)} must be lower-case letters, digits, '-' or '_'; "
            f"e.g. `id: {slugify(art_id) or 'my-article'}`"
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
        imported_from=_as_str(meta.get("imported_from"), p, "imported_from"),
        extractor=_as_str(meta.get("extractor"), p, "extractor"),
        duplicate_of=_as_str(meta.get("duplicate_of"), p, "duplicate_of"),
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
                f"{p}: front matter says language {art.language!r} but {_short_repr(language)} was given"
            )
        return art
    if text.endswith("\n"):
        text = text[:-1]
    detected = language is None
    if detected:
        try:
            language = detect_language(text)
        except CorpusError as exc:
            raise CorpusError(f"{p}: {exc}; give it, e.g. `--lang-a de` for A or `--lang-b en` for B, or "
                              "language=... in Python") from None
        log.info("%s: detected language %s", p, language)
    language = str(language).strip().lower()
    if detected and (not _ISO.match(language) or languages is not None and language not in tuple(languages)):
        raise CorpusError(f"{p}: could not tell the language of this text (the detector says {language!r}); "
                          "give it, e.g. `--lang-a de` for A or `--lang-b en` for B, or language=... in Python")
    if not _ISO.match(language) or not _known_language(language):
        raise CorpusError(f"{p}: language {_short_repr(language)} is not a two-letter ISO 639-1 code such as "
                          "de or en")
    if languages is not None:
        language = _check_language(language, p, "language", languages)
    return Article(id=id or slugify(p.stem) or "article", language=language, text=text,
                   source=str(p))


#: Fewer letters than this and the language detector guesses ("x" is Afrikaans to it).
_MIN_LETTERS_TO_DETECT = 20


def _known_language(code: str) -> bool:
    """True for a language code in the IANA registry (``langcodes``): "fr" is, "xx" is not."""
    import langcodes

    return langcodes.tag_is_valid(code)


def detect_language(text: str) -> str:
    """Best-guess ISO-639-1 code of ``text`` (``py3langid``, offline). A text of fewer than 20
    letters is refused (:class:`CorpusError`): the detector would only guess."""
    import py3langid

    letters = sum(c.isalpha() for c in text)
    if letters < _MIN_LETTERS_TO_DETECT:
        raise CorpusError(f"the text is too short to tell its language ({letters} letter{'' if letters == 1 else 's'})")

    code, _ = py3langid.classify(text[:5000])
    return code


def slugify(s: str, limit: int = 60) -> str:
    """An article id from a title or file name: lower-case ASCII letters, digits and ``-`` (accents
    folded: "Brücke eröffnet" -> "brucke-eroffnet"), at most ``limit`` characters; "" when none."""
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")[:limit].rstrip("-")


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
    articles, problems = load_files(corpus_files(directory))
    return unique_articles(articles, problems)


def corpus_files(directory: str | Path) -> list[Path]:
    """The article files of a corpus folder (``*.md`` below it, or below its ``articles/``), sorted."""
    d = Path(directory)
    if not d.is_dir():
        raise CorpusError(f"{d}: corpus folder not found")
    if (d / "articles").is_dir():
        d = d / "articles"
    files = sorted(p for p in d.rglob("*.md") if p.name.lower() != "readme.md")
    if not files:
        raise CorpusError(f"{d}: no article files (*.md) found; see corpus/README.md for the format")
    return files


def load_files(files: Iterable[str | Path]) -> tuple[list[Article], list[str]]:
    """Load article files; return ``(articles, problems)`` in file order, one message per bad file
    (ids are not checked across files: :func:`unique_articles`)."""
    articles: list[Article] = []
    problems: list[str] = []
    for f in files:
        try:
            articles.append(load_article(f))
        except CorpusError as exc:
            problems.append(str(exc))
    return articles, problems


def unique_articles(articles: Iterable[Article], problems: list[str]) -> tuple[list[Article], list[str]]:
    """Articles sorted by id, each id once (the first file wins; a repeat is named in
    ``problems``)."""
    seen: dict[str, str] = {}
    out = []
    for art in articles:
        if art.id in seen:
            problems.append(
                f"{art.source}: duplicate id {art.id!r} (also in {seen[art.id]}); give each article its own id"
            )
            continue
        seen[art.id] = str(art.source)
        out.append(art)
    return sorted(out, key=lambda a: a.id), problems


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
