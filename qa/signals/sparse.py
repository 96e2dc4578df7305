"""The latent-terms signal: the question's words' latent terms (looked up in the index's word table,
no model pass) against the passages', each word's weighted by its idf (qa/latent.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..settings import POOL
from . import best

if TYPE_CHECKING:
    from ..stores import PassageStore


class LatentSignal:
    """Latent-term scores: the question's vector from the index's word table (analysis data), the
    passages' terms through the store; nothing for an index without them (another model's)."""

    def __init__(self, index, store: PassageStore) -> None:
        self.index, self.store = index, store

    def scores(self, words: list[str], rows: list[int] | None) -> dict[int, float]:
        if self.index.latent_words is None or not self.store.has_latent:
            return {}
        query = self.index.latent_words.query(words, self.index.keyword.idf)
        some = None if rows is None else np.asarray(rows)
        return best(self.store.latent_scores(query, some), POOL, some)
