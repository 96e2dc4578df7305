"""The default store: the build's own FAISS index and bm25s matrix, in memory."""

from __future__ import annotations

import numpy as np


class FaissStore:
    name = "faiss"

    def __init__(self, index) -> None:
        self.index = index

    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        return self.index.vectors.search(vectors, k)

    def keyword_scores(self, tokens: list[str]) -> np.ndarray:
        return self.index.keyword.scores(tokens)
