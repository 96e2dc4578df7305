"""The VectorStore boundary: where passage vectors and keyword weights are searched.

`faiss` (default) searches the FAISS index and bm25s matrix of the loaded build in
memory. `qdrant:///folder` (or `qdrant://:memory:`) holds the same dense vectors and
the BM25 weights as sparse vectors in Qdrant, the engine that scales past one
machine (its local mode here; a server or cluster behind the same client API).
Both answer two questions: the k nearest passages to query vectors, and the BM25
score of every passage for a question's tokens.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from ..errors import QAError
from .faiss_store import FaissStore


class VectorStore(Protocol):
    name: str

    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows) of the k nearest passages for each query row; rows padded with -1."""
        ...

    def keyword_scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every passage row for these tokens."""
        ...


def open_store(uri: str | None, index) -> VectorStore:
    """The store a URI names, holding the loaded index's passages."""
    uri = (uri or "faiss").strip()
    scheme, sep, rest = uri.partition("://")
    if scheme == "faiss" and not rest:
        return FaissStore(index)
    if scheme == "qdrant" and sep and rest:
        from .qdrant_store import QdrantStore

        return QdrantStore.open(rest, index)
    raise QAError(f"unknown store {uri!r}: use faiss, qdrant:///folder or qdrant://:memory:")


def use_store(searcher, uri: str | None) -> None:
    """Route the searcher's dense and keyword search through the store a URI names."""
    if (uri or "faiss") != "faiss":
        searcher.store = open_store(uri, searcher.index)
