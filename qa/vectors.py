"""The FAISS side: which index type to build for a corpus size, and building it.

The thresholds and search depths come from `bench/run.py` (scale part, see
bench/results.md). One exact query costs about 0.11 µs per vector here (11 ms at
100k, 110 ms at 1M), so exact search stays under ~3 ms, a fifth of the 15 ms
answer budget, up to FLAT_LIMIT vectors. Above it an inverted file (IVF, 4·√n
lists) reached recall@10 ≥ 0.95 at nprobe 16 (100k) and 8 (1M), searching in
under a millisecond; HNSW measured no better (docs/research.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import QAError

KINDS = ("auto", "flat", "ivf")
FLAT_LIMIT = 30_000  # exact search below this many vectors, LARGE_KIND at or above
LARGE_KIND = "ivf"
IVF_MIN = 1_000  # an IVF over fewer vectors saves nothing (and cannot be trained on none): flat
IVF_TRAIN_PER_LIST = 40  # k-means sample per list; FAISS warns below 39
IVF_TRAIN_ITERATIONS = 10


@dataclass(frozen=True)
class VectorConfig:
    """Which FAISS index to build: 'auto' picks flat, or IVF from `flat_limit` vectors on."""

    kind: str = "auto"  # auto | flat | ivf
    flat_limit: int = FLAT_LIMIT
    ivf_lists: int = 0  # 0: 4·√n, the usual rule of thumb
    ivf_nprobe: int = 16  # lists scanned per query (stored inside the FAISS file); the larger tuned value
    seed: int = 1234  # k-means sample and initialisation, so builds are reproducible

    def resolve(self, n: int) -> str:
        """The kind actually built for n vectors."""
        kind = self.kind
        if kind not in KINDS:
            raise QAError(f"unknown vector index kind {kind!r} (use {', '.join(KINDS)})")
        if kind == "auto":
            kind = "flat" if n < self.flat_limit else LARGE_KIND
        if kind == "ivf" and n < IVF_MIN:
            return "flat"
        return kind

    def lists(self, n: int) -> int:
        """Number of IVF lists for n vectors."""
        wanted = self.ivf_lists or round(4 * math.sqrt(max(n, 1)))
        return max(1, min(wanted, n // IVF_TRAIN_PER_LIST))


def build_vector_index(vectors: np.ndarray, config: VectorConfig = VectorConfig()):
    """A FAISS index over L2-normalised rows, searched by inner product; rows can be reconstructed."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = vectors.shape
    kind = config.resolve(n)
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    else:
        index = _trained_ivf(vectors, config)
    if n:
        index.add(vectors)
    return index


def _trained_ivf(vectors: np.ndarray, config: VectorConfig):
    import faiss

    n, dim = vectors.shape
    lists = config.lists(n)
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
    # k-means on every vector costs minutes at a million; a sample of 40 per list
    # places the centroids as well (FAISS's own guidance is 39–256 per list).
    index.cp.niter = IVF_TRAIN_ITERATIONS
    index.cp.max_points_per_centroid = IVF_TRAIN_PER_LIST
    index.cp.seed = config.seed
    index.train(vectors)
    index.nprobe = min(config.ivf_nprobe, lists)
    # the dense signal reads stored vectors back by row (reconstruct_batch): keep the row → list map.
    index.make_direct_map()
    return index
