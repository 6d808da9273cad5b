"""Names of people and places in German and English text, and when two spellings are one name.

One home for what :mod:`storydiff.details` (names inside a link) and :mod:`storydiff.stories`
(names two articles share) both need:

- **finding names**: :func:`tagged_names` asks HanTa's part-of-speech tagger (German and English
  models ship inside the package) for proper nouns; :func:`capitalised_names` takes capitalised
  words that are not sentence-initial, not function words and, in German, not nouns by their
  article or ending (a heuristic, fast enough for whole corpora); :func:`name_candidates` joins
  the two for one link (the tagger misses rare names such as *Saale* or *Habeck*), where a German
  word the tagger misses is checked by :func:`german_noun` instead of by its ending (HanTa on the
  word alone, and whether English ever uses it: *Festzug* is a noun, *Saale* a name), with
  :func:`quoted_names` (a quoted title, “Magic City”, where every word would be capitalised anyway);
- **matching spellings**: :func:`fold` transliterates (Lukashenko / Lukaschenko), a small table of
  exonyms joins Kyiv / Kiew and Munich / München, and fuzzy matching (rapidfuzz) takes the rest at
  :attr:`NameParams.link_ratio` inside a link, the stricter :attr:`NameParams.story_ratio` across
  whole articles (there "Ponomarev" and "Ponomarenko" are different people).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["NameParams", "STOPWORDS", "acronyms", "capitalised_names", "different_people", "extract_names",
           "common_word", "first_tag", "fold", "german_noun", "german_places", "given_names", "is_acronym",
           "lexical_words", "name_candidates", "name_hits", "names_match", "party_words", "quoted_names",
           "tagged_names"]


@dataclass(frozen=True)
class NameParams:
    """When two spellings count as one name (rapidfuzz ratio 0-100 of the folded spellings)."""

    link_ratio: int = 80  # inside one link: the two sentences say the same thing
    story_ratio: int = 90  # across whole articles
    min_prefix: int = 4  # Putin / Putins: one spelling starts with the other, both this long ...
    max_suffix: int = 3  # ... and they differ by at most this many letters


_MONTH_WORDS = {
    "januar", "january", "jan", "februar", "february", "feb", "märz", "march", "mär", "mar", "april", "apr",
    "mai", "may", "juni", "june", "jun", "juli", "july", "jul", "august", "aug", "september", "sept", "sep",
    "oktober", "october", "okt", "oct", "november", "nov", "dezember", "december", "dez", "dec",
}
_EN_STOP = {
    "the", "a", "an", "in", "on", "at", "for", "and", "but", "or", "he", "she", "it", "they", "we",
    "i", "you", "his", "her", "their", "this", "that", "these", "those", "there", "after", "before",
    "as", "with", "by", "from", "to", "of", "if", "when", "while", "also", "however", "meanwhile",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mr", "mrs", "ms",
    "dr", "prof", "president", "chancellor", "minister", "coach", "captain", "according", "yes", "no",
    "german", "germans", "english", "french", "frenchman", "russian", "russians", "ukrainian",
    "ukrainians", "belarusian", "belarusians", "european", "american", "british", "swiss",
    "austrian", "italian", "spanish", "polish", "chinese", "us", "eu", "un", "nato", "covid",
    "coronavirus", "corona", "christmas", "easter", "internet", "online", "tv", "ok",
} | _MONTH_WORDS
_DE_STOP = {
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem", "einen",
    "er", "sie", "es", "wir", "ihr", "ich", "man", "und", "oder", "aber", "doch", "im", "in", "am",
    "an", "auf", "aus", "bei", "bis", "mit", "nach", "von", "vor", "zu", "zum", "zur", "als", "wie",
    "wenn", "dass", "damit", "danach", "dann", "so", "auch", "noch", "nur", "schon", "obwohl",
    "herr", "frau", "dr", "prof", "montag", "dienstag", "mittwoch", "donnerstag", "freitag",
    "samstag", "sonntag", "sonntagabend", "samstagabend", "uhr",
} | _MONTH_WORDS
#: Capitalised words that are never names (function words, titles, weekdays, months, nationalities).
STOPWORDS = frozenset(_EN_STOP | _DE_STOP)
_STOP_FOLDED = frozenset(w.replace("ä", "a").replace("ö", "o").replace("ü", "u") for w in STOPWORDS)

_EXONYMS = [
    {"kyiv", "kiew", "kiev", "kijew"}, {"munich", "munchen"}, {"moscow", "moskau"},
    {"belarus", "weissrussland", "weissrusse", "weissrussen", "belarussen"},
    {"lithuania", "litauen"}, {"poland", "polen"}, {"russia", "russland"},
    {"germany", "deutschland"}, {"vienna", "wien"}, {"cologne", "koln"}, {"lisbon", "lissabon"},
    {"warsaw", "warschau"}, {"ukraine", "ukraina"}, {"crimea", "krim"}, {"odessa", "odesa"},
    {"nuremberg", "nurnberg"}, {"bavaria", "bayern"}, {"switzerland", "schweiz"},
    {"austria", "osterreich"}, {"europe", "europa"}, {"brussels", "brussel"},
    {"donbass", "donbas"}, {"hitler"}, {"kremlin", "kreml"}, {"franconia", "franken"}, {"swabia", "schwaben"},
    {"karabakh", "karabach", "bergkarabach", "nagorno"},
]
_EXO = {w: i for i, group in enumerate(_EXONYMS) for w in group}
#: A capitalised token (what may be a name).
TOKEN = re.compile(r"[A-ZÄÖÜ][\w’'-]*[\w]|[A-ZÄÖÜ]")


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower-case ASCII transliteration that makes German/English spellings of names meet.

    >>> fold("Lukaschenko") == fold("Lukashenko"), fold("Tichanowskaja") == fold("Tichanovskaya")
    (True, True)
    """
    w = word.lower().replace("ß", "ss").replace("’s", "").replace("'s", "")
    w = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
    for a, b in (("tsch", "ch"), ("sch", "sh"), ("w", "v"), ("j", "y"), ("ph", "f"), ("ck", "k")):
        w = w.replace(a, b)
    return w


@lru_cache(maxsize=200_000)
def _exonym(word: str) -> int | None:
    return _EXO.get(word.lower().replace("ü", "u").replace("ö", "o").replace("ß", "ss"))


def _prefix_variant(fx: str, fy: str, p: NameParams) -> bool:
    return (min(len(fx), len(fy)) >= p.min_prefix and abs(len(fx) - len(fy)) <= p.max_suffix
            and (fx.startswith(fy) or fy.startswith(fx)))


@lru_cache(maxsize=100_000)
def names_match(x: str, y: str, ratio: int | None = None) -> bool:
    """True when two name tokens are spellings of the same name (fuzzy ratio ``ratio``, default
    :attr:`NameParams.link_ratio`).

    Example
    -------
    >>> names_match("Lukashenko", "Lukaschenko"), names_match("Kyiv", "Kiew"), names_match("Flick", "Brandenburg")
    (True, True, False)
    """
    from rapidfuzz import fuzz

    p = NameParams()
    fx, fy = fold(x), fold(y)
    if fx == fy:
        return True
    ex, ey = _exonym(x), _exonym(y)
    if ex is not None and ex == ey:
        return True
    if _prefix_variant(fx, fy, p):
        return True  # Putin / Putins, Turin / Turiner
    return fuzz.ratio(fx, fy) >= (p.link_ratio if ratio is None else ratio)


def name_hits(names: Iterable[str], tokens: Iterable[str], ratio: int | None = None) -> list[str]:
    """The folded ``names`` of one article that the other article's folded capitalised ``tokens``
    also contain, across spellings (ratio default :attr:`NameParams.story_ratio`)."""
    from rapidfuzz import fuzz

    p = NameParams()
    ratio = p.story_ratio if ratio is None else ratio
    tokens = set(tokens)
    by_letter: dict[str, list[str]] = {}
    for t in tokens:
        by_letter.setdefault(t[:1], []).append(t)
    exo = {e for e in map(_exonym, tokens) if e is not None}
    hits = []
    for n in names:
        if n in tokens or (_exonym(n) is not None and _exonym(n) in exo):
            hits.append(n)
        elif any(fuzz.ratio(n, t) >= ratio or _prefix_variant(n, t, p) for t in by_letter.get(n[:1], ())):
            hits.append(n)
    return hits


#: Short lower-case words that may stand inside a name spelled out ("Federal Bureau of Investigation").
_INNER = {"of", "for", "and", "the", "de", "der", "des", "für", "und", "la", "du"}
_RUN_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=20_000)
def acronyms(text: str) -> dict[str, frozenset[str]]:
    """The acronyms that runs of capitalised words in ``text`` spell (two to six initials, small
    words such as *of* or *für* skipped, a hyphen starting a new word), each with the words of its
    run: an acronym on one side of a link and its spelled-out name on the other are one name.

    >>> sorted(acronyms("Ahlen (North Rhine-Westphalia) lies near Bielefeld.")["NRW"])
    ['North', 'Rhine', 'Westphalia']
    >>> "FBI" in acronyms("agents of the Federal Bureau of Investigation")
    True

    German parties go by their acronyms in German and by English names in English news: "the
    Social Democrats" spell *SPD* as well.

    >>> sorted(acronyms("The Social Democrats rejected it.")["SPD"])
    ['Democrats', 'Social']
    """
    out: dict[str, frozenset[str]] = {}
    run: list[str] = []

    def close():
        for i in range(len(run)):
            for k in range(i + 2, min(len(run), i + 6) + 1):
                out.setdefault("".join(w[0] for w in run[i:k]).upper(), frozenset(run[i:k]))
        run.clear()

    end = 0
    for m in _RUN_WORD.finditer(text):
        w = m.group(0)
        if run and text[end:m.start()] not in (" ", "-"):
            close()
        end = m.end()
        if w[:1].isupper() and not w.isupper():
            run.append(w)
        elif not (run and w in _INNER):
            close()
    close()
    for party, patterns in _PARTY_PATTERNS:
        for rx in patterns[1:]:
            for m in rx.finditer(text):
                out.setdefault(party, frozenset(w for w in m.group(0).split() if w not in _INNER))
    return out


def party_words(text: str) -> dict[str, str]:
    """Words of ``text`` that name a German party, each with the party's acronym: the acronym
    itself ("SPD") or a word of an English name the text gives ("Social Democrats").

    >>> party_words("Die SPD und die Union stritten.") == {"SPD": "SPD"}
    True
    >>> party_words("The Free Democrats left.") == {"Free": "FDP", "Democrats": "FDP"}
    True
    """
    return dict(_party_words(text))


@lru_cache(maxsize=20_000)
def _party_words(text: str) -> tuple[tuple[str, str], ...]:
    out = {}
    for party, patterns in _PARTY_PATTERNS:
        for rx in patterns:
            for m in rx.finditer(text):
                out.update({w: party for w in m.group(0).split() if w not in _INNER})
    return tuple(out.items())


def _party_name(name: str) -> re.Pattern:
    """A party's English name as a pattern: "Social Democrats" also in the singular."""
    return re.compile(rf"\b{name[:-1]}s?\b" if name.endswith("s") else rf"\b{name}\b")


#: German parties, by their acronyms, and the English names news in English gives them.
_PARTIES = {
    "SPD": ("Social Democrats", "Social Democratic Party"),
    "CDU": ("Christian Democrats", "Christian Democratic Union"),
    "CSU": ("Christian Social Union",),
    "FDP": ("Free Democrats", "Free Democratic Party"),
    "AfD": ("Alternative for Germany",),
}
#: Per party: its acronym, then its English names, as patterns.
_PARTY_PATTERNS = tuple((party, (re.compile(rf"\b{party}\b"), *map(_party_name, names)))
                        for party, names in _PARTIES.items())


def is_acronym(word: str) -> bool:
    """Two to six capital letters ("NRW", "FBI"), or a German party's acronym ("AfD")."""
    return (2 <= len(word) <= 6 and word.isalpha() and word.isupper()) or word in _PARTIES


def given_names(text: str, names: Iterable[str]) -> dict[str, frozenset[str]]:
    """First names: capitalised words that stand right before one of ``names`` ("Ilya Ponomarev",
    also at the start of a sentence, where :func:`capitalised_names` does not look) and never right
    after one (in "Kastus Kalinouski Battalion", *Kalinouski* is a surname), folded: each with the
    folded names that follow it in ``text``.

    >>> given_names("Ilya Ponomarev spoke, then Ilya Ponomarev left.", ["Ilya", "Ponomarev"])
    {'ilya': frozenset({'ponomarev'})}
    """
    known = {fold(n) for n in names}
    out: dict[str, set[str]] = {}
    toks = list(TOKEN.finditer(text))
    for m1, m2 in zip(toks, toks[1:], strict=False):
        if text[m1.end():m2.start()].strip(" \t"):
            continue  # not next to each other
        first, last = fold(m1.group(0).strip("’'-")), fold(m2.group(0).strip("’'-"))
        if last in known and first != last and first not in _STOP_FOLDED:
            out.setdefault(first, set()).add(last)
    after = {x for v in out.values() for x in v}
    return {k: frozenset(v) for k, v in out.items() if k not in after}


def different_people(name: str, given_a: dict[str, frozenset[str]], given_b: dict[str, frozenset[str]],
                     ratio: int | None = None) -> bool:
    """True when folded ``name`` is a first name in both articles, followed by surnames that never
    match: Ilya Ponomarev and Ilya Ponomarenko share "Ilya" and nothing else, and a first name
    alone is no evidence that two articles speak of one person.

    >>> different_people("ilya", {"ilya": frozenset({"ponomarev"})}, {"ilya": frozenset({"ponomarenko"})})
    True
    >>> different_people("vladimir", {"vladimir": frozenset({"putin"})}, {"vladimir": frozenset({"putin"})})
    False
    """
    ratio = NameParams().story_ratio if ratio is None else ratio
    after_a, after_b = given_a.get(name), given_b.get(name)
    if not after_a or not after_b:
        return False
    return not any(names_match(x, y, ratio) for x in after_a for y in after_b)


def extract_names(text: str) -> list[str]:
    """Capitalised words that may be names: not sentence-initial (nor right after a colon or an
    opening quote, where any word is capitalised) and not common capitalised English words.

    Example
    -------
    >>> extract_names("Kremlin boss Vladimir Putin (69) met Lukashenko on Tuesday.")
    ['Vladimir', 'Putin', 'Lukashenko']
    """
    names = []
    for m in TOKEN.finditer(text):
        tok = m.group(0).strip("’'-")
        if len(tok) < 2 or tok.isupper() and len(tok) <= 3:
            continue
        before = text[: m.start()].rstrip()
        if not before or before[-1] in ".!?:“\"«„(–-":
            continue
        if tok.lower() in _EN_STOP:
            continue
        names.append(tok)
    return names


_OPENING_QUOTES = "\"“„«‹‚'"


def quoted_names(text: str) -> list[str]:
    """The first word of a quoted title in title case, which :func:`extract_names` leaves out
    (after an opening quote any word is capitalised): two capitalised words, neither a function
    word, right after the quote, as in the “Magic City” strip club. A quoted sentence ("Die
    Lage ist ernst") begins with one capitalised word only, or with a function word.

    >>> quoted_names('He visited the “Magic City” club and said „Wir kommen wieder".')
    ['Magic']
    """
    out = []
    toks = list(TOKEN.finditer(text))
    for m1, m2 in zip(toks, toks[1:], strict=False):
        before = text[:m1.start()].rstrip()
        if (before and before[-1] in _OPENING_QUOTES and not text[m1.end():m2.start()].strip()
                and len(m1.group(0)) >= 2 and m1.group(0).lower() not in STOPWORDS
                and m2.group(0).lower() not in STOPWORDS):
            out.append(m1.group(0).strip("’'-"))
    return out


_DE_DETERMINER = re.compile(
    r"(?:der|die|das|den|dem|des|ein|eine|einen|einem|einer|eines|kein\w*|sein\w*|ihr\w*|unser\w*|"
    r"dies\w*|jed\w*|viel\w*|all\w*|zum|zur|im|am|vom|beim|ins)$", re.IGNORECASE)
#: Endings only common nouns have (unlike "-en" or "-e", which many place names have too) ...
_DE_STRONG_NOUN_SUFFIX = ("ung", "heit", "keit", "schaft", "tion", "ität", "ismus", "nis", "tum", "ling", "chen",
                          "lein", "ment")
#: ... and the endings most German nouns have.
_DE_NOUN_SUFFIX = _DE_STRONG_NOUN_SUFFIX + ("ie", "ik", "ur", "enz", "anz", "ei", "ter", "ler", "ner", "en", "e")


def capitalised_names(text: str, language: str, noun_endings: bool = True) -> list[str]:
    """Name candidates without a tagger: :func:`extract_names`, not the first word of a line
    (headlines have no full stop), no function word; in German a capitalised word right after an
    article or determiner ("die Armee", "seine Einheit") or (with ``noun_endings``) with a common
    noun ending (-ung, -heit, ..., -e) is taken for a noun. A heuristic: it drops a few names ("die
    Ukraine", "Saale") and keeps a few nouns, and it is fast enough for a whole corpus."""
    keep, pos = [], 0
    for n in extract_names(text):
        at = text.find(n, pos)
        pos = at + len(n) if at >= 0 else pos
        if at <= 0 or text[:at].rstrip(" \t").endswith("\n") or n.lower() in STOPWORDS:
            continue
        before = text[max(0, at - 12):at].split()
        if language == "de" and (before and _DE_DETERMINER.match(before[-1])
                                 or noun_endings and _noun_ending(n)):
            continue
        keep.append(n)
    return keep


def _noun_ending(word: str) -> bool:
    return word.lower().endswith(_DE_NOUN_SUFFIX) and not word.isupper()


@lru_cache(maxsize=50_000)
def german_noun(word: str) -> bool:
    """Whether a capitalised German word that the tagger did not call a name in its sentence is a
    common noun: HanTa, asked about the word alone, gives it no proper-noun reading, and it has a
    common noun ending or English text never uses it (wordfreq's English word list). So *Festzug*,
    *Halbjahr* and *Partie* are nouns; *Saale* (a river, and a reading as a name), *Habeck* and
    *Lauterbach* (tagged as nouns, but written in English news) are not.

    >>> [german_noun(w) for w in ("Festzug", "Halbjahr", "Partie", "Saale", "Habeck")]
    [True, True, True, False, False]

    A reading as a name does not count when HanTa takes the word apart into nouns joined by a
    linking element (*Kleingruppe-n-training-s*, *Land-es-regierung*): a word it does not list gets
    a name reading as well, and names are rarely built so.

    >>> [german_noun(w) for w in ("Kleingruppentrainings", "Königswusterhausen")]
    [True, False]
    """
    if any(tag == "NE" for tag, _ in _tagger("de").tag_word(word)) and not _linked_compound(word):
        return False
    if _noun_ending(word):
        return True
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en") == 0


@lru_cache(maxsize=50_000)
def first_tag(word: str, language: str) -> str | None:
    """HanTa's likeliest tag of ``word`` asked about alone (German STTS, English CLAWS), or None
    for other languages: "Hannover" is ``NE`` and "Artikel" ``NN`` in German, "Apollo" ``NP0``.

    >>> first_tag("Hannover", "de"), first_tag("Artikel", "de"), first_tag("Apollo", "en")
    ('NE', 'NN', 'NP0')
    """
    if language not in _PROPER:
        return None
    return _tagger(language).tag_word(word)[0][0]


@lru_cache(maxsize=50_000)
def common_word(word: str, language: str) -> bool:
    """Whether a capitalised word is, written small, a common word of its language by HanTa (noun,
    adjective or verb, asked about the word alone): English *Weather* and *Service* are, *Taylor*
    and *Lukas* are not; a German word is when :func:`german_noun` says so. Inside a translated
    institution's name ("the German Weather Service" for *DWD*) such a word names nothing of its own.

    >>> [common_word(w, "en") for w in ("Weather", "Service", "Taylor", "Lukas")]
    [True, True, False, False]
    """
    if language == "de":
        return german_noun(word)
    if language != "en":
        return False
    # tag_sent, not first_tag: asked alone, HanTa's word lexicon offers a common reading for some
    # names ("schalke") that its sentence model does not prefer
    (_, _, tag), = _tagger("en").tag_sent([word.lower()], taglevel=1)
    return tag.startswith(("NN", "AJ", "VV"))


def _linked_compound(word: str) -> bool:
    """HanTa's analysis of the word is a compound noun: two nouns or more joined by a linking
    element (German *Fugenelement*)."""
    _, parts, tag = _tagger("de").analyze(word, taglevel=3)
    kinds = [kind for _, kind in parts]
    return tag == "NN" and "FUGE" in kinds and kinds.count("NN") >= 2


_TAG_TOKEN = re.compile(r"\w[\w’'-]*\w|\w|[^\w\s]")
#: HanTa's tags for proper nouns (German STTS ``NE``; English CLAWS ``NP0``).
_PROPER = {"de": ("morphmodel_ger.pgz", {"NE"}), "en": ("morphmodel_en.pgz", {"NP0"})}


@lru_cache(maxsize=2)
def _tagger(language: str):
    from HanTa import HanoverTagger

    tagger = HanoverTagger.HanoverTagger(_PROPER[language][0])
    # HanTa analyses a word its model does not list again in every sentence; the analysis depends on
    # the word alone, so it is kept (a corpus repeats its words)
    tagger.analyze_forward = lru_cache(maxsize=200_000)(tagger.analyze_forward)
    return tagger


@lru_cache(maxsize=50_000)
def _tags(text: str, language: str) -> tuple[tuple[str, str], ...]:
    tokens = _TAG_TOKEN.findall(text)
    if not tokens:
        return ()
    # taglevel 0: the tags alone (the lemmas, which cost as much again, are not needed)
    return tuple(zip(tokens, _tagger(language).tag_sent(tokens, taglevel=0), strict=True))


#: HanTa's tags of lexical words: nouns, names, full verbs, adjectives and numbers (German STTS
#: as HanTa writes it, "VV(FIN)", "ADJ(A)"; English CLAWS, "NN1", "VVZ", "AJ0"). Articles,
#: pronouns, prepositions, auxiliaries and adverbs are not.
_LEXICAL = {"de": ("NN", "NE", "VV", "ADJ", "CARD"), "en": ("NN", "NP", "VV", "AJ", "CRD")}


def lexical_words(text: str, language: str) -> int | None:
    """How many lexical words ``text`` has by HanTa's tags, the parts of a hyphenated word and of
    a German compound noun counted apart (HanTa's analysis: "Ordnungsamt" is *Ordnung* and *Amt*,
    as English "order office" is two); None for languages other than German and English.

    >>> lexical_words("The war in Ukraine rages on.", "en"), lexical_words("Laut Putin ist die Lage ernst.", "de")
    (3, 3)
    >>> lexical_words("Das Ordnungsamt kontrollierte die Maskenpflicht.", "de")
    5
    """
    if language not in _LEXICAL:
        return None
    n = 0
    for tok, tag in _tags(text, language):
        if tag.startswith(_LEXICAL[language]):
            parts = len([p for p in tok.split("-") if p])
            if language == "de" and tag.startswith("NN"):
                parts = max(parts, _compound_parts(tok))
            n += parts
    return n


@lru_cache(maxsize=50_000)
def _compound_parts(word: str) -> int:
    """The lexical parts HanTa's analysis finds in a German noun (1 for a simple one)."""
    _, parts, _ = _tagger("de").analyze(word, taglevel=3)
    return max(1, sum(1 for _, kind in parts if kind in ("NN", "NE", "ADJ", "VV")))


def tagged_names(text: str, language: str) -> tuple[str, ...] | None:
    """Proper nouns by HanTa's part-of-speech tagger: German nouns such as *Einheiten* or
    *Heimatland* and adjectives such as *Tsarist* are not names. None for languages other than
    German and English."""
    if language not in _PROPER:
        return None
    return tuple(tok for tok, tag in _tags(text, language) if tag in _PROPER[language][1] and tok[:1].isupper())


#: German prepositions after which a capitalised word without an article is most often a place
#: ("bei Ahlen", "nach Bremen", "Richtung Beckum").
_DE_PLACE_PREPOSITION = re.compile(r"\b(?:in|bei|nach|aus|von|gegen|zwischen|Richtung)\s+$")
#: Titles and roles that stand without an article before a name ("von Präsident Putin").
_DE_TITLES = frozenset({
    "präsident", "präsidentin", "kanzler", "kanzlerin", "minister", "ministerin", "bürgermeister",
    "bürgermeisterin", "ministerpräsident", "ministerpräsidentin", "staatschef", "regierungschef", "premier",
    "premierminister", "papst", "könig", "königin", "prinz", "prinzessin", "general", "trainer", "kapitän",
    "professor", "professorin", "doktor", "pfarrer", "senator", "senatorin", "abgeordnete", "abgeordneter",
})


def german_places(text: str) -> list[str]:
    """Capitalised German words right after a preposition of place, without an article, that have
    no ending only common nouns have: "Unfall bei Ahlen" (the tagger, asked about *Ahlen*, knows only
    the plural of *Ahle*, awl). Nouns stand there too ("aus Angst"); :mod:`storydiff.details` only
    counts such a word as a changed name when it has no counterpart in the other sentence.

    >>> german_places("Ein Unfall bei Ahlen, dann aus Sorge in Richtung Beckum und von Kindern.")
    ['Ahlen', 'Sorge', 'Beckum', 'Kindern']
    >>> german_places("Ein Brief von Präsident Selenskyj an Kanzler Scholz")
    []
    """
    out = []
    for m in TOKEN.finditer(text):
        w = m.group(0)
        if (len(w) >= 3 and "-" not in w and w.lower() not in STOPWORDS and w.lower() not in _DE_TITLES
                and not w.isupper()
                and not w.lower().endswith(_DE_STRONG_NOUN_SUFFIX)
                and _DE_PLACE_PREPOSITION.search(text, max(0, m.start() - 25), m.start())):
            out.append(w)
    return out


def name_candidates(text: str, language: str | None = None, *, places: bool = False) -> list[str]:
    """Names in one sentence or link: the tagger's proper nouns, and the tagger's misses among
    :func:`capitalised_names` (in German those that are not :func:`german_noun`, in English those
    tagged as nouns, not adjectives such as *Tsarist*); :func:`extract_names` for other languages.
    With ``places``, German words that stand where places stand (:func:`german_places`) as well.
    Hyphenated words are split, function words dropped, each name once.

    >>> name_candidates("Die Einheiten kämpfen für ihr Heimatland an der Seite von Kulazhanka.", "de")
    ['Kulazhanka']
    >>> name_candidates("In Tsarist Russia the ancestors of Worms fought.", "en")
    ['Russia', 'Worms']
    """
    tagged = tagged_names(text, language) if language else None
    quoted = quoted_names(text)
    if tagged is None:
        found = extract_names(text) + quoted
    else:
        if language == "de":
            more = [n for n in capitalised_names(text, language, noun_endings=False)
                    if n in tagged or not german_noun(n)]
        else:
            # the tagger guesses an adjective for some names it does not know ("Biden", as a form of
            # "bide"); adjectives made from names have their endings ("Tsarist", "Iranian", "Jewish")
            nouns = {tok for tok, tag in _tags(text, language)
                     if tag.startswith(("NN", "NP")) or (tag == "AJ0" and not tok.lower().endswith(_EN_ADJ_ENDINGS))}
            more = [n for n in capitalised_names(text, language) if n in nouns]
        found = list(tagged) + more + quoted + (german_places(text) if places and language == "de" else [])
    out = []
    for tok in found:
        for part in tok.split("-"):
            if len(part) >= 2 and part[0].isupper() and part.lower() not in STOPWORDS:
                out.append(part)
    if language == "de":  # "(Anm. d. Red.)", the editor's note, is no name
        out = [n for n in out if not (n in _DE_EDITORIAL and re.search(rf"\b{n}\.", text))]
    return list(dict.fromkeys(out))


#: Endings of English adjectives made from names (and of "Kremlin-backed").
_EN_ADJ_ENDINGS = ("an", "ish", "ist", "ic", "ese", "esque", "i", "ed", "ite", "al", "ous", "ive", "ine")
#: German abbreviations of the editor's note ("Anm. d. Red.": Anmerkung der Redaktion).
_DE_EDITORIAL = frozenset({"Anm", "Red"})
