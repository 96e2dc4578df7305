"""The default store: the build's own FAISS indexes, bm25s matrix, hubness and latent arrays, in memory."""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from functools import cached_property

import numpy as np

from ..hubness import row_for
from ..latent import TermColumns, scores, term_columns
from .base import GlossCosines, PassageRows


class FaissStore:
    """PassageStore over a LoadedIndex; reads nothing of it until asked (a store swapped in at once
    never touches the arrays)."""

    name = "faiss"

    def __init__(self, index) -> None:
        self.index = index
        self._lock = threading.Lock()  # FAISS searches one at a time
        self._columns: TermColumns | None = None  # the passages' latent terms by feature, made on first use

    @property
    def size(self) -> int:
        return len(self.index.passages)

    @property
    def has_glosses(self) -> bool:
        return bool(self.index.glosses.ntotal)

    @property
    def has_latent(self) -> bool:
        return self.index.latent is not None

    @cached_property
    def _glossed(self) -> np.ndarray:
        """Per passage row, whether it owns a gloss."""
        mask = np.zeros(self.size, dtype=bool)
        mask[self.index.gloss_owner] = True
        return mask

    def nearest_passages(self, question: np.ndarray, k: int, lang: str) -> PassageRows:
        with self._lock:
            _, ids = self.index.vectors.search(question[None, :], min(self.size, k))
        return self.passages_at(question, ids[0][ids[0] >= 0], lang)

    def passages_at(self, question: np.ndarray, rows: Sequence[int], lang: str) -> PassageRows:
        rows = np.asarray(rows, dtype=np.int64)
        # the cosine from the stored vector, not FAISS's search score: the same arithmetic for
        # a deck filter's rows, which are not searched
        cosines = self.index.vectors.reconstruct_batch(rows) @ question
        return PassageRows(rows, cosines, self.index.hubness[row_for(lang)][rows], self._glossed[rows])

    def nearest_glosses(self, question: np.ndarray, k: int) -> GlossCosines:
        glosses = self.index.glosses
        with self._lock:
            sims, ids = glosses.search(question[None, :], min(glosses.ntotal, k))
        found = ids[0] >= 0  # -1: FAISS padding
        return GlossCosines(self.index.gloss_owner[ids[0][found]], sims[0][found])

    def gloss_cosines(self, question: np.ndarray, rows: Collection[int]) -> GlossCosines:
        owner = self.index.gloss_owner
        ids = np.flatnonzero(np.isin(owner, np.fromiter(rows, dtype=np.int64)))
        if not len(ids):
            return GlossCosines(owner[ids], np.zeros(0, dtype=np.float32))
        return GlossCosines(owner[ids], self.index.glosses.reconstruct_batch(ids) @ question)

    def keyword_scores(self, tokens: list[str]) -> np.ndarray:
        return self.index.keyword.scores(tokens)

    def latent_scores(self, query: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        if self._columns is None:
            self._columns = term_columns(*self.index.latent, len(query))
        return scores(self._columns, query, rows)

    def held_by(self, tokens: Sequence[str], row: int) -> set[str]:
        return self.index.keyword.held_by(tokens, row)
