"""The FAISS side: which index type to build for a corpus size, and building it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import QAError

FLAT_LIMIT = 50_000  # exact search below this many passages, HNSW above


@dataclass(frozen=True)
class VectorConfig:
    """Which FAISS index to build: 'auto' picks flat or HNSW by corpus size."""

    kind: str = "auto"  # auto | flat | hnsw
    flat_limit: int = FLAT_LIMIT
    hnsw_m: int = 32
    hnsw_ef_construction: int = 80
    hnsw_ef_search: int = 96

    def resolve(self, n: int) -> str:
        if self.kind != "auto":
            return self.kind
        return "flat" if n < self.flat_limit else "hnsw"


def build_vector_index(vectors: np.ndarray, config: VectorConfig = VectorConfig()):
    """A FAISS index over L2-normalised rows, searched by inner product."""
    import faiss

    dim = vectors.shape[1]
    kind = config.resolve(len(vectors))
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, config.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = config.hnsw_ef_construction
        index.hnsw.efSearch = config.hnsw_ef_search
    else:
        raise QAError(f"unknown vector index kind {kind!r} (use auto, flat or hnsw)")
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index
