import datetime as dt
import subprocess
import sys

import pytest
from conftest import SHARED, write_article

from storydiff.corpus import CorpusError, load_article, load_corpus, load_corpus_report, load_text

SEEDS = {
    "en-legion-calls-soldiers-to-defect": "000_0609d7a85a68e4c5.txt",
    "en-russian-soldiers-switch-sides": "001_fd51d77cbc4e2c4f.txt",
    "bild-en-belarusians-russians-fight-for-ukraine": "002_08e2ef86683d8ffb.txt",
    "newsde-de-russen-schiessen-auf-eigene-truppen": "003_e802bb6f5783bca5.txt",
    "blick-de-belarussen-russen-kaempfen-fuer-ukraine": "004_044f142bff26859d.txt",
}


def test_corpus_has_the_five_seeds(articles):
    assert set(articles) == set(SEEDS)
    assert sorted(a.language for a in articles.values()) == ["de", "de", "en", "en", "en"]


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds not present")
@pytest.mark.parametrize("art_id,seed", sorted(SEEDS.items()))
def test_text_is_the_seed_unchanged(articles, art_id, seed):
    assert articles[art_id].text == (SHARED / "seeds" / seed).read_text(encoding="utf-8")


def test_metadata_from_evidence(articles):
    blick = articles["blick-de-belarussen-russen-kaempfen-fuer-ukraine"]
    assert (blick.outlet, blick.published) == ("Blick", dt.date(2022, 4, 9))
    bild = articles["bild-en-belarusians-russians-fight-for-ukraine"]
    assert (bild.outlet, bild.author) == ("Bild", "Heiko Roloff")
    assert bild.story == blick.story
    assert articles["en-legion-calls-soldiers-to-defect"].translated_from == "de"
    assert articles["newsde-de-russen-schiessen-auf-eigene-truppen"].outlet == "news.de"
    # unknowns stay None, never guessed
    assert articles["en-russian-soldiers-switch-sides"].outlet is None
    assert len({a.story for a in articles.values()}) == 4


def test_round_trip_of_a_written_article(tmp_path):
    p = write_article(tmp_path / "x.md", "Zeile eins.\n\nZeile zwei.", outlet="Test",
                      published="2024-01-02")
    a = load_article(p)
    assert a.text == "Zeile eins.\n\nZeile zwei."
    assert a.published == dt.date(2024, 1, 2) and a.outlet == "Test" and a.author is None


def _bad(tmp_path, name, content: bytes):
    p = tmp_path / name
    p.write_bytes(content)
    return p


@pytest.mark.parametrize(
    "name,content,expected",
    [
        ("empty.md", b"", "file is empty"),
        ("blank.md", b"  \n\n ", "file is empty"),
        ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("cp1252.md", "---\nid: x\nlanguage: de\n---\nGrüße aus Zürich – schön.\n".encode("cp1252"),
         "not UTF-8"),
        ("nofm.md", b"Just text, no metadata.\n", "no front matter"),
        ("open.md", b"---\nid: x\nlanguage: de\nText\n", "not closed"),
        ("yaml.md", b"---\nid: x\nlanguage: de\ntitle: a: b: c\n---\nText.\n", "not valid YAML"),
        ("nolang.md", b"---\nid: x\n---\nText.\n", "has no 'language'"),
        ("lang.md", b"---\nid: x\nlanguage: fr\n---\nTexte.\n", "language 'fr' is not supported"),
        ("badid.md", b"---\nid: Mein Artikel\nlanguage: de\n---\nText.\n", "lower-case"),
        ("date.md", b"---\nid: x\nlanguage: de\npublished: 9.4.2022\n---\nText.\n", "not a date"),
        ("field.md", b"---\nid: x\nlanguage: de\nouttlet: Blick\n---\nText.\n", "unknown front-matter"),
        ("notext.md", b"---\nid: x\nlanguage: de\n---\n\n", "text after the front matter is empty"),
    ],
)
def test_bad_input_gives_one_clear_message(tmp_path, name, content, expected):
    p = _bad(tmp_path, name, content)
    with pytest.raises(CorpusError) as err:
        load_article(p)
    msg = str(err.value)
    assert expected in msg and str(p) in msg and "\n" not in msg


def test_utf8_bom_and_crlf_are_handled(tmp_path):
    p = _bad(tmp_path, "bom.md", b"\xef\xbb\xbf---\r\nid: bom\r\nlanguage: de\r\n---\r\nEin Text.\r\n")
    a = load_article(p)
    assert a.id == "bom" and a.text == "Ein Text."


def test_cp1252_message_names_the_encoding(tmp_path):
    p = _bad(tmp_path, "legacy.txt", "Grüße aus Zürich, schön – oder?\n".encode("cp1252") * 5)
    with pytest.raises(CorpusError, match="iconv"):
        load_text(p, language="de")


def test_duplicate_ids_are_reported_not_skipped(tmp_path):
    write_article(tmp_path / "a.md", id="same")
    write_article(tmp_path / "b.md", id="same")
    with pytest.raises(CorpusError, match="duplicate id 'same'"):
        load_corpus(tmp_path)
    arts, problems = load_corpus_report(tmp_path)
    assert [a.id for a in arts] == ["same"] and len(problems) == 1 and "b.md" in problems[0]


def test_bad_files_named_rest_loaded(tmp_path):
    write_article(tmp_path / "good.md")
    _bad(tmp_path, "bad.md", b"")
    arts, problems = load_corpus_report(tmp_path)
    assert [a.id for a in arts] == ["good"] and "bad.md" in problems[0]


def test_empty_folder(tmp_path):
    with pytest.raises(CorpusError, match="no article files"):
        load_corpus(tmp_path)


@pytest.mark.parametrize(
    "text,lang",
    [("Die Soldaten kämpfen jetzt auf der Seite der Ukraine und wollen Putin stürzen.", "de"),
     ("The soldiers are now fighting on the side of Ukraine and want to topple Putin.", "en")],
)
def test_plain_text_language_is_detected(tmp_path, text, lang):
    p = tmp_path / "plain.txt"
    p.write_text(text, encoding="utf-8")
    assert load_text(p).language == lang


def test_a_language_code_that_does_not_exist_is_refused(tmp_path):
    p = tmp_path / "plain.txt"
    p.write_text("Le texte est court.", encoding="utf-8")
    assert load_text(p, language="fr").language == "fr"
    with pytest.raises(CorpusError, match="not a two-letter ISO 639-1 code"):
        load_text(p, language="xx")
    r = subprocess.run([sys.executable, "-m", "storydiff.cli", "compare", str(p), str(p), "--lang-a", "xx"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "xx" in r.stderr and "Traceback" not in r.stderr


def test_cli_bad_corpus_file_is_one_line_no_traceback(tmp_path):
    _bad(tmp_path, "bad.md", b"---\nid: x\nlanguage: xx\n---\nText.\n")
    r = subprocess.run([sys.executable, "-m", "storydiff.cli", "tour", str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    assert "bad.md" in r.stderr and "language 'xx'" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
