"""A small deterministic encoder for tests: hashed words and character n-grams, no model.

It implements the `Encoder` protocol (qa/encoders.py) so that tests of the plumbing (index
files, staleness, uploads, the API, the UI…) can build and search an index in milliseconds
instead of running the real model. It makes no claim about retrieval quality beyond this: texts
that share words and character n-grams get closer vectors than texts that share none.

Each text is NFKC-normalised and lower-cased; its words, character bigrams and trigrams are
hashed with BLAKE2b (stable across processes, unlike Python's salted `hash`) into `dim`
buckets with a sign, counted, and the row is L2-normalised. Load it with `--model hash`
(or `QA_MODEL=hash`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

MODEL_ID = "hash-test/1"
DIM = 256
_WORD = re.compile(r"\w+")
_WEIGHTS = {"w": 2.0, "2": 1.0, "3": 1.0}


@lru_cache(maxsize=1 << 16)
def _bucket(feature: str, dim: int) -> tuple[int, float]:
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % dim, (1.0 if (value >> 63) & 1 else -1.0)


def features(text: str) -> list[str]:
    """The hashed features of a text: its words and its character bigrams and trigrams."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    found = [f"w:{word}" for word in _WORD.findall(text)]
    squeezed = " ".join(text.split())
    for n in (2, 3):
        found.extend(f"{n}:{squeezed[i : i + n]}" for i in range(len(squeezed) - n + 1))
    return found


class HashEncoder:
    """Signed feature hashing into `dim` dimensions; L2-normalised float32 rows."""

    def __init__(self, dim: int = DIM) -> None:
        self.dim = int(dim)
        self.model_id = MODEL_ID if self.dim == DIM else f"{MODEL_ID}-{self.dim}"

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in features(text):
                column, sign = _bucket(feature, self.dim)
                rows[row, column] += sign * _WEIGHTS[feature[0]]
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        empty = norms[:, 0] == 0
        rows[empty, 0] = 1.0  # an empty text still gets a unit row
        norms[empty] = 1.0
        return np.ascontiguousarray(rows / norms)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(list(texts))

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self._encode(list(texts))
