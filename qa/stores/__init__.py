"""The store boundary: everything a search reads about passages at query time.

`faiss` (default) answers from the loaded build in memory (FAISS indexes, bm25s matrix, hubness
and latent arrays). `qdrant:///folder` (or `qdrant://:memory:`) holds the same data in Qdrant's
local mode; `qdrant+http://host:6333` (or `qdrant+https://…`) in a Qdrant server or cluster, the
engine that scales past one machine. Both give the same answers (tests/test_stores.py).

What stays in the loaded index, by decision: the question-analysis resources (the tokenizer, the
vocabulary `known`, the JMdict translation maps, each word's idf, the latent word table) are
vocabulary-sized, shared by every passage and read before any passage is scored; and the passage
records (doc, slide, title, text…), from which the searcher builds its slide structure, deck
filter and outline when it opens, so it holds them all anyway (Qdrant's payload has a copy).
Everything per passage that a query scores (vectors, glosses, hubness, BM25 and latent weights,
the words a passage holds) is read through `PassageStore` only.
"""

from __future__ import annotations

from ..errors import QAError
from .base import GlossCosines, PassageRows, PassageStore
from .faiss_store import FaissStore

__all__ = ["FaissStore", "GlossCosines", "PassageRows", "PassageStore", "open_store", "use_store"]


def open_store(uri: str | None, index) -> PassageStore:
    """The store a URI names, holding the loaded index's passages."""
    uri = (uri or "faiss").strip()
    scheme, sep, rest = uri.partition("://")
    if scheme == "faiss" and not rest:
        return FaissStore(index)
    if scheme in ("qdrant", "qdrant+http", "qdrant+https") and sep and rest:
        from .qdrant_store import QdrantStore

        # qdrant+http://host:6333: a server or cluster, at the URL the client takes
        return QdrantStore.open(rest if scheme == "qdrant" else f"{scheme.removeprefix('qdrant+')}://{rest}", index)
    raise QAError(f"unknown store {uri!r}: use faiss, qdrant:///folder, qdrant://:memory: or qdrant+http://host:port")


def use_store(searcher, uri: str | None) -> None:
    """Route the searcher's passage reads through the store a URI names."""
    if (uri or "faiss") != "faiss":
        searcher.store = open_store(uri, searcher.index)
